"""Transfer samplers: the ways to make the transfer set (data 2).

Each family lives in its own module; all are estimators with the one-shot verb
``fit_generate(X, y=None, *, teacher=None)`` that returns rows only.
"""

from ._adaptive import AdaptiveSampler
from ._auto import AutoSampler, resolve_auto
from ._boundary import BoundarySampler, teacher_uncertainty
from ._compose import UnionSampler
from ._confidence import ConfidenceSampler
from ._deep import CTGANSampler, GaussianCopulaSampler, TVAESampler
from ._density import GMMSampler, KDESampler
from ._forest import ForestLeafSampler
from ._function import FunctionSampler
from ._hotdeck import SPUNGE
from ._image import ElasticDistortionSampler, ImageRotationSampler, ImageShiftSampler
from ._imblearn import SMOTESampler
from ._munge import MUNGE
from ._noise import GaussianNoiseSampler, UniformSampler
from ._pool import PoolSampler
from ._qmc import HaltonSampler, LatinHypercubeSampler, SobolSampler

__all__ = [
    "AdaptiveSampler",
    "AutoSampler",
    "BoundarySampler",
    "CTGANSampler",
    "ConfidenceSampler",
    "ElasticDistortionSampler",
    "ForestLeafSampler",
    "FunctionSampler",
    "GMMSampler",
    "GaussianCopulaSampler",
    "GaussianNoiseSampler",
    "HaltonSampler",
    "ImageRotationSampler",
    "ImageShiftSampler",
    "KDESampler",
    "LatinHypercubeSampler",
    "MUNGE",
    "PoolSampler",
    "SMOTESampler",
    "SPUNGE",
    "SobolSampler",
    "TVAESampler",
    "UniformSampler",
    "UnionSampler",
    "resolve_auto",
    "teacher_uncertainty",
]
