"""Tests of the generative transfer samplers: MUNGE, noise, density, union, function."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from skmetamorph._random import rows_in_rounds
from skmetamorph.samplers import (
    MUNGE,
    FunctionSampler,
    GaussianNoiseSampler,
    GMMSampler,
    KDESampler,
    UniformSampler,
    UnionSampler,
)
from skmetamorph.utils._sklearn_compat import InvalidParameterError, parametrize_with_checks

# One instance of each sampler with a fixed seed, for the tests that apply to all.
SEEDED_SAMPLERS = [
    MUNGE(n_samples=2.0, random_state=0),
    GaussianNoiseSampler(n_samples=2.0, random_state=0),
    UniformSampler(n_samples=2.0, random_state=0),
    KDESampler(n_samples=2.0, random_state=0),
    GMMSampler(n_samples=2.0, n_components=2, random_state=0),
    UnionSampler(
        [("munge", MUNGE(n_samples=1.0)), ("noise", GaussianNoiseSampler())],
        random_state=0,
    ),
]


def _id(sampler):
    return type(sampler).__name__


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    # The data here are tiny; on a busy machine the OpenMP threads of k-means
    # (GMM initialisation) spin-wait for cores and make a 10 ms fit take 1.5 s.
    with threadpool_limits(limits=1):
        yield


@pytest.fixture
def X_normal():
    return np.random.default_rng(0).normal(size=(300, 3))


# ---------------------------------------------------------------------------
# scikit-learn's estimator checks
# ---------------------------------------------------------------------------


@parametrize_with_checks(
    [
        MUNGE(n_samples=2.0),
        GaussianNoiseSampler(n_samples=2.0),
        UniformSampler(n_samples=2.0),
        KDESampler(n_samples=2.0),
        GMMSampler(n_samples=2.0, n_components=2),
        UnionSampler([("munge", MUNGE(n_samples=2.0)), ("uniform", UniformSampler())]),
        FunctionSampler(),
    ]
)
def test_sklearn_compatible_sampler(estimator, check):
    check(estimator)


# ---------------------------------------------------------------------------
# All samplers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("sampler", SEEDED_SAMPLERS, ids=_id)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_output_shape_dtype_and_finite(sampler, dtype, X_normal):
    X = X_normal.astype(dtype)
    X_new = clone(sampler).fit_generate(X)
    assert X_new.shape == (2 * X.shape[0], X.shape[1])
    assert X_new.dtype == dtype
    assert np.isfinite(X_new).all()


@pytest.mark.parametrize("sampler", SEEDED_SAMPLERS, ids=_id)
def test_same_seed_same_rows_other_seed_other_rows(sampler, X_normal):
    first = clone(sampler).fit_generate(X_normal)
    again = clone(sampler).fit_generate(X_normal)
    other = clone(sampler).set_params(random_state=1).fit_generate(X_normal)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("sampler", SEEDED_SAMPLERS, ids=_id)
def test_random_state_instance_is_reproducible(sampler, X_normal):
    # A RandomState is consumed as in scikit-learn: equal states, equal rows.
    first = clone(sampler).set_params(random_state=np.random.RandomState(3))
    again = clone(sampler).set_params(random_state=np.random.RandomState(3))
    np.testing.assert_array_equal(first.fit_generate(X_normal), again.fit_generate(X_normal))


@pytest.mark.parametrize(
    "sampler",
    [MUNGE(), GaussianNoiseSampler(), UniformSampler(), KDESampler(), GMMSampler()],
    ids=_id,
)
@pytest.mark.parametrize("n_samples, expected", [(7, 7), (1, 1), (0.5, 150), (2.5, 750)])
def test_n_samples_count_or_multiple(sampler, n_samples, expected, X_normal):
    sampler = clone(sampler).set_params(n_samples=n_samples, random_state=0)
    assert sampler.fit_generate(X_normal).shape == (expected, X_normal.shape[1])


@pytest.mark.parametrize("sampler", [MUNGE(), GaussianNoiseSampler(), KDESampler()], ids=_id)
@pytest.mark.parametrize("n_samples", [0, -1, 0.0, -0.5, "many"])
def test_bad_n_samples(sampler, n_samples, X_normal):
    with pytest.raises(InvalidParameterError, match="n_samples"):
        clone(sampler).set_params(n_samples=n_samples).fit_generate(X_normal)


@pytest.mark.parametrize(
    "sampler",
    [MUNGE(), GaussianNoiseSampler(), UniformSampler(), KDESampler(), GMMSampler()],
    ids=_id,
)
def test_constant_feature_stays_constant(sampler, X_normal):
    X = X_normal.copy()
    X[:, 1] = 4.25
    X_new = clone(sampler).set_params(random_state=0).fit_generate(X)
    assert (X_new[:, 1] == 4.25).all()


def test_samplers_accept_dataframes_and_ignore_y_and_teacher(X_normal):
    pd = pytest.importorskip(
        "pandas", reason="needs pandas, in the test extra: pip install -e '.[test]'"
    )
    df = pd.DataFrame(X_normal, columns=["a", "b", "c"])
    y = np.where(np.arange(len(df)) % 2 == 0, -1, 1)
    for sampler in SEEDED_SAMPLERS:
        X_new = clone(sampler).fit_generate(df, y, teacher=object())
        assert isinstance(X_new, np.ndarray) and X_new.shape[1] == 3


# ---------------------------------------------------------------------------
# MUNGE
# ---------------------------------------------------------------------------


def test_munge_follows_a_known_distribution():
    X = np.random.default_rng(0).normal(size=(2000, 2))
    X_new = MUNGE(n_samples=2.0, random_state=0).fit_generate(X)
    np.testing.assert_allclose(X_new.mean(axis=0), 0, atol=0.1)
    np.testing.assert_allclose(X_new.std(axis=0), 1, atol=0.1)
    for j in range(2):
        # Statistic, not p-value: the new rows are not independent draws (they
        # derive from one sample of 2000 rows), so a p-value would be too strict.
        assert stats.kstest(X_new[:, j], "norm").statistic < 0.05


def test_munge_preserves_correlation():
    # Mixing with a *nearest* neighbour keeps the data's shape: a strong
    # correlation survives, where independent noise per feature would weaken it.
    rng = np.random.default_rng(0)
    x = rng.normal(size=1000)
    X = np.column_stack([x, x + 0.1 * rng.normal(size=1000)])
    X_new = MUNGE(n_samples=2.0, p=0.5, random_state=0).fit_generate(X)
    assert np.corrcoef(X_new.T)[0, 1] > 0.98


def _source_rows(plan, n_rows):
    """The data row each transfer row of a rounds-based plan was made from."""
    return rows_in_rounds(n_rows, plan.state["key"], 0, len(plan))


def test_munge_p_zero_returns_copies_of_rows(X_normal):
    munge = MUNGE(n_samples=2.5, p=0.0, random_state=0)
    X_new = munge.fit_generate(X_normal)
    np.testing.assert_array_equal(X_new, X_normal[_source_rows(munge.fit_plan(X_normal), 300)])
    # Two full rounds (every row once each, in a shuffled order), then a
    # subset of distinct rows.
    for round_ in (X_new[:300], X_new[300:600]):
        np.testing.assert_array_equal(np.unique(round_, axis=0), np.unique(X_normal, axis=0))
    rest = X_new[600:]
    assert len(np.unique(rest, axis=0)) == 150
    assert all((X_normal == row).all(axis=1).any() for row in rest)


def test_munge_p_one_stays_near_neighbours(X_normal):
    # p=1 and a large s: every value is the neighbour's, barely perturbed, so
    # every new row is close to a data row other than the one it came from.
    munge = MUNGE(n_samples=1.0, p=1.0, s=1e6, random_state=0)
    X_new = munge.fit_generate(X_normal)
    source = _source_rows(munge.fit_plan(X_normal), len(X_normal))
    distances = np.linalg.norm(X_new[:, None, :] - X_normal[None, :, :], axis=2)
    assert distances.min(axis=1).max() < 1e-3
    assert (distances[np.arange(len(X_new)), source] > 1e-3).all()


@pytest.mark.parametrize(
    "categorical_features",
    [[1, 3], np.array([False, True, False, True]), (3, 1, 1)],
    ids=["indices", "mask", "tuple-with-repeats"],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_munge_categorical_values_are_seen_values(categorical_features, dtype):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4)).astype(dtype)
    X[:, 1] = rng.choice([0.0, 3.0, 7.0], size=200)
    X[:, 3] = rng.choice([-1.0, 100.0], size=200)
    X_new = MUNGE(
        n_samples=3.0, p=0.9, categorical_features=categorical_features, random_state=0
    ).fit_generate(X)
    assert X_new.dtype == dtype
    assert set(np.unique(X_new[:, 1])) == {0.0, 3.0, 7.0}
    assert set(np.unique(X_new[:, 3])) == {-1.0, 100.0}
    # ...while the continuous features are perturbed into new values.
    assert not np.isin(X_new[:, 0], X[:, 0]).all()


def test_munge_categorical_features_by_name():
    pd = pytest.importorskip(
        "pandas", reason="needs pandas, in the test extra: pip install -e '.[test]'"
    )
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=100), "colour": rng.integers(0, 4, size=100)})
    munge = MUNGE(n_samples=2.0, categorical_features=["colour"], random_state=0)
    X_new = munge.fit_generate(df)
    assert set(np.unique(X_new[:, 1])) <= {0.0, 1.0, 2.0, 3.0}
    with pytest.raises(ValueError, match="categorical_features.*'size'"):
        MUNGE(categorical_features=["size"]).fit_generate(df)
    with pytest.raises(ValueError, match="categorical_features.*no feature names"):
        MUNGE(categorical_features=["colour"]).fit_generate(df.to_numpy())


def test_munge_categorical_neighbours_use_category_equality():
    # The categorical codes 0 and 1 are "close" and 0 and 100 "far" as numbers,
    # but as categories all pairs are equally different: each row's neighbour is
    # chosen by the continuous feature, which makes rows 0 and 1 neighbours.
    X = np.array([[0.0, 0.0], [0.1, 100.0], [5.0, 1.0], [9.0, 2.0]])
    X_new = MUNGE(
        n_samples=200, p=1.0, s=1e9, categorical_features=[1], random_state=0
    ).fit_generate(X)
    from_row_0 = X_new[np.isclose(X_new[:, 0], 0.1)]
    assert len(from_row_0) and (from_row_0[:, 1] == 100.0).all()


@pytest.mark.parametrize(
    "categorical_features, match",
    [
        ([0, 5], r"categorical_features has indices \[5\] out of range"),
        ([-1], r"categorical_features has indices \[-1\] out of range"),
        ([True, False], "categorical_features as a boolean mask"),
        ([0.5], "categorical_features must hold integer indices"),
        ([[0, 1]], "categorical_features must be a 1d"),
    ],
)
def test_munge_bad_categorical_features(categorical_features, match, X_normal):
    with pytest.raises(ValueError, match=match):
        MUNGE(categorical_features=categorical_features).fit_generate(X_normal)


@pytest.mark.parametrize("categorical_features", [None, [], np.zeros(3, dtype=bool)])
def test_munge_no_categorical_features(categorical_features, X_normal):
    expected = MUNGE(random_state=0).fit_generate(X_normal)
    munge = MUNGE(categorical_features=categorical_features, random_state=0)
    X_new = munge.fit_generate(X_normal)
    np.testing.assert_array_equal(X_new, expected)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"p": 1.5}, "'p' parameter"),
        ({"p": -0.1}, "'p' parameter"),
        ({"s": 0}, "'s' parameter"),
        ({"s": -1.0}, "'s' parameter"),
        ({"categorical_features": "a"}, "'categorical_features' parameter"),
        ({"random_state": "seed"}, "'random_state' parameter"),
    ],
)
def test_munge_bad_params(params, match, X_normal):
    with pytest.raises(InvalidParameterError, match=match):
        MUNGE(**params).fit_generate(X_normal)


def test_munge_needs_two_rows():
    with pytest.raises(ValueError, match="MUNGE needs at least 2 rows"):
        MUNGE().fit_generate(np.array([[1.0, 2.0]]))


def test_munge_duplicates_get_a_distinct_neighbour():
    # Every row appears twice; a search that allowed a row's own copy as its
    # neighbour would return copies only, even with p=1.
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]]), 2, axis=0)
    X_new = MUNGE(n_samples=50, p=1.0, random_state=0).fit_generate(X)
    assert not (X_new[:, None, :] == X[None, :, :]).all(axis=2).any(axis=1).all()


def test_munge_identical_rows_give_copies():
    X = np.ones((5, 2))
    X_new = MUNGE(n_samples=8, p=1.0).fit_generate(X)
    np.testing.assert_array_equal(X_new, np.ones((8, 2)))


def test_munge_uses_rows_evenly():
    X = np.arange(10.0)[:, None]
    X_new = MUNGE(n_samples=25, p=0.0, random_state=0).fit_generate(X)
    counts = np.bincount(X_new[:, 0].astype(int), minlength=10)
    assert set(counts) == {2, 3} and counts.sum() == 25


# ---------------------------------------------------------------------------
# Noise and uniform samplers
# ---------------------------------------------------------------------------


def test_gaussian_noise_scale_follows_feature_std():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 2)) * [1.0, 1000.0]
    sampler = GaussianNoiseSampler(n_samples=1.0, scale=0.1, random_state=0)
    noise = sampler.fit_generate(X) - X[_source_rows(sampler.fit_plan(X), len(X))]
    np.testing.assert_allclose(noise.std(axis=0), 0.1 * X.std(axis=0), rtol=0.1)


def test_gaussian_noise_scale_zero_gives_copies(X_normal):
    X_new = GaussianNoiseSampler(n_samples=1.0, scale=0.0, random_state=0).fit_generate(X_normal)
    np.testing.assert_array_equal(np.unique(X_new, axis=0), np.unique(X_normal, axis=0))


def test_gaussian_noise_bad_scale(X_normal):
    with pytest.raises(InvalidParameterError, match="'scale' parameter"):
        GaussianNoiseSampler(scale=-0.1).fit_generate(X_normal)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_uniform_within_bounds(dtype, X_normal):
    X = X_normal.astype(dtype)
    X_new = UniformSampler(n_samples=5.0, random_state=0).fit_generate(X)
    assert (X_new >= X.min(axis=0)).all() and (X_new <= X.max(axis=0)).all()
    # ...and it fills the box rather than a corner of it.
    spread = (X_new.max(axis=0) - X_new.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))
    assert (spread > 0.95).all()


def test_uniform_margin_widens_the_box(X_normal):
    low, high = X_normal.min(axis=0), X_normal.max(axis=0)
    width = high - low
    sampler = UniformSampler(n_samples=5.0, margin=0.5, random_state=0)
    X_new = sampler.fit_generate(X_normal)
    assert (X_new >= low - 0.5 * width).all() and (X_new <= high + 0.5 * width).all()
    assert (X_new < low).any(axis=0).all() and (X_new > high).any(axis=0).all()


def test_uniform_bad_margin(X_normal):
    with pytest.raises(InvalidParameterError, match="'margin' parameter"):
        UniformSampler(margin=-1).fit_generate(X_normal)


# ---------------------------------------------------------------------------
# Density samplers
# ---------------------------------------------------------------------------


def test_kde_rows_follow_the_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 2)) * [1.0, 100.0] + [5.0, -50.0]
    sampler = KDESampler(n_samples=2000, random_state=0)
    X_new = sampler.fit_generate(X)
    assert (np.abs(X_new.mean(axis=0) - X.mean(axis=0)) < 0.1 * X.std(axis=0)).all()
    # A Gaussian KDE adds the bandwidth's variance to the data's.
    expected_std = X.std(axis=0) * np.sqrt(1 + sampler.kde_.bandwidth_**2)
    np.testing.assert_allclose(X_new.std(axis=0), expected_std, rtol=0.1)
    np.testing.assert_allclose(sampler.mean_, X.mean(axis=0))
    np.testing.assert_allclose(sampler.scale_, X.std(axis=0))


@pytest.mark.parametrize("bandwidth", ["scott", "silverman", 0.05])
def test_kde_bandwidth(bandwidth, X_normal):
    sampler = KDESampler(bandwidth=bandwidth, random_state=0)
    sampler.fit_generate(X_normal)
    if bandwidth == 0.05:
        assert sampler.kde_.bandwidth_ == 0.05


@pytest.mark.parametrize("bandwidth", [0, -1.0, "wide"])
def test_kde_bad_bandwidth(bandwidth, X_normal):
    with pytest.raises(InvalidParameterError, match="'bandwidth' parameter"):
        KDESampler(bandwidth=bandwidth).fit_generate(X_normal)


def test_kde_single_row_gives_copies():
    X_new = KDESampler(n_samples=3).fit_generate(np.array([[1.0, 2.0]]))
    np.testing.assert_array_equal(X_new, [[1.0, 2.0]] * 3)


def test_gmm_rows_follow_the_clusters_and_are_shuffled():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(-10, 1, size=(200, 2)), rng.normal(10, 1, size=(200, 2))])
    sampler = GMMSampler(n_samples=400, n_components=2, random_state=0)
    X_new = sampler.fit_generate(X)
    distance_to_centre = np.abs(np.abs(X_new) - 10).max(axis=1)
    assert (distance_to_centre < 5).mean() > 0.99
    left = X_new[:, 0] < 0
    assert 0.4 < left.mean() < 0.6
    # Shuffled: the two clusters are interleaved, not in two blocks.
    assert np.count_nonzero(np.diff(left.astype(int))) > 100


def test_gmm_components_capped_at_distinct_rows():
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 2.0], [3.0, 1.0]]), 4, axis=0)
    sampler = GMMSampler(n_samples=10, n_components=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        assert sampler.fit_generate(X).shape == (10, 2)
    assert sampler.gmm_.n_components == 3


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_gmm_covariance_types(covariance_type, X_normal):
    sampler = GMMSampler(n_components=2, covariance_type=covariance_type, random_state=0)
    assert sampler.fit_generate(X_normal).shape == X_normal.shape
    assert sampler.gmm_.covariance_type == covariance_type


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_components": 0}, "'n_components' parameter"),
        ({"n_components": 1.5}, "'n_components' parameter"),
        ({"covariance_type": "round"}, "'covariance_type' parameter"),
    ],
)
def test_gmm_bad_params(params, match, X_normal):
    with pytest.raises(InvalidParameterError, match=match):
        GMMSampler(**params).fit_generate(X_normal)


def test_gmm_needs_two_rows():
    with pytest.raises(ValueError, match="GMMSampler needs at least 2 rows"):
        GMMSampler().fit_generate(np.array([[1.0, 2.0]]))


# ---------------------------------------------------------------------------
# UnionSampler
# ---------------------------------------------------------------------------


def _union():
    return UnionSampler(
        [
            ("munge", MUNGE(n_samples=2.0)),
            ("uniform", UniformSampler(n_samples=10)),
            ("noise", GaussianNoiseSampler(n_samples=0.5, random_state=7)),
        ],
        random_state=0,
    )


def test_union_concatenates_in_order(X_normal):
    union = _union()
    X_new = union.fit_generate(X_normal)
    assert X_new.shape == (600 + 10 + 150, 3)
    names = [name for name, _ in union.samplers_]
    assert names == ["munge", "uniform", "noise"]
    # Each block is what its (seeded) sampler makes on its own.
    for (name, fitted), (start, stop) in zip(union.samplers_, [(0, 600), (600, 610), (610, 760)]):
        alone = clone(fitted).fit_generate(X_normal)
        np.testing.assert_array_equal(X_new[start:stop], alone, err_msg=name)


def test_union_seeds_children_distinctly_without_mutating_them(X_normal):
    noise = GaussianNoiseSampler(n_samples=1.0)
    union = UnionSampler([("a", noise), ("b", noise)], random_state=0)
    X_new = union.fit_generate(X_normal)
    assert not np.array_equal(X_new[:300], X_new[300:])
    assert noise.random_state is None and not hasattr(noise, "n_features_in_")
    seeds = [fitted.random_state for _, fitted in union.samplers_]
    assert len(set(seeds)) == 2 and all(isinstance(s, int) for s in seeds)


def test_union_keeps_a_childs_own_seed(X_normal):
    first = _union().fit_generate(X_normal)
    other = _union().set_params(random_state=1).fit_generate(X_normal)
    # munge and uniform follow the union's seed; noise has its own.
    assert not np.array_equal(first[:610], other[:610])
    np.testing.assert_array_equal(first[610:], other[610:])


def test_union_nested_params(X_normal):
    union = _union()
    params = union.get_params(deep=True)
    assert params["munge__p"] == 0.5 and params["uniform__margin"] == 0.0
    assert "munge" in params and "samplers" in params
    union.set_params(munge__p=0.0, uniform=MUNGE(n_samples=5))
    assert union.named_samplers.munge.p == 0.0
    assert isinstance(union.named_samplers.uniform, MUNGE)
    assert union.fit_generate(X_normal).shape == (600 + 5 + 150, 3)
    assert set(union.get_params(deep=False)) == {"samplers", "random_state"}


def test_union_in_a_parent_estimator_params(X_normal):
    # The names compose through two levels, as in a grid search over a
    # MetamorphosisClassifier's transfer_sampler.
    outer = UnionSampler([("inner", _union()), ("kde", KDESampler())], random_state=0)
    outer.set_params(inner__munge__p=0.2, kde__bandwidth=0.3)
    params = outer.get_params()
    assert params["inner__munge__p"] == 0.2 and params["kde__bandwidth"] == 0.3
    assert outer.fit_generate(X_normal).shape == (760 + 300, 3)


def test_union_drop(X_normal):
    union = _union().set_params(uniform="drop")
    assert union.fit_generate(X_normal).shape == (750, 3)
    assert [name for name, _ in union.samplers_] == ["munge", "noise"]


@pytest.mark.parametrize(
    "samplers, error, match",
    [
        ([], ValueError, "at least one sampler"),
        ([("a", "drop")], ValueError, "at least one sampler"),
        ([("a", MUNGE()), ("a", KDESampler())], ValueError, "not unique"),
        ([("a__b", MUNGE())], ValueError, "must not contain __"),
        ([("random_state", MUNGE())], ValueError, "conflict with constructor"),
        ([("a", object())], TypeError, "fit_generate"),
        ([("a", MUNGE)], TypeError, "estimator instance"),
        ([MUNGE()], TypeError, r"\(name, sampler\) tuples"),
    ],
)
def test_union_bad_samplers(samplers, error, match, X_normal):
    with pytest.raises(error, match=match):
        UnionSampler(samplers).fit_generate(X_normal)


def test_union_validates_children_params(X_normal):
    with pytest.raises(InvalidParameterError, match="'p' parameter"):
        UnionSampler([("munge", MUNGE(p=2.0))]).fit_generate(X_normal)
    with pytest.raises(InvalidParameterError, match="'samplers' parameter"):
        UnionSampler(("munge", MUNGE())).fit_generate(X_normal)


# ---------------------------------------------------------------------------
# FunctionSampler
# ---------------------------------------------------------------------------


def test_function_sampler_default_is_a_copy(X_normal):
    X_new = FunctionSampler().fit_generate(X_normal)
    np.testing.assert_array_equal(X_new, X_normal)
    assert not np.shares_memory(X_new, X_normal)


def test_function_sampler_calls_func_with_kw_args():
    calls = []

    def func(X, y, factor):
        calls.append(y)
        return X * factor

    X = np.arange(6.0).reshape(3, 2)
    y = np.array([0, 1, -1])
    X_new = FunctionSampler(func, kw_args={"factor": 2}).fit_generate(X, y)
    np.testing.assert_array_equal(X_new, 2 * X)
    np.testing.assert_array_equal(calls[0], y)


def test_function_sampler_teacher():
    teacher = object()
    seen = []

    def func(X, y, **kwargs):
        seen.append(kwargs)
        return X[:1]

    X = np.ones((3, 2))
    X_new = FunctionSampler(func, accept_teacher=True).fit_generate(X, teacher=teacher)
    assert X_new.shape == (1, 2)
    assert seen[0] == {"teacher": teacher}
    # Without accept_teacher the function is called without it.
    FunctionSampler(func).fit_generate(X, teacher=teacher)
    assert seen[1] == {}


def test_function_sampler_output_is_checked_and_cast():
    X = np.ones((3, 2), dtype=np.float32)
    X_new = FunctionSampler(lambda X, y: [[1, 2], [3, 4]]).fit_generate(X)
    assert X_new.dtype == np.float32 and X_new.shape == (2, 2)
    with pytest.raises(ValueError, match=r"expected \(n_rows, 2\)"):
        FunctionSampler(lambda X, y: X[:, :1]).fit_generate(X)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"func": 3}, "'func' parameter"),
        ({"kw_args": [1]}, "'kw_args' parameter"),
        ({"accept_teacher": "yes"}, "'accept_teacher' parameter"),
    ],
)
def test_function_sampler_bad_params(params, match):
    with pytest.raises(InvalidParameterError, match=match):
        FunctionSampler(**params).fit_generate(np.ones((3, 2)))


# ---------------------------------------------------------------------------
# Property-based tests
# ---------------------------------------------------------------------------


@st.composite
def small_arrays(draw, min_rows=2):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = draw(st.tuples(st.integers(min_rows, 20), st.integers(1, 4)))
    width = np.dtype(dtype).itemsize * 8
    elements = st.floats(-1e3, 1e3, allow_nan=False, allow_subnormal=False, width=width)
    return draw(hnp.arrays(dtype, shape, elements=elements))


PROPERTY_SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(
    X=small_arrays(),
    sampler=st.sampled_from(
        [
            MUNGE(),
            MUNGE(p=1.0, s=0.5),
            GaussianNoiseSampler(scale=1.0),
            UniformSampler(margin=0.1),
            KDESampler(),
            GMMSampler(n_components=3),
        ]
    ),
    n_samples=st.one_of(st.integers(1, 40), st.floats(0.1, 3.0)),
    seed=st.integers(0, 2**31 - 1),
)
def test_property_shape_finite_dtype(X, sampler, n_samples, seed):
    sampler = clone(sampler).set_params(n_samples=n_samples, random_state=seed)
    with warnings.catch_warnings():
        # Tiny degenerate data sets may not let a mixture converge; that is fine.
        warnings.simplefilter("ignore", ConvergenceWarning)
        X_new = sampler.fit_generate(X)
    if isinstance(n_samples, int):
        expected = n_samples
    else:
        expected = max(1, round(n_samples * len(X)))
    assert X_new.shape == (expected, X.shape[1])
    assert X_new.dtype == X.dtype
    assert np.isfinite(X_new).all()


@PROPERTY_SETTINGS
@given(
    X=small_arrays(),
    codes=st.lists(st.integers(-5, 5), min_size=1, max_size=4, unique=True),
    p=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**31 - 1),
    data=st.data(),
)
def test_property_munge_categorical_values_are_seen(X, codes, p, seed, data):
    X = X.copy()
    X[:, 0] = data.draw(hnp.arrays(np.int64, len(X), elements=st.sampled_from(codes))).astype(
        X.dtype
    )
    munge = MUNGE(n_samples=3.0, p=p, categorical_features=[0], random_state=seed)
    X_new = munge.fit_generate(X)
    assert set(np.unique(X_new[:, 0])) <= set(np.unique(X[:, 0]))
    assert np.isfinite(X_new).all()


@PROPERTY_SETTINGS
@given(X=small_arrays(), seed=st.integers(0, 2**31 - 1))
def test_property_munge_p_zero_copies(X, seed):
    munge = MUNGE(n_samples=2.0, p=0.0, random_state=seed)
    X_new = munge.fit_generate(X)
    # Two rounds, each using every row once (in a shuffled order).
    np.testing.assert_array_equal(X_new, X[_source_rows(munge.fit_plan(X), len(X))])
    for round_ in (X_new[: len(X)], X_new[len(X) :]):
        np.testing.assert_array_equal(np.sort(round_, axis=0), np.sort(X, axis=0))


@PROPERTY_SETTINGS
@given(X=small_arrays(min_rows=1), seed=st.integers(0, 2**31 - 1))
def test_property_uniform_within_bounds(X, seed):
    X_new = UniformSampler(n_samples=2.0, random_state=seed).fit_generate(X)
    assert (X_new >= X.min(axis=0)).all() and (X_new <= X.max(axis=0)).all()


# ---------------------------------------------------------------------------
# Chunked generation: generate_batches and the plans behind it
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("sampler", SEEDED_SAMPLERS, ids=_id)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_generate_batches_chunks_do_not_depend_on_batch_size(sampler, dtype, X_normal):
    X = X_normal.astype(dtype)
    chunks = list(clone(sampler).generate_batches(X, batch_size=128))
    assert [len(chunk) for chunk in chunks] == [128] * 4 + [88]
    assert all(chunk.dtype == dtype and chunk.shape[1] == 3 for chunk in chunks)
    rows = np.concatenate(chunks)
    assert np.isfinite(rows).all()
    np.testing.assert_array_equal(
        rows, np.concatenate(list(clone(sampler).generate_batches(X, batch_size=7)))
    )
    np.testing.assert_array_equal(rows, next(clone(sampler).generate_batches(X, batch_size=10_000)))
    other = clone(sampler).set_params(random_state=1).generate_batches(X, batch_size=1000)
    assert not np.array_equal(rows, next(other))


@pytest.mark.parametrize("sampler", SEEDED_SAMPLERS, ids=_id)
def test_generate_batches_rows_are_distributed_like_fit_generate(sampler, X_normal):
    # Chunked rows use other random streams than fit_generate (keyed by row
    # position), but the same algorithm: the same distribution per feature.
    if isinstance(sampler, UnionSampler):
        big = clone(sampler).set_params(munge__n_samples=20.0, noise__n_samples=20.0)
    else:
        big = clone(sampler).set_params(n_samples=20.0)
    whole = clone(big).fit_generate(X_normal)
    chunked = np.concatenate(list(clone(big).generate_batches(X_normal, batch_size=1000)))
    assert chunked.shape == whole.shape
    for j in range(X_normal.shape[1]):
        assert stats.ks_2samp(whole[:, j], chunked[:, j]).pvalue > 1e-3


def test_generate_batches_checks_at_the_call_not_at_the_first_chunk(X_normal):
    with pytest.raises(ValueError, match="MUNGE needs at least 2 rows"):
        MUNGE().generate_batches(X_normal[:1])
    with pytest.raises(ValueError, match="batch_size must be an int >= 1"):
        MUNGE().generate_batches(X_normal, batch_size=0)
    with pytest.raises(InvalidParameterError):
        MUNGE(p=2.0).generate_batches(X_normal)


def test_generate_batches_of_a_sampler_without_chunking_slices_fit_generate(X_normal):
    sampler = FunctionSampler(lambda X, y: X[::-1] * 2)
    chunks = list(sampler.generate_batches(X_normal, batch_size=100))
    assert [len(chunk) for chunk in chunks] == [100, 100, 100]
    np.testing.assert_array_equal(np.concatenate(chunks), X_normal[::-1] * 2)


def test_chunked_munge_uses_rows_evenly_and_mixes_sorted_data():
    X = np.arange(100.0).reshape(50, 2)  # sorted rows
    munge = MUNGE(n_samples=125, p=0.0, random_state=0)  # p=0: copies of data rows
    chunks = list(munge.generate_batches(X, batch_size=10))
    counts = np.unique(np.concatenate(chunks)[:, 0], return_counts=True)[1]
    assert len(counts) == 50 and set(counts) <= {2, 3}  # 125 = 2 rounds of 50 + 25
    # Ten consecutive transfer rows come from all over the (sorted) data.
    assert all(np.ptp(chunk[:, 0]) > 60 for chunk in chunks)


def test_chunked_munge_categorical_values_are_seen_values():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=200), rng.integers(0, 4, size=200) * 1.5])
    munge = MUNGE(n_samples=5.0, p=0.9, categorical_features=[1], random_state=0)
    rows = np.concatenate(list(munge.generate_batches(X, batch_size=333)))
    assert set(np.unique(rows[:, 1])) <= set(np.unique(X[:, 1]))


@settings(max_examples=30, deadline=None)
@given(
    n_rows=st.integers(1, 40),
    n_out=st.integers(1, 300),
    bounds=st.tuples(st.integers(0, 300), st.integers(0, 300)),
    width=st.integers(1, 5),
)
def test_row_streams_are_keyed_by_position(n_rows, n_out, bounds, width):
    from skmetamorph.base import row_uniforms

    start, stop = min(bounds[0], n_out - 1), min(max(bounds), n_out)
    stop = max(stop, start + 1)
    rows = rows_in_rounds(n_rows, 7, 0, n_out)
    np.testing.assert_array_equal(rows_in_rounds(n_rows, 7, start, stop), rows[start:stop])
    # Every data row is used n_out // n_rows times or once more.
    counts = np.bincount(rows, minlength=n_rows)
    assert counts.min() >= n_out // n_rows and counts.max() <= -(-n_out // n_rows)
    u = row_uniforms((7, 1), 0, n_out, width)
    np.testing.assert_array_equal(row_uniforms((7, 1), start, stop, width), u[start:stop])
    assert ((u > 0) & (u < 1)).all()
