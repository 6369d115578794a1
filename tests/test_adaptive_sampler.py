"""AdaptiveSampler: rounds of teacher calls under a budget, each row labeled once."""

import numpy as np
import pytest
from joblib import parallel_backend
from sklearn.datasets import make_classification
from sklearn.ensemble import ExtraTreesRegressor, RandomForestClassifier, RandomForestRegressor
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel
from sklearn.linear_model import LinearRegression, LogisticRegression, SGDClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skmetamorph import FunctionTeacher, MetamorphosisClassifier, MetamorphosisRegressor
from skmetamorph.samplers import AdaptiveSampler, PoolSampler, SobolSampler, UniformSampler
from skmetamorph.utils._sklearn_compat import InvalidParameterError

#: Rows each counting function was called on, reset before every test.
ROWS = {"n": 0, "calls": 0}


@pytest.fixture(autouse=True)
def reset_rows():
    ROWS.update(n=0, calls=0)


def smooth(X):
    """A cheap "simulation" that counts the rows it is asked about."""
    ROWS["n"] += X.shape[0]
    ROWS["calls"] += 1
    return np.sin(3 * X[:, 0]) + X[:, 1] ** 2


def two_outputs(X):
    ROWS["n"] += X.shape[0]
    return np.column_stack([X[:, 0] * X[:, 1], np.cos(2 * X[:, 0])])


def halfplane(X):
    ROWS["n"] += X.shape[0]
    return (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)


def fails_in_round_two(X):
    ROWS["calls"] += 1
    if ROWS["calls"] == 2:
        raise RuntimeError("the simulation crashed")
    return X[:, 0]


class CountingForest(RandomForestClassifier):
    """A forest teacher that counts the rows of its predict and predict_proba calls."""

    def predict(self, X):
        ROWS["n"] += len(X)
        # The forest's own predict calls self.predict_proba: not a second ask.
        return self.classes_[np.argmax(super().predict_proba(X), axis=1)]

    def predict_proba(self, X):
        ROWS["calls"] += len(X)
        return super().predict_proba(X)


BOUNDS = [(-1.0, 1.0), (-1.0, 1.0)]


def small_forest(cls=RandomForestClassifier):
    return cls(n_estimators=10, random_state=0)


@pytest.fixture
def data():
    X, y = make_classification(
        n_samples=150, n_features=4, n_informative=3, n_redundant=0, random_state=0
    )
    return X, y


# --------------------------------------------------------------- the budget
def test_a_function_teacher_in_a_regressor_labels_exactly_the_budget():
    reg = MetamorphosisRegressor(
        FunctionTeacher(smooth),
        DecisionTreeRegressor(random_state=0),
        AdaptiveSampler(
            SobolSampler(n_samples=8, bounds=BOUNDS),
            budget=97,
            round_size=20,
            student=small_forest(RandomForestRegressor),
        ),
        random_state=0,
    ).fit()
    sampler = reg.transfer_sampler_
    assert ROWS["n"] == 97  # the sampler's rounds; the regressor asks no more
    assert sampler.n_teacher_rows_ == reg.n_transfer_samples_ == 97
    # One call per round (the simulation is vectorised): 20 + 10 held out,
    # then 20 a round, the last 7.
    assert ROWS["calls"] == sampler.n_rounds_ == 5
    np.testing.assert_array_equal(sampler.rounds_["n_teacher_rows"], [30, 50, 70, 90, 97])


def test_a_function_teacher_in_a_classifier_labels_exactly_the_budget(data):
    X, y = data
    teacher = FunctionTeacher(halfplane, task="classification", classes=[0, 1])
    clf = MetamorphosisClassifier(
        teacher,
        DecisionTreeClassifier(random_state=0),
        AdaptiveSampler(budget=60, round_size=15, student=small_forest()),
        random_state=0,
    ).fit(X, y)
    assert ROWS["n"] == 60
    assert clf.n_transfer_samples_ == 60
    np.testing.assert_array_equal(clf.predict(X), clf.student_.predict(X))


def test_streaming_passes_reuse_the_answers(data):
    X, y = data
    teacher = FunctionTeacher(halfplane, task="classification", classes=[0, 1])
    MetamorphosisClassifier(
        teacher,
        SGDClassifier(random_state=0),
        AdaptiveSampler(budget=40, round_size=10, student=small_forest()),
        streaming=True,
        n_passes=3,
        batch_size=16,
        random_state=0,
    ).fit(X, y)
    assert ROWS["n"] == 40  # three passes over the rows, each labeled once


@pytest.mark.parametrize("labels", ["hard", "soft"])
def test_a_model_teacher_labels_each_row_once_for_hard_and_soft_labels(data, labels):
    X, y = data
    clf = MetamorphosisClassifier(
        CountingForest(n_estimators=10),
        DecisionTreeClassifier(max_leaf_nodes=8),
        AdaptiveSampler(budget=50, round_size=10, student=small_forest()),
        labels=labels,
        include_labeled=False,  # soft labels of labeled rows would ask the teacher too
        random_state=0,
    )
    clf.fit(X, y)
    # predict and predict_proba, once each per labeled row.
    assert ROWS["n"] == 50
    assert ROWS["calls"] == 50


def test_the_plan_carries_the_teachers_outputs(data):
    X, y = data
    teacher = LogisticRegression().fit(X, y)
    sampler = AdaptiveSampler(budget=40, round_size=10, student=small_forest(), random_state=0)
    plan = sampler.fit_plan(X, y, teacher=teacher)
    outputs = plan.outputs(5, 25)
    assert set(outputs) == {"predict", "predict_proba"}
    np.testing.assert_array_equal(outputs["predict"], teacher.predict(plan.rows(5, 25)))
    np.testing.assert_allclose(outputs["predict_proba"], teacher.predict_proba(plan.rows(5, 25)))


def test_a_budget_smaller_than_the_first_round_is_an_error(data):
    X, y = data
    teacher = LogisticRegression().fit(X, y)
    sampler = AdaptiveSampler(budget=30, initial=25, validation_fraction=0.2)
    with pytest.raises(ValueError, match="budget=30 is smaller than the first round"):
        sampler.fit_generate(X, y, teacher=teacher)
    assert not hasattr(sampler, "rounds_") and not hasattr(sampler, "n_features_in_")


# ------------------------------------------------------------------ rounds
def test_rounds_are_recorded(data):
    X, y = data
    teacher = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    sampler = AdaptiveSampler(
        budget=105,
        initial=30,
        round_size=20,
        validation_fraction=0.1,
        student=small_forest(),
        random_state=0,
    )
    rows = sampler.fit_generate(X, y, teacher=teacher)
    rounds = sampler.rounds_
    # First round: 30 + 11 held out (ceil(0.1 * 105)); then 20 a round, the last 14.
    np.testing.assert_array_equal(rounds["n_teacher_rows"], [41, 61, 81, 101, 105])
    np.testing.assert_array_equal(rounds["n_student_rows"], rounds["n_teacher_rows"] - 11)
    assert rows.shape == (105, 4) and sampler.n_teacher_rows_ == 105
    assert sampler.n_rounds_ == 5 and not sampler.stopped_early_
    assert np.all((rounds["fidelity"] >= 0) & (rounds["fidelity"] <= 1))
    assert sampler.strategy_ == "uncertainty"
    # The last student is the one that learned from all training rows.
    assert sampler.student_.n_features_in_ == 4


def test_stops_when_held_out_fidelity_stops_improving(data):
    X, y = data
    teacher = LogisticRegression().fit(X, y)
    # No gain of a whole unit of accuracy is possible: the round after the
    # first one ends it.
    sampler = AdaptiveSampler(
        budget=200,
        round_size=20,
        n_iter_no_change=1,
        tol=1.0,
        student=small_forest(),
        random_state=0,
    )
    rows = sampler.fit_generate(X, y, teacher=teacher)
    assert sampler.stopped_early_
    assert sampler.n_rounds_ == 2
    assert rows.shape[0] == sampler.n_teacher_rows_ == 20 + 20 + 20  # + 20 held out


def test_rounds_focus_on_the_teachers_boundary():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(300, 2))
    y = (X[:, 0] > 0).astype(int)
    teacher = LogisticRegression(C=100).fit(X, y)
    sampler = AdaptiveSampler(
        UniformSampler(), budget=200, round_size=40, exploration=0.0, random_state=0
    )
    rows = sampler.fit_generate(X, y, teacher=teacher)
    first = sampler.rounds_["n_teacher_rows"][0]
    # Random rows of the first round are spread out; chosen rows hug x0 = 0
    # (the default student, extra trees, is unsure only near the boundary).
    assert np.mean(np.abs(rows[first:, 0])) < 0.5 * np.mean(np.abs(rows[:first, 0]))


@pytest.mark.parametrize("strategy", ["disagreement", "teacher"])
def test_neighbour_strategies(data, strategy):
    X, y = data
    teacher = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    sampler = AdaptiveSampler(
        budget=60, round_size=15, strategy=strategy, student=small_forest(), random_state=0
    )
    rows = sampler.fit_generate(X, y, teacher=teacher)
    assert rows.shape == (60, 4) and sampler.strategy_ == strategy


def test_a_pool_is_labeled_without_repeats_and_runs_out(data):
    X, y = data
    teacher = LogisticRegression().fit(X, y)
    sampler = AdaptiveSampler(
        PoolSampler(pool="all"),
        budget=500,
        round_size=40,
        student=small_forest(),
        random_state=0,
    )
    rows = sampler.fit_generate(X, y, teacher=teacher)
    # Every row of X once: the budget is more than the pool.
    assert rows.shape == X.shape
    np.testing.assert_array_equal(np.unique(rows, axis=0), np.unique(X, axis=0))


# ----------------------------------------------------------- regression
def test_spread_of_a_gaussian_process_in_a_pipeline():
    teacher = FunctionTeacher(two_outputs).fit()
    gp = GaussianProcessRegressor(ConstantKernel() * RBF([0.5, 0.5]), normalize_y=True)
    student = make_pipeline(MinMaxScaler(), gp)
    sampler = AdaptiveSampler(
        SobolSampler(n_samples=8, bounds=BOUNDS),
        budget=48,
        round_size=12,
        student=student,
        strategy="spread",
        random_state=0,
    )
    rows = sampler.fit_generate(None, teacher=teacher)
    assert rows.shape == (48, 2) and sampler.n_features_in_ == 2
    assert sampler.strategy_ == "spread"
    assert sampler.rounds_["fidelity"][-1] > 0.99


def test_a_regressor_with_data_and_the_default_student():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(80, 2))
    y = smooth(X)
    ROWS["n"] = 0
    reg = MetamorphosisRegressor(
        LinearRegression(),
        DecisionTreeRegressor(random_state=0),
        AdaptiveSampler(budget=60, round_size=20),
        include_labeled=False,
        random_state=0,
    ).fit(X, y)
    assert reg.n_transfer_samples_ == 60
    assert isinstance(reg.transfer_sampler_.student_, ExtraTreesRegressor)
    assert reg.transfer_sampler_.strategy_ == "eigf"


# ------------------------------------------------------------------ errors
def test_errors(data):
    X, y = data
    clf_teacher = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="pass a fitted teacher"):
        AdaptiveSampler(budget=40).fit_generate(X, y)
    with pytest.raises(ValueError, match="strategy='spread' is for regression"):
        AdaptiveSampler(budget=40, strategy="spread").fit_generate(X, y, teacher=clf_teacher)
    reg_teacher = FunctionTeacher(smooth).fit()
    with pytest.raises(ValueError, match="strategy='uncertainty' is for classification"):
        AdaptiveSampler(budget=40, strategy="uncertainty").fit_generate(
            X[:, :2], teacher=reg_teacher
        )
    hard_only = FunctionTeacher(halfplane, task="classification", classes=[0, 1]).fit()
    with pytest.raises(ValueError, match="has no predict_proba"):
        AdaptiveSampler(budget=40, strategy="teacher").fit_generate(X, y, teacher=hard_only)
    with pytest.raises(ValueError, match="X=None"):
        AdaptiveSampler(budget=40).fit_generate(None, teacher=reg_teacher)
    with pytest.raises(ValueError, match="validation_fraction=0 holds out no rows"):
        AdaptiveSampler(budget=40, validation_fraction=0, n_iter_no_change=2).fit_generate(
            X, y, teacher=clf_teacher
        )
    with pytest.raises(ValueError, match="needs a student that gives a predictive spread"):
        AdaptiveSampler(
            budget=40, round_size=10, student=LinearRegression(), strategy="spread"
        ).fit_generate(X[:, :2], teacher=reg_teacher)
    with pytest.raises(InvalidParameterError, match="budget"):
        AdaptiveSampler(budget=0).fit_generate(X, y, teacher=clf_teacher)


def test_a_failure_in_round_two_fails_the_fit_and_leaves_nothing_fitted():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(60, 2))
    sampler = AdaptiveSampler(budget=40, round_size=10, random_state=0)
    with pytest.raises(RuntimeError, match="crashed"):
        sampler.fit_generate(X, teacher=FunctionTeacher(fails_in_round_two).fit())
    assert ROWS["calls"] == 2  # it did fail in the second round
    assert not any(key.endswith("_") for key in vars(sampler))

    ROWS["calls"] = 0
    reg = MetamorphosisRegressor(
        FunctionTeacher(fails_in_round_two), DecisionTreeRegressor(), sampler, random_state=0
    )
    with pytest.raises(RuntimeError, match="crashed"):
        reg.fit(X)
    assert not any(key.endswith("_") for key in vars(reg))


# ------------------------------------------------------------------ seeding
def test_same_seed_same_rows_and_n_jobs_changes_nothing(data):
    X, y = data
    teacher = LogisticRegression().fit(X, y)

    def rows(seed, n_jobs=None):
        sampler = AdaptiveSampler(
            budget=50,
            round_size=10,
            batch_size=7,
            n_jobs=n_jobs,
            student=RandomForestClassifier(n_estimators=10),
            random_state=seed,
        )
        return sampler.fit_generate(X, y, teacher=teacher)

    first = rows(0)
    np.testing.assert_array_equal(first, rows(0))
    assert not np.array_equal(first, rows(1))
    with parallel_backend("threading"):
        np.testing.assert_array_equal(first, rows(0, n_jobs=2))


def test_seeded_meta_estimators_repeat(data):
    X, y = data

    def fit():
        return MetamorphosisClassifier(
            RandomForestClassifier(n_estimators=10),
            DecisionTreeClassifier(),
            AdaptiveSampler(budget=40, round_size=10, student=small_forest()),
            random_state=3,
        ).fit(X, y)

    np.testing.assert_array_equal(fit().predict(X), fit().predict(X))
