"""Transfer samplers: the ways to make the transfer set (data 2).

Each family lives in its own module; all are estimators with the one-shot verb
``fit_generate(X, y=None, *, teacher=None)`` that returns rows only.
"""

from ._confidence import ConfidenceSampler
from ._pool import PoolSampler

__all__ = [
    "ConfidenceSampler",
    "PoolSampler",
]
