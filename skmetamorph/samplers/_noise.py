"""Samplers that add noise to the data or fill its bounding box."""

from numbers import Real

import numpy as np

from .._random import draw_key, row_normals, row_uniforms, rows_in_rounds
from ..base import N_SAMPLES_CONSTRAINT, ChunkedTransferSampler
from ..utils._sklearn_compat import Interval

__all__ = ["GaussianNoiseSampler", "UniformSampler"]


class GaussianNoiseSampler(ChunkedTransferSampler):
    """Rows of the data with added Gaussian noise.

    Each new row is a data row (drawn in rounds, so that every row is used about
    equally often) plus independent Gaussian noise whose standard deviation, per
    feature, is ``scale`` times that feature's standard deviation in the data.
    The noise therefore follows each feature's own units; a constant feature
    stays constant.

    Parameters
    ----------
    n_samples : int or float, default=1.0
        Number of rows to make: a count if an int, a multiple of the number of
        input rows if a float.
    scale : float, default=0.1
        Standard deviation of the noise as a fraction of each feature's
        standard deviation. ``0`` returns copies of data rows.
    random_state : int, RandomState instance or None, default=None
        Seed of the row draws and the noise.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :meth:`fit_generate`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_generate`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    MUNGE : Perturbs each row towards its nearest neighbour instead of by a
        global noise level.
    UniformSampler : Rows drawn uniformly from the bounding box of the data.
    KDESampler : Rows drawn from a kernel density estimate, which is the same
        idea with a bandwidth chosen from the data.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph.samplers import GaussianNoiseSampler
    >>> X = np.random.default_rng(0).normal(size=(50, 3))
    >>> sampler = GaussianNoiseSampler(n_samples=3.0, scale=0.2, random_state=0)
    >>> sampler.fit_generate(X).shape
    (150, 3)
    """

    # n_samples=10 is easily meant as 10.0: an int below the data warns.
    _warn_small_count = True

    _parameter_constraints: dict = {
        "n_samples": N_SAMPLES_CONSTRAINT,
        "scale": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, n_samples=1.0, scale=0.1, random_state=None):
        self.n_samples = n_samples
        self.scale = scale
        self.random_state = random_state

    def _fit_rows(self, X, y, teacher, rng):
        sd = (self.scale * X.std(axis=0)).astype(X.dtype)
        return {"X": X, "sd": sd, "key": draw_key(rng)}, self._resolve_n_samples(X.shape[0])

    def _generate_rows(self, state, start, stop):
        X, key = state["X"], state["key"]
        X_new = X[rows_in_rounds(X.shape[0], key, start, stop)]
        noise = row_normals((key, 1), start, stop, X.shape[1]).astype(X.dtype, copy=False)
        X_new += noise * state["sd"]
        return X_new


class UniformSampler(ChunkedTransferSampler):
    """Rows drawn uniformly from the bounding box of the data.

    Each feature is drawn independently and uniformly between its minimum and
    maximum in the data, widened by ``margin`` times its range on each side. The
    rows ignore the data's shape (correlations, clusters), so they probe the
    teacher everywhere in the box, including where it has seen no data; this is
    useful to extract a surrogate that matches the teacher over a whole input
    domain rather than only near the data.

    Parameters
    ----------
    n_samples : int or float, default=1.0
        Number of rows to make: a count if an int, a multiple of the number of
        input rows if a float.
    margin : float, default=0.0
        Widening of the box on each side, as a fraction of each feature's range.
        ``0`` keeps the rows within the observed minimum and maximum.
    random_state : int, RandomState instance or None, default=None
        Seed of the draws.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :meth:`fit_generate`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_generate`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    GaussianNoiseSampler : Rows near the data instead of anywhere in its box.
    KDESampler : Rows drawn from a density estimate of the data.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph.samplers import UniformSampler
    >>> X = np.array([[0.0, 10.0], [1.0, 20.0], [0.5, 15.0]])
    >>> X_new = UniformSampler(n_samples=100, random_state=0).fit_generate(X)
    >>> X_new.shape
    (100, 2)
    >>> bool((X_new >= X.min(axis=0)).all() and (X_new <= X.max(axis=0)).all())
    True
    """

    _parameter_constraints: dict = {
        "n_samples": N_SAMPLES_CONSTRAINT,
        "margin": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, n_samples=1.0, margin=0.0, random_state=None):
        self.n_samples = n_samples
        self.margin = margin
        self.random_state = random_state

    def _box(self, X):
        # The box is computed in float64 so that the margin does not round
        # differently for float32 data; the base class casts the rows back.
        low = X.min(axis=0).astype(np.float64)
        high = X.max(axis=0).astype(np.float64)
        width = high - low
        return low - self.margin * width, high + self.margin * width

    def _fit_rows(self, X, y, teacher, rng):
        low, high = self._box(X)
        state = {"low": low, "high": high, "key": draw_key(rng)}
        return state, self._resolve_n_samples(X.shape[0])

    def _generate_rows(self, state, start, stop):
        low, high = state["low"], state["high"]
        u = row_uniforms(state["key"], start, stop, low.shape[0])
        return np.clip(low + u * (high - low), low, high)
