"""Public utilities: capability tags and the transfer-sampler contract check.

- :class:`MetamorphTags` and :func:`get_metamorph_tags`: what a teacher, a
  student or a sampler can do, declared by the estimator itself
  (``__skmetamorph_tags__``) or by a tag provider for another package.
- :func:`check_transfer_sampler` (in :mod:`skmetamorph.utils.estimator_checks`):
  the contract every transfer sampler keeps, runnable on a third party's sampler.
- :func:`unlabeled_mask` and :data:`UNLABELED`: which rows of ``y`` are
  marked unlabeled.
- :func:`is_metamorphosis`: whether an object is one of the meta-estimators.
"""

from ._data import UNLABELED, unlabeled_mask
from ._tags import (
    MetamorphTags,
    SamplerTags,
    StudentTags,
    TeacherTags,
    get_metamorph_tags,
    register_tag_provider,
)

__all__ = [
    "UNLABELED",
    "MetamorphTags",
    "SamplerTags",
    "StudentTags",
    "TeacherTags",
    "get_metamorph_tags",
    "is_metamorphosis",
    "register_tag_provider",
    "unlabeled_mask",
]


def is_metamorphosis(estimator):
    """Whether ``estimator`` is a metamorphosis meta-estimator (fitted or not).

    Recognised by type: a :class:`~skmetamorph.MetamorphosisClassifier`, a
    :class:`~skmetamorph.MetamorphosisRegressor` or a subclass of their base.
    Reports, rules and displays use it to tell a meta-estimator from a plain
    fitted model.

    Parameters
    ----------
    estimator : object
        Any object.

    Returns
    -------
    bool
        Whether it is a metamorphosis meta-estimator.

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skmetamorph import MetamorphosisClassifier
    >>> from skmetamorph.utils import is_metamorphosis
    >>> is_metamorphosis(MetamorphosisClassifier(DecisionTreeClassifier(), DecisionTreeClassifier()))
    True
    >>> is_metamorphosis(DecisionTreeClassifier())
    False
    """
    # The meta-estimators import this package: import them when asked.
    from .._meta_estimator import is_metamorphosis as check

    return check(estimator)
