"""SPUNGE (hot-deck swaps plus noise) and ForestLeafSampler (rows in a forest's leaf boxes)."""

import warnings

import numpy as np
import pytest
from scipy import stats
from sklearn.datasets import load_breast_cancer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from skmetamorph import MetamorphosisClassifier
from skmetamorph._random import row_uniforms, rows_in_rounds
from skmetamorph.metrics import fidelity_score
from skmetamorph.samplers._forest import ForestLeafSampler
from skmetamorph.samplers._hotdeck import SPUNGE
from skmetamorph.utils._sklearn_compat import parametrize_with_checks
from skmetamorph.utils.estimator_checks import check_transfer_sampler, default_data

CONTRACT_SAMPLERS = [
    SPUNGE(n_samples=2.5),
    SPUNGE(n_samples=1.5, p=0.3, noise_scale=0.0, categorical_features=[0]),
    SPUNGE(n_samples=2.0, p=1.0, noise_scale=0.5, categorical_features=[True, False, True, False]),
    ForestLeafSampler(n_samples=2.5),
    ForestLeafSampler(n_samples=1.5, n_estimators=3, min_samples_leaf=3, bounds="data"),
    ForestLeafSampler(n_samples=2.0, max_depth=3, max_features=None),
]


@pytest.mark.parametrize("sampler", CONTRACT_SAMPLERS, ids=repr)
def test_contract(sampler):
    check_transfer_sampler(sampler)


@parametrize_with_checks([SPUNGE(), ForestLeafSampler()])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def data():
    return default_data()


@pytest.mark.parametrize(
    "sampler",
    [
        SPUNGE(n_samples=3.3, p=0.4, random_state=1),
        ForestLeafSampler(n_samples=3.3, random_state=1),
    ],
    ids=repr,
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_rows_do_not_depend_on_chunking_and_keep_dtype(sampler, dtype, data):
    X, y, teacher = data
    X = X.astype(dtype)
    whole = sampler.fit_generate(X, y, teacher=teacher)
    chunks = np.concatenate(list(sampler.generate_batches(X, y, teacher=teacher, batch_size=7)))
    assert whole.dtype == dtype
    np.testing.assert_array_equal(whole, chunks)
    assert whole.shape == (round(3.3 * X.shape[0]), X.shape[1])


@pytest.mark.parametrize("make", [SPUNGE, ForestLeafSampler], ids=lambda c: c.__name__)
def test_seeds(make, data):
    X, y, teacher = data
    first = make(n_samples=2.0, random_state=0).fit_generate(X, y, teacher=teacher)
    again = make(n_samples=2.0, random_state=0).fit_generate(X, y, teacher=teacher)
    other = make(n_samples=2.0, random_state=1).fit_generate(X, y, teacher=teacher)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("make", [SPUNGE, ForestLeafSampler], ids=lambda c: c.__name__)
def test_dataframe_in_dataframe_out(make, data):
    pd = pytest.importorskip(
        "pandas", reason="needs pandas, in the test extra: pip install -e '.[test]'"
    )
    X, y, _ = data
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    teacher = LogisticRegression(max_iter=500).fit(frame[y != -1], y[y != -1])
    sampler = make(n_samples=2.0, random_state=0).set_output(generate="pandas")
    with warnings.catch_warnings():
        # The teacher is asked with the column names it was fitted with.
        warnings.simplefilter("error")
        rows = sampler.fit_generate(frame, y, teacher=teacher)
    assert list(rows.columns) == ["a", "b", "c", "d"]
    plain = make(n_samples=2.0, random_state=0).fit_generate(frame, y, teacher=teacher)
    assert isinstance(plain, np.ndarray)
    np.testing.assert_array_equal(rows.to_numpy(), plain)


# ------------------------------------------------------------------- SPUNGE
def test_spunge_p0_copies_data_rows_equally_often():
    X = np.random.default_rng(0).normal(size=(40, 3))
    rows = SPUNGE(n_samples=3.0, p=0.0, noise_scale=1.0, random_state=0).fit_generate(X)
    match = (rows[:, None, :] == X[None, :, :]).all(axis=2)
    assert match.any(axis=1).all()
    np.testing.assert_array_equal(match.sum(axis=0), np.full(40, 3))


def test_spunge_p1_draws_each_feature_from_its_marginal():
    rng = np.random.default_rng(0)
    X = np.column_stack(
        [rng.exponential(size=200), rng.integers(0, 5, size=200), rng.normal(size=200)]
    )
    rows = SPUNGE(n_samples=50.0, p=1.0, noise_scale=0.0, random_state=0).fit_generate(X)
    for j in range(X.shape[1]):
        assert np.isin(rows[:, j], X[:, j]).all()
        assert stats.ks_2samp(rows[:, j], X[:, j]).pvalue > 0.01
    # Each data row's value is drawn equally often: 50 times on average.
    counts = np.unique(rows[:, 0], return_counts=True)[1]
    assert counts.size == np.unique(X[:, 0]).size
    assert abs(counts.mean() - 50) < 1 and counts.std() < 15
    # Features are swapped independently: their dependence is gone.
    Y = np.column_stack([X[:, 0], X[:, 0]])
    swapped = SPUNGE(n_samples=20.0, p=1.0, noise_scale=0.0, random_state=0).fit_generate(Y)
    assert abs(np.corrcoef(swapped.T)[0, 1]) < 0.05


def test_spunge_donor_is_another_row():
    X = np.array([[0.0], [1.0]])
    rows = SPUNGE(n_samples=10.0, p=1.0, noise_scale=0.0, random_state=0).fit_generate(X)
    base = X[rows_in_rounds(2, _spunge_key(X), 0, 20), 0]
    np.testing.assert_array_equal(rows[:, 0], 1 - base)


def _spunge_key(X):
    sampler = SPUNGE(n_samples=10.0, p=1.0, noise_scale=0.0, random_state=0)
    return sampler.fit_plan(X).state["key"]


def test_spunge_noise_follows_feature_std_and_spares_categorical():
    X = np.column_stack([np.repeat([0.0, 1000.0], 50), np.tile([0.0, 1.0, 2.0, 3.0, 4.0], 20)])
    rows = SPUNGE(
        n_samples=40.0, p=1.0, noise_scale=0.01, categorical_features=[1], random_state=0
    ).fit_generate(X)
    residual = rows[:, 0] - np.where(rows[:, 0] > 500, 1000.0, 0.0)
    # sd = 0.01 * std = 0.01 * 500.
    assert 4.8 < residual.std() < 5.2
    assert np.isin(rows[:, 1], [0, 1, 2, 3, 4]).all()


def test_spunge_unswapped_values_are_exact_and_p_is_the_swap_rate():
    X = np.arange(300, dtype=float).reshape(100, 3) + 0.5
    rows = SPUNGE(n_samples=20.0, p=0.3, noise_scale=0.1, random_state=0).fit_generate(X)
    # Every value of X is distinct, and noise makes swapped ones new values.
    kept = np.isin(rows, X)
    assert 0.68 < kept.mean() < 0.72


def test_spunge_categorical_features_by_name():
    pd = pytest.importorskip(
        "pandas", reason="needs pandas, in the test extra: pip install -e '.[test]'"
    )
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=50), "c": rng.integers(0, 3, size=50) * 1.0})
    rows = SPUNGE(
        n_samples=10.0, p=1.0, noise_scale=1.0, categorical_features=["c"], random_state=0
    ).fit_generate(frame)
    assert np.isin(rows[:, 1], [0, 1, 2]).all()
    assert not np.isin(rows[:, 0], frame["x"]).any()


def test_spunge_needs_two_rows():
    with pytest.raises(ValueError, match="SPUNGE needs at least 2 rows"):
        SPUNGE().fit_generate(np.ones((1, 3)))


@pytest.mark.parametrize(
    "params, match",
    [
        ({"p": 1.5}, "'p' parameter"),
        ({"p": -0.1}, "'p' parameter"),
        ({"noise_scale": -1.0}, "'noise_scale' parameter"),
        ({"n_samples": 0}, "'n_samples' parameter"),
        ({"n_samples": "many"}, "'n_samples' parameter"),
        ({"categorical_features": [7]}, "out of range"),
        ({"categorical_features": [True, False]}, "one entry per feature"),
        ({"categorical_features": ["a"]}, "X has no feature names"),
    ],
)
def test_spunge_rejects_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        SPUNGE(**params).fit_generate(np.random.default_rng(0).normal(size=(10, 3)))


# ------------------------------------------------------------ forest leaves
def _leaf_of_box(forest):
    """(tree, node) of every box, in the sampler's box order."""
    tree_of, node_of = [], []
    for t, estimator in enumerate(forest.estimators_):
        leaves = np.flatnonzero(estimator.tree_.children_left == -1)
        tree_of.append(np.full(leaves.size, t))
        node_of.append(leaves)
    return np.concatenate(tree_of), np.concatenate(node_of)


@pytest.mark.parametrize("bounds", ["leaf", "data"])
def test_forest_rows_lie_in_their_leaf_box_and_the_data_box(bounds, data):
    X, y, teacher = data
    sampler = ForestLeafSampler(n_samples=10.0, bounds=bounds, random_state=0)
    plan = sampler.fit_plan(X, y, teacher=teacher)
    rows = plan.all_rows()
    assert (rows >= X.min(axis=0)).all() and (rows <= X.max(axis=0)).all()
    # The box each row was drawn in, as _generate_rows picks it.
    state, n = plan.state, len(plan)
    n_rows, n_trees = state["leaf_box"].shape
    u = row_uniforms((state["key"], 1), 0, n, 1 + X.shape[1])
    data_row = rows_in_rounds(n_rows, state["key"], 0, n)
    box = state["leaf_box"][data_row, (u[:, 0] * n_trees).astype(int)]
    assert (rows >= state["low"][box]).all() and (rows <= state["high"][box]).all()
    tree_of, node_of = _leaf_of_box(sampler.forest_)
    assert sampler.n_boxes_ == tree_of.size == state["low"].shape[0]
    leaves = sampler.forest_.apply(rows)
    np.testing.assert_array_equal(leaves[np.arange(n), tree_of[box]], node_of[box])
    # Boxes are picked by their data rows: every tree gets about 1/n_trees.
    assert np.bincount(tree_of[box], minlength=n_trees).min() > 0.6 * n / n_trees


def test_forest_leaf_bounds_keep_rows_near_the_data():
    # Two clusters, told apart by either feature: every tree makes one split,
    # on one feature, up to its threshold; the other, open feature closes at
    # the leaf's cluster with bounds="leaf", at the data's range with "data".
    rng = np.random.default_rng(0)
    X = np.vstack([rng.uniform([-6, 0], [-5, 1], (50, 2)), rng.uniform([5, 10], [6, 11], (50, 2))])
    y = np.repeat([0, 1], 50)

    def near_a_cluster(rows):
        x0_in = (np.abs(rows[:, 0]) >= 5) & (np.abs(rows[:, 0]) <= 6)
        x1_in = (rows[:, 1] <= 1) | (rows[:, 1] >= 10)
        return x0_in | x1_in

    sampler = ForestLeafSampler(n_samples=10.0, random_state=0)
    rows = sampler.fit_generate(X, y)
    assert sampler.n_boxes_ == 2 * sampler.n_estimators
    assert near_a_cluster(rows).all()
    rows = ForestLeafSampler(n_samples=10.0, bounds="data", random_state=0).fit_generate(X, y)
    assert (~near_a_cluster(rows)).mean() > 0.3


def test_forest_with_one_leaf_fills_the_bounding_box():
    X = np.random.default_rng(0).uniform(size=(200, 2))
    teacher = DummyClassifier().fit(X, np.zeros(200))
    for bounds in ("leaf", "data"):
        sampler = ForestLeafSampler(n_samples=20.0, bounds=bounds, random_state=0)
        rows = sampler.fit_generate(X, teacher=teacher)
        assert sampler.n_boxes_ == sampler.n_estimators
        np.testing.assert_allclose(rows.min(axis=0), X.min(axis=0), atol=0.01)
        np.testing.assert_allclose(rows.max(axis=0), X.max(axis=0), atol=0.01)


def test_forest_without_teacher_fits_the_labeled_rows_of_y(data):
    X, y, _ = data
    sampler = ForestLeafSampler(n_samples=2.0, random_state=0)
    rows = sampler.fit_generate(X, y)
    assert rows.shape == (180, 4)
    assert isinstance(sampler.forest_, RandomForestClassifier)
    assert sampler.forest_.classes_.tolist() == [0, 1, 2]
    # Unlabeled rows still count for the box weights: rows in rounds over all X.
    assert sampler.fit_plan(X, y).state["leaf_box"].shape == (90, 10)


def test_forest_follows_the_teacher_over_y(data):
    X, y, _ = data
    teacher = DummyClassifier(strategy="constant", constant=7).fit(X, np.full(90, 7))
    sampler = ForestLeafSampler(random_state=0).fit(X)
    sampler.fit_generate(X, y, teacher=teacher)
    assert sampler.forest_.classes_.tolist() == [7]


def test_forest_regression_teacher_gets_a_regression_forest():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    teacher = LinearRegression().fit(X, X @ [1.0, 2.0, 3.0])
    sampler = ForestLeafSampler(n_samples=2.0, random_state=0)
    rows = sampler.fit_generate(X, teacher=teacher)
    assert isinstance(sampler.forest_, RandomForestRegressor)
    assert rows.shape == (200, 3)


def test_forest_needs_labels_or_teacher(data):
    X, y, _ = data
    with pytest.raises(ValueError, match="got neither"):
        ForestLeafSampler().fit_generate(X)
    with pytest.raises(ValueError, match="every row is unlabeled"):
        ForestLeafSampler().fit_generate(X, np.full(90, -1))
    with pytest.raises(ValueError, match="every row is unlabeled"):
        ForestLeafSampler().fit_generate(X, np.full(90, np.nan))


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_estimators": 0}, "'n_estimators' parameter"),
        ({"max_depth": 0}, "'max_depth' parameter"),
        ({"min_samples_leaf": 0}, "'min_samples_leaf' parameter"),
        ({"min_samples_leaf": 1.5}, "'min_samples_leaf' parameter"),
        ({"max_features": "auto"}, "'max_features' parameter"),
        ({"bounds": "box"}, "'bounds' parameter"),
        ({"n_samples": -1.0}, "'n_samples' parameter"),
    ],
)
def test_forest_rejects_bad_parameters(params, match, data):
    X, y, teacher = data
    with pytest.raises(ValueError, match=match):
        ForestLeafSampler(**params).fit_generate(X, y, teacher=teacher)


# --------------------------------------------------------- in the estimator
@pytest.mark.parametrize(
    "sampler",
    [SPUNGE(n_samples=5.0, random_state=0), ForestLeafSampler(n_samples=5.0, random_state=0)],
    ids=repr,
)
def test_inside_metamorphosis_classifier(sampler):
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, _ = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    model = MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=30, random_state=0),
        DecisionTreeClassifier(random_state=0),
        sampler,
        random_state=0,
    ).fit(X_train, y_train)
    assert fidelity_score(model.teacher_, model.student_, X_test) > 0.9
    assert model.n_transfer_samples_ == 5 * X_train.shape[0]
