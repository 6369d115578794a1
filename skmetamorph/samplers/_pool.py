"""The identity sampler: the given rows themselves, relabeled by the teacher."""

from ..base import ChunkedTransferSampler
from ..utils._data import unlabeled_mask
from ..utils._sklearn_compat import StrOptions

__all__ = ["PoolSampler"]


def select_pool(X, y, pool):
    """Rows of ``X`` that form the pool: unlabeled rows, all rows, or "auto".

    "auto" means the unlabeled rows (``y == -1``) where there are any, else all
    rows: a user who passes only labeled data still gets a transfer set.
    """
    if pool == "all" or y is None:
        return X
    unlabeled = unlabeled_mask(y)
    if pool == "unlabeled" or unlabeled.any():
        return X[unlabeled]
    return X


class PoolSampler(ChunkedTransferSampler):
    """Use given rows as the transfer set: the identity sampler.

    The teacher relabels real rows, typically a pool of unlabeled data. This is
    the plainest transfer set and the default of
    :class:`~skmetamorph.MetamorphosisClassifier`.

    Parameters
    ----------
    pool : {"auto", "unlabeled", "all"}, default="auto"
        Which rows to return. ``"unlabeled"``: rows marked ``-1`` in ``y``;
        ``"all"``: every row; ``"auto"``: the unlabeled rows where there are
        any, else every row.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during fit.

    See Also
    --------
    ConfidenceSampler : Keep only the rows the teacher is confident about.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph.samplers import PoolSampler
    >>> X = np.arange(8.0).reshape(4, 2)
    >>> y = np.array([0, 1, -1, -1])
    >>> PoolSampler().fit_generate(X, y)
    array([[4., 5.],
           [6., 7.]])
    """

    _parameter_constraints = {"pool": [StrOptions({"auto", "unlabeled", "all"})]}
    _allows_nan = True

    def __init__(self, pool="auto"):
        self.pool = pool

    def _fit_rows(self, X, y, teacher, rng):
        pool = select_pool(X, y, self.pool)
        return {"pool": pool}, pool.shape[0]

    def _generate_rows(self, state, start, stop):
        # A copy, as fit_generate returns: the caller may change the rows.
        return state["pool"][start:stop].copy()
