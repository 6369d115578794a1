"""SPUNGE: hot-deck swaps plus noise, AutoGluon's neighbour-free variant of MUNGE."""

from numbers import Real

import numpy as np
from scipy.special import ndtri

from .._random import draw_key, row_uniforms, rows_in_rounds
from ..base import N_SAMPLES_CONSTRAINT, ChunkedTransferSampler
from ..utils._sklearn_compat import Interval
from ._features import CategoricalFeaturesMixin

__all__ = ["SPUNGE"]


class SPUNGE(CategoricalFeaturesMixin, ChunkedTransferSampler):
    """Swap feature values between random data rows, plus a little noise (SPUNGE).

    SPUNGE ("simplified MUNGE", the augmentation of AutoGluon's distillation)
    makes each new row from a data row ``a`` (the data rows are used in rounds,
    every row once per round, as MUNGE does). For each feature, with
    probability ``p``, the value is *hot-deck swapped*: it is replaced by that
    feature's value in another data row, drawn at random for this feature
    alone. A swapped continuous feature also gets Gaussian noise of standard
    deviation ``noise_scale`` times the feature's standard deviation in the
    data; a swapped categorical feature takes the donor's value as is, so it
    only takes values seen in the data. Features not swapped keep ``a``'s
    value exactly.

    When to use it: where MUNGE would, on data too large for its
    nearest-neighbour search. SPUNGE needs no neighbours at all: its one-off
    work is a standard deviation per feature, and every row costs O(features).
    The price is realism: a swapped value comes from anywhere in the data, not
    from a similar row, so SPUNGE breaks the dependences between features
    (correlations, clusters) more than MUNGE does, and its rows fill more of
    the space between the data's modes. Keep ``p`` small to stay close to the
    data; ``p=1`` with ``noise_scale=0`` draws every feature independently
    from its marginal distribution (a product of the marginals).

    Parameters
    ----------
    n_samples : int or float, default=1.0
        Number of rows to make: a count if an int, a multiple of the number of
        input rows if a float.
    p : float, default=0.5
        Probability, per feature and per new row, that the feature's value is
        swapped with another random row's. ``0`` returns copies of data rows.
    noise_scale : float, default=0.1
        Standard deviation of the noise added to a swapped continuous value,
        as a fraction of that feature's standard deviation in the data. ``0``
        swaps values without noise.
    categorical_features : array-like of int, bool or str, default=None
        Features that are categorical (swapped, never noised): indices, a
        boolean mask of length ``n_features``, or feature names when ``X`` is
        a DataFrame. ``None`` means all features are continuous.
    random_state : int, RandomState instance or None, default=None
        Seed of the row draws, the swaps, the donors and the noise.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :meth:`fit_generate`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_generate`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    MUNGE : Swaps values with the nearest neighbour instead of a random row,
        with noise scaled by the local distance: more realistic rows, at the
        cost of a neighbour search.
    GaussianNoiseSampler : Noise on every feature, no swaps.

    Notes
    -----
    AutoGluon's ``spunge_augment`` swaps a fixed number of features per row
    (``frac_perturb`` of them) and adds noise to a random ``frac_perturb`` of
    the continuous cells, swapped or not. Here every feature is swapped
    independently with probability ``p`` (``p`` times the features on
    average) and the noise goes with the swap, so that unswapped values stay
    exact and ``p=0`` gives copies of the data. The donor of a swap is always
    a row other than ``a`` (its value may still coincide with ``a``'s), so at
    least two rows are needed. Since ``a`` is a uniformly random row, so is
    the donor: with ``p=1`` and ``noise_scale=0`` every value of a feature is
    drawn from exactly that feature's distribution in the data.

    With a random-forest teacher, a decision-tree student and ten times the
    training rows, mean held-out fidelity over 10 splits was 0.969 on
    breast_cancer, 0.954 on wine and 0.781 on a 4-class
    ``make_classification`` set, against MUNGE's 0.975, 0.944 and 0.751;
    ``p=0.1`` (AutoGluon's default rate) gave 0.966, 0.956 and 0.703.

    References
    ----------
    .. [1] The ``"spunge"`` augmentation of ``TabularPredictor.distill`` in
       AutoGluon; AutoGluon-Tabular: N. Erickson, J. Mueller, A. Shirkov, H. Zhang, P. Larroy, M. Li and A. Smola, "AutoGluon-Tabular:
       Robust and Accurate AutoML for Structured Data", arXiv:2003.06505, 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph.samplers import SPUNGE
    >>> rng = np.random.default_rng(0)
    >>> X = np.column_stack([rng.normal(size=100), rng.integers(0, 3, size=100)])
    >>> spunge = SPUNGE(n_samples=5.0, p=0.3, categorical_features=[1], random_state=0)
    >>> X_new = spunge.fit_generate(X)
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
        "noise_scale": [Interval(Real, 0, None, closed="left")],
        "categorical_features": ["array-like", None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_samples=1.0,
        p=0.5,
        noise_scale=0.1,
        categorical_features=None,
        random_state=None,
    ):
        self.n_samples = n_samples
        self.p = p
        self.noise_scale = noise_scale
        self.categorical_features = categorical_features
        self.random_state = random_state

    def _fit_rows(self, X, y, teacher, rng):
        n_rows, n_features = X.shape
        if n_rows < 2:
            raise ValueError(
                f"SPUNGE needs at least 2 rows: a swapped value comes from another row; "
                f"got {n_rows}."
            )
        categorical = self._categorical_mask(n_features)
        sd = self.noise_scale * _safe_std(X)
        sd[categorical] = 0
        state = {
            "X": np.ascontiguousarray(X),
            "sd": sd.astype(X.dtype),
            "noisy": bool(self.noise_scale > 0 and (sd > 0).any()),
            "p": float(self.p),
            "key": draw_key(rng),
        }
        return state, self._resolve_n_samples(n_rows)

    def _generate_rows(self, state, start, stop):
        """Rows ``start .. stop - 1``: randomness keyed by row position."""
        X, key = state["X"], state["key"]
        n_rows, d = X.shape
        rows = rows_in_rounds(n_rows, key, start, stop)
        X_new = X[rows]
        if state["p"] == 0:
            return X_new
        u = row_uniforms((key, 1), start, stop, 2 * d)
        # Only the swapped cells are computed: (row, feature) pairs.
        row, feature = np.nonzero(u[:, :d] < state["p"])
        # The donor of each cell: one of the n - 1 other rows, uniformly.
        offset = (u[row, d + feature] * (n_rows - 1)).astype(np.intp)
        donor = rows[row] + 1 + offset
        donor %= n_rows
        donor *= d
        donor += feature
        values = X.ravel().take(donor)  # X is C-contiguous: its flat cells
        if state["noisy"]:
            z = row_uniforms((key, 2), start, stop, d)[row, feature]
            noise = ndtri(z, out=z).astype(X.dtype, copy=False)
            noise *= state["sd"][feature]
            values += noise
        X_new[row, feature] = values
        return X_new


def _safe_std(X):
    """Each feature's standard deviation (float64), without overflow near the float limit."""
    magnitude = np.abs(X).max(axis=0).astype(np.float64)
    magnitude[magnitude == 0] = 1
    with np.errstate(over="ignore"):
        return (X / magnitude).std(axis=0, dtype=np.float64) * magnitude
