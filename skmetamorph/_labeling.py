"""Turning teacher outputs into student targets: hard labels, soft labels, temperature.

Everything here works on plain arrays; the meta-estimator decides what to call.
"""

import pickle
import sys

import numpy as np
from joblib import Parallel, delayed
from sklearn.frozen import FrozenEstimator
from sklearn.semi_supervised import SelfTrainingClassifier
from sklearn.utils import gen_batches

from ._teachers import align_proba

__all__ = [
    "ChunkLabeler",
    "expand_soft_targets",
    "mix_with_true_labels",
    "soften",
    "teacher_logits_method",
    "teacher_proba",
]


def _in_batches(method, X, batch_size, n_jobs):
    """Call ``method`` on chunks of ``batch_size`` rows through joblib and stack.

    Chunking bounds memory for large transfer sets, and joblib lets the chunks
    run on several cores or, under ``joblib.parallel_backend("dask")``, on a
    cluster, without any code of ours knowing which.
    """
    batches = list(gen_batches(X.shape[0], batch_size))
    if len(batches) <= 1 or n_jobs in (None, 1):
        parts = [method(X[batch]) for batch in batches]
    else:
        parts = Parallel(n_jobs=n_jobs)(delayed(method)(X[batch]) for batch in batches)
    return np.concatenate(parts) if parts else None


def teacher_proba(teacher, X, classes, *, batch_size=10_000, n_jobs=None):
    """The teacher's class probabilities on ``X``, columns aligned to ``classes``.

    A teacher with logits (see :func:`teacher_logits_method`) is asked for its
    logits ``z`` and the probabilities are ``softmax(z)`` computed in float64.
    :func:`soften` then takes ``log(p) / T``, which gives back ``z / T`` (up to
    a constant per row) to float64 precision, so the temperature acts on the
    logits: the float32 probabilities of a confident net round to exactly 0
    from a logit gap of about 100, float64 ones only from about 745.

    Parameters
    ----------
    teacher : fitted classifier with ``predict_proba``
        The teacher.
    X : ndarray of shape (n_samples, n_features)
        Rows to label. Chunks are slices (views), so float32 rows stay float32.
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
    logits_method = teacher_logits_method(teacher)
    if logits_method is not None:
        proba = _softmax(np.asarray(_in_batches(logits_method, X, batch_size, n_jobs)))
    else:
        proba = np.asarray(_in_batches(teacher.predict_proba, X, batch_size, n_jobs))
    return align_proba(proba, teacher.classes_, classes)


class ChunkLabeler:
    """The teacher's targets for one chunk of rows; sent to the joblib workers.

    Parameters
    ----------
    teacher : fitted estimator
        The teacher.
    kind : {"hard", "soft", "regression"}
        ``"hard"``: the teacher's classes (``predict``). ``"soft"``: its
        probabilities, columns aligned to ``classes`` and softened at
        ``temperature`` (as :func:`teacher_proba` then :func:`soften`).
        ``"regression"``: its float64 predictions.
    classes : ndarray of shape (n_classes,), default=None
        Columns of the soft labels.
    temperature : float, default=1.0
        Temperature of the soft labels.
    outputs : tuple of int, default=None
        With ``"regression"``: the shape of one row's targets (``()`` for 1-d
        ``y``, ``(k,)`` for ``k`` outputs); the predictions are reshaped to it,
        and a teacher with another number of outputs is an error. ``None``
        keeps the teacher's shape.
    """

    def __init__(self, teacher, kind, classes=None, temperature=1.0, outputs=None):
        self.teacher, self.kind = teacher, kind
        self.classes, self.temperature = classes, temperature
        self.outputs = outputs

    def __call__(self, X):
        if self.kind == "hard":
            return np.asarray(self.teacher.predict(X))
        if self.kind == "regression":
            return self._regression_targets(X)
        if X.shape[0] == 0:
            return np.zeros((0, len(self.classes)))
        logits_method = teacher_logits_method(self.teacher)
        if logits_method is not None:
            proba = _softmax(np.asarray(logits_method(X)))
        else:
            proba = np.asarray(self.teacher.predict_proba(X))
        return soften(align_proba(proba, self.teacher.classes_, self.classes), self.temperature)

    def _regression_targets(self, X):
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


def teacher_logits_method(teacher):
    """The teacher's logits as a callable ``X -> z``, or None when it has none.

    The logits satisfy ``softmax(z) == predict_proba(X)``.

    The hook is duck-typed: any teacher with a ``predict_logits(X)`` method
    (such as :class:`skmetamorph.torch.TorchClassifier`) has logits. A plain
    skorch net has them when its output goes through a softmax at prediction
    (criterion ``CrossEntropyLoss``). ``FrozenEstimator`` and a fitted
    ``SelfTrainingClassifier`` are looked through, since their probabilities
    are those of the estimator inside.

    torch is never imported here: skorch nets are recognised only when skorch
    is already in ``sys.modules`` (it must be, for such a teacher to exist).

    Parameters
    ----------
    teacher : fitted classifier
        The teacher.

    Returns
    -------
    method : callable or None
        Maps rows to an ndarray of logits, columns in ``teacher.classes_`` order.
    """
    if isinstance(teacher, FrozenEstimator):
        return teacher_logits_method(teacher.estimator)
    if isinstance(teacher, SelfTrainingClassifier) and hasattr(teacher, "estimator_"):
        return teacher_logits_method(teacher.estimator_)
    method = getattr(teacher, "predict_logits", None)
    if callable(method):
        return method
    skorch = sys.modules.get("skorch")
    if skorch is not None and isinstance(teacher, skorch.NeuralNet):
        from .torch import _skorch_logits_method  # torch is loaded already, with skorch

        return _skorch_logits_method(teacher)
    return None


def _softmax(logits):
    """Row-wise softmax in float64, stable for large logits."""
    logits = np.asarray(logits, dtype=np.float64)
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def soften(proba, temperature):
    """Soft labels at a temperature: ``softmax(log(p) / T)``, i.e. ``p**(1/T)`` renormalised.

    ``softmax(log(p) / T)`` equals ``softmax(z / T)`` for logits ``z`` (they
    differ by a constant per row), so this serves sklearn and torch teachers
    alike. Zero probabilities stay exactly zero at any temperature: the work is
    done in log space with ``log(0) = -inf`` instead of clipping, which would
    invent probability mass at high temperatures.

    Parameters
    ----------
    proba : ndarray of shape (n_samples, n_classes)
        Teacher probabilities.
    temperature : float > 0
        ``T = 1`` returns ``proba`` unchanged; larger ``T`` flattens it.

    Returns
    -------
    soft : ndarray of shape (n_samples, n_classes)
        Rows summing to one.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph._labeling import soften
    >>> soften(np.array([[0.8, 0.2, 0.0]]), temperature=2.0).round(3)
    array([[0.667, 0.333, 0.   ]])
    """
    proba = np.asarray(proba, dtype=np.float64)
    if temperature == 1:
        return proba / proba.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore"):
        logits = np.log(proba) / temperature
    # The row maximum is finite (some class has p > 0), so subtracting it keeps
    # exp() in range without turning -inf into NaN.
    logits -= logits.max(axis=1, keepdims=True)
    soft = np.exp(logits)
    return soft / soft.sum(axis=1, keepdims=True)


def mix_with_true_labels(soft, y_true_indices, alpha):
    """Blend soft labels with one-hot true labels: ``alpha * onehot + (1 - alpha) * soft``.

    Parameters
    ----------
    soft : ndarray of shape (n_samples, n_classes)
        The teacher's soft labels on labeled rows.
    y_true_indices : ndarray of shape (n_samples,)
        Column index of each row's true class.
    alpha : float in [0, 1]
        Weight of the true label.

    Returns
    -------
    targets : ndarray of shape (n_samples, n_classes)
        Mixed targets, rows summing to one.
    """
    onehot = np.zeros_like(soft)
    onehot[np.arange(len(y_true_indices)), y_true_indices] = 1.0
    return alpha * onehot + (1.0 - alpha) * soft


def expand_soft_targets(X, targets, min_weight):
    """Repeat each row once per class, weighted by its probability, for hard-label students.

    A student that only accepts hard ``y`` learns soft labels through
    ``sample_weight``: row ``i`` appears once for each class ``k`` with weight
    ``targets[i, k]``. For a gini or entropy tree this gives the same split
    criteria as fitting the probability vectors themselves. Weights below
    ``min_weight`` are dropped to keep the expanded set small, the row's most
    probable class is always kept, and the remaining weights are renormalised
    so that every row keeps a total weight of one.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Rows.
    targets : ndarray of shape (n_samples, n_classes)
        Probability targets.
    min_weight : float
        Drop class weights below this.

    Returns
    -------
    X_expanded : ndarray of shape (n_expanded, n_features)
        Repeated rows.
    class_indices : ndarray of shape (n_expanded,)
        Column of ``targets`` (class index) of each repeated row.
    sample_weight : ndarray of shape (n_expanded,)
        Weights, summing to one per original row.
    """
    keep = targets >= min_weight
    keep[np.arange(targets.shape[0]), np.argmax(targets, axis=1)] = True
    kept = np.where(keep, targets, 0.0)
    kept /= kept.sum(axis=1, keepdims=True)
    rows, class_indices = np.nonzero(keep)
    return X[rows], class_indices, kept[rows, class_indices]
