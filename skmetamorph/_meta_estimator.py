"""The shared base of the metamorphosis meta-estimators: one fit pipeline for both tasks.

:class:`BaseMetamorphosis` owns what the classifier and the regressor share:
their common parameters and constraints, ``fit`` as a template, the seeding of
every unseeded sub-estimator (members of a teacher list included), the
verbose stages, ``predict`` / ``fidelity`` and the tags. The template is::

    validate -> fit the teacher -> plan the transfer set -> label -> fit or stream the student

How the teacher's knowledge reaches the student (hard labels, soft labels in
one of their forms, per-class regression, regression) is one
:class:`~skmetamorph._target_kinds.TargetKind` object per fit, chosen by the
task (``_target_kind_class``); the task classes keep only validation, the
classes and their public methods, as scikit-learn's ``_BaseStacking`` serves
``StackingClassifier`` and ``StackingRegressor``.

A fit is a transaction: the teacher, transfer set and student are built in
a :class:`FitRecord` and become the estimator's attributes only once all of
them succeeded.
"""

import copy
import inspect
import os
import pickle
import tempfile
import warnings
from abc import ABCMeta, abstractmethod
from dataclasses import dataclass
from numbers import Integral
from typing import Optional

import joblib
import numpy as np
from joblib import Memory
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.frozen import FrozenEstimator
from sklearn.utils import check_random_state, get_tags
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    get_routing_for_object,
    process_routing,
)
from sklearn.utils.validation import (
    check_is_fitted,
    check_memory,
    has_fit_parameter,
    validate_data,
)

from ._engine import label_transfer_set, stream_to_student
from ._fingerprint import code_key
from ._progress import Progress, Stage
from ._teachers import fit_teacher, needs_no_data
from .base import transfer_plan
from .samplers import PoolSampler
from .samplers._auto import resolve_auto
from .utils._data import with_feature_names
from .utils._sklearn_compat import (
    HasMethods,
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    _routing_enabled,
)
from .utils._tags import MetamorphTags, get_metamorph_tags

__all__ = ["BaseMetamorphosis", "is_metamorphosis", "seed_unseeded"]


def _with_seed_keys(estimator):
    """Yield ``(part, params, seed_keys)`` for ``estimator`` and every estimator held in its lists.

    ``get_params(deep=True)`` does not look into list parameters (the members
    of a teacher list, the samplers of a union, ``(name, estimator)`` steps),
    hence the recursion. Parts come depth first, keys and lists in sorted
    order, so that the same seed always maps to the same sub-seeds. Frozen
    estimators and objects without ``get_params`` are never yielded.
    """
    if isinstance(estimator, FrozenEstimator) or not hasattr(estimator, "get_params"):
        return
    params = estimator.get_params(deep=True)
    keys = sorted(key for key in params if key == "random_state" or key.endswith("__random_state"))
    yield estimator, params, keys
    for key in sorted(params):
        if isinstance(params[key], (list, tuple)):
            for item in params[key]:
                member = item[1] if isinstance(item, tuple) and len(item) == 2 else item
                if not isinstance(member, type):
                    yield from _with_seed_keys(member)


def seed_unseeded(estimator, rng):
    """Give every ``random_state`` left at None in ``estimator`` a seed drawn from ``rng``.

    Frozen teachers and objects without ``get_params`` are never touched.
    Keys are seeded in sorted order, and estimators held in list parameters
    (the members of a teacher list, the samplers of a union) after them, in
    order, so that a seed maps to the same sub-seeds every time.

    Parameters
    ----------
    estimator : object
        A fresh clone: it is changed in place.
    rng : numpy.random.RandomState
        Source of the seeds.

    Returns
    -------
    estimator : object
        The same object.
    """
    for part, params, keys in _with_seed_keys(estimator):
        seeds = {
            key: int(rng.randint(np.iinfo(np.int32).max)) for key in keys if params[key] is None
        }
        if seeds:
            part.set_params(**seeds)
    return estimator


def has_seed(estimator):
    """Whether ``estimator`` or an estimator in its lists has a ``random_state`` parameter."""
    return any(keys for _, _, keys in _with_seed_keys(estimator))


def reseeded_for_pass(estimator, pass_index):
    """Mix ``pass_index`` into every seed of ``estimator`` (a fresh clone, changed in place).

    An int seed ``s`` becomes a seed drawn from ``SeedSequence([s, pass_index])``,
    so each pass of a ``fresh_rows`` fit gets its own rows, reproducibly; a
    ``RandomState`` instance gives an int drawn from it (its stream moves
    on, as scikit-learn's estimators move a shared instance on); ``None``
    stays ``None`` (unseeded: new rows anyway). Members of list parameters
    (the samplers of a union) are re-keyed too, as in :func:`seed_unseeded`.

    Parameters
    ----------
    estimator : object
        A clone of a fitted sampler: it is changed in place.
    pass_index : int
        The pass, from 1 (pass 0 keeps the original rows).

    Returns
    -------
    estimator : object
        The same object.
    """
    for part, params, keys in _with_seed_keys(estimator):
        seeds = {}
        for key in keys:
            seed = params[key]
            if seed is None:
                continue
            if not isinstance(seed, Integral):
                seed = check_random_state(seed).randint(np.iinfo(np.int32).max)
            sequence = np.random.SeedSequence([int(seed) % 2**63, int(pass_index)])
            seeds[key] = int(sequence.generate_state(1)[0] >> 1)
        if seeds:
            part.set_params(**seeds)
    return estimator


#: numpydoc entries of the parameters and attributes both meta-estimators
#: share, written once; each class docstring takes them as ``%(name)s``.
SHARED_DOCS = {
    "n_jobs": """n_jobs : int, default=None
        Number of chunks made and labeled in parallel through joblib. ``None``
        means 1 unless in a :func:`joblib.parallel_backend` context; under
        ``parallel_backend("dask")`` the chunks run on a Dask cluster.""",
    "random_state": """random_state : int, RandomState instance or None, default=None
        Seeds the transfer sampler and every ``random_state`` parameter of the
        teacher and student that is left at ``None``, so that the same seed
        gives the same model. Parameters the user set are never changed.""",
    "verbose": """verbose : int, default=0
        1 prints each stage (teacher fit, generation, labeling, student fit)
        with its size and time, and progress lines (rows done, rate, ETA) of
        the labeling and streaming loops, one per further tenth of the work
        at most every 5 seconds. 2 prints progress after every chunk (at most
        twice a second).""",
    "transfer_sampler_": """transfer_sampler_ : BaseTransferSampler
        The sampler that made the transfer set.""",
    "student_": """student_ : estimator
        The fitted student.""",
    "n_transfer_samples_": """n_transfer_samples_ : int
        Number of rows the sampler made (labeled rows not counted).""",
    "feature_names_in_": """feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.""",
    "fresh_rows": """fresh_rows : bool, default=False
        With ``streaming=True``: draw a new transfer set for every pass
        instead of making the same rows again. Pass ``k`` re-plans the sampler
        with its seeds mixed with ``k`` (pass 0 makes the rows of
        ``fresh_rows=False``), and the teacher labels the new rows as the
        student trains: a random sampler (image moves, MUNGE, noise) shows
        the student a new draw of the data's neighbourhood each pass, the
        "patient, consistent teacher" of function matching (Beyer et al.,
        2022), at the same number of student updates. Needs a sampler with a
        ``random_state`` (a clear error otherwise); a sampler whose rows do
        not depend on its seed (:class:`~skmetamorph.samplers.ImageShiftSampler`
        making every shift of every image) makes the same rows each pass. The
        teacher labels
        ``n_passes`` times as many rows, as with ``fresh_rows=False``.
        ``n_transfer_samples_`` counts the rows of one pass.""",
    "memory": """memory : str, joblib.Memory or None, default=None
        Caches the fitted teacher, and the labeled transfer set, as
        :class:`~sklearn.pipeline.Pipeline` caches its transformers: a path
        (a cache folder) or a :class:`joblib.Memory`. A fit whose teacher
        (its class and parameters, its ``random_state`` included), rows,
        targets and metadata equal those of an earlier fit loads that fit's
        teacher instead of fitting it again, so that
        ``GridSearchCV`` over samplers, temperatures or students fits the
        teacher once per fold. Where the teacher, the sampler's rows and the
        labeling settings are all equal too, the labeled transfer set is
        loaded as well (not when ``streaming``). With an int
        ``random_state`` the teacher's seed is part of its parameters, so a
        new seed misses the cache; with ``random_state=None``, as in
        ``Pipeline``, an unseeded teacher's first fit is reused whatever
        randomness a new fit would have drawn. Functions in the teacher's
        parameters (a :class:`~skmetamorph.FunctionTeacher`'s ``func``) are
        compared by their code, not only by name: bytecode, defaults, the
        values in their closure and the module-level values they read (the
        functions of your own code among them, by their code); a function
        redefined under the same name (a notebook cell run again with a new
        body) misses the cache. Functions of installed libraries, and
        classes (a teacher's own class too), compare by name, as pickle
        does: after redefining a class, clear the cache (``memory.clear()``).
        A value a function reads that does not pickle cannot be compared: a
        warning says so (clear the cache after changing it). A
        frozen teacher is never cached (it is not fitted). Cached teachers
        are loaded from disk: cache only what pickles. A path that cannot
        hold a cache (a file, a folder without write access) is a
        ``ValueError`` at fit.""",
    "batch_size": """batch_size : int, default=10000
        The transfer set is made and labeled in chunks of this many rows, so
        the memory used beyond the transfer set itself stays bounded. Samplers
        that make rows chunk by chunk (MUNGE, noise, uniform, KDE, GMM, pool,
        Sobol, Halton, union) make the same rows whatever ``batch_size`` and
        ``n_jobs``.""",
}


def with_shared_docs(cls):
    """Class decorator: fill the ``%(name)s`` entries of the docstring from SHARED_DOCS."""
    if cls.__doc__:  # None under python -OO
        cls.__doc__ = cls.__doc__ % SHARED_DOCS
    return cls


@dataclass(slots=True)
class FitRecord:
    """What one fit builds, kept apart from the estimator until the fit succeeded.

    Built at the top of ``fit`` with the validated input; the template fills
    each later field once, in this order, and :meth:`BaseMetamorphosis._commit`
    turns the record into fitted attributes. Declared with ``slots``: no step
    can add a field on the side.
    """

    #: Validated training rows (None for a data-free fit), targets, labeled mask.
    X: np.ndarray | None
    y: np.ndarray | None
    labeled: np.ndarray
    #: Column names of ``X`` when it had them: teacher, sampler and student see them.
    names: np.ndarray | None
    #: The rows' weights (None: unweighted), the labeled rows' share of them, and
    #: the weight of every transfer row (the mean of the given weights).
    sample_weight: np.ndarray | None
    head_weight: np.ndarray
    transfer_weight: float
    #: The teacher's tag "needs no data", looked up once per fit.
    data_free: bool
    #: How the teacher fit and the labeled set are cached (``memory=``).
    cache: Optional["_TransferCache"] = None
    teacher: object = None
    #: The classifier's classes (None for regression).
    classes: np.ndarray | None = None
    sampler: object = None
    plan: object = None
    #: The kind of target (a :class:`~skmetamorph._target_kinds.TargetKind`).
    kind: object = None
    #: The student being trained (wrapped as the kind of target needs).
    student: object = None

    def frame(self, X):
        """``X`` with the user's column names (a DataFrame) when ``X`` had them."""
        return with_feature_names(X, self.names)


class _TransferCache:
    """``memory=``: the teacher fit and the labeled transfer set, loaded when seen before.

    The labeled set is keyed by the *inputs* of the teacher's fit (not by the
    fitted teacher: a fitted estimator loaded from the cache pickles to other
    bytes than the one just fitted, e.g. its arrays' memory layout) plus the
    labeler's settings, the plan and the labeled rows. How the work is cut into
    chunks (``batch_size``, ``n_jobs``) does not change the rows or their
    labels, so it is no part of any key.
    """

    def __init__(self, memory, teacher_args, teacher_params):
        self.memory = memory
        # Memory(None) caches nothing: skip the hashing of the data too.
        self.active = not (isinstance(memory, Memory) and memory.location is None)
        teacher = teacher_args[0]
        self.frozen = isinstance(teacher, FrozenEstimator)
        self.teacher_key = self.code_key = None
        if self.active:
            try:
                # pickle names functions and classes only: a function redefined
                # under the same name (a notebook cell run again) would hit the
                # old entry. The code key describes the code they run.
                self.code_key, unknown = code_key(teacher)
                self.teacher_key = joblib.hash((teacher_args, teacher_params, self.code_key))
            except (pickle.PicklingError, TypeError, AttributeError) as error:
                raise TypeError(
                    f"memory= keys its cache on the teacher and the training data, so they "
                    f"must pickle; the teacher {type(teacher).__name__} does not: {error}. "
                    "Define its callbacks and functions at module level (not inside a "
                    "function), or set memory=None."
                ) from error
            if unknown and not self.frozen:
                warnings.warn(
                    f"memory= cannot tell whether {', '.join(unknown[:3])} changed: it does "
                    "not pickle, so the cache keys on its type only and may serve a teacher "
                    "(and labels) fitted with an older value. Clear the cache "
                    "(memory.clear()) after changing it, or set memory=None.",
                    UserWarning,
                    stacklevel=4,
                )

    def fit_teacher(self, *args, **params):
        if self.frozen or not self.active:  # a frozen teacher is not fitted: nothing to keep
            return fit_teacher(*args, **params)
        return self.memory.cache(_fit_teacher_keyed)(self.code_key, *args, **params)

    def labeled_transfer_set(self, plan, labeler, head_rows, head_targets, **work):
        """The student's rows and targets: loaded when seen before, else labeled (and kept)."""
        if not self.active:
            return label_transfer_set(plan, labeler, head_rows, head_targets, **work)
        settings = copy.copy(labeler)
        settings.teacher = self.teacher_key  # the teacher by the inputs of its fit
        cached = self.memory.cache(_labeled_transfer_set_keyed, ignore=["labeler", "work"])
        return cached(joblib.hash(settings), plan, labeler, head_rows, head_targets, work)


def _fit_teacher_keyed(code_key, teacher, X, y, labeled, teacher_data, **params):
    """:func:`fit_teacher` with a key of the code the teacher runs (``memory.cache`` target)."""
    return fit_teacher(teacher, X, y, labeled, teacher_data, **params)


def checked_memory(memory):
    """``check_memory(memory)``, with a clear error when its folder cannot hold a cache.

    A path to a file, or to a folder without write access, would otherwise
    fail in joblib (making the folder, or writing the first entry deep in the
    fit) with an ``OSError`` that does not name ``memory``.
    """
    try:
        checked = check_memory(memory)
        location = getattr(checked, "location", None)
        if location is not None:
            os.makedirs(location, exist_ok=True)
            with tempfile.TemporaryFile(dir=location):
                pass
    except OSError as error:
        raise ValueError(
            f"memory={memory!r} cannot be used as a cache folder: {error}. Pass the path "
            "of a folder you can write to (it is created if missing), a joblib.Memory, "
            "or memory=None."
        ) from error
    return checked


def _labeled_transfer_set_keyed(labeling_key, plan, labeler, head_rows, head_targets, work):
    """:func:`label_transfer_set` with a key that names the labeler (``memory.cache`` target)."""
    return label_transfer_set(plan, labeler, head_rows, head_targets, **work)


class BaseMetamorphosis(MetaEstimatorMixin, BaseEstimator, metaclass=ABCMeta):
    """Base class of :class:`MetamorphosisClassifier` and :class:`MetamorphosisRegressor`.

    Warning: This class should not be used directly. Use the derived classes
    instead.
    """

    _parameter_constraints: dict = {
        "teacher": [HasMethods(["fit", "predict"]), list],
        "student": [HasMethods(["fit", "predict"])],
        "transfer_sampler": [HasMethods(["fit_generate"]), StrOptions({"auto"}), None],
        "include_labeled": ["boolean"],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        # n_jobs=0 means nothing in joblib: rejected here, whatever the chunks.
        "n_jobs": [
            Interval(Integral, None, -1, closed="right"),
            Interval(Integral, 1, None, closed="left"),
            None,
        ],
        "streaming": ["boolean"],
        "n_passes": [Interval(Integral, 1, None, closed="left")],
        "fresh_rows": ["boolean"],
        "memory": [None, str, HasMethods(["cache"])],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    #: The class that a list of teachers becomes (set by each task).
    _ensemble_class = None

    def __init__(
        self,
        teacher,
        student,
        transfer_sampler=None,
        *,
        include_labeled=True,
        batch_size=10_000,
        n_jobs=None,
        streaming=False,
        n_passes=1,
        fresh_rows=False,
        memory=None,
        random_state=None,
        verbose=0,
    ):
        self.teacher = teacher
        self.student = student
        self.transfer_sampler = transfer_sampler
        self.include_labeled = include_labeled
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.streaming = streaming
        self.n_passes = n_passes
        self.fresh_rows = fresh_rows
        self.memory = memory
        self.random_state = random_state
        self.verbose = verbose

    # ----------------------------------------------------------- the template
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X=None, y=None, **fit_params):
        """Fit the teacher, make and label the transfer set, fit the student.

        The steps: validate the input, fit the teacher (on the labeled rows,
        or on all rows for a semi-supervised teacher; a frozen teacher as it
        is), let the sampler plan the transfer set, label it with the teacher
        chunk by chunk, and fit the student (or stream the chunks into its
        ``partial_fit``). The fitted attributes are set only once every step
        succeeded.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), default=None
            Training rows, labeled and unlabeled. ``None`` only for a
            teacher that needs no data (a ``FunctionTeacher``, a frozen
            model) and a sampler that defines the input domain (such as
            ``SobolSampler(bounds=...)``).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Targets. A classifier's labels mark an unlabeled row with ``-1``
            (scikit-learn's semi-supervised convention); a regressor's
            targets with NaN (in every output). Unlabeled rows are seen by
            semi-supervised teachers and by samplers that draw from the pool.
            ``None`` (every row unlabeled) only for a teacher that needs no
            data.
        **fit_params : dict
            ``sample_weight`` (array-like of shape (n_samples,)): weights of
            the rows. The teacher is fitted with the weights of the rows it
            sees; the student gets the labeled rows' weights, and every
            transfer row the mean weight of the given rows (so rescaling the
            weights changes nothing). Without metadata routing only
            ``sample_weight`` is accepted, and teacher and student must take
            it. With ``sklearn.set_config(enable_metadata_routing=True)``,
            any metadata is routed as the teacher and student request it
            (``set_fit_request``); the student can only receive
            ``sample_weight`` (transfer rows have no other metadata), which
            is how a :class:`~sklearn.pipeline.Pipeline` student learns soft
            labels.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        # validate_data sets n_features_in_ (and feature_names_in_) before any
        # work: a fit that fails puts back what the last good fit left.
        previous = {key: self.__dict__[key] for key in _INPUT_ATTRIBUTES if key in self.__dict__}
        try:
            return self._fit(X, y, fit_params)
        except BaseException:  # KeyboardInterrupt too: nothing half-fitted stays
            for key in _INPUT_ATTRIBUTES:
                self.__dict__.pop(key, None)
            self.__dict__.update(previous)
            raise

    def _fit(self, X, y, fit_params):
        """The template: validate, teacher, plan, label, student, commit."""
        kind_class = self._target_kind_class()
        self._check_kinds(kind_class)
        data_free = needs_no_data(self.teacher)  # the teacher's tags, looked up once
        X, y, labeled = self._validate_fit_data(X, y, data_free)
        teacher_params, sample_weight = self._route_metadata(fit_params, X)
        self._check_weights(y, labeled, sample_weight, data_free)
        self._check_student_setup(kind_class, weighted=sample_weight is not None)
        if self.fresh_rows:
            self._check_fresh_rows()
        rng = check_random_state(self.random_state)
        memory = checked_memory(self.memory)
        fit = FitRecord(
            X=X,
            y=y,
            labeled=labeled,
            names=getattr(self, "feature_names_in_", None),
            sample_weight=sample_weight,
            head_weight=np.empty(0) if sample_weight is None else sample_weight[labeled],
            # Every transfer row weighs the mean of the given weights (computed
            # once here, not per streamed chunk).
            transfer_weight=(
                float(np.mean(sample_weight))
                if sample_weight is not None and sample_weight.size
                else 1.0
            ),
            data_free=data_free,
        )
        n_labeled, n_rows = int(labeled.sum()), labeled.shape[0]

        with self._stage("teacher fit", f"{n_labeled} labeled of {n_rows} rows"):
            teacher = self._seeded(clone(self._teacher_template()), rng)
            teacher_y, teacher_data = self._teacher_inputs(y, labeled)
            teacher_args = (teacher, fit.frame(X), teacher_y, labeled, teacher_data)
            fit.cache = _TransferCache(memory, teacher_args, teacher_params)
            fit.teacher = fit.cache.fit_teacher(*teacher_args, **teacher_params)
        fit.classes = self._classes_for(fit)

        # safe=False: a duck-typed sampler (fit_generate only, no get_params)
        # is deep-copied instead of cloned.
        fit.sampler = self._seeded(clone(self._sampler(), safe=False), rng)
        with self._stage("generation", "") as stage:
            # The sampler's one-off work; the rows themselves are made chunk by
            # chunk below, with their labels, where the sampler can.
            fit.plan = transfer_plan(
                fit.sampler, fit.frame(X), self._sampler_y(fit), teacher=fit.teacher
            )
            stage["info"] = f"{len(fit.plan)} transfer rows"

        fit.kind = kind_class.for_fit(self.get_params(deep=False), fit.classes, fit.names)
        student = self._seeded(clone(self.student), rng)
        # The student's own tag, read before the kind may wrap it.
        partial_fit_params = self._partial_fit_params(student)
        fit.student = fit.kind.prepared_student(student)
        if self.include_labeled and n_labeled > 0:
            head_rows = X[labeled]
            head_targets = fit.kind.labeled_targets(fit.teacher, head_rows, y[labeled])
        else:
            dtype = fit.plan.dtype if X is None else X.dtype
            head_rows, head_targets = np.empty((0, fit.plan.n_features), dtype), None
            fit.head_weight = np.empty(0)
        if len(fit.plan) == 0 and head_rows.shape[0] == 0:
            raise ValueError(
                f"The transfer set is empty: {type(fit.sampler).__name__} made no rows and "
                "no labeled rows join it (include_labeled=False, or no labels). Lower the "
                "sampler's threshold, use another sampler or set include_labeled=True."
            )
        labeler = fit.kind.labeler(fit.teacher)
        if self.streaming:
            n_student_rows = len(fit.plan) + head_rows.shape[0]
            info = f"{n_student_rows} rows x {self.n_passes} passes, streamed"
            if self.fresh_rows:
                info += ", fresh rows each pass"

            def partial_fit(rows, targets, head):
                weights = self._student_weights(fit, rows.shape[0], head)
                fit.kind.partial_fit(fit.student, rows, targets, weights, head, partial_fit_params)

            with self._stage("student fit", info):
                stream_to_student(
                    partial_fit,
                    fit.plan,
                    labeler,
                    head_rows,
                    head_targets,
                    n_passes=self.n_passes,
                    plan_for_pass=self._fresh_plan_maker(fit) if self.fresh_rows else None,
                    batch_size=self.batch_size,
                    n_jobs=self.n_jobs,
                    rng=np.random.default_rng(rng.randint(np.iinfo(np.int32).max)),
                    progress=self._progress("streaming", self.n_passes * n_student_rows),
                )
        else:
            with self._stage("labeling", f"{len(fit.plan)} rows"):
                X_student, targets = fit.cache.labeled_transfer_set(
                    fit.plan,
                    labeler,
                    head_rows,
                    head_targets,
                    batch_size=self.batch_size,
                    n_jobs=self.n_jobs,
                    progress=self._progress("labeling", len(fit.plan)),
                )
            with self._stage("student fit", f"{X_student.shape[0]} rows"):
                weights = self._student_weights(fit, X_student.shape[0], "all")
                fit.kind.fit(fit.student, X_student, targets, weights)
        self._commit(fit)
        return self

    def _commit(self, fit):
        """Make what the fit built the estimator's fitted attributes."""
        self.teacher_ = fit.teacher
        self.transfer_sampler_ = fit.sampler
        self.student_ = fit.student
        self.n_transfer_samples_ = len(fit.plan)
        # How the student's outputs are read back, fixed at fit (labels may change later).
        self._target_kind_ = fit.kind
        if fit.classes is not None:  # a classification fit
            self.classes_ = fit.classes
            self.student_output_ = fit.kind.output
        if fit.X is None:  # a data-free fit: the sampler defined the rows
            self.n_features_in_ = fit.plan.n_features
            self.__dict__.pop("feature_names_in_", None)

    # ------------------------------------------------------------ task hooks
    @abstractmethod
    def _validate_fit_data(self, X, y, data_free):
        """``(X, y, labeled)``: validated rows (or None), targets (or None), labeled mask."""

    def _validate_data_free(self, y):
        """``fit(X=None)``: allowed for a teacher that needs no data and a sampler that needs no X.

        The sampler then defines the input domain (a simulation over a
        quasi-random design); returns ``(None, None, no labeled rows)``.
        """
        name = type(self).__name__
        if not needs_no_data(self.teacher):
            raise ValueError(
                f"{name}.fit(X=None) needs a teacher that needs no data, such as "
                "FunctionTeacher or FrozenEstimator(fitted_model); "
                f"got {type(self.teacher).__name__}."
            )
        sampler = self._sampler()
        if not get_metamorph_tags(sampler).sampler.needs_no_X:
            raise ValueError(
                f"{name}.fit(X=None) needs a transfer sampler that defines the input "
                "domain itself, such as SobolSampler(n_samples=256, bounds=[(low, high), "
                f"...]); {type(sampler).__name__} makes rows from data."
            )
        if y is not None:
            raise ValueError("y was given without X.")
        return None, None, np.zeros(0, dtype=bool)

    def _route_metadata(self, fit_params, X):
        """``(teacher_params, sample_weight)``: what ``fit``'s metadata gives teacher and student."""
        method = "partial_fit" if self.streaming else "fit"
        if _routing_enabled():
            routed = process_routing(self, "fit", **fit_params)
            # A list of teachers is not a routing target (see get_metadata_routing).
            teacher_params = {} if isinstance(self.teacher, list) else dict(routed.teacher.fit)
            student_params = dict(routed.student[method])
        else:
            unknown = sorted(set(fit_params) - {"sample_weight"})
            if unknown:
                raise TypeError(
                    f"{type(self).__name__}.fit got unexpected keyword arguments {unknown}. "
                    "Without metadata routing only sample_weight is accepted; enable it "
                    "with sklearn.set_config(enable_metadata_routing=True) and request the "
                    "metadata with set_fit_request on the teacher."
                )
            weights = {k: v for k, v in fit_params.items() if v is not None}
            self._check_accepts_weights(weights)
            teacher_params = student_params = weights
        extra = sorted(set(student_params) - {"sample_weight"})
        if extra:
            raise ValueError(
                f"The student requested {extra}, but only sample_weight can reach it: the "
                "transfer rows the teacher labels have no other metadata."
            )
        sample_weight = student_params.get("sample_weight")
        if sample_weight is not None:
            if X is None:
                raise ValueError("sample_weight was given without X.")
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
        if X is None:
            teacher_params = {}
        return teacher_params, sample_weight

    def _check_accepts_weights(self, weights):
        """Without routing, sample_weight must be accepted by the teacher(s) and the student."""
        if "sample_weight" not in weights:
            return
        for role, estimator in [("teacher", t) for t in self._teacher_list()]:
            if needs_no_data(estimator) or isinstance(estimator, FrozenEstimator):
                continue  # fitted on nothing: there is nothing to weigh
            if not has_fit_parameter(estimator, "sample_weight"):
                raise ValueError(
                    f"sample_weight was given, and the {role} {type(estimator).__name__}.fit "
                    "does not take it. Use another teacher, or metadata routing "
                    "(sklearn.set_config(enable_metadata_routing=True)) to send the "
                    "weights only where they are requested."
                )

    def get_metadata_routing(self):
        """How ``fit``'s metadata reaches the teacher and the student.

        The teacher's ``fit`` gets what it requests (a list of teachers gets
        none), the student's ``fit`` (or ``partial_fit`` when streaming) what
        it requests, of which only ``sample_weight`` is possible (see
        scikit-learn's user guide on metadata routing).

        Returns
        -------
        routing : MetadataRouter
            The routing of this object.
        """
        router = MetadataRouter(owner=self)
        if not isinstance(self.teacher, list):
            router.add(
                teacher=self.teacher,
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
        router.add(
            student=self.student,
            method_mapping=MethodMapping()
            .add(caller="fit", callee="fit")
            .add(caller="fit", callee="partial_fit"),
        )
        return router

    def _student_weights(self, fit, n_rows, head):
        """Weights of ``n_rows`` student rows: a slice of the labeled rows', or transfer rows'.

        ``head`` is the slice of the labeled rows for a chunk of them, None
        for transfer rows, ``"all"`` for the whole student set (labeled rows
        first). None when no sample_weight was given.
        """
        if fit.sample_weight is None:
            return None
        if head is None:
            return np.full(n_rows, fit.transfer_weight)
        if isinstance(head, slice):
            return fit.head_weight[head]
        n_head = len(fit.head_weight)
        return np.concatenate([fit.head_weight, np.full(n_rows - n_head, fit.transfer_weight)])

    def _check_student_setup(self, kind_class, weighted=False):
        """Raise a clear error before any work when the student cannot be trained."""
        if self.streaming and not callable(getattr(self.student, "partial_fit", None)):
            raise ValueError(
                f"streaming=True trains the student chunk by chunk with partial_fit, and "
                f"{type(self.student).__name__} has no partial_fit. Use a student that has "
                "one (SGDClassifier, SGDRegressor, MLPClassifier, MLPRegressor, "
                "MultinomialNB, skmetamorph.torch.TorchClassifier, ...) or streaming=False."
            )
        if weighted and not self._student_takes_weights():
            method = "partial_fit" if self.streaming else "fit"
            raise ValueError(
                f"sample_weight was given, and the student {type(self.student).__name__}."
                f"{method} does not take it. For a Pipeline student, enable metadata routing "
                "(sklearn.set_config(enable_metadata_routing=True)) and request the weights "
                "on its last step (set_fit_request(sample_weight=True))."
            )
        kind_class.check_setup(
            student=self.student,
            teachers=self._teacher_list(),
            method="partial_fit" if self.streaming else "fit",
            student_takes_weights=self._student_takes_weights(),
        )

    def _check_fresh_rows(self):
        """``fresh_rows=True`` needs a streamed fit and a sampler that has randomness to renew."""
        if not self.streaming:
            raise ValueError(
                "fresh_rows=True draws a new transfer set for every pass of a streamed fit; "
                "set streaming=True (with n_passes > 1), or fresh_rows=False. Without "
                "streaming, a larger n_samples of the sampler gives more rows instead."
            )
        sampler = self._sampler()
        if not has_seed(sampler):
            raise ValueError(
                f"fresh_rows=True draws each pass's rows with a new seed of the transfer "
                f"sampler, but {type(sampler).__name__} has no random_state: it would make "
                "the same rows every pass. Use a random sampler (ImageRotationSampler, "
                "ElasticDistortionSampler, MUNGE, GaussianNoiseSampler, ...), a UnionSampler "
                "holding one, or fresh_rows=False."
            )

    def _fresh_plan_maker(self, fit):
        """``pass -> TransferPlan``: the plan of pass ``k >= 1``, from the sampler re-keyed for ``k``.

        Pass 0 keeps ``fit.plan``, so ``n_passes=1`` gives the rows of
        ``fresh_rows=False``. Each later pass re-plans a clone of the fitted
        sampler whose seeds are mixed with the pass number
        (:func:`reseeded_for_pass`): the same seed gives the same sequence of
        transfer sets, and the teacher labels each new set as the student
        trains (Beyer et al. 2022: a patient, consistent teacher).
        """

        def plan_for_pass(pass_index):
            sampler = reseeded_for_pass(clone(fit.sampler, safe=False), pass_index)
            return transfer_plan(
                sampler, fit.frame(fit.X), self._sampler_y(fit), teacher=fit.teacher
            )

        return plan_for_pass

    def _student_takes_weights(self):
        """Whether the student's fit (partial_fit when streaming) can take sample_weight."""
        method = "partial_fit" if self.streaming else "fit"
        if _routing_enabled():
            return get_routing_for_object(self.student).consumes(method, ["sample_weight"]) != set()
        # Named, not through **kwargs: Pipeline.fit(**params) wants step__sample_weight.
        return "sample_weight" in inspect.signature(getattr(self.student, method)).parameters

    def _check_kinds(self, kind_class):
        """Raise when a teacher or the student declares the wrong kind (classifier/regressor).

        The teachers must be of the task's kind, the student of the kind its
        targets need (``kind_class.student_type``). Estimators that declare no
        type (duck-typed ones) are trusted.
        """
        student_type = declared_type(self.student)
        if student_type in _KINDS and student_type != kind_class.student_type:
            raise ValueError(self._wrong_student_message(kind_class, student_type))
        wanted, wrong, other_task = self._kind
        for teacher in self._teacher_list():
            if declared_type(teacher) == wrong:
                raise ValueError(
                    f"{type(self).__name__} needs a {wanted} as its teacher; "
                    f"{type(teacher).__name__} is a {wrong}. Use {other_task}, or a "
                    f"{wanted}."
                )

    def _wrong_student_message(self, kind_class, student_type):
        """Why the student's declared kind cannot learn these targets (task hook)."""
        wanted, _, other_task = self._kind
        return (
            f"{type(self).__name__} needs a {wanted} as its student; "
            f"{type(self.student).__name__} is a {student_type}. Use {other_task}, or a "
            f"{wanted}."
        )

    def _check_weights(self, y, labeled, sample_weight, data_free):
        """Raise when the weights leave nothing to learn from (task hook)."""

    def _teacher_inputs(self, y, labeled):
        """``(y, teacher_data)``: the targets a teacher is fitted with, and which rows it sees.

        The targets carry the task's unlabeled marker as the teacher expects
        it; ``teacher_data="auto"`` gives semi-supervised teachers all rows.
        """
        return y, "auto"

    def _classes_for(self, fit):
        """The classes of a classification fit, once the teacher is fitted (task hook)."""
        return None

    @abstractmethod
    def _sampler_y(self, fit):
        """What the sampler sees as ``y``: labels with ``-1`` for unlabeled rows."""

    @abstractmethod
    def _target_kind_class(self):
        """The :class:`~skmetamorph._target_kinds.TargetKind` subclass this fit uses."""

    # --------------------------------------------------------------- helpers
    def _partial_fit_params(self, student):
        """Keywords every streamed ``partial_fit`` call gets (the student's tag)."""
        return dict(get_metamorph_tags(student).student.partial_fit_params)

    def _sampler(self):
        """The sampler to use: the pool by default; ``"auto"`` an AutoSampler scoring with the student."""
        if self.transfer_sampler is None:
            return PoolSampler()
        # The class says the task (not get_tags: the tags ask for this sampler).
        task = "classification" if self._kind[0] == "classifier" else "regression"
        return resolve_auto(self.transfer_sampler, self.student, task)

    def _teacher_list(self):
        return list(self.teacher) if isinstance(self.teacher, list) else [self.teacher]

    def _teacher_template(self):
        if isinstance(self.teacher, list):
            return self._ensemble_class(list(self.teacher))
        return self.teacher

    def _seeded(self, estimator, rng):
        """Seed ``estimator``'s unseeded parts, only when the meta-estimator is seeded.

        ``random_state=None`` keeps the sub-estimators' own (unseeded)
        behaviour; parameters the user set are never changed.
        """
        if self.random_state is None:
            return estimator
        return seed_unseeded(estimator, rng)

    def _stage(self, name, info):
        return Stage(type(self).__name__, name, info, self.verbose)

    def _progress(self, what, total):
        return Progress(type(self).__name__, what, total, self.verbose)

    def _parts(self):
        """The teacher(s) and the student: what decides the NaN policy and the tags."""
        return self._teacher_list() + [self.student]

    def _finite_check(self):
        """``ensure_all_finite``: NaN passes only if the teacher(s), student and sampler take it."""
        parts = self._parts() + [self._sampler()]
        allow_nan = all(_allows_nan(part) for part in parts)
        return "allow-nan" if allow_nan else True

    def __skmetamorph_tags__(self):
        # A metamorphosis that can fit from nothing (a teacher that needs no
        # data, a sampler that defines the domain) needs no data as a teacher
        # either: MetamorphosisClassifier(MetamorphosisClassifier(simulation,
        # metamodel, design), PRIM(), transfer).fit() is the REDS chain.
        tags = MetamorphTags()
        tags.teacher.needs_no_data = bool(
            needs_no_data(self.teacher) and get_metamorph_tags(self._sampler()).sampler.needs_no_X
        )
        return tags

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self._finite_check() == "allow-nan"
        tags.input_tags.sparse = False
        return tags

    # ------------------------------------------------------------ predicting
    def predict(self, X):
        """Predict with the student.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to predict.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The student's predictions: classes for a classifier (for a
            regressor student of a classifier, ``labels="proba"`` or
            ``"logit"``, the class of its largest regressed value), values
            for a regressor.
        """
        X = self.student_input(X)
        return self._target_kind_.predict(self.student_, X)

    def fidelity(self, X):
        """Agreement of the student with its teacher on ``X``.

        For a classifier, the fraction of rows on which the student predicts
        the teacher's class (a regressor student's classes are those of
        :meth:`predict`); for a regressor, the R² of the student's
        predictions against the teacher's (averaged uniformly over outputs).
        See :func:`skmetamorph.metrics.fidelity_score`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to compare on (held-out rows tell more than the training rows).

        Returns
        -------
        fidelity : float
            In [0, 1] for a classifier; at most 1 (a perfect copy) for a regressor.
        """
        # The metrics read fitted meta-estimators (they import this module), so
        # they are imported when called, not with this module.
        from .metrics import fidelity_score

        X = self.student_input(X)
        # A student whose outputs are read (regressed per-class values) is
        # compared through this estimator's own predict.
        reads = self._target_kind_.output in ("class", "value")
        return fidelity_score(self.teacher_, self.student_ if reads else self, X)

    def student_input(self, X):
        """``X`` as the fitted teacher and student see it: validated, with the fit's column names.

        What :meth:`predict` passes to the student, for code that calls the
        fitted ``teacher_`` or ``student_`` itself (reports, rules, timing).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows.

        Returns
        -------
        X_checked : ndarray or DataFrame of shape (n_samples, n_features)
            Float rows; a DataFrame with ``feature_names_in_`` as its columns
            when the fit's ``X`` had string column names.
        """
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            reset=False,
            dtype=[np.float64, np.float32],
            ensure_all_finite=self._finite_check(),
        )
        return with_feature_names(X, getattr(self, "feature_names_in_", None))


#: The kinds an estimator can declare that the meta-estimators check.
_KINDS = ("classifier", "regressor")

#: Attributes that input validation sets on the estimator before the fit's work.
_INPUT_ATTRIBUTES = ("n_features_in_", "feature_names_in_")


def is_metamorphosis(estimator):
    """Whether ``estimator`` is one of the meta-estimators (public in ``skmetamorph.utils``)."""
    return isinstance(estimator, BaseMetamorphosis)


def declared_type(estimator):
    """The kind an estimator declares ("classifier", "regressor", ...), or None for a duck."""
    try:
        return get_tags(estimator).estimator_type
    except AttributeError:  # no __sklearn_tags__: a duck-typed estimator declares nothing
        return None


def _allows_nan(estimator):
    """Whether an estimator takes NaN in X (a duck-typed one without tags: no)."""
    try:
        return get_tags(estimator).input_tags.allow_nan
    except AttributeError:  # no __sklearn_tags__: a duck-typed sampler or estimator
        return False
