"""Fidelity of a student to its teacher on given rows: a score and a scorer."""

import numpy as np
from sklearn.base import is_regressor
from sklearn.metrics import accuracy_score, r2_score

__all__ = ["fidelity_score", "fidelity_scorer"]


def fidelity_score(teacher, student, X, *, sample_weight=None):
    """Agreement between a fitted student and its fitted teacher on ``X``.

    For classifiers, the fraction of rows on which both predict the same class;
    for regressors, the R² of the student's predictions against the teacher's.

    Parameters
    ----------
    teacher : fitted estimator
        The reference model.
    student : fitted estimator
        The model whose agreement is measured.
    X : array-like of shape (n_samples, n_features)
        Rows to compare on; held-out rows tell more than the training rows.
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights.

    Returns
    -------
    fidelity : float
        Agreement: in [0, 1] for classifiers, at most 1 for regressors.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skmetamorph.metrics import fidelity_score
    >>> X, y = load_iris(return_X_y=True)
    >>> teacher = LogisticRegression(max_iter=500).fit(X, y)
    >>> student = DecisionTreeClassifier(random_state=0).fit(X, teacher.predict(X))
    >>> fidelity_score(teacher, student, X)
    1.0
    """
    y_teacher = np.asarray(teacher.predict(X))
    y_student = np.asarray(student.predict(X))
    if is_regressor(student):
        return float(r2_score(y_teacher, y_student, sample_weight=sample_weight))
    return float(accuracy_score(y_teacher, y_student, sample_weight=sample_weight))


def final_step(estimator, X):
    """``(last step, X transformed by the steps before it)`` of a Pipeline; else as given.

    Scorers receive the whole fitted search candidate, which may be a
    Pipeline ending in the metamorphosis estimator: the scorers of this
    package look through it with this one function.
    """
    if hasattr(estimator, "steps"):  # a Pipeline: transform X, then ask the last step
        for _, step in estimator.steps[:-1]:
            if step is not None and step != "passthrough":
                X = step.transform(X)
        estimator = estimator.steps[-1][1]
    return estimator, X


def fidelity_scorer(estimator, X, y=None):
    """Scorer for ``GridSearchCV(scoring=...)`` and ``cross_validate``: the estimator's fidelity.

    Works with any fitted estimator that has a ``fidelity(X)`` method, such as
    :class:`~skmetamorph.MetamorphosisClassifier` (or a Pipeline ending in one).
    ``y`` is ignored: fidelity compares the student with its teacher, not with
    the truth.

    Parameters
    ----------
    estimator : fitted estimator with ``fidelity``
        The metamorphosis estimator (or a Pipeline ending in one).
    X : array-like of shape (n_samples, n_features)
        Validation rows.
    y : array-like, default=None
        Ignored.

    Returns
    -------
    fidelity : float
        The estimator's fidelity on ``X``.

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skmetamorph.metrics import fidelity_scorer
    >>> scoring = {"accuracy": "accuracy", "fidelity": fidelity_scorer}
    """
    estimator, X = final_step(estimator, X)
    if not hasattr(estimator, "fidelity"):
        raise TypeError(
            f"fidelity_scorer needs an estimator with a fidelity(X) method, such as "
            f"MetamorphosisClassifier; got {type(estimator).__name__}."
        )
    return estimator.fidelity(X)
