"""MetamorphosisClassifier: turn a teacher into any scikit-learn classifier.

Only what classification needs lives here: validation of the labels and
their unlabeled marker, the classes, what the teacher and the samplers see as
``y``, and ``predict_proba``. The pipeline itself is
:class:`~skmetamorph._meta_estimator.BaseMetamorphosis`; how the teacher's
labels reach each kind of student is :mod:`skmetamorph._target_kinds`.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._meta_estimator import BaseMetamorphosis, with_shared_docs
from ._target_kinds import classification_kind
from ._teachers import TeacherEnsemble, is_semi_supervised
from .utils._data import UNLABELED, unlabeled_mask
from .utils._sklearn_compat import Interval, StrOptions

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
    transfer_sampler : BaseTransferSampler, "auto" or None, default=None
        Makes the rows of the transfer set. ``None`` means
        :class:`~skmetamorph.samplers.PoolSampler`: the unlabeled rows where
        there are any, else all rows, relabeled by the teacher.
        ``"auto"`` means :class:`~skmetamorph.samplers.AutoSampler` scoring
        its candidate samplers with this estimator's student (see
        :ref:`choosing_a_sampler`).
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
    student_output_ : {"class", "proba", "logit"}
        What the student's ``predict`` returns: classes, or (``labels="proba"``
        or ``"logit"`` at fit time) per-class values that
        :meth:`proba_from_student_values` turns into probabilities.
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
    def _validate_fit_data(self, X, y, data_free):
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

    def _target_kind_class(self):
        return classification_kind(self.labels, self.student)

    def _wrong_student_message(self, kind_class, student_type):
        # The student's kind follows labels: a regressor regresses per-class targets.
        name = type(self.student).__name__
        if kind_class.student_type == "regressor":
            return (
                f"labels={self.labels!r} makes the student regress the teacher's "
                f"{'probabilities' if self.labels == 'proba' else 'logits'}, one output per "
                f"class, so it needs a regressor as its student; {name} is a classifier. "
                "Use labels='soft' to teach a classifier the teacher's probabilities, or a "
                "regressor (DecisionTreeRegressor, HistGradientBoostingRegressor, ...)."
            )
        return (
            f"{type(self).__name__} needs a classifier as its student with "
            f"labels={self.labels!r}; {name} is a regressor. Use labels='proba' or "
            "'logit' to let a regressor learn the teacher's probabilities or logits, "
            "MetamorphosisRegressor for regression, or a classifier."
        )

    def _check_weights(self, y, labeled, sample_weight, data_free):
        if sample_weight is None or y is None or data_free:
            return
        weighted = np.unique(y[labeled & (sample_weight > 0)])
        if weighted.shape[0] < 2:
            raise ValueError(
                "sample_weight leaves fewer than two classes with positive weight among the "
                f"labeled rows (got {weighted.tolist()}); a classifier needs at least two."
            )

    def _teacher_inputs(self, y, labeled):
        # Semi-supervised teachers read -1 as "unlabeled", whatever our marker;
        # a teacher that sees only the labeled rows gets y as it is.
        sees_all = self.teacher_data == "all" or (
            self.teacher_data == "auto" and any(map(is_semi_supervised, self._teacher_list()))
        )
        if y is None or labeled.all() or not sees_all:
            return y, self.teacher_data
        return _marked(y, labeled), self.teacher_data

    def _classes_for(self, fit):
        y_labeled = None if fit.y is None else fit.y[fit.labeled]
        self._check_fitted_teacher(fit.teacher, y_labeled)
        return self._classes(fit.teacher, y_labeled, fit.data_free)

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

    def _classes(self, teacher, y_labeled, data_free):
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
        if teacher_classes is not None and data_free:
            classes = np.unique(np.concatenate([classes, np.asarray(teacher_classes)]))
        return classes

    # ------------------------------------------------------------ predicting
    def _reading_kind(self):
        """The kind of target that reads the student's outputs: the fit's, else the parameters'."""
        return getattr(self, "_target_kind_", None) or self._target_kind_class()

    def _gives_proba(self):
        """For ``available_if``: a regressor's values, or the student's predict_proba."""
        return self._reading_kind().gives_proba(getattr(self, "student_", self.student))

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
        X = self.student_input(X)
        return self._target_kind_.predict_proba(self.student_, X)

    def proba_from_student_values(self, values):
        """Class probabilities from a regressor student's raw outputs (``labels="proba"/"logit"``).

        :meth:`predict_proba` reads the student's predictions this way; code
        that reads the student itself (the leaves of a regression-tree
        student, say) reads its values through this method.

        Parameters
        ----------
        values : array-like of shape (n_samples, n_classes)
            Regressed per-class values: probabilities (``student_output_ ==
            "proba"``: clipped at 0 and renormalised per row) or logits
            (``"logit"``: their softmax).

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, one column per class of ``classes_``.
        """
        check_is_fitted(self)
        kind = self._target_kind_
        if not hasattr(kind, "proba_from_values"):
            raise ValueError(
                f"The student predicts classes (student_output_={self.student_output_!r}), "
                "not per-class values; use predict_proba."
            )
        return kind.proba_from_values(values)

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
