"""MUNGE: the transfer-set generator of "Model compression" (Bucilua et al., 2006)."""

from numbers import Real

import numpy as np
from scipy import sparse
from scipy.special import ndtri
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from .._random import draw_key, row_uniforms, rows_in_rounds
from ..base import N_SAMPLES_CONSTRAINT, ChunkedTransferSampler
from ..utils._data import batch_ranges
from ..utils._sklearn_compat import Interval, StrOptions
from ._features import CategoricalFeaturesMixin

__all__ = ["MUNGE"]


class MUNGE(CategoricalFeaturesMixin, ChunkedTransferSampler):
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

    A draw that takes no feature in which ``a`` and ``b`` differ is an exact
    copy of ``a`` (with ``d`` continuous features, a fraction ``(1 - p)^d`` of
    the rows: a quarter with two features and ``p=0.5``). With
    ``copies="redraw"`` such draws are drawn again (see ``copies``).

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
        (perturbed) value. ``0`` returns copies of data rows (with
        ``copies="keep"``).
    s : float, default=1.0
        Local variance parameter: the perturbation of a continuous feature has
        standard deviation ``|a - b| / s``, so a larger ``s`` keeps new values
        closer to the neighbour's.
    categorical_features : array-like of int, bool or str, default=None
        Features that are categorical: indices, a boolean mask of length
        ``n_features``, or feature names when ``X`` is a DataFrame. ``None``
        means all features are continuous.
    copies : {"keep", "redraw"}, default="keep"
        What to do with a draw that would copy its row ``a`` (no feature in
        which ``a`` and its neighbour differ is taken):

        - ``"keep"``: keep it, MUNGE as published: the transfer set holds
          copies of the training rows, about ``n_samples * (1 - p)^d`` of
          them for ``d`` continuous features;
        - ``"redraw"``: draw the row's feature choices again, given that at
          least one differing feature is taken, so that every row is new and
          ``n_samples`` stays exact. The result has exactly the distribution
          of drawing until the row is not a copy (see Notes); a feature is
          then taken with probability ``p / (1 - (1 - p)^m)`` instead of
          ``p`` (``m``: the features in which ``a`` and ``b`` differ), so the
          rows move a little further from the data, most with few features
          and a small ``p``. With ``p=0`` every row takes exactly one
          differing feature.

        When to use ``"redraw"``: with few features or a small ``p``, where
        many draws are copies (with many features almost none are, and both
        give the same rows), and when the training rows are in the transfer
        set anyway (``include_labeled=True``), so copies only re-weight them.
        Measured with a random-forest teacher, 100 training rows kept in the
        transfer set plus 1000 MUNGE rows, and tree students, over six small
        data sets and 40 splits: at ``p=0.2`` it raised fidelity (+0.003
        for 8-leaf and unpruned trees, p < 0.001); at ``p=0.5`` it raised
        it for unpruned trees (+0.001, p = 0.007) but not for 8-leaf trees
        on two-feature moons (-0.002, 11 splits better, 22 worse), whose
        few leaves gain from the extra weight that copies put on the data,
        though with 5000 MUNGE rows it did (+0.002); data with 10 or more
        features had (almost) no copies to redraw. So ``"keep"`` stays the
        default. The rows that are not copies are the same as with
        ``"keep"`` for the same seed.
    random_state : int, RandomState instance or None, default=None
        Seed of the row draws, the feature choices and the perturbations.

    Attributes
    ----------
    n_copies_redrawn_ : int
        With ``copies="redraw"``: the number of rows whose draw was a copy of
        their row ``a`` and which were drawn again. Exact, counted when the
        plan is made from the same random numbers as the rows (a pass over
        them that makes no rows, about a third of the time of making them),
        and equal to the number of copies that ``copies="keep"`` makes with
        the same seed. 0 with ``copies="keep"`` (not counted, so that it
        costs nothing), and when all rows of ``X`` are identical (every row
        is then a copy, and none can be helped).
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

    ``copies="redraw"`` changes only the rows whose draw is a copy, and
    derives their new feature choices from their own random numbers, so the
    rows stay keyed by position (independent of ``batch_size`` and workers).
    A copy's uniforms of the ``m`` differing features are all at least
    ``p``, hence, rescaled to ``(u - p) / (1 - p)``, fresh independent
    uniforms: the first picks the first taken differing feature ``J`` from
    its distribution given that one is taken, ``P(J = j) = p (1 - p)^j /
    (1 - (1 - p)^m)``, and the others take each later differing feature with
    probability ``p``. That is exactly the distribution of the feature
    choices given that the row is not a copy; the perturbations are
    independent of them and kept. So the transfer set is distributed as if
    copies were drawn again until they are not (or dropped and the set
    topped up), with no bias towards rows with one swapped feature (which
    simply forcing the feature of smallest uniform would have).

    Only copies of a row's *own* ``a`` are avoided. With continuous features
    that is every training row, almost surely: a taken continuous feature in
    which ``a`` and ``b`` differ gets a perturbed value that no data row has
    (except through rounding, when two rows differ by a few units in the
    last place). With categorical features a swap gives a seen value, so a
    new row can equal *another* training row (``b`` itself, when every
    feature in which they differ is categorical and taken); such rows are
    kept, as they are in the data's support.

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
        "copies": [StrOptions({"keep", "redraw"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_samples=1.0,
        p=0.5,
        s=1.0,
        categorical_features=None,
        copies="keep",
        random_state=None,
    ):
        self.n_samples = n_samples
        self.p = p
        self.s = s
        self.categorical_features = categorical_features
        self.copies = copies
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
        n_rows = self._resolve_n_samples(X.shape[0])
        self.n_copies_redrawn_ = 0
        if self.copies == "redraw":
            # Where each row and its neighbour differ: the features whose swap
            # changes the row (a copy takes none of them). None when all rows
            # are identical: then every row is a copy, and none can be helped.
            differs = X != X[neighbour]
            state["differs"] = differs
            if differs.any():
                self.n_copies_redrawn_ = _count_copies(state, n_rows, self.p)
        return state, n_rows

    def _generate_rows(self, state, start, stop):
        """Rows ``start .. stop - 1``: the same algorithm, randomness keyed by row position."""
        X, neighbour, categorical = state["X"], state["neighbour"], state["categorical"]
        rows = rows_in_rounds(X.shape[0], state["key"], start, stop)
        X_new, X_nn = X[rows], X[neighbour[rows]]
        d = X.shape[1]
        u = row_uniforms((state["key"], 1), start, stop, 2 * d)
        take = u[:, :d] < self.p
        if self.copies == "redraw":
            _redraw_copies(take, u[:, :d], state["differs"][rows], self.p)
        noise = ndtri(u[:, d:]).astype(X.dtype, copy=False)
        return _swap_and_perturb(X_new, X_nn, take, noise, categorical, X.dtype.type(self.s))


def _copy_mask(take, differs):
    """Rows whose feature choices ``take`` keep every feature in which ``a`` and ``b`` differ."""
    return ~(take & differs).any(axis=1)


def _redraw_copies(take, u, differs, p):
    """Redraw, in place, the feature choices ``take`` of the rows that would be copies.

    A row is a copy when no feature in which its ``a`` and ``b`` differ
    (``differs``) is taken, i.e. all their uniforms ``u`` are ``>= p``; then
    ``(u - p) / (1 - p)`` are fresh independent uniforms, from which the
    choices are drawn given that at least one differing feature is taken:
    the first taken one ``J`` by inverting its truncated geometric
    distribution, each later one with probability ``p``. Rows whose ``a``
    equals ``b`` (no differing feature) cannot be helped and are left.
    """
    redo = _copy_mask(take, differs) & differs.any(axis=1)
    if not redo.any():
        return take
    differs = differs[redo]
    v = (u[redo] - p) / (1 - p)
    m = differs.sum(axis=1)
    # Rank of each differing feature among the row's differing features.
    rank = np.cumsum(differs, axis=1) - 1
    v_first = v[np.arange(v.shape[0]), np.argmax(differs, axis=1)]
    if p == 0:
        # The limit p -> 0: one differing feature, uniformly.
        first = np.floor(v_first * m)
    else:
        # P(J <= j) = (1 - (1 - p)^(j + 1)) / (1 - (1 - p)^m), inverted.
        log_keep = np.log1p(-p)
        at_least_one = -np.expm1(m * log_keep)
        first = np.ceil(np.log1p(-v_first * at_least_one) / log_keep) - 1
    first = np.clip(first, 0, m - 1)[:, None]
    take[redo] = differs & ((rank == first) | ((rank > first) & (v < p)))
    return take


def _count_copies(state, n_rows, p):
    """Rows among ``0 .. n_rows - 1`` whose feature choices copy their ``a``, counted exactly.

    From the same uniforms as the rows (block by block, without making rows),
    so the count is known when the plan is made, whatever the chunking.
    """
    X, differs, key = state["X"], state["differs"], state["key"]
    d = X.shape[1]
    count = 0
    for start, stop in batch_ranges(n_rows, _COUNT_BLOCK_ROWS):
        rows = rows_in_rounds(X.shape[0], key, start, stop)
        take = row_uniforms((key, 1), start, stop, 2 * d)[:, :d] < p
        count += int(np.count_nonzero(_copy_mask(take, differs[rows])))
    return count


#: Rows per block when the copies are counted.
_COUNT_BLOCK_ROWS = 16384


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
    X_unique, first, inverse = np.unique(X, axis=0, return_index=True, return_inverse=True)
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
