"""Regressor students of a classification teacher: ``labels="proba"`` and ``labels="logit"``.

The student regresses the teacher's soft labels (or their centred logits), one
output per class; the meta-estimator predicts the argmax and turns the
regressed values into probabilities.
"""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestClassifier
from sklearn.linear_model import LogisticRegression, RidgeClassifier, SGDRegressor
from sklearn.multioutput import MultiOutputRegressor
from sklearn.neighbors import KNeighborsRegressor
from sklearn.svm import SVR
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from threadpoolctl import threadpool_limits

from skmetamorph import MetamorphosisClassifier
from skmetamorph._targets import soften
from skmetamorph.samplers import MUNGE, PoolSampler
from skmetamorph.utils._sklearn_compat import InvalidParameterError

X, Y_INT = make_classification(
    n_samples=240, n_features=5, n_informative=3, n_redundant=0, n_classes=3, random_state=0
)
# String classes: the columns of the regressed targets must follow classes_.
Y = np.array(["ant", "bee", "cat"])[Y_INT]
X_TRAIN, X_TEST, Y_TRAIN = X[:160], X[160:], Y[:160]


@pytest.fixture(autouse=True)
def one_thread():
    # HistGradientBoosting's OpenMP threads crawl on a loaded 2-core machine
    # (tens of seconds for a few hundred rows); one thread takes a fraction.
    with threadpool_limits(limits=1):
        yield


def model(student, labels="proba", **params):
    params.setdefault("random_state", 0)
    return MetamorphosisClassifier(
        params.pop("teacher", RandomForestClassifier(n_estimators=20)),
        student,
        params.pop("transfer_sampler", MUNGE(n_samples=2.0)),
        labels=labels,
        **params,
    )


STUDENTS = {
    "tree": lambda: DecisionTreeRegressor(max_depth=4),
    "hgb": lambda: HistGradientBoostingRegressor(max_iter=10),
    "svr": lambda: SVR(),
    "knn": lambda: KNeighborsRegressor(n_neighbors=5),
}


@pytest.mark.parametrize("labels", ["proba", "logit"])
@pytest.mark.parametrize("student", list(STUDENTS))
def test_predict_is_the_argmax_of_valid_probabilities(student, labels):
    fitted = model(STUDENTS[student](), labels).fit(X_TRAIN, Y_TRAIN)
    proba = fitted.predict_proba(X_TEST)
    assert proba.shape == (X_TEST.shape[0], 3)
    assert (proba >= 0).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    predicted = fitted.predict(X_TEST)
    np.testing.assert_array_equal(predicted, fitted.classes_[np.argmax(proba, axis=1)])
    # ... and the argmax of the student's own regressed values.
    values = fitted.student_.predict(X_TEST)
    np.testing.assert_array_equal(predicted, fitted.classes_[np.argmax(values, axis=1)])
    np.testing.assert_array_equal(fitted.classes_, ["ant", "bee", "cat"])
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(fitted.predict_log_proba(X_TEST), np.log(proba))
    assert fitted.score(X_TEST, Y[160:]) == np.mean(predicted == Y[160:])
    assert fitted.fidelity(X_TEST) == np.mean(predicted == fitted.teacher_.predict(X_TEST))
    assert fitted.fidelity(X_TEST) > 0.7


def test_a_multi_output_regressor_fits_all_classes_at_once():
    fitted = model(DecisionTreeRegressor(max_depth=3)).fit(X_TRAIN, Y_TRAIN)
    assert type(fitted.student_) is DecisionTreeRegressor
    assert fitted.student_.n_outputs_ == 3


@pytest.mark.parametrize("streaming", [False, True])
def test_a_single_output_regressor_gets_one_clone_per_class(streaming):
    if streaming:
        student = SGDRegressor(random_state=0)
    else:
        student = HistGradientBoostingRegressor(max_iter=10)
    fitted = model(student, streaming=streaming, batch_size=64).fit(X_TRAIN, Y_TRAIN)
    assert isinstance(fitted.student_, MultiOutputRegressor)
    assert len(fitted.student_.estimators_) == 3
    assert type(fitted.student_.estimators_[0]) is type(student)
    # Each clone learned its own class's probability: the columns differ.
    values = fitted.student_.predict(X_TEST)
    assert not np.allclose(values[:, 0], values[:, 1])
    if not streaming:
        assert fitted.fidelity(X_TEST) > 0.8


def test_a_regression_tree_matches_a_classification_tree_on_soft_labels():
    # Squared error on probability vectors and Gini on rows repeated per class
    # with the probabilities as weights pick the same splits: an 8-leaf
    # regression tree on the teacher's probabilities is the 8-leaf
    # classification tree on its soft labels (all classes kept).
    common = dict(min_soft_weight=0.0, transfer_sampler=MUNGE(n_samples=3.0))
    regression = model(DecisionTreeRegressor(max_leaf_nodes=8), "proba", **common)
    classification = model(DecisionTreeClassifier(max_leaf_nodes=8), "soft", **common)
    regression.fit(X_TRAIN, Y_TRAIN)
    classification.fit(X_TRAIN, Y_TRAIN)
    assert regression.fidelity(X_TEST) == pytest.approx(classification.fidelity(X_TEST), abs=0.03)
    assert np.mean(regression.predict(X_TEST) == classification.predict(X_TEST)) >= 0.95
    # A full tree, too, stays close to its classification twin.
    full = model(DecisionTreeRegressor(), "proba").fit(X_TRAIN, Y_TRAIN)
    full_cls = model(DecisionTreeClassifier(), "soft").fit(X_TRAIN, Y_TRAIN)
    assert full.fidelity(X_TEST) == pytest.approx(full_cls.fidelity(X_TEST), abs=0.1)


@pytest.mark.parametrize("labels", ["proba", "logit"])
def test_a_memorising_student_gives_back_the_soft_labels(labels):
    # A full tree on the training rows alone (relabeled once, no true labels)
    # reproduces its targets: predict_proba is the teacher's soft labels at T.
    teacher = LogisticRegression(max_iter=1000)  # no zero probabilities: no floor
    fitted = model(
        DecisionTreeRegressor(),
        labels,
        teacher=teacher,
        transfer_sampler=PoolSampler(pool="all"),
        include_labeled=False,
        temperature=2.0,
    ).fit(X_TRAIN, Y_TRAIN)
    expected = soften(fitted.teacher_.predict_proba(X_TRAIN), 2.0)
    np.testing.assert_allclose(fitted.predict_proba(X_TRAIN), expected, atol=1e-9)


@pytest.mark.parametrize("labels", ["proba", "logit"])
def test_labeled_rows_keep_their_true_class(labels):
    # alpha=1: a labeled row's target is its one-hot class (as probability or
    # logit); the teacher relabels only the unlabeled rows ("?").
    y = np.concatenate([Y_TRAIN, np.full(X_TEST.shape[0], "?")])
    fitted = model(
        DecisionTreeRegressor(), labels, transfer_sampler=PoolSampler(), unlabeled_marker="?"
    ).fit(X, y)
    assert fitted.n_transfer_samples_ == X_TEST.shape[0]
    np.testing.assert_array_equal(fitted.predict(X_TRAIN), Y_TRAIN)
    assert fitted.predict_proba(X_TRAIN).max(axis=1).min() > 0.99


def test_batch_size_does_not_change_the_student():
    small = model(DecisionTreeRegressor(), "logit", batch_size=37).fit(X_TRAIN, Y_TRAIN)
    large = model(DecisionTreeRegressor(), "logit").fit(X_TRAIN, Y_TRAIN)
    np.testing.assert_array_equal(small.predict_proba(X_TEST), large.predict_proba(X_TEST))


def test_sample_weight_reaches_every_per_class_regressor():
    weights = np.where(Y_TRAIN == "ant", 5.0, 1.0)
    fitted = model(SVR()).fit(X_TRAIN, Y_TRAIN, sample_weight=weights)
    unweighted = model(SVR()).fit(X_TRAIN, Y_TRAIN)
    assert isinstance(fitted.student_, MultiOutputRegressor)
    assert not np.allclose(fitted.predict_proba(X_TEST), unweighted.predict_proba(X_TEST))


def test_clone_and_pickle():
    estimator = model(HistGradientBoostingRegressor(max_iter=10), "logit", temperature=3.0)
    assert clone(estimator).get_params()["labels"] == "logit"
    fitted = estimator.fit(X_TRAIN, Y_TRAIN)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(X_TEST), fitted.predict_proba(X_TEST))
    np.testing.assert_array_equal(restored.predict(X_TEST), fitted.predict(X_TEST))
    # The fitted model reads its student as it was fitted, whatever labels says now.
    before = fitted.predict_proba(X_TEST)
    fitted.set_params(labels="proba")
    np.testing.assert_array_equal(fitted.predict_proba(X_TEST), before)


def test_predict_proba_is_offered_for_regressor_students_only_with_regression_labels():
    assert hasattr(model(DecisionTreeRegressor()), "predict_proba")
    assert not hasattr(
        model(RidgeClassifier(), labels="hard"), "predict_proba"
    )  # a classifier without predict_proba keeps hiding it


@pytest.mark.parametrize(
    "student, labels, message",
    [
        (DecisionTreeRegressor(), "hard", "labels='proba' or 'logit'"),
        (DecisionTreeRegressor(), "soft", "needs a classifier as its student"),
        (DecisionTreeClassifier(), "proba", "needs a regressor as its student"),
        (DecisionTreeClassifier(), "logit", "Use labels='soft'"),
    ],
)
def test_a_student_of_the_wrong_kind_for_the_labels_is_named(student, labels, message):
    with pytest.raises(ValueError, match=message):
        model(student, labels).fit(X_TRAIN, Y_TRAIN)


def test_regression_labels_need_a_teacher_with_probabilities():
    with pytest.raises(ValueError, match="labels='logit' needs a teacher with predict_proba"):
        model(DecisionTreeRegressor(), "logit", teacher=RidgeClassifier()).fit(X_TRAIN, Y_TRAIN)


def test_an_unknown_labels_value_is_rejected():
    with pytest.raises(InvalidParameterError, match="labels"):
        model(DecisionTreeRegressor(), "logits").fit(X_TRAIN, Y_TRAIN)


def test_a_failed_fit_leaves_a_fitted_model_as_it_was():
    fitted = model(DecisionTreeRegressor(max_depth=3)).fit(X_TRAIN, Y_TRAIN)
    before = fitted.predict_proba(X_TEST)
    fitted.set_params(student=DecisionTreeClassifier())
    with pytest.raises(ValueError, match="needs a regressor"):
        fitted.fit(X_TRAIN, Y_TRAIN)
    np.testing.assert_array_equal(fitted.predict_proba(X_TEST), before)
