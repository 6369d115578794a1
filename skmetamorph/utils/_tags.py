"""What a teacher, a student or a transfer sampler can do: public capability tags.

scikit-learn's ``__sklearn_tags__`` says what an estimator accepts (NaN,
sparse input, multi-output targets). The metamorphosis step needs a few more
facts about its three roles, and asks for them here, never through private
attributes or signature probes:

- a **teacher** may need no training data (a frozen model, a simulation), be
  semi-supervised (it learns from rows marked unlabeled), or expose logits;
- a **student** may train on probability targets directly (soft targets),
  and may weigh the true class and the teacher's soft labels itself
  (distillation); streamed fits may need extra ``partial_fit`` keywords;
- a **sampler** may need no ``X`` (it defines the input domain itself).

An estimator declares its tags with a method ``__skmetamorph_tags__(self)``
that returns a :class:`MetamorphTags`. Estimators that cannot be changed (a
class from another package) get theirs from a *tag provider*: a function
``provider(estimator) -> MetamorphTags | None`` registered with
:func:`register_tag_provider` for the top-level package that defines the
class, or declared by an installed distribution as an entry point of the group
``skmetamorph.tag_providers`` named after that package (so that the core
never imports the other package; the provider is loaded only when an
estimator of that package is met). Everything else gets the defaults that
:func:`get_metamorph_tags` documents.
"""

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata

from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline
from sklearn.semi_supervised import LabelPropagation, LabelSpreading, SelfTrainingClassifier

__all__ = [
    "MetamorphTags",
    "SamplerTags",
    "StudentTags",
    "TeacherTags",
    "get_metamorph_tags",
    "register_tag_provider",
]

#: Entry-point group in which installed packages declare tag providers.
ENTRY_POINT_GROUP = "skmetamorph.tag_providers"

_SEMI_SUPERVISED_TYPES = (SelfTrainingClassifier, LabelPropagation, LabelSpreading)


@dataclass
class TeacherTags:
    """What an estimator can do as a teacher.

    Parameters
    ----------
    needs_no_data : bool, default=False
        The teacher knows its answers without training rows (a pre-trained
        model, a function, a simulation): the meta-estimators fit it on the
        rows' shape only, and may be fitted without labels.
    semi_supervised : bool, default=False
        The teacher learns from unlabeled rows too, marked ``-1`` in ``y``
        (scikit-learn's semi-supervised convention); with
        ``teacher_data="auto"`` it is fitted on every row.
    logits : callable or None, default=None
        ``logits(X) -> z`` with ``softmax(z) == predict_proba(X)``, for a
        fitted teacher. Soft labels at a temperature are then computed from
        the logits in float64 (exact even where float32 probabilities round
        to 0). By default a teacher's ``predict_logits`` method, if any.
    """

    needs_no_data: bool = False
    semi_supervised: bool = False
    logits: Callable | None = None


@dataclass
class StudentTags:
    """What an estimator can do as a student.

    Parameters
    ----------
    soft_targets : bool, default=False
        ``fit(X, P, classes=classes)`` (and ``partial_fit``) take a probability
        matrix ``P`` of shape ``(n_samples, n_classes)`` whose columns follow
        ``classes``. Students without it learn soft labels through
        ``sample_weight`` (each row repeated once per class).
    distillation : bool, default=False
        With ``soft_targets``: ``fit`` also takes ``hard_targets`` (the column
        of each row's true class, ``-1`` where there is none), ``temperature``
        and ``alpha``, and weighs the true and the soft labels itself
        (Hinton et al. 2015).
    partial_fit_params : dict, default={}
        Keywords added to every ``partial_fit`` call of a streamed fit (a
        neural net of :mod:`skmetamorph.torch` gets ``epochs=1``: a pass over
        the transfer set is the epoch, not each chunk).
    teacher_layers : tuple of str, default=()
        Names of teacher layers (``teacher.module_.named_modules()`` names of
        a :class:`~skmetamorph.torch.TorchClassifier` teacher) whose
        activations the student trains on (feature- and relation-based
        distillation: FitNets hints, RKD). The meta-estimator labels each
        transfer row with ``teacher.transform(X, layer=name)`` for each name
        and passes them to ``fit`` / ``partial_fit`` as
        ``teacher_features={name: activations}``, rows in the order of ``X``.
        Empty: the student needs no activations.
    """

    soft_targets: bool = False
    distillation: bool = False
    partial_fit_params: dict = field(default_factory=dict)
    teacher_layers: tuple = ()


@dataclass
class SamplerTags:
    """What a transfer sampler can do.

    Parameters
    ----------
    needs_no_X : bool, default=False
        ``fit_generate(None)`` works: the sampler defines the input domain
        itself (quasi-random samplers with ``bounds``), so a meta-estimator
        whose teacher needs no data can be fitted with no rows at all.
    """

    needs_no_X: bool = False


@dataclass
class MetamorphTags:
    """The capability tags of an estimator in each role of a metamorphosis.

    Parameters
    ----------
    teacher : TeacherTags
        Its capabilities as a teacher.
    student : StudentTags
        Its capabilities as a student.
    sampler : SamplerTags
        Its capabilities as a transfer sampler.

    Examples
    --------
    A student that trains on probability targets declares it so:

    >>> from sklearn.base import BaseEstimator, ClassifierMixin
    >>> from skmetamorph.utils import MetamorphTags, get_metamorph_tags
    >>> class SoftStudent(ClassifierMixin, BaseEstimator):
    ...     def __skmetamorph_tags__(self):
    ...         tags = MetamorphTags()
    ...         tags.student.soft_targets = True
    ...         return tags
    >>> get_metamorph_tags(SoftStudent()).student.soft_targets
    True
    """

    teacher: TeacherTags = field(default_factory=TeacherTags)
    student: StudentTags = field(default_factory=StudentTags)
    sampler: SamplerTags = field(default_factory=SamplerTags)


_providers = {}
_entry_points_loaded = set()


def register_tag_provider(package, provider):
    """Declare the tags of estimators whose class comes from ``package``.

    Parameters
    ----------
    package : str
        Top-level package name of the classes (``type(est).__module__`` up to
        the first dot), e.g. ``"mylib"``.
    provider : callable
        ``provider(estimator)`` returns a :class:`MetamorphTags`, or None to
        fall back to the defaults.

    Returns
    -------
    provider : callable
        The provider, so that this can be used as a decorator's target.
    """
    _providers[package] = provider
    return provider


def _provider_for(estimator):
    """The provider for the package of the estimator's class, or of its nearest base class.

    The class hierarchy is walked so that a user's subclass (in ``__main__``
    or their own package) of another package's estimator gets that
    package's tags.
    """
    for cls in type(estimator).__mro__:
        package = cls.__module__.partition(".")[0]
        if package in ("builtins", "abc"):
            continue
        if package not in _providers and package not in _entry_points_loaded:
            # Loaded only now that an estimator of this package is met, so a
            # provider's own imports never happen otherwise.
            _entry_points_loaded.add(package)
            for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
                if entry_point.name == package:
                    _providers[package] = entry_point.load()
                    break
        if package in _providers:
            return _providers[package]
    return None


def get_metamorph_tags(estimator):
    """The :class:`MetamorphTags` of an estimator.

    In order: the estimator's own ``__skmetamorph_tags__()``; else the tag
    provider registered (or declared by an entry point) for the package of
    its class; else the defaults, which are:

    - a :class:`~sklearn.frozen.FrozenEstimator` needs no data (its logits
      are those of the estimator inside);
    - scikit-learn's ``SelfTrainingClassifier``, ``LabelPropagation`` and
      ``LabelSpreading`` are semi-supervised (also as the last step of a
      :class:`~sklearn.pipeline.Pipeline`);
    - a teacher with a ``predict_logits`` method has logits (a fitted
      ``SelfTrainingClassifier`` has those of its fitted estimator);
    - everything else: no capability.

    Parameters
    ----------
    estimator : object
        A teacher, student or sampler (fitted or not).

    Returns
    -------
    tags : MetamorphTags
        Its tags; a new object, safe to modify.
    """
    # Looked up on the class: a wrapper that forwards attributes to the
    # estimator it holds (FrozenEstimator.__getattr__) must not borrow its tags.
    own = getattr(type(estimator), "__skmetamorph_tags__", None)
    if callable(own) and not isinstance(estimator, type):
        return own(estimator)
    provider = _provider_for(estimator)
    if provider is not None:
        tags = provider(estimator)
        if tags is not None:
            return tags
    return _default_tags(estimator)


#: Private opt-in attributes of skmetamorph 0.1, still read (with a warning).
_LEGACY_ATTRIBUTES = {
    "_skmetamorph_soft_targets": ("student", "soft_targets"),
    "_skmetamorph_needs_no_data": ("teacher", "needs_no_data"),
    "_skmetamorph_semi_supervised": ("teacher", "semi_supervised"),
}


def _default_tags(estimator):
    tags = MetamorphTags()
    if isinstance(estimator, Pipeline):
        last = get_metamorph_tags(estimator.steps[-1][1]) if estimator.steps else None
        if last is not None:
            tags.teacher.semi_supervised = last.teacher.semi_supervised
        return tags
    if isinstance(estimator, FrozenEstimator):
        tags.teacher.needs_no_data = True
        tags.teacher.logits = get_metamorph_tags(estimator.estimator).teacher.logits
        return tags
    if isinstance(estimator, _SEMI_SUPERVISED_TYPES):
        tags.teacher.semi_supervised = True
    if isinstance(estimator, SelfTrainingClassifier) and hasattr(estimator, "estimator_"):
        tags.teacher.logits = get_metamorph_tags(estimator.estimator_).teacher.logits
    method = getattr(estimator, "predict_logits", None)
    if callable(method):
        tags.teacher.logits = method
    for attribute, (role, name) in _LEGACY_ATTRIBUTES.items():
        if getattr(estimator, attribute, False):
            warnings.warn(
                f"{type(estimator).__name__}.{attribute} is deprecated since skmetamorph "
                f"0.2 and will be ignored in 0.4: declare the capability with a "
                f"__skmetamorph_tags__ method that sets tags.{role}.{name} = True "
                "(see skmetamorph.utils.MetamorphTags).",
                FutureWarning,
                stacklevel=3,
            )
            setattr(getattr(tags, role), name, True)
    return tags
