"""Teachers: fitting one on the rows it should see, and averaging several.

One rule fits every teacher, for classification and regression alike
(:func:`fit_teacher`); one ensemble design (:class:`_BaseTeacherEnsemble`)
serves both tasks, with a thin subclass per task that says how members are
averaged: probabilities (:class:`TeacherEnsemble`) or predictions
(:class:`TeacherEnsembleRegressor`).
"""

from abc import ABCMeta, abstractmethod

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.frozen import FrozenEstimator
from sklearn.semi_supervised import LabelPropagation, LabelSpreading
from sklearn.utils.validation import check_is_fitted

from ._targets import align_proba
from .utils._data import unlabeled_mask
from .utils._tags import MetamorphTags, get_metamorph_tags

__all__ = [
    "TeacherEnsemble",
    "TeacherEnsembleRegressor",
    "fit_teacher",
    "is_semi_supervised",
    "needs_no_data",
]


def is_semi_supervised(estimator):
    """Whether ``estimator`` learns from unlabeled rows marked ``-1`` (its tag says so)."""
    return get_metamorph_tags(estimator).teacher.semi_supervised


def needs_no_data(teacher):
    """Whether ``teacher`` (or every teacher of a list) can be used without training rows.

    True for a :class:`~sklearn.frozen.FrozenEstimator` (already trained), for
    :class:`~skmetamorph.FunctionTeacher` (a function knows its answers), and
    for any estimator whose tag ``teacher.needs_no_data`` is set.
    """
    if isinstance(teacher, (list, tuple)):
        return len(teacher) > 0 and all(needs_no_data(t) for t in teacher)
    if isinstance(teacher, _BaseTeacherEnsemble):
        return needs_no_data(list(teacher.teachers))
    return get_metamorph_tags(teacher).teacher.needs_no_data


def fit_teacher(teacher, X, y, labeled, teacher_data="auto", **fit_params):
    """Fit one teacher (in place) on the rows it should see.

    - A :class:`~sklearn.frozen.FrozenEstimator` is returned as is.
    - A teacher ensemble fits each member by this same rule.
    - A teacher that needs no data gets the labeled rows when there are any
      (a classification function takes its classes from them), else only
      the rows' shape, ``fit(X)`` (``X`` may be None).
    - Otherwise ``teacher_data`` decides: ``"all"`` passes every row with its
      unlabeled marker (for semi-supervised teachers), ``"labeled"`` only the
      labeled rows, ``"auto"`` the former for semi-supervised teachers.

    Parameters
    ----------
    teacher : estimator
        The unfitted teacher, already cloned by the caller.
    X : ndarray of shape (n_samples, n_features) or None
        All training rows.
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs) or None
        Targets, with the task's unlabeled marker (``-1`` or NaN).
    labeled : ndarray of bool of shape (n_samples,)
        Which rows are labeled.
    teacher_data : {"auto", "labeled", "all"}, default="auto"
        Rows of a trainable teacher.
    **fit_params : dict
        Passed to the teacher's ``fit``; per-row arrays (``sample_weight``)
        are cut to the rows the teacher sees.

    Returns
    -------
    teacher : estimator
        The fitted teacher.
    """
    if isinstance(teacher, FrozenEstimator):
        return teacher
    if isinstance(teacher, _BaseTeacherEnsemble):
        return teacher.fit(X, y, teacher_data, labeled=labeled, **fit_params)
    if needs_no_data(teacher):
        if y is not None and labeled.any():
            return teacher.fit(X[labeled], y[labeled], **_rows_of(fit_params, labeled))
        return teacher.fit(X, **fit_params)
    if teacher_data == "auto":
        teacher_data = "all" if is_semi_supervised(teacher) else "labeled"
    if teacher_data == "all":
        if isinstance(teacher, (LabelPropagation, LabelSpreading)) and _strings_with_marker(
            y, labeled
        ):
            # Known before the fit, by type: no need to read the error it would raise.
            raise ValueError(
                f"The teacher {type(teacher).__name__} learns from the unlabeled rows, marked "
                "-1, and y holds string class labels beside them: scikit-learn's "
                "LabelPropagation and LabelSpreading take integer class labels only. "
                "Encode y as integers (e.g. sklearn.preprocessing.LabelEncoder fitted on "
                "the labeled rows, -1 on the others), use a teacher that takes string "
                "labels (SelfTrainingClassifier), or fit it on the labeled rows only "
                "(teacher_data='labeled')."
            )
        return teacher.fit(X, y, **fit_params)
    return teacher.fit(X[labeled], y[labeled], **_rows_of(fit_params, labeled))


def _strings_with_marker(y, labeled):
    """Whether ``y`` holds string class labels next to unlabeled rows (marked ``-1``)."""
    if y is None or labeled.all() or not labeled.any() or np.asarray(y).dtype.kind not in "OUS":
        return False
    return any(isinstance(label, (str, bytes)) for label in np.asarray(y)[labeled].tolist())


def _rows_of(params, mask):
    """``params`` with every per-row array (one entry per row of ``mask``) cut to ``mask``."""
    out = {}
    for key, value in params.items():
        if hasattr(value, "__len__") and not isinstance(value, str) and len(value) == len(mask):
            value = np.asarray(value)[mask]
        out[key] = value
    return out


class _BaseTeacherEnsemble(BaseEstimator, metaclass=ABCMeta):
    """Several teachers, each fitted on the rows it should see, averaged by the subclass."""

    def __init__(self, teachers):
        self.teachers = teachers

    def fit(self, X, y=None, teacher_data="auto", *, labeled=None, **fit_params):
        """Fit each teacher (see :func:`fit_teacher` for the rows each one sees).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or None
            Training rows (None only when every teacher needs no data).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Targets, ``-1`` (classification) or NaN (regression) marking
            unlabeled rows.
        teacher_data : {"auto", "labeled", "all"}, default="auto"
            Which rows each trainable teacher sees; see :func:`fit_teacher`.
        labeled : array-like of bool of shape (n_samples,), default=None
            Which rows are labeled; by default the rows whose target is not
            the task's unlabeled marker.
        **fit_params : dict
            Passed to every teacher's ``fit``.

        Returns
        -------
        self : object
            The fitted ensemble.
        """
        if not isinstance(self.teachers, (list, tuple)) or len(self.teachers) == 0:
            raise ValueError("teachers must be a non-empty list of estimators.")
        self._check_members()
        # A DataFrame stays one: members fitted on it keep its column names.
        X = None if X is None or hasattr(X, "iloc") else np.asarray(X)
        y = None if y is None else np.asarray(y)
        if labeled is None:
            labeled = self._labeled_mask(y, 0 if X is None else X.shape[0])
        self.teachers_ = [
            fit_teacher(clone(teacher), X, y, np.asarray(labeled), teacher_data, **fit_params)
            for teacher in self.teachers
        ]
        if X is not None:
            self.n_features_in_ = X.shape[1]
        self._after_fit()
        return self

    def _check_members(self):
        """Raise if a member cannot be averaged."""

    def _after_fit(self):
        """Set the fitted attributes the task needs beyond ``teachers_``."""

    @abstractmethod
    def _labeled_mask(self, y, n_rows):
        """Rows of ``y`` that are labeled, when the caller did not say."""

    @abstractmethod
    def predict(self, X):
        """The averaged prediction."""

    def __skmetamorph_tags__(self):
        tags = MetamorphTags()
        tags.teacher.needs_no_data = needs_no_data(list(self.teachers))
        return tags


class TeacherEnsemble(ClassifierMixin, _BaseTeacherEnsemble):
    """Several classification teachers whose predicted probabilities are averaged.

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

    See Also
    --------
    TeacherEnsembleRegressor : The same for regression teachers.

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

    def _check_members(self):
        for teacher in self.teachers:
            if not hasattr(teacher, "predict_proba"):
                raise ValueError(
                    f"Every teacher of an ensemble needs predict_proba to be averaged; "
                    f"{type(teacher).__name__} has none."
                )

    def _labeled_mask(self, y, n_rows):
        return ~unlabeled_mask(y)

    def _after_fit(self):
        self.classes_ = np.unique(np.concatenate([t.classes_ for t in self.teachers_]))

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


class TeacherEnsembleRegressor(RegressorMixin, _BaseTeacherEnsemble):
    """Several regression teachers whose predictions are averaged.

    :class:`~skmetamorph.MetamorphosisRegressor` wraps a list of teachers in
    this class. Each member is fitted on the labeled rows (a
    ``FrozenEstimator`` is kept as it is, a teacher that needs no data gets
    only the rows' shape when there are no labels).

    Parameters
    ----------
    teachers : list of estimators
        Regressors (or :class:`~skmetamorph.FunctionTeacher` functions).

    Attributes
    ----------
    teachers_ : list of estimators
        The fitted teachers.

    See Also
    --------
    TeacherEnsemble : The same for classification teachers.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skmetamorph import TeacherEnsembleRegressor
    >>> X, y = make_friedman1(n_samples=100, random_state=0)
    >>> ensemble = TeacherEnsembleRegressor([LinearRegression(), DecisionTreeRegressor()])
    >>> ensemble.fit(X, y).predict(X[:2]).shape
    (2,)
    """

    def _labeled_mask(self, y, n_rows):
        if y is None:
            return np.zeros(n_rows, dtype=bool)
        missing = np.isnan(np.asarray(y, dtype=np.float64))
        return ~(missing if missing.ndim == 1 else missing.reshape(len(y), -1).all(axis=1))

    def predict(self, X):
        """Mean of the teachers' predictions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to predict.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Averaged predictions.
        """
        check_is_fitted(self)
        predictions = [np.asarray(t.predict(X), dtype=np.float64) for t in self.teachers_]
        # Members disagree on (n,) versus (n, 1) for a column y; average as 2d.
        mean = np.mean([p.reshape(p.shape[0], -1) for p in predictions], axis=0)
        return mean.ravel() if all(p.ndim == 1 for p in predictions) else mean
