"""Labeling: the teacher's targets for chunks of rows, one small picklable object per task.

A labeler is what the engine sends to the joblib workers with each chunk (or
once per fit, under Dask): it holds the fitted teacher and what the targets
need (classes, temperature, the shape of the outputs), and turns rows into
targets. The maths lives in :mod:`skmetamorph._targets`.

Every teacher output is checked here, once, for both tasks: one entry per
row, finite values, probabilities in [0, 1] that sum to one, only known
classes. A bad output is a :class:`TeacherOutputError` (a ``ValueError``)
that names the teacher, the problem and how many rows have it: never a
broadcast error deep in numpy, never a silent wrong label.
"""

import pickle
from functools import partial

import numpy as np
from sklearn.frozen import FrozenEstimator

from ._engine import map_chunks
from ._targets import align_proba, centred_logits, soften, softmax
from .utils._data import with_feature_names
from .utils._tags import get_metamorph_tags

__all__ = [
    "TeacherOutputError",
    "HardLabeler",
    "RegressionLabeler",
    "SoftLabeler",
    "teacher_proba",
]


class TeacherOutputError(ValueError):
    """A teacher returned an output the student cannot learn from."""


def teacher_name(teacher):
    """The teacher's class name, looking through ``FrozenEstimator``."""
    if isinstance(teacher, FrozenEstimator):
        return f"FrozenEstimator({type(teacher.estimator).__name__})"
    return type(teacher).__name__


def _fail(teacher, what, n_bad, n_rows, hint=""):
    raise TeacherOutputError(
        f"The teacher {teacher_name(teacher)} returned {what} for {n_bad} of {n_rows} rows"
        f"{'; ' + hint if hint else '.'}"
    )


def check_row_count(teacher, output, n_rows, method):
    """Raise unless ``output`` has one entry (or row) per input row."""
    output = np.asarray(output)
    if output.ndim == 0 or output.shape[0] != n_rows:
        raise TeacherOutputError(
            f"The teacher {teacher_name(teacher)}.{method} returned an array of shape "
            f"{output.shape} for {n_rows} rows; it must return one entry per row."
        )
    return output


def check_probabilities(teacher, proba, n_rows, n_classes):
    """Raise unless ``proba`` is a probability matrix: finite, in [0, 1], rows summing to 1.

    ``n_classes`` is the number of the teacher's classes (its ``classes_``).
    Rounding of float32 teachers is tolerated (1e-4 on each value and sum).
    """
    proba = check_row_count(teacher, proba, n_rows, "predict_proba")
    if proba.ndim != 2 or proba.shape[1] != n_classes:
        raise TeacherOutputError(
            f"The teacher {teacher_name(teacher)}.predict_proba returned an array of shape "
            f"{proba.shape} for {n_rows} rows and {n_classes} classes (its classes_); "
            f"expected ({n_rows}, {n_classes})."
        )
    proba = proba.astype(np.float64, copy=False)
    finite = np.isfinite(proba).all(axis=1)
    if not finite.all():
        hint = ""
        if hasattr(teacher, "label_distributions_"):
            hint = (
                "a semi-supervised teacher leaves rows it cannot reach without a label "
                "distribution (kernel='knn': raise n_neighbors, label more rows, or use "
                "kernel='rbf')."
            )
        _fail(teacher, "NaN or infinite probabilities", int((~finite).sum()), n_rows, hint)
    tolerance = 1e-4
    in_range = ((proba >= -tolerance) & (proba <= 1 + tolerance)).all(axis=1)
    if not in_range.all():
        _fail(teacher, "probabilities outside [0, 1]", int((~in_range).sum()), n_rows)
    sums = proba.sum(axis=1)
    summing = np.abs(sums - 1) <= tolerance * max(n_classes, 1)
    if not summing.all():
        n_zero = int((sums == 0).sum())
        what = "all-zero probabilities" if n_zero else "probabilities that do not sum to 1"
        _fail(teacher, what, int((~summing).sum()), n_rows)
    return proba


def check_classes(teacher, labels, classes):
    """Raise unless every label is one of ``classes`` (the meta-estimator's)."""
    known = np.isin(labels, classes)
    if not known.all():
        unknown = sorted({str(label) for label in np.asarray(labels)[~known].tolist()})
        _fail(
            teacher,
            f"classes {unknown[:5]}{'...' if len(unknown) > 5 else ''} that are not in "
            f"classes_ {np.asarray(classes).tolist()}",
            int((~known).sum()),
            len(labels),
            "a teacher must predict the classes of the labeled rows (for a "
            "FunctionTeacher, pass classes= matching y).",
        )
    return labels


class _TeacherLabeler:
    """What every labeler shares: a teacher, and its size for Dask's scheduler."""

    def __init__(self, teacher, feature_names=None):
        self.teacher = teacher
        self.feature_names = feature_names

    def _input(self, X):
        """Rows as the teacher was fitted on them (a DataFrame when it saw names)."""
        return with_feature_names(X, self.feature_names)

    def __sizeof__(self):
        # dask's joblib backend sends an argument to the workers once per fit,
        # instead of with every chunk, when dask.sizeof finds it large; the
        # default (sys.getsizeof) would see a few bytes, whatever the teacher.
        if not hasattr(self, "_teacher_bytes"):
            try:
                self._teacher_bytes = len(pickle.dumps(self.teacher, protocol=5))
            except Exception:  # an unpicklable teacher fails later, with a clear message
                self._teacher_bytes = 0
        return object.__sizeof__(self) + self._teacher_bytes

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_teacher_bytes", None)
        return state


class HardLabeler(_TeacherLabeler):
    """The teacher's predicted classes, checked against ``classes``.

    Parameters
    ----------
    teacher : fitted classifier
        The teacher.
    classes : ndarray of shape (n_classes,)
        The meta-estimator's classes: a prediction outside them is an error.
    feature_names : ndarray of str, default=None
        Column names of the rows the teacher was fitted on, if any.
    """

    def __init__(self, teacher, classes, feature_names=None):
        super().__init__(teacher, feature_names)
        self.classes = classes

    def __call__(self, X, outputs=None):
        labels = _asked(self.teacher, "predict", self._input, X, outputs)
        labels = check_row_count(self.teacher, labels, X.shape[0], "predict")
        if labels.ndim != 1:
            raise TeacherOutputError(
                f"The teacher {teacher_name(self.teacher)}.predict returned labels of shape "
                f"{labels.shape}; a classifier teacher returns one label per row."
            )
        return check_classes(self.teacher, labels, self.classes)


class SoftLabeler(_TeacherLabeler):
    """The teacher's probabilities, aligned to ``classes`` and softened at ``temperature``.

    With ``output="logit"``, their row-centred logits instead
    (:func:`~skmetamorph._targets.centred_logits`): the targets of a
    regressor student that learns logits.

    Parameters
    ----------
    teacher : fitted classifier
        The teacher, with ``predict_proba`` (or logits, see :func:`teacher_proba`).
    classes : ndarray of shape (n_classes,)
        Columns of the soft labels (the meta-estimator's sorted classes).
    temperature : float, default=1.0
        Temperature of the soft labels; 1 keeps the probabilities.
    feature_names : ndarray of str, default=None
        Column names of the rows the teacher was fitted on, if any.
    output : {"proba", "logit"}, default="proba"
        The soft labels themselves, or their centred logits.
    """

    def __init__(self, teacher, classes, temperature=1.0, feature_names=None, output="proba"):
        super().__init__(teacher, feature_names)
        self.classes, self.temperature, self.output = classes, temperature, output

    def __call__(self, X, outputs=None):
        proba = _proba(self.teacher, X, self.classes, self.feature_names, outputs)
        soft = soften(proba, self.temperature)
        return centred_logits(soft) if self.output == "logit" else soft


class FeatureLabeler(SoftLabeler):
    """Soft labels, then the teacher's activations of named layers, flattened, as more columns.

    The targets of a student that learns from the teacher's features
    (FitNets hints, RKD relations): one matrix per chunk, so that the engine
    moves, caches and streams them like soft labels.

    Parameters
    ----------
    teacher : fitted classifier
        The teacher, with ``predict_proba`` and ``transform(X, layer=...)``.
    classes : ndarray of shape (n_classes,)
        Columns of the soft labels.
    temperature : float, default=1.0
        Temperature of the soft labels.
    feature_names : ndarray of str, default=None
        Column names of the rows the teacher was fitted on, if any.
    layers : tuple of str, default=()
        The teacher layers whose activations follow the soft labels, in order.
    """

    def __init__(self, teacher, classes, temperature=1.0, feature_names=None, layers=()):
        super().__init__(teacher, classes, temperature, feature_names)
        self.layers = tuple(layers)

    def __call__(self, X, outputs=None):
        return np.hstack([super().__call__(X, outputs), self.features(X)])

    def features(self, X):
        """The teacher's activations of ``layers`` on ``X``, each flattened, side by side."""
        rows = self._input(X)
        return np.hstack(
            [
                np.asarray(self.teacher.transform(rows, layer=layer)).reshape(X.shape[0], -1)
                for layer in self.layers
            ]
        )


class RegressionLabeler(_TeacherLabeler):
    """The teacher's predictions as float64 targets.

    Parameters
    ----------
    teacher : fitted regressor
        The teacher.
    outputs : tuple of int or None, default=None
        The shape of one row's targets (``()`` for 1-d ``y``, ``(k,)`` for
        ``k`` outputs); the predictions are reshaped to it, and a teacher
        with another number of outputs is an error. ``None`` keeps the
        teacher's shape.
    feature_names : ndarray of str, default=None
        Column names of the rows the teacher was fitted on, if any.
    """

    def __init__(self, teacher, outputs=None, feature_names=None):
        super().__init__(teacher, feature_names)
        self.outputs = outputs

    def __call__(self, X, outputs=None):
        predicted = _asked(self.teacher, "predict", self._input, X, outputs)
        predicted = check_row_count(self.teacher, predicted, X.shape[0], "predict")
        try:
            predicted = predicted.astype(np.float64)
        except (TypeError, ValueError):
            raise TeacherOutputError(
                f"The teacher {teacher_name(self.teacher)}.predict returned values of dtype "
                f"{predicted.dtype}; a regression teacher returns numbers."
            ) from None
        finite = np.isfinite(predicted.reshape(predicted.shape[0], -1)).all(axis=1)
        if not finite.all():
            _fail(self.teacher, "NaN or infinite predictions", int((~finite).sum()), len(finite))
        if self.outputs is None:
            return predicted
        if predicted.size != predicted.shape[0] * int(np.prod(self.outputs, dtype=int)):
            raise ValueError(
                f"The teacher predicts targets of shape {predicted.shape[1:] or '(scalar)'} "
                f"per row but y has {self.outputs or '(scalar)'}; y must have the teacher's "
                "outputs."
            )
        # A teacher may return (n, 1) for 1d y or (n,) for column y: follow y.
        return predicted.reshape((predicted.shape[0],) + tuple(self.outputs))


def _asked(teacher, method, as_input, X, outputs):
    """``teacher.method(X)``, or the answer a sampler already got (``outputs[method]``).

    ``outputs`` come from a plan whose sampler asked the teacher while
    choosing its rows (see :meth:`skmetamorph.base.LabeledPlan.outputs`); the
    caller checks them as it checks a fresh answer.
    """
    if outputs is not None and method in outputs:
        return np.asarray(outputs[method])
    return getattr(teacher, method)(as_input(X))


def _proba(teacher, X, classes, feature_names=None, outputs=None):
    """The teacher's probabilities on one chunk, columns aligned to ``classes``.

    ``outputs`` may hold them already (``outputs["predict_proba"]``).
    """
    if X.shape[0] == 0:
        return np.zeros((0, len(classes)))
    logits = get_metamorph_tags(teacher).teacher.logits
    teacher_classes = teacher.classes_
    n_rows = X.shape[0]
    X = with_feature_names(X, feature_names)
    if outputs is not None and "predict_proba" in outputs:
        proba = np.asarray(outputs["predict_proba"])
    elif logits is not None:
        z = check_row_count(teacher, logits(X), n_rows, "logits")
        finite = np.isfinite(z).all(axis=1) if z.ndim == 2 else np.isfinite(z)
        if not finite.all():
            _fail(teacher, "NaN or infinite logits", int((~finite).sum()), n_rows)
        proba = softmax(z)
    else:
        proba = teacher.predict_proba(X)
    proba = check_probabilities(teacher, proba, n_rows, len(teacher_classes))
    return align_proba(proba, teacher_classes, classes)


def teacher_proba(teacher, X, classes, *, batch_size=10_000, n_jobs=None, feature_names=None):
    """The teacher's class probabilities on ``X``, columns aligned to ``classes``.

    A teacher with logits (the tag ``teacher.logits``, see
    :class:`skmetamorph.utils.TeacherTags`) is asked for its logits ``z`` and
    the probabilities are ``softmax(z)`` computed in float64.
    :func:`~skmetamorph._targets.soften` then takes ``log(p) / T``, which
    gives back ``z / T`` (up to a constant per row) to float64 precision, so
    the temperature acts on the logits: the float32 probabilities of a
    confident net round to exactly 0 from a logit gap of about 100, float64
    ones only from about 745.

    Parameters
    ----------
    teacher : fitted classifier with ``predict_proba``
        The teacher.
    X : ndarray of shape (n_samples, n_features)
        Rows to label, in chunks of ``batch_size`` through joblib.
    classes : ndarray of shape (n_classes,)
        Sorted classes of the meta-estimator.
    batch_size : int, default=10000
        Rows per chunk.
    n_jobs : int, default=None
        Chunks labeled in parallel by joblib.
    feature_names : ndarray of str, default=None
        Column names of the rows the teacher was fitted on, if any.

    Returns
    -------
    proba : ndarray of shape (n_samples, n_classes)
        Probabilities, rows summing to one.
    """
    if X.shape[0] == 0:
        return np.zeros((0, len(classes)))
    labeler = partial(_proba, teacher, classes=classes, feature_names=feature_names)
    return map_chunks(labeler, X, batch_size, n_jobs)
