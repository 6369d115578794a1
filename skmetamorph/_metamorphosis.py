"""MetamorphosisClassifier: turn a teacher into any scikit-learn student."""

import sys
from numbers import Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    _fit_context,
    clone,
)
from sklearn.frozen import FrozenEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import has_fit_parameter, validate_data

from ._chunks import plan_for
from ._common import (
    SHARED_PARAMETER_CONSTRAINTS,
    StudentPredictionsMixin,
    VerboseStage,
    finite_check,
    seed_unseeded,
)
from ._common import student_has as _student_has
from ._labeling import (
    ChunkLabeler,
    expand_soft_targets,
    mix_with_true_labels,
    soften,
    teacher_proba,
)
from ._progress import Progress
from ._streaming import (
    accepts_parameter,
    check_streaming_student,
    materialise,
    stream_to_student,
)
from ._teachers import TeacherEnsemble, align_proba, fit_teacher
from .samplers import PoolSampler
from .samplers._pool import unlabeled_mask

__all__ = ["MetamorphosisClassifier"]


class MetamorphosisClassifier(
    StudentPredictionsMixin, MetaEstimatorMixin, ClassifierMixin, BaseEstimator
):
    """Turn a teacher classifier into a student classifier through a transfer set.

    ``fit`` trains the teacher (model A) on the labeled rows, lets the transfer
    sampler make the transfer set (data 2), labels it with the teacher, and
    trains the student (model B) on it. ``predict``, ``predict_proba`` and
    ``score`` are the student's; :meth:`fidelity` measures how often the student
    agrees with its teacher. Knowledge distillation, model compression with
    MUNGE, pedagogical rule extraction and self-training are all this one step.

    Parameters
    ----------
    teacher : estimator or list of estimators
        The teacher, a classifier. It is cloned and fitted inside ``fit``:
        on the labeled rows, or on all rows with the ``-1`` markers when it is
        semi-supervised (see ``teacher_data``). A teacher that is already
        trained is passed as ``sklearn.frozen.FrozenEstimator(teacher)`` and is
        not refitted. A list of teachers becomes a
        :class:`~skmetamorph.TeacherEnsemble` whose probabilities are averaged.
    student : estimator
        The student, any scikit-learn classifier. Cloned and fitted on the
        transfer set.
    transfer_sampler : BaseTransferSampler, default=None
        Makes the rows of the transfer set. ``None`` means
        :class:`~skmetamorph.samplers.PoolSampler`: the unlabeled rows where
        there are any, else all rows, relabeled by the teacher.
    labels : {"hard", "soft"}, default="hard"
        ``"hard"``: the student learns the teacher's predicted class.
        ``"soft"``: the student learns the teacher's probabilities softened by
        ``temperature``. A student that accepts only hard ``y`` gets each
        transfer row once per class with ``sample_weight`` equal to the
        probability, so it must accept ``sample_weight``.
    temperature : float > 0, default=1.0
        Soft labels are ``softmax(log(p) / temperature)``. 1 keeps the
        teacher's belief; larger values expose which classes look alike
        (Hinton et al. 2015). Only used with ``labels="soft"``.
    alpha : float in [0, 1], default=1.0
        With ``labels="soft"`` and ``include_labeled=True``, the target of a
        labeled row is ``alpha * true_label + (1 - alpha) * soft_label``.
        The default keeps the true labels as they are. With ``labels="hard"``
        labeled rows always keep their true labels.
    include_labeled : bool, default=True
        Whether the labeled rows join the transfer set with their true labels.
    teacher_data : {"auto", "labeled", "all"}, default="auto"
        Rows the teacher is fitted on. ``"labeled"``: the labeled rows only.
        ``"all"``: every row, unlabeled ones marked ``-1`` in ``y``, as
        scikit-learn's semi-supervised estimators expect. ``"auto"``: ``"all"``
        for semi-supervised teachers (``SelfTrainingClassifier``,
        ``LabelPropagation``, ``LabelSpreading``, or an estimator with
        ``_skmetamorph_semi_supervised = True``), else ``"labeled"``.
    min_soft_weight : float in [0, 1), default=0.01
        With soft labels for a hard-label student, a class whose probability
        is below this is not repeated for a row (that row's other weights are
        renormalised). 0.01 drops less than 1% of a row's mass per class and
        keeps the expanded transfer set to a few rows per original row.
    batch_size : int, default=10000
        The transfer set is made and labeled in chunks of this many rows, so
        the memory used beyond the transfer set itself stays bounded. Samplers
        that make rows chunk by chunk (MUNGE, noise, uniform, KDE, GMM, pool,
        Sobol, Halton, union) make the same rows whatever ``batch_size`` and
        ``n_jobs``.
    n_jobs : int, default=None
        Number of chunks made and labeled in parallel through joblib. ``None``
        means 1 unless in a :func:`joblib.parallel_backend` context; under
        ``parallel_backend("dask")`` the chunks run on a Dask cluster.
    streaming : bool, default=False
        Train the student chunk by chunk with its ``partial_fit`` instead of
        calling ``fit`` on the whole transfer set, which is then never held in
        memory: its size can exceed the machine's memory. The student must
        have ``partial_fit`` (``SGDClassifier``, ``MLPClassifier``,
        ``MultinomialNB``, skorch nets, ...); it gets ``classes=classes_``.
        With ``labels="soft"`` a scikit-learn student learns through
        ``sample_weight`` (its ``partial_fit`` must take it) and a
        :class:`skmetamorph.torch.TorchClassifier` from the probabilities. A
        skorch student trains one epoch per chunk.
    n_passes : int, default=1
        With ``streaming=True``, the number of passes over the transfer set
        and the labeled rows. Every pass makes and labels the chunks again
        (the same rows, in a new order), so the teacher labels ``n_passes``
        times as many rows. Ignored otherwise.
    random_state : int, RandomState instance or None, default=None
        Seeds the transfer sampler and every ``random_state`` parameter of the
        teacher and student that is left at ``None``, so that the same seed
        gives the same model. Parameters the user set are never changed.
    verbose : int, default=0
        1 prints each stage (teacher fit, generation, labeling, student fit)
        with its size and time, and progress lines (rows done, rate, ETA) of
        the labeling and streaming loops, one per further tenth of the work
        at most every 5 seconds. 2 prints progress after every chunk (at most
        twice a second).

    Attributes
    ----------
    teacher_ : estimator
        The fitted teacher (a :class:`~skmetamorph.TeacherEnsemble` for a list).
    transfer_sampler_ : BaseTransferSampler
        The sampler that made the transfer set.
    student_ : estimator
        The fitted student.
    classes_ : ndarray of shape (n_classes,)
        Classes of the labeled rows, plus any further class a pre-trained
        teacher knows.
    n_transfer_samples_ : int
        Number of rows the sampler made (labeled rows not counted).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    skmetamorph.samplers : Ways to make the transfer set.
    skmetamorph.metrics.fidelity_score : Agreement of a student with its teacher.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skmetamorph import MetamorphosisClassifier
    >>> from skmetamorph.samplers import MUNGE
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = MetamorphosisClassifier(
    ...     RandomForestClassifier(n_estimators=50), DecisionTreeClassifier(max_depth=8),
    ...     transfer_sampler=MUNGE(n_samples=2.0), random_state=0)
    >>> clf.fit(X[:1000], y[:1000]).n_transfer_samples_
    2000
    >>> bool(clf.fidelity(X[1000:]) > 0.5)
    True

    The MNIST recipe of ``benchmarks/bench_mnist.py``: a tree made from 1,000
    labels (``y == -1`` elsewhere) by a self-trained CNN teacher scores 0.900
    on the test set, above a tree trained on all 60,000 true labels (0.877).
    The transfer set is every training image plus four one-pixel shifts of
    each (``shifted_copies`` in the benchmark), labeled by the teacher:

    >>> import torch  # doctest: +SKIP
    >>> from sklearn.semi_supervised import SelfTrainingClassifier
    >>> from skmetamorph.samplers import FunctionSampler, PoolSampler, UnionSampler
    >>> from skmetamorph.torch import SmallCNN, TorchClassifier  # doctest: +SKIP
    >>> cnn = TorchClassifier(SmallCNN, optimizer=torch.optim.Adam, lr=2e-3)  # doctest: +SKIP
    >>> teacher = SelfTrainingClassifier(cnn, threshold=0.99, max_iter=1)  # doctest: +SKIP
    >>> sampler = UnionSampler([("pool", PoolSampler(pool="all")),
    ...                         ("shifts", FunctionSampler(shifted_copies))])  # doctest: +SKIP
    >>> tree = MetamorphosisClassifier(teacher, DecisionTreeClassifier(), sampler)  # doctest: +SKIP
    >>> tree.fit(X_mnist, y_with_minus_one).score(X_test, y_test)  # doctest: +SKIP
    0.900...
    """

    _parameter_constraints = {
        **SHARED_PARAMETER_CONSTRAINTS,
        "labels": [StrOptions({"hard", "soft"})],
        "temperature": [Interval(Real, 0, None, closed="neither")],
        "alpha": [Interval(Real, 0, 1, closed="both")],
        "teacher_data": [StrOptions({"auto", "labeled", "all"})],
        "min_soft_weight": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        teacher,
        student,
        transfer_sampler=None,
        *,
        labels="hard",
        temperature=1.0,
        alpha=1.0,
        include_labeled=True,
        teacher_data="auto",
        min_soft_weight=0.01,
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
        self.labels = labels
        self.temperature = temperature
        self.alpha = alpha
        self.include_labeled = include_labeled
        self.teacher_data = teacher_data
        self.min_soft_weight = min_soft_weight
        self.batch_size = batch_size
        self.n_jobs = n_jobs
        self.streaming = streaming
        self.n_passes = n_passes
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Fit the teacher, make and label the transfer set, fit the student.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows, labeled and unlabeled.
        y : array-like of shape (n_samples,)
            Labels; ``-1`` marks an unlabeled row (scikit-learn's
            semi-supervised convention). Unlabeled rows are seen by
            semi-supervised teachers and by samplers that draw from the pool.

        Returns
        -------
        self : MetamorphosisClassifier
            The fitted estimator.
        """
        X, y = validate_data(
            self,
            X,
            y,
            dtype=[np.float64, np.float32],
            ensure_all_finite=self._finite_check(),
        )
        labeled = ~unlabeled_mask(y)
        y_labeled = y[labeled]
        self._check_labels(y_labeled)
        self._check_soft_label_support()
        if self.streaming:
            check_streaming_student(
                self.student,
                needs_sample_weight=self.labels == "soft"
                and not _accepts_soft_targets(self.student),
            )
        rng = check_random_state(self.random_state)

        with self._stage("teacher fit", f"{labeled.sum()} labeled of {len(y)} rows"):
            self.teacher_ = fit_teacher(
                self._seeded(clone(self._teacher_template()), rng), X, y, self.teacher_data
            )
        self.classes_ = self._classes(y_labeled)

        sampler = self.transfer_sampler if self.transfer_sampler is not None else PoolSampler()
        self.transfer_sampler_ = self._seeded(clone(sampler), rng)
        with self._stage("generation", "") as stage:
            # The sampler's one-off work; the rows themselves are made chunk by
            # chunk below, with their labels, where the sampler can.
            plan = plan_for(self.transfer_sampler_, X, y, self.teacher_)
            stage["info"] = f"{len(plan)} transfer rows"
        self.n_transfer_samples_ = len(plan)

        if self.n_transfer_samples_ == 0 and not self.include_labeled:
            raise ValueError(
                f"The transfer set is empty: {type(self.transfer_sampler_).__name__} made no "
                "rows and include_labeled=False. Lower the sampler's threshold or set "
                "include_labeled=True."
            )

        self.student_ = self._seeded(clone(self.student), rng)
        if self.streaming:
            n_rows = len(plan) + (labeled.sum() if self.include_labeled else 0)
            info = f"{n_rows} rows x {self.n_passes} passes, streamed"
            with self._stage("student fit", info):
                self._stream_student(plan, X[labeled], y_labeled, rng)
            return self

        head_rows, head_targets, head_hard = self._student_head(X[labeled], y_labeled, "fit")
        with self._stage("labeling", f"{len(plan)} rows"):
            X_student, targets = self._transfer_targets(head_rows, head_targets, plan)
        hard = None
        if head_hard is not None:  # true classes of the labeled rows, -1 on transfer rows
            hard = np.concatenate([head_hard, np.full(len(plan), -1, dtype=head_hard.dtype)])
        with self._stage("student fit", f"{X_student.shape[0]} rows"):
            self._fit_student(X_student, targets, hard)
        return self

    def _finite_check(self):
        """NaN is let through only when the teacher, student and sampler all take it."""
        sampler = self.transfer_sampler if self.transfer_sampler is not None else PoolSampler()
        return finite_check(self._teacher_list() + [self.student, sampler])

    def _teacher_list(self):
        return list(self.teacher) if isinstance(self.teacher, list) else [self.teacher]

    def _teacher_template(self):
        if isinstance(self.teacher, list):
            return TeacherEnsemble(list(self.teacher))
        return self.teacher

    def _check_labels(self, y_labeled):
        if y_labeled.shape[0] == 0:
            raise ValueError(
                "All rows are unlabeled (y == -1): the teacher needs labeled rows to learn "
                "from. Pass a pre-trained teacher as FrozenEstimator(teacher) together with "
                "some labeled rows."
            )
        check_classification_targets(y_labeled)
        if np.unique(y_labeled).shape[0] < 2 and not isinstance(self.teacher, FrozenEstimator):
            raise ValueError(
                "The labeled rows contain only one class; a classifier needs at least two "
                f"classes (got {np.unique(y_labeled).tolist()})."
            )

    def _check_soft_label_support(self):
        if self.labels != "soft":
            return
        for teacher in self._teacher_list():
            if not hasattr(teacher, "predict_proba"):
                raise ValueError(
                    f"labels='soft' needs a teacher with predict_proba; "
                    f"{type(teacher).__name__} has none. Use labels='hard'."
                )
        if self.streaming:
            # partial_fit is what must take sample_weight; checked with it.
            return
        if not _accepts_soft_targets(self.student) and not has_fit_parameter(
            self.student, "sample_weight"
        ):
            raise ValueError(
                f"labels='soft' needs a student whose fit accepts sample_weight (each row is "
                f"repeated per class, weighted by its probability); "
                f"{type(self.student).__name__}.fit has no sample_weight. Use labels='hard' "
                "or another student."
            )

    def _classes(self, y_labeled):
        # A pre-trained teacher may know classes that the few labeled rows lack;
        # keeping them loses nothing and lets the student predict them.
        classes = np.unique(y_labeled)
        teacher_classes = getattr(self.teacher_, "classes_", None)
        if teacher_classes is not None and isinstance(self.teacher, FrozenEstimator):
            classes = np.unique(np.concatenate([classes, np.asarray(teacher_classes)]))
        return classes

    def _labeler(self):
        """Targets of a chunk of transfer rows: the teacher's classes or soft labels."""
        if self.labels == "hard":
            return ChunkLabeler(self.teacher_, "hard")
        return ChunkLabeler(self.teacher_, "soft", self.classes_, self.temperature)

    def _labeled_targets(self, X_labeled, y_labeled):
        """Targets of the labeled rows, the index of their true class, the teacher's soft labels.

        Hard labels: the true labels. Soft labels: ``alpha * onehot + (1 -
        alpha) * soft`` (the teacher is asked only when ``alpha < 1``; its soft
        labels are zeros otherwise).
        """
        y_index = np.searchsorted(self.classes_, y_labeled)
        if self.labels == "hard":
            return y_labeled, y_index, None
        soft_labeled = np.zeros((len(y_labeled), len(self.classes_)))
        if self.alpha < 1:  # the teacher's view of labeled rows matters only then
            soft_labeled = soften(
                teacher_proba(
                    self.teacher_,
                    X_labeled,
                    self.classes_,
                    batch_size=self.batch_size,
                    n_jobs=self.n_jobs,
                ),
                self.temperature,
            )
        return mix_with_true_labels(soft_labeled, y_index, self.alpha), y_index, soft_labeled

    def _student_head(self, X_labeled, y_labeled, method):
        """The labeled rows that join the student's rows, their targets, their true classes.

        The true class indices are returned only for a distillation student
        (see :meth:`_fit_student`), which weighs the true class (``alpha``)
        and the teacher's soft labels (``1 - alpha``) itself and so gets the
        two apart rather than mixed. ``method`` is the student's method that
        will be called ("fit" or "partial_fit").
        """
        if not self.include_labeled:
            return X_labeled[:0], None, None
        targets, y_index, soft = self._labeled_targets(X_labeled, y_labeled)
        if not self._distills(getattr(self.student_, method)):
            return X_labeled, targets, None
        hard = y_index if self.alpha > 0 else np.full(len(y_index), -1)
        if 0 < self.alpha < 1:
            targets = soft
        return X_labeled, targets, hard.astype(np.intp)

    def _transfer_targets(self, head_rows, head_targets, plan):
        """Rows and targets for the student: the head (labeled rows) then transfer rows.

        Targets are class labels (hard) or an (n, n_classes) probability matrix
        (soft). The transfer rows are made and labeled chunk by chunk, through
        joblib, straight into the result.
        """
        progress = Progress(type(self).__name__, "labeling", len(plan), self.verbose)
        return materialise(
            plan,
            self._labeler(),
            head_rows,
            head_targets,
            batch_size=self.batch_size,
            n_jobs=self.n_jobs,
            progress=progress,
        )

    def _stream_student(self, plan, X_labeled, y_labeled, rng):
        """Train ``student_`` with ``partial_fit``, chunk by chunk (``streaming=True``)."""
        head_rows, head_targets, head_hard = self._student_head(
            X_labeled, y_labeled, "partial_fit"
        )

        def step(rows, targets, head):
            hard = None
            if head_hard is not None:
                hard = head_hard[head] if head is not None else np.full(len(rows), -1)
            self._partial_fit_student(rows, targets, hard)

        stream_to_student(
            step,
            plan,
            self._labeler(),
            head_rows,
            head_targets,
            n_passes=self.n_passes,
            batch_size=self.batch_size,
            n_jobs=self.n_jobs,
            rng=np.random.default_rng(rng.randint(np.iinfo(np.int32).max)),
            owner=type(self).__name__,
            verbose=self.verbose,
        )

    def _distills(self, student_method):
        """Whether the student's ``fit``/``partial_fit`` takes soft labels and true classes apart."""
        return (
            self.labels == "soft"
            and _accepts_soft_targets(self.student_)
            and accepts_parameter(student_method, "hard_targets")
        )

    def _partial_fit_student(self, X, targets, hard=None):
        """One ``partial_fit`` step of the student on a chunk (see :meth:`_fit_student`)."""
        kwargs = {}
        if accepts_parameter(self.student_.partial_fit, "classes"):
            kwargs["classes"] = self.classes_
        kwargs.update(_one_epoch(self.student_))
        if targets.ndim == 1:
            self.student_.partial_fit(X, targets, **kwargs)
        elif not _accepts_soft_targets(self.student_):
            X_rep, class_index, weight = expand_soft_targets(X, targets, self.min_soft_weight)
            self.student_.partial_fit(
                X_rep, self.classes_[class_index], sample_weight=weight, **kwargs
            )
        else:
            if hard is not None:
                kwargs.update(hard_targets=hard, temperature=self.temperature, alpha=self.alpha)
            self.student_.partial_fit(X, targets.astype(X.dtype, copy=False), **kwargs)

    def _fit_student(self, X_student, targets, hard=None):
        """Fit ``student_`` on the student rows (labeled rows first) and their targets.

        Hard targets (1-D) are passed as ``y``. Soft targets (an
        ``(n_samples, n_classes)`` matrix whose columns follow ``classes_``)
        reach the student in one of three ways:

        - A student that only takes hard ``y`` gets each row once per class,
          weighted by its probability (:func:`expand_soft_targets`).
        - A student that opts in with the class attribute
          ``_skmetamorph_soft_targets = True`` gets ``fit(X, Y)`` with the
          probability matrix itself (labeled rows carry
          ``alpha * onehot + (1 - alpha) * soft``), and ``classes=classes_``
          when its ``fit`` has a ``classes`` parameter.
        - If such a student's ``fit`` also has a ``hard_targets`` parameter,
          it is a distillation student (e.g.
          :class:`skmetamorph.torch.TorchClassifier`) that weighs the true
          and the soft labels itself, as in Hinton et al. (2015): it gets
          ``fit(X, P, classes=classes_, hard_targets=h, temperature=T,
          alpha=alpha)``, where ``P`` holds the teacher's soft labels at
          temperature ``T`` (on labeled rows too when ``0 < alpha < 1``; with
          ``alpha = 1`` their soft part has no weight and ``P`` keeps the
          one-hot row) and ``h`` the column index of the true class of each
          labeled row, ``-1`` on transfer rows (and on every row when
          ``alpha = 0``). Its loss on a labeled row is meant to be
          ``alpha * CE(y, softmax(z)) + (1 - alpha) * T**2 * CE(P, softmax(z / T))``
          and on a transfer row the second term alone. ``hard`` is ``h``
          (see :meth:`_student_head`), None for other students.
        """
        if targets.ndim == 1:
            self.student_.fit(X_student, targets)
            return
        if not _accepts_soft_targets(self.student_):
            X_rep, class_index, weight = expand_soft_targets(
                X_student, targets, self.min_soft_weight
            )
            self.student_.fit(X_rep, self.classes_[class_index], sample_weight=weight)
            return
        kwargs = {}
        if has_fit_parameter(self.student_, "classes"):
            kwargs["classes"] = self.classes_
        if self._distills(self.student_.fit):
            if hard is None:  # no labeled rows joined the transfer set
                hard = np.full(X_student.shape[0], -1, dtype=np.intp)
            kwargs.update(hard_targets=hard, temperature=self.temperature, alpha=self.alpha)
        self.student_.fit(X_student, targets.astype(X_student.dtype, copy=False), **kwargs)

    # ------------------------------------------------------------ predicting
    @available_if(_student_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of the student, one column per class in ``classes_``.

        A class the student never saw (absent from its transfer set) gets a
        column of zeros, so the columns always match ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities.
        """
        X = self._validate_predict_input(X)
        return align_proba(self.student_.predict_proba(X), self.student_.classes_, self.classes_)

    @available_if(_student_has("predict_proba"))
    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities (``-inf`` for classes the student never saw).
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    # --------------------------------------------------------------- helpers
    def _seeded(self, estimator, rng):
        """Give every ``random_state`` left at None a seed drawn from ``rng``.

        Only when the meta-estimator itself is seeded: ``random_state=None``
        keeps the sub-estimators' own (unseeded) behaviour. Frozen teachers are
        never touched.
        """
        return seed_unseeded(estimator, rng, self.random_state is not None)

    def _stage(self, name, info):
        return VerboseStage(self, name, info)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self._finite_check() == "allow-nan"
        tags.input_tags.sparse = False
        return tags


def _one_epoch(student):
    """``partial_fit`` keywords that make a skorch net train one epoch per chunk.

    skorch's ``partial_fit`` runs ``max_epochs`` epochs on the rows it is
    given; in a streamed fit the passes over the transfer set are the epochs.
    """
    skorch = sys.modules.get("skorch")
    if skorch is not None and isinstance(student, skorch.NeuralNet):
        return {"epochs": 1}
    return {}


def _accepts_soft_targets(student):
    """Whether the student trains on probability targets directly (e.g. our torch students).

    Students opt in with a class attribute ``_skmetamorph_soft_targets = True``;
    see :meth:`MetamorphosisClassifier._fit_student` for what they receive.
    """
    return bool(getattr(student, "_skmetamorph_soft_targets", False))
