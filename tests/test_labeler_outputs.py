"""Labelers use the teacher's answers a sampler already has, and check them like fresh ones."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

from skmetamorph._labeling import HardLabeler, RegressionLabeler, SoftLabeler, TeacherOutputError


class NoCalls:
    """A fitted teacher that must not be asked again."""

    def __init__(self, fitted):
        self.fitted = fitted
        self.classes_ = getattr(fitted, "classes_", None)

    def predict(self, X):
        raise AssertionError("the teacher was asked again")

    predict_proba = predict


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    return X, (X[:, 0] > 0).astype(int)


def test_hard_and_soft_labelers_use_given_outputs(data):
    X, y = data
    fitted = LogisticRegression().fit(X, y)
    teacher = NoCalls(fitted)
    classes = np.array([0, 1])
    outputs = {"predict": fitted.predict(X), "predict_proba": fitted.predict_proba(X)}
    np.testing.assert_array_equal(
        HardLabeler(teacher, classes)(X, outputs=outputs), fitted.predict(X)
    )
    np.testing.assert_allclose(
        SoftLabeler(teacher, classes, 2.0)(X, outputs=outputs), SoftLabeler(fitted, classes, 2.0)(X)
    )


def test_regression_labeler_uses_given_outputs(data):
    X, y = data
    fitted = LinearRegression().fit(X, X[:, 1])
    out = RegressionLabeler(NoCalls(fitted), outputs=())(X, outputs={"predict": fitted.predict(X)})
    np.testing.assert_allclose(out, fitted.predict(X))


def test_given_outputs_are_checked(data):
    X, y = data
    fitted = LogisticRegression().fit(X, y)
    teacher = NoCalls(fitted)
    classes = np.array([0, 1])
    with pytest.raises(TeacherOutputError, match="not in classes_"):
        HardLabeler(teacher, classes)(X, outputs={"predict": np.full(len(X), 7)})
    with pytest.raises(TeacherOutputError, match="sum to 1"):
        SoftLabeler(teacher, classes)(X, outputs={"predict_proba": np.full((len(X), 2), 0.7)})
    with pytest.raises(TeacherOutputError, match="one entry per row"):
        HardLabeler(teacher, classes)(X, outputs={"predict": np.zeros(3)})


def test_missing_method_falls_back_to_the_teacher(data):
    X, y = data
    fitted = LogisticRegression().fit(X, y)
    # Only predict was recorded: soft labels still ask the teacher for probabilities.
    soft = SoftLabeler(fitted, np.array([0, 1]))(X, outputs={"predict": fitted.predict(X)})
    np.testing.assert_allclose(soft, fitted.predict_proba(X))
