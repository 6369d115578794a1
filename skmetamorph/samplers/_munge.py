"""MUNGE: the transfer-set generator of "Model compression" (Bucilua et al., 2006)."""

from numbers import Real

import numpy as np
from scipy import sparse
from scipy.special import ndtri
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils._param_validation import Interval

from .._random import draw_key, row_uniforms, rows_in_rounds
from ..base import N_SAMPLES_CONSTRAINT, ChunkedTransferSampler

__all__ = ["MUNGE"]


class MUNGE(ChunkedTransferSampler):
    """Perturb each row towards its nearest neighbour (MUNGE).

    MUNGE makes new rows that look like the data by mixing every row ``a`` with
    its nearest neighbour ``b``. For each feature, with probability ``p``:

    - a continuous feature takes a value drawn from
      ``Normal(b, sd=|a - b| / s)``: the neighbour's value, perturbed by as much
      as the two rows differ, so the spread follows the local density of the
      data;
    - a categorical feature takes the neighbour's value (it is swapped, never
      perturbed, so it only takes values seen in the data);

    otherwise the feature keeps ``a``'s value. To make ``n_samples`` rows, the
    data rows are used in rounds (every row once per round, a random subset in
    the last, partial round), each use with fresh random draws.

    The nearest neighbours are searched on standardised continuous features and
    one-hot encoded categorical features, so that no feature dominates the
    distance through its units; a categorical mismatch counts as much as a
    difference of one standard deviation in a continuous feature. Identical
    rows are searched once, so a duplicated row gets a *different* row as its
    neighbour rather than its own copy (which would never perturb it).

    Parameters
    ----------
    n_samples : int or float, default=1.0
        Number of rows to make: a count if an int, a multiple of the number of
        input rows if a float.
    p : float, default=0.5
        Probability, per feature and per new row, of taking the neighbour's
        (perturbed) value. ``0`` returns copies of data rows.
    s : float, default=1.0
        Local variance parameter: the perturbation of a continuous feature has
        standard deviation ``|a - b| / s``, so a larger ``s`` keeps new values
        closer to the neighbour's.
    categorical_features : array-like of int, bool or str, default=None
        Features that are categorical: indices, a boolean mask of length
        ``n_features``, or feature names when ``X`` is a DataFrame. ``None``
        means all features are continuous.
    random_state : int, RandomState instance or None, default=None
        Seed of the row draws, the feature choices and the perturbations.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :meth:`fit_generate`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_generate`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    GaussianNoiseSampler : Adds noise of one global relative scale instead of
        a local one.
    KDESampler : Draws from a kernel density estimate of the data.

    Notes
    -----
    The paper's procedure modifies both ``a`` and its neighbour ``b`` in each
    step: ``a`` moves towards ``b`` and, symmetrically, ``b`` towards ``a``.
    This implementation makes one new row per draw, ``a``'s; ``b``'s
    counterpart arises when ``b`` itself is drawn (``a`` is usually, though not
    always, ``b``'s nearest neighbour too). This keeps every row used equally
    often and the number of rows exactly ``n_samples``.

    At least two rows are needed (a single row has no neighbour). If all rows
    are identical, the new rows are copies of that row.

    References
    ----------
    .. [1] C. Bucilua, R. Caruana and A. Niculescu-Mizil, "Model compression",
       Proceedings of the 12th ACM SIGKDD International Conference on Knowledge
       Discovery and Data Mining, pp. 535-541, 2006.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph.samplers import MUNGE
    >>> rng = np.random.default_rng(0)
    >>> X = np.column_stack([rng.normal(size=100), rng.integers(0, 3, size=100)])
    >>> munge = MUNGE(n_samples=5.0, categorical_features=[1], random_state=0)
    >>> X_new = munge.fit_generate(X)
    >>> X_new.shape
    (500, 2)
    >>> np.unique(X_new[:, 1]).tolist()
    [0.0, 1.0, 2.0]
    """

    # n_samples=10 is easily meant as 10.0: an int below the data warns.
    _warn_small_count = True

    _parameter_constraints: dict = {
        "n_samples": N_SAMPLES_CONSTRAINT,
        "p": [Interval(Real, 0, 1, closed="both")],
        "s": [Interval(Real, 0, None, closed="neither")],
        "categorical_features": ["array-like", None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_samples=1.0,
        p=0.5,
        s=1.0,
        categorical_features=None,
        random_state=None,
    ):
        self.n_samples = n_samples
        self.p = p
        self.s = s
        self.categorical_features = categorical_features
        self.random_state = random_state

    def _neighbours(self, X):
        n_rows, n_features = X.shape
        if n_rows < 2:
            raise ValueError(
                f"MUNGE needs at least 2 rows to find nearest neighbours; got {n_rows}."
            )
        categorical = self._categorical_mask(n_features)
        return categorical, _nearest_distinct_neighbours(X, categorical)

    def _fit_rows(self, X, y, teacher, rng):
        # The neighbour search is the one-off work; each chunk then costs
        # O(chunk) and can be made on any worker from (X, neighbour, key).
        categorical, neighbour = self._neighbours(X)
        state = {"X": X, "neighbour": neighbour, "categorical": categorical, "key": draw_key(rng)}
        return state, self._resolve_n_samples(X.shape[0])

    def _generate_rows(self, state, start, stop):
        """Rows ``start .. stop - 1``: the same algorithm, randomness keyed by row position."""
        X, neighbour, categorical = state["X"], state["neighbour"], state["categorical"]
        rows = rows_in_rounds(X.shape[0], state["key"], start, stop)
        X_new, X_nn = X[rows], X[neighbour[rows]]
        d = X.shape[1]
        u = row_uniforms((state["key"], 1), start, stop, 2 * d)
        take = u[:, :d] < self.p
        noise = ndtri(u[:, d:]).astype(X.dtype, copy=False)
        return _swap_and_perturb(X_new, X_nn, take, noise, categorical, X.dtype.type(self.s))

    def _categorical_mask(self, n_features):
        """Boolean mask of the categorical features from ``categorical_features``."""
        mask = np.zeros(n_features, dtype=bool)
        if self.categorical_features is None:
            return mask
        features = np.asarray(self.categorical_features)
        if features.size == 0:
            return mask
        if features.ndim != 1:
            raise ValueError(
                "categorical_features must be a 1d array-like of indices, a boolean "
                f"mask or feature names; got shape {features.shape}."
            )
        if features.dtype.kind == "b":
            if features.shape[0] != n_features:
                raise ValueError(
                    f"categorical_features as a boolean mask must have one entry per "
                    f"feature ({n_features}); got {features.shape[0]}."
                )
            return features.copy()
        if features.dtype.kind == "U" or (
            features.dtype.kind == "O" and all(isinstance(f, str) for f in features)
        ):
            return self._mask_from_names(features, mask)
        if features.dtype.kind not in "iu":
            raise ValueError(
                "categorical_features must hold integer indices, booleans or feature "
                f"names; got values of dtype {features.dtype}."
            )
        out_of_range = features[(features < 0) | (features >= n_features)]
        if out_of_range.size:
            raise ValueError(
                f"categorical_features has indices {out_of_range.tolist()} out of "
                f"range for X with {n_features} features (valid indices are 0 to "
                f"{n_features - 1})."
            )
        mask[features] = True
        return mask

    def _mask_from_names(self, names, mask):
        known = getattr(self, "feature_names_in_", None)
        if known is None:
            raise ValueError(
                "categorical_features holds feature names, but X has no feature "
                "names; pass a DataFrame with string column names, or use indices."
            )
        position = {name: i for i, name in enumerate(known)}
        unknown = [str(name) for name in names if name not in position]
        if unknown:
            raise ValueError(
                f"categorical_features names {unknown} are not features of X; "
                f"known features: {list(known)}."
            )
        mask[[position[name] for name in names]] = True
        return mask


def _swap_and_perturb(X_new, X_nn, take, noise, categorical, s):
    """MUNGE's step on rows ``a`` (``X_new``, changed in place) and neighbours ``b``.

    Where ``take``: ``b + |a - b| / s * noise`` for continuous features, ``b``
    for categorical ones; elsewhere ``a``. Computed in place in one buffer
    (this is most of MUNGE's time once the random numbers are drawn), with the
    operations in the order of the formula, so the rows do not change.
    """
    values = np.subtract(X_new, X_nn)
    np.abs(values, out=values)
    values /= s
    values *= noise
    values += X_nn
    # Categorical: the neighbour's value as is, so only seen values occur.
    if categorical.any():
        values[:, categorical] = X_nn[:, categorical]
    np.copyto(X_new, values, where=take)
    return X_new


def _nearest_distinct_neighbours(X, categorical):
    """Index, for every row of ``X``, of its nearest row with different values.

    Duplicate rows are collapsed before the search: with duplicates, a row's
    nearest neighbour would be its own copy at distance 0, and MUNGE would never
    perturb it. If all rows are identical, every row is its own neighbour.
    """
    X_unique, first, inverse = np.unique(
        X, axis=0, return_index=True, return_inverse=True
    )
    inverse = inverse.reshape(-1)  # numpy 2.0.x returned it with an extra axis
    if X_unique.shape[0] < 2:
        return np.zeros(X.shape[0], dtype=np.intp)
    Z = _search_space(X_unique, categorical)
    # kneighbors without X excludes each indexed point from its own neighbours.
    nn = NearestNeighbors(n_neighbors=1).fit(Z)
    nearest_unique = nn.kneighbors(return_distance=False)[:, 0]
    return first[nearest_unique[inverse]]


def _search_space(X, categorical):
    """The rows in which nearest neighbours are searched.

    Continuous features are standardised (a constant feature is left centred,
    not divided by zero) so that distances do not depend on units. Categorical
    features are one-hot encoded and scaled by ``1/sqrt(2)``: two different
    categories then differ by exactly 1 in squared distance, whatever their
    numeric codes, instead of by the (meaningless) difference of the codes.
    """
    parts = []
    if (~categorical).any():
        continuous = X[:, ~categorical]
        # Divided by each feature's largest magnitude first, so that the
        # scaler's mean and variance cannot overflow for values near the
        # float limit (the distances do not change: they are standardised).
        magnitude = np.abs(continuous).max(axis=0)
        magnitude[magnitude == 0] = 1
        parts.append(StandardScaler().fit_transform(continuous / magnitude))
    if categorical.any():
        onehot = OneHotEncoder(dtype=X.dtype).fit_transform(X[:, categorical])
        onehot *= np.sqrt(0.5).astype(X.dtype)
        # Dense rows are searched far faster (trees, or BLAS for brute force)
        # than sparse ones, which NearestNeighbors can only scan pair by pair;
        # stay sparse only when a dense one-hot block would not fit in memory
        # (categorical features with very many levels).
        if onehot.shape[0] * onehot.shape[1] <= _DENSE_ONEHOT_MAX_SIZE:
            onehot = onehot.toarray()
        parts.append(onehot)
    if len(parts) == 1:
        return parts[0]
    if sparse.issparse(parts[-1]):
        return sparse.hstack(parts, format="csr")
    return np.hstack(parts)


#: Largest one-hot block (in entries, 256 MiB as float64) searched as a dense array.
_DENSE_ONEHOT_MAX_SIZE = 2**25
