"""Adaptive sampling: spend a budget of teacher calls, in rounds, where a label pays most."""

import math
import warnings
from functools import partial
from inspect import signature
from numbers import Integral, Real

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor
from sklearn.metrics import accuracy_score, r2_score
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import Pipeline

from .._engine import map_chunks
from ..base import BaseTransferSampler, LabeledArrayPlan, check_transfer_rows
from ..utils._sklearn_compat import HasMethods, Interval, StrOptions
from ..utils._tags import get_metamorph_tags
from ._munge import MUNGE

__all__ = ["AdaptiveSampler"]

#: Strategies of each task; "auto" picks the first.
_STRATEGIES = {
    "classification": ("uncertainty", "disagreement", "teacher"),
    "regression": ("eigf", "spread"),
}

#: Attributes that input validation sets before the sampler's work.
_INPUT_ATTRIBUTES = ("n_features_in_", "feature_names_in_")


class AdaptiveSampler(BaseTransferSampler):
    """Spend a budget of teacher calls in rounds, on the rows where a label pays most.

    Fixed samplers choose every row before the teacher says anything. This
    one asks the teacher in rounds, as active-learning-based rule extraction
    does (De Fortuny & Martens 2015; TREPAN's queries, Craven & Shavlik 1996):

    1. a first round of ``initial`` rows (plus a held-out slice of
       ``validation_fraction * budget`` rows) drawn from ``base_sampler`` is
       labeled by the teacher;
    2. each round, a ``student`` is fitted on the rows labeled so far and
       scored on the held-out slice (its *fidelity*); ``base_sampler``
       proposes candidates, each is scored by ``strategy``, and the
       ``round_size`` best (a share ``exploration`` of them at random) are
       labeled by the teacher;
    3. until ``budget`` rows are labeled, or (with ``n_iter_no_change``) the
       held-out fidelity stopped improving.

    The rows returned are all the rows the teacher labeled, held-out slice
    included. The teacher's answers travel with them (the plan's
    :meth:`~skmetamorph.base.LabeledPlan.outputs`), so that inside
    :class:`~skmetamorph.MetamorphosisClassifier` and
    :class:`~skmetamorph.MetamorphosisRegressor` the teacher is not asked
    twice: **the teacher labels at most** ``budget`` **rows in the whole
    fit** (besides the labeled rows that join the student with soft labels,
    ``include_labeled=True`` and ``labels="soft"``), also as a part of a
    :class:`UnionSampler`, which hands its parts' answers on (the teacher
    then labels only the other parts' rows). That is what a slow
    teacher (a simulation wrapped in :class:`~skmetamorph.FunctionTeacher`,
    a large model) needs.

    Accounting: a teacher call is a row the teacher labels. Candidates are
    scored without the teacher (by the student, or from the teacher's
    answers on labeled rows nearby), so scoring costs nothing from the
    budget. A classifier teacher is asked for ``predict`` and, when it has
    it, ``predict_proba`` on each labeled row (one row, both outputs), so
    that hard and soft labels alike are reused. A teacher whose soft labels
    come from logits (the tag ``teacher.logits``) is asked again for them by
    ``labels="soft"``.

    Candidates: a ``base_sampler`` with an ``n_samples`` parameter is asked
    for fresh candidates each round (reseeded from ``random_state``); one
    without (:class:`PoolSampler`, a :class:`UnionSampler`) makes its rows
    once, and the rounds pick among those not labeled yet (pool-based active
    learning).

    Parameters
    ----------
    base_sampler : BaseTransferSampler, default=None
        Proposes the candidates: MUNGE, KDE, Sobol, the pool... ``None``
        means :class:`MUNGE` with its defaults. With a quasi-random sampler
        that has ``bounds`` no data is needed (``fit_generate(None)``).
    budget : int, default=1000
        Most rows the teacher labels (held-out slice included).
    initial : int, default=None
        Rows of the first round, drawn from ``base_sampler`` at random.
        ``None``: ``round_size``.
    round_size : int, default=None
        Rows labeled per later round. ``None``: a tenth of ``budget``
        (rounded up).
    candidates_per_round : int or float, default=10.0
        Candidates scored per round: a count if an int, a multiple of the
        round's size if a float. More candidates focus the rounds harder.
    student : estimator, default=None
        Refitted on the labeled rows each round; it scores the candidates and
        the held-out fidelity. ``None``: an
        :class:`~sklearn.ensemble.ExtraTreesClassifier` (classification) or
        :class:`~sklearn.ensemble.ExtraTreesRegressor` (regression) of 50
        trees: fast to refit, with probabilities (and a spread between its
        trees) that vary smoothly between labeled rows, with no spread on
        them. For a smooth simulation a Gaussian process (alone or at the
        end of a :class:`~sklearn.pipeline.Pipeline`) scores better: its
        ``predict(X, return_std=True)`` is used. An unseeded student is
        seeded from ``random_state``.
    strategy : {"auto", "uncertainty", "disagreement", "teacher", "eigf", "spread"}, \
            default="auto"
        How a candidate is scored (higher: label it first).

        - ``"uncertainty"`` (classification): one minus the margin between
          the student's two most probable classes;
        - ``"disagreement"`` (classification): the share of the
          ``n_neighbors`` nearest labeled rows whose teacher label differs
          from the student's prediction at the candidate;
        - ``"teacher"`` (classification): where the teacher hesitates: one
          minus the margin of the teacher's probabilities on the nearest
          labeled rows (inverse-distance weighted). The teacher is *not*
          asked on the candidates, which would spend the budget on rows that
          are not kept; it needs a teacher with ``predict_proba``;
        - ``"eigf"`` (regression): the expected improvement for global fit
          (Lam & Notz 2008): the squared gap between the student's
          prediction at the candidate and the teacher's output at the nearest
          labeled row, plus the squared spread (below) when the student has
          one. Rows go where the function changes fast, not only where the
          student is unsure (a Gaussian process's spread does not depend on
          the values it learned);
        - ``"spread"`` (regression): the student's predictive spread (a
          Gaussian process's standard deviation, or the standard deviation of
          an ensemble's members);
        - ``"auto"``: ``"uncertainty"`` for a classifier teacher (one with
          ``classes_``), ``"eigf"`` otherwise.

        Regression scores are in units of each output's spread over the
        labeled rows, averaged over outputs.

        A classification round takes the best-scored candidates. A
        regression round picks them one by one, each score multiplied by
        ``1 - exp(-(d / l) ** 2)``, where ``d`` is the distance (on
        standardised features) to the rows already chosen in the round and
        ``l`` the median distance from a candidate to the nearest labeled
        row: the round spreads over the high scores instead of piling onto
        one spot of a smooth score field. (In a pilot on the tabular
        benchmark, the same term lowered the fidelity of tree students: a
        decision boundary wants dense labels.)
    exploration : float in [0, 1], default=0.2
        Share of each round drawn at random among the candidates, so that
        regions the scores call easy are not left empty (too strong a focus
        starves them; see :class:`BoundarySampler`).
    n_neighbors : int, default=5
        Labeled rows consulted by ``"disagreement"`` and ``"teacher"``.
    validation_fraction : float in [0, 1), default=0.1
        Share of ``budget`` held out (from the first round) to measure the
        student's fidelity each round; at least two rows when above 0. The
        rows are labeled (and returned) but the round's student never learns
        from them. ``0`` holds out nothing (fidelity is then NaN and
        ``n_iter_no_change`` must be None).
    n_iter_no_change : int, default=None
        Stop when the held-out fidelity has not improved by ``tol`` for this
        many rounds. ``None``: spend the whole budget.
    tol : float, default=1e-3
        Smallest improvement of fidelity that counts.
    batch_size : int, default=10000
        Rows per chunk when the teacher labels and the student scores.
    n_jobs : int, default=None
        Chunks labeled and scored in parallel through joblib (the rows and
        scores do not depend on it).
    random_state : int, RandomState instance or None, default=None
        Seeds the candidates of every round, the random share of each round
        and the unseeded student: the same seed gives the same rows.

    Attributes
    ----------
    rounds_ : dict of ndarray
        One entry per round: ``"n_teacher_rows"`` (rows labeled so far),
        ``"n_student_rows"`` (rows the round's student learned from),
        ``"fidelity"`` (its held-out fidelity: accuracy against the teacher's
        labels, or R² against its predictions; NaN without a held-out slice).
    n_rounds_ : int
        Number of rounds.
    n_teacher_rows_ : int
        Rows the teacher labeled: the rows returned.
    stopped_early_ : bool
        Whether ``n_iter_no_change`` ended the rounds before the budget.
    student_ : estimator
        The student of the last round.
    strategy_ : str
        The strategy used (``"auto"`` resolved).
    n_features_in_ : int
        Number of features seen during :meth:`fit_generate`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_generate`, when ``X`` has
        string column names.

    See Also
    --------
    BoundarySampler : One shot at the teacher's boundary; the teacher scores
        every candidate.
    skmetamorph.FunctionTeacher : A simulation as a teacher.

    References
    ----------
    .. [1] E. J. de Fortuny and D. Martens, "Active learning-based pedagogical
       rule extraction", IEEE Transactions on Neural Networks and Learning
       Systems 26(11), pp. 2664-2677, 2015.
    .. [2] M. W. Craven and J. W. Shavlik, "Extracting tree-structured
       representations of trained networks", NIPS 8, 1996.
    .. [3] C. Q. Lam and W. I. Notz, "Sequential adaptive designs in computer
       experiments for response surface model fit", Statistics and
       Applications 6, pp. 207-233, 2008.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from skmetamorph.samplers import AdaptiveSampler
    >>> X, y = make_moons(200, noise=0.2, random_state=0)
    >>> teacher = RandomForestClassifier(random_state=0).fit(X, y)
    >>> sampler = AdaptiveSampler(budget=300, round_size=50, random_state=0)
    >>> X_new = sampler.fit_generate(X, y, teacher=teacher)
    >>> X_new.shape, sampler.n_rounds_
    ((300, 2), 6)
    >>> sampler.rounds_["n_teacher_rows"].tolist()
    [80, 130, 180, 230, 280, 300]
    """

    _parameter_constraints: dict = {
        "base_sampler": [HasMethods(["fit_generate"]), None],
        "budget": [Interval(Integral, 1, None, closed="left")],
        "initial": [Interval(Integral, 1, None, closed="left"), None],
        "round_size": [Interval(Integral, 1, None, closed="left"), None],
        "candidates_per_round": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 1, None, closed="left"),
        ],
        "student": [HasMethods(["fit", "predict"]), None],
        "strategy": [
            StrOptions({"auto", "uncertainty", "disagreement", "teacher", "eigf", "spread"})
        ],
        "exploration": [Interval(Real, 0, 1, closed="both")],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        base_sampler=None,
        *,
        budget=1000,
        initial=None,
        round_size=None,
        candidates_per_round=10.0,
        student=None,
        strategy="auto",
        exploration=0.2,
        n_neighbors=5,
        validation_fraction=0.1,
        n_iter_no_change=None,
        tol=1e-3,
        batch_size=10_000,
        n_jobs=None,
        random_state=None,
    ):
        self.base_sampler = base_sampler
        self.budget = budget
        self.initial = initial
        self.round_size = round_size
        self.candidates_per_round = candidates_per_round
        self.student = student
        self.strategy = strategy
        self.exploration = exploration
        self.n_neighbors = n_neighbors
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ------------------------------------------------------------ the verbs
    def fit_plan(self, X, y=None, *, teacher=None):
        """Label rows in rounds with the teacher and return them as a plan.

        The plan carries the teacher's answers on its rows
        (:meth:`~skmetamorph.base.LabeledPlan.outputs`). A failed call
        leaves the sampler as it was.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or None
            Training rows, for ``base_sampler``; None only when it defines
            the domain itself (a quasi-random sampler with ``bounds``).
        y : array-like of shape (n_samples,), default=None
            Labels, ``-1`` marking unlabeled rows (for ``base_sampler``).
        teacher : estimator
            The fitted teacher; required.

        Returns
        -------
        plan : TransferPlan
            The labeled rows, with the teacher's outputs on them.
        """
        previous = {key: self.__dict__[key] for key in _INPUT_ATTRIBUTES if key in self.__dict__}
        try:
            return super().fit_plan(X, y, teacher=teacher)
        except BaseException:
            # validate_data set the input attributes before the rounds failed.
            for key in _INPUT_ATTRIBUTES:
                self.__dict__.pop(key, None)
            self.__dict__.update(previous)
            raise

    @property
    def _generates_without_X(self):
        base = self.base_sampler
        return base is not None and get_metamorph_tags(base).sampler.needs_no_X

    def _validate_input(self, X, y, reset=True):
        if X is not None:
            return super()._validate_input(X, y, reset=reset)
        if not self._generates_without_X:
            raise ValueError(
                "AdaptiveSampler got X=None: its base_sampler must then define the input "
                "domain itself (a quasi-random sampler with bounds, e.g. "
                "SobolSampler(bounds=...))."
            )
        return None, None

    def _fit_generate(self, X, y, teacher, rng):
        return self._make_plan(X, y, teacher, rng).all_rows()

    def _make_plan(self, X, y, teacher, rng):
        task = self._check_teacher(teacher)
        sizes = self._sizes()  # a budget too small fails before any teacher call
        result = _Rounds(self, X, y, teacher, task, rng).run(*sizes)
        n_features = None if X is None else X.shape[1]
        rows = check_transfer_rows(
            result["rows"], np.float64 if X is None else X.dtype, n_features, "AdaptiveSampler"
        )
        plan = LabeledArrayPlan(rows, result["outputs"])
        # Everything succeeded: only now do the fitted attributes change.
        if X is None:
            self.n_features_in_ = rows.shape[1]
            self.__dict__.pop("feature_names_in_", None)
        self.rounds_ = {key: np.asarray(value) for key, value in result["rounds"].items()}
        self.n_rounds_ = len(result["rounds"]["n_teacher_rows"])
        self.n_teacher_rows_ = rows.shape[0]
        self.stopped_early_ = result["stopped_early"]
        self.student_ = result["student"]
        self.strategy_ = result["strategy"]
        return plan

    # ---------------------------------------------------------------- checks
    def _check_teacher(self, teacher):
        """The task the teacher does ("classification" or "regression"), or a clear error."""
        if teacher is None or not callable(getattr(teacher, "predict", None)):
            raise ValueError(
                "AdaptiveSampler labels its rows with the teacher: pass a fitted teacher, "
                "fit_generate(X, y, teacher=teacher), or use it inside "
                "MetamorphosisClassifier / MetamorphosisRegressor; got "
                f"{type(teacher).__name__ if teacher is not None else None}."
            )
        return "classification" if hasattr(teacher, "classes_") else "regression"

    def _resolve_strategy(self, task, teacher):
        strategy = _STRATEGIES[task][0] if self.strategy == "auto" else self.strategy
        if strategy not in _STRATEGIES[task]:
            raise ValueError(
                f"strategy={strategy!r} is for {_other(task)}; the teacher "
                f"{type(teacher).__name__} does {task} (it "
                f"{'has' if task == 'classification' else 'has no'} classes_). Use one of "
                f"{list(_STRATEGIES[task])} or 'auto'."
            )
        if strategy == "teacher" and not hasattr(teacher, "predict_proba"):
            raise ValueError(
                "strategy='teacher' reads the teacher's probabilities on labeled rows, and "
                f"{type(teacher).__name__} has no predict_proba. Use strategy='uncertainty' "
                "or 'disagreement'."
            )
        return strategy

    def _sizes(self):
        """``(n_validation, n_initial, round_size)`` from the parameters, or a clear error."""
        round_size = self.round_size or math.ceil(self.budget / 10)
        initial = self.initial or round_size
        n_validation = 0
        if self.validation_fraction > 0:
            n_validation = max(2, math.ceil(self.validation_fraction * self.budget))
        elif self.n_iter_no_change is not None:
            raise ValueError(
                "n_iter_no_change stops on the held-out fidelity, and validation_fraction=0 "
                "holds out no rows: set validation_fraction > 0 or n_iter_no_change=None."
            )
        if n_validation + initial > self.budget:
            raise ValueError(
                f"budget={self.budget} is smaller than the first round: initial={initial} "
                f"rows plus {n_validation} held-out rows (validation_fraction="
                f"{self.validation_fraction}). Raise budget, or lower initial / round_size "
                "/ validation_fraction."
            )
        return n_validation, initial, round_size

    def _n_candidates(self, round_size):
        if isinstance(self.candidates_per_round, Integral):
            return int(self.candidates_per_round)
        return math.ceil(self.candidates_per_round * round_size)

    def _default_student(self, task):
        if self.student is not None:
            return clone(self.student)
        if task == "classification":
            return ExtraTreesClassifier(n_estimators=50)
        return ExtraTreesRegressor(n_estimators=50)


def _other(task):
    return "regression" if task == "classification" else "classification"


# --------------------------------------------------------------------- rounds
class _Rounds:
    """One run of the rounds; holds what they build until the sampler commits it."""

    def __init__(self, sampler, X, y, teacher, task, rng):
        self.sampler, self.X, self.y, self.teacher, self.task, self.rng = (
            sampler,
            X,
            y,
            teacher,
            task,
            rng,
        )
        self.strategy = sampler._resolve_strategy(task, teacher)
        self.methods = ["predict"]
        if task == "classification" and hasattr(teacher, "predict_proba"):
            self.methods.append("predict_proba")
        self.student = sampler._default_student(task)
        params = self.student.get_params(deep=True)
        seeds = {
            key: int(rng.integers(np.iinfo(np.int32).max))
            for key in sorted(params)
            if params[key] is None and (key == "random_state" or key.endswith("__random_state"))
        }
        self.student.set_params(**seeds)
        self.candidates = _Candidates(sampler, X, y, teacher, rng)

    def run(self, n_validation, initial, round_size):
        """Label the rounds; returns the rows, the teacher's outputs and the record."""
        sampler = self.sampler
        n_drawn = n_validation + initial
        first = self.candidates.draw(n_drawn)
        if first.shape[0] < n_drawn:
            raise ValueError(
                f"The base sampler {type(self.candidates.base).__name__} made "
                f"{first.shape[0]} candidate rows, fewer than the first round's "
                f"{n_drawn} (initial plus held-out rows). Lower initial or "
                "validation_fraction, or give it more rows."
            )
        self.candidates.take(np.arange(first.shape[0]))
        # The held-out slice: the first n_validation rows of the first round,
        # drawn at random from the base sampler like the rest of it (its
        # distribution is the domain the fidelity is about).
        rows, outputs = [first], [self._ask_teacher(first)]
        n_labeled = first.shape[0]
        self.scale = _scale(first)
        rounds = {"n_teacher_rows": [], "n_student_rows": [], "fidelity": []}
        best, stale, stopped_early = -np.inf, 0, False
        while True:
            X_all = np.concatenate(rows)
            out_all = {m: np.concatenate([o[m] for o in outputs]) for m in self.methods}
            student = self._fit_student(X_all[n_validation:], out_all["predict"][n_validation:])
            fidelity = self._fidelity(
                student, X_all[:n_validation], out_all["predict"][:n_validation]
            )
            rounds["n_teacher_rows"].append(n_labeled)
            rounds["n_student_rows"].append(n_labeled - n_validation)
            rounds["fidelity"].append(fidelity)
            if fidelity > best + sampler.tol:
                best, stale = fidelity, 0
            else:
                stale += 1
            if sampler.n_iter_no_change is not None and stale >= sampler.n_iter_no_change:
                stopped_early = n_labeled < sampler.budget
                break
            n_round = min(round_size, sampler.budget - n_labeled)
            if n_round <= 0:
                break
            candidates = self.candidates.draw(sampler._n_candidates(n_round))
            if candidates.shape[0] == 0:  # a finite pool, all labeled
                break
            chosen = self._choose(
                student, candidates, X_all, X_all[n_validation:], out_all, n_validation, n_round
            )
            self.candidates.take(chosen)
            new = candidates[chosen]
            rows.append(new)
            outputs.append(self._ask_teacher(new))
            n_labeled += new.shape[0]
        return {
            "rows": X_all,
            "outputs": out_all,
            "rounds": rounds,
            "stopped_early": stopped_early,
            "student": student,
            "strategy": self.strategy,
        }

    # --------------------------------------------------------------- teacher
    def _ask_teacher(self, rows):
        """The teacher's raw outputs on ``rows``, one array per method (the budget's only use)."""
        sampler = self.sampler
        outputs = {}
        for method in self.methods:
            func = partial(_call_teacher, self.teacher, method, sampler._with_feature_names)
            values = map_chunks(func, rows, sampler.batch_size, sampler.n_jobs)
            values = np.empty(0) if values is None else values
            if values.ndim == 0 or values.shape[0] != rows.shape[0]:
                raise ValueError(
                    f"The teacher {type(self.teacher).__name__}.{method} returned an array of "
                    f"shape {values.shape} for {rows.shape[0]} rows; it must return one entry "
                    "per row."
                )
            if values.dtype.kind == "f" and not np.isfinite(values).all():
                n_bad = int((~np.isfinite(values.reshape(values.shape[0], -1))).any(axis=1).sum())
                raise ValueError(
                    f"The teacher {type(self.teacher).__name__}.{method} returned NaN or "
                    f"infinite values for {n_bad} of {rows.shape[0]} rows."
                )
            outputs[method] = values
        return outputs

    # --------------------------------------------------------------- student
    def _fit_student(self, X, targets):
        student = clone(self.student)
        with warnings.catch_warnings():
            # A Gaussian process may stop at a length-scale bound on a few rows.
            warnings.filterwarnings("ignore", message=".*(bound|converge).*")
            student.fit(X, targets)
        return student

    def _fidelity(self, student, X_val, targets):
        if X_val.shape[0] == 0:
            return float("nan")
        predicted = student.predict(X_val)
        if self.task == "classification":
            return float(accuracy_score(targets, predicted))
        return float(r2_score(targets, predicted))

    # ------------------------------------------------------------- selection
    def _choose(self, student, candidates, X_labeled, X_train, outputs, n_validation, n_round):
        """Indices of the ``n_round`` candidates to label: a random share, then the best."""
        n_round = min(n_round, candidates.shape[0])
        scores = self._scores(student, candidates, X_train, outputs, n_validation)
        n_random = int(round(self.sampler.exploration * n_round))
        chosen = self.rng.choice(candidates.shape[0], n_random, replace=False).tolist()
        free = np.ones(candidates.shape[0], dtype=bool)
        free[chosen] = False
        if self.task == "classification":
            # The most uncertain free candidates; random keys break the many
            # ties (a forest's probabilities come in steps).
            order = np.lexsort((self.rng.random(candidates.shape[0]), -scores))
            best = [index for index in order if free[index]][: n_round - n_random]
            return np.asarray(chosen + best, dtype=np.intp)
        # Regression: a smooth score field peaks in a few spots, so each pick
        # damps the scores around it (within the round), at the length of the
        # typical gap between a candidate and the labeled rows.
        Z = candidates / self.scale
        gaps = _nearest_distance(Z, X_labeled / self.scale)
        length = float(np.median(gaps[gaps > 0])) if np.any(gaps > 0) else 1.0
        distance = np.full(candidates.shape[0], np.inf)
        for index in chosen:
            distance = np.minimum(distance, np.linalg.norm(Z - Z[index], axis=1))
        # A tiny floor keeps the distance term deciding where the scores tie.
        scores = np.maximum(scores, 0.0) + 1e-12
        for _ in range(n_round - n_random):
            value = scores * -np.expm1(-((distance / length) ** 2))
            value[~free] = -np.inf
            index = int(np.argmax(value))
            chosen.append(index)
            free[index] = False
            distance = np.minimum(distance, np.linalg.norm(Z - Z[index], axis=1))
        return np.asarray(chosen, dtype=np.intp)

    def _scores(self, student, candidates, X_train, outputs, n_validation):
        """The strategy's score of each candidate (higher: label it first)."""
        sampler = self.sampler
        if self.task == "regression":
            # Both regression scores in units of each output's spread, so that
            # every output counts alike.
            targets = outputs["predict"][n_validation:]
            targets = targets.reshape(targets.shape[0], -1)
            unit = np.std(targets, axis=0)
            unit[~(unit > 0)] = 1.0
            spread = None
            if self.strategy == "spread" or _spread_source(student) is not None:
                spread = map_chunks(
                    partial(_spread, student), candidates, sampler.batch_size, sampler.n_jobs
                )
                spread = spread.reshape(spread.shape[0], -1) / unit
            if self.strategy == "spread":
                return np.mean(spread, axis=1)
            predicted = map_chunks(
                partial(_predict, student, "predict"),
                candidates,
                sampler.batch_size,
                sampler.n_jobs,
            )
            _, nearest = _nearest(candidates / self.scale, X_train / self.scale, 1)
            change = (predicted.reshape(predicted.shape[0], -1) - targets[nearest[:, 0]]) / unit
            score = np.mean(change**2, axis=1)
            return score if spread is None else score + np.mean(spread**2, axis=1)
        if self.strategy == "uncertainty":
            if not hasattr(student, "predict_proba"):
                raise ValueError(
                    f"strategy='uncertainty' needs a student with predict_proba; "
                    f"{type(student).__name__} has none. Use strategy='disagreement'."
                )
            proba = map_chunks(
                partial(_predict, student, "predict_proba"),
                candidates,
                sampler.batch_size,
                sampler.n_jobs,
            )
            return 1.0 - _margin(proba)
        # Both neighbour strategies read the teacher's answers on the nearest
        # labeled (training) rows: no teacher call on the candidates.
        k = min(sampler.n_neighbors, X_train.shape[0])
        distance, neighbors = _nearest(candidates / self.scale, X_train / self.scale, k)
        if self.strategy == "disagreement":
            predicted = map_chunks(
                partial(_predict, student, "predict"),
                candidates,
                sampler.batch_size,
                sampler.n_jobs,
            )
            labels = outputs["predict"][n_validation:][neighbors]
            return np.mean(labels != predicted[:, None], axis=1)
        proba = outputs["predict_proba"][n_validation:][neighbors]  # (n, k, n_classes)
        weights = 1.0 / np.maximum(distance, 1e-12)
        weights /= weights.sum(axis=1, keepdims=True)
        return 1.0 - _margin(np.einsum("nk,nkc->nc", weights, proba))


class _Candidates:
    """Candidates from the base sampler: fresh ones each round, or a finite pool."""

    def __init__(self, sampler, X, y, teacher, rng):
        base = clone(sampler.base_sampler if sampler.base_sampler is not None else MUNGE())
        self.base, self.rng = base, rng
        self.args = (sampler._with_feature_names(X), y, teacher)
        self.dtype = np.float64 if X is None else X.dtype
        self.fresh = "n_samples" in base.get_params(deep=False)
        if not self.fresh:
            self.pool = self._generate()
            self.remaining = np.arange(self.pool.shape[0])

    def _generate(self, **params):
        base = clone(self.base)
        if "random_state" in base.get_params(deep=False):
            # A new seed each round: the same seed would propose the same rows.
            params["random_state"] = int(self.rng.integers(np.iinfo(np.int32).max))
        base.set_params(**params)
        with warnings.catch_warnings():
            # The count is a count on purpose, whatever the data's size.
            warnings.filterwarnings("ignore", message=".*an int is a number of rows")
            rows = base.fit_generate(*self.args[:2], teacher=self.args[2])
        return np.asarray(rows, dtype=self.dtype)

    def draw(self, n):
        """``n`` candidates (fewer when a finite pool runs out)."""
        if self.fresh:
            self.last = np.arange(n)
            return self._generate(n_samples=int(n))
        n = min(n, self.remaining.shape[0])
        self.last = self.rng.choice(self.remaining, n, replace=False) if n else self.remaining[:0]
        return self.pool[self.last]

    def take(self, chosen):
        """The candidates ``chosen`` (indices into the last draw) are labeled now."""
        if not self.fresh:
            self.remaining = np.setdiff1d(self.remaining, self.last[chosen])


# ------------------------------------------------------- picklable chunk work
def _call_teacher(teacher, method, as_input, rows):
    return np.asarray(getattr(teacher, method)(as_input(rows)))


def _predict(student, method, rows):
    return np.asarray(getattr(student, method)(rows))


def _spread_source(student):
    """Where a student's predictive spread comes from: "std", "members" or None."""
    final = student[-1] if isinstance(student, Pipeline) else student
    if "return_std" in signature(final.predict).parameters:
        return "std"
    return "members" if getattr(final, "estimators_", None) is not None else None


def _spread(student, rows):
    """The student's predictive spread on ``rows``: a GP's std, or its members' std."""
    final = student[-1] if isinstance(student, Pipeline) else student
    source = _spread_source(student)
    if source == "std":
        with warnings.catch_warnings():
            # Rounding at the labeled rows themselves; the GP sets those to 0.
            warnings.filterwarnings("ignore", message="Predicted variances smaller than 0")
            return np.asarray(student.predict(rows, return_std=True)[1])
    members = getattr(final, "estimators_", None)
    if source is None:
        raise ValueError(
            f"strategy='spread' needs a student that gives a predictive spread: a model "
            f"whose predict takes return_std (GaussianProcessRegressor, BayesianRidge) or "
            f"an ensemble with estimators_ (a random forest, bagging); got "
            f"{type(final).__name__}."
        )
    inputs = student[:-1].transform(rows) if isinstance(student, Pipeline) else rows
    features = getattr(final, "estimators_features_", None)
    predictions = [
        member.predict(inputs if features is None else inputs[:, features[i]])
        for i, member in enumerate(np.ravel(members))
    ]
    return np.std(np.stack(predictions), axis=0)


def _margin(proba):
    """Gap between the two largest probabilities of each row (1 for a single class)."""
    proba = np.asarray(proba, dtype=np.float64)
    if proba.shape[1] < 2:
        return np.ones(proba.shape[0])
    top = np.partition(proba, -2, axis=1)[:, -2:]
    return top[:, 1] - top[:, 0]


def _nearest(Z, Z_labeled, k):
    """Distances and indices of the ``k`` nearest rows of ``Z_labeled`` to each row of ``Z``."""
    return NearestNeighbors(n_neighbors=k).fit(Z_labeled).kneighbors(Z)


def _nearest_distance(Z, Z_labeled, block=2048):
    """Distance from each row of ``Z`` to its nearest row of ``Z_labeled``, block by block."""
    norms = np.einsum("ij,ij->i", Z_labeled, Z_labeled)
    out = np.empty(Z.shape[0])
    for start in range(0, Z.shape[0], block):
        part = Z[start : start + block]
        squared = norms[None, :] - 2.0 * part @ Z_labeled.T
        out[start : start + block] = squared.min(axis=1) + np.einsum("ij,ij->i", part, part)
    return np.sqrt(np.maximum(out, 0.0))


def _scale(rows):
    """Per-feature scale of ``rows`` for distances (1 where a feature is constant)."""
    scale = np.std(rows, axis=0)
    scale[~(scale > 0)] = 1.0
    return scale
