"""Boundary-focused sampling: more rows where the teacher is uncertain."""

import math
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import clone

from .._engine import map_chunks
from ..base import N_SAMPLES_CONSTRAINT, BaseTransferSampler
from ..utils._sklearn_compat import HasMethods, Interval, StrOptions
from ._munge import MUNGE

__all__ = ["BoundarySampler", "teacher_uncertainty"]


class BoundarySampler(BaseTransferSampler):
    """Rows near the teacher's decision boundary: the most uncertain of many candidates.

    A student learns the easy, confident regions of its teacher from few rows;
    its errors sit near the teacher's decision boundary. This sampler spends
    the transfer set there, as active-learning-based rule extraction does
    (ALPA, De Fortuny & Martens 2015):

    1. ``candidate_sampler`` (MUNGE by default) makes ``n_candidates`` times
       ``n_samples`` candidate rows that look like the data;
    2. the teacher scores each candidate's uncertainty (``uncertainty``);
    3. a fraction ``focus`` of the ``n_samples`` rows are the most uncertain
       candidates, the rest are drawn at random from the other candidates, so
       that the confident regions are not left empty.

    ``focus=0`` (or ``n_candidates=1``) gives the candidate sampler's rows
    unchanged. The teacher scores every candidate, so this sampler costs
    ``n_candidates`` times more teacher calls than its candidate sampler alone
    for the same transfer-set size.

    Parameters
    ----------
    n_samples : int or float, default=1.0
        Number of rows to make: a count if an int, a multiple of the number of
        input rows if a float.
    candidate_sampler : BaseTransferSampler, default=None
        Makes the candidates; it must have an ``n_samples`` parameter, which is
        set here. ``None`` means :class:`MUNGE` with its defaults. An unseeded
        candidate sampler is seeded from ``random_state``.
    n_candidates : float >= 1, default=2.0
        Number of candidates as a multiple of ``n_samples``: the larger, the
        closer to the boundary the selected rows.
    focus : float in [0, 1], default=0.5
        Fraction of the rows chosen for their uncertainty; the rest are chosen
        at random among the remaining candidates. Too strong a focus starves
        the confident regions: a small student then places its few splits
        badly (see Notes).
    uncertainty : {"margin", "entropy"}, default="margin"
        ``"margin"``: one minus the gap between the teacher's two most probable
        classes (a teacher with only ``decision_function`` is scored by the gap
        of its decision values). ``"entropy"``: entropy of the teacher's
        probabilities, divided by its maximum ``log(n_classes)``.
    batch_size : int, default=10000
        The teacher scores the candidates in chunks of this many rows.
    random_state : int, RandomState instance or None, default=None
        Seed of the candidate sampler (when unseeded), of the random part of
        the selection and of the tie-breaking among equally uncertain rows.

    Attributes
    ----------
    candidate_sampler_ : BaseTransferSampler
        The fitted candidate sampler.
    n_candidates_ : int
        Number of candidates scored.
    uncertainty_ : ndarray of shape (n_transfer_samples,)
        Uncertainty of each returned row (larger is more uncertain).
    n_features_in_ : int
        Number of features seen during :meth:`fit_generate`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_generate`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    MUNGE : The default candidate sampler.
    ConfidenceSampler : The opposite selection: rows the teacher is sure about.
    teacher_uncertainty : The uncertainty scores used.

    Notes
    -----
    The defaults (``n_candidates=2``, ``focus=0.5``) come from a pilot run of
    ``benchmarks/bench_tabular.py`` on splits not used in its reported
    results: with a random-forest teacher and tree students, stronger focus
    (``focus=0.8``, ``n_candidates=5``) lowered fidelity on most datasets,
    most of all for a small tree (``max_leaf_nodes=8``) and in higher
    dimension; milder focus helped full trees on two-dimensional data
    (``make_moons``) and was neutral elsewhere.

    References
    ----------
    .. [1] E. J. de Fortuny and D. Martens, "Active learning-based pedagogical
       rule extraction", IEEE Transactions on Neural Networks and Learning
       Systems 26(11), pp. 2664-2677, 2015.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from skmetamorph.samplers import BoundarySampler
    >>> X, y = make_moons(200, noise=0.2, random_state=0)
    >>> teacher = RandomForestClassifier(random_state=0).fit(X, y)
    >>> sampler = BoundarySampler(n_samples=400, random_state=0)
    >>> X_new = sampler.fit_generate(X, y, teacher=teacher)
    >>> X_new.shape, sampler.n_candidates_
    ((400, 2), 800)
    """

    # n_samples=10 is easily meant as 10.0: an int below the data warns.
    _warn_small_count = True

    _parameter_constraints: dict = {
        "n_samples": N_SAMPLES_CONSTRAINT,
        "candidate_sampler": [HasMethods(["fit_generate", "set_params"]), None],
        "n_candidates": [Interval(Real, 1, None, closed="left")],
        "focus": [Interval(Real, 0, 1, closed="both")],
        "uncertainty": [StrOptions({"margin", "entropy"})],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_samples=1.0,
        candidate_sampler=None,
        n_candidates=2.0,
        focus=0.5,
        uncertainty="margin",
        batch_size=10_000,
        random_state=None,
    ):
        self.n_samples = n_samples
        self.candidate_sampler = candidate_sampler
        self.n_candidates = n_candidates
        self.focus = focus
        self.uncertainty = uncertainty
        self.batch_size = batch_size
        self.random_state = random_state

    def _fit_generate(self, X, y, teacher, rng):
        if teacher is None or not (
            hasattr(teacher, "predict_proba") or hasattr(teacher, "decision_function")
        ):
            raise ValueError(
                "BoundarySampler needs a fitted classifier teacher with predict_proba "
                "(or decision_function), passed as fit_generate(X, y, teacher=teacher); "
                f"got {type(teacher).__name__ if teacher is not None else None}."
            )
        n_out = self._resolve_n_samples(X.shape[0])
        self.n_candidates_ = math.ceil(self.n_candidates * n_out)
        candidates = self._candidates(X, y, teacher, rng)
        scores = map_chunks(
            lambda rows: teacher_uncertainty(
                teacher, self._with_feature_names(rows), self.uncertainty
            ),
            candidates,
            self.batch_size,
            1,
        )
        if scores is None:  # no candidates
            scores = np.empty(0)
        keep = _select(scores, n_out, self.focus, rng)
        self.uncertainty_ = scores[keep]
        return candidates[keep]

    def _candidates(self, X, y, teacher, rng):
        sampler = clone(self.candidate_sampler if self.candidate_sampler is not None else MUNGE())
        params = sampler.get_params(deep=False)
        if "n_samples" not in params:
            raise ValueError(
                f"The candidate sampler {type(sampler).__name__} has no n_samples "
                "parameter, so BoundarySampler cannot ask it for more candidates."
            )
        new_params = {"n_samples": self.n_candidates_}
        if params.get("random_state", "absent") is None:
            new_params["random_state"] = int(rng.integers(np.iinfo(np.int32).max))
        self.candidate_sampler_ = sampler.set_params(**new_params)
        # With X's feature names, so that a candidate sampler given features by
        # name (MUNGE's categorical_features) finds them.
        with warnings.catch_warnings():
            # n_candidates_ is a count on purpose, whatever the data's size.
            warnings.filterwarnings("ignore", message=".*an int is a number of rows")
            rows = self.candidate_sampler_.fit_generate(
                self._with_feature_names(X), y, teacher=teacher
            )
        return np.asarray(rows, dtype=X.dtype)


def _select(scores, n_out, focus, rng):
    """Indices of ``n_out`` candidates: the ``focus`` share most uncertain, the rest random."""
    n_out = min(n_out, scores.shape[0])
    n_top = int(round(focus * n_out))
    # Random keys break ties (e.g. many candidates with margin exactly 0) at
    # random rather than in candidate order, which would favour some data rows.
    order = np.lexsort((rng.random(scores.shape[0]), -scores))
    top, rest = order[:n_top], order[n_top:]
    random_part = rng.choice(rest, size=n_out - n_top, replace=False)
    return np.sort(np.concatenate([top, random_part]))


def teacher_uncertainty(teacher, X, kind="margin"):
    """How uncertain a fitted classifier is about each row (larger is more uncertain).

    Parameters
    ----------
    teacher : fitted classifier
        With ``predict_proba``, or with ``decision_function`` for ``"margin"``.
    X : array-like of shape (n_samples, n_features)
        Rows to score.
    kind : {"margin", "entropy"}, default="margin"
        ``"margin"``: ``1 - (p_first - p_second)`` of the two most probable
        classes, in [0, 1]. ``"entropy"``: ``-sum(p log p) / log(n_classes)``,
        in [0, 1]. Without ``predict_proba``, ``"margin"`` is minus the gap
        between the two largest decision values (minus the absolute decision
        value for a binary classifier): only its ranking is meaningful.

    Returns
    -------
    uncertainty : ndarray of shape (n_samples,)
        Uncertainty of each row.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmetamorph.samplers import teacher_uncertainty
    >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    >>> teacher = LogisticRegression().fit(X, [0, 0, 1, 1])
    >>> u = teacher_uncertainty(teacher, np.array([[0.0], [3.0]]))
    >>> bool(u[0] > u[1])
    True
    """
    if hasattr(teacher, "predict_proba"):
        proba = np.asarray(teacher.predict_proba(X), dtype=np.float64)
        if kind == "entropy":
            if proba.shape[1] < 2:
                return np.zeros(proba.shape[0])
            with np.errstate(divide="ignore", invalid="ignore"):
                terms = np.where(proba > 0, proba * np.log(proba), 0.0)
            return -terms.sum(axis=1) / np.log(proba.shape[1])
        return 1.0 - _top_two_gap(proba)
    if kind == "entropy":
        raise ValueError(
            f"uncertainty='entropy' needs a teacher with predict_proba; "
            f"{type(teacher).__name__} has none. Use uncertainty='margin'."
        )
    decision = np.asarray(teacher.decision_function(X), dtype=np.float64)
    if decision.ndim == 1:
        return -np.abs(decision)
    return -_top_two_gap(decision)


def _top_two_gap(scores):
    if scores.shape[1] < 2:
        return np.ones(scores.shape[0])
    top_two = np.partition(scores, -2, axis=1)[:, -2:]
    return top_two[:, 1] - top_two[:, 0]
