"""Automatic choice of the transfer sampler: score candidates by held-out fidelity."""

import math
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.model_selection import KFold
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from ..base import BaseTransferSampler
from ..utils._sklearn_compat import HasMethods, Interval, StrOptions
from ._density import GMMSampler, KDESampler
from ._forest import ForestLeafSampler
from ._hotdeck import SPUNGE
from ._munge import MUNGE
from ._pool import PoolSampler

__all__ = ["AutoSampler", "resolve_auto"]

#: Bootstrap resamples of the held-out rows for each candidate's interval.
_N_BOOTSTRAP = 200


def _default_candidates():
    # Chosen from bench_generators.py and the seven-set study of issue 23: each
    # of these was the best sampler somewhere, none everywhere.
    return [
        ("munge", MUNGE()),
        ("kde", KDESampler()),
        ("gmm_bic", GMMSampler(n_components="bic", covariance_type="bic")),
        ("forest_leaf", ForestLeafSampler()),
        ("spunge", SPUNGE()),
        ("pool", PoolSampler()),
    ]


class AutoSampler(BaseTransferSampler):
    """Choose the transfer sampler for the data at hand, by held-out fidelity.

    No one sampler makes the best transfer set everywhere. This one tries
    ``candidates`` and keeps the one whose transfer set teaches ``student``
    best:

    1. the training rows are split into ``cv`` folds; the teacher labels
       them once (they are the held-out rows);
    2. for each fold and candidate, the candidate is fitted on the other
       folds and makes ``scoring_rows`` rows; the teacher labels all of them
       in one call; a clone of ``student`` is fitted on each candidate's
       rows and scored on the fold's rows: agreement with the teacher
       (classification) or R² to the teacher (regression). A held-out row is
       never seen by the candidate that made the scoring student's rows, nor
       by that student;
    3. with ``selection="one_se"``, the first candidate whose score over all
       held-out rows is within one standard error of the best score (the
       error of the paired per-row difference) is chosen; with ``"best"``,
       the best. The chosen one is refitted on all rows and makes the
       ``n_samples`` rows returned.

    The teacher is never refitted. The scoring rows are labeled once and then
    thrown away; the returned rows are labeled by the meta-estimator as for
    any sampler.

    Parameters
    ----------
    candidates : list of samplers or of (name, sampler) pairs, default=None
        The transfer samplers to choose from. ``None``: MUNGE, KDE, GMM with
        components and covariance chosen by BIC, forest-leaf, SPUNGE and the
        pool itself (:class:`PoolSampler`).
    student : estimator, default=None
        Fitted on each candidate's scoring rows. Pass the meta-estimator's
        student (:func:`resolve_auto` does). ``None``: a
        :class:`~sklearn.tree.DecisionTreeClassifier` (classification teacher)
        or :class:`~sklearn.tree.DecisionTreeRegressor` with 8 leaves.
    n_samples : int or float, default=1.0
        Rows returned: a count if an int, a multiple of ``len(X)`` if a
        float. Candidates without ``n_samples`` (the pool) return their own
        rows.
    scoring_rows : int, float or None, default=None
        Rows each candidate makes per fold to be scored: a count, or a
        multiple of the returned ``n_samples`` if a float. ``None``:
        ``n_samples / (n_candidates * cv)``, so that all the scoring costs as
        many teacher rows as the final transfer set, but at least the rows of
        the other folds (what the pool candidate gives), so that no candidate
        is scored on fewer rows than the pool.
    cv : int, default=2
        Folds of the training rows. At least 2.
    selection : {"one_se", "best"}, default="one_se"
        ``"one_se"``: the earliest candidate in ``candidates`` whose score is
        within one standard error of the best score. On small data the
        highest held-out score is often high by luck; the order of the
        candidates is then a preference (the default list starts with MUNGE).
        ``"best"``: the highest score, ties to the earlier candidate.
    budget : int, default=None
        Most teacher rows spent in all: held-out rows, scoring rows and the
        rows returned (labeled afterwards by the meta-estimator). The scoring
        rows shrink to fit; an error when even one row per candidate and fold
        does not. A candidate that asks the teacher for training rows
        (forest-leaf) gets the held-out labels back without a new call; a
        candidate that asks for other rows spends beyond that share (counted
        in ``n_teacher_rows_``, not foreseen). ``None``: no limit.
    random_state : int, RandomState instance or None, default=None
        Seeds the folds, the candidates and an unseeded student.

    Attributes
    ----------
    chosen_ : str
        Name of the chosen candidate.
    best_ : str
        Name of the candidate with the highest score (``chosen_`` unless
        ``selection="one_se"`` preferred an earlier one within one error).
    sampler_ : sampler
        The chosen candidate, fitted on all rows.
    scores_ : dict of {str: dict}
        Per candidate: ``"score"`` (held-out fidelity), ``"low"`` and
        ``"high"`` (95% bootstrap interval over the held-out rows), and
        ``"se_vs_best"`` (standard error of its paired difference to the best
        candidate, 0 for the best).
    n_teacher_rows_ : int
        Teacher rows spent inside the sampler: held-out rows, scoring rows
        and any the candidates asked for themselves (counted, not estimated).
    n_teacher_rows_total_ : int
        ``n_teacher_rows_`` plus the rows returned, which the meta-estimator
        labels: the fit's whole teacher-row spending.
    n_features_in_ : int
        Number of features seen during :meth:`fit_generate`.

    See Also
    --------
    AdaptiveSampler : Spends a budget of teacher rows in rounds.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from skmetamorph.samplers import AutoSampler
    >>> X, y = make_moons(200, noise=0.2, random_state=0)
    >>> teacher = RandomForestClassifier(random_state=0).fit(X, y)
    >>> sampler = AutoSampler(n_samples=5.0, random_state=0)
    >>> sampler.fit_generate(X, y, teacher=teacher).shape
    (1000, 2)
    >>> sampler.chosen_ in sampler.scores_
    True
    """

    _parameter_constraints: dict = {
        "candidates": [list, None],
        "student": [HasMethods(["fit", "predict"]), None],
        "n_samples": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, None, closed="neither"),
        ],
        "scoring_rows": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, None, closed="neither"),
            None,
        ],
        "cv": [Interval(Integral, 2, None, closed="left")],
        "selection": [StrOptions({"one_se", "best"})],
        "budget": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        candidates=None,
        *,
        student=None,
        n_samples=1.0,
        scoring_rows=None,
        cv=2,
        selection="one_se",
        budget=None,
        random_state=None,
    ):
        self.candidates = candidates
        self.student = student
        self.n_samples = n_samples
        self.scoring_rows = scoring_rows
        self.cv = cv
        self.selection = selection
        self.budget = budget
        self.random_state = random_state

    # ----------------------------------------------------------------- work
    def _fit_generate(self, X, y, teacher, rng):
        if teacher is None or not callable(getattr(teacher, "predict", None)):
            raise ValueError(
                "AutoSampler scores candidates by fidelity to the teacher: pass a fitted "
                "teacher, fit_generate(X, y, teacher=teacher)."
            )
        task = "classification" if hasattr(teacher, "classes_") else "regression"
        # Some candidates (forest-leaf) ask the teacher themselves: every row
        # any of them sends is counted, and training rows are not asked twice.
        teacher = _CountingTeacher(teacher)
        candidates = self._named_candidates()
        n_rows = X.shape[0]
        if n_rows < 2 * self.cv:
            raise ValueError(
                f"AutoSampler needs at least {2 * self.cv} training rows for cv={self.cv}; "
                f"got {n_rows}."
            )
        n_final = self._resolve_n_samples(n_rows)
        n_scoring = self._n_scoring(n_final, n_rows, len(candidates))
        student = self._student(task, rng)

        # The held-out rows: the training rows, each labeled once by the teacher.
        held_out = np.asarray(teacher.predict(self._with_feature_names(X)))
        teacher.remember(X, held_out)
        folds = list(KFold(self.cv, shuffle=True, random_state=_seed(rng)).split(X))
        drawn = []
        for train, test in folds:
            y_train = None if y is None else y[train]
            for name, candidate in candidates:
                rows = self._draw(candidate, X[train], y_train, teacher, n_scoring, rng)
                drawn.append((name, test, rows))
        # One teacher call for every scoring row: a call's fixed cost (a
        # forest's per-tree overhead, a remote model's round trip) is paid once,
        # not once per candidate and fold.
        all_rows = np.concatenate([rows for _, _, rows in drawn])
        all_labels = np.asarray(teacher.predict(self._with_feature_names(all_rows)))
        per_row = self._per_row_scores(task, held_out, drawn, all_labels, X, student)
        scores = self._scores(per_row, n_rows, rng)
        best = max(scores, key=lambda name: scores[name]["score"])
        chosen = self._select(scores, per_row, best)
        final = self._draw(dict(candidates)[chosen], X, y, teacher, n_final, rng, fit=True)

        self.chosen_ = chosen
        self.best_ = best
        self.sampler_ = final[1]
        self.scores_ = scores
        self.n_teacher_rows_ = int(teacher.n_rows)
        self.n_teacher_rows_total_ = int(teacher.n_rows + final[0].shape[0])
        return final[0]

    # -------------------------------------------------------------- helpers
    @staticmethod
    def _per_row_scores(task, held_out, drawn, all_labels, X, student):
        """Each candidate's score on each held-out row, by the student its rows taught.

        Classification: 1 where the student agrees with the teacher. Regression:
        ``1 - error**2 / var(teacher)``, whose mean over the rows is the R² to
        the teacher (outputs averaged first for several outputs). Scores per
        row make paired comparisons between candidates possible.
        """
        n_rows = X.shape[0]
        if task == "regression":
            target = held_out.reshape(n_rows, -1).mean(axis=1).astype(np.float64)
            spread = float(np.var(target))
        per_row = {}
        start = 0
        for name, test, rows in drawn:
            labels = all_labels[start : start + rows.shape[0]]
            start += rows.shape[0]
            model = clone(student)
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", category=UserWarning)
                model.fit(rows, labels)
            predicted = np.asarray(model.predict(X[test]))
            scores = per_row.setdefault(name, np.empty(n_rows))
            if task == "classification":
                scores[test] = predicted == held_out[test]
            else:
                error = predicted.reshape(len(test), -1).mean(axis=1) - target[test]
                if spread == 0:
                    scores[test] = np.isclose(error, 0.0)
                else:
                    scores[test] = 1.0 - error**2 / spread
        return per_row

    @staticmethod
    def _scores(per_row, n_rows, rng):
        """Mean score and 95% bootstrap interval over the held-out rows, per candidate."""
        boot = rng.integers(0, n_rows, size=(_N_BOOTSTRAP, n_rows))
        scores = {}
        for name, values in per_row.items():
            low, high = np.percentile(values[boot].mean(axis=1), [2.5, 97.5])
            scores[name] = {"score": float(values.mean()), "low": float(low), "high": float(high)}
        return scores

    def _select(self, scores, per_row, best):
        """The chosen candidate: the best, or under ``"one_se"`` the first close enough.

        Held-out scores on a few hundred rows are noisy: the highest of six is
        often high by luck. ``"one_se"`` keeps the earliest candidate (the order
        is a preference) whose score is within one standard error of the
        best's, the error of the paired per-row difference (Breiman's
        one-standard-error rule for pruning trees, applied to samplers).
        """
        n_rows = per_row[best].shape[0]
        for name in scores:
            difference = per_row[best] - per_row[name]
            error = float(difference.std(ddof=1) / math.sqrt(n_rows)) if n_rows > 1 else 0.0
            scores[name]["se_vs_best"] = error
        if self.selection == "best":
            return best
        for name in scores:
            if scores[name]["score"] >= scores[best]["score"] - scores[name]["se_vs_best"]:
                return name
        return best  # unreachable: the best is within zero of itself

    def _named_candidates(self):
        raw = _default_candidates() if self.candidates is None else self.candidates
        if len(raw) == 0:
            raise ValueError("AutoSampler got an empty list of candidates.")
        named = []
        for i, item in enumerate(raw):
            if isinstance(item, tuple):
                if len(item) != 2 or not isinstance(item[0], str):
                    raise TypeError(
                        f"candidates[{i}] must be a sampler or a (name, sampler) pair; got "
                        f"{item!r}."
                    )
                name, sampler = item
            else:
                name, sampler = f"{type(item).__name__.lower()}_{i}", item
            if not callable(getattr(sampler, "fit_generate", None)):
                raise TypeError(
                    f"candidates[{i}] ({type(sampler).__name__}) has no fit_generate; "
                    "candidates must be transfer samplers."
                )
            named.append((name, sampler))
        names = [name for name, _ in named]
        if len(set(names)) != len(names):
            raise ValueError(f"AutoSampler's candidate names must be unique; got {names}.")
        return named

    def _n_scoring(self, n_final, n_rows, n_candidates):
        if self.scoring_rows is None:
            # At least as many rows as the pool candidate gives (a fold's training
            # rows): a candidate scored on fewer rows would lose for that alone.
            n_fold = n_rows * (self.cv - 1) // self.cv
            n = max(1, n_fold, math.ceil(n_final / (n_candidates * self.cv)))
        elif isinstance(self.scoring_rows, Integral):
            n = int(self.scoring_rows)
        else:
            n = max(1, round(self.scoring_rows * n_final))
        if self.budget is not None:
            left = self.budget - n_rows - n_final
            # Upper bound per candidate and fold; the pool may make fewer rows.
            fit = left // (n_candidates * self.cv)
            if fit < 1:
                raise ValueError(
                    f"budget={self.budget} teacher rows is too small: the held-out rows "
                    f"({n_rows}) and the rows returned ({n_final}) leave {left} for "
                    f"{n_candidates} candidates x {self.cv} folds. Raise budget, or lower "
                    "n_samples or cv."
                )
            n = min(n, fit)
        return n

    def _student(self, task, rng):
        if self.student is not None:
            student = clone(self.student)
        elif task == "classification":
            student = DecisionTreeClassifier(max_leaf_nodes=8)
        else:
            student = DecisionTreeRegressor(max_leaf_nodes=8)
        params = student.get_params(deep=True)
        seeds = {
            key: _seed(rng)
            for key in sorted(params)
            if params[key] is None and (key == "random_state" or key.endswith("__random_state"))
        }
        return student.set_params(**seeds)

    def _draw(self, candidate, X, y, teacher, n, rng, fit=False):
        """Rows of a fresh clone of ``candidate`` (``n`` of them when it has ``n_samples``)."""
        sampler = clone(candidate)
        params = sampler.get_params(deep=False)
        new = {}
        if "n_samples" in params:
            new["n_samples"] = int(n)
        if "random_state" in params:
            new["random_state"] = _seed(rng)
        sampler.set_params(**new)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*an int is a number of rows")
            rows = np.asarray(sampler.fit_generate(X, y, teacher=teacher), dtype=X.dtype)
        if self.budget is not None and not fit and rows.shape[0] > n:
            # A sampler without n_samples (the pool) is cut down to the budget's share.
            rows = rows[rng.permutation(rows.shape[0])[:n]]
        return (rows, sampler) if fit else rows


class _CountingTeacher:
    """The teacher, counting the rows sent to it, and answering known rows itself.

    Some candidates (forest-leaf) ask the teacher for the training rows, which
    were labeled once already as held-out rows: ``predict`` answers those from
    memory, so that they are neither paid twice nor counted against the
    budget. Every other row sent to a prediction method is counted.
    """

    _METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function")

    def __init__(self, teacher):
        self.teacher = teacher
        self.n_rows = 0
        self._known = {}

    def remember(self, X, labels):
        """Keep ``labels``, the teacher's predictions of the rows ``X``."""
        rows = np.ascontiguousarray(np.asarray(X, dtype=np.float64))
        self._known.update(zip(map(bytes, rows), labels, strict=True))
        self._labels = labels

    def predict(self, X):
        rows = np.ascontiguousarray(np.asarray(X, dtype=np.float64))
        keys = [bytes(row) for row in rows]
        unknown = [i for i, key in enumerate(keys) if key not in self._known]
        if len(unknown) == len(keys):
            self.n_rows += len(keys)
            return self.teacher.predict(X)
        labels = np.empty((len(keys), *self._labels.shape[1:]), dtype=self._labels.dtype)
        if unknown:
            asked = X.iloc[unknown] if hasattr(X, "iloc") else X[unknown]
            self.n_rows += len(unknown)
            labels[unknown] = np.asarray(self.teacher.predict(asked))
        known = np.setdiff1d(np.arange(len(keys)), unknown)
        labels[known] = np.asarray([self._known[keys[i]] for i in known])
        return labels

    def __getattr__(self, name):
        value = getattr(self.teacher, name)
        if name not in self._METHODS:
            return value

        def counted(X, *args, **kwargs):
            self.n_rows += len(X)
            return value(X, *args, **kwargs)

        return counted


def _seed(rng):
    return int(rng.integers(np.iinfo(np.int32).max))


def resolve_auto(transfer_sampler, student, task):
    """The sampler a meta-estimator uses for ``transfer_sampler``, ``"auto"`` resolved.

    Parameters
    ----------
    transfer_sampler : "auto", AutoSampler, sampler or None
        The meta-estimator's ``transfer_sampler``.
    student : estimator
        The meta-estimator's student.
    task : {"classification", "regression"}
        What the teacher does.

    Returns
    -------
    sampler : sampler or None
        ``"auto"``: ``AutoSampler(student=...)``; an :class:`AutoSampler`
        whose ``student`` is None: a copy with the student; anything else
        unchanged. The student is handed on only when it can score on the
        teacher's hard outputs: a classifier for classification, a regressor
        for regression. Otherwise (a regressor of class probabilities,
        ``labels="proba"``, or a student without ``fit``/``predict``) the
        AutoSampler keeps its default student.
    """
    if task not in ("classification", "regression"):
        raise ValueError(f"task must be 'classification' or 'regression'; got {task!r}.")
    if isinstance(transfer_sampler, str):
        if transfer_sampler != "auto":
            raise ValueError(
                f"transfer_sampler={transfer_sampler!r} is not known; the only string "
                "accepted is 'auto'."
            )
        transfer_sampler = AutoSampler()
    if not isinstance(transfer_sampler, AutoSampler) or transfer_sampler.student is not None:
        return transfer_sampler
    fits = callable(getattr(student, "fit", None)) and callable(getattr(student, "predict", None))
    matches = is_classifier(student) if task == "classification" else is_regressor(student)
    if not (fits and matches):
        return transfer_sampler
    return clone(transfer_sampler).set_params(student=clone(student))
