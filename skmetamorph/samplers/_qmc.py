"""Quasi-random designs over a domain: Sobol, Latin hypercube and Halton rows.

For surrogates of simulations there is often no data at all, only an input
domain; these samplers fill it evenly (low-discrepancy designs from
:mod:`scipy.stats.qmc`), and with ``bounds`` they need no rows:
``fit_generate(None)`` works.
"""

import copy
import inspect
import math
from abc import abstractmethod
from numbers import Integral

import numpy as np
from scipy.stats import qmc

from ..base import N_SAMPLES_CONSTRAINT, ChunkedTransferSampler
from ..utils._sklearn_compat import StrOptions

__all__ = ["HaltonSampler", "LatinHypercubeSampler", "SobolSampler"]

# scipy 1.15 renamed the engines' ``seed`` to ``rng``; the old name now warns.
_SEED_KEYWORD = "rng" if "rng" in inspect.signature(qmc.Sobol).parameters else "seed"


class _BaseQMCSampler(ChunkedTransferSampler):
    """Shared logic: resolve the domain, draw unit-cube points, map them onto it.

    Subclasses implement ``_unit_points(n, d, rng)``, which returns ``n`` points
    of ``[0, 1)^d``; sequences (``_sequence = True``) also
    ``_sequence_points(start, stop, d, rng)``, points ``start .. stop - 1`` of
    the same sequence.
    """

    _parameter_constraints: dict = {
        "n_samples": N_SAMPLES_CONSTRAINT,
        "bounds": ["array-like", None],
        "integer_features": ["array-like", None],
        "categorical_features": [dict, "array-like", None],
        "scramble": ["boolean"],
        "optimization": [StrOptions({"random-cd", "lloyd"}), None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_samples=1.0,
        *,
        bounds=None,
        integer_features=None,
        categorical_features=None,
        scramble=True,
        optimization=None,
        random_state=None,
    ):
        self.n_samples = n_samples
        self.bounds = bounds
        self.integer_features = integer_features
        self.categorical_features = categorical_features
        self.scramble = scramble
        self.optimization = optimization
        self.random_state = random_state

    @property
    def _generates_without_X(self):
        # The domain is fully defined when every feature has bounds or a list
        # of categorical values; categorical features given by index only take
        # their values from X.
        if self.bounds is None:
            return False
        if self.categorical_features is not None and not isinstance(
            self.categorical_features, dict
        ):
            return len(np.atleast_1d(self.categorical_features)) == 0
        return True

    def _validate_input(self, X, y, reset=True):
        if X is not None:
            return super()._validate_input(X, y, reset=reset)
        if not self._generates_without_X:
            raise ValueError(
                f"{type(self).__name__} got X=None: without data it needs `bounds` for "
                "every feature (and categorical values as a dict {index: values}) to "
                "know the input domain."
            )
        if len(self.bounds) == 0:
            raise ValueError(
                f"{type(self).__name__} got bounds=[] and no X: bounds needs one (low, high) "
                "pair per feature."
            )
        if reset:
            self.n_features_in_ = len(self.bounds)
            # No names without data; names of an earlier fit no longer apply.
            self.__dict__.pop("feature_names_in_", None)
        return None, None

    def _fit_rows(self, X, y, teacher, rng):
        # A sequence (Sobol', Halton) can be cut anywhere: chunk [start, stop)
        # is the same engine, scrambled from the same generator state, moved
        # on by ``start`` points. Designs built as a whole (Latin hypercube,
        # optimised ones) are made here, at once, and the chunks slice them.
        low, high, integer, categorical = self._domain(X)
        n_out = self._n_out(X)
        if not self._sequence or self.optimization is not None:
            d = low.shape[0]
            U = self._unit_points(n_out, d, rng) if n_out else np.empty((0, d))
            return {"design": _map_to_domain(U, low, high, integer, categorical)}, n_out
        # The engine's scrambling draws from the generator and from its seed
        # sequence (scipy spawns from it), so both are kept to rebuild it.
        bit_generator = rng.bit_generator
        state = {
            "domain": (low, high, integer, categorical),
            "bit_generator": type(bit_generator),
            "seed_seq": getattr(bit_generator, "seed_seq", None) or bit_generator._seed_seq,
            "rng_state": bit_generator.state,
        }
        return state, n_out

    def _generate_rows(self, state, start, stop):
        if "design" in state:
            return state["design"][start:stop]
        low, high, integer, categorical = state["domain"]
        # A copy: spawning counts its children in the seed sequence itself.
        bit_generator = state["bit_generator"](copy.deepcopy(state["seed_seq"]))
        bit_generator.state = state["rng_state"]
        U = self._sequence_points(start, stop, low.shape[0], np.random.Generator(bit_generator))
        return _map_to_domain(U, low, high, integer, categorical)

    def _n_out(self, X):
        if X is None and not isinstance(self.n_samples, Integral):
            raise ValueError(
                f"n_samples={self.n_samples!r} is a multiple of the number of rows, but "
                "X is None; pass an int number of rows."
            )
        return self._resolve_n_samples(0 if X is None else X.shape[0])

    def _domain(self, X):
        """Per-feature ``low``, ``high``, integer mask and categorical values.

        For categorical features ``low``/``high`` are the smallest and largest
        value, so that the final clip leaves them unchanged.
        """
        d = len(self.bounds) if self.bounds is not None else X.shape[1]
        if X is not None and X.shape[1] != d:
            raise ValueError(
                f"bounds has {d} entries but X has {X.shape[1]} features; give one "
                "(low, high) pair per feature."
            )
        categorical = self._categorical_values(X, d)
        low, high = np.empty(d), np.empty(d)
        for j in range(d):
            entry = None if self.bounds is None else self.bounds[j]
            if j in categorical:
                low[j], high[j] = categorical[j].min(), categorical[j].max()
            elif entry is None:
                if X is None:
                    raise ValueError(f"bounds[{j}] is None and there is no X to take it from.")
                low[j], high[j] = X[:, j].min(), X[:, j].max()
            else:
                low[j], high[j] = _pair(entry, j)
        integer = np.zeros(d, dtype=bool)
        if self.integer_features is not None:
            integer[_indices(self.integer_features, d, "integer_features")] = True
        integer[list(categorical)] = False
        low[integer], high[integer] = np.ceil(low[integer]), np.floor(high[integer])
        if np.any(low[integer] > high[integer]):
            bad = np.flatnonzero(integer & (low > high)).tolist()
            raise ValueError(f"Integer features {bad} have no integer between their bounds.")
        return low, high, integer, categorical

    def _categorical_values(self, X, d):
        spec = self.categorical_features
        if spec is None:
            return {}
        if not isinstance(spec, dict):
            if X is None:
                raise ValueError(
                    "categorical_features given as indices take their values from X; "
                    "with X=None give a dict {index: list of values}."
                )
            indices = _indices(spec, d, "categorical_features")
            return {int(j): np.unique(X[:, j]) for j in indices}
        values = {}
        for j, levels in spec.items():
            (j,) = _indices([j], d, "categorical_features")
            levels = np.asarray(levels, dtype=np.float64).ravel()
            if levels.size == 0:
                raise ValueError(f"categorical_features[{j}] has no values.")
            values[int(j)] = levels
        return values

    def _engine_kwargs(self, rng):
        return {
            "scramble": self.scramble,
            "optimization": self.optimization,
            _SEED_KEYWORD: rng,
        }

    #: Whether the design is a sequence whose points can be made from any position.
    _sequence = False

    @abstractmethod
    def _unit_points(self, n, d, rng):
        """``n`` points of the design in ``[0, 1)^d``."""


def _map_to_domain(U, low, high, integer, categorical):
    """Points of the unit cube onto the domain: boxes, integer and categorical features."""
    X_new = low + U * (high - low)
    for j in np.flatnonzero(integer):
        # n equally likely integers low..high: u in [k/n, (k+1)/n) -> low + k,
        # so every stratum of the design maps to one value.
        n_levels = int(high[j] - low[j]) + 1
        X_new[:, j] = low[j] + np.minimum(np.floor(U[:, j] * n_levels), n_levels - 1)
    for j, values in categorical.items():
        index = np.minimum(np.floor(U[:, j] * len(values)), len(values) - 1)
        X_new[:, j] = values[index.astype(np.intp)]
    # low + u * (high - low) can round just past high; keep the documented bounds.
    return np.clip(X_new, low, high)


def _pair(entry, j):
    try:
        low, high = (float(v) for v in entry)
    except (TypeError, ValueError):
        raise ValueError(
            f"bounds[{j}] must be a (low, high) pair of numbers; got {entry!r}."
        ) from None
    if not (np.isfinite(low) and np.isfinite(high)) or low > high:
        raise ValueError(f"bounds[{j}] = {entry!r} must be finite with low <= high.")
    return low, high


def _indices(features, d, name):
    features = np.asarray(features).ravel()
    if features.size == 0:
        return np.zeros(0, dtype=np.intp)
    if features.dtype.kind == "b":
        if features.shape[0] != d:
            raise ValueError(
                f"{name} as a boolean mask needs {d} entries; got {features.shape[0]}."
            )
        return np.flatnonzero(features)
    if features.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold integer feature indices; got {features.tolist()}.")
    bad = features[(features < 0) | (features >= d)]
    if bad.size:
        raise ValueError(f"{name} has indices {bad.tolist()} out of range for {d} features.")
    return features.astype(np.intp)


class _QMCSequenceSampler(_BaseQMCSampler):
    """A design that is a sequence: chunks are made from any position of it."""

    _sequence = True

    @abstractmethod
    def _sequence_points(self, start, stop, d, rng):
        """Points ``start .. stop - 1`` of the sequence, in ``[0, 1)^d``."""


_COMMON_PARAMETERS = """
    Parameters
    ----------
    n_samples : int or float, default=1.0
        Number of rows to make: a count if an int, a multiple of the number of
        input rows if a float (an int is needed when ``X`` is None).
    bounds : array-like of shape (n_features, 2), default=None
        ``(low, high)`` of each feature. ``None`` takes the bounding box of
        ``X``, as does a ``None`` entry for one feature; the entry of a
        categorical feature given as a dict is ignored. With ``bounds`` for
        every feature, ``fit_generate(None)`` needs no data.
    integer_features : array-like of int or bool, default=None
        Features that take integer values: each integer in
        ``[ceil(low), floor(high)]`` is equally likely, and the design's strata
        map to consecutive integers.
    categorical_features : dict or array-like of int, default=None
        Categorical features, as ``{index: list of values}`` or as indices
        whose values are those seen in ``X``. Values must be numbers (category
        codes); each is equally likely.
    scramble : bool, default=True
        Randomise the design (recommended: it removes the unscrambled designs'
        artefacts and makes the seed matter).
    optimization : {"random-cd", "lloyd"}, default=None
        Post-processing of the design by :mod:`scipy.stats.qmc` to lower its
        discrepancy further.
    random_state : int, RandomState instance or None, default=None
        Seed of the scrambling and optimisation.

    Attributes
    ----------
    n_features_in_ : int
        Number of features: of ``X``, or of ``bounds`` when ``X`` is None.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_generate`. Defined only when
        ``X`` has feature names that are all strings.
"""


class SobolSampler(_QMCSequenceSampler):
    __doc__ = (
        """Rows of a (scrambled) Sobol' sequence over a box: a quasi-random design.

    Sobol' points fill the domain far more evenly than independent uniform
    draws, so a surrogate learns a smooth function from fewer (expensive)
    teacher calls. Their balance properties hold for powers of 2; for any
    other ``n_samples`` the first ``n_samples`` points of the next power of 2
    are returned (a prefix of a Sobol' sequence is still low-discrepancy), so
    scipy's warning about it never appears.
"""
        + _COMMON_PARAMETERS
        + """
    See Also
    --------
    HaltonSampler : Another low-discrepancy sequence, for any number of rows.
    LatinHypercubeSampler : One row per stratum of every feature.
    skmetamorph.samplers.UniformSampler : Independent uniform rows in the box of ``X``.
    scipy.stats.qmc.Sobol : The engine used.

    Examples
    --------
    >>> from skmetamorph.samplers import SobolSampler
    >>> sampler = SobolSampler(n_samples=8, bounds=[(0, 1), (-5, 5)], random_state=0)
    >>> X_new = sampler.fit_generate(None)
    >>> X_new.shape
    (8, 2)
    >>> bool((X_new[:, 1] >= -5).all() and (X_new[:, 1] <= 5).all())
    True
    """
    )

    def _unit_points(self, n, d, rng):
        engine = qmc.Sobol(d, **self._engine_kwargs(rng))
        return engine.random_base2(max(0, math.ceil(math.log2(n))))[:n]

    def _sequence_points(self, start, stop, d, rng):
        if start == 0:  # from the start, as _unit_points (scipy warns on other sizes)
            return self._unit_points(stop, d, rng)
        return qmc.Sobol(d, **self._engine_kwargs(rng)).fast_forward(start).random(stop - start)


class HaltonSampler(_QMCSequenceSampler):
    __doc__ = (
        """Rows of a (scrambled) Halton sequence over a box: a quasi-random design.

    The Halton sequence is low-discrepancy for any number of rows (no power of
    2 needed), and works best in moderate dimension (up to a few dozen
    features).
"""
        + _COMMON_PARAMETERS
        + """
    See Also
    --------
    SobolSampler : Usually lower discrepancy, best with powers of 2.
    LatinHypercubeSampler : One row per stratum of every feature.
    scipy.stats.qmc.Halton : The engine used.

    Examples
    --------
    >>> from skmetamorph.samplers import HaltonSampler
    >>> sampler = HaltonSampler(n_samples=10, bounds=[(0, 1), (1, 3)],
    ...                         integer_features=[1], random_state=0)
    >>> sorted(set(sampler.fit_generate(None)[:, 1].tolist()))
    [1.0, 2.0, 3.0]
    """
    )

    def _unit_points(self, n, d, rng):
        return qmc.Halton(d, **self._engine_kwargs(rng)).random(n)

    def _sequence_points(self, start, stop, d, rng):
        engine = qmc.Halton(d, **self._engine_kwargs(rng))
        if start:
            engine.fast_forward(start)
        return engine.random(stop - start)


class LatinHypercubeSampler(_BaseQMCSampler):
    __doc__ = (
        """Rows of a Latin hypercube design over a box.

    Each feature's range is cut into ``n_samples`` equal strata and every
    stratum holds exactly one row, so every feature is covered evenly whatever
    the number of rows. ``scramble=False`` puts each row at the centre of its
    strata.
"""
        + _COMMON_PARAMETERS
        + """
    See Also
    --------
    SobolSampler : Evenly spread in all dimensions jointly, not only per feature.
    HaltonSampler : Another low-discrepancy sequence.
    scipy.stats.qmc.LatinHypercube : The engine used.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph.samplers import LatinHypercubeSampler
    >>> sampler = LatinHypercubeSampler(n_samples=5, bounds=[(0, 5)], random_state=0)
    >>> np.sort(np.floor(sampler.fit_generate(None)[:, 0])).tolist()
    [0.0, 1.0, 2.0, 3.0, 4.0]
    """
    )

    def _unit_points(self, n, d, rng):
        return qmc.LatinHypercube(d, **self._engine_kwargs(rng)).random(n)
