"""One object per kind of student target: how the teacher's knowledge reaches the student.

A metamorphosis step can hand the student its teacher's knowledge in several
forms: the teacher's classes (``labels="hard"``), its soft labels at a
temperature (``"soft"``: repeated rows weighted by probability for a student
that takes only hard ``y``, the probability matrix itself for one that takes
it, the probability matrix and the true classes apart for a distillation
student), its probabilities or logits regressed one output per class
(``"proba"``, ``"logit"``), or its predictions for a regression teacher.

Each form is one class here. It owns, for one fit:

- the targets of the labeled rows that join the transfer rows
  (:meth:`TargetKind.labeled_targets`);
- the labeler that turns transfer rows into targets, chunk by chunk
  (:meth:`TargetKind.labeler`);
- how the student is fitted on all rows, or partially fitted on a chunk
  (:meth:`TargetKind.fit`, :meth:`TargetKind.partial_fit`);
- how the student's outputs are read back (:meth:`TargetKind.predict`,
  :meth:`TargetKind.predict_proba`).

The meta-estimators choose one kind per fit (:func:`classification_kind`, or
:class:`RegressionTargets`) and never branch on ``labels`` themselves: a new
kind of target is one new class, plus its line in :func:`classification_kind`.
"""

import inspect

import numpy as np
from sklearn.multioutput import MultiOutputRegressor
from sklearn.utils import get_tags
from sklearn.utils.validation import has_fit_parameter

from ._labeling import (
    FeatureLabeler,
    HardLabeler,
    RegressionLabeler,
    SoftLabeler,
    teacher_proba,
)
from ._targets import (
    align_proba,
    centred_logits,
    expand_soft_targets,
    mix_with_true_labels,
    proba_from_regressed,
    soften,
    softmax,
)
from .utils._data import with_feature_names
from .utils._tags import get_metamorph_tags

__all__ = [
    "DistillationTargets",
    "ExpandedSoftLabels",
    "FeatureDistillationTargets",
    "HardLabels",
    "LogitRegression",
    "ProbaRegression",
    "RegressionTargets",
    "SoftMatrix",
    "TargetKind",
    "accepts_parameter",
    "classification_kind",
    "per_class_regressor",
]


def accepts_parameter(method, name):
    """Whether ``method`` has a parameter ``name`` (or takes ``**kwargs``).

    Used only for scikit-learn's own conventions (``classes`` of
    ``partial_fit``, ``sample_weight``); capabilities beyond them are tags.
    """
    parameters = inspect.signature(method).parameters
    return name in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )


def _weight_kwargs(weights):
    return {} if weights is None else {"sample_weight": weights}


class TargetKind:
    """How one kind of target is made for, fitted into and read back from the student.

    One instance serves one fit (it may keep what the labeled rows told it,
    such as their true classes) and then the fitted meta-estimator's
    predictions. Subclasses override what differs.

    Parameters
    ----------
    names : ndarray of str or None, default=None
        Column names of the training rows: teacher and student see a
        DataFrame with them when the fit's ``X`` had them.
    """

    #: What the student's ``predict`` returns: "class", "proba", "logit" or "value".
    output = "class"
    #: The kind of estimator the student must be ("classifier" or "regressor").
    student_type = "classifier"

    def __init__(self, names=None):
        self.names = names

    @classmethod
    def for_fit(cls, params, classes, names):
        """The kind of one fit, from the meta-estimator's parameters.

        Parameters
        ----------
        params : dict
            The meta-estimator's ``get_params(deep=False)``; a kind reads the
            parameters it needs (``temperature``, ``alpha``, ...).
        classes : ndarray of shape (n_classes,) or None
            The classes of a classification fit.
        names : ndarray of str or None
            Column names of the training rows.
        """
        return cls(names=names)

    @classmethod
    def check_setup(cls, *, student, teachers, method, student_takes_weights):
        """Raise a clear error, before any work, when this kind cannot train ``student``.

        Parameters
        ----------
        student : estimator
            The (unfitted) student.
        teachers : list of estimators
            The (unfitted) teachers.
        method : {"fit", "partial_fit"}
            How the student will be trained.
        student_takes_weights : bool
            Whether the student's ``method`` takes ``sample_weight``.
        """

    def frame(self, X):
        """``X`` with the fit's column names (a DataFrame) when it had them."""
        return with_feature_names(X, self.names)

    def labeled_targets(self, teacher, X_labeled, y_labeled):
        """The targets of the labeled rows that join the transfer rows (their ``y``)."""
        return y_labeled

    def labeler(self, teacher):
        """The picklable labeler that turns a chunk of transfer rows into targets."""
        raise NotImplementedError

    def prepared_student(self, student):
        """The estimator to train in place of ``student`` (itself, or a wrapper of it)."""
        return student

    def fit(self, student, X, targets, weights):
        """Fit ``student`` on all student rows (labeled rows first) and their targets."""
        student.fit(self.frame(X), targets, **_weight_kwargs(weights))

    def partial_fit(self, student, X, targets, weights, head, params):
        """One streamed ``partial_fit`` step on a chunk.

        ``head`` is the chunk's slice of the labeled rows (None for transfer
        rows); ``params`` the keywords every call gets (the student's tag).
        """
        student.partial_fit(self.frame(X), targets, **params, **_weight_kwargs(weights))

    def predict(self, student, X):
        """The meta-estimator's predictions from the fitted student."""
        return student.predict(X)


# ------------------------------------------------------------ classification
class _ClassTargets(TargetKind):
    """Targets of a classification teacher; the columns of soft targets follow ``classes``.

    Parameters
    ----------
    classes : ndarray of shape (n_classes,)
        The meta-estimator's sorted classes.
    temperature : float, default=1.0
        Temperature of soft labels.
    alpha : float, default=1.0
        Weight of the true labels of labeled rows against the teacher's soft labels.
    min_soft_weight : float, default=0.0
        Smallest probability whose repeated row is kept (expanded soft labels).
    batch_size, n_jobs : int or None
        How the teacher's view of the labeled rows is computed.
    names : ndarray of str or None, default=None
        Column names of the training rows.
    """

    def __init__(
        self,
        classes,
        *,
        temperature=1.0,
        alpha=1.0,
        min_soft_weight=0.0,
        batch_size=10_000,
        n_jobs=None,
        names=None,
    ):
        super().__init__(names)
        self.classes = classes
        self.temperature = temperature
        self.alpha = alpha
        self.min_soft_weight = min_soft_weight
        self.batch_size = batch_size
        self.n_jobs = n_jobs

    @classmethod
    def for_fit(cls, params, classes, names):
        return cls(
            classes,
            temperature=params["temperature"],
            alpha=params["alpha"],
            min_soft_weight=params["min_soft_weight"],
            batch_size=params["batch_size"],
            n_jobs=params["n_jobs"],
            names=names,
        )

    def _classes_kwargs(self, method):
        # scikit-learn's partial_fit convention: every class named on the first call.
        return {"classes": self.classes} if accepts_parameter(method, "classes") else {}

    def partial_fit(self, student, X, targets, weights, head, params):
        kwargs = {**params, **self._classes_kwargs(student.partial_fit)}
        student.partial_fit(self.frame(X), targets, **kwargs, **_weight_kwargs(weights))

    def predict_proba(self, student, X):
        """Probabilities with one column per class (zeros for a class the student never saw)."""
        return align_proba(student.predict_proba(X), student.classes_, self.classes)

    @classmethod
    def gives_proba(cls, student):
        """Whether :meth:`predict_proba` can be answered with this (fitted or unfitted) student."""
        return hasattr(student, "predict_proba")


class HardLabels(_ClassTargets):
    """The teacher's predicted classes; the labeled rows keep their true classes."""

    def labeler(self, teacher):
        return HardLabeler(teacher, self.classes, feature_names=self.names)


class _SoftLabels(_ClassTargets):
    """Soft labels at a temperature; labeled rows mix them with their true class (``alpha``)."""

    #: What the labeler hands back: the soft labels, or their centred logits.
    labeler_output = "proba"

    @classmethod
    def check_setup(cls, *, student, teachers, method, student_takes_weights):
        for teacher in teachers:
            if not hasattr(teacher, "predict_proba"):
                raise ValueError(
                    f"labels={cls.labels_name()!r} needs a teacher with predict_proba; "
                    f"{type(teacher).__name__} has none. Use labels='hard' (and a "
                    "classifier student)."
                )

    @classmethod
    def labels_name(cls):
        """The ``labels`` value that chooses this kind (for messages)."""
        return "soft"

    def _soft_of_labeled(self, teacher, X_labeled, n_rows):
        """The teacher's soft labels of the labeled rows (zeros when ``alpha == 1``)."""
        if self.alpha >= 1:  # the teacher's view of labeled rows matters only below 1
            return np.zeros((n_rows, len(self.classes)))
        proba = teacher_proba(
            teacher,
            X_labeled,
            self.classes,
            batch_size=self.batch_size,
            n_jobs=self.n_jobs,
            feature_names=self.names,
        )
        return soften(proba, self.temperature)

    def labeled_targets(self, teacher, X_labeled, y_labeled):
        """``alpha * onehot + (1 - alpha) * soft``."""
        soft = self._soft_of_labeled(teacher, X_labeled, len(y_labeled))
        return mix_with_true_labels(soft, np.searchsorted(self.classes, y_labeled), self.alpha)

    def labeler(self, teacher):
        return SoftLabeler(
            teacher,
            self.classes,
            self.temperature,
            feature_names=self.names,
            output=self.labeler_output,
        )


class ExpandedSoftLabels(_SoftLabels):
    """Soft labels for a student that takes only hard ``y``: each row once per class, weighted.

    For a gini tree this is the same as fitting on the probability vectors.
    """

    @classmethod
    def check_setup(cls, *, student, teachers, method, student_takes_weights):
        super().check_setup(
            student=student,
            teachers=teachers,
            method=method,
            student_takes_weights=student_takes_weights,
        )
        if not student_takes_weights:
            raise ValueError(
                f"labels='soft' needs a student whose {method} accepts sample_weight (each "
                f"row is repeated per class, weighted by its probability); "
                f"{type(student).__name__}.{method} has no sample_weight. Use "
                "labels='hard', or a student that takes sample_weight or has the "
                "student.soft_targets tag (see skmetamorph.utils.StudentTags). A Pipeline "
                "student gets them through metadata routing: "
                "sklearn.set_config(enable_metadata_routing=True) and "
                "set_fit_request(sample_weight=True) on its last step."
            )

    def _expanded(self, method, X, targets, weights, **kwargs):
        X_rep, class_index, weight = expand_soft_targets(X, targets, self.min_soft_weight, weights)
        method(self.frame(X_rep), self.classes[class_index], sample_weight=weight, **kwargs)

    def fit(self, student, X, targets, weights):
        self._expanded(student.fit, X, targets, weights)

    def partial_fit(self, student, X, targets, weights, head, params):
        kwargs = {**params, **self._classes_kwargs(student.partial_fit)}
        self._expanded(student.partial_fit, X, targets, weights, **kwargs)


class SoftMatrix(_SoftLabels):
    """Soft labels as a probability matrix, for a student with the ``soft_targets`` tag.

    The student gets ``fit(X, P)`` (with ``classes=classes`` when its ``fit``
    takes them); labeled rows carry ``alpha * onehot + (1 - alpha) * soft``.
    """

    def _extra(self, n_rows, head):
        """Further keywords of the student's fit for ``n_rows`` rows (none here)."""
        return {}

    def _split(self, targets):
        """``(soft labels, keywords)``: the target matrix's parts (all soft labels here)."""
        return targets, {}

    def fit(self, student, X, targets, weights):
        soft, kwargs = self._split(targets)
        kwargs.update(_weight_kwargs(weights))
        if has_fit_parameter(student, "classes"):
            kwargs["classes"] = self.classes
        kwargs.update(self._extra(X.shape[0], "all"))
        student.fit(self.frame(X), soft.astype(X.dtype, copy=False), **kwargs)

    def partial_fit(self, student, X, targets, weights, head, params):
        soft, kwargs = self._split(targets)
        kwargs.update(params)
        kwargs.update(self._classes_kwargs(student.partial_fit))
        kwargs.update(_weight_kwargs(weights))
        kwargs.update(self._extra(X.shape[0], head))
        student.partial_fit(self.frame(X), soft.astype(X.dtype, copy=False), **kwargs)


class DistillationTargets(SoftMatrix):
    """Soft labels and true classes apart, for a student with the ``distillation`` tag.

    The student weighs the true class (``alpha``) and the teacher's soft
    labels (``1 - alpha``) itself, as in Hinton et al. (2015): it gets
    ``fit(X, P, classes=classes, hard_targets=h, temperature=T, alpha=alpha)``,
    where ``P`` holds the teacher's soft labels at temperature ``T`` (on
    labeled rows too when ``0 < alpha < 1``; with ``alpha = 1`` their soft part
    has no weight and ``P`` keeps the one-hot row) and ``h`` the column index
    of each labeled row's true class, ``-1`` on transfer rows (and on every
    row when ``alpha = 0``).
    """

    def __init__(self, classes, **kwargs):
        super().__init__(classes, **kwargs)
        #: True class index of each labeled row (``-1`` when ``alpha == 0``).
        self.labeled_classes = np.empty(0, dtype=np.intp)

    def labeled_targets(self, teacher, X_labeled, y_labeled):
        y_index = np.searchsorted(self.classes, y_labeled)
        soft = self._soft_of_labeled(teacher, X_labeled, len(y_labeled))
        hard = y_index if self.alpha > 0 else np.full(len(y_index), -1)
        self.labeled_classes = hard.astype(np.intp)
        if 0 < self.alpha < 1:
            return soft
        return mix_with_true_labels(soft, y_index, self.alpha)

    def _true_classes(self, n_rows, head):
        """True class indices of ``n_rows`` rows: the labeled rows', -1 on transfer rows."""
        if head is None:
            return np.full(n_rows, -1, dtype=np.intp)
        if isinstance(head, slice):
            return self.labeled_classes[head]
        n_labeled = len(self.labeled_classes)  # "all": labeled rows first
        return np.concatenate(
            [self.labeled_classes, np.full(n_rows - n_labeled, -1, dtype=np.intp)]
        )

    def _extra(self, n_rows, head):
        return {
            "hard_targets": self._true_classes(n_rows, head),
            "temperature": self.temperature,
            "alpha": self.alpha,
        }


class FeatureDistillationTargets(DistillationTargets):
    """Distillation targets plus the teacher's activations of named layers (FitNets, RKD).

    For a student whose tag ``student.teacher_layers`` names teacher layers
    (a :class:`~skmetamorph.torch.TorchClassifier` with ``hint`` or
    ``relation``). The labeler appends each layer's activations, flattened,
    to the soft labels' columns, so that the engine, ``memory=`` and the
    streamed fit carry them like any target matrix; before the student's fit
    they are split off and reshaped, and the student gets them as
    ``teacher_features={layer: activations}`` next to the distillation
    keywords.

    Parameters
    ----------
    classes : ndarray of shape (n_classes,)
        The meta-estimator's sorted classes.
    layers : tuple of str
        The teacher layers whose activations the student trains on.
    **kwargs
        As :class:`DistillationTargets`.
    """

    def __init__(self, classes, *, layers=(), **kwargs):
        super().__init__(classes, **kwargs)
        self.layers = tuple(layers)
        #: Shape of one row of each layer's activations, once the teacher is seen.
        self.layer_shapes = None

    @classmethod
    def for_fit(cls, params, classes, names):
        kind = super().for_fit(params, classes, names)
        kind.layers = tuple(get_metamorph_tags(params["student"]).student.teacher_layers)
        return kind

    @classmethod
    def check_setup(cls, *, student, teachers, method, student_takes_weights):
        super().check_setup(
            student=student,
            teachers=teachers,
            method=method,
            student_takes_weights=student_takes_weights,
        )
        layers = list(get_metamorph_tags(student).student.teacher_layers)
        if len(teachers) != 1 or not callable(getattr(teachers[0], "transform", None)):
            raise ValueError(
                f"The student {type(student).__name__} trains on the activations of the "
                f"teacher layers {layers} (hint/relation), so it needs one teacher that "
                "hands them over with transform(X, layer=...), such as "
                f"skmetamorph.torch.TorchClassifier; got "
                f"{', '.join(type(t).__name__ for t in teachers)}. Use such a teacher, "
                "or a student without hint and relation."
            )

    def _shapes(self, teacher):
        """The layers' row shapes; a layer the fitted teacher lacks is an error naming those it has."""
        if self.layer_shapes is None:
            known = list(teacher.layer_names())
            missing = [layer for layer in self.layers if layer not in known]
            if missing:
                raise ValueError(
                    f"The student needs the activations of the teacher layers {missing}, "
                    f"which the teacher {type(teacher).__name__} does not have; its layers "
                    f"are {known}."
                )
            self.layer_shapes = {
                layer: tuple(teacher.layer_output_shape(layer)) for layer in self.layers
            }
        return self.layer_shapes

    def labeled_targets(self, teacher, X_labeled, y_labeled):
        soft = super().labeled_targets(teacher, X_labeled, y_labeled)
        # The labeler's own features: the labeled rows' columns are the transfer rows'.
        return np.hstack([soft, self.labeler(teacher).features(X_labeled)])

    def labeler(self, teacher):
        self._shapes(teacher)
        return FeatureLabeler(
            teacher,
            self.classes,
            self.temperature,
            feature_names=self.names,
            layers=self.layers,
        )

    def _split(self, targets):
        n_rows, start = targets.shape[0], len(self.classes)
        features = {}
        for layer in self.layers:
            shape = self.layer_shapes[layer]
            stop = start + int(np.prod(shape, dtype=int))
            features[layer] = targets[:, start:stop].reshape((n_rows,) + shape)
            start = stop
        return targets[:, : len(self.classes)], {"teacher_features": features}


class ProbaRegression(_SoftLabels):
    """A regressor student fits the soft labels, one output per class (``labels="proba"``).

    ``predict`` is the class of the largest regressed value;
    ``predict_proba`` the regressed probabilities clipped at 0 and
    renormalised per row.
    """

    output = "proba"
    student_type = "regressor"

    @classmethod
    def labels_name(cls):
        return cls.output

    def prepared_student(self, student):
        """The student, or ``MultiOutputRegressor(student)`` (see :func:`per_class_regressor`)."""
        return per_class_regressor(student)

    def partial_fit(self, student, X, targets, weights, head, params):
        # A regressor: no classes, the targets as they are.
        TargetKind.partial_fit(self, student, X, targets, weights, head, params)

    def proba_from_values(self, values):
        """Probabilities from the student's regressed values (rows of per-class values)."""
        values = np.asarray(values, dtype=np.float64)
        return proba_from_regressed(values.reshape(values.shape[0], -1))

    def predict_proba(self, student, X):
        return self.proba_from_values(student.predict(X))

    def predict(self, student, X):
        return self.classes[np.argmax(self.predict_proba(student, X), axis=1)]

    @classmethod
    def gives_proba(cls, student):
        return True


class LogitRegression(ProbaRegression):
    """A regressor student fits the soft labels' row-centred logits (``labels="logit"``).

    ``predict_proba`` is the softmax of the regressed logits.
    """

    output = "logit"
    labeler_output = "logit"

    def labeled_targets(self, teacher, X_labeled, y_labeled):
        return centred_logits(super().labeled_targets(teacher, X_labeled, y_labeled))

    def proba_from_values(self, values):
        values = np.asarray(values, dtype=np.float64)
        return softmax(values.reshape(values.shape[0], -1))


def classification_kind(labels, student):
    """The kind of target that ``labels`` and the student's tags call for.

    Parameters
    ----------
    labels : {"hard", "soft", "proba", "logit"}
        The meta-estimator's ``labels``.
    student : estimator
        The student; with ``labels="soft"`` its tags (see
        :class:`skmetamorph.utils.StudentTags`) decide how soft labels reach it.

    Returns
    -------
    kind : type
        A subclass of :class:`TargetKind`.
    """
    if labels == "hard":
        return HardLabels
    if labels == "proba":
        return ProbaRegression
    if labels == "logit":
        return LogitRegression
    tags = get_metamorph_tags(student).student
    if tags.soft_targets and tags.distillation and tags.teacher_layers:
        return FeatureDistillationTargets
    if tags.soft_targets and tags.distillation:
        return DistillationTargets
    if tags.soft_targets:
        return SoftMatrix
    return ExpandedSoftLabels


# ---------------------------------------------------------------- regression
class RegressionTargets(TargetKind):
    """The predictions of a regression teacher; the labeled rows keep their targets.

    Transfer targets take the shape of ``y``'s rows (a teacher may give
    ``(n, 1)`` for 1-d ``y``); without labeled rows, the teacher's own shape.
    """

    output = "value"
    student_type = "regressor"

    def __init__(self, names=None):
        super().__init__(names)
        #: The shape of one row's targets, once the labeled rows showed it.
        self.outputs = None

    def labeled_targets(self, teacher, X_labeled, y_labeled):
        self.outputs = y_labeled.shape[1:]
        return y_labeled

    def labeler(self, teacher):
        return RegressionLabeler(teacher, outputs=self.outputs, feature_names=self.names)


def per_class_regressor(regressor):
    """``regressor``, or ``MultiOutputRegressor(regressor)`` when it fits no 2-d ``y`` itself.

    A regressor whose scikit-learn tags say it takes multi-output ``y``
    (``DecisionTreeRegressor``, ``KNeighborsRegressor``, ``Ridge``, ...) fits
    ``(n_samples, n_classes)`` targets at once; any other
    (``HistGradientBoostingRegressor``, ``SVR``, ``SGDRegressor``) is wrapped
    in ``MultiOutputRegressor``, which fits (or ``partial_fit``s) a clone per
    class and passes ``sample_weight`` on.
    """
    return regressor if _takes_multi_output(regressor) else MultiOutputRegressor(regressor)


def _takes_multi_output(regressor):
    """Whether a regressor fits a 2-d ``y`` itself (its scikit-learn tag; no tags: no)."""
    try:
        return get_tags(regressor).target_tags.multi_output
    except AttributeError:  # a duck-typed regressor: MultiOutputRegressor works for any
        return False
