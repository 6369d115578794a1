"""Labeling: the teacher's targets for chunks of rows, one small picklable object per task.

A labeler is what the engine sends to the joblib workers with each chunk (or
once per fit, under Dask): it holds the fitted teacher and what the targets
need (classes, temperature, the shape of the outputs), and turns rows into
targets. The maths lives in :mod:`skmetamorph._targets`.
"""

import pickle
from functools import partial

import numpy as np

from ._engine import map_chunks
from ._targets import align_proba, soften, softmax
from .utils._tags import get_metamorph_tags

__all__ = [
    "HardLabeler",
    "RegressionLabeler",
    "SoftLabeler",
    "teacher_proba",
]


class _TeacherLabeler:
    """What every labeler shares: a teacher, and its size for Dask's scheduler."""

    def __init__(self, teacher):
        self.teacher = teacher

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
    """The teacher's predicted classes.

    Parameters
    ----------
    teacher : fitted classifier
        The teacher.
    """

    def __call__(self, X):
        return np.asarray(self.teacher.predict(X))


class SoftLabeler(_TeacherLabeler):
    """The teacher's probabilities, aligned to ``classes`` and softened at ``temperature``.

    Parameters
    ----------
    teacher : fitted classifier
        The teacher, with ``predict_proba`` (or logits, see :func:`teacher_proba`).
    classes : ndarray of shape (n_classes,)
        Columns of the soft labels (the meta-estimator's sorted classes).
    temperature : float, default=1.0
        Temperature of the soft labels; 1 keeps the probabilities.
    """

    def __init__(self, teacher, classes, temperature=1.0):
        super().__init__(teacher)
        self.classes, self.temperature = classes, temperature

    def __call__(self, X):
        return soften(_proba(self.teacher, X, self.classes), self.temperature)


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
    """

    def __init__(self, teacher, outputs=None):
        super().__init__(teacher)
        self.outputs = outputs

    def __call__(self, X):
        predicted = np.asarray(self.teacher.predict(X), dtype=np.float64)
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


def _proba(teacher, X, classes):
    """The teacher's probabilities on one chunk, columns aligned to ``classes``."""
    if X.shape[0] == 0:
        return np.zeros((0, len(classes)))
    logits = get_metamorph_tags(teacher).teacher.logits
    if logits is not None:
        proba = softmax(np.asarray(logits(X)))
    else:
        proba = np.asarray(teacher.predict_proba(X))
    return align_proba(proba, teacher.classes_, classes)


def teacher_proba(teacher, X, classes, *, batch_size=10_000, n_jobs=None):
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

    Returns
    -------
    proba : ndarray of shape (n_samples, n_classes)
        Probabilities, rows summing to one.
    """
    if X.shape[0] == 0:
        return np.zeros((0, len(classes)))
    return map_chunks(partial(_proba, teacher, classes=classes), X, batch_size, n_jobs)
