"""Scenario-discovery metrics: how good a box of interesting rows is, and how stable.

A box (from :class:`~skmetamorph.scenario.PRIM` or any rule) is judged on
rows whose interest is known: *coverage*, the share of all interesting rows
that it holds (recall); *density*, the share of its rows that are interesting
(precision); WRAcc, the two in one number; the area under a peeling
trajectory's coverage-density curve (PR-AUC, REDS's quality measure); and the
consistency of two boxes found on different runs (overlap over union of their
volumes). Interest may be a 0/1 label or a probability in [0, 1]: the
metrics are then expectations.
"""

import numpy as np

__all__ = [
    "box_consistency",
    "coverage_score",
    "density_score",
    "pr_auc_score",
    "wracc_score",
]


def _check(y_true, in_box):
    y_true = np.asarray(y_true, dtype=float).ravel()
    in_box = np.asarray(in_box)
    if in_box.dtype.kind not in "biuf" or not np.isin(in_box, (0, 1)).all():
        raise ValueError(
            "in_box must say for each row whether it lies in the box (booleans or 0/1); "
            f"got values of dtype {in_box.dtype}."
        )
    in_box = in_box.astype(bool).ravel()
    if y_true.shape != in_box.shape:
        raise ValueError(f"y_true has {y_true.size} rows but in_box has {in_box.size}.")
    if not np.all(np.isfinite(y_true)) or y_true.min(initial=0) < 0 or y_true.max(initial=0) > 1:
        raise ValueError(
            "y_true must be the interest of each row: 0/1 labels or probabilities in "
            "[0, 1], with no NaN (threshold an output first, e.g. y > t)."
        )
    return y_true, in_box


def coverage_score(y_true, in_box):
    """Coverage of a box: the share of all interesting rows that lie in it (recall).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Interest of each row: 0/1, or a probability in [0, 1].
    in_box : array-like of shape (n_samples,)
        Whether each row lies in the box (e.g. ``PRIM.predict(X)`` with 0/1
        interest).

    Returns
    -------
    coverage : float
        In [0, 1].

    Examples
    --------
    >>> from skmetamorph.metrics import coverage_score
    >>> coverage_score([1, 1, 0, 1], [True, True, True, False])
    0.6666666666666666
    """
    y_true, in_box = _check(y_true, in_box)
    total = y_true.sum()
    if not total > 0:
        raise ValueError("No row of y_true is interesting: coverage is undefined.")
    return float(y_true[in_box].sum() / total)


def density_score(y_true, in_box):
    """Density of a box: the share of its rows that are interesting (precision).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Interest of each row: 0/1, or a probability in [0, 1].
    in_box : array-like of shape (n_samples,)
        Whether each row lies in the box.

    Returns
    -------
    density : float
        In [0, 1].

    Examples
    --------
    >>> from skmetamorph.metrics import density_score
    >>> density_score([1, 1, 0, 1], [True, True, True, False])
    0.6666666666666666
    """
    y_true, in_box = _check(y_true, in_box)
    if not in_box.any():
        raise ValueError("The box holds no rows: its density is undefined.")
    return float(y_true[in_box].mean())


def wracc_score(y_true, in_box):
    """Weighted relative accuracy: ``mass * (density - base rate)``.

    The subgroup-discovery trade-off between a box's size and its purity: 0
    for a box no better than the whole data, at most ``p (1 - p)`` for the
    box of exactly the interesting rows (``p`` the base rate).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Interest of each row: 0/1, or a probability in [0, 1].
    in_box : array-like of shape (n_samples,)
        Whether each row lies in the box.

    Returns
    -------
    wracc : float
        In [-0.25, 0.25].

    Examples
    --------
    >>> from skmetamorph.metrics import wracc_score
    >>> wracc_score([1, 1, 0, 0], [True, True, False, False])
    0.25
    """
    y_true, in_box = _check(y_true, in_box)
    if y_true.size == 0:
        raise ValueError("WRAcc needs at least one row.")
    mass = in_box.mean()
    density = y_true[in_box].mean() if in_box.any() else 0.0
    return float(mass * (density - y_true.mean()))


def pr_auc_score(coverage, density):
    """Area under a peeling trajectory's coverage-density (recall-precision) curve.

    The points are sorted by coverage (of steps with equal coverage, the
    densest counts); the curve runs from coverage 0 at the
    density of the smallest box (held constant, as a box shrunk further
    would keep about that density) to the largest coverage, and is
    integrated with the trapezoidal rule. REDS compares scenario-discovery
    methods by this area, computed on an independent test sample
    (:meth:`PRIM.trajectory_scores <skmetamorph.scenario.PRIM.trajectory_scores>`).

    Parameters
    ----------
    coverage : array-like of shape (n_steps,)
        Coverage of each box of the trajectory.
    density : array-like of shape (n_steps,)
        Density of each box.

    Returns
    -------
    auc : float
        In [0, 1]; the base rate of interest for a trajectory that never
        improves on the whole data (its one box has coverage 1).

    Examples
    --------
    >>> from skmetamorph.metrics import pr_auc_score
    >>> pr_auc_score([1.0, 0.8, 0.5], [0.2, 0.5, 1.0])
    0.795
    """
    coverage = np.asarray(coverage, dtype=float).ravel()
    density = np.asarray(density, dtype=float).ravel()
    if coverage.shape != density.shape or coverage.size == 0:
        raise ValueError(
            f"coverage and density need one value per box; got {coverage.size} and {density.size}."
        )
    if not (np.all(np.isfinite(coverage)) and np.all(np.isfinite(density))):
        raise ValueError("coverage and density contain NaN: a box of the trajectory held no rows.")
    # Steps of equal coverage (peels that removed only uninteresting rows)
    # count with the best density among them: the curve is the trajectory's
    # upper envelope.
    order = np.argsort(coverage, kind="stable")
    coverage, density = coverage[order], density[order]
    x, starts = np.unique(coverage, return_index=True)
    best = np.maximum.reduceat(density, starts)
    x = np.concatenate([[0.0], x])
    y = np.concatenate([[best[0]], best])
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2))


def box_consistency(box_a, box_b, *, bounds=None):
    """Overlap of two boxes: the volume of their intersection over that of their union.

    1 for the same box, 0 for disjoint boxes: how stable scenario discovery
    is across runs (other samples, other seeds, a metamodel instead of the
    simulations).

    Parameters
    ----------
    box_a, box_b : array-like of shape (2, n_features)
        Lower (row 0) and upper (row 1) limits, as in ``PRIM.boxes_[k]``.
        Infinite limits are cut at ``bounds``.
    bounds : array-like of shape (n_features, 2), default=None
        The domain, one ``(low, high)`` per input (as the samplers' ``bounds``);
        needed when a limit is infinite.

    Returns
    -------
    consistency : float
        In [0, 1].

    Examples
    --------
    >>> from skmetamorph.metrics import box_consistency
    >>> box_consistency([[0, 0], [2, 1]], [[1, 0], [3, 1]])
    0.3333333333333333
    >>> import numpy as np
    >>> box_consistency([[0.5, -np.inf], [np.inf, 0.5]], [[0.5, 0], [1, 1]],
    ...                 bounds=[(0, 1), (0, 1)])
    0.5
    """
    a, b = (np.asarray(box, dtype=float) for box in (box_a, box_b))
    if a.ndim != 2 or a.shape[0] != 2 or a.shape != b.shape:
        raise ValueError(
            "Boxes must be arrays of shape (2, n_features) (lower and upper limits) of "
            f"the same shape; got {a.shape} and {b.shape}."
        )
    if np.isnan(a).any() or np.isnan(b).any():
        raise ValueError("A box limit is NaN.")
    if bounds is not None:
        bounds = np.asarray(bounds, dtype=float)
        if bounds.shape != (a.shape[1], 2):
            raise ValueError(
                f"bounds must have shape (n_features, 2) = ({a.shape[1]}, 2); got {bounds.shape}."
            )
        a, b = (np.clip(box, bounds[:, 0], bounds[:, 1]) for box in (a, b))
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("A box has an infinite limit: give the domain as bounds.")
    if np.any(a[1] < a[0]) or np.any(b[1] < b[0]):
        raise ValueError("A box has a lower limit above its upper limit.")
    # Volumes over the inputs that either box restricts to a positive width:
    # a zero-width input would make every volume 0.
    width_a, width_b = a[1] - a[0], b[1] - b[0]
    overlap = np.clip(np.minimum(a[1], b[1]) - np.maximum(a[0], b[0]), 0, None)
    keep = (width_a > 0) | (width_b > 0)
    vol_a, vol_b = np.prod(width_a[keep]), np.prod(width_b[keep])
    inter = np.prod(overlap[keep])
    union = vol_a + vol_b - inter
    if not union > 0:
        return 1.0 if np.array_equal(a, b) else 0.0
    return float(inter / union)
