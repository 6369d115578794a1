"""Fidelity reports: soft and per-class fidelity, data vs domain, bootstrap intervals, scorers.

:func:`~skmetamorph.metrics.fidelity_score` answers "how often does the student
agree with its teacher on these rows?" with one number. Deciding whether a
student is good enough needs more: how far apart the probabilities are (soft
fidelity), which of the teacher's classes the student copies badly
(per-class fidelity), whether the agreement holds beyond the data the user
has (fidelity over a domain of rows made by a transfer sampler), and how sure
each number is (bootstrap intervals). This module computes them; every
function takes a fitted teacher and a fitted student, or one fitted
:class:`~skmetamorph.MetamorphosisClassifier` /
:class:`~skmetamorph.MetamorphosisRegressor` (its ``teacher_`` and
``student_``).
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.metrics import r2_score
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.validation import check_is_fitted

from .._meta_estimator import is_metamorphosis
from .._targets import align_proba
from ..base import transfer_plan
from ..utils._data import with_feature_names
from ..utils._sklearn_compat import (
    Interval,
    StrOptions,
    _check_sample_weight,
    validate_params,
)
from ._fidelity import fidelity_score, final_step

__all__ = [
    "fidelity_report",
    "make_fidelity_scorer",
    "per_class_fidelity",
    "probability_divergence",
]

#: Student probabilities are clipped below at this value in the KL divergence.
DEFAULT_EPS = 1e-12

_DIVERGENCES = ("total_variation", "kl")

_COMMON_CONSTRAINTS = {
    "eps": [Interval(Real, 0, 1, closed="neither")],
    "sample_weight": ["array-like", None],
}


# ----------------------------------------------------------------- the inputs
def _resolve(teacher, student, X):
    """``(teacher, student, X)`` from a fitted pair, or from one fitted metamorphosis estimator.

    A metamorphosis estimator's rows are validated as its ``predict`` does
    (column names restored), so its teacher and student see what they saw in
    ``fit``.
    """
    if student is None:
        if is_metamorphosis(teacher):
            check_is_fitted(teacher, "student_")
            X = _required_X(X, teacher)
            return teacher.teacher_, teacher.student_, teacher.student_input(X)
        raise TypeError(
            "Pass a fitted teacher and a fitted student, or one fitted "
            "MetamorphosisClassifier / MetamorphosisRegressor with student=None; got "
            f"{type(teacher).__name__} and no student."
        )
    if not hasattr(student, "predict"):
        raise TypeError(
            f"student must be a fitted estimator with predict; got {type(student).__name__}. "
            "With one fitted metamorphosis estimator, pass the rows by name: "
            "f(estimator, X=X)."
        )
    return teacher, student, _required_X(X, teacher)


def _required_X(X, teacher):
    if X is None:
        raise TypeError(
            f"X is required: the rows on which {type(teacher).__name__} and its student are "
            "compared."
        )
    return X


def _is_regression(teacher, student):
    return is_regressor(student) or (is_regressor(teacher) and not is_classifier(student))


def _check_classifiers(teacher, student, what):
    if _is_regression(teacher, student):
        raise ValueError(
            f"{what} is defined for classifiers (it compares classes or class "
            "probabilities); for regressors use fidelity_score (the R² of the student "
            "against the teacher)."
        )


def _check_fitted(estimator, role):
    """Raise ``NotFittedError``, naming the role, if ``estimator`` lacks ``classes_`` and a fit.

    Asked only when ``classes_`` is missing: a duck-typed classifier with a
    ``classes_`` property (and no fitted attributes) counts as fitted.
    """
    if getattr(estimator, "classes_", None) is None and hasattr(estimator, "fit"):
        check_is_fitted(
            estimator,
            msg=(
                f"The {role} %(name)s is not fitted yet: fit it (or pass a fitted "
                f"{role}) before comparing the student with its teacher."
            ),
        )


def _check_same_classes(teacher_classes, student_classes):
    """Raise if the student knows classes the teacher does not (strings vs ints included)."""
    known = set(np.asarray(teacher_classes).tolist())
    unknown = [c for c in np.asarray(student_classes).tolist() if c not in known]
    if unknown:
        raise ValueError(
            f"The student predicts classes {unknown} that the teacher "
            f"(classes {np.asarray(teacher_classes).tolist()}) does not know: teacher and "
            "student must be fitted on the same classes."
        )


def _check_finite_proba(proba, role, estimator):
    """Raise on NaN or infinite probabilities: no divergence is defined on those rows."""
    bad = ~np.isfinite(proba).all(axis=1)
    if bad.any():
        raise ValueError(
            f"The {role} {type(estimator).__name__} returned NaN or infinite probabilities "
            f"on {int(bad.sum())} of {bad.size} rows of X (first: row "
            f"{int(np.flatnonzero(bad)[0])}); soft fidelity is undefined there. Fix the "
            f"{role}, or leave those rows out of X."
        )


def _probabilities(teacher, student, X):
    """``(P_teacher, P_student)``, both with columns in the teacher's ``classes_`` order.

    NaN or infinite probabilities on either side raise a ``ValueError``: a
    divergence that skipped or propagated them would be a wrong number.
    """
    _check_classifiers(teacher, student, "Soft fidelity")
    for role, estimator in (("teacher", teacher), ("student", student)):
        if not hasattr(estimator, "predict_proba"):
            raise ValueError(
                f"Soft fidelity compares class probabilities, and the {role} "
                f"{type(estimator).__name__} has no predict_proba. Use fidelity_score "
                "(agreement of the predicted classes) instead."
            )
        _check_fitted(estimator, role)
        if getattr(estimator, "classes_", None) is None:
            raise ValueError(
                f"Soft fidelity needs the {role}'s classes_ to align the probability "
                f"columns; {type(estimator).__name__} has none."
            )
    teacher_classes = np.asarray(teacher.classes_)
    student_classes = np.asarray(student.classes_)
    _check_same_classes(teacher_classes, student_classes)
    p_teacher = np.asarray(teacher.predict_proba(X), dtype=np.float64)
    _check_finite_proba(p_teacher, "teacher", teacher)
    p_student = np.asarray(student.predict_proba(X), dtype=np.float64)
    _check_finite_proba(p_student, "student", student)
    # A class the student never saw has probability 0 under it.
    p_student = align_proba(p_student, student_classes, teacher_classes)
    return p_teacher, p_student


def _check_weights(sample_weight, n_rows):
    """Validated row weights (None stays None): non-negative, with a positive sum."""
    if sample_weight is None:
        return None
    weights = _check_sample_weight(sample_weight, np.empty((n_rows, 0)))
    if (weights < 0).any():
        raise ValueError(
            f"sample_weight must be non-negative; got {int((weights < 0).sum())} negative "
            "weight(s). Give each row a weight >= 0."
        )
    if not weights.sum() > 0:
        raise ValueError(
            "sample_weight sums to 0: the weighted mean is undefined. Give at least one "
            "row a positive weight."
        )
    return weights


def _row_divergence(p_teacher, p_student, metric, eps):
    """One divergence per row between the teacher's and the student's probabilities."""
    if metric == "total_variation":
        return 0.5 * np.abs(p_teacher - p_student).sum(axis=1)
    # KL(teacher || student): the student's zeros are clipped to eps, so a
    # class the teacher believes in and the student rules out costs
    # p * log(p / eps) instead of infinity; the teacher's zeros add nothing.
    q = np.clip(p_student, eps, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p_teacher > 0, p_teacher * (np.log(p_teacher) - np.log(q)), 0.0)
    return terms.sum(axis=1)


# ----------------------------------------------------------- the functions
@validate_params(
    {
        "metric": [StrOptions(set(_DIVERGENCES))],
        **_COMMON_CONSTRAINTS,
    },
    prefer_skip_nested_validation=False,
)
def probability_divergence(
    teacher, student=None, X=None, *, metric="total_variation", eps=DEFAULT_EPS, sample_weight=None
):
    """Soft fidelity: mean divergence between the teacher's and the student's probabilities.

    Where :func:`fidelity_score` counts the rows on which the predicted
    classes agree, this measures how far the probabilities are apart, so a
    student that agrees on the class but not on the teacher's doubt is seen.
    Lower is better; 0 is a perfect copy.

    Parameters
    ----------
    teacher : fitted classifier, or fitted metamorphosis estimator
        The reference model, with ``predict_proba`` and ``classes_``. A fitted
        :class:`~skmetamorph.MetamorphosisClassifier` with ``student=None``
        stands for its ``teacher_`` and ``student_``.
    student : fitted classifier, default=None
        The student, with ``predict_proba`` and ``classes_`` (a subset of the
        teacher's classes: a class it never saw has probability 0).
    X : array-like of shape (n_samples, n_features)
        Rows to compare on (required).
    metric : {"total_variation", "kl"}, default="total_variation"
        ``"total_variation"``: ``0.5 * sum_k |p_k - q_k|`` per row, in [0, 1];
        ``1 - TV`` is the probability mass the two share, and equals the
        agreement of :func:`fidelity_score` when both predict one-hot
        probabilities. ``"kl"``: ``KL(p || q) = sum_k p_k log(p_k / q_k)`` in
        nats, ``p`` the teacher's and ``q`` the student's probabilities.
    eps : float in (0, 1), default=1e-12
        For ``metric="kl"``: the student's probabilities are clipped below at
        ``eps`` (not renormalised), so a class the teacher gives mass ``p``
        and the student rules out costs ``p * log(p / eps)`` (about
        ``27.6 p`` nats at the default) instead of infinity. Classes the
        teacher rules out cost nothing.
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights of the mean: non-negative, with a positive sum.

    Returns
    -------
    divergence : float
        The weighted mean over the rows.

    Raises
    ------
    ValueError
        If the teacher or the student returns NaN or infinite probabilities
        on any row of ``X`` (the divergence is undefined there: neither
        metric skips such rows nor returns NaN), if the student knows classes
        the teacher does not, or if ``sample_weight`` has a negative weight
        or sums to 0.
    sklearn.exceptions.NotFittedError
        If the teacher or the student is not fitted.

    See Also
    --------
    fidelity_score : Agreement of the predicted classes.
    fidelity_report : All fidelity measures with bootstrap intervals.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skmetamorph.metrics import probability_divergence
    >>> X, y = load_iris(return_X_y=True)
    >>> teacher = LogisticRegression(max_iter=500).fit(X, y)
    >>> student = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, teacher.predict(X))
    >>> tv = probability_divergence(teacher, student, X)
    >>> bool(0 < tv < 0.5)
    True
    >>> bool(probability_divergence(teacher, student, X, metric="kl") > 0)
    True
    """
    teacher, student, X = _resolve(teacher, student, X)
    p_teacher, p_student = _probabilities(teacher, student, X)
    rows = _row_divergence(p_teacher, p_student, metric, eps)
    sample_weight = _check_weights(sample_weight, rows.shape[0])
    return float(np.average(rows, weights=sample_weight))


@validate_params(
    {"sample_weight": ["array-like", None]},
    prefer_skip_nested_validation=False,
)
def per_class_fidelity(teacher, student=None, X=None, *, sample_weight=None):
    """Agreement of the student with its teacher, class by class of the teacher's predictions.

    For each class, the fraction of the rows the teacher assigns to it that
    the student assigns to it too (the recall of the teacher's classes): a
    student that copies the majority classes and misses a rare one shows it
    here, where the overall :func:`fidelity_score` hides it. Defined for
    classifiers only (a regressor has no classes: use :func:`fidelity_score`).

    Parameters
    ----------
    teacher : fitted classifier, or fitted metamorphosis estimator
        The reference model. A fitted
        :class:`~skmetamorph.MetamorphosisClassifier` with ``student=None``
        stands for its ``teacher_`` and ``student_``.
    student : fitted classifier, default=None
        The student, with classes among the teacher's (its ``classes_``, else
        the classes it predicts on ``X``): a student of other classes, or of
        strings where the teacher has numbers, is a ``ValueError``, as in
        :func:`probability_divergence`.
    X : array-like of shape (n_samples, n_features)
        Rows to compare on (required).
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights: non-negative, with a positive sum.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        With ``classes`` (the teacher's ``classes_``, else the classes it
        predicts on ``X``), ``fidelity`` (one value per class; NaN for a class
        the teacher predicts on no row of ``X``) and ``support`` (the number,
        or total weight, of rows the teacher assigns to each class).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skmetamorph.metrics import per_class_fidelity
    >>> X, y = load_iris(return_X_y=True)
    >>> teacher = LogisticRegression(max_iter=500).fit(X, y)
    >>> student = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X, teacher.predict(X))
    >>> result = per_class_fidelity(teacher, student, X)
    >>> result.classes.tolist(), result.fidelity.tolist()
    ([0, 1, 2], [1.0, 0.0, 1.0])
    """
    teacher, student, X = _resolve(teacher, student, X)
    _check_classifiers(teacher, student, "Per-class fidelity")
    y_teacher = np.asarray(teacher.predict(X))
    y_student = np.asarray(student.predict(X))
    teacher_classes = getattr(teacher, "classes_", None)
    classes = np.unique(y_teacher) if teacher_classes is None else np.asarray(teacher_classes)
    # A student of other classes (or strings against ints) would agree nowhere:
    # the same error as probability_divergence, not a row of zeros.
    student_classes = getattr(student, "classes_", None)
    _check_same_classes(
        classes, np.unique(y_student) if student_classes is None else student_classes
    )
    agree = y_student == y_teacher
    weights = _check_weights(sample_weight, y_teacher.shape[0])
    if weights is None:
        weights = np.ones(y_teacher.shape[0])
    support = np.array([weights[y_teacher == c].sum() for c in classes], dtype=np.float64)
    agreed = np.array([weights[(y_teacher == c) & agree].sum() for c in classes])
    with np.errstate(divide="ignore", invalid="ignore"):
        fidelity = np.where(support > 0, agreed / np.where(support > 0, support, 1), np.nan)
    if sample_weight is None:
        support = support.astype(np.int64)
    return Bunch(classes=classes, fidelity=fidelity, support=support)


# ------------------------------------------------------------------ reports
@validate_params(
    {
        "n_bootstrap": [Interval(Integral, 1, None, closed="left")],
        "confidence": [Interval(Real, 0, 1, closed="neither")],
        "eps": [Interval(Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=False,
)
def fidelity_report(
    teacher,
    student=None,
    X=None,
    *,
    sampler=None,
    n_bootstrap=1000,
    confidence=0.95,
    eps=DEFAULT_EPS,
    random_state=None,
):
    """Fidelity of a student on the data and over a domain, with bootstrap confidence intervals.

    On the rows ``X`` ("data") and, with a ``sampler``, on rows it makes from
    ``X`` ("domain": e.g. :class:`~skmetamorph.samplers.UniformSampler` rows
    that cover the box of the data, where a student may disagree although it
    agrees on the data), the report gives:

    - ``fidelity``: the agreement of :func:`fidelity_score` (R² for regressors);
    - for classifiers with ``predict_proba`` on both sides,
      ``total_variation`` and ``kl`` (:func:`probability_divergence`; NaN
      or infinite probabilities on any row raise a ``ValueError``, as there);

    each with a percentile bootstrap interval over the rows, and, for
    classifiers, :func:`per_class_fidelity` on the data.

    Parameters
    ----------
    teacher : fitted estimator, or fitted metamorphosis estimator
        The reference model. A fitted
        :class:`~skmetamorph.MetamorphosisClassifier` or
        :class:`~skmetamorph.MetamorphosisRegressor` with ``student=None``
        stands for its ``teacher_`` and ``student_``.
    student : fitted estimator, default=None
        The student.
    X : array-like of shape (n_samples, n_features)
        Rows to compare on (required); held-out rows tell more than the rows
        the student was trained on.
    sampler : transfer sampler, default=None
        Makes the domain rows: a clone of it is fitted on ``X`` (with the
        teacher, for samplers that use it) and its rows are compared on.
        None: no domain part.
    n_bootstrap : int >= 1, default=1000
        Number of bootstrap resamples of the rows.
    confidence : float in (0, 1), default=0.95
        Level of the intervals: the ``(1 - confidence) / 2`` and
        ``(1 + confidence) / 2`` percentiles of the resampled values.
    eps : float in (0, 1), default=1e-12
        Clipping of the student's probabilities in the KL divergence (see
        :func:`probability_divergence`).
    random_state : int, RandomState instance or None, default=None
        Seeds the resampling, and the sampler's ``random_state`` when it is
        left at None.

    Returns
    -------
    report : :class:`~sklearn.utils.Bunch`
        ``report.data`` (and ``report.domain`` with a sampler) holds
        ``n_samples`` and, per measure, a Bunch with ``value`` (on all rows),
        ``low`` and ``high`` (the interval). ``report.per_class`` (classifiers)
        is the :func:`per_class_fidelity` of the data. ``report.confidence``
        and ``report.n_bootstrap`` repeat the settings.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skmetamorph import MetamorphosisClassifier
    >>> from skmetamorph.metrics import fidelity_report
    >>> from skmetamorph.samplers import MUNGE, UniformSampler
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MetamorphosisClassifier(
    ...     RandomForestClassifier(n_estimators=20), DecisionTreeClassifier(max_depth=3),
    ...     MUNGE(n_samples=2.0), random_state=0).fit(X[::2], y[::2])
    >>> report = fidelity_report(clf, X=X[1::2], sampler=UniformSampler(n_samples=500),
    ...                          n_bootstrap=200, random_state=0)
    >>> sorted(report.data)
    ['fidelity', 'kl', 'n_samples', 'total_variation']
    >>> fid = report.data.fidelity
    >>> bool(fid.low <= fid.value <= fid.high)
    True
    >>> report.domain.n_samples
    500
    """
    teacher, student, X = _resolve(teacher, student, X)
    rng = check_random_state(random_state)
    classification = not _is_regression(teacher, student)
    soft = classification and all(hasattr(e, "predict_proba") for e in (teacher, student))
    settings = dict(n_bootstrap=n_bootstrap, confidence=confidence, eps=eps, soft=soft, rng=rng)
    report = Bunch(
        confidence=confidence,
        n_bootstrap=n_bootstrap,
        data=_measures(teacher, student, X, classification, **settings),
    )
    if classification:
        report.per_class = per_class_fidelity(teacher, student, X)
    if sampler is not None:
        X_domain = _domain_rows(sampler, teacher, X, rng)
        report.domain = _measures(teacher, student, X_domain, classification, **settings)
    return report


def _domain_rows(sampler, teacher, X, rng):
    """Rows a clone of ``sampler`` makes from ``X``, with ``X``'s column names."""
    # safe=False: a duck-typed sampler without get_params is deep-copied.
    sampler = clone(sampler, safe=False)
    if hasattr(sampler, "get_params") and "random_state" in sampler.get_params(deep=False):
        if sampler.get_params(deep=False)["random_state"] is None:
            sampler.set_params(random_state=int(rng.randint(np.iinfo(np.int32).max)))
    rows = transfer_plan(sampler, X, teacher=teacher).all_rows()
    if rows.shape[0] == 0:
        raise ValueError(
            f"{type(sampler).__name__} made no rows from X: there is no domain to compare "
            "the student with its teacher on."
        )
    return with_feature_names(rows, getattr(X, "columns", None))


def _measures(teacher, student, X, classification, *, n_bootstrap, confidence, eps, soft, rng):
    """``n_samples`` and each measure's value and bootstrap interval on the rows ``X``."""
    n_rows = X.shape[0]
    if n_rows == 0:
        raise ValueError("X has no rows: there is nothing to compare the student on.")
    # Every measure is resampled with the same rows: one seed, replayed.
    resamples = _Resamples(n_rows, n_bootstrap, rng.randint(np.iinfo(np.int32).max))
    y_teacher = np.asarray(teacher.predict(X))
    y_student = np.asarray(student.predict(X))
    measures = Bunch(n_samples=n_rows)
    if classification:
        agree = (y_teacher == y_student).astype(np.float64)
        measures.fidelity = _interval(agree.mean(), resamples.means(agree), confidence)
    else:
        # R² is not a mean of row values: it is recomputed on every resample.
        boot = resamples.map(lambda i: r2_score(y_teacher[i], y_student[i]))
        measures.fidelity = _interval(fidelity_score(teacher, student, X), boot, confidence)
    if soft:
        p_teacher, p_student = _probabilities(teacher, student, X)
        for metric in _DIVERGENCES:
            rows = _row_divergence(p_teacher, p_student, metric, eps)
            measures[metric] = _interval(rows.mean(), resamples.means(rows), confidence)
    return measures


class _Resamples:
    """Bootstrap resamples of ``n_rows`` rows, drawn in blocks to bound memory.

    ``n_bootstrap * n_rows`` indices at once would take gigabytes for a large
    domain; blocks of at most ``_MAX_DRAWS`` indices, from the same seed each
    time, give every measure the same resamples.
    """

    _MAX_DRAWS = 2_000_000

    def __init__(self, n_rows, n_bootstrap, seed):
        self.n_rows, self.n_bootstrap, self.seed = n_rows, n_bootstrap, seed

    def blocks(self):
        rng = np.random.RandomState(self.seed)
        size = max(1, self._MAX_DRAWS // self.n_rows)
        for start in range(0, self.n_bootstrap, size):
            yield rng.randint(self.n_rows, size=(min(size, self.n_bootstrap - start), self.n_rows))

    def means(self, rows):
        """The mean of ``rows`` in each resample."""
        return np.concatenate([rows[block].mean(axis=1) for block in self.blocks()])

    def map(self, statistic):
        """``statistic(indices)`` of each resample."""
        return np.array([statistic(indices) for block in self.blocks() for indices in block])


def _interval(value, boot, confidence):
    """``value`` and the percentile interval of its resampled values ``boot``."""
    low, high = np.percentile(boot, [50 * (1 - confidence), 50 * (1 + confidence)])
    return Bunch(value=float(value), low=float(low), high=float(high))


# ------------------------------------------------------------------ scorers
class _FidelityScorer:
    """A scorer (``scorer(estimator, X, y=None)``) of a metamorphosis estimator's fidelity."""

    def __init__(self, metric, eps):
        self.metric = metric
        self.eps = eps

    def __call__(self, estimator, X, y=None):
        estimator, X = final_step(estimator, X)
        if not is_metamorphosis(estimator):
            raise TypeError(
                f"A fidelity scorer needs a fitted MetamorphosisClassifier or "
                f"MetamorphosisRegressor (or a Pipeline ending in one); got "
                f"{type(estimator).__name__}."
            )
        if self.metric == "fidelity":
            return estimator.fidelity(X)
        # Greater is better for scorers: divergences are negated, as
        # scikit-learn's "neg_log_loss".
        return -probability_divergence(estimator, X=X, metric=self.metric, eps=self.eps)

    def __repr__(self):
        return f"make_fidelity_scorer(metric={self.metric!r})"


@validate_params(
    {
        "metric": [StrOptions({"fidelity", *_DIVERGENCES})],
        "eps": [Interval(Real, 0, 1, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def make_fidelity_scorer(metric="fidelity", *, eps=DEFAULT_EPS):
    """A scorer of fidelity for ``GridSearchCV(scoring=...)`` and ``cross_validate``.

    The scorer takes a fitted metamorphosis estimator (or a Pipeline ending
    in one), validation rows and an ignored ``y``. Greater is better, as for
    every scikit-learn scorer: divergences are returned negated, like
    ``"neg_log_loss"``.

    Parameters
    ----------
    metric : {"fidelity", "total_variation", "kl"}, default="fidelity"
        ``"fidelity"``: the estimator's ``fidelity(X)`` (as
        :func:`fidelity_scorer`); ``"total_variation"`` and ``"kl"``: minus
        :func:`probability_divergence` (classifiers with ``predict_proba``).
    eps : float in (0, 1), default=1e-12
        Clipping of the student's probabilities for ``metric="kl"``.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None) -> float``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.model_selection import cross_validate
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skmetamorph import MetamorphosisClassifier
    >>> from skmetamorph.metrics import make_fidelity_scorer
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MetamorphosisClassifier(RandomForestClassifier(n_estimators=10),
    ...                               DecisionTreeClassifier(max_depth=3), random_state=0)
    >>> scores = cross_validate(clf, X, y, cv=3, scoring={
    ...     "fidelity": make_fidelity_scorer(),
    ...     "neg_tv": make_fidelity_scorer("total_variation")})
    >>> bool((scores["test_neg_tv"] <= 0).all())
    True
    """
    return _FidelityScorer(metric, eps)
