"""Self-training selection: the unlabeled rows the teacher is confident about."""

from functools import partial
from numbers import Integral, Real

import numpy as np

from .._engine import map_chunks
from ..base import BaseTransferSampler
from ..utils._sklearn_compat import Interval, StrOptions
from ._pool import select_pool

__all__ = ["ConfidenceSampler"]


class ConfidenceSampler(BaseTransferSampler):
    """Rows of the pool whose teacher confidence is high (self-training selection).

    The teacher's confidence in a row is its largest predicted class
    probability. Rows with confidence ``>= threshold`` are kept, or, with
    ``k_best``, the ``k_best`` most confident rows. This is the selection step of
    self-training, used to build the transfer set of the MNIST result: the
    labeled rows plus the unlabeled rows a self-trained CNN is sure about.

    Parameters
    ----------
    threshold : float in [0, 1], default=0.9
        Keep rows whose confidence is at least this. Ignored when ``k_best``
        is set.
    k_best : int, default=None
        Keep this many of the most confident rows instead (all of them when the
        pool is smaller).
    pool : {"auto", "unlabeled", "all"}, default="auto"
        Which rows to choose from: rows marked ``-1`` in ``y``, every row, or
        the unlabeled rows where there are any, else every row.
    batch_size : int, default=10000
        The teacher scores the pool in chunks of this many rows, so memory
        stays bounded for large pools.

    Attributes
    ----------
    confidence_ : ndarray of shape (n_pool,)
        The teacher's confidence in each pool row, from the last
        :meth:`fit_generate`.
    n_features_in_ : int
        Number of features seen during fit.

    See Also
    --------
    PoolSampler : Keep every row of the pool.
    sklearn.semi_supervised.SelfTrainingClassifier : The same selection rule,
        applied repeatedly inside a classifier.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skmetamorph.samplers import ConfidenceSampler
    >>> X = np.array([[-3.0], [-2.0], [3.0], [-0.1], [0.1], [2.5]])
    >>> y = np.array([0, 0, 1, -1, -1, -1])
    >>> teacher = LogisticRegression().fit(X[:3], y[:3])
    >>> ConfidenceSampler(threshold=0.75).fit_generate(X, y, teacher=teacher)
    array([[2.5]])
    """

    _parameter_constraints = {
        "threshold": [Interval(Real, 0, 1, closed="both")],
        "k_best": [Interval(Integral, 1, None, closed="left"), None],
        "pool": [StrOptions({"auto", "unlabeled", "all"})],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, threshold=0.9, k_best=None, pool="auto", batch_size=10_000):
        self.threshold = threshold
        self.k_best = k_best
        self.pool = pool
        self.batch_size = batch_size

    def _fit_generate(self, X, y, teacher, rng):
        if teacher is None or not hasattr(teacher, "predict_proba"):
            raise ValueError(
                "ConfidenceSampler needs a fitted teacher with predict_proba, passed as "
                "fit_generate(X, y, teacher=teacher); got "
                f"{type(teacher).__name__ if teacher is not None else None}."
            )
        X_pool = select_pool(X, y, self.pool)
        self.confidence_ = self._confidence(teacher, X_pool)
        if self.k_best is not None:
            k = min(self.k_best, X_pool.shape[0])
            # A stable sort keeps the original order among ties, so the result
            # does not depend on the sort implementation.
            keep = np.sort(np.argsort(-self.confidence_, kind="stable")[:k])
        else:
            keep = np.flatnonzero(self.confidence_ >= self.threshold)
        return X_pool[keep]

    def _confidence(self, teacher, X_pool):
        if X_pool.shape[0] == 0:
            return np.empty(0)
        return map_chunks(
            partial(_max_proba, teacher, self._with_feature_names), X_pool, self.batch_size, 1
        )


def _max_proba(teacher, as_input, rows):
    """The teacher's largest class probability on each row."""
    return np.max(teacher.predict_proba(as_input(rows)), axis=1)
