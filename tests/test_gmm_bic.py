"""GMMSampler with the number of components and the covariance type chosen by BIC."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_circles
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from skmetamorph.samplers import GMMSampler
from skmetamorph.utils._sklearn_compat import InvalidParameterError
from skmetamorph.utils.estimator_checks import check_transfer_sampler

COVARIANCE_TYPES = {"spherical", "diag", "full", "tied"}


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    # Tiny data: k-means' OpenMP threads would only spin-wait on a busy machine.
    with threadpool_limits(limits=1):
        yield


@pytest.fixture
def two_blobs():
    rng = np.random.default_rng(0)
    return np.vstack([rng.normal(-5, size=(100, 2)), rng.normal(5, size=(100, 2))])


@pytest.mark.parametrize(
    "sampler",
    [
        GMMSampler(n_samples=2.0, n_components="bic", covariance_type="bic", max_components=2),
        GMMSampler(n_samples=1.0, n_components="bic", covariance_type="diag", max_components=3),
        GMMSampler(n_samples=1.5, n_components=2, covariance_type="bic"),
    ],
    ids=["both", "components", "covariance"],
)
def test_contract(sampler):
    check_transfer_sampler(sampler)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_components": "aic"}, "'n_components' parameter"),
        ({"n_components": 0}, "'n_components' parameter"),
        ({"covariance_type": "BIC"}, "'covariance_type' parameter"),
        ({"covariance_type": None}, "'covariance_type' parameter"),
        ({"max_components": 0}, "'max_components' parameter"),
        ({"max_components": 2.5}, "'max_components' parameter"),
        ({"max_components": "bic"}, "'max_components' parameter"),
    ],
)
def test_bad_params(params, match, two_blobs):
    with pytest.raises(InvalidParameterError, match=match):
        GMMSampler(**params).fit_generate(two_blobs)


def test_circles_choose_one_spherical_component():
    # Two noisy rings of 100 rows: no cluster structure a mixture could use.
    X, _ = make_circles(n_samples=100, noise=0.05, factor=0.5, random_state=0)
    sampler = GMMSampler(n_components="bic", covariance_type="bic", random_state=0)
    X_new = sampler.fit_generate(X)
    assert (sampler.n_components_, sampler.covariance_type_) == (1, "spherical")
    assert sampler.gmm_.n_components == 1 and sampler.gmm_.covariance_type == "spherical"
    assert X_new.shape == X.shape


def test_chosen_model_is_the_lowest_bic_and_reported(two_blobs):
    sampler = GMMSampler(n_components="bic", covariance_type="bic", random_state=0)
    sampler.fit_generate(two_blobs)
    assert sampler.n_components_ == 2
    chosen = (sampler.covariance_type_, sampler.n_components_)
    assert sampler.bic_[chosen] == min(sampler.bic_.values())
    assert sampler.bic_[chosen] == pytest.approx(
        sampler.gmm_.bic((two_blobs - sampler.mean_) / sampler.scale_)
    )
    # Every type was tried, each from one component on.
    assert {t for t, _ in sampler.bic_} == COVARIANCE_TYPES
    assert all((t, 1) in sampler.bic_ for t in COVARIANCE_TYPES)
    # The fitted model shows no initialisation arrays.
    assert sampler.gmm_.means_init is None and sampler.gmm_.precisions_init is None


def test_search_stops_when_bic_stops_improving():
    # One Gaussian blob: every type is best with few components, so the
    # search stops three sizes after its best, far below max_components.
    X = np.random.default_rng(0).normal(size=(300, 3))
    sampler = GMMSampler(
        n_components="bic", covariance_type="bic", max_components=30, random_state=0
    )
    sampler.fit_generate(X)
    for covariance_type in COVARIANCE_TYPES:
        sizes = {k: bic for (t, k), bic in sampler.bic_.items() if t == covariance_type}
        best = min(sizes, key=sizes.get)
        assert max(sizes) == best + 3 < 30
        assert sorted(sizes) == list(range(1, max(sizes) + 1))


def test_one_tied_component_is_reported_as_full():
    x = np.random.default_rng(1).normal(size=200)
    X = np.column_stack([x, x + 0.1 * np.sin(7 * x)])  # correlated: diag would miss it
    sampler = GMMSampler(n_components=1, covariance_type="bic", random_state=0)
    sampler.fit_generate(X)
    assert sampler.covariance_type_ == "full"
    assert sampler.bic_[("tied", 1)] == sampler.bic_[("full", 1)]


def test_fixed_covariance_type_searches_components_only(two_blobs):
    sampler = GMMSampler(
        n_components="bic", covariance_type="tied", max_components=4, random_state=0
    )
    sampler.fit_generate(two_blobs)
    assert {t for t, _ in sampler.bic_} == {"tied"}
    assert max(k for _, k in sampler.bic_) <= 4
    assert sampler.covariance_type_ == "tied" and sampler.n_components_ == 2


def test_fixed_components_searches_covariance_types_only(two_blobs):
    sampler = GMMSampler(n_components=3, covariance_type="bic", random_state=0)
    sampler.fit_generate(two_blobs)
    assert set(sampler.bic_) == {(t, 3) for t in COVARIANCE_TYPES}
    assert sampler.n_components_ == 3


def test_fixed_model_reports_its_one_bic(two_blobs):
    sampler = GMMSampler(n_components=2, covariance_type="diag", random_state=0)
    sampler.fit_generate(two_blobs)
    assert list(sampler.bic_) == [("diag", 2)]
    assert (sampler.n_components_, sampler.covariance_type_) == (2, "diag")


def test_components_capped_at_distinct_rows():
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 2.0], [3.0, 1.0]]), 10, axis=0)
    sampler = GMMSampler(n_components="bic", covariance_type="bic", random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert sampler.fit_generate(X).shape == (30, 2)
    assert max(k for _, k in sampler.bic_) <= 3
    assert sampler.n_components_ <= 3


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_kept_and_chunks_equal_fit_generate(dtype, two_blobs):
    X = two_blobs.astype(dtype)
    sampler = GMMSampler(
        n_samples=3.0, n_components="bic", covariance_type="bic", max_components=4, random_state=0
    )
    whole = sampler.fit_generate(X)
    chunks = np.concatenate(list(sampler.generate_batches(X, batch_size=7)))
    assert whole.dtype == dtype
    np.testing.assert_array_equal(whole, chunks)


def test_same_seed_same_choice_and_rows(two_blobs):
    params = dict(n_components="bic", covariance_type="bic", max_components=4, random_state=3)
    first, second = GMMSampler(**params), GMMSampler(**params)
    np.testing.assert_array_equal(first.fit_generate(two_blobs), second.fit_generate(two_blobs))
    assert first.bic_ == second.bic_
