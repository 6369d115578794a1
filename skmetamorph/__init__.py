"""skmetamorph: turn one model into another through a transfer set.

A teacher (model A) labels a transfer set (data 2) that a transfer sampler
makes; a student (model B), any scikit-learn estimator, learns from it. Knowledge
distillation, model compression (MUNGE), pedagogical rule extraction and
surrogate modelling are all this one step.

Importing ``skmetamorph`` never imports torch; ``skmetamorph.torch`` does.
"""

from importlib import metadata as _metadata

from ._classifier import MetamorphosisClassifier
from ._function_teacher import FunctionTeacher
from ._regressor import MetamorphosisRegressor
from ._teachers import TeacherEnsemble, TeacherEnsembleRegressor
from .base import BaseTransferSampler

try:  # the installed distribution's version, written once in pyproject.toml
    __version__ = _metadata.version("skmetamorph")
except _metadata.PackageNotFoundError:  # a source tree that was never installed
    __version__ = "unknown"

__all__ = [
    "BaseTransferSampler",
    "FunctionTeacher",
    "MetamorphosisClassifier",
    "MetamorphosisRegressor",
    "TeacherEnsemble",
    "TeacherEnsembleRegressor",
    "__version__",
]
