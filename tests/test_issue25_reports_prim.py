"""Issue 25: fidelity reports never hide NaN, the frontier plots what its axes say, PRIM holds.

Each test failed on the code before the fix (the extract_rules one is a
guard: see its docstring).
"""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin, clone  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score  # noqa: E402
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor  # noqa: E402

from skmetamorph import MetamorphosisClassifier  # noqa: E402
from skmetamorph._targets import centred_logits  # noqa: E402
from skmetamorph.inspection import FidelitySizeDisplay  # noqa: E402
from skmetamorph.metrics import (  # noqa: E402
    fidelity_report,
    per_class_fidelity,
    probability_divergence,
)
from skmetamorph.rules import extract_rules  # noqa: E402
from skmetamorph.samplers import MUNGE  # noqa: E402
from skmetamorph.scenario import PRIM  # noqa: E402

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
NAMES = np.array(["setosa", "versicolor", "virginica"])
ROWS = np.arange(3).reshape(-1, 1)
P_STUDENT = [[0.5, 0.5, 0.0], [0.0, 0.4, 0.6], [0.1, 0.9, 0.0]]


class Fixed(ClassifierMixin, BaseEstimator):
    """A 'fitted' classifier that returns given probabilities (rows of X index them)."""

    def __init__(self, proba, classes):
        self.proba = proba
        self.classes = classes

    def fit(self, X, y=None):
        return self

    @property
    def classes_(self):
        return np.asarray(self.classes)

    def predict_proba(self, X):
        return np.asarray(self.proba, dtype=float)[np.asarray(X, dtype=int)[:, 0]]

    def predict(self, X):
        return self.classes_[np.argmax(np.nan_to_num(self.predict_proba(X)), axis=1)]


@pytest.fixture(scope="module")
def teacher():
    return LogisticRegression(max_iter=500).fit(X_IRIS, Y_IRIS)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --------------------------------------- 1. NaN probabilities: one explicit error
@pytest.mark.parametrize("metric", ["kl", "total_variation"])
@pytest.mark.parametrize("role", ["teacher", "student"])
def test_nan_probabilities_raise_for_every_metric(metric, role):
    with_nan = [[np.nan] * 3, [0.2, 0.2, 0.6], [0.0, 1.0, 0.0]]
    pair = {"teacher": Fixed(P_STUDENT, [0, 1, 2]), "student": Fixed(P_STUDENT, [0, 1, 2])}
    pair[role] = Fixed(with_nan, [0, 1, 2])
    with pytest.raises(ValueError, match=f"The {role} Fixed returned NaN.*1 of 3 rows"):
        probability_divergence(pair["teacher"], pair["student"], ROWS, metric=metric)


def test_fidelity_report_does_not_mix_nan_and_skipped_rows():
    teacher = Fixed([[np.nan] * 3, [0.2, 0.2, 0.6], [0.0, 1.0, 0.0]], [0, 1, 2])
    with pytest.raises(ValueError, match="NaN or infinite probabilities"):
        fidelity_report(teacher, Fixed(P_STUDENT, [0, 1, 2]), ROWS, n_bootstrap=5)


# ---------------------------------- 2. the frontier of a regressor student
def _direct_by_hand(labels, classes, X, y, X_test, value):
    targets = (y[:, None] == classes[None, :]).astype(float)
    if labels == "logit":
        targets = centred_logits(targets)
    tree = DecisionTreeRegressor(max_leaf_nodes=value, random_state=0).fit(X, targets)
    return classes[np.argmax(tree.predict(X_test), axis=1)]


@pytest.mark.parametrize("labels", ["proba", "logit"])
@pytest.mark.parametrize("string_classes", [False, True])
def test_frontier_of_a_regressor_student_plots_accuracy(labels, string_classes):
    y = NAMES[Y_IRIS] if string_classes else Y_IRIS
    X_train, y_train, X_test, y_test = X_IRIS[::2], y[::2], X_IRIS[1::2], y[1::2]
    model = MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=10, random_state=0),
        DecisionTreeRegressor(random_state=0),
        labels=labels,
        random_state=0,
    )
    display = FidelitySizeDisplay.from_estimator(
        model, X_train, y_train, X_test, y_test, param_range=[2, 3]
    )
    teacher_pred = clone(model).fit(X_train, y_train).teacher_.predict(X_test)
    for i, value in enumerate([2, 3]):
        y_direct = _direct_by_hand(labels, np.unique(y), X_train, y_train, X_test, value)
        assert display.direct_scores[i] == pytest.approx(accuracy_score(y_test, y_direct))
        assert display.direct_fidelity[i] == pytest.approx(accuracy_score(teacher_pred, y_direct))
        assert display.direct_sizes[i] == value
    assert display.score_name == "Accuracy"


# ------------------------- 3. per-class fidelity of a student of other classes
@pytest.mark.parametrize("student_labels", [NAMES[Y_IRIS], Y_IRIS + 5])
def test_per_class_fidelity_rejects_other_classes_like_the_divergence(teacher, student_labels):
    student = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X_IRIS, student_labels)
    with pytest.raises(ValueError, match="does not know") as divergence:
        probability_divergence(teacher, student, X_IRIS)
    with pytest.raises(ValueError, match="does not know") as per_class:
        per_class_fidelity(teacher, student, X_IRIS)
    assert str(per_class.value) == str(divergence.value)


def test_per_class_fidelity_still_takes_a_student_of_fewer_classes(teacher):
    student = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X_IRIS, np.minimum(Y_IRIS, 1))
    result = per_class_fidelity(teacher, student, X_IRIS)
    assert result.classes.tolist() == [0, 1, 2]
    assert result.fidelity[2] == 0.0


# --------------------------------------------------------- 4. sample weights
@pytest.mark.parametrize(
    "weights, message",
    [
        (-np.ones(150), "sample_weight must be non-negative"),
        (np.r_[np.ones(75), -np.ones(75)], "sample_weight must be non-negative"),
        (np.zeros(150), r"(?i)sample.?weight"),
    ],
    ids=["negative", "sums-to-zero", "all-zero"],
)
def test_bad_weights_are_a_clear_value_error(teacher, weights, message):
    for metric in ("total_variation", "kl"):
        with pytest.raises(ValueError, match=message):
            probability_divergence(teacher, teacher, X_IRIS, metric=metric, sample_weight=weights)
    with pytest.raises(ValueError, match=message):
        per_class_fidelity(teacher, teacher, X_IRIS, sample_weight=weights)


# ------------------------------------------------------------- 5. not fitted
@pytest.mark.parametrize("role", ["teacher", "student"])
def test_unfitted_teacher_or_student_is_not_fitted_error(teacher, role):
    pair = {"teacher": teacher, "student": teacher}
    pair[role] = LogisticRegression()
    with pytest.raises(NotFittedError, match=f"The {role} LogisticRegression is not fitted"):
        probability_divergence(pair["teacher"], pair["student"], X_IRIS)


# --------------------------------------------------------------------- 6. PRIM
def test_prim_near_the_float_limit_finds_the_same_box():
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(300, 2))
    y = X[:, 0] < 0.3  # found by upper peels of x0
    scale = 1.7e308  # the sum of two values overflows
    plain = PRIM().fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        huge = PRIM().fit(X * scale, y)
    assert huge.density_[0] == pytest.approx(plain.density_[0]) == 1.0
    np.testing.assert_allclose(huge.boxes_[0] / scale, plain.boxes_[0])
    np.testing.assert_array_equal(huge.predict(X * scale), plain.predict(X))


def test_prim_trajectory_scores_names_a_box_out_of_range():
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(300, 2))
    y = X[:, 0] < 0.3
    prim = PRIM().fit(X, y)
    n = prim.n_boxes_
    with pytest.raises(IndexError, match=rf"box={n} is out of range.*\[{-n}, {n - 1}\]"):
        prim.trajectory_scores(X, y, box=n)
    with pytest.raises(TypeError, match="box must be an integer"):
        prim.trajectory_scores(X, y, box=0.5)
    last = prim.trajectory_scores(X, y, box=-1)  # counts from the end, as select
    np.testing.assert_array_equal(
        last["coverage"], prim.trajectory_scores(X, y, box=n - 1)["coverage"]
    )


# -------------------------------------------------------------------- 7. rules
@pytest.mark.parametrize(
    "make",
    [
        lambda: MetamorphosisClassifier(
            RandomForestClassifier(n_estimators=5, random_state=0),
            DecisionTreeRegressor(max_depth=2),
            MUNGE(n_samples=1.0),
            labels="proba",
            random_state=0,
        ).fit(X_IRIS, Y_IRIS),
        lambda: MetamorphosisClassifier(
            RandomForestClassifier(n_estimators=5, random_state=0),
            PRIM(),
            MUNGE(n_samples=1.0),
            random_state=0,
        ).fit(X_IRIS, Y_IRIS == 2),
        lambda: PRIM().fit(X_IRIS, Y_IRIS == 2),
    ],
    ids=["proba-tree-student", "prim-student", "prim"],
)
def test_extract_rules_rejects_nan_rows_as_predict_does(make):
    """Guard: extract_rules asks the model's predict first (issue 11), on every path.

    The issue's case ("scores rules on rows with NaN that predict would
    reject") did not reproduce on the code this was written against; this
    covers the paths the earlier test did not (a regressor student read as
    classes, PRIM as a student and alone).
    """
    model = make()
    X = X_IRIS.copy()
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN") as predicted:
        model.predict(X)
    with pytest.raises(ValueError, match="NaN") as extracted:
        extract_rules(model, X, Y_IRIS)
    assert str(extracted.value) == str(predicted.value)
