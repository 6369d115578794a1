"""Fitting teachers: labeled rows only, or all rows for semi-supervised teachers.

Also :class:`TeacherEnsemble`, the averaged teacher made from a list of teachers.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline
from sklearn.semi_supervised import LabelPropagation, LabelSpreading, SelfTrainingClassifier
from sklearn.utils.validation import check_is_fitted

from .samplers._pool import unlabeled_mask

__all__ = ["TeacherEnsemble", "fit_teacher", "is_semi_supervised"]

_SEMI_SUPERVISED_TYPES = (SelfTrainingClassifier, LabelPropagation, LabelSpreading)


def is_semi_supervised(estimator):
    """Whether ``estimator`` learns from unlabeled rows marked ``-1``.

    True for scikit-learn's semi-supervised estimators (also as the last step
    of a Pipeline) and for any estimator whose ``__sklearn_tags__`` or class
    sets ``_skmetamorph_semi_supervised = True`` (our own self-training helpers
    do, and third-party teachers can opt in the same way).
    """
    if isinstance(estimator, Pipeline):
        return is_semi_supervised(estimator.steps[-1][1])
    if isinstance(estimator, FrozenEstimator):
        return False
    return isinstance(estimator, _SEMI_SUPERVISED_TYPES) or bool(
        getattr(estimator, "_skmetamorph_semi_supervised", False)
    )


def fit_teacher(teacher, X, y, teacher_data="auto", **fit_params):
    """Fit one teacher (in place) on the rows it should see.

    Parameters
    ----------
    teacher : estimator
        The unfitted teacher, already cloned by the caller; a
        :class:`~sklearn.frozen.FrozenEstimator` is returned as is (its
        ``fit`` would do nothing).
    X : ndarray of shape (n_samples, n_features)
        All training rows.
    y : ndarray of shape (n_samples,)
        Labels, ``-1`` marking unlabeled rows.
    teacher_data : {"auto", "labeled", "all"}, default="auto"
        ``"all"`` passes every row with the ``-1`` markers (for semi-supervised
        teachers), ``"labeled"`` only the labeled rows; ``"auto"`` chooses
        ``"all"`` when :func:`is_semi_supervised` says so.
    **fit_params : dict
        Passed to the teacher's ``fit``.

    Returns
    -------
    teacher : estimator
        The fitted teacher.
    """
    if isinstance(teacher, FrozenEstimator):
        return teacher
    if isinstance(teacher, TeacherEnsemble):
        # Each member decides for itself which rows it sees.
        return teacher.fit(X, y, teacher_data=teacher_data, **fit_params)
    if teacher_data == "auto":
        teacher_data = "all" if is_semi_supervised(teacher) else "labeled"
    if teacher_data == "all":
        return teacher.fit(X, y, **fit_params)
    labeled = ~unlabeled_mask(y)
    return teacher.fit(X[labeled], y[labeled], **fit_params)


class TeacherEnsemble(ClassifierMixin, BaseEstimator):
    """Several teachers whose predicted probabilities are averaged.

    :class:`~skmetamorph.MetamorphosisClassifier` wraps a list of teachers in
    this class, so soft labels are the mean of the teachers' probabilities
    (aligned on the union of their classes) and hard labels its argmax. Each
    member is fitted on the rows it should see: semi-supervised members get the
    unlabeled rows too, frozen members are used as they are.

    Parameters
    ----------
    teachers : list of estimators
        Classifiers with ``predict_proba``.

    Attributes
    ----------
    teachers_ : list of estimators
        The fitted teachers.
    classes_ : ndarray of shape (n_classes,)
        Union of the teachers' classes, sorted.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.naive_bayes import GaussianNB
    >>> from skmetamorph import TeacherEnsemble
    >>> X, y = load_iris(return_X_y=True)
    >>> ensemble = TeacherEnsemble([LogisticRegression(max_iter=500), GaussianNB()])
    >>> ensemble.fit(X, y).predict_proba(X[:1]).round(2)
    array([[0.99, 0.01, 0.  ]])
    """

    def __init__(self, teachers):
        self.teachers = teachers

    def fit(self, X, y, teacher_data="auto", **fit_params):
        """Fit each teacher.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows.
        y : array-like of shape (n_samples,)
            Labels, ``-1`` marking unlabeled rows.
        teacher_data : {"auto", "labeled", "all"}, default="auto"
            Which rows each teacher sees; see :func:`fit_teacher`.
        **fit_params : dict
            Passed to every teacher's ``fit``.

        Returns
        -------
        self : TeacherEnsemble
            The fitted ensemble.
        """
        if not isinstance(self.teachers, (list, tuple)) or len(self.teachers) == 0:
            raise ValueError("teachers must be a non-empty list of estimators.")
        for teacher in self.teachers:
            if not hasattr(teacher, "predict_proba"):
                raise ValueError(
                    f"Every teacher of an ensemble needs predict_proba to be averaged; "
                    f"{type(teacher).__name__} has none."
                )
        X, y = np.asarray(X), np.asarray(y)
        self.teachers_ = [
            fit_teacher(clone(t), X, y, teacher_data, **fit_params) for t in self.teachers
        ]
        self.classes_ = np.unique(np.concatenate([t.classes_ for t in self.teachers_]))
        self.n_features_in_ = X.shape[1]
        return self

    def predict_proba(self, X):
        """Mean of the teachers' probabilities, with columns in ``classes_`` order.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Averaged probabilities.
        """
        check_is_fitted(self)
        return np.mean(
            [align_proba(t.predict_proba(X), t.classes_, self.classes_) for t in self.teachers_],
            axis=0,
        )

    def predict(self, X):
        """Class with the highest averaged probability.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to classify.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted classes.
        """
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def align_proba(proba, source_classes, target_classes):
    """Reorder and pad probability columns from ``source_classes`` to ``target_classes``.

    Classes the source never saw get probability 0. A source class missing from
    ``target_classes`` is an error: its probability mass would be lost silently.
    """
    source_classes = np.asarray(source_classes)
    if proba.shape[1] == len(target_classes) and np.array_equal(source_classes, target_classes):
        return proba
    positions = np.searchsorted(target_classes, source_classes)
    positions = np.clip(positions, 0, len(target_classes) - 1)
    if not np.array_equal(np.asarray(target_classes)[positions], source_classes):
        unknown = sorted(set(source_classes.tolist()) - set(np.asarray(target_classes).tolist()))
        raise ValueError(f"The teacher predicts classes {unknown} that are not in classes_.")
    aligned = np.zeros((proba.shape[0], len(target_classes)), dtype=proba.dtype)
    aligned[:, positions] = proba
    return aligned
