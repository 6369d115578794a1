"""Public utilities: capability tags and the transfer-sampler contract check.

- :class:`MetamorphTags` and :func:`get_metamorph_tags`: what a teacher, a
  student or a sampler can do, declared by the estimator itself
  (``__skmetamorph_tags__``) or by a tag provider for another package.
- :func:`check_transfer_sampler` (in :mod:`skmetamorph.utils.estimator_checks`):
  the contract every transfer sampler keeps, runnable on a third party's sampler.
"""

from ._tags import (
    MetamorphTags,
    SamplerTags,
    StudentTags,
    TeacherTags,
    get_metamorph_tags,
    register_tag_provider,
)

__all__ = [
    "MetamorphTags",
    "SamplerTags",
    "StudentTags",
    "TeacherTags",
    "get_metamorph_tags",
    "register_tag_provider",
]
