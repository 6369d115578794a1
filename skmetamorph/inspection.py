"""Inspection: how small may a student be, and what does it save? Two displays.

:class:`FidelitySizeDisplay` refits a student along a path of one size
parameter (``max_leaf_nodes``, ``max_depth``, ``ccp_alpha``, ...), once
through metamorphosis and once trained directly on the labeled rows, and
draws test accuracy and fidelity to the teacher against the student's size.
:class:`CompressionDisplay` draws a
:func:`~skmetamorph.metrics.compression_report`: the fidelity (or accuracy)
of a teacher and its students against their prediction time. Both follow
scikit-learn's display API (``from_estimator(s)``, ``plot(ax=...)``, ``ax_``
and ``figure_``); matplotlib is imported only when plotting.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils import check_random_state

from ._meta_estimator import BaseMetamorphosis, seed_unseeded
from ._target_kinds import per_class_regressor
from ._targets import centred_logits
from .metrics import compression_report, fidelity_score
from .utils._data import unlabeled_mask
from .utils._sklearn_compat import _safe_indexing, check_matplotlib_support

__all__ = ["CompressionDisplay", "FidelitySizeDisplay"]

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
        Their test scores (accuracy for classifiers, also for a regressor
        student of ``labels="proba"`` or ``"logit"``, read as the class of
        its largest output; R² for regressors).
    direct_fidelity : ndarray of shape (n_values,)
        Their agreement with the teacher on the test rows (as
        ``metamorphosis_fidelity``).
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
        A regressor student of a classifier (``labels="proba"`` or
        ``"logit"``) is trained directly on the one-hot true classes (or
        their centred logits) and read as metamorphosis reads it, as the
        class of its largest output: its scores are accuracies and its
        fidelity the agreement of classes, like the metamorphosis curve's.

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
            if _regresses_classes(estimator):
                # A regressor student (labels="proba"/"logit") is read as a
                # classifier, as metamorphosis reads it: accuracy, not R².
                direct, y_direct = _fit_direct_regressor(
                    direct, estimator.labels, model.classes_, X_labeled, y_labeled, X_test
                )
                results["d_size"].append(size(direct))
                results["d_score"].append(accuracy_score(y_test, y_direct))
                results["d_fid"].append(accuracy_score(teacher.predict(X_test), y_direct))
                continue
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


def _regresses_classes(estimator):
    """Whether the student is a regressor of per-class targets (``labels="proba"/"logit"``)."""
    return is_classifier(estimator) and getattr(estimator, "labels", "hard") in (
        "proba",
        "logit",
    )


def _fit_direct_regressor(student, labels, classes, X, y, X_test):
    """``(fitted regressor, its classes on X_test)`` for a regressor student trained directly.

    As metamorphosis would teach it with only the true labels: one output per
    class of ``classes``, the one-hot true class (``labels="proba"``) or its
    centred logits (``"logit"``), wrapped in ``MultiOutputRegressor`` when
    the regressor fits no 2-d ``y``; a row's class is its largest output.
    """
    targets = (np.asarray(y)[:, np.newaxis] == np.asarray(classes)[np.newaxis, :]).astype(float)
    if labels == "logit":
        targets = centred_logits(targets)
    regressor = per_class_regressor(student)
    regressor.fit(X, targets)
    values = np.asarray(regressor.predict(X_test), dtype=np.float64)
    values = values.reshape(values.shape[0], -1)
    return regressor, np.asarray(classes)[np.argmax(values, axis=1)]


def _labeled_rows(estimator, y):
    """Mask of the rows a directly trained student can learn from."""
    if is_classifier(estimator):
        return ~unlabeled_mask(y, estimator.unlabeled_marker)
    values = np.asarray(y, dtype=np.float64)
    return ~np.isnan(values.reshape(values.shape[0], -1)).all(axis=1)


# ------------------------------------------------------------- what it saves
#: Labels of the y axis, by metric and by task.
_SCORE_NAMES = {
    ("fidelity", False): "Fidelity to the teacher",
    ("fidelity", True): "Fidelity to the teacher (R²)",
    ("accuracy", False): "Accuracy",
    ("accuracy", True): "R²",
}


def _check_metric(metric):
    if metric not in ("fidelity", "accuracy"):
        raise ValueError(f"metric must be 'fidelity' or 'accuracy'; got {metric!r}.")


class CompressionDisplay:
    """What the student saves, in one picture: fidelity or accuracy against prediction time.

    Each model of a :func:`~skmetamorph.metrics.compression_report` is one
    labeled point: its prediction time per 1,000 rows (from the timed batch,
    on a log scale) across, its fidelity to the teacher or its accuracy up.
    The teacher is a star; a good student sits to its left (faster) and not
    much lower.

    Use :meth:`from_report` or :meth:`from_estimators` to make it; all
    parameters are stored as attributes, each array in the order of
    ``names``.

    Parameters
    ----------
    names : list of str
        The models, as in the report's ``model`` field.
    times_ms : ndarray of shape (n_models,)
        Prediction time per 1,000 rows in milliseconds:
        ``1e6 * latency_batch_s / batch_rows``.
    scores : ndarray of shape (n_models,)
        The metric of each model.
    metric : {"fidelity", "accuracy"}, default="fidelity"
        Which field of the report ``scores`` holds.
    teacher_name : str, default="teacher"
        The name of the teacher's point, drawn as a star (no star if no
        model has this name).
    score_name : str, default=None
        Label of the y axis. None: ``"Fidelity to the teacher"`` or
        ``"Accuracy"``.

    Attributes
    ----------
    student_points_ : matplotlib PathCollection
        The students' points.
    teacher_point_ : matplotlib PathCollection or None
        The teacher's star (None when no model is the teacher).
    annotations_ : list of matplotlib Annotation
        The name beside each point, in the order of ``names`` (empty
        without ``annotate``).
    ax_ : matplotlib Axes
        Axes with the points.
    figure_ : matplotlib Figure
        Figure containing it.

    See Also
    --------
    skmetamorph.metrics.compression_report : The numbers behind the points.
    FidelitySizeDisplay : Fidelity against the size of a student, along a size path.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skmetamorph.inspection import CompressionDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> teacher = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    >>> labels = teacher.predict(X)
    >>> students = {
    ...     "tree": DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, labels),
    ...     "linear": LogisticRegression(max_iter=500).fit(X, labels)}
    >>> display = CompressionDisplay.from_estimators(teacher, students, X, n_repeats=2)
    >>> display.names
    ['teacher', 'tree', 'linear']
    >>> display.ax_.get_xscale()
    'log'
    """

    def __init__(
        self,
        *,
        names,
        times_ms,
        scores,
        metric="fidelity",
        teacher_name="teacher",
        score_name=None,
    ):
        self.names = names
        self.times_ms = times_ms
        self.scores = scores
        self.metric = metric
        self.teacher_name = teacher_name
        self.score_name = score_name

    def plot(self, ax=None, *, annotate=True, scatter_kw=None, teacher_kw=None):
        """Draw the points.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure and axes.
        annotate : bool, default=True
            Whether to write each model's name beside its point.
        scatter_kw : dict, default=None
            Keywords passed to ``ax.scatter`` for the students' points.
        teacher_kw : dict, default=None
            Keywords passed to ``ax.scatter`` for the teacher's star.

        Returns
        -------
        display : CompressionDisplay
            The display, with ``student_points_``, ``teacher_point_``,
            ``annotations_``, ``ax_`` and ``figure_`` set.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt  # noqa: PLC0415 - matplotlib is optional

        _check_metric(self.metric)
        names = [str(name) for name in self.names]
        times = np.asarray(self.times_ms, dtype=float)
        scores = np.asarray(self.scores, dtype=float)
        if not len(names) == len(times) == len(scores):
            raise ValueError(
                f"names, times_ms and scores must have one value per model; got "
                f"{len(names)}, {len(times)} and {len(scores)}."
            )
        if ax is None:
            _, ax = plt.subplots()
        is_teacher = np.array([name == self.teacher_name for name in names], dtype=bool)
        self.student_points_ = ax.scatter(
            times[~is_teacher],
            scores[~is_teacher],
            **{"marker": "o", "s": 50, "color": "C0", "label": "students", **(scatter_kw or {})},
        )
        self.teacher_point_ = None
        if is_teacher.any():
            self.teacher_point_ = ax.scatter(
                times[is_teacher],
                scores[is_teacher],
                **{
                    "marker": "*",
                    "s": 250,
                    "color": "C3",
                    "label": self.teacher_name,
                    **(teacher_kw or {}),
                },
            )
        self.annotations_ = []
        if annotate:
            for name, x, y in zip(names, times, scores):
                self.annotations_.append(
                    ax.annotate(name, (x, y), xytext=(6, 6), textcoords="offset points")
                )
        ax.set_xscale("log")
        ax.margins(0.15)  # room for the names beside the outermost points
        ax.set_xlabel("Prediction time per 1,000 rows (ms, log scale)")
        ax.set_ylabel(self.score_name or _SCORE_NAMES[self.metric, False])
        ax.legend(loc="lower right")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_report(
        cls,
        report,
        *,
        metric="fidelity",
        ax=None,
        score_name=None,
        annotate=True,
        scatter_kw=None,
        teacher_kw=None,
    ):
        """Draw a report of :func:`~skmetamorph.metrics.compression_report`.

        Parameters
        ----------
        report : list of dict or pandas DataFrame
            The records of :func:`~skmetamorph.metrics.compression_report`
            (or the table made from them); the record whose ``model`` is
            ``"teacher"`` is drawn as a star.
        metric : {"fidelity", "accuracy"}, default="fidelity"
            The field drawn up the y axis; ``"accuracy"`` needs a report made
            with ``y``.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure and axes.
        score_name : str, default=None
            Label of the y axis. None: ``"Fidelity to the teacher"`` or
            ``"Accuracy"`` (set ``"R²"`` for regressors).
        annotate : bool, default=True
            Whether to write each model's name beside its point.
        scatter_kw : dict, default=None
            Keywords passed to ``ax.scatter`` for the students' points.
        teacher_kw : dict, default=None
            Keywords passed to ``ax.scatter`` for the teacher's star.

        Returns
        -------
        display : CompressionDisplay
            The display, plotted.
        """
        check_matplotlib_support(f"{cls.__name__}.from_report")
        _check_metric(metric)
        if hasattr(report, "to_dict"):  # the DataFrame made from the records
            report = report.to_dict("records")
        report = list(report)
        needed = {"model", "latency_batch_s", "batch_rows", metric}
        if not report or not all(isinstance(r, dict) and needed <= r.keys() for r in report):
            raise ValueError(
                "report must be the non-empty list of records of compression_report (or a "
                f"DataFrame of them), each with the fields {sorted(needed)}."
            )
        scores = [record[metric] for record in report]
        if any(score is None or np.isnan(score) for score in scores):
            raise ValueError(
                f"The report has no {metric} for every model: "
                + (
                    "make it with the true targets, compression_report(..., y=y), or use "
                    "metric='fidelity'."
                    if metric == "accuracy"
                    else "it is not a report of compression_report."
                )
            )
        display = cls(
            names=[str(record["model"]) for record in report],
            times_ms=np.array(
                [1e6 * record["latency_batch_s"] / record["batch_rows"] for record in report]
            ),
            scores=np.asarray(scores, dtype=float),
            metric=metric,
            score_name=score_name,
        )
        return display.plot(ax=ax, annotate=annotate, scatter_kw=scatter_kw, teacher_kw=teacher_kw)

    @classmethod
    def from_estimators(
        cls,
        teacher,
        students,
        X,
        y=None,
        *,
        metric="fidelity",
        batch_size=None,
        n_repeats=5,
        ax=None,
        score_name=None,
        annotate=True,
        scatter_kw=None,
        teacher_kw=None,
    ):
        """Measure a teacher and its students with ``compression_report``, and draw them.

        Parameters
        ----------
        teacher : fitted estimator or None
            The reference model (None: the ``teacher_`` of a single fitted
            metamorphosis estimator given as ``students``); see
            :func:`~skmetamorph.metrics.compression_report`.
        students : fitted estimator or dict of str to fitted estimator
            One student, or several by name.
        X : array-like of shape (n_samples, n_features)
            Rows to time and compare on.
        y : array-like of shape (n_samples,), default=None
            True targets of ``X``; needed for ``metric="accuracy"``.
        metric : {"fidelity", "accuracy"}, default="fidelity"
            What the y axis shows.
        batch_size : int >= 1, default=None
            Rows of the timed batch (None: all rows of ``X``).
        n_repeats : int >= 1, default=5
            Timed calls per measurement; the fastest counts.
        ax : matplotlib Axes, default=None
            Axes to draw on; None makes a new figure and axes.
        score_name : str, default=None
            Label of the y axis. None: by metric, with ``"R²"`` for a
            regressor teacher.
        annotate : bool, default=True
            Whether to write each model's name beside its point.
        scatter_kw : dict, default=None
            Keywords passed to ``ax.scatter`` for the students' points.
        teacher_kw : dict, default=None
            Keywords passed to ``ax.scatter`` for the teacher's star.

        Returns
        -------
        display : CompressionDisplay
            The display, plotted.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimators")
        _check_metric(metric)
        if metric == "accuracy" and y is None:
            raise ValueError(
                "metric='accuracy' needs the true targets y of X; without them use "
                "metric='fidelity'."
            )
        report = compression_report(
            teacher,
            students,
            X,
            y,
            batch_size=batch_size,
            n_repeats=n_repeats,
            serialized_size=False,  # not drawn: no need to pickle every model
        )
        if score_name is None:
            regression = is_regressor(teacher if teacher is not None else students)
            score_name = _SCORE_NAMES[metric, regression]
        return cls.from_report(
            report,
            metric=metric,
            ax=ax,
            score_name=score_name,
            annotate=annotate,
            scatter_kw=scatter_kw,
            teacher_kw=teacher_kw,
        )
