"""Scenario discovery: PRIM, the patient rule induction method, as an estimator.

PRIM (Friedman & Fisher, 1999) finds boxes -- one range per input -- where
an output is "interesting" (a failure, a stable regime, a high yield) more
often than elsewhere. It starts from the box holding every row and *peels*:
at each step it cuts the ``alpha`` share of rows off one side of one input,
the cut that raises the share of interesting rows the most, until the box
holds less than ``mass_min`` of the rows. Every step is a box, from large and
mixed to small and pure: the *peeling trajectory*, the trade-off between
coverage (the share of all interesting rows that the box holds) and density
(the share of the box's rows that are interesting). The analyst picks one box
on it; more boxes come from *covering*: the rows of the box are set aside and
PRIM runs again on the rest.

With a teacher that gives probabilities, PRIM is a student of a
metamorphosis: its density is a mean, so it can be fitted to the teacher's
probabilities of the interesting class on a large transfer set (REDS,
Arzamasov et al.) instead of to a few 0/1 simulation outcomes.

The peeling, pasting and tie-breaking rules are those of the EMA workbench's
``Prim`` (``ema_workbench.analysis.prim``) for real-valued inputs; its boxes
serve as the test oracle (``tests/oracle``).
"""

import copy
import math
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from .utils._sklearn_compat import Interval, StrOptions, _fit_context
from .utils._tags import MetamorphTags

__all__ = ["PRIM"]


class PRIM(ClassifierMixin, BaseEstimator):
    """Patient rule induction (PRIM) for scenario discovery: boxes of interesting rows.

    Peels the box of all rows, ``alpha`` of its rows at a time, keeping at
    each step the cut of one side of one input that raises the box's density
    the most (by ``objective``), until the box would hold less than
    ``mass_min`` of the rows; then, optionally, *pastes*: widens the box
    again while that raises its density. Each step is recorded in the
    trajectory; one step is chosen as the box (the last one, or by
    ``density_target`` / ``coverage_target``, or later with :meth:`select`).
    With ``n_boxes > 1`` the rows of the chosen box are set aside and PRIM
    runs again on the rest (covering).

    All inputs are treated as real numbers (encode categories as numbers or
    one-hot columns first). Boxes are closed: a row is in a box when
    ``low <= x <= high`` on every input; limits that PRIM never moved are
    infinite, so new rows beyond the range of the training rows stay inside.

    Parameters
    ----------
    alpha : float in (0, 0.5], default=0.05
        Share of the box's rows removed by one peel (the peeling quantile).
        Small values peel patiently and give a finer trajectory.
    paste_alpha : float in (0, 0.5] or None, default=0.05
        Share of the rows beside the box added by one paste. ``None`` skips
        pasting.
    mass_min : float in (0, 1), default=0.05
        Smallest share of all rows a box may hold: peeling stops before it.
        A box keeps at least one row whatever ``mass_min``: a peel that would
        empty it never raises the density.
    threshold : float or None, default=None
        How ``y`` says which rows are interesting. A number: rows with
        ``y > threshold`` are (``y`` any real output; negate ``y`` to look for
        low values). None: ``y`` is either a 0/1 (or boolean) label of
        interest, or a value in [0, 1] such as a teacher's probability of the
        interesting class (PRIM's density is a mean, so it works on
        probabilities unchanged), or two class labels of which the larger
        (``classes_[1]``, as in scikit-learn's binary metrics) is interesting.
    objective : {"lenient1", "lenient2", "original"}, default="lenient1"
        How candidate peels are ranked, as in the EMA workbench. "original"
        (Friedman & Fisher): the mean of ``y`` in the peeled box. "lenient1":
        the gain in mean divided by the number of rows removed. "lenient2":
        that times the number of rows kept. Ties go to the box with fewer
        restricted inputs, then to the first input (upper side before lower).
    density_target : float in (0, 1] or None, default=None
        Choose, on each trajectory, the step with the highest coverage among
        those whose density is at least this.
    coverage_target : float in (0, 1] or None, default=None
        Choose the step with the highest density among those whose coverage
        is at least this. Without either target the last step (the smallest,
        densest box) is chosen, as in the EMA workbench.
    n_boxes : int, default=1
        Most boxes to find by covering. Covering stops earlier when no
        interesting rows are left, when no peel raises the density, or when a
        target cannot be met (only the first box must meet it).

    Attributes
    ----------
    trajectories_ : list of dict
        One per box: the peeling (then pasting) trajectory, a dict of arrays
        with one entry per step (step 0 is the box of all rows still left):
        ``"coverage"``, ``"density"``, ``"mass"`` (share of all rows),
        ``"n_samples"``, ``"n_interesting"`` (sum of the interest over the
        box's rows), ``"res_dim"`` (number of restricted inputs),
        ``"restricted"`` (bool array of shape (n_steps, n_features)),
        ``"boxes"`` (array of shape (n_steps, 2, n_features): lower and upper
        limits, infinite where not restricted) and ``"pasted"`` (whether the
        step was a paste). Coverage and mass are shares of *all* training
        rows; density is over the rows left when the box was peeled.
    selected_ : ndarray of shape (`n_boxes_`,)
        Index of the chosen step on each trajectory.
    boxes_ : ndarray of shape (`n_boxes_`, 2, `n_features_in_`)
        The chosen boxes: ``boxes_[k, 0]`` lower and ``boxes_[k, 1]`` upper
        limits, ``-inf``/``inf`` where unrestricted.
    coverage_, density_, mass_ : ndarray of shape (`n_boxes_`,)
        Coverage, density and mass of the chosen boxes.
    restricted_dims_ : list of ndarray
        For each chosen box, the indices of the inputs it restricts.
    rest_density_ : float
        Density of the training rows outside every box (0 when none is).
    n_boxes_ : int
        Number of boxes found.
    box_init_ : ndarray of shape (2, `n_features_in_`)
        Smallest and largest value of each input over the training rows.
    classes_ : ndarray of shape (2,)
        The two labels ``predict`` returns: ``[0, 1]`` (not in a box, in a
        box), or the two class labels of ``y``.
    n_features_in_ : int
        Number of input features.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` has string column names.

    See Also
    --------
    skmetamorph.rules.extract_rules : The boxes as readable, scored rules.
    skmetamorph.metrics.pr_auc_score : Area under a trajectory.

    References
    ----------
    J. H. Friedman and N. I. Fisher, "Bump hunting in high-dimensional data",
    Statistics and Computing 9, 1999. V. Arzamasov, K. Böhm and P. Jochem,
    "Towards concise models of grid stability" (REDS), SmartGridComm 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph.scenario import PRIM
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(1000, 3))
    >>> y = (X[:, 0] > 0.6) & (X[:, 2] < 0.5)      # interesting: one box
    >>> prim = PRIM(density_target=0.9).fit(X, y)
    >>> prim.restricted_dims_[0]
    array([0, 2])
    >>> np.round(prim.boxes_[0], 2)
    array([[0.59, -inf, -inf],
           [ inf,  inf, 0.54]])
    >>> float(prim.coverage_[0]) > 0.9, float(prim.density_[0]) >= 0.9
    (True, True)
    >>> prim.predict([[0.8, 0.5, 0.2], [0.1, 0.5, 0.2]])
    array([ True, False])
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, 0.5, closed="right")],
        "paste_alpha": [Interval(Real, 0, 0.5, closed="right"), None],
        "mass_min": [Interval(Real, 0, 1, closed="neither")],
        "threshold": [Real, None],
        "objective": [StrOptions({"lenient1", "lenient2", "original"})],
        "density_target": [Interval(Real, 0, 1, closed="right"), None],
        "coverage_target": [Interval(Real, 0, 1, closed="right"), None],
        "n_boxes": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        alpha=0.05,
        *,
        paste_alpha=0.05,
        mass_min=0.05,
        threshold=None,
        objective="lenient1",
        density_target=None,
        coverage_target=None,
        n_boxes=1,
    ):
        self.alpha = alpha
        self.paste_alpha = paste_alpha
        self.mass_min = mass_min
        self.threshold = threshold
        self.objective = objective
        self.density_target = density_target
        self.coverage_target = coverage_target
        self.n_boxes = n_boxes

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, classes=None):
        """Peel (and paste) boxes of interesting rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs (real numbers, no missing values).
        y : array-like of shape (n_samples,) or (n_samples, 2)
            Output: what makes a row interesting (see ``threshold``). A 2-d
            ``y`` is a teacher's probability matrix whose columns follow
            ``classes``; the second column (``classes[1]``) is the interest.
            This is how a :class:`~skmetamorph.MetamorphosisClassifier` with
            ``labels="soft"`` hands its teacher's probabilities to PRIM (the
            ``student.soft_targets`` tag).
        classes : array-like of shape (2,), default=None
            The classes of the columns of a 2-d ``y`` (required with one);
            they become ``classes_``.

        Returns
        -------
        self : PRIM
            The fitted estimator.
        """
        if self.density_target is not None and self.coverage_target is not None:
            raise ValueError(
                "Give density_target or coverage_target, not both: each alone picks "
                "the box on the trajectory."
            )
        if classes is None:
            X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2)
            interest, classes = _interest(y, self.threshold)
        else:
            X, y = validate_data(
                self, X, y, dtype=np.float64, ensure_min_samples=2, multi_output=True
            )
            interest, classes = _soft_interest(y, classes)
        n = X.shape[0]
        finder = _BoxFinder(X, interest, self)
        trajectories, selected, remaining = [], [], np.arange(n)
        for k in range(self.n_boxes):
            if remaining.size == 0 or not interest[remaining].sum() > 0:
                break  # nothing interesting left to cover
            trajectory = finder.trajectory(remaining)
            if k > 0 and len(trajectory["density"]) == 1:
                break  # no peel raises the density of what is left
            step = _choose_step(trajectory, self.density_target, self.coverage_target)
            if step is None:
                if k == 0:
                    raise ValueError(_target_message(self, trajectory))
                break
            inside = _in_box(X[remaining], trajectory["boxes"][step])
            trajectories.append(trajectory)
            selected.append(step)
            remaining = remaining[~inside]

        self.box_init_ = finder.box_init
        self.classes_ = classes
        self.trajectories_ = trajectories
        self._set_selection(np.asarray(selected, dtype=np.intp))
        return self

    def _set_selection(self, selected):
        """Derive the chosen boxes and their statistics from ``selected``."""
        trajectories = self.trajectories_
        self.selected_ = selected
        self.n_boxes_ = len(trajectories)
        self.boxes_ = np.array([t["boxes"][i] for t, i in zip(trajectories, selected)]).reshape(
            -1, 2, self.n_features_in_
        )
        for name in ("coverage", "density", "mass"):
            values = [t[name][i] for t, i in zip(trajectories, selected)]
            setattr(self, name + "_", np.asarray(values, dtype=float))
        self.restricted_dims_ = [
            np.flatnonzero(t["restricted"][i]) for t, i in zip(trajectories, selected)
        ]
        # Rows outside every box are those left after the last box: its step 0
        # holds all the rows that were left, its chosen step those it took.
        last, step = trajectories[-1], selected[-1]
        out_n = last["n_samples"][0] - last["n_samples"][step]
        out_interest = last["n_interesting"][0] - last["n_interesting"][step]
        self.rest_density_ = float(out_interest / out_n) if out_n > 0 else 0.0

    def select(self, step, box=-1):
        """A copy of the fitted estimator with another step chosen as a box.

        The trajectory is the menu of boxes; this picks one by its index
        (e.g. after plotting ``trajectories_[box]["coverage"]`` against
        ``"density"``). The estimator itself is left unchanged.

        Parameters
        ----------
        step : int
            Index of the step on the box's trajectory (negative counts from
            the end).
        box : int, default=-1
            Which box to change. The boxes after it were found on the rows
            the old choice left over, so the copy drops them; refit with the
            targets to find them again.

        Returns
        -------
        prim : PRIM
            A fitted copy whose box ``box`` is step ``step``.

        Examples
        --------
        >>> import numpy as np
        >>> from skmetamorph.scenario import PRIM
        >>> rng = np.random.default_rng(0)
        >>> X = rng.uniform(size=(500, 2))
        >>> prim = PRIM().fit(X, X[:, 0] > 0.7)
        >>> wider = prim.select(5)
        >>> bool(wider.coverage_[0] >= prim.coverage_[0])
        True
        """
        check_is_fitted(self)
        n_boxes = len(self.trajectories_)
        if not -n_boxes <= box < n_boxes:
            raise IndexError(f"box={box} but {n_boxes} box(es) were found.")
        box %= n_boxes
        n_steps = len(self.trajectories_[box]["density"])
        if not -n_steps <= step < n_steps:
            raise IndexError(f"step={step} but the trajectory of box {box} has {n_steps} steps.")
        new = copy.deepcopy(self)
        new.trajectories_ = new.trajectories_[: box + 1]
        selected = new.selected_[: box + 1].copy()
        selected[box] = step % n_steps
        new._set_selection(selected)
        return new

    def apply(self, X):
        """Index of the first box that holds each row, -1 for none.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows.

        Returns
        -------
        box : ndarray of shape (n_samples,)
            Box index in ``0 .. n_boxes_ - 1``, or -1.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        box = np.full(X.shape[0], -1, dtype=np.intp)
        for k in range(self.n_boxes_ - 1, -1, -1):  # the first box wins
            box[_in_box(X, self.boxes_[k])] = k
        return box

    def predict(self, X):
        """Whether each row lies in a box.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            ``classes_[1]`` (True, 1, or the interesting class) inside a box,
            ``classes_[0]`` outside.
        """
        check_is_fitted(self)
        return self.classes_[(self.apply(X) >= 0).astype(np.intp)]

    def predict_proba(self, X):
        """Density of the box that holds each row: its share of interesting rows.

        PRIM as a piecewise-constant model: a row in box ``k`` gets
        ``density_[k]``, a row outside all boxes ``rest_density_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows.

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
            Columns ``classes_``: not interesting, interesting.

        Notes
        -----
        :meth:`predict` says whether a row is in a box, whatever the box's
        density; ``predict_proba`` says how interesting the box is. They agree
        (``argmax``) only when every box is more than half interesting and
        the rest less. Rank rows by ``predict_proba[:, 1]`` (ROC AUC, a
        student's soft labels); tell scenarios by :meth:`predict`.
        """
        box = self.apply(X)
        density = np.append(self.density_, self.rest_density_)[box]  # -1 is the rest
        return np.column_stack([1.0 - density, density])

    def trajectory_scores(self, X, y, box=0):
        """Coverage, density and mass of every step of a trajectory on other rows.

        The honest measure of a trajectory: on an independent test sample, as
        REDS does, rather than on the rows it was peeled from. For box
        ``k > 0`` the rows of the earlier boxes are left out, as in covering.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows.
        y : array-like of shape (n_samples,)
            Their outputs, in the form given to ``fit`` (read through
            ``threshold`` the same way).
        box : int, default=0
            Whose trajectory: in ``[-n, n - 1]`` for the ``n`` boxes found
            (negative counts from the end, as in :meth:`select`); another
            index raises an ``IndexError`` that gives the range.

        Returns
        -------
        scores : dict of ndarray
            ``"coverage"``, ``"density"`` (NaN for a step that holds none of
            the rows) and ``"mass"``, one value per step; feed the first two
            to :func:`~skmetamorph.metrics.pr_auc_score`.

        Examples
        --------
        >>> import numpy as np
        >>> from skmetamorph.metrics import pr_auc_score
        >>> from skmetamorph.scenario import PRIM
        >>> rng = np.random.default_rng(0)
        >>> X, X_test = rng.uniform(size=(300, 2)), rng.uniform(size=(2000, 2))
        >>> prim = PRIM().fit(X, X.sum(axis=1) > 1.2)     # a diagonal: no box fits
        >>> test = prim.trajectory_scores(X_test, X_test.sum(axis=1) > 1.2)
        >>> round(pr_auc_score(test["coverage"], test["density"]), 2)
        0.9
        """
        check_is_fitted(self)
        n_boxes = len(self.trajectories_)
        if not isinstance(box, Integral) or isinstance(box, bool):
            raise TypeError(f"box must be an integer box index; got {box!r}.")
        if not -n_boxes <= box < n_boxes:
            raise IndexError(
                f"box={box} is out of range: {n_boxes} box(es) were found, so box must be "
                f"in [{-n_boxes}, {n_boxes - 1}]."
            )
        box = int(box) % n_boxes
        X = validate_data(self, X, dtype=np.float64, reset=False)
        interest = self.interest(y)
        if interest.shape[0] != X.shape[0]:
            raise ValueError(f"y has {interest.shape[0]} rows but X has {X.shape[0]}.")
        total = interest.sum()
        if not total > 0:
            raise ValueError("No row of y is interesting: coverage is undefined.")
        left = np.ones(X.shape[0], dtype=bool)
        for earlier in self.boxes_[:box]:
            left &= ~_in_box(X, earlier)
        boxes = self.trajectories_[box]["boxes"]
        inside = np.stack([_in_box(X, b) & left for b in boxes], axis=1)
        n_in = inside.sum(axis=0)
        n_interesting = interest @ inside
        with np.errstate(invalid="ignore", divide="ignore"):
            density = np.where(n_in > 0, n_interesting / n_in, np.nan)
        return {
            "coverage": n_interesting / total,
            "density": density,
            "mass": n_in / X.shape[0],
        }

    def interest(self, y):
        """The interest of outputs ``y``, in [0, 1], as PRIM read it in ``fit``.

        Parameters
        ----------
        y : array-like of shape (n_samples,)
            Outputs in the form given to ``fit``.

        Returns
        -------
        interest : ndarray of shape (n_samples,)
            1 for interesting, 0 for not (or a probability between).
        """
        check_is_fitted(self)
        return _interest(column_or_1d(y, warn=True), self.threshold, self.classes_)[0]

    def __skmetamorph_tags__(self):
        # As a student, PRIM takes the teacher's probability matrix itself:
        # its density is a mean, so probabilities need no row repetition.
        tags = MetamorphTags()
        tags.student.soft_targets = True
        return tags

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # One interesting class against the rest: binary only. Boxes are
        # coarse, so scores on sklearn's test problems may be modest.
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.poor_score = True
        return tags


# ------------------------------------------------------------------- helpers
def _interest(y, threshold, classes=None):
    """Interest in [0, 1] of each row, and the labels ``predict`` returns.

    ``classes`` (from a fitted PRIM) fixes how two class labels are read.
    """
    y = np.asarray(y)
    numeric = y.dtype.kind in "biuf"
    if numeric and y.dtype.kind == "f" and not np.all(np.isfinite(y)):
        raise ValueError(
            "y contains NaN or infinite outputs; PRIM needs one finite output per row."
        )
    if threshold is not None:
        if not numeric:
            raise ValueError(f"threshold={threshold} needs numeric y; got dtype {y.dtype}.")
        interest = (y > threshold).astype(float)
        fitted = np.array([0, 1])
    elif (
        numeric
        and y.size
        and y.min() >= 0
        and y.max() <= 1
        and (classes is None or classes.dtype.kind in "biuf" and set(classes.tolist()) == {0, 1})
    ):
        interest = y.astype(float)
        fitted = np.array([False, True]) if y.dtype.kind == "b" else np.array([0, 1])
    else:
        labels = np.unique(y) if classes is None else classes
        if labels.size != 2 or (classes is not None and not np.isin(y, classes).all()):
            found = np.unique(y).size
            kind = (
                "a continuous output"
                if y.dtype.kind == "f" and found > 2
                else f"{found} classes. Only binary classification is supported"
            )
            raise ValueError(
                "PRIM needs y to say which rows are interesting: 0/1 labels, values in "
                "[0, 1] (e.g. probabilities), two class labels (the larger is "
                f"interesting), or any output with threshold=...; got {kind}."
            )
        interest = (y == labels[1]).astype(float)
        fitted = labels
    if classes is None and not interest.sum() > 0:
        raise ValueError(
            "No row of y is interesting (all outputs are 0 or at most the threshold): "
            "PRIM has nothing to find."
        )
    return interest, fitted if classes is None else classes


def _soft_interest(Y, classes):
    """Interest from a probability matrix whose columns follow ``classes``."""
    classes = np.asarray(classes)
    Y = np.asarray(Y, dtype=float)
    if classes.shape != (2,) or Y.ndim != 2 or Y.shape[1] != 2:
        raise ValueError(
            "PRIM finds one interesting class: a probability matrix y needs two columns "
            f"and classes two labels; got y of shape {Y.shape} and {classes.size} classes. "
            "Only binary classification is supported."
        )
    interest = Y[:, 1]
    if interest.min() < 0 or interest.max() > 1:
        raise ValueError("A probability matrix y must hold values in [0, 1].")
    if not interest.sum() > 0:
        raise ValueError(
            f"No row of y is interesting (the probability of {classes[1]!r} is 0 "
            "everywhere): PRIM has nothing to find."
        )
    return interest, classes


def _in_box(X, box):
    """Rows of ``X`` within the closed box ``box`` (shape (2, n_features))."""
    return np.all((X >= box[0]) & (X <= box[1]), axis=1)


def _quantile(s, q):
    """The EMA workbench's (and sdtoolkit's) quantile of each sorted column of ``s``.

    The mean of the two order statistics around position ``(m - 1) * q``,
    moved past ties so that the value falls *between* two distinct values
    (for ``q > 0.5`` the lower index moves down, else the upper one moves
    up): a peel then never splits equal values.
    """
    m, d = s.shape
    position = (m - 1) * q
    lo, hi = math.floor(position), math.ceil(position)
    cols = np.arange(d)
    if q > 0.5:
        below = (s < s[hi]).sum(axis=0)  # first index with a value >= s[hi]
        lo = np.minimum(lo, np.maximum(below - 1, 0))
        return _midpoint(s[lo, cols], s[hi])
    upto = (s <= s[lo]).sum(axis=0)  # first index with a value > s[lo]
    hi = np.maximum(hi, np.minimum(upto, m - 1))
    return _midpoint(s[lo], s[hi, cols])


def _midpoint(a, b):
    """``(a + b) / 2`` elementwise, without overflow for values near the float limit.

    ``a + b`` may exceed the largest float (``1.7e308 + 1.7e308``): there
    ``a / 2 + b / 2`` is taken, which stays between ``a`` and ``b``. Elsewhere
    the plain mean is kept (halving first would round away tiny values).
    """
    with np.errstate(over="ignore"):
        mean = (a + b) / 2
    return np.where(np.isfinite(mean), mean, a / 2 + b / 2)


def _objective(kind, mean_old, n_old, sum_new, n_new):
    """The EMA workbench's objective of candidate boxes (vectorised)."""
    n_new = np.asarray(n_new)
    safe_n = np.maximum(n_new, 1)
    mean_new = np.where(n_new > 0, sum_new / safe_n, 0.0)
    if kind == "original":
        return np.where(n_new > 0, mean_new, -1.0), mean_new
    change = np.abs(n_old - n_new)
    # Equal means (or an unchanged box) score 0: the peel gains nothing.
    moved = (mean_new != mean_old) & (change > 0)
    gain = (mean_new - mean_old) / np.maximum(change, 1)
    if kind == "lenient2":
        gain = gain * n_new
    return np.where(moved, gain, 0.0), mean_new


def _best(obj, non_restricted):
    """First candidate with the largest objective, then most unrestricted inputs."""
    top = obj == obj.max()
    ties = np.where(top, non_restricted, -1)
    return int(np.argmax(ties))


class _BoxFinder:
    """Peeling and pasting on the rows of one covering round."""

    def __init__(self, X, interest, prim):
        self.X, self.y = X, interest
        self.n = X.shape[0]
        self.total = float(interest.sum())
        self.box_init = np.vstack([X.min(axis=0), X.max(axis=0)])
        self.alpha, self.paste_alpha = prim.alpha, prim.paste_alpha
        self.mass_min, self.kind = prim.mass_min, prim.objective

    def _restricted(self, box):
        return (box[0] != self.box_init[0]) | (box[1] != self.box_init[1])

    def trajectory(self, remaining):
        steps = []
        box, rows = self.box_init.copy(), remaining
        self._record(steps, box, rows, pasted=False)
        while True:
            peeled = self._peel(box, rows)
            if peeled is None:
                break
            box, rows = peeled
            self._record(steps, box, rows, pasted=False)
        if self.paste_alpha is not None:
            while True:
                pasted = self._paste(box, rows, remaining)
                if pasted is None:
                    break
                box, rows = pasted
                self._record(steps, box, rows, pasted=True)
        trajectory = {
            name: np.array([s[name] for s in steps]) for name in steps[0] if name != "box"
        }
        raw = np.array([s["box"] for s in steps])
        # Public limits: infinite on the sides PRIM never moved, so that new
        # rows beyond the training range are not cut off.
        trajectory["boxes"] = np.stack(
            [
                np.where(raw[:, 0] == self.box_init[0], -np.inf, raw[:, 0]),
                np.where(raw[:, 1] == self.box_init[1], np.inf, raw[:, 1]),
            ],
            axis=1,
        )
        return trajectory

    def _record(self, steps, box, rows, pasted):
        n_interesting = float(self.y[rows].sum())
        restricted = self._restricted(box)
        steps.append(
            {
                "coverage": n_interesting / self.total,
                "density": n_interesting / rows.size,
                "mass": rows.size / self.n,
                "n_samples": rows.size,
                "n_interesting": n_interesting,
                "res_dim": int(restricted.sum()),
                "restricted": restricted,
                "pasted": pasted,
                "box": box.copy(),
            }
        )

    def _peel(self, box, rows):
        """The best peel of the box, or None when peeling stops."""
        Xb, yb = self.X[rows], self.y[rows]
        m, d = Xb.shape
        s = np.sort(Xb, axis=0)
        upper, lower = _quantile(s, 1 - self.alpha), _quantile(s, self.alpha)
        # Candidates in the workbench's order: input 0 upper, input 0 lower, ...
        keep = np.empty((m, 2 * d), dtype=bool)
        keep[:, 0::2] = Xb <= upper
        keep[:, 1::2] = Xb >= lower
        n_new = keep.sum(axis=0)
        obj, _ = _objective(self.kind, np.mean(yb), m, yb @ keep, n_new)

        restricted = self._restricted(box)
        now_upper = (box[0] != self.box_init[0]) | (upper != self.box_init[1])
        now_lower = (lower != self.box_init[0]) | (box[1] != self.box_init[1])
        count = restricted.sum() - restricted
        res = np.empty(2 * d, dtype=int)
        res[0::2], res[1::2] = count + now_upper, count + now_lower
        c = _best(obj, d - res)
        if not (n_new[c] / self.n >= self.mass_min and n_new[c] < m and obj[c] > 0):
            return None
        j, side = divmod(c, 2)
        new = box.copy()
        if side == 0:
            new[1, j] = upper[j]
        else:
            new[0, j] = lower[j]
        return new, rows[keep[:, c]]

    def _paste(self, box, rows, remaining):
        """The best paste of the box, or None when pasting stops."""
        X_left = self.X[remaining]
        restricted = np.flatnonzero(self._restricted(box))
        candidates = []
        for j in restricted:
            for side in (0, 1):  # lower, then upper, as in the workbench
                slab = box.copy()
                if side == 0:
                    slab[:, j] = self.box_init[0, j], box[0, j]
                else:
                    slab[:, j] = box[1, j], self.box_init[1, j]
                data = X_left[_in_box(X_left, slab), j]
                if data.size:
                    q = 1 - self.paste_alpha if side == 0 else self.paste_alpha
                    value = _quantile(np.sort(data)[:, None], q)[0]
                else:
                    value = self.box_init[side, j]
                new = box.copy()
                new[side, j] = value
                candidates.append((new, remaining[_in_box(X_left, new)]))
        if not candidates:
            return None
        y_old = self.y[rows]
        n_new = np.array([c[1].size for c in candidates])
        sums = np.array([self.y[c[1]].sum() for c in candidates])
        obj, _ = _objective(self.kind, np.mean(y_old), rows.size, sums, n_new)
        d = box.shape[1]
        res = np.array([self._restricted(c[0]).sum() for c in candidates])
        c = _best(obj, d - res)
        new, new_rows = candidates[c]
        if not (
            new_rows.size / self.n >= self.mass_min
            and new_rows.size > rows.size
            and obj[c] > 0
            and np.mean(self.y[new_rows]) > np.mean(y_old)
        ):
            return None
        return new, new_rows


def _choose_step(trajectory, density_target, coverage_target):
    """Index of the chosen step, or None when no step meets the target."""
    coverage, density = trajectory["coverage"], trajectory["density"]
    if density_target is not None:
        ok = density >= density_target
        return int(np.argmax(np.where(ok, coverage, -1.0))) if ok.any() else None
    if coverage_target is not None:
        ok = coverage >= coverage_target
        return int(np.argmax(np.where(ok, density, -1.0))) if ok.any() else None
    return len(density) - 1


def _target_message(prim, trajectory):
    if prim.density_target is not None:
        return (
            f"No box on the peeling trajectory reaches density_target="
            f"{prim.density_target} (the densest has {trajectory['density'].max():.3g}); "
            "lower the target, or lower mass_min to peel further."
        )
    return (
        f"No box on the peeling trajectory reaches coverage_target={prim.coverage_target} "
        f"(the largest covers {trajectory['coverage'].max():.3g})."
    )
