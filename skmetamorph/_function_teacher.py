"""A function or simulation as a teacher: predictions without training data."""

import functools
from numbers import Integral

import numpy as np
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils import ClassifierTags, RegressorTags
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
    validate_data,
)

from ._engine import map_chunks
from .utils._sklearn_compat import Interval, StrOptions, _fit_context
from .utils._tags import MetamorphTags

__all__ = ["FunctionTeacher"]

#: Parts of numpy's messages when chunks of answers do not stack.
_STACKING_ERRORS = ("concatenation axis", "same number of dimensions")


class FunctionTeacher(BaseEstimator):
    """Wrap a Python callable ``f(X) -> y`` (a formula, a simulation) as a teacher.

    The function *is* the knowledge: ``fit`` needs no data (``fit()``,
    ``fit(None)`` and ``fit(X)`` all work; ``y`` is ignored) and ``predict``
    calls the function. With a quasi-random sampler that has ``bounds``,
    :class:`~skmetamorph.MetamorphosisRegressor` fits a surrogate of the
    function with no real rows at all: ``fit(X=None, y=None)``.

    Parameters
    ----------
    func : callable
        ``func(X, **kw_args)`` with ``X`` of shape (n_rows, n_features)
        returning an array of shape (n_rows,) or (n_rows, n_outputs) when
        ``vectorized``; else ``func(row, **kw_args)`` with ``row`` of shape
        (n_features,) returning a number (or a 1d array for several outputs),
        of the same shape for every row (a ``ValueError`` names the shapes
        otherwise). For ``n_jobs`` other than 1 it must be picklable (a
        module-level function, not a lambda, is safest). With ``memory=``, a
        meta-estimator's cache compares ``func`` by its code (and defaults,
        closure and the module-level values it reads), so a function
        redefined under the same name is not served the old one's labels.
    task : {"regression", "classification"}, default="regression"
        What ``func`` returns: numbers, or class labels. A classification
        function gives hard labels only (no ``predict_proba``).
    vectorized : bool, default=True
        Whether ``func`` takes a whole 2d array at once, or one row at a time
        (typical of simulations, e.g. one ODE solve per row).
    kw_args : dict, default=None
        Extra keyword arguments of ``func``; tunable in a grid search as
        ``teacher__kw_args``.
    classes : array-like, default=None
        The classes ``func`` can return (``task="classification"`` only).
        ``None`` takes them from ``y`` in ``fit``.
    batch_size : int, default=None
        Rows per call of the function (or per parallel task for a row-wise
        function). ``None``: one chunk per job, i.e. all rows at once with
        ``n_jobs=None``.
    n_jobs : int, default=None
        Chunks evaluated in parallel through joblib. ``None`` means 1 unless
        in a :obj:`joblib.parallel_backend` context. Worth it for slow,
        row-wise simulations.

    Attributes
    ----------
    func_ : callable
        The function called, with ``kw_args`` bound.
    classes_ : ndarray of shape (n_classes,)
        The classes, for ``task="classification"``.
    n_features_in_ : int
        Number of features of ``X`` seen in ``fit`` (absent when fitted
        without ``X``).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen in ``fit``, when ``X`` has string column names.

    See Also
    --------
    MetamorphosisRegressor : Learns a surrogate of the function.
    skmetamorph.samplers.SobolSampler : Rows over the function's domain.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph import FunctionTeacher
    >>> teacher = FunctionTeacher(lambda X: X[:, 0] * X[:, 1]).fit()
    >>> teacher.predict(np.array([[2.0, 3.0], [1.0, -1.0]]))
    array([ 6., -1.])
    >>> row_wise = FunctionTeacher(lambda row, p: sum(row) ** p, vectorized=False,
    ...                            kw_args={"p": 2}).fit()
    >>> row_wise.predict(np.array([[1.0, 2.0]]))
    array([9.])
    """

    _parameter_constraints: dict = {
        "func": [callable],
        "task": [StrOptions({"regression", "classification"})],
        "vectorized": ["boolean"],
        "kw_args": [dict, None],
        "classes": ["array-like", None],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        func,
        *,
        task="regression",
        vectorized=True,
        kw_args=None,
        classes=None,
        batch_size=None,
        n_jobs=None,
    ):
        self.func = func
        self.task = task
        self.vectorized = vectorized
        self.kw_args = kw_args
        self.classes = classes
        self.batch_size = batch_size
        self.n_jobs = n_jobs

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X=None, y=None, **fit_params):
        """Record the input's number of features (if given); nothing is learned.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), default=None
            Rows, only to fix ``n_features_in_`` (and the feature names) that
            ``predict`` then checks.
        y : array-like, default=None
            Not learned from: it is only checked (one finite target per row of
            ``X``) and gives ``classes_`` for a classification function without
            ``classes``.
        **fit_params : dict
            Ignored; accepted so that meta-estimators can pass fit parameters.

        Returns
        -------
        self : FunctionTeacher
            The fitted teacher.
        """
        for attr in ("n_features_in_", "feature_names_in_"):
            self.__dict__.pop(attr, None)  # a refit without X forgets the old shape
        if X is not None:
            X = validate_data(self, X, reset=True)
        if y is not None and self.task == "regression":
            # y is not used, but a y that cannot belong to X is a caller's bug.
            y = check_array(y, ensure_2d=False, dtype="numeric", input_name="y")
        if X is not None and y is not None:
            check_consistent_length(X, y)
        self.func_ = functools.partial(self.func, **self.kw_args) if self.kw_args else self.func
        if self.task == "classification":
            self.classes_ = self._classes(y)
        return self

    def _classes(self, y):
        if self.classes is not None:
            return np.unique(np.asarray(self.classes))
        if y is None:
            raise ValueError(
                "FunctionTeacher(task='classification') needs its classes: pass "
                "classes=[...] or fit(X, y)."
            )
        y = np.asarray(y)
        return np.unique(y[y != -1]) if y.dtype.kind in "iuf" else np.unique(y)

    def predict(self, X):
        """Call the function on ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The function's values (float for regression, labels for
            classification).
        """
        check_is_fitted(self)
        if hasattr(self, "n_features_in_"):
            X = validate_data(self, X, reset=False)
        else:
            X = check_array(X)
        if X.shape[0] == 0:
            return np.empty(0)
        batch_size = self.batch_size
        if batch_size is None:
            # One chunk per job: no more calls than needed, all cores busy.
            batch_size = -(-X.shape[0] // effective_n_jobs(self.n_jobs))
        try:
            y = map_chunks(self._call, X, batch_size, self.n_jobs)
        except ValueError as error:
            # Chunks whose answers have different shapes: numpy's stacking error.
            if not any(text in str(error) for text in _STACKING_ERRORS):
                raise
            raise ValueError(
                f"The function {self._name()} returned values of different shapes for "
                f"different chunks of rows ({error}). It must return the same shape for "
                "every row: one value, or the same number of outputs."
            ) from error
        return y.astype(np.float64, copy=False) if self.task == "regression" else y

    def _call(self, X):
        if self.vectorized:
            y = np.asarray(self.func_(X))
        else:
            y = self._stack_rows([np.asarray(self.func_(row)) for row in X])
        if self.task == "regression" and y.dtype.kind not in "biuf":
            raise ValueError(
                f"The function returned values of dtype {y.dtype}; a regression function "
                "returns numbers (task='classification' for class labels)."
            )
        if y.ndim == 0 or y.shape[0] != X.shape[0]:
            raise ValueError(
                f"The function returned an array of shape {y.shape} for {X.shape[0]} "
                "rows; it must return one value (or one row of outputs) per row."
            )
        return y

    def _name(self):
        func = getattr(self.func, "func", self.func)  # a functools.partial's function
        return getattr(func, "__qualname__", None) or repr(func)

    def _stack_rows(self, values):
        """The answers of a row-wise function as one array, or a clear error when ragged."""
        shapes = {}
        for index, value in enumerate(values):
            shapes.setdefault(value.shape, index)
        if len(shapes) > 1:
            seen = ", ".join(f"{shape} (first at row {index})" for shape, index in shapes.items())
            raise ValueError(
                f"The row-wise function {self._name()} returned values of different "
                f"shapes: {seen}. It must return the same shape for every row: one number, or a 1d array of "
                "the same length (one entry per output); pad or fix the function's output."
            )
        return np.asarray(values)

    def score(self, X, y, sample_weight=None):
        """R² (regression) or accuracy (classification) of the function on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True values or labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights.

        Returns
        -------
        score : float
            The score.
        """
        metric = r2_score if self.task == "regression" else accuracy_score
        return float(metric(y, self.predict(X), sample_weight=sample_weight))

    def __skmetamorph_tags__(self):
        # A function knows its answers: the meta-estimators fit it without
        # labeled rows (fit(X) records only the input's shape).
        tags = MetamorphTags()
        tags.teacher.needs_no_data = True
        return tags

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # The function, not y, decides the answers: y is never required, any
        # number of outputs can come back, and the fit to y may be poor.
        tags.target_tags.required = False
        tags.target_tags.multi_output = True
        if self.task == "classification":
            tags.estimator_type = "classifier"
            tags.classifier_tags = ClassifierTags(poor_score=True)
        else:
            tags.estimator_type = "regressor"
            tags.regressor_tags = RegressorTags(poor_score=True)
        return tags
