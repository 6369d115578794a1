"""The pure maths of student targets: softmax, temperature, mixing, expansion, alignment.

Functions of arrays only: no estimator is called, nothing is printed, no
joblib. The labelers (:mod:`skmetamorph._labeling`) and the meta-estimators
compose them.
"""

import numpy as np

__all__ = [
    "LOGIT_FLOOR",
    "align_proba",
    "centred_logits",
    "expand_soft_targets",
    "mix_with_true_labels",
    "proba_from_regressed",
    "soften",
    "softmax",
]

#: Probabilities below this count as this much before a log: a teacher's 0 would
#: be a logit of -inf, which no regressor can fit (log(1e-6) = -13.8).
LOGIT_FLOOR = 1e-6


def softmax(logits):
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
    >>> from skmetamorph._targets import soften
    >>> soften(np.array([[0.8, 0.2, 0.0]]), temperature=2.0).round(3)
    array([[0.667, 0.333, 0.   ]])
    """
    proba = np.asarray(proba, dtype=np.float64)
    if temperature == 1:
        return proba / proba.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore"):
        logits = np.log(proba)
    # The row maximum is finite (some class has p > 0). Subtracting it before
    # dividing by T keeps the largest logit at exactly 0, so exp() stays in
    # range and a tiny T (even 1e-320) gives a one-hot row, never 0/0 = NaN.
    logits -= logits.max(axis=1, keepdims=True)
    with np.errstate(over="ignore"):
        logits /= temperature
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


def expand_soft_targets(X, targets, min_weight, row_weight=None):
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
    row_weight : ndarray of shape (n_samples,), default=None
        Weights of the original rows (``sample_weight``): each repeated row's
        weight is multiplied by its row's.

    Returns
    -------
    X_expanded : ndarray of shape (n_expanded, n_features)
        Repeated rows.
    class_indices : ndarray of shape (n_expanded,)
        Column of ``targets`` (class index) of each repeated row.
    sample_weight : ndarray of shape (n_expanded,)
        Weights, summing to one per original row (to its ``row_weight``).
    """
    keep = targets >= min_weight
    keep[np.arange(targets.shape[0]), np.argmax(targets, axis=1)] = True
    kept = np.where(keep, targets, 0.0)
    kept /= kept.sum(axis=1, keepdims=True)
    rows, class_indices = np.nonzero(keep)
    weight = kept[rows, class_indices]
    if row_weight is not None:
        weight = weight * np.asarray(row_weight)[rows]
    return X[rows], class_indices, weight


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


def centred_logits(proba, floor=LOGIT_FLOOR):
    """Logits to regress: ``log(max(p, floor))`` minus its mean over each row's classes.

    Logits are defined up to a constant per row; centring picks the one whose
    classes sum to zero, so that a regressor fits no arbitrary offset, and
    ``softmax`` of the centred logits gives back ``p`` (up to the floor).

    Parameters
    ----------
    proba : ndarray of shape (n_samples, n_classes)
        Probabilities (soft labels at a temperature: their logits are the
        teacher's divided by it).
    floor : float, default=LOGIT_FLOOR
        Probabilities below it count as ``floor``, so that a zero gives a
        finite logit.

    Returns
    -------
    logits : ndarray of shape (n_samples, n_classes)
        Row-centred logits.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph._targets import centred_logits, softmax
    >>> z = centred_logits(np.array([[0.5, 0.25, 0.25]]))
    >>> z.round(3), softmax(z).round(3)
    (array([[ 0.462, -0.231, -0.231]]), array([[0.5 , 0.25, 0.25]]))
    """
    logits = np.log(np.maximum(np.asarray(proba, dtype=np.float64), floor))
    return logits - logits.mean(axis=1, keepdims=True)


def proba_from_regressed(values):
    """Probabilities from regressed per-class probabilities: clipped at 0, rows normalised.

    A regressor's estimates of probabilities may be slightly negative or not
    sum to one; clipping and renormalising keeps their order. A row whose
    values are all 0 or below has no mass to renormalise: it gets probability
    1 on its largest value, so that the most probable class is always the
    argmax of the regressed values.

    Parameters
    ----------
    values : ndarray of shape (n_samples, n_classes)
        The regressed probabilities, one column per class.

    Returns
    -------
    proba : ndarray of shape (n_samples, n_classes)
        Rows in [0, 1] summing to one.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph._targets import proba_from_regressed
    >>> proba_from_regressed(np.array([[0.7, 0.35, -0.05], [-0.2, -0.1, -0.3]]))
    array([[0.66666667, 0.33333333, 0.        ],
           [0.        , 1.        , 0.        ]])
    """
    values = np.asarray(values, dtype=np.float64)
    proba = np.clip(values, 0.0, None)
    empty = proba.sum(axis=1) <= 0
    if empty.any():
        proba[np.flatnonzero(empty), np.argmax(values[empty], axis=1)] = 1.0
    return proba / proba.sum(axis=1, keepdims=True)
