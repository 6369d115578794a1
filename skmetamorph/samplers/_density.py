"""Samplers that fit a density model to the data and draw from it."""

from numbers import Integral, Real

import numpy as np
from scipy.special import ndtri
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import KernelDensity
from sklearn.utils._param_validation import Interval, StrOptions

from .._random import draw_key, row_uniforms
from ..base import N_SAMPLES_CONSTRAINT, ChunkedTransferSampler

__all__ = ["KDESampler", "GMMSampler"]


class _StandardisedDensitySampler(ChunkedTransferSampler):
    """Shared steps of the density samplers: standardise, fit, draw, unscale.

    The density models are fitted on standardised features because their
    smoothing is not scale-free: a kernel bandwidth or a covariance
    regularisation is one number for all features, and rules such as Scott's
    assume unit variance. Exactly constant features are given scale 1 for the
    fit and set back to their constant afterwards, since the model knows
    nothing about their spread and would otherwise blur them with noise in
    arbitrary units.
    """

    # n_samples=10 is easily meant as 10.0: an int below the data warns.
    _warn_small_count = True

    def _standardise(self, X):
        """Set ``mean_`` and ``scale_`` from ``X`` and return ``X`` standardised."""
        # Computed on X divided by each feature's largest magnitude, so that
        # the mean, the variance and X - mean cannot overflow for values near
        # the float limit; drawn rows that overflow on the way back are named
        # by the base class's row check.
        magnitude = np.abs(X).max(axis=0)
        magnitude[magnitude == 0] = 1
        X_unit = X / magnitude
        mean, scale = X_unit.mean(axis=0), X_unit.std(axis=0)
        # A zero std in a non-constant feature can only come from underflow.
        scale[_constant_features(X) | (scale == 0)] = 1
        with np.errstate(over="ignore"):
            self.mean_, self.scale_ = mean * magnitude, scale * magnitude
        return (X_unit - mean) / scale

    def _unstandardise(self, Z, X):
        """Map rows ``Z`` back to ``X``'s units, restoring its constant features."""
        return _unscale(Z, self._units(X))

    def _units(self, X):
        """What :func:`_unscale` needs to map standardised rows back to ``X``'s units."""
        constant = _constant_features(X)
        return {
            "mean": self.mean_,
            "scale": self.scale_,
            "constant": constant,
            "constant_values": X[0, constant],
        }


def _unscale(Z, units):
    X_new = Z * units["scale"] + units["mean"]
    X_new[:, units["constant"]] = units["constant_values"]
    return X_new


def _constant_features(X):
    """Mask of the features that take a single value in ``X``."""
    return X.max(axis=0) == X.min(axis=0)


def _sub_seed(rng):
    """An int seed for a scikit-learn sub-model, drawn from the sampler's rng."""
    return int(rng.integers(np.iinfo(np.int32).max))


class KDESampler(_StandardisedDensitySampler):
    """Rows drawn from a Gaussian kernel density estimate of the data.

    A :class:`~sklearn.neighbors.KernelDensity` with a Gaussian kernel is fitted
    on the standardised data, and new rows are drawn from it and mapped back to
    the original units. Drawing from a Gaussian KDE amounts to taking a data row
    and adding Gaussian noise with standard deviation ``bandwidth`` (in units of
    each feature's standard deviation).

    Parameters
    ----------
    n_samples : int or float, default=1.0
        Number of rows to make: a count if an int, a multiple of the number of
        input rows if a float.
    bandwidth : float or {"scott", "silverman"}, default="scott"
        Bandwidth of the kernel in standardised units, or the rule that
        computes it from the number of rows and features.
    random_state : int, RandomState instance or None, default=None
        Seed of the draws.

    Attributes
    ----------
    kde_ : KernelDensity
        The density model, fitted on ``(X - mean_) / scale_``.
    mean_ : ndarray of shape (`n_features_in_`,)
        Mean of each feature.
    scale_ : ndarray of shape (`n_features_in_`,)
        Standard deviation of each feature (1 for a constant feature, which is
        copied to the new rows as is).
    n_features_in_ : int
        Number of features seen during :meth:`fit_generate`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_generate`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    GMMSampler : Draws from a Gaussian mixture, a smoother density with few
        components.
    GaussianNoiseSampler : Fixed relative noise around data rows.
    sklearn.neighbors.KernelDensity : The density model used.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph.samplers import KDESampler
    >>> X = np.random.default_rng(0).normal(size=(200, 2))
    >>> sampler = KDESampler(n_samples=500, random_state=0)
    >>> sampler.fit_generate(X).shape
    (500, 2)
    >>> round(float(sampler.kde_.bandwidth_), 3)
    0.414
    """

    _parameter_constraints: dict = {
        "n_samples": N_SAMPLES_CONSTRAINT,
        "bandwidth": [
            Interval(Real, 0, None, closed="neither"),
            StrOptions({"scott", "silverman"}),
        ],
        "random_state": ["random_state"],
    }

    def __init__(self, n_samples=1.0, bandwidth="scott", random_state=None):
        self.n_samples = n_samples
        self.bandwidth = bandwidth
        self.random_state = random_state

    def _fit_rows(self, X, y, teacher, rng):
        Z = self._standardise(X)
        self.kde_ = KernelDensity(kernel="gaussian", bandwidth=self.bandwidth).fit(Z)
        state = {
            "Z": np.asarray(Z, dtype=np.float64),
            "bandwidth": float(self.kde_.bandwidth_),
            "units": self._units(X),
            "key": draw_key(rng),
        }
        return state, self._resolve_n_samples(X.shape[0])

    def _generate_rows(self, state, start, stop):
        # A draw from a Gaussian KDE is a data row plus N(0, bandwidth^2) noise,
        # as KernelDensity.sample does; here the row choice (one uniform) and
        # the noise (inverse normal CDF) are keyed by row position.
        Z = state["Z"]
        u = row_uniforms(state["key"], start, stop, 1 + Z.shape[1])
        chosen = np.minimum((u[:, 0] * Z.shape[0]).astype(np.intp), Z.shape[0] - 1)
        Z_new = Z[chosen] + state["bandwidth"] * ndtri(u[:, 1:])
        return _unscale(Z_new, state["units"])


class GMMSampler(_StandardisedDensitySampler):
    """Rows drawn from a Gaussian mixture fitted to the data.

    A :class:`~sklearn.mixture.GaussianMixture` is fitted on the standardised
    data, and new rows are drawn from it, mapped back to the original units and
    shuffled (the mixture returns its draws grouped by component, which would
    put similar rows next to each other in every batch of the transfer set).

    Parameters
    ----------
    n_samples : int or float, default=1.0
        Number of rows to make: a count if an int, a multiple of the number of
        input rows if a float.
    n_components : int, default=5
        Number of mixture components. It is capped at the number of distinct
        rows, since a component needs at least one row of its own.
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
        Form of the components' covariance matrices, as in
        :class:`~sklearn.mixture.GaussianMixture`.
    random_state : int, RandomState instance or None, default=None
        Seed of the mixture's initialisation, the draws and the shuffle.

    Attributes
    ----------
    gmm_ : GaussianMixture
        The density model, fitted on ``(X - mean_) / scale_``.
    mean_ : ndarray of shape (`n_features_in_`,)
        Mean of each feature.
    scale_ : ndarray of shape (`n_features_in_`,)
        Standard deviation of each feature (1 for a constant feature, which is
        copied to the new rows as is).
    n_features_in_ : int
        Number of features seen during :meth:`fit_generate`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_generate`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    KDESampler : Draws from a kernel density estimate, which follows the data
        more closely.
    sklearn.mixture.GaussianMixture : The density model used.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph.samplers import GMMSampler
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(-5, size=(100, 2)), rng.normal(5, size=(100, 2))])
    >>> sampler = GMMSampler(n_samples=300, n_components=2, random_state=0)
    >>> sampler.fit_generate(X).shape
    (300, 2)
    >>> sampler.gmm_.n_components
    2
    """

    _parameter_constraints: dict = {
        "n_samples": N_SAMPLES_CONSTRAINT,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "covariance_type": [StrOptions({"full", "tied", "diag", "spherical"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self, n_samples=1.0, n_components=5, covariance_type="full", random_state=None
    ):
        self.n_samples = n_samples
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.random_state = random_state

    def _fit_mixture(self, X, rng):
        if X.shape[0] < 2:
            raise ValueError(
                f"GMMSampler needs at least 2 rows to fit a Gaussian mixture; got "
                f"{X.shape[0]}."
            )
        Z = self._standardise(X)
        # More components than distinct rows cannot be initialised (k-means
        # would find empty clusters and warn); fewer is the best we can do.
        n_distinct = np.unique(X, axis=0).shape[0]
        # Fitted in float64 even for float32 data: in float32 the covariance
        # matrices of small or degenerate components can come out slightly
        # indefinite, and drawing from them then warns (and is inexact). The
        # rows are cast back to X's dtype by the base class.
        self.gmm_ = GaussianMixture(
            n_components=min(self.n_components, n_distinct),
            covariance_type=self.covariance_type,
            random_state=_sub_seed(rng),
        ).fit(Z.astype(np.float64, copy=False))

    def _fit_rows(self, X, y, teacher, rng):
        self._fit_mixture(X, rng)
        gmm = self.gmm_
        k, d = gmm.means_.shape
        # One lower-triangular factor per component, whatever the covariance
        # type, so that a draw is mean + factor @ z for standard normal z.
        cov = gmm.covariances_
        if gmm.covariance_type == "full":
            factors = np.linalg.cholesky(cov)
        elif gmm.covariance_type == "tied":
            factors = np.broadcast_to(np.linalg.cholesky(cov), (k, d, d))
        elif gmm.covariance_type == "diag":
            factors = np.sqrt(cov)[:, None, :] * np.eye(d)
        else:  # spherical
            factors = np.sqrt(cov)[:, None, None] * np.eye(d)
        state = {
            "cumulative_weights": np.cumsum(gmm.weights_),
            "means": gmm.means_,
            "factors": np.ascontiguousarray(factors),
            "units": self._units(X),
            "key": draw_key(rng),
        }
        return state, self._resolve_n_samples(X.shape[0])

    def _generate_rows(self, state, start, stop):
        # Component by one uniform per row (so rows of all components are mixed
        # in every chunk, without a shuffle), then mean + factor @ z.
        means, factors = state["means"], state["factors"]
        u = row_uniforms(state["key"], start, stop, 1 + means.shape[1])
        cumulative = state["cumulative_weights"]
        component = np.minimum(
            np.searchsorted(cumulative, u[:, 0] * cumulative[-1], side="right"),
            means.shape[0] - 1,
        )
        z = ndtri(u[:, 1:])
        Z_new = np.empty_like(z)
        for c in np.unique(component):
            rows = component == c
            # einsum's plain loops, not BLAS: a row's result must not depend on
            # how many rows share its chunk (BLAS blocks differ in the last bit).
            Z_new[rows] = means[c] + np.einsum("ij,kj->ik", z[rows], factors[c], optimize=False)
        return _unscale(Z_new, state["units"])
