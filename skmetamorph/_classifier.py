"""MetamorphosisClassifier: turn a teacher into any scikit-learn classifier.

Only what classification needs lives here: the classes, hard and soft labels,
how soft labels reach each kind of student, ``predict_proba``. The pipeline
itself is :class:`~skmetamorph._base.BaseMetamorphosis`.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.frozen import FrozenEstimator
from sklearn.multioutput import MultiOutputRegressor
from sklearn.utils import get_tags
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, has_fit_parameter, validate_data

from ._base import (
    BaseMetamorphosis,
    accepts_parameter,
    declared_type,
    student_has,
    with_shared_docs,
)
from ._labeling import HardLabeler, SoftLabeler, teacher_proba
from ._targets import (
    align_proba,
    centred_logits,
    expand_soft_targets,
    mix_with_true_labels,
    proba_from_regressed,
    soften,
    softmax,
)
from ._teachers import TeacherEnsemble, is_semi_supervised, needs_no_data
from .base import UNLABELED, unlabeled_mask
from .metrics import fidelity_score
from .utils._tags import get_metamorph_tags

__all__ = ["MetamorphosisClassifier"]


class _IntNotBool(Interval):
    """Any int but a bool (``True`` is ``1`` to ``isinstance(..., Integral)``)."""

    def __init__(self):
        super().__init__(Integral, None, None, closed="neither")

    def is_satisfied_by(self, val):
        return not isinstance(val, (bool, np.bool_)) and super().is_satisfied_by(val)

    def __str__(self):
        return "an int (not a bool: True would mark the rows of class 1 as unlabeled)"


@with_shared_docs
class MetamorphosisClassifier(ClassifierMixin, BaseMetamorphosis):
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
        The student, any scikit-learn classifier; or any regressor with
        ``labels="proba"`` or ``"logit"``. Cloned and fitted on the transfer
        set.
    transfer_sampler : BaseTransferSampler, default=None
        Makes the rows of the transfer set. ``None`` means
        :class:`~skmetamorph.samplers.PoolSampler`: the unlabeled rows where
        there are any, else all rows, relabeled by the teacher.
    labels : {"hard", "soft", "proba", "logit"}, default="hard"
        What the student learns from the teacher.
        ``"hard"``: the teacher's predicted class.
        ``"soft"``: the teacher's probabilities softened by ``temperature``.
        A student that accepts only hard ``y`` gets each transfer row once
        per class with ``sample_weight`` equal to the probability, so it
        must accept ``sample_weight``.
        ``"proba"`` and ``"logit"``: the student is a *regressor* that fits,
        one output per class of ``classes_``, the same soft labels
        (``"proba"``) or their row-centred logits ``log p_T - mean(log p_T)``
        (``"logit"``; probabilities below 1e-6 count as 1e-6). ``predict``
        is the class of the largest regressed value; ``predict_proba`` is the
        regressed probabilities clipped at 0 and renormalised per row
        (``"proba"``) or the softmax of the regressed logits (``"logit"``).
        A regressor without multi-output support (its scikit-learn tag
        ``target_tags.multi_output``, e.g. ``HistGradientBoostingRegressor``)
        becomes a :class:`~sklearn.multioutput.MultiOutputRegressor`: one
        regressor per class. A regressor student takes only these two, a
        classifier student only ``"hard"`` and ``"soft"``: either mix is an
        error, so that a regressor meant for
        :class:`~skmetamorph.MetamorphosisRegressor` is never silently
        taught one-hot classes.
    temperature : float > 0, default=1.0
        Soft labels are ``softmax(log(p) / temperature)``. 1 keeps the
        teacher's belief; larger values expose which classes look alike
        (Hinton et al. 2015). Used with ``labels="soft"``, ``"proba"`` and
        ``"logit"``.
    alpha : float in [0, 1], default=1.0
        With ``labels="soft"`` (or ``"proba"``, ``"logit"``) and
        ``include_labeled=True``, the target of a labeled row is
        ``alpha * true_label + (1 - alpha) * soft_label`` (for ``"logit"``,
        its centred logits). The default keeps the true labels as they are.
        With ``labels="hard"`` labeled rows always keep their true labels.
    include_labeled : bool, default=True
        Whether the labeled rows join the transfer set with their true labels.
    teacher_data : {"auto", "labeled", "all"}, default="auto"
        Rows the teacher is fitted on. ``"labeled"``: the labeled rows only.
        ``"all"``: every row, unlabeled ones marked ``-1`` in ``y``, as
        scikit-learn's semi-supervised estimators expect. ``"auto"``: ``"all"``
        for semi-supervised teachers (``SelfTrainingClassifier``,
        ``LabelPropagation``, ``LabelSpreading``, or an estimator whose tag
        ``teacher.semi_supervised`` is set, see :mod:`skmetamorph.utils`),
        else ``"labeled"``. scikit-learn's ``LabelPropagation`` and
        ``LabelSpreading`` take integer class labels only: with string
        classes and unlabeled rows, encode ``y`` as integers (a clear error
        says so), or use ``SelfTrainingClassifier``, which takes strings.
    unlabeled_marker : int, str or None, default=-1
        The value of ``y`` that marks an unlabeled row. The default follows
        scikit-learn's semi-supervised estimators; if ``-1`` is a real class
        of your data, choose another marker (or None: every row is labeled).
        A bool is rejected (``True == 1`` would mark class 1 unlabeled).
        Semi-supervised teachers always get ``-1`` (their own convention);
        with another marker, samplers see ``y`` as class indices into
        ``classes_`` with ``-1`` for unlabeled rows.
    min_soft_weight : float in [0, 1), default=0.01
        With soft labels for a hard-label student, a class whose probability
        is below this is not repeated for a row (that row's other weights are
        renormalised). 0.01 drops less than 1%% of a row's mass per class and
        keeps the expanded transfer set to a few rows per original row.
    %(batch_size)s
    %(n_jobs)s
    streaming : bool, default=False
        Train the student chunk by chunk with its ``partial_fit`` instead of
        calling ``fit`` on the whole transfer set, which is then never held in
        memory: its size can exceed the machine's memory. The student must
        have ``partial_fit`` (``SGDClassifier``, ``MLPClassifier``,
        ``MultinomialNB``, :class:`~skmetamorph.torch.TorchClassifier`, ...);
        it gets ``classes=classes_``. With ``labels="soft"`` a scikit-learn
        student learns through ``sample_weight`` (its ``partial_fit`` must
        take it) and a student with the ``student.soft_targets`` tag (such as
        :class:`skmetamorph.torch.TorchClassifier`) from the probabilities.
        A student's ``student.partial_fit_params`` tag is passed to every
        call (a net of :mod:`skmetamorph.torch` trains one epoch per chunk).
        With ``labels="proba"`` or ``"logit"`` a regressor's ``partial_fit``
        gets the chunk's per-class targets (``SGDRegressor``, one per class).
    n_passes : int, default=1
        With ``streaming=True``, the number of passes over the transfer set
        and the labeled rows. Every pass makes and labels the chunks again
        (the same rows, in a new order), so the teacher labels ``n_passes``
        times as many rows. Ignored otherwise.
    %(fresh_rows)s
    %(memory)s
    %(random_state)s
    %(verbose)s

    Attributes
    ----------
    teacher_ : classifier
        The fitted teacher (a :class:`~skmetamorph.TeacherEnsemble` for a list).
    %(transfer_sampler_)s
    student_ : estimator
        The fitted student. With ``labels="proba"`` or ``"logit"`` and a
        regressor without multi-output support, a fitted
        :class:`~sklearn.multioutput.MultiOutputRegressor` whose
        ``estimators_`` are the student's clones, one per class.
    classes_ : ndarray of shape (n_classes,)
        Classes of the labeled rows, plus any further class a pre-trained
        teacher knows.
    %(n_transfer_samples_)s
    n_features_in_ : int
        Number of features seen during fit.
    %(feature_names_in_)s

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

    The MNIST recipe of ``benchmarks/bench_mnist.py`` (its measured accuracy
    for each tree size is in the README): a size-limited tree made from 1,000
    labels (``y == -1`` elsewhere) by a self-trained CNN teacher, on every
    training image plus moved and elastically distorted copies, all labeled
    by the teacher:

    >>> import torch  # doctest: +SKIP
    >>> from sklearn.semi_supervised import SelfTrainingClassifier
    >>> from skmetamorph.samplers import (ElasticDistortionSampler, ImageShiftSampler,
    ...                                   PoolSampler, UnionSampler)
    >>> from skmetamorph.torch import SmallCNN, TorchClassifier  # doctest: +SKIP
    >>> cnn = TorchClassifier(SmallCNN, optimizer=torch.optim.Adam, lr=2e-3)  # doctest: +SKIP
    >>> teacher = SelfTrainingClassifier(cnn, threshold=0.99, max_iter=3)  # doctest: +SKIP
    >>> sampler = UnionSampler([("pool", PoolSampler(pool="all")),
    ...                         ("shifts", ImageShiftSampler(image_shape=(28, 28))),
    ...                         ("elastic", ElasticDistortionSampler(image_shape=(28, 28)))])
    >>> tree = MetamorphosisClassifier(
    ...     teacher, DecisionTreeClassifier(max_leaf_nodes=4096), sampler)  # doctest: +SKIP
    >>> tree.fit(X_mnist, y_with_minus_one).score(X_test, y_test)  # doctest: +SKIP
    """

    #: What a list of teachers becomes.
    _ensemble_class = TeacherEnsemble
    #: The kind of teacher and student this task needs, and the other task.
    _kind = ("classifier", "regressor", "MetamorphosisRegressor for regression")

    _parameter_constraints = {
        **BaseMetamorphosis._parameter_constraints,
        "labels": [StrOptions({"hard", "soft", "proba", "logit"})],
        "temperature": [Interval(Real, 0, None, closed="neither")],
        "alpha": [Interval(Real, 0, 1, closed="both")],
        "teacher_data": [StrOptions({"auto", "labeled", "all"})],
        "min_soft_weight": [Interval(Real, 0, 1, closed="left")],
        # A bool is an int to Python, but True == 1 would mark every row of class 1.
        "unlabeled_marker": [_IntNotBool(), str, None],
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
        unlabeled_marker=-1,
        min_soft_weight=0.01,
        batch_size=10_000,
        n_jobs=None,
        streaming=False,
        n_passes=1,
        fresh_rows=False,
        memory=None,
        random_state=None,
        verbose=0,
    ):
        super().__init__(
            teacher,
            student,
            transfer_sampler,
            include_labeled=include_labeled,
            batch_size=batch_size,
            n_jobs=n_jobs,
            streaming=streaming,
            n_passes=n_passes,
            fresh_rows=fresh_rows,
            memory=memory,
            random_state=random_state,
            verbose=verbose,
        )
        self.labels = labels
        self.temperature = temperature
        self.alpha = alpha
        self.teacher_data = teacher_data
        self.unlabeled_marker = unlabeled_marker
        self.min_soft_weight = min_soft_weight

    # ------------------------------------------------------------ task hooks
    def _validate_fit_data(self, X, y):
        data_free = needs_no_data(self.teacher)
        if X is None:
            return self._validate_data_free(y)
        if y is None:
            if not data_free:
                raise ValueError(
                    f"{type(self).__name__} requires y to be passed, but the target y is "
                    "None. Only a teacher that needs no data (FrozenEstimator(fitted), "
                    "FunctionTeacher(task='classification', classes=...)) can do without."
                )
            X = validate_data(
                self, X, dtype=[np.float64, np.float32], ensure_all_finite=self._finite_check()
            )
            return X, None, np.zeros(X.shape[0], dtype=bool)
        X, y = validate_data(
            self,
            X,
            y,
            dtype=[np.float64, np.float32],
            ensure_all_finite=self._finite_check(),
        )
        labeled = ~unlabeled_mask(y, self.unlabeled_marker)
        y = _without_marker(y, labeled)
        self._check_labels(y, labeled, data_free)
        return X, y, labeled

    def _check_kinds(self):
        # The student's kind follows labels (a regressor regresses per-class
        # targets); the teachers are checked by the base.
        kind, name = declared_type(self.student), type(self.student).__name__
        if self._regresses() and kind == "classifier":
            raise ValueError(
                f"labels={self.labels!r} makes the student regress the teacher's "
                f"{'probabilities' if self.labels == 'proba' else 'logits'}, one output per "
                f"class, so it needs a regressor as its student; {name} is a classifier. "
                "Use labels='soft' to teach a classifier the teacher's probabilities, or a "
                "regressor (DecisionTreeRegressor, HistGradientBoostingRegressor, ...)."
            )
        if not self._regresses() and kind == "regressor":
            raise ValueError(
                f"{type(self).__name__} needs a classifier as its student with "
                f"labels={self.labels!r}; {name} is a regressor. Use labels='proba' or "
                "'logit' to let a regressor learn the teacher's probabilities or logits, "
                "MetamorphosisRegressor for regression, or a classifier."
            )
        super()._check_kinds()

    def _kind_roles(self):
        return [("teacher", teacher) for teacher in self._teacher_list()]

    def _regresses(self):
        """Whether the student is a regressor of per-class targets (``labels``)."""
        return self.labels in _REGRESSION_LABELS

    def _check_student_setup(self, weighted=False):
        super()._check_student_setup(weighted)
        self._check_soft_label_support()

    def _check_weights(self, y, labeled, sample_weight):
        if sample_weight is None or y is None or needs_no_data(self.teacher):
            return
        weighted = np.unique(y[labeled & (sample_weight > 0)])
        if weighted.shape[0] < 2:
            raise ValueError(
                "sample_weight leaves fewer than two classes with positive weight among the "
                f"labeled rows (got {weighted.tolist()}); a classifier needs at least two."
            )

    def _teacher_data(self):
        return self.teacher_data

    def _teacher_y(self, y, labeled):
        # Semi-supervised teachers read -1 as "unlabeled", whatever our marker;
        # a teacher that sees only the labeled rows gets y as it is.
        sees_all = self.teacher_data == "all" or (
            self.teacher_data == "auto" and any(map(is_semi_supervised, self._teacher_list()))
        )
        if y is None or labeled.all() or not sees_all:
            return y
        return _marked(y, labeled)

    def _task_setup(self, fit):
        y_labeled = None if fit.y is None else fit.y[fit.labeled]
        self._check_fitted_teacher(fit.teacher, y_labeled)
        fit.classes = self._classes(fit.teacher, y_labeled)

    def _sampler_y(self, fit):
        if fit.y is None or fit.labeled.all():
            return fit.y
        if self.unlabeled_marker == UNLABELED:
            return _marked(fit.y, fit.labeled)
        # Another marker: the samplers' -1 convention on class indices.
        encoded = np.full(fit.y.shape[0], UNLABELED, dtype=np.intp)
        encoded[fit.labeled] = np.searchsorted(fit.classes, fit.y[fit.labeled])
        return encoded

    def _check_labels(self, y, labeled, data_free):
        y_labeled = y[labeled]
        marker = self.unlabeled_marker
        if y_labeled.shape[0] == 0 and not data_free:
            raise ValueError(
                f"All rows are unlabeled (y == {marker!r}): the teacher needs labeled rows "
                "to learn from. Pass a pre-trained teacher as FrozenEstimator(teacher), or "
                "a FunctionTeacher(task='classification', classes=...), to fit without "
                "labels."
            )
        if y_labeled.shape[0] == 0:
            return
        check_classification_targets(y_labeled)
        n_classes = np.unique(y_labeled).shape[0]
        if n_classes < 2 and not data_free:
            hint = ""
            if (~labeled).any():
                hint = (
                    f" {int((~labeled).sum())} rows have y == {marker!r}, which marks them "
                    "unlabeled (unlabeled_marker); if it is a real class, set "
                    "unlabeled_marker to another value or None."
                )
            raise ValueError(
                "The labeled rows contain only one class; a classifier needs at least two "
                f"classes (got {np.unique(y_labeled).tolist()}).{hint}"
            )

    def _check_fitted_teacher(self, teacher, y_labeled):
        """Catch a fitted teacher that cannot label for these classes."""
        teacher_classes = getattr(teacher, "classes_", None)
        if teacher_classes is None:
            return
        teacher_classes = np.asarray(teacher_classes)
        name = type(teacher).__name__
        if (
            self.teacher_data == "all"
            and y_labeled is not None
            and unlabeled_mask(teacher_classes).any()
            and not unlabeled_mask(y_labeled).any()
        ):
            raise ValueError(
                f"The teacher {name} learned -1 as a class: teacher_data='all' gave it "
                "the unlabeled rows, and it is not semi-supervised. Use "
                "teacher_data='auto' or 'labeled', or a semi-supervised teacher."
            )
        if y_labeled is not None and y_labeled.size:
            text_y = np.asarray(y_labeled).dtype.kind in "USO" and isinstance(
                np.asarray(y_labeled).ravel()[0], str
            )
            text_teacher = teacher_classes.dtype.kind in "USO" and isinstance(
                teacher_classes.ravel()[0], str
            )
            if text_y != text_teacher:
                raise ValueError(
                    f"The teacher {name} has classes {teacher_classes.tolist()[:5]} but y has "
                    f"labels like {np.asarray(y_labeled).ravel()[:3].tolist()}: one holds "
                    "strings, the other numbers. Give y the teacher's class labels."
                )
        distributions = getattr(teacher, "label_distributions_", None)
        if distributions is not None:
            distributions = np.asarray(distributions, dtype=float)
            # NaN (older scikit-learn) or all zeros: no label reached the row.
            unreached = ~np.isfinite(distributions).all(axis=1) | (distributions.sum(axis=1) == 0)
            if unreached.any():
                raise ValueError(
                    f"The teacher {name} left {int(unreached.sum())} of {len(unreached)} "
                    "training rows without a label distribution: they are not "
                    "connected to any labeled row (kernel='knn' with few labels). Raise "
                    "n_neighbors, label more rows, or use kernel='rbf'."
                )

    def _check_soft_label_support(self):
        if self.labels == "hard":
            return
        for teacher in self._teacher_list():
            if not hasattr(teacher, "predict_proba"):
                raise ValueError(
                    f"labels={self.labels!r} needs a teacher with predict_proba; "
                    f"{type(teacher).__name__} has none. Use labels='hard' (and a "
                    "classifier student)."
                )
        # A regressor fits the targets themselves: no rows repeated, no weights needed.
        if self._regresses() or _takes_soft_targets(self.student):
            return
        method = "partial_fit" if self.streaming else "fit"
        if not self._student_takes_weights():
            raise ValueError(
                f"labels='soft' needs a student whose {method} accepts sample_weight (each "
                f"row is repeated per class, weighted by its probability); "
                f"{type(self.student).__name__}.{method} has no sample_weight. Use "
                "labels='hard', or a student that takes sample_weight or has the "
                "student.soft_targets tag (see skmetamorph.utils.StudentTags). A Pipeline "
                "student gets them through metadata routing: "
                "sklearn.set_config(enable_metadata_routing=True) and "
                "set_fit_request(sample_weight=True) on its last step."
            )

    def _classes(self, teacher, y_labeled):
        # A pre-trained teacher (or a function) may know classes that the few
        # labeled rows lack; keeping them loses nothing and lets the student
        # predict them.
        teacher_classes = getattr(teacher, "classes_", None)
        if y_labeled is None or y_labeled.size == 0:
            if teacher_classes is None:
                raise ValueError(
                    f"Without labeled rows the classes come from the teacher, and "
                    f"{type(teacher).__name__} has no classes_."
                )
            return np.unique(np.asarray(teacher_classes))
        classes = np.unique(y_labeled)
        if teacher_classes is not None and needs_no_data(self.teacher):
            classes = np.unique(np.concatenate([classes, np.asarray(teacher_classes)]))
        return classes

    def _labeler(self, fit):
        """Targets of a chunk of transfer rows: the teacher's classes or soft labels."""
        if self.labels == "hard":
            return HardLabeler(fit.teacher, fit.classes, feature_names=fit.names)
        output = "logit" if self.labels == "logit" else "proba"
        return SoftLabeler(
            fit.teacher, fit.classes, self.temperature, feature_names=fit.names, output=output
        )

    def _labeled_targets(self, fit, X_labeled, y_labeled, method):
        """The labeled rows' targets; for a distillation student, their true classes too.

        Hard labels: the true labels. Soft labels: ``alpha * onehot + (1 -
        alpha) * soft`` (the teacher is asked only when ``alpha < 1``; its soft
        labels are zeros otherwise). A distillation student (see
        :meth:`_fit_student`) weighs the true class (``alpha``) and the
        teacher's soft labels (``1 - alpha``) itself, so it gets the two
        apart: the soft labels as targets and the true class indices in
        ``fit.labeled_classes`` (``-1`` when ``alpha == 0``). Logit labels:
        the centred logits of the soft labels' mix.
        """
        y_index = np.searchsorted(fit.classes, y_labeled)
        if self.labels == "hard":
            return X_labeled, y_labeled
        soft = np.zeros((len(y_labeled), len(fit.classes)))
        if self.alpha < 1:  # the teacher's view of labeled rows matters only then
            soft = soften(
                teacher_proba(
                    fit.teacher,
                    X_labeled,
                    fit.classes,
                    batch_size=self.batch_size,
                    n_jobs=self.n_jobs,
                    feature_names=fit.names,
                ),
                self.temperature,
            )
        targets = mix_with_true_labels(soft, y_index, self.alpha)
        if self.labels == "logit":
            return X_labeled, centred_logits(targets)
        if self._distills(fit.student):
            hard = y_index if self.alpha > 0 else np.full(len(y_index), -1)
            fit.labeled_classes = hard.astype(np.intp)
            if 0 < self.alpha < 1:
                targets = soft
        return X_labeled, targets

    def _distills(self, student):
        """Whether the student takes soft labels and true classes apart (its tags)."""
        tags = get_metamorph_tags(student).student
        return self.labels == "soft" and tags.soft_targets and tags.distillation

    def _true_classes(self, fit, n_rows, head):
        """True class indices for a distillation student: the labeled rows', -1 elsewhere."""
        labeled_classes = getattr(fit, "labeled_classes", None)
        if head is not None and labeled_classes is not None:
            return labeled_classes[head]
        return np.full(n_rows, -1, dtype=np.intp)

    def _fit_student(self, fit, X_student, targets):
        """Fit the student on the student rows (labeled rows first) and their targets.

        Hard targets (1-D) are passed as ``y``. Soft targets (an
        ``(n_samples, n_classes)`` matrix whose columns follow ``classes_``)
        reach the student in one of three ways, chosen by its tags (see
        :class:`skmetamorph.utils.StudentTags`):

        - A student that only takes hard ``y`` gets each row once per class,
          weighted by its probability (:func:`expand_soft_targets`).
        - A student with the ``student.soft_targets`` tag gets ``fit(X, Y)``
          with the probability matrix itself (labeled rows carry
          ``alpha * onehot + (1 - alpha) * soft``), and ``classes=classes_``
          when its ``fit`` has a ``classes`` parameter.
        - A student that also has the ``student.distillation`` tag (e.g.
          :class:`skmetamorph.torch.TorchClassifier`) weighs the true and the
          soft labels itself, as in Hinton et al. (2015): it gets
          ``fit(X, P, classes=classes_, hard_targets=h, temperature=T,
          alpha=alpha)``, where ``P`` holds the teacher's soft labels at
          temperature ``T`` (on labeled rows too when ``0 < alpha < 1``; with
          ``alpha = 1`` their soft part has no weight and ``P`` keeps the
          one-hot row) and ``h`` the column index of the true class of each
          labeled row, ``-1`` on transfer rows (and on every row when
          ``alpha = 0``). Its loss on a labeled row is meant to be
          ``alpha * CE(y, softmax(z)) + (1 - alpha) * T**2 * CE(P, softmax(z / T))``
          and on a transfer row the second term alone.

        With ``labels="proba"`` or ``"logit"`` the targets are a regressor's
        ``y``, one column per class (see :meth:`_regression_student`).
        """
        student = fit.student
        row_weights = self._student_weights(fit, X_student.shape[0], "all")
        kwargs = {} if row_weights is None else {"sample_weight": row_weights}
        if self._regresses():
            self._regression_student(fit).fit(fit.frame(X_student), targets, **kwargs)
            return
        if targets.ndim == 1:
            student.fit(fit.frame(X_student), targets, **kwargs)
            return
        if not _takes_soft_targets(student):
            self._fit_expanded(student.fit, fit, X_student, targets, row_weights)
            return
        if has_fit_parameter(student, "classes"):
            kwargs["classes"] = fit.classes
        if self._distills(student):
            n_labeled = len(getattr(fit, "labeled_classes", ()))
            hard = np.concatenate(
                [
                    self._true_classes(fit, n_labeled, slice(0, n_labeled)),
                    np.full(X_student.shape[0] - n_labeled, -1, dtype=np.intp),
                ]
            )
            kwargs.update(hard_targets=hard, temperature=self.temperature, alpha=self.alpha)
        student.fit(fit.frame(X_student), targets.astype(X_student.dtype, copy=False), **kwargs)

    def _partial_fit_student(self, fit, X, targets, head):
        """One ``partial_fit`` step of the student on a chunk (see :meth:`_fit_student`)."""
        student = fit.student
        kwargs = self._partial_fit_params(student)
        row_weights = self._student_weights(fit, X.shape[0], head)
        if self._regresses():  # a regressor: no classes, its targets as they are
            if row_weights is not None:
                kwargs["sample_weight"] = row_weights
            self._regression_student(fit).partial_fit(fit.frame(X), targets, **kwargs)
            return
        if accepts_parameter(student.partial_fit, "classes"):
            kwargs["classes"] = fit.classes
        if targets.ndim == 1:
            if row_weights is not None:
                kwargs["sample_weight"] = row_weights
            student.partial_fit(fit.frame(X), targets, **kwargs)
        elif not _takes_soft_targets(student):
            self._fit_expanded(student.partial_fit, fit, X, targets, row_weights, **kwargs)
        else:
            if row_weights is not None:
                kwargs["sample_weight"] = row_weights
            if self._distills(student):
                kwargs.update(
                    hard_targets=self._true_classes(fit, X.shape[0], head),
                    temperature=self.temperature,
                    alpha=self.alpha,
                )
            student.partial_fit(fit.frame(X), targets.astype(X.dtype, copy=False), **kwargs)

    def _regression_student(self, fit):
        """The regressor that fits all classes' targets: the student, or one clone per class.

        A student whose scikit-learn tags say it takes multi-output ``y``
        (``DecisionTreeRegressor``, ``KNeighborsRegressor``, ``Ridge``, ...)
        fits the ``(n_samples, n_classes)`` targets at once; any other
        (``HistGradientBoostingRegressor``, ``SVR``, ``SGDRegressor``) is
        wrapped, once per fit, in ``MultiOutputRegressor``, which fits (or
        ``partial_fit``s) a clone per class and passes ``sample_weight`` on.
        """
        if not getattr(fit, "regression_student_ready", False):
            if not _takes_multi_output(fit.student):
                fit.student = MultiOutputRegressor(fit.student)
            fit.regression_student_ready = True
        return fit.student

    def _fit_expanded(self, method, fit, X, targets, row_weights, **kwargs):
        """Soft labels for a hard-label student: each row once per class, weighted."""
        X_rep, class_index, weight = expand_soft_targets(
            X, targets, self.min_soft_weight, row_weights
        )
        method(fit.frame(X_rep), fit.classes[class_index], sample_weight=weight, **kwargs)

    def _commit(self, fit):
        super()._commit(fit)
        self.classes_ = fit.classes
        # How to read the student's outputs, fixed at fit (labels may be changed later).
        self._student_output_ = self.labels if self._regresses() else "class"

    # ------------------------------------------------------------ predicting
    def _output(self):
        """What the student's ``predict`` returns: "class", "proba" or "logit"."""
        if hasattr(self, "student_"):
            return getattr(self, "_student_output_", "class")
        return self.labels if self._regresses() else "class"

    def _gives_proba(self):
        """For ``available_if``: a regressor's values, or the student's predict_proba."""
        return self._output() != "class" or student_has("predict_proba")(self)

    def predict(self, X):
        """Predict classes with the student.

        A classifier student's classes; for a regressor student
        (``labels="proba"`` or ``"logit"``), the class whose regressed value
        is the largest (the argmax of :meth:`predict_proba`).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to predict.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted classes, from ``classes_``.
        """
        check_is_fitted(self)
        if self._output() == "class":
            return super().predict(X)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def fidelity(self, X):
        """Fraction of the rows of ``X`` on which the student predicts the teacher's class.

        See :func:`skmetamorph.metrics.fidelity_score`; for a regressor
        student, its classes are those of :meth:`predict`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to compare on (held-out rows tell more than the training rows).

        Returns
        -------
        fidelity : float
            In [0, 1].
        """
        check_is_fitted(self)
        if self._output() == "class":
            return super().fidelity(X)
        # This estimator's own predict turns the regressed values into classes.
        return fidelity_score(self.teacher_, self, self._validate_predict_input(X))

    @available_if(_gives_proba)
    def predict_proba(self, X):
        """Class probabilities of the student, one column per class in ``classes_``.

        A class the student never saw (absent from its transfer set) gets a
        column of zeros, so the columns always match ``classes_``. For a
        regressor student, its regressed probabilities clipped at 0 and
        renormalised per row (``labels="proba"``; a row with no positive
        value gets 1 on its largest), or the softmax of its regressed logits
        (``labels="logit"``): the teacher's soft labels at ``temperature``
        as the student learned them.

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
        if self._output() == "class":
            return align_proba(
                self.student_.predict_proba(X), self.student_.classes_, self.classes_
            )
        return self._proba_from_values(self.student_.predict(X))

    def _proba_from_values(self, values):
        """Probabilities from a regressor student's outputs (rows of per-class values).

        The one reading of a regressor student's values, for
        :meth:`predict_proba` and for whatever reads the student itself
        (such as the leaves of a regression-tree student).
        """
        values = np.asarray(values, dtype=np.float64)
        values = values.reshape(values.shape[0], -1)
        return softmax(values) if self._output() == "logit" else proba_from_regressed(values)

    @available_if(_gives_proba)
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



#: Labels that a regressor student learns: per-class probabilities or logits.
_REGRESSION_LABELS = ("proba", "logit")


def _takes_soft_targets(student):
    """Whether the student trains on probability targets directly (its tag)."""
    return get_metamorph_tags(student).student.soft_targets


def _takes_multi_output(regressor):
    """Whether a regressor fits a 2-d ``y`` itself (its scikit-learn tag; no tags: no)."""
    try:
        return get_tags(regressor).target_tags.multi_output
    except AttributeError:  # a duck-typed regressor: MultiOutputRegressor works for any
        return False


def _without_marker(y, labeled):
    """``y`` in the natural dtype of its labels, once a marker of another type is set aside.

    Labels that are numbers next to a string marker (``[0, 1, "unlabeled"]``)
    make an object array, which scikit-learn reads as an unknown target type;
    the unlabeled rows (never used as labels) take the first label's value.
    """
    if y.dtype.kind != "O" or labeled.all() or not labeled.any():
        return y
    labels = np.asarray(y[labeled].tolist())
    if labels.dtype.kind == "O":
        return y
    clean = np.empty(y.shape[0], dtype=labels.dtype)
    clean[labeled] = labels
    clean[~labeled] = labels[0]
    return clean


def _marked(y, labeled):
    """``y`` with scikit-learn's ``-1`` on the unlabeled rows (a copy when it had another marker)."""
    if np.array_equal(unlabeled_mask(y), ~labeled):
        return y
    if unlabeled_mask(y[labeled]).any():
        raise ValueError(
            "-1 is a class of the labeled rows, but teachers that learn from unlabeled "
            "rows read -1 as 'unlabeled' (scikit-learn's convention); map the classes "
            "to other values, or use teacher_data='labeled'."
        )
    marked = y.astype(object) if y.dtype.kind in "USO" else y.astype(np.result_type(y, -1))
    marked[~labeled] = UNLABELED
    return marked
