"""Samplers over a domain (Sobol, Latin hypercube, Halton) and the boundary sampler."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import qmc
from sklearn.datasets import make_moons
from sklearn.ensemble import RandomForestClassifier
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

from skmetamorph import MetamorphosisClassifier
from skmetamorph.samplers import (
    MUNGE,
    BoundarySampler,
    FunctionSampler,
    HaltonSampler,
    KDESampler,
    LatinHypercubeSampler,
    SobolSampler,
    teacher_uncertainty,
)
from skmetamorph.utils._sklearn_compat import parametrize_with_checks

QMC_SAMPLERS = [SobolSampler, LatinHypercubeSampler, HaltonSampler]


def _name(cls):
    return cls.__name__


@parametrize_with_checks(
    [
        SobolSampler(),
        LatinHypercubeSampler(integer_features=[0], optimization="random-cd"),
        HaltonSampler(categorical_features={0: [0, 1, 2]}, scramble=False),
        BoundarySampler(),
        BoundarySampler(candidate_sampler=KDESampler(), uncertainty="entropy", focus=0.5),
    ]
)
def test_sklearn_compatible_sampler(estimator, check):
    check(estimator)


# ------------------------------------------------------------------ QMC samplers
@pytest.mark.parametrize("cls", QMC_SAMPLERS, ids=_name)
def test_rows_fill_the_bounds_without_data(cls):
    bounds = [(0.0, 1.0), (-5.0, 5.0), (100.0, 100.0)]
    X_new = cls(n_samples=64, bounds=bounds, random_state=0).fit_generate(None)
    assert X_new.shape == (64, 3) and X_new.dtype == np.float64
    low, high = np.array(bounds).T
    assert np.all(X_new >= low) and np.all(X_new <= high)
    assert np.all(X_new[:, 2] == 100.0)
    # Evenly spread: every quarter of each non-constant feature holds rows.
    for j in range(2):
        quarters = np.floor((X_new[:, j] - low[j]) / (high[j] - low[j]) * 4)
        assert set(np.clip(quarters, 0, 3).tolist()) == {0, 1, 2, 3}


@pytest.mark.parametrize("cls", QMC_SAMPLERS, ids=_name)
def test_bounds_default_to_the_data_box_and_keep_dtype(cls):
    rng = np.random.default_rng(0)
    X = rng.uniform([0, 10], [1, 20], size=(50, 2)).astype(np.float32)
    X_new = cls(n_samples=3.0, random_state=0).fit_generate(X)
    assert X_new.shape == (150, 2) and X_new.dtype == np.float32
    assert np.all(X_new >= X.min(axis=0)) and np.all(X_new <= X.max(axis=0))
    # A None entry takes that feature's range from X, the other keeps its bounds.
    mixed = cls(n_samples=20, bounds=[None, (0, 1)], random_state=0).fit_generate(X)
    assert mixed[:, 0].min() >= X[:, 0].min() and mixed[:, 1].max() <= 1


@pytest.mark.parametrize("cls", QMC_SAMPLERS, ids=_name)
def test_same_seed_same_rows(cls):
    def make(seed):
        return cls(n_samples=16, bounds=[(0, 1)] * 3, random_state=seed)

    np.testing.assert_array_equal(make(0).fit_generate(None), make(0).fit_generate(None))
    assert not np.array_equal(make(0).fit_generate(None), make(1).fit_generate(None))


def test_quasi_random_beats_random_discrepancy():
    n, d = 256, 3
    sobol = SobolSampler(n_samples=n, bounds=[(0, 1)] * d, random_state=0).fit_generate(None)
    random = np.random.default_rng(0).random((n, d))
    assert qmc.discrepancy(sobol) < qmc.discrepancy(random) / 5


def test_sobol_any_size_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X_new = SobolSampler(n_samples=100, bounds=[(0, 1)] * 2, random_state=0).fit_generate(None)
    # The first 100 points of the 128-point design.
    full = SobolSampler(n_samples=128, bounds=[(0, 1)] * 2, random_state=0).fit_generate(None)
    np.testing.assert_array_equal(X_new, full[:100])


def test_latin_hypercube_one_row_per_stratum():
    n = 20
    X_new = LatinHypercubeSampler(n_samples=n, bounds=[(0, 1)] * 4, random_state=0).fit_generate(
        None
    )
    for j in range(4):
        np.testing.assert_array_equal(np.sort(np.floor(X_new[:, j] * n)), np.arange(n))


@pytest.mark.parametrize("cls", QMC_SAMPLERS, ids=_name)
def test_integer_and_categorical_features(cls):
    sampler = cls(
        n_samples=600,
        bounds=[(0.5, 4.5), (0, 1), None],
        integer_features=[0],
        categorical_features={2: [10, 20, 30]},
        random_state=0,
    )
    X_new = sampler.fit_generate(None)
    values, counts = np.unique(X_new[:, 0], return_counts=True)
    np.testing.assert_array_equal(values, [1, 2, 3, 4])
    assert counts.min() > 0.8 * 600 / 4  # each integer about equally likely
    np.testing.assert_array_equal(np.unique(X_new[:, 2]), [10, 20, 30])
    assert len(np.unique(X_new[:, 1])) == 600  # the continuous feature stays continuous


def test_categorical_indices_take_values_from_data():
    X = np.column_stack([np.random.default_rng(0).normal(size=30), np.repeat([2.0, 5.0, 7.0], 10)])
    X_new = HaltonSampler(n_samples=50, categorical_features=[1], random_state=0).fit_generate(X)
    np.testing.assert_array_equal(np.unique(X_new[:, 1]), [2.0, 5.0, 7.0])
    with pytest.raises(ValueError, match="as a dict"):
        HaltonSampler(n_samples=5, bounds=[(0, 1), (0, 1)], categorical_features=[1]).fit_generate(
            None
        )


@pytest.mark.parametrize(
    "params, X, match",
    [
        ({"n_samples": 5}, None, "needs `bounds`"),
        ({"n_samples": 2.0, "bounds": [(0, 1)]}, None, "pass an int number of rows"),
        ({"bounds": [(0, 1)]}, np.zeros((4, 2)), "bounds has 1 entries but X has 2"),
        ({"n_samples": 5, "bounds": [(1, 0)]}, None, "low <= high"),
        ({"n_samples": 5, "bounds": [(0, 1, 2)]}, None, r"\(low, high\) pair"),
        ({"n_samples": 5, "bounds": [(0.2, 0.8)], "integer_features": [0]}, None, "no integer"),
        ({"n_samples": 5, "bounds": [(0, 1)], "integer_features": [3]}, None, "out of range"),
    ],
)
def test_invalid_domains(params, X, match):
    with pytest.raises(ValueError, match=match):
        SobolSampler(**params).fit_generate(X)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 70),
    low=st.floats(-1e3, 1e3),
    width=st.floats(0, 1e3),
    method=st.sampled_from(QMC_SAMPLERS),
    seed=st.integers(0, 2**16),
)
def test_property_rows_stay_in_bounds(n, low, width, method, seed):
    bounds = [(low, low + width), (low - 3.0, low + width + 3.0)]
    X_new = method(
        n_samples=n, bounds=bounds, integer_features=[1], random_state=seed
    ).fit_generate(None)
    assert X_new.shape == (n, 2)
    assert np.all(X_new[:, 0] >= low) and np.all(X_new[:, 0] <= low + width)
    assert np.all(X_new[:, 1] == np.round(X_new[:, 1]))
    assert np.all(X_new[:, 1] >= low - 3.0) and np.all(X_new[:, 1] <= low + width + 3.0)


# ------------------------------------------------------------- boundary sampler
@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(n_samples=300, noise=0.25, random_state=0)
    teacher = RandomForestClassifier(n_estimators=50, random_state=0).fit(X, y)
    return X, y, teacher


def test_boundary_rows_are_more_uncertain_than_munge_rows(moons):
    X, y, teacher = moons
    boundary = BoundarySampler(n_samples=2.0, random_state=0)
    X_boundary = boundary.fit_generate(X, y, teacher=teacher)
    X_munge = MUNGE(n_samples=2.0, random_state=0).fit_generate(X)
    assert X_boundary.shape == X_munge.shape == (600, 2)
    margin_boundary = teacher_uncertainty(teacher, X_boundary).mean()  # 1 - margin
    margin_munge = teacher_uncertainty(teacher, X_munge).mean()
    assert margin_boundary > 1.4 * margin_munge  # lower teacher margin on average
    np.testing.assert_allclose(boundary.uncertainty_, teacher_uncertainty(teacher, X_boundary))
    assert boundary.n_candidates_ == 1200
    assert isinstance(boundary.candidate_sampler_, MUNGE)


def test_more_focus_means_more_uncertainty(moons):
    X, y, teacher = moons
    means = [
        BoundarySampler(n_samples=1.0, focus=focus, random_state=0).fit_generate(
            X, y, teacher=teacher
        )
        for focus in (0.0, 0.5, 1.0)
    ]
    u = [teacher_uncertainty(teacher, rows).mean() for rows in means]
    assert u[0] < u[1] < u[2]


def test_entropy_and_decision_function_teachers(moons):
    X, y, teacher = moons
    entropy = BoundarySampler(n_samples=50, uncertainty="entropy", random_state=0)
    assert entropy.fit_generate(X, y, teacher=teacher).shape == (50, 2)
    svc = LinearSVC().fit(X, y)
    rows = BoundarySampler(n_samples=50, focus=1.0, random_state=0).fit_generate(X, teacher=svc)
    # Rows kept for a linear teacher are the candidates closest to its hyperplane.
    assert np.abs(svc.decision_function(rows)).mean() < np.abs(svc.decision_function(X)).mean()
    with pytest.raises(ValueError, match="needs a teacher with predict_proba"):
        BoundarySampler(uncertainty="entropy").fit_generate(X, teacher=svc)


def test_boundary_sampler_errors(moons):
    X, y, _ = moons
    with pytest.raises(ValueError, match="needs a fitted classifier teacher"):
        BoundarySampler().fit_generate(X, y)
    with pytest.raises(ValueError, match="has no n_samples parameter"):
        BoundarySampler(candidate_sampler=FunctionSampler()).fit_generate(
            X, y, teacher=DecisionTreeClassifier().fit(X, y)
        )


def test_uncertainty_scores_in_unit_interval(moons):
    X, _, teacher = moons
    for kind in ("margin", "entropy"):
        u = teacher_uncertainty(teacher, X, kind)
        assert u.shape == (len(X),) and np.all((u >= 0) & (u <= 1 + 1e-12))


def test_boundary_sampler_in_metamorphosis(moons):
    X, y, _ = moons
    clf = MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=30),
        DecisionTreeClassifier(max_leaf_nodes=8),
        BoundarySampler(n_samples=3.0),
        random_state=0,
    ).fit(X, y)
    assert clf.n_transfer_samples_ == 900
    assert clf.fidelity(X) > 0.85


@pytest.mark.parametrize("cls", QMC_SAMPLERS, ids=_name)
@pytest.mark.parametrize("with_data", [True, False])
def test_generate_batches_equal_fit_generate(cls, with_data):
    # A sequence cut into chunks is the same sequence; a Latin hypercube is
    # made whole and sliced.
    X = np.random.default_rng(0).uniform(0, 4, size=(40, 3)) if with_data else None
    bounds = None if with_data else [(0, 1), (-5, 5), (2, 4)]
    sampler = cls(n_samples=300, bounds=bounds, integer_features=[2], random_state=0)
    whole = sampler.fit_generate(X)
    chunks = list(sampler.generate_batches(X, batch_size=64))
    assert [len(chunk) for chunk in chunks] == [64] * 4 + [44]
    np.testing.assert_array_equal(np.concatenate(chunks), whole)
