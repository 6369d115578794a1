"""Base class for transfer samplers, public so that users can write their own.

A transfer sampler makes the rows of the *transfer set* (data 2): the rows that the
teacher labels and the student learns from. It returns rows only, never labels: the
labels are the teacher's job.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import validate_data

from ._chunks import ArrayPlan, SamplerPlan, batch_ranges, row_uniforms

__all__ = ["BaseTransferSampler", "UNLABELED", "row_uniforms"]

#: Marker of an unlabeled row in ``y`` (scikit-learn's semi-supervised convention).
UNLABELED = -1


class BaseTransferSampler(BaseEstimator):
    """Base class for transfer samplers.

    A transfer sampler is an estimator with one one-shot verb, :meth:`fit_generate`,
    that looks at the training rows ``X`` (and optionally their labels ``y`` and the
    fitted teacher) and returns the rows of the transfer set. Subclasses implement
    ``_fit_generate(X, y, teacher, random_state)`` and declare their parameters in
    ``_parameter_constraints``; this class validates the input, resolves
    ``n_samples`` and the random state, and casts the result back to ``X``'s dtype.

    The verb is deliberately not called ``fit_resample``: imbalanced-learn's
    Pipeline treats any object with that method as returning ``(X, y)``.

    Subclasses that generate a fixed number of rows should have ``n_samples`` and
    ``random_state`` parameters and call :meth:`_resolve_n_samples`.

    Every sampler can also hand out its rows chunk by chunk with
    :meth:`generate_batches`, which is what the meta-estimators use to keep
    memory bounded and to spread generation over joblib workers. By default
    the chunks are slices of :meth:`fit_generate`'s rows. A sampler that can
    make any range of its rows on its own implements two more hooks:
    ``_fit_rows(X, y, teacher, rng)``, which does the one-off work (fit a
    density, find neighbours) and returns ``(state, n_rows)``, and
    ``_generate_rows(state, start, stop)``, which returns rows
    ``start .. stop - 1`` from that state alone. Their randomness must be keyed
    by row position (see :func:`row_uniforms`), so that the rows do not
    depend on how they are cut into chunks or which worker makes them.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :meth:`fit` or :meth:`fit_generate`.
    """

    _parameter_constraints: dict = {}

    #: Whether the sampler can work with NaN in ``X`` (used by the estimator tags).
    _allows_nan = False

    #: Whether ``fit_generate(None)`` works: the sampler defines the input domain
    #: itself (quasi-random samplers with ``bounds``), so a meta-estimator whose
    #: teacher needs no data can be fitted with no rows at all.
    _generates_without_X = False

    def _validate_input(self, X, y, reset=True):
        allow_nan = "allow-nan" if self._allows_nan else True
        X = validate_data(
            self,
            X,
            reset=reset,
            dtype=[np.float64, np.float32],
            ensure_all_finite=allow_nan,
        )
        if y is not None:
            y = np.asarray(y)
            if y.ndim != 1 or y.shape[0] != X.shape[0]:
                raise ValueError(
                    f"y must be a 1d array with one label per row of X; got shape "
                    f"{y.shape} for X with {X.shape[0]} rows."
                )
        return X, y

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, teacher=None):
        """Validate the training rows and record their number of features.

        Generation is one-shot (a transfer set depends on the data *and* the
        teacher), so the work happens in :meth:`fit_generate`; ``fit`` exists so
        that samplers behave as scikit-learn estimators.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows.
        y : array-like of shape (n_samples,), default=None
            Labels, ``-1`` marking unlabeled rows. Ignored by most samplers.
        teacher : estimator, default=None
            The fitted teacher. Ignored by ``fit``.

        Returns
        -------
        self : object
            The sampler.
        """
        self._validate_input(X, y)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_generate(self, X, y=None, *, teacher=None):
        """Make the rows of the transfer set.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or None
            Training rows (labeled and unlabeled). ``None`` only for samplers
            that define the input domain themselves (the quasi-random samplers
            with ``bounds``), which then need no rows at all.
        y : array-like of shape (n_samples,), default=None
            Labels, ``-1`` marking unlabeled rows. Samplers that select from the
            unlabeled pool use it; others ignore it.
        teacher : estimator, default=None
            The fitted teacher, for samplers that filter or focus by its
            confidence.

        Returns
        -------
        X_transfer : ndarray of shape (n_transfer_samples, n_features)
            New rows, of the same dtype as ``X`` (float64 when ``X`` is None).
        """
        X, y = self._validate_input(X, y)
        return self._generate_all(X, y, teacher, self._rng())

    def _rng(self):
        return np.random.default_rng(_as_seed(self.__dict__.get("random_state")))

    def _generate_all(self, X, y, teacher, rng):
        X_transfer = self._fit_generate(X, y, teacher, rng)
        # X is None only for samplers whose _validate_input accepts it (and sets
        # n_features_in_ from their own definition of the domain).
        return self._check_rows(X_transfer, _out_dtype(X))

    def _check_rows(self, rows, dtype):
        rows = np.asarray(rows, dtype=dtype)
        if rows.ndim != 2 or rows.shape[1] != self.n_features_in_:
            raise ValueError(
                f"{type(self).__name__} returned rows of shape {rows.shape}; "
                f"expected (n, {self.n_features_in_})."
            )
        return rows

    def _fit_generate(self, X, y, teacher, rng):  # pragma: no cover - abstract
        raise NotImplementedError

    def generate_batches(self, X, y=None, *, teacher=None, batch_size=10_000):
        """Make the rows of the transfer set in chunks of at most ``batch_size`` rows.

        The chunks are made one at a time as the iterator is consumed, so a
        transfer set far larger than memory can be streamed (to a student with
        ``partial_fit``, or to disk). Their concatenation is a transfer set of
        the size :meth:`fit_generate` would make, drawn from the same
        distribution:

        - the pool, Sobol and Halton samplers, and samplers that cannot make
          rows chunk by chunk (whose chunks are slices of
          :meth:`fit_generate`'s rows), give exactly :meth:`fit_generate`'s
          rows;
        - MUNGE, noise, uniform, KDE and GMM samplers draw each row's random
          numbers from a stream keyed by its position, not from
          :meth:`fit_generate`'s stream: other rows for the same seed, the same
          rows whatever ``batch_size``.

        Input checks and the one-off work (fitting a density, finding
        neighbours) happen when this method is called, not at the first chunk.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or None
            Training rows, as for :meth:`fit_generate`.
        y : array-like of shape (n_samples,), default=None
            Labels, ``-1`` marking unlabeled rows.
        teacher : estimator, default=None
            The fitted teacher, for samplers that use it.
        batch_size : int, default=10000
            Largest number of rows per chunk.

        Yields
        ------
        X_batch : ndarray of shape (n_batch_samples, n_features)
            The next chunk of rows, of ``X``'s dtype.

        Examples
        --------
        >>> import numpy as np
        >>> from skmetamorph.samplers import MUNGE
        >>> X = np.random.default_rng(0).normal(size=(100, 3))
        >>> munge = MUNGE(n_samples=1000, random_state=0)
        >>> [len(chunk) for chunk in munge.generate_batches(X, batch_size=400)]
        [400, 400, 200]
        >>> whole = np.concatenate(list(munge.generate_batches(X, batch_size=1000)))
        >>> small = np.concatenate(list(munge.generate_batches(X, batch_size=7)))
        >>> bool(np.array_equal(whole, small))
        True
        """
        if not (isinstance(batch_size, Integral) and batch_size >= 1):
            raise ValueError(f"batch_size must be an int >= 1; got {batch_size!r}.")
        plan = self._transfer_plan(X, y, teacher=teacher)
        return (plan.rows(start, stop) for start, stop in batch_ranges(len(plan), batch_size))

    @_fit_context(prefer_skip_nested_validation=True)
    def _transfer_plan(self, X, y=None, *, teacher=None):
        """The transfer set as a :class:`TransferPlan`: its rows, made on demand.

        Samplers with the ``_fit_rows`` / ``_generate_rows`` hooks give a plan
        that makes any range of rows on its own (on any worker); the others make
        all their rows here and the plan slices them.
        """
        X, y = self._validate_input(X, y)
        rng = self._rng()
        fitted = self._fit_rows(X, y, teacher, rng)
        if fitted is NotImplemented:
            return ArrayPlan(self._generate_all(X, y, teacher, rng))
        state, n_rows = fitted
        return SamplerPlan(self, state, n_rows, _out_dtype(X))

    def _fit_rows(self, X, y, teacher, rng):
        """One-off work for chunked generation; ``NotImplemented`` means "slice fit_generate"."""
        return NotImplemented

    def _generate_rows(self, state, start, stop):  # pragma: no cover - abstract
        raise NotImplementedError

    def _resolve_n_samples(self, n_input):
        """Turn ``self.n_samples`` (a count, or a multiple of ``n_input``) into a count."""
        n_samples = self.n_samples
        if isinstance(n_samples, Integral):
            return int(n_samples)
        return max(1, int(round(n_samples * n_input)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self._allows_nan
        return tags


def _out_dtype(X):
    return np.float64 if X is None else X.dtype


def _as_seed(random_state):
    """A seed for :func:`numpy.random.default_rng` from a sklearn ``random_state``.

    ``RandomState`` instances are consumed (one draw) so that repeated calls with
    the same instance give different but reproducible streams, as in sklearn.
    """
    if random_state is None or isinstance(random_state, Integral):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int32).max))
    if isinstance(random_state, np.random.Generator):
        return random_state
    raise ValueError(
        f"random_state must be None, an int or a numpy RandomState; got {random_state!r}."
    )


#: Constraint for ``n_samples``: a count (int >= 1) or a multiple of len(X) (float > 0).
N_SAMPLES_CONSTRAINT = [
    Interval(Integral, 1, None, closed="left"),
    Interval(Real, 0, None, closed="neither"),
]
