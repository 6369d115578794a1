"""MetamorphosisRegressor: turn a regression teacher (a model or a simulation) into any student."""

import warnings

import numpy as np
from sklearn.base import (
    BaseEstimator,
    MetaEstimatorMixin,
    RegressorMixin,
    _fit_context,
    clone,
)
from sklearn.exceptions import DataConversionWarning
from sklearn.frozen import FrozenEstimator
from sklearn.utils import check_random_state, get_tags
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    validate_data,
)

from ._chunks import plan_for
from ._common import (
    SHARED_PARAMETER_CONSTRAINTS,
    StudentPredictionsMixin,
    VerboseStage,
    finite_check,
    needs_no_data,
    seed_unseeded,
)
from ._labeling import ChunkLabeler
from ._progress import Progress
from ._streaming import check_streaming_student, materialise, stream_to_student
from .samplers import PoolSampler

__all__ = ["MetamorphosisRegressor"]


class MetamorphosisRegressor(
    StudentPredictionsMixin, MetaEstimatorMixin, RegressorMixin, BaseEstimator
):
    """Turn a teacher regressor, function or simulation into a student regressor.

    The regression counterpart of :class:`~skmetamorph.MetamorphosisClassifier`:
    ``fit`` trains the teacher on the labeled rows, lets the transfer sampler
    make the transfer set, labels it with the teacher's predictions (in
    chunks) and trains the student on it. ``predict`` and ``score`` (R²) are
    the student's; :meth:`fidelity` is the R² of the student against its
    teacher. Targets may have several outputs (2d ``y``).

    Surrogates of simulations: with a :class:`~skmetamorph.FunctionTeacher`
    (or a pre-trained ``FrozenEstimator`` teacher), which needs no training
    rows, and a sampler that defines the input domain (a quasi-random sampler
    such as :class:`~skmetamorph.samplers.SobolSampler` with ``bounds``),
    ``fit(X=None, y=None)`` works without any data.

    Parameters
    ----------
    teacher : estimator or list of estimators
        The teacher, a regressor (or a :class:`~skmetamorph.FunctionTeacher`).
        It is cloned and fitted on the labeled rows inside ``fit``; a teacher
        that is already trained is passed as
        ``sklearn.frozen.FrozenEstimator(teacher)`` and is not refitted. A
        list of teachers is averaged.
    student : estimator
        The student, any scikit-learn regressor. Cloned and fitted on the
        transfer set.
    transfer_sampler : BaseTransferSampler, default=None
        Makes the rows of the transfer set. ``None`` means
        :class:`~skmetamorph.samplers.PoolSampler`: the unlabeled rows where
        there are any, else all rows, relabeled by the teacher. Samplers see
        ``y`` as a 1d marker (``-1`` unlabeled, ``0`` labeled): regression
        targets are not classes.
    include_labeled : bool, default=True
        Whether the labeled rows join the transfer set with their true
        targets.
    batch_size : int, default=10000
        The transfer set is made and labeled in chunks of this many rows, so
        the memory used beyond the transfer set itself stays bounded.
    n_jobs : int, default=None
        Number of chunks made and labeled in parallel through joblib. ``None``
        means 1 unless in a :func:`joblib.parallel_backend` context; under
        ``parallel_backend("dask")`` the chunks run on a Dask cluster.
    streaming : bool, default=False
        Train the student chunk by chunk with its ``partial_fit``
        (``SGDRegressor``, ``MLPRegressor``, ...) instead of ``fit`` on the
        whole transfer set, which is then never held in memory.
    n_passes : int, default=1
        With ``streaming=True``, the number of passes over the transfer set
        and the labeled rows; each pass makes and labels the same rows again,
        in a new order. Ignored otherwise.
    random_state : int, RandomState instance or None, default=None
        Seeds the transfer sampler and every ``random_state`` parameter of the
        teacher and student that is left at ``None``. Parameters the user set
        are never changed.
    verbose : int, default=0
        1 prints each stage (teacher fit, generation, labeling, student fit)
        with its size and time, and progress lines (rows done, rate, ETA) of
        the labeling and streaming loops, one per further tenth of the work
        at most every 5 seconds. 2 prints progress after every chunk (at most
        twice a second).

    Attributes
    ----------
    teacher_ : estimator
        The fitted teacher (for a list, a wrapper whose ``predict`` averages
        the fitted members in its ``teachers_``).
    transfer_sampler_ : BaseTransferSampler
        The sampler that made the transfer set.
    student_ : estimator
        The fitted student.
    n_transfer_samples_ : int
        Number of rows the sampler made (labeled rows not counted).
    n_features_in_ : int
        Number of features seen during fit (from the sampler's rows when
        fitted without ``X``).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    MetamorphosisClassifier : The same for classification.
    FunctionTeacher : A function or simulation as the teacher.
    skmetamorph.samplers.SobolSampler : Quasi-random rows over a domain.

    Notes
    -----
    Unlabeled rows are marked with NaN in ``y`` (``-1`` is a valid regression
    target): a row whose targets are all NaN is unlabeled; a row with only
    some NaN targets is an error. ``y=None`` marks every row unlabeled, which
    is allowed only with a teacher that needs no data.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.ensemble import RandomForestRegressor
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skmetamorph import MetamorphosisRegressor
    >>> from skmetamorph.samplers import MUNGE
    >>> X, y = make_friedman1(n_samples=300, random_state=0)
    >>> reg = MetamorphosisRegressor(
    ...     RandomForestRegressor(n_estimators=50), DecisionTreeRegressor(max_depth=6),
    ...     transfer_sampler=MUNGE(n_samples=5.0), random_state=0)
    >>> reg.fit(X[:200], y[:200]).n_transfer_samples_
    1000
    >>> bool(reg.fidelity(X[200:]) > 0.5)
    True

    A surrogate of a function, with no data at all:

    >>> import numpy as np
    >>> from sklearn.neighbors import KNeighborsRegressor
    >>> from skmetamorph import FunctionTeacher
    >>> from skmetamorph.samplers import SobolSampler
    >>> surrogate = MetamorphosisRegressor(
    ...     FunctionTeacher(lambda X: np.sin(X[:, 0]) + X[:, 1] ** 2),
    ...     KNeighborsRegressor(n_neighbors=3),
    ...     SobolSampler(n_samples=512, bounds=[(0, 3), (-1, 1)]), random_state=0,
    ... ).fit()
    >>> surrogate.n_features_in_, bool(surrogate.fidelity(np.array([[1.0, 0.5]] * 2)) <= 1)
    (2, True)
    """

    _parameter_constraints = dict(SHARED_PARAMETER_CONSTRAINTS)

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
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X=None, y=None):
        """Fit the teacher, make and label the transfer set, fit the student.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), default=None
            Training rows, labeled and unlabeled. ``None`` only with a teacher
            that needs no data and a sampler that defines the input domain.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Targets; NaN marks an unlabeled row. ``None`` (all rows unlabeled)
            only with a teacher that needs no data.

        Returns
        -------
        self : MetamorphosisRegressor
            The fitted estimator.
        """
        data_free = needs_no_data(self.teacher)
        sampler = self._sampler()
        X, y, labeled = self._validate_fit_data(X, y, data_free, sampler)
        if self.streaming:
            check_streaming_student(self.student)
        rng = check_random_state(self.random_state)
        seeded = self.random_state is not None

        n_labeled = int(labeled.sum())
        with VerboseStage(self, "teacher fit", f"{n_labeled} labeled rows"):
            teacher = self._teacher_template(rng, seeded)
            self.teacher_ = self._fit_teacher(teacher, X, y, labeled, data_free)

        self.transfer_sampler_ = seed_unseeded(clone(sampler), rng, seeded)
        with VerboseStage(self, "generation", "") as stage:
            # The sampler's one-off work; the rows themselves are made chunk by
            # chunk below, with their labels, where the sampler can.
            marker = None if X is None else np.where(labeled, 0, -1)
            plan = plan_for(self.transfer_sampler_, X, marker, self.teacher_)
            stage["info"] = f"{len(plan)} transfer rows"
        self.n_transfer_samples_ = len(plan)
        if X is None:
            self.n_features_in_ = plan.n_features
            self.__dict__.pop("feature_names_in_", None)

        keep_labeled = self.include_labeled and n_labeled > 0
        if self.n_transfer_samples_ == 0 and not keep_labeled:
            raise ValueError(
                f"The transfer set is empty: {type(self.transfer_sampler_).__name__} made no "
                "rows and there are no labeled rows to keep (include_labeled=False or no "
                "labels)."
            )
        if keep_labeled:
            head_rows, head_targets = X[labeled], y[labeled]
        else:
            head_rows, head_targets = np.empty((0, plan.n_features), plan.dtype), None
        # Transfer targets take the shape of y's rows (a teacher may give (n, 1)
        # for 1d y); without labeled rows, the teacher's own shape.
        outputs = None if head_targets is None else head_targets.shape[1:]
        labeler = ChunkLabeler(self.teacher_, "regression", outputs=outputs)

        self.student_ = seed_unseeded(clone(self.student), rng, seeded)
        if self.streaming:
            info = f"{len(plan) + head_rows.shape[0]} rows x {self.n_passes} passes, streamed"
            with VerboseStage(self, "student fit", info):
                stream_to_student(
                    lambda rows, targets, head: self.student_.partial_fit(rows, targets),
                    plan,
                    labeler,
                    head_rows,
                    head_targets,
                    n_passes=self.n_passes,
                    batch_size=self.batch_size,
                    n_jobs=self.n_jobs,
                    rng=np.random.default_rng(rng.randint(np.iinfo(np.int32).max)),
                    owner=type(self).__name__,
                    verbose=self.verbose,
                )
            return self

        with VerboseStage(self, "labeling", f"{len(plan)} rows"):
            X_student, targets = materialise(
                plan,
                labeler,
                head_rows,
                head_targets,
                batch_size=self.batch_size,
                n_jobs=self.n_jobs,
                progress=Progress(type(self).__name__, "labeling", len(plan), self.verbose),
            )
        with VerboseStage(self, "student fit", f"{X_student.shape[0]} rows"):
            self.student_.fit(X_student, targets)
        return self

    def _sampler(self):
        return self.transfer_sampler if self.transfer_sampler is not None else PoolSampler()

    def _teacher_template(self, rng, seeded):
        # List members are seeded one by one: get_params does not look into lists.
        if isinstance(self.teacher, list):
            return _AveragedTeachers([seed_unseeded(clone(t), rng, seeded) for t in self.teacher])
        return seed_unseeded(clone(self.teacher), rng, seeded)

    def _validate_fit_data(self, X, y, data_free, sampler):
        """Validated ``X`` (or None), float ``y`` (or None) and the labeled-row mask."""
        name = type(self).__name__
        if X is None:
            if not data_free:
                raise ValueError(
                    f"{name}.fit(X=None) needs a teacher that needs no data, such as "
                    "FunctionTeacher or FrozenEstimator(fitted_regressor); "
                    f"got {type(self.teacher).__name__}."
                )
            if not getattr(sampler, "_generates_without_X", False):
                raise ValueError(
                    f"{name}.fit(X=None) needs a transfer sampler that defines the input "
                    "domain itself, such as SobolSampler(n_samples=256, bounds=[(low, high), "
                    f"...]); {type(sampler).__name__} makes rows from data."
                )
            if y is not None:
                raise ValueError("y was given without X.")
            return None, None, np.zeros(0, dtype=bool)
        if y is None and not data_free:
            raise ValueError(
                f"{name} requires y to be passed, but the target y is None. Only a teacher "
                "that needs no data (FunctionTeacher, FrozenEstimator) can do without."
            )
        X = validate_data(
            self, X, dtype=[np.float64, np.float32], ensure_all_finite=self._finite_check()
        )
        if y is None:
            return X, None, np.zeros(X.shape[0], dtype=bool)
        y = self._validate_y(X, y)
        missing = np.isnan(y) if y.ndim == 1 else np.isnan(y).reshape(y.shape[0], -1)
        unlabeled = missing if y.ndim == 1 else missing.all(axis=1)
        if y.ndim > 1 and (missing.any(axis=1) & ~unlabeled).any():
            raise ValueError(
                "Some rows of y have NaN in only some outputs; a row is unlabeled when all "
                "of its targets are NaN, and labeled rows need every target."
            )
        if unlabeled.all() and not data_free:
            raise ValueError(
                "All rows are unlabeled (y is NaN): the teacher needs labeled rows to learn "
                "from. Pass a pre-trained teacher as FrozenEstimator(teacher) or a "
                "FunctionTeacher."
            )
        return X, y, ~unlabeled

    def _validate_y(self, X, y):
        y = check_array(
            y, ensure_2d=False, dtype=np.float64, ensure_all_finite="allow-nan", input_name="y"
        )
        check_consistent_length(X, y)
        if np.isinf(y).any():
            raise ValueError("Input y contains infinity; NaN is the only allowed marker.")
        if y.ndim > 2:
            raise ValueError(f"y must be 1d or 2d; got shape {y.shape}.")
        if y.ndim == 2 and y.shape[1] == 1 and not self._multi_output():
            # As single-output scikit-learn regressors do with a column vector.
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected. Please change "
                "the shape of y to (n_samples,), for example using ravel().",
                DataConversionWarning,
                stacklevel=3,
            )
            y = y.ravel()
        return y

    def _fit_teacher(self, teacher, X, y, labeled, data_free):
        if isinstance(teacher, FrozenEstimator):
            return teacher
        if isinstance(teacher, _AveragedTeachers):
            return teacher.fit(X, y, labeled)
        if data_free:
            # A function knows its answers; it only records the input shape.
            return teacher.fit(X)
        return teacher.fit(X[labeled], y[labeled])

    # ------------------------------------------------------------ predicting
    # --------------------------------------------------------------- helpers
    def _parts(self):
        teachers = list(self.teacher) if isinstance(self.teacher, list) else [self.teacher]
        return teachers + [self.student]

    def _finite_check(self):
        """NaN in X is let through only when the teacher(s), student and sampler all take it."""
        return finite_check(self._parts() + [self._sampler()])

    def _multi_output(self):
        return all(get_tags(part).target_tags.multi_output for part in self._parts())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self._finite_check() == "allow-nan"
        tags.input_tags.sparse = False
        tags.target_tags.multi_output = self._multi_output()
        tags.target_tags.required = not needs_no_data(self.teacher)
        tags.regressor_tags.poor_score = any(
            getattr(get_tags(part).regressor_tags, "poor_score", False)
            for part in self._parts()
            if get_tags(part).regressor_tags is not None
        )
        return tags


class _AveragedTeachers(RegressorMixin, BaseEstimator):
    """Several regression teachers whose predictions are averaged.

    Each member is fitted on the labeled rows (a ``FrozenEstimator`` is kept as
    it is, a teacher that needs no data gets only the rows' shape).
    """

    def __init__(self, teachers):
        self.teachers = teachers

    def fit(self, X, y, labeled):
        if len(self.teachers) == 0:
            raise ValueError("teacher must be an estimator or a non-empty list of estimators.")
        self.teachers_ = []
        for teacher in self.teachers:
            teacher = clone(teacher)
            if isinstance(teacher, FrozenEstimator):
                pass
            elif needs_no_data(teacher):
                teacher.fit(X)
            else:
                teacher.fit(X[labeled], y[labeled])
            self.teachers_.append(teacher)
        return self

    def predict(self, X):
        predictions = [np.asarray(t.predict(X), dtype=np.float64) for t in self.teachers_]
        # Members disagree on (n,) versus (n, 1) for a column y; average as 2d.
        mean = np.mean([p.reshape(p.shape[0], -1) for p in predictions], axis=0)
        return mean.ravel() if all(p.ndim == 1 for p in predictions) else mean
