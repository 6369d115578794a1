"""Inspection: how small may a student be? The fidelity–size frontier as a display.

:class:`FidelitySizeDisplay` refits a student along a path of one size
parameter (``max_leaf_nodes``, ``max_depth``, ``ccp_alpha``, ...), once
through metamorphosis and once trained directly on the labeled rows, and
draws test accuracy and fidelity to the teacher against the student's size.
It follows scikit-learn's display API (``from_estimator``, ``plot(ax=...)``,
``ax_`` and ``figure_``); matplotlib is imported only when plotting.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils._optional_dependencies import check_matplotlib_support

from ._base import BaseMetamorphosis, seed_unseeded
from .base import unlabeled_mask
from .metrics import fidelity_score

__all__ = ["FidelitySizeDisplay"]

#: Paths used when ``param_range`` is None, for the parameters that have a natural one.
DEFAULT_RANGES = {
    "max_leaf_nodes": (2, 4, 8, 16, 32, 64, 128),
    "max_depth": (1, 2, 3, 4, 6, 8, 12),
}


def _n_leaves(student):
    """Number of leaves of a fitted tree student (the last step of a Pipeline)."""
    return int(_final(student).get_n_leaves())


def _final(student):
    return student.steps[-1][1] if hasattr(student, "steps") else student


class FidelitySizeDisplay:
    """The fidelity–size frontier: test score and fidelity against the student's size.

    Each point is one student, fitted with one value of a size parameter:
    once through metamorphosis (the teacher's labels on the transfer set) and
    once directly on the labeled rows. Together with the teacher's own test
    score it shows how small a student may be before it stops copying the
    teacher, and what metamorphosis gains over training the small model
    directly.

    Use :meth:`from_estimator` to compute it; all parameters are stored as
    attributes, each array in the order of ``param_range``.

    Parameters
    ----------
    param_name : str
        The student's parameter that was varied.
    param_range : ndarray of shape (n_values,)
        Its values.
    metamorphosis_sizes : ndarray of shape (n_values,)
        Size of each student made through metamorphosis (number of leaves by
        default).
    metamorphosis_scores : ndarray of shape (n_values,)
        Their test scores (accuracy for classifiers, R² for regressors).
    metamorphosis_fidelity : ndarray of shape (n_values,)
        Their fidelity to the teacher on the test rows
        (:func:`~skmetamorph.metrics.fidelity_score`).
    direct_sizes : ndarray of shape (n_values,)
        Size of each student trained directly on the labeled rows.
    direct_scores : ndarray of shape (n_values,)
        Their test scores.
    direct_fidelity : ndarray of shape (n_values,)
        Their agreement with the teacher on the test rows.
    teacher_score : float
        The teacher's test score.
    score_name : str, default="Accuracy"
        Name of the score, for the labels.
    size_name : str, default="Number of leaves"
        Name of the size, for the x axis.

    Attributes
    ----------
    lines_ : dict of matplotlib Line2D
        The curves drawn, keyed ``"metamorphosis_score"``,
        ``"metamorphosis_fidelity"``, ``"direct_score"`` and
        ``"direct_fidelity"`` (the last two only with ``show_direct``).
    teacher_line_ : matplotlib Line2D or None
        The horizontal line at the teacher's score (None without
        ``show_teacher``).
    ax_ : matplotlib Axes
        Axes with the frontier.
    figure_ : matplotlib Figure
        Figure containing it.

    See Also
    --------
    skmetamorph.metrics.fidelity_report : Fidelity of one student, with intervals.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skmetamorph import MetamorphosisClassifier
    >>> from skmetamorph.inspection import FidelitySizeDisplay
    >>> from skmetamorph.samplers import MUNGE
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> model = MetamorphosisClassifier(
    ...     RandomForestClassifier(n_estimators=30), DecisionTreeClassifier(),
    ...     MUNGE(n_samples=2.0), random_state=0)
    >>> display = FidelitySizeDisplay.from_estimator(
    ...     model, X_train, y_train, X_test, y_test, param_range=[2, 4, 8])
    >>> display.metamorphosis_sizes.tolist()
    [2, 4, 8]
    >>> bool(display.metamorphosis_fidelity.min() > 0.8)
    True
    """

    def __init__(
        self,
        *,
        param_name,
        param_range,
        metamorphosis_sizes,
        metamorphosis_scores,
        metamorphosis_fidelity,
        direct_sizes,
        direct_scores,
        direct_fidelity,
        teacher_score,
        score_name="Accuracy",
        size_name="Number of leaves",
    ):
        self.param_name = param_name
        self.param_range = param_range
        self.metamorphosis_sizes = metamorphosis_sizes
        self.metamorphosis_scores = metamorphosis_scores
        self.metamorphosis_fidelity = metamorphosis_fidelity
        self.direct_sizes = direct_sizes
        self.direct_scores = direct_scores
        self.direct_fidelity = direct_fidelity
        self.teacher_score = teacher_score
        self.score_name = score_name
        self.size_name = size_name

    def plot(self, ax=None, *, show_direct=True, show_teacher=True, xscale="log", line_kw=None):
        """Draw the frontier.

        Solid lines are test scores, dashed lines fidelity; blue is the
        student made through metamorphosis, orange the one trained directly,
        the dotted grey line the teacher's score.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure and axes.
        show_direct : bool, default=True
            Whether to draw the directly trained students.
        show_teacher : bool, default=True
            Whether to draw the teacher's score.
        xscale : {"log", "linear"}, default="log"
            Scale of the size axis (sizes along a path usually double).
        line_kw : dict, default=None
            Keywords passed to every ``ax.plot`` call of the curves.

        Returns
        -------
        display : FidelitySizeDisplay
            The display, with ``lines_``, ``teacher_line_``, ``ax_`` and
            ``figure_`` set.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt  # noqa: PLC0415 - matplotlib is optional

        if xscale not in ("log", "linear"):
            raise ValueError(f"xscale must be 'log' or 'linear'; got {xscale!r}.")
        if ax is None:
            _, ax = plt.subplots()
        curves = [("metamorphosis", "C0")] + ([("direct", "C1")] if show_direct else [])
        self.lines_ = {}
        for kind, color in curves:
            sizes = np.asarray(getattr(self, f"{kind}_sizes"), dtype=float)
            order = np.argsort(sizes, kind="stable")  # a path need not grow monotonically
            label = "metamorphosis" if kind == "metamorphosis" else "trained directly"
            for measure, style, name in (
                ("scores", "-", self.score_name),
                ("fidelity", "--", "Fidelity"),
            ):
                values = np.asarray(getattr(self, f"{kind}_{measure}"), dtype=float)
                kwargs = {"color": color, "linestyle": style, "marker": "o"}
                kwargs.update(line_kw or {})
                key = f"{kind}_{'score' if measure == 'scores' else 'fidelity'}"
                (self.lines_[key],) = ax.plot(
                    sizes[order], values[order], label=f"{name}, {label}", **kwargs
                )
        self.teacher_line_ = None
        if show_teacher:
            self.teacher_line_ = ax.axhline(
                self.teacher_score, color="0.5", linestyle=":", label=f"{self.score_name}, teacher"
            )
        ax.set_xscale(xscale)
        ax.set_xlabel(self.size_name)
        ax.set_ylabel(f"{self.score_name} and fidelity on the test rows")
        ax.legend(loc="lower right")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        X_test,
        y_test,
        *,
        param_name="max_leaf_nodes",
        param_range=None,
        size=None,
        size_name=None,
        ax=None,
        show_direct=True,
        show_teacher=True,
        xscale="log",
    ):
        """Fit the students along a size path and draw the frontier.

        The teacher is fitted once (or taken from ``estimator.teacher_`` when
        ``estimator`` is fitted) and frozen
        (:class:`~sklearn.frozen.FrozenEstimator`), so every student of the
        path learns from the same teacher and the same transfer set; only
        the size parameter changes. For each value, a clone of ``estimator``
        with ``student__<param_name>=value`` is fitted on ``X, y``, and a
        clone of its student with that value on the labeled rows of ``X, y``.

        Parameters
        ----------
        estimator : MetamorphosisClassifier or MetamorphosisRegressor
            The configuration to vary (teacher, student, sampler, ...). If
            fitted, its ``teacher_`` is reused (it should have been fitted on
            ``X, y``); a ``FrozenEstimator`` teacher is used as it is.
        X : array-like of shape (n_samples, n_features)
            Training rows, as for ``estimator.fit``.
        y : array-like of shape (n_samples,)
            Training targets (unlabeled rows marked as ``estimator`` expects).
        X_test : array-like of shape (n_test, n_features)
            Held-out rows on which scores and fidelity are measured.
        y_test : array-like of shape (n_test,)
            Their true targets.
        param_name : str, default="max_leaf_nodes"
            A parameter of the student (``"tree__max_depth"`` for a Pipeline
            student), such as ``"max_leaf_nodes"``, ``"max_depth"`` or
            ``"ccp_alpha"``.
        param_range : array-like of shape (n_values,), default=None
            Its values. None: ``(2, 4, ..., 128)`` for ``max_leaf_nodes``,
            ``(1, 2, 3, 4, 6, 8, 12)`` for ``max_depth``; required otherwise.
        size : callable, default=None
            ``size(fitted_student) -> number``. None: the number of leaves
            (``get_n_leaves()``, of the last step for a Pipeline student),
            for tree students.
        size_name : str, default=None
            Label of the size axis; None: ``"Number of leaves"`` by default,
            ``"Size"`` for a ``size`` callable.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure and axes.
        show_direct : bool, default=True
            Whether to draw the directly trained students.
        show_teacher : bool, default=True
            Whether to draw the teacher's score.
        xscale : {"log", "linear"}, default="log"
            Scale of the size axis.

        Returns
        -------
        display : FidelitySizeDisplay
            The display, plotted.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        param_range = _check_path(estimator, param_name, param_range, size)
        size_name = size_name or ("Number of leaves" if size is None else "Size")
        size = _n_leaves if size is None else size

        teacher = _fitted_teacher(estimator, X, y)
        template = clone(estimator).set_params(teacher=teacher)
        labeled = _labeled_rows(estimator, y)
        X_labeled, y_labeled = _safe_indexing(X, labeled), _safe_indexing(y, labeled)

        results = {key: [] for key in ("m_size", "m_score", "m_fid", "d_size", "d_score", "d_fid")}
        for value in param_range:
            model = clone(template).set_params(**{f"student__{param_name}": value}).fit(X, y)
            results["m_size"].append(size(model.student_))
            results["m_score"].append(model.score(X_test, y_test))
            results["m_fid"].append(model.fidelity(X_test))

            direct = clone(estimator.student).set_params(**{param_name: value})
            if estimator.random_state is not None:
                # Seeded as metamorphosis seeds its student: the same for every value.
                seed_unseeded(direct, check_random_state(estimator.random_state))
            direct.fit(X_labeled, y_labeled)
            results["d_size"].append(size(direct))
            results["d_score"].append(direct.score(X_test, y_test))
            results["d_fid"].append(fidelity_score(teacher, direct, X_test))

        score = accuracy_score if is_classifier(estimator) else r2_score
        display = cls(
            param_name=param_name,
            param_range=np.asarray(param_range),
            metamorphosis_sizes=np.asarray(results["m_size"]),
            metamorphosis_scores=np.asarray(results["m_score"], dtype=float),
            metamorphosis_fidelity=np.asarray(results["m_fid"], dtype=float),
            direct_sizes=np.asarray(results["d_size"]),
            direct_scores=np.asarray(results["d_score"], dtype=float),
            direct_fidelity=np.asarray(results["d_fid"], dtype=float),
            teacher_score=float(score(y_test, teacher.predict(X_test))),
            score_name="Accuracy" if is_classifier(estimator) else "R²",
            size_name=size_name,
        )
        return display.plot(
            ax=ax, show_direct=show_direct, show_teacher=show_teacher, xscale=xscale
        )


def _check_path(estimator, param_name, param_range, size):
    """The values of the path, after checking estimator, parameter and size."""
    if not isinstance(estimator, BaseMetamorphosis):
        raise TypeError(
            "FidelitySizeDisplay.from_estimator needs a MetamorphosisClassifier or "
            f"MetamorphosisRegressor; got {type(estimator).__name__}."
        )
    student_params = estimator.student.get_params()
    if param_name not in student_params:
        raise ValueError(
            f"{param_name!r} is not a parameter of the student "
            f"{type(estimator.student).__name__}; its parameters are "
            f"{sorted(student_params)}."
        )
    if param_range is None:
        if param_name not in DEFAULT_RANGES:
            raise ValueError(
                f"param_range is required for {param_name!r}; defaults exist only for "
                f"{sorted(DEFAULT_RANGES)}."
            )
        param_range = DEFAULT_RANGES[param_name]
    param_range = list(param_range)
    if not param_range:
        raise ValueError("param_range is empty: give at least one value of the parameter.")
    if not all(isinstance(v, (Integral, Real)) or v is None for v in param_range):
        raise TypeError(f"param_range must hold numbers (or None); got {param_range!r}.")
    if size is None and not hasattr(_final(estimator.student), "get_n_leaves"):
        raise TypeError(
            f"The student {type(_final(estimator.student)).__name__} has no get_n_leaves: "
            "pass size=callable(fitted_student) -> number (e.g. a count of parameters)."
        )
    if size is not None and not callable(size):
        raise TypeError(f"size must be None or a callable; got {type(size).__name__}.")
    return param_range


def _fitted_teacher(estimator, X, y):
    """The estimator's fitted teacher, frozen; a clone is fitted once when it has none yet."""
    if hasattr(estimator, "teacher_"):
        teacher = estimator.teacher_
    elif isinstance(estimator.teacher, FrozenEstimator):
        teacher = estimator.teacher  # already fitted: nothing to fit at all
    else:
        teacher = clone(estimator).fit(X, y).teacher_
    return teacher if isinstance(teacher, FrozenEstimator) else FrozenEstimator(teacher)


def _labeled_rows(estimator, y):
    """Mask of the rows a directly trained student can learn from."""
    if is_classifier(estimator):
        return ~unlabeled_mask(y, estimator.unlabeled_marker)
    values = np.asarray(y, dtype=np.float64)
    return ~np.isnan(values.reshape(values.shape[0], -1)).all(axis=1)
