"""What the student saves: size, latency and agreement of a teacher and its students.

A student is made to be deployed in place of its teacher: smaller, faster,
and close enough to it. :func:`compression_report` measures all three on the
same rows, for the teacher and for one or several students, and returns one
record (a dict) per model, ready for ``pandas.DataFrame``:

- size: the number of parameters where it is exactly known (torch nets,
  trees and forests, linear models, scikit-learn's MLPs), the nodes and leaves
  of trees, and the size of the pickled model;
- latency: the best of a few timed ``predict`` calls, on one row and on a
  batch;
- agreement: the accuracy on true targets (R² for regressors) and the
  fidelity to the teacher (:func:`~skmetamorph.metrics.fidelity_score`);

and, for each student, its parameter ratio and speedup relative to the
teacher. :class:`~skmetamorph.inspection.CompressionDisplay` draws a report.
"""

import pickle
import sys
import time
from collections import namedtuple
from numbers import Integral

import numpy as np
from sklearn.base import is_regressor
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import accuracy_score, r2_score
from sklearn.semi_supervised import SelfTrainingClassifier
from sklearn.utils.validation import check_array, check_is_fitted

from .._meta_estimator import is_metamorphosis
from ..utils._sklearn_compat import (
    Interval,
    _num_samples,
    _safe_indexing,
    validate_params,
)
from ._reports import _resolve

__all__ = ["compression_report"]

#: The fields of each record, in the order of the table's columns.
FIELDS = (
    "model",
    "estimator",
    "n_parameters",
    "n_nodes",
    "n_leaves",
    "serialized_bytes",
    "latency_row_s",
    "latency_batch_s",
    "batch_rows",
    "rows_per_second",
    "accuracy",
    "fidelity",
    "parameter_ratio",
    "speedup",
)

#: The name of the teacher's record; no student may take it.
TEACHER = "teacher"


# ------------------------------------------------------------------ the models
class _Model:
    """One model of the report: what is sized and timed, on which rows, and what predicts.

    A metamorphosis meta-estimator is measured as what it deploys, its
    ``student_``, timed on the rows as its ``predict`` hands them over
    (validated, column names restored). Its own ``predict`` gives the
    predictions that are scored: for a regressor student of a classifier
    (``labels="proba"``) that is where the regressed values become classes.
    """

    def __init__(self, name, estimator, X, role):
        self.name = name
        if not hasattr(estimator, "predict"):
            raise TypeError(
                f"The {role} must be a fitted estimator with predict; got "
                f"{type(estimator).__name__}."
            )
        _check_n_features(estimator, X, role)
        self.predictor, self.predictor_rows = estimator, X
        if is_metamorphosis(estimator):
            check_is_fitted(estimator, "student_")
            self.deployed = estimator.student_
            self.rows = estimator.student_input(X)
        else:
            check_is_fitted(estimator)
            self.deployed, self.rows = estimator, X
        self.regression = is_regressor(estimator)

    def predict(self):
        """Predictions on all rows, the ones accuracy and fidelity are computed from."""
        return np.asarray(self.predictor.predict(self.predictor_rows))


def _check_rows(X):
    """``X`` as given when it has a shape (arrays, frames, sparse, tensors), else an array."""
    if X is None:
        raise TypeError("X is required: the rows on which the models are timed and compared.")
    if not hasattr(X, "shape"):
        X = check_array(X, dtype=None, ensure_all_finite=False, ensure_min_samples=0)
    if len(X.shape) < 2:
        raise ValueError(
            f"X must be 2-D, of shape (n_samples, n_features); got shape {tuple(X.shape)}."
        )
    if X.shape[0] == 0:
        raise ValueError("X has no rows: there is nothing to time or compare the models on.")
    return X


def _check_n_features(estimator, X, role):
    expected = getattr(estimator, "n_features_in_", None)
    if expected is not None and len(X.shape) == 2 and X.shape[1] != expected:
        raise ValueError(
            f"X has {X.shape[1]} features, but the {role} {type(estimator).__name__} "
            f"was fitted on {expected} (its n_features_in_)."
        )


def _models(teacher, student, X):
    """``[teacher, *students]`` as :class:`_Model`, every check done before any timing."""
    if student is None:  # f(model, X=X): one fitted metamorphosis estimator, as in _reports
        teacher, student = None, teacher
    if isinstance(student, dict):
        if not student:
            raise ValueError("student is an empty dict: give at least one student to measure.")
        for name in student:
            if not isinstance(name, str):
                raise TypeError(f"The names of the students must be strings; got {name!r}.")
        if TEACHER in student:
            raise ValueError(
                f"No student may be named {TEACHER!r}: that is the name of the teacher's record."
            )
        students = student
    else:
        students = {"student": student}

    X = _check_rows(X)
    teacher_rows = X
    if teacher is None:
        if len(students) > 1:
            raise TypeError(
                "teacher=None works with one fitted MetamorphosisClassifier / "
                "MetamorphosisRegressor as the student (its teacher_ is the teacher); with "
                "several students, pass their teacher."
            )
        # The meta-estimator's teacher_, on the rows as it sees them.
        teacher, _, teacher_rows = _resolve(next(iter(students.values())), None, X)
    models = [_Model(TEACHER, teacher, teacher_rows, "teacher")]
    for name, estimator in students.items():
        role = "student" if name == "student" else f"student {name!r}"
        models.append(_Model(name, estimator, X, role))
    return models


# ------------------------------------------------------------------- the sizes
_Size = namedtuple("_Size", ["n_parameters", "n_nodes", "n_leaves"])
_UNKNOWN = _Size(None, None, None)


def _unwrapped(model):
    """The estimator that does the predicting, through the wrappers whose size is its size."""
    while True:
        if is_metamorphosis(model):
            model = model.student_
        elif isinstance(model, FrozenEstimator):
            model = model.estimator
        elif isinstance(model, SelfTrainingClassifier):
            model = model.estimator_
        elif hasattr(model, "best_estimator_"):  # a fitted GridSearchCV and the like
            model = model.best_estimator_
        else:
            return model


def _torch_module(model):
    """The ``torch.nn.Module`` of a fitted net (its ``module_``), or the module itself."""
    torch = sys.modules.get("torch")
    if torch is None:  # torch never imported: nothing here can be a torch net
        return None
    if isinstance(model, torch.nn.Module):
        return model
    module = getattr(model, "module_", None)
    return module if isinstance(module, torch.nn.Module) else None


def _members(model):
    """The fitted members of an ensemble (forests, boosting, voting, stacking), or None."""
    members = getattr(model, "estimators_", None)
    if members is None:
        members = getattr(model, "teachers_", None)  # TeacherEnsemble(Regressor)
    if members is None:
        return None
    # Gradient boosting keeps a 2-D array of trees; stacking may keep "drop".
    members = list(members.ravel()) if isinstance(members, np.ndarray) else list(members)
    members = [m for m in members if not isinstance(m, str)]
    final = getattr(model, "final_estimator_", None)  # stacking's combiner
    return members + ([final] if final is not None else [])


def _n_values(array):
    """Number of values of an array (dense or sparse) or a scalar."""
    return int(np.prod(np.shape(array)))


def _sum(sizes, *, partial):
    """Field-wise sum; ``partial``: of the known values, else None unless all are known."""
    totals = []
    for values in zip(*sizes):
        known = [v for v in values if v is not None]
        complete = bool(values) and len(known) == len(values)
        totals.append(sum(known) if (known and (partial or complete)) else None)
    return _Size(*totals) if totals else _UNKNOWN


def _size(model):
    """``(n_parameters, n_nodes, n_leaves)`` where exactly known; None where not."""
    model = _unwrapped(model)
    module = _torch_module(model)
    if module is not None:
        return _Size(int(sum(p.numel() for p in module.parameters())), None, None)
    tree = getattr(model, "tree_", None)
    if tree is not None and hasattr(tree, "node_count"):
        return _Size(int(tree.node_count), int(tree.node_count), int(tree.n_leaves))
    if hasattr(model, "steps"):  # a Pipeline: a scaler's statistics are not counted
        steps = [step for _, step in model.steps if step is not None and step != "passthrough"]
        return _sum([_size(step) for step in steps], partial=True)
    members = _members(model)
    if members is not None:  # an ensemble: one member of unknown size, and the sum is unknown
        return _sum([_size(member) for member in members], partial=False)
    if hasattr(model, "coefs_") and hasattr(model, "intercepts_"):  # scikit-learn's MLPs
        weights = [*model.coefs_, *model.intercepts_]
        return _Size(sum(_n_values(w) for w in weights), None, None)
    if hasattr(model, "coef_"):  # a linear model (an SVC has coef_ only with a linear kernel)
        intercept = getattr(model, "intercept_", ())
        return _Size(_n_values(model.coef_) + _n_values(intercept), None, None)
    return _UNKNOWN


def _serialized_bytes(model):
    try:
        return len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - any model that does not pickle has no such size
        return None


# ----------------------------------------------------------------- the timings
def _on_cuda(model):
    """Whether a torch net inside ``model`` has parameters on a CUDA device."""
    model = _unwrapped(model)
    module = _torch_module(model)
    if module is not None:
        return any(p.is_cuda for p in module.parameters())
    if hasattr(model, "steps"):
        parts = [step for _, step in model.steps]
    else:
        parts = _members(model) or []
    return any(_on_cuda(part) for part in parts if part is not None and not isinstance(part, str))


def _synchronizer(model):
    """``torch.cuda.synchronize`` for a model on a CUDA device, else a no-op.

    CUDA kernels run asynchronously: without a synchronisation before and
    after, the clock would time the launch of the work, not the work.
    """
    if _on_cuda(model):
        return sys.modules["torch"].cuda.synchronize
    return lambda: None


def _best_time(predict, rows, n_repeats, synchronize):
    """Seconds of the fastest of ``n_repeats`` calls ``predict(rows)``, after one warm-up."""
    # The warm-up pays the first call's costs (lazy initialisation, caches,
    # kernel compilation), which are not the model's latency in service. The
    # best, not the mean, of the repeats: other processes only ever add time.
    predict(rows)
    best = np.inf
    for _ in range(n_repeats):
        synchronize()
        start = time.perf_counter()
        predict(rows)
        synchronize()
        best = min(best, time.perf_counter() - start)
    return float(best)


# ------------------------------------------------------------------ the report
def _agreement(reference, predictions, regression):
    """Accuracy, or R² for a regressor: the definition of ``fidelity_score``."""
    if regression:
        return float(r2_score(reference, predictions))
    return float(accuracy_score(reference, predictions))


def _ratio(numerator, denominator):
    if numerator is None or denominator in (None, 0):
        return None
    return float(numerator / denominator)


@validate_params(
    {
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "n_repeats": [Interval(Integral, 1, None, closed="left")],
        "serialized_size": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def compression_report(
    teacher, student=None, X=None, y=None, *, batch_size=None, n_repeats=5, serialized_size=True
):
    """What the student saves: size, latency, accuracy and fidelity of a teacher and its students.

    Every model is sized, timed and scored on the same rows ``X``. Sizes are
    exact or None, never estimated; latencies are the best of ``n_repeats``
    timed ``predict`` calls after one warm-up call, on one row and on a batch;
    fidelity is the agreement with the teacher's ``predict``, as
    :func:`fidelity_score`.

    A fitted :class:`~skmetamorph.MetamorphosisClassifier` or
    :class:`~skmetamorph.MetamorphosisRegressor`, in either role, is measured
    as what it deploys: its ``student_`` is sized and timed (on the rows as
    the meta-estimator's ``predict`` passes them on), and the meta-estimator's
    ``predict`` gives the predictions that are scored (the same as the
    student's, except that a regressor student's values become classes).

    Parameters
    ----------
    teacher : fitted estimator or None
        The reference model: any fitted estimator with ``predict`` (a
        scikit-learn model, a torch net such as
        :class:`~skmetamorph.torch.TorchClassifier`, a fitted metamorphosis
        estimator). None, with one fitted metamorphosis estimator as
        ``student``: its ``teacher_``.
    student : fitted estimator, dict of str to fitted estimator, or None
        The student, or several students by name (the order of the dict is
        the order of the records). None: ``teacher`` must be one fitted
        metamorphosis estimator, which stands for its ``teacher_`` and
        itself, as in :func:`fidelity_report` (``compression_report(model,
        X=X)``).
    X : array-like of shape (n_samples, n_features)
        Rows to time and compare on (required); held-out rows tell more about
        accuracy and fidelity than training rows.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
        True targets of ``X``. None: no accuracy.
    batch_size : int >= 1, default=None
        Rows of the timed batch, the first ones of ``X`` (at most all of
        them). None: all rows of ``X``.
    n_repeats : int >= 1, default=5
        Timed calls per measurement; the fastest counts.
    serialized_size : bool, default=True
        Whether to pickle every model for ``serialized_bytes`` (a large
        teacher takes time and memory to pickle).

    Returns
    -------
    report : list of dict
        One record per model, first the teacher's, then each student's;
        ``pandas.DataFrame(report)`` makes it a table. The fields:

        ``model``
            ``"teacher"``; a student's name, or ``"student"`` for a single one.
        ``estimator``
            Class name of the model measured (a metamorphosis estimator's
            ``student_``).
        ``n_parameters``
            The number of parameters, where it is exactly known, else None:
            for a torch net (the ``module_`` of a net such as
            :class:`~skmetamorph.torch.TorchClassifier`, or an
            ``nn.Module``), the ``numel()`` of all its parameters, trainable
            or frozen (buffers, such as batch-norm statistics, are not
            parameters); for a tree, its number of nodes; for a linear
            model, the sizes of ``coef_`` and ``intercept_``; for
            scikit-learn's MLPs, the sizes of ``coefs_`` and
            ``intercepts_``; for an ensemble (``estimators_``: forests,
            boosting, voting, stacking with its ``final_estimator_``;
            ``teachers_`` of a :class:`~skmetamorph.TeacherEnsemble`), the sum
            over its members, None when one is unknown; for a Pipeline, the
            sum over the steps whose count is known (a scaler's statistics
            are not counted). ``FrozenEstimator``, ``SelfTrainingClassifier``
            and fitted searches (``best_estimator_``) count as the estimator
            they wrap. Anything else, such as an SVC with a kernel or a
            nearest-neighbours model: None.
        ``n_nodes``, ``n_leaves``
            Nodes and leaves of a tree, summed over an ensemble of trees (or
            the trees of a Pipeline); None for other models.
        ``serialized_bytes``
            ``len(pickle.dumps(model))`` with the highest protocol; None with
            ``serialized_size=False`` or when the model does not pickle.
        ``latency_row_s``
            Seconds of ``predict`` on one row (the first of ``X``).
        ``latency_batch_s``
            Seconds of ``predict`` on the batch of ``batch_rows`` rows.
        ``batch_rows``
            Rows of the timed batch.
        ``rows_per_second``
            ``batch_rows / latency_batch_s``.
        ``accuracy``
            The accuracy on ``y`` (R² for a regressor); None without ``y``.
        ``fidelity``
            Agreement of ``predict`` with the teacher's, on all rows of ``X``:
            the share of equal predictions, the R² to the teacher's
            predictions for a regressor (as :func:`fidelity_score`); 1.0 for
            the teacher.
        ``parameter_ratio``
            ``n_parameters`` over the teacher's (1.0 for the teacher); None
            where either is unknown.
        ``speedup``
            The teacher's ``latency_batch_s`` over this model's (1.0 for the
            teacher): above 1, the model is faster.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If a model is not fitted.
    ValueError
        If ``X`` has no rows or has another number of features than a model
        was fitted on, if ``y`` has another number of rows than ``X``, if
        ``batch_size`` or ``n_repeats`` is below 1, or if ``student`` is an
        empty dict.

    See Also
    --------
    fidelity_score : The agreement of one student with its teacher.
    fidelity_report : Fidelity with bootstrap intervals, on the data and a domain.
    skmetamorph.inspection.CompressionDisplay : Fidelity or accuracy against latency.

    Notes
    -----
    All models are timed one after the other in this process, with its
    thread settings as they are (``torch.set_num_threads``, OpenMP and BLAS
    threads): set them before the call, and keep other work off the machine,
    for timings that compare. For a torch net on a CUDA device,
    ``torch.cuda.synchronize()`` is called before and after each timed call,
    so that the time is that of the work, not of its launch. Latencies of a
    few microseconds are dominated by the ``predict`` call's own overhead
    (input validation): they measure the model as it is called, not its
    arithmetic alone.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skmetamorph.metrics import compression_report
    >>> X, y = load_iris(return_X_y=True)
    >>> teacher = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    >>> student = DecisionTreeClassifier(max_depth=3, random_state=0).fit(
    ...     X, teacher.predict(X))
    >>> report = compression_report(teacher, student, X, y, n_repeats=2)
    >>> table = pd.DataFrame(report).set_index("model")
    >>> list(table.columns[:5])
    ['estimator', 'n_parameters', 'n_nodes', 'n_leaves', 'serialized_bytes']
    >>> int(table.loc["student", "n_parameters"]) == student.tree_.node_count
    True
    >>> float(table.loc["teacher", "fidelity"])
    1.0
    >>> bool(table.loc["student", "parameter_ratio"] < 0.2)
    True
    """
    models = _models(teacher, student, X)
    n_rows = _num_samples(models[0].predictor_rows)
    if y is not None and _num_samples(y) != n_rows:
        raise ValueError(
            f"y has {_num_samples(y)} rows but X has {n_rows}: give the true targets of X."
        )
    batch_rows = n_rows if batch_size is None else min(int(batch_size), n_rows)

    records = []
    teacher_predictions = None
    for model in models:
        synchronize = _synchronizer(model.deployed)
        one_row = _safe_indexing(model.rows, slice(0, 1))
        batch = _safe_indexing(model.rows, slice(0, batch_rows))
        latency_row = _best_time(model.deployed.predict, one_row, n_repeats, synchronize)
        latency_batch = _best_time(model.deployed.predict, batch, n_repeats, synchronize)
        predictions = model.predict()
        if teacher_predictions is None:  # the first model is the teacher
            teacher_predictions = predictions
            fidelity = 1.0
        else:
            fidelity = _agreement(teacher_predictions, predictions, model.regression)
        size = _size(model.deployed)
        records.append(
            {
                "model": model.name,
                "estimator": type(model.deployed).__name__,
                "n_parameters": size.n_parameters,
                "n_nodes": size.n_nodes,
                "n_leaves": size.n_leaves,
                "serialized_bytes": (
                    _serialized_bytes(model.deployed) if serialized_size else None
                ),
                "latency_row_s": latency_row,
                "latency_batch_s": latency_batch,
                "batch_rows": batch_rows,
                "rows_per_second": batch_rows / latency_batch if latency_batch > 0 else np.inf,
                "accuracy": (None if y is None else _agreement(y, predictions, model.regression)),
                "fidelity": fidelity,
            }
        )

    teacher_record = records[0]
    for record in records:
        record["parameter_ratio"] = _ratio(record["n_parameters"], teacher_record["n_parameters"])
        record["speedup"] = _ratio(teacher_record["latency_batch_s"], record["latency_batch_s"])
    return records
