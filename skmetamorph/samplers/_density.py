"""Samplers that fit a density model to the data and draw from it."""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.special import ndtri
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import KernelDensity

from .._random import draw_key, row_uniforms
from ..base import N_SAMPLES_CONSTRAINT, ChunkedTransferSampler
from ..utils._sklearn_compat import Interval, StrOptions

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


#: Covariance types searched by ``GMMSampler(covariance_type="bic")``, in the
#: order in which they win ties: simplest first, but "full" before "tied" (the
#: same model when there is one component).
_COVARIANCE_TYPES = ("spherical", "diag", "full", "tied")

#: Consecutive component counts without a better BIC after which a covariance
#: type stops growing in the search.
_BIC_PATIENCE = 3

#: GaussianMixture's default regularisation of the covariances.
_REG_COVAR = 1e-6


def _select_mixture(Z, sizes, covariance_types, seed):
    """The mixture of lowest BIC among ``sizes`` x ``covariance_types``, and every BIC.

    For each size, k-means runs once (as GaussianMixture's own "kmeans"
    initialisation would, with the same seed) and each covariance type starts
    EM from its clusters; a type stops growing once its BIC has not improved
    for ``_BIC_PATIENCE`` sizes.
    """
    scores, best, best_score = {}, None, np.inf
    type_best = dict.fromkeys(covariance_types, np.inf)
    stale = dict.fromkeys(covariance_types, 0)
    with warnings.catch_warnings():
        # Candidates that do not converge are scored as they are; only the
        # chosen mixture's warning matters (raised below).
        warnings.simplefilter("ignore", ConvergenceWarning)
        for k in sizes:
            active = [t for t in covariance_types if stale[t] < _BIC_PATIENCE]
            if not active:
                break
            labels = KMeans(n_clusters=k, n_init=1, random_state=seed).fit(Z).labels_
            for covariance_type in active:
                if k == 1 and covariance_type == "tied" and ("full", 1) in scores:
                    # One tied component is one full component: the same model
                    # (reported as "full"), not fitted twice.
                    score = scores[("full", 1)]
                    scores[("tied", 1)] = type_best["tied"] = score
                    continue
                gmm = GaussianMixture(
                    n_components=k,
                    covariance_type=covariance_type,
                    # The k-means clusters are given as the initial parameters,
                    # so the (cheapest) initialisation method is overridden.
                    init_params="random_from_data",
                    random_state=seed,
                    **_initial_parameters(Z, labels, k, covariance_type),
                ).fit(Z)
                score = float(gmm.bic(Z))
                scores[(covariance_type, k)] = score
                if score < type_best[covariance_type]:
                    type_best[covariance_type], stale[covariance_type] = score, 0
                else:
                    stale[covariance_type] += 1
                if best is None or score < best_score:
                    best, best_score = gmm, score
    # The chosen mixture as if fitted with GaussianMixture's default k-means
    # initialisation (which it was, in effect), not with arrays as parameters.
    best.set_params(init_params="kmeans", weights_init=None, means_init=None, precisions_init=None)
    if not best.converged_:
        warnings.warn(
            f"The Gaussian mixture chosen by BIC ({best.n_components} "
            f"{best.covariance_type} components) did not converge in {best.max_iter} "
            "EM iterations; its rows are still valid draws from it.",
            ConvergenceWarning,
            stacklevel=4,
        )
    return best, scores


def _initial_parameters(Z, labels, k, covariance_type):
    """GaussianMixture's ``*_init`` parameters from hard cluster ``labels``.

    The same estimates as GaussianMixture makes from its k-means clusters
    (weights, means and regularised covariances of the clusters), as
    precisions.
    """
    n, d = Z.shape
    resp = np.zeros((n, k))
    resp[np.arange(n), labels] = 1
    nk = resp.sum(axis=0) + 10 * np.finfo(np.float64).eps
    means = resp.T @ Z / nk[:, None]
    if covariance_type == "full":
        precisions = np.empty((k, d, d))
        for c in range(k):
            diff = Z - means[c]
            cov = (resp[:, c] * diff.T) @ diff / nk[c]
            cov.flat[:: d + 1] += _REG_COVAR
            precisions[c] = _symmetric_inverse(cov)
    elif covariance_type == "tied":
        cov = (Z.T @ Z - (nk * means.T) @ means) / nk.sum()
        cov.flat[:: d + 1] += _REG_COVAR
        precisions = _symmetric_inverse(cov)
    else:
        variances = resp.T @ (Z * Z) / nk[:, None] - means**2 + _REG_COVAR
        if covariance_type == "spherical":
            variances = variances.mean(axis=1)
        precisions = 1.0 / variances
    # nk / nk.sum() rather than nk / n: the 10 eps added to every nk must not
    # make one weight exceed 1.
    return {"weights_init": nk / nk.sum(), "means_init": means, "precisions_init": precisions}


def _symmetric_inverse(cov):
    inverse = np.linalg.inv(cov)
    return (inverse + inverse.T) / 2


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

    The number of components and the form of their covariances can be fixed,
    or chosen by the Bayesian information criterion (BIC) with
    ``n_components="bic"`` and/or ``covariance_type="bic"``.

    Parameters
    ----------
    n_samples : int or float, default=1.0
        Number of rows to make: a count if an int, a multiple of the number of
        input rows if a float.
    n_components : int or "bic", default=5
        Number of mixture components. It is capped at the number of distinct
        rows, since a component needs at least one row of its own. ``"bic"``
        chooses it by BIC among ``1 .. max_components`` (see Notes).
    covariance_type : {"full", "tied", "diag", "spherical", "bic"}, default="full"
        Form of the components' covariance matrices, as in
        :class:`~sklearn.mixture.GaussianMixture`. ``"bic"`` chooses it by BIC
        among the four (see Notes).
    max_components : int, default=10
        Largest number of components tried when ``n_components="bic"``
        (capped at the number of distinct rows). Ignored for an int
        ``n_components``.
    random_state : int, RandomState instance or None, default=None
        Seed of the mixture's initialisation, the draws and the shuffle.

    Attributes
    ----------
    gmm_ : GaussianMixture
        The density model, fitted on ``(X - mean_) / scale_``: the one chosen
        by BIC when a parameter is ``"bic"``.
    n_components_ : int
        Number of components of ``gmm_`` (the chosen one, or ``n_components``
        capped at the number of distinct rows).
    covariance_type_ : str
        Covariance type of ``gmm_``.
    bic_ : dict
        BIC (lower is better) of every mixture fitted, keyed by
        ``(covariance_type, n_components)``: the search's candidates when a
        parameter is ``"bic"``, else the one mixture. Computed on the
        standardised rows, so comparable among candidates but not with a
        mixture fitted in ``X``'s units.
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

    Notes
    -----
    **When to use "bic".** A fixed mixture is the wrong density when its size
    does not fit the data: five full components on 100 rows of two rings
    (``make_circles``) overfit clumps of a few rows, where BIC picks one
    spherical component, a smooth cloud over the whole domain. Use ``"bic"``
    when nothing tells you the number or shape of the clusters; fix them when
    you know them, or when the search's time matters (below).

    **The search.** For each number of components ``k = 1, 2, ...`` the rows
    are clustered once by k-means (one initialisation, as
    :class:`~sklearn.mixture.GaussianMixture` does by default), and every
    covariance type still searched is fitted by EM from those clusters, so
    the four types share one k-means per ``k``. A covariance type stops
    growing once its BIC has not improved for 3 consecutive ``k``; the search
    ends at ``max_components`` or when every type has stopped. The mixture of
    lowest BIC is kept as fitted (ties go to fewer components, then to the
    simpler covariance type); the candidates' convergence warnings are
    silenced, and only the chosen mixture's is raised.

    **Cost.** The search fits up to ``4 * max_components`` mixtures (34 on
    breast_cancer, 37 on digits with the defaults); sharing k-means saves
    about a quarter of the time of fitting each candidate on its own.
    Measured on one core, ``fit_generate`` with both parameters ``"bic"``
    took about 1 s on breast_cancer (569 rows, 30 features) against 0.05 s
    for the fixed default (5 full components), and about 3.5 s on digits
    (1797 rows, 64 features) against 0.2 s: some 20 times as long, most of
    it in the ``"full"`` and ``"tied"`` fits. Searching only the number of
    components (a fixed ``covariance_type``) or only the covariance type
    (a fixed ``n_components``), or a smaller ``max_components``, cuts it
    accordingly. Measured fidelity (tree students of a random forest,
    100-400 training rows, 10 splits) was on a par with the fixed default
    on average, better on some sets and worse on others (digits, where BIC
    chooses ten diagonal components), so the fixed mixture stays the
    default.

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

    Chosen by BIC:

    >>> sampler = GMMSampler(n_components="bic", covariance_type="bic", random_state=0)
    >>> _ = sampler.fit_generate(X)
    >>> sampler.n_components_, sampler.covariance_type_
    (2, 'spherical')
    """

    _parameter_constraints: dict = {
        "n_samples": N_SAMPLES_CONSTRAINT,
        "n_components": [Interval(Integral, 1, None, closed="left"), StrOptions({"bic"})],
        "covariance_type": [StrOptions({*_COVARIANCE_TYPES, "bic"})],
        "max_components": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_samples=1.0,
        n_components=5,
        covariance_type="full",
        max_components=10,
        random_state=None,
    ):
        self.n_samples = n_samples
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.max_components = max_components
        self.random_state = random_state

    def _fit_mixture(self, X, rng):
        if X.shape[0] < 2:
            raise ValueError(
                f"GMMSampler needs at least 2 rows to fit a Gaussian mixture; got {X.shape[0]}."
            )
        # Fitted in float64 even for float32 data: in float32 the covariance
        # matrices of small or degenerate components can come out slightly
        # indefinite, and drawing from them then warns (and is inexact). The
        # rows are cast back to X's dtype by the base class.
        Z = self._standardise(X).astype(np.float64, copy=False)
        # More components than distinct rows cannot be initialised (k-means
        # would find empty clusters and warn); fewer is the best we can do.
        n_distinct = np.unique(X, axis=0).shape[0]
        seed = _sub_seed(rng)
        if self.n_components == "bic" or self.covariance_type == "bic":
            self.gmm_, self.bic_ = _select_mixture(
                Z,
                self._candidate_sizes(n_distinct),
                _COVARIANCE_TYPES if self.covariance_type == "bic" else (self.covariance_type,),
                seed,
            )
        else:
            self.gmm_ = GaussianMixture(
                n_components=min(self.n_components, n_distinct),
                covariance_type=self.covariance_type,
                random_state=seed,
            ).fit(Z)
            self.bic_ = {(self.gmm_.covariance_type, self.gmm_.n_components): self.gmm_.bic(Z)}
        self.n_components_ = int(self.gmm_.n_components)
        self.covariance_type_ = self.gmm_.covariance_type

    def _candidate_sizes(self, n_distinct):
        if self.n_components == "bic":
            return range(1, min(self.max_components, n_distinct) + 1)
        return range(min(self.n_components, n_distinct), min(self.n_components, n_distinct) + 1)

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
