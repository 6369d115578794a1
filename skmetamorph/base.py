"""Base classes for transfer samplers, public so that users can write their own.

A transfer sampler makes the rows of the *transfer set* (data 2): the rows that the
teacher labels and the student learns from. It returns rows only, never labels: the
labels are the teacher's job.

Every sampler turns its input into a :class:`TransferPlan` (its one-off work:
neighbours found, a density fitted, rows selected) and every public verb reads
its rows from that plan, so :meth:`~BaseTransferSampler.fit_generate`,
:meth:`~BaseTransferSampler.generate_batches` and the meta-estimators see the
same rows. A sampler implements one algorithm, through one of two hooks:

- :class:`BaseTransferSampler`: ``_fit_generate(X, y, teacher, rng)`` returns
  all rows at once (samplers that need the whole set: confidence selection,
  boundary focus, functions, Latin hypercubes);
- :class:`ChunkedTransferSampler`: ``_fit_rows(X, y, teacher, rng)`` does the
  one-off work and ``_generate_rows(state, start, stop)`` makes any range of
  rows from its result, so rows can be made chunk by chunk on any worker.
"""

import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import validate_data

from ._random import row_uniforms
from .utils import _data
from .utils._data import batch_ranges, with_feature_names
from .utils._sklearn_compat import Interval, _fit_context
from .utils._tags import MetamorphTags

__all__ = [
    "ArrayPlan",
    "LabeledArrayPlan",
    "LabeledPlan",
    "BaseTransferSampler",
    "ChunkedTransferSampler",
    "SamplerPlan",
    "TransferPlan",
    "row_uniforms",
    "check_transfer_rows",
    "transfer_plan",
]

#: Constraint for ``n_samples``: a count (int >= 1) or a multiple of len(X) (float > 0).
N_SAMPLES_CONSTRAINT = [
    Interval(Integral, 1, None, closed="left"),
    Interval(Real, 0, None, closed="neither"),
]


# ---------------------------------------------------------------------- plans
class TransferPlan(metaclass=ABCMeta):
    """The rows of a transfer set, made on demand: ``rows(start, stop)``.

    A plan is what the meta-estimators hand to joblib workers: each worker
    makes (and labels) its own range of rows, so only ranges and results
    travel, and no process holds the whole transfer set unless the caller
    asks for it (:meth:`all_rows`).

    Attributes
    ----------
    n_samples : int
        Number of rows (also ``len(plan)``).
    n_features : int
        Number of features of each row.
    dtype : numpy.dtype
        dtype of the rows.
    """

    #: Whether ``rows`` makes rows from a small state (then the plan itself is
    #: sent to the workers) or slices rows made already (then only the slice is).
    generates = False

    def __len__(self):
        return self.n_samples

    @abstractmethod
    def rows(self, start, stop):
        """Rows ``start .. stop - 1`` of the transfer set.

        Parameters
        ----------
        start, stop : int
            The range, ``0 <= start <= stop <= len(plan)``.

        Returns
        -------
        rows : ndarray of shape (stop - start, n_features)
            The rows, of the plan's dtype.
        """

    def all_rows(self):
        """All rows of the transfer set in one array.

        Returns
        -------
        rows : ndarray of shape (n_samples, n_features)
            The rows.
        """
        return self.rows(0, self.n_samples)

    def materialise(self):
        """Deprecated: :meth:`all_rows` (``materialise`` is removed in the next release)."""
        warnings.warn(
            "TransferPlan.materialise() is renamed all_rows(); materialise stops working "
            "in the next release.",
            FutureWarning,
            stacklevel=2,
        )
        return self.all_rows()


class LabeledPlan(TransferPlan):
    """A plan that also carries the teacher's answers on (some of) its rows.

    The ordinary sampler contract is *rows only*. A sampler that asked the
    teacher while choosing its rows (:class:`~skmetamorph.samplers.AdaptiveSampler`,
    or a :class:`~skmetamorph.samplers.UnionSampler` holding one) hands those
    answers over in a plan of this type, so that the rows are not labeled
    twice and its teacher-row budget holds: the engine gives them to the
    labelers, which use them instead of calling the teacher again (and check
    them the same way). Only where such a plan exists does anything read
    outputs.
    """

    @abstractmethod
    def output_parts(self, start, stop):
        """The teacher's outputs on rows ``start .. stop - 1``, range by range.

        Parameters
        ----------
        start, stop : int
            The range, ``0 <= start <= stop <= len(plan)``.

        Returns
        -------
        parts : list of (int, int, dict or None)
            ``(lo, hi, outputs)`` for consecutive ranges that cover
            ``start .. stop - 1`` in order; ``outputs`` is ``{method name:
            array}`` with the teacher's raw outputs on rows ``lo .. hi - 1``
            (``"predict"``, and ``"predict_proba"`` where the sampler called
            it), or None where the teacher must be asked.
        """

    def outputs(self, start, stop):
        """The teacher's outputs on the whole range, or None unless every row has them.

        Parameters
        ----------
        start, stop : int
            The range.

        Returns
        -------
        outputs : dict or None
            ``{method name: array}`` for rows ``start .. stop - 1``.
        """
        parts = self.output_parts(start, stop)
        if any(outputs is None for _, _, outputs in parts):
            return None
        methods = set.intersection(*(set(outputs) for _, _, outputs in parts))
        if not methods:
            return None
        return {
            method: np.concatenate([outputs[method] for _, _, outputs in parts])
            for method in sorted(methods)
        }


class ArrayPlan(TransferPlan):
    """A plan over rows that exist already (one-shot samplers, duck-typed samplers).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The rows.
    """

    def __new__(cls, X, outputs=None):
        if outputs is not None and cls is ArrayPlan:
            warnings.warn(
                "ArrayPlan(X, outputs=...) is deprecated: rows with the teacher's answers "
                "are a LabeledArrayPlan(X, outputs); ArrayPlan stops taking outputs in the "
                "next release.",
                FutureWarning,
                stacklevel=2,
            )
            return super().__new__(LabeledArrayPlan)
        return super().__new__(cls)

    def __init__(self, X, outputs=None):
        self.X = X
        self.n_samples, self.n_features = X.shape
        self.dtype = X.dtype

    def rows(self, start, stop):
        """Rows ``start .. stop - 1`` (a view of the array)."""
        return self.X[start:stop]

    def __sizeof__(self):
        return object.__sizeof__(self) + self.X.nbytes


class LabeledArrayPlan(ArrayPlan, LabeledPlan):
    """Rows that exist already, with the teacher's raw outputs on every one of them.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The rows.
    outputs : dict of {str: ndarray}
        The teacher's raw outputs on the rows, by method name (``"predict"``,
        ``"predict_proba"``), each with one entry per row.
    """

    def __init__(self, X, outputs):
        super().__init__(X)
        self._outputs = outputs

    def output_parts(self, start, stop):
        """One range: slices of the outputs."""
        sliced = {method: values[start:stop] for method, values in self._outputs.items()}
        return [(start, stop, sliced)]

    def __sizeof__(self):
        return super().__sizeof__() + _nbytes(self._outputs)


class SamplerPlan(TransferPlan):
    """A plan whose rows a chunked sampler makes from its fitted ``state``, any range at a time.

    Parameters
    ----------
    sampler : ChunkedTransferSampler
        The sampler; its ``_generate_rows(state, start, stop)`` makes the rows.
    state : object
        What the sampler's ``_fit_rows`` returned (arrays, a key).
    n_samples : int
        Number of rows.
    dtype : dtype
        dtype of the rows.
    """

    generates = True

    def __init__(self, sampler, state, n_samples, dtype):
        self.sampler, self.state = sampler, state
        self.n_samples = int(n_samples)
        self.n_features = sampler.n_features_in_
        self.dtype = np.dtype(dtype)

    def rows(self, start, stop):
        """Rows ``start .. stop - 1``, made by the sampler from its state."""
        if stop <= start:
            return np.empty((0, self.n_features), dtype=self.dtype)
        rows = self.sampler._check_rows(
            self.sampler._generate_rows(self.state, start, stop), self.dtype
        )
        if rows.shape[0] != stop - start:
            raise ValueError(
                f"{type(self.sampler).__name__} made {rows.shape[0]} rows for the range "
                f"{start}..{stop}; expected {stop - start}."
            )
        return rows

    def all_rows(self):
        """All rows of the transfer set in one array, made block by block.

        The same rows as ``rows(0, n_samples)`` (they do not depend on the
        cutting), but a block's temporaries stay small and in cache, which
        makes large sets about twice as fast.

        Returns
        -------
        rows : ndarray of shape (n_samples, n_features)
            The rows.
        """
        out = np.empty((self.n_samples, self.n_features), dtype=self.dtype)
        for start, stop in batch_ranges(self.n_samples, _MATERIALISE_BLOCK_ROWS):
            out[start:stop] = self.rows(start, stop)
        return out

    def __sizeof__(self):
        # dask's joblib backend sends an argument to the workers once per fit
        # (instead of with every chunk) when dask.sizeof says it is large; the
        # default, sys.getsizeof, would not count the arrays of the state.
        return object.__sizeof__(self) + _nbytes(self.state)


#: Rows per block when a plan is made whole (a few hundred KiB per temporary).
_MATERIALISE_BLOCK_ROWS = 4096


def _nbytes(obj):
    """Bytes of the numpy arrays in ``obj`` (arrays, and dicts, lists, tuples of them)."""
    if isinstance(obj, np.ndarray):
        return obj.nbytes
    if isinstance(obj, TransferPlan):
        return obj.__sizeof__()
    if isinstance(obj, dict):
        return sum(_nbytes(value) for value in obj.values())
    if isinstance(obj, (list, tuple)):
        return sum(_nbytes(value) for value in obj)
    return 0


def check_batch_size(batch_size):
    """Raise a clear error unless ``batch_size`` is an int >= 1."""
    if isinstance(batch_size, bool) or not (isinstance(batch_size, Integral) and batch_size >= 1):
        raise ValueError(f"batch_size must be an int >= 1; got {batch_size!r}.")


# ------------------------------------------------------------------- samplers
class BaseTransferSampler(BaseEstimator, metaclass=ABCMeta):
    """Base class for transfer samplers that make all their rows at once.

    A transfer sampler is an estimator with one one-shot verb, :meth:`fit_generate`,
    that looks at the training rows ``X`` (and optionally their labels ``y`` and the
    fitted teacher) and returns the rows of the transfer set. Subclasses implement
    ``_fit_generate(X, y, teacher, rng)`` (``rng`` is a
    :class:`numpy.random.Generator` seeded from ``random_state``) and declare their
    parameters in ``_parameter_constraints``; this class validates the input,
    checks the rows' shape and casts them back to ``X``'s dtype.

    A sampler that can make any range of its rows on its own subclasses
    :class:`ChunkedTransferSampler` instead: then the rows can be made chunk
    by chunk, on several workers, and a transfer set larger than memory can
    be streamed.

    The verb is deliberately not called ``fit_resample``: imbalanced-learn's
    Pipeline treats any object with that method as returning ``(X, y)``.

    Subclasses that generate a fixed number of rows should have ``n_samples`` and
    ``random_state`` parameters and call :meth:`_resolve_n_samples`.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :meth:`fit` or :meth:`fit_generate`.

    See Also
    --------
    skmetamorph.utils.estimator_checks.check_transfer_sampler : The contract
        every sampler keeps; run it on your own.
    """

    _parameter_constraints: dict = {}

    #: Whether the sampler can work with NaN in ``X`` (used by the estimator tags).
    _allows_nan = False

    #: Whether ``fit_generate(None)`` works: the sampler defines the input domain
    #: itself (quasi-random samplers with ``bounds``). Published as the tag
    #: ``sampler.needs_no_X``.
    _generates_without_X = False

    # ---------------------------------------------------------- public verbs
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
    def fit_plan(self, X, y=None, *, teacher=None):
        """Do the sampler's one-off work and return the transfer set as a plan.

        The plan makes any range of rows on demand (:meth:`TransferPlan.rows`);
        :meth:`fit_generate` and :meth:`generate_batches` read their rows from
        it, and so do the meta-estimators, chunk by chunk through joblib.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or None
            Training rows, as for :meth:`fit_generate`.
        y : array-like of shape (n_samples,), default=None
            Labels, ``-1`` marking unlabeled rows.
        teacher : estimator, default=None
            The fitted teacher, for samplers that use it.

        Returns
        -------
        plan : TransferPlan
            The transfer set's rows, made on demand.
        """
        X, y = self._validate_input(X, y)
        return self._make_plan(X, y, teacher, self._rng())

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
        X_transfer : ndarray or DataFrame of shape (n_transfer_samples, n_features)
            New rows, of the same dtype as ``X`` (float64 when ``X`` is None);
            a DataFrame after ``set_output(generate="pandas")``.
        """
        rows = self.fit_plan(X, y, teacher=teacher).all_rows()
        return self._wrap_output(rows)

    def generate_batches(self, X, y=None, *, teacher=None, batch_size=10_000):
        """Make the rows of the transfer set in chunks of at most ``batch_size`` rows.

        The chunks are made one at a time as the iterator is consumed, so a
        transfer set far larger than memory can be streamed (to a student with
        ``partial_fit``, or to disk). Their concatenation equals
        :meth:`fit_generate`'s rows for the same seed, whatever ``batch_size``:
        both read the same plan. Chunked samplers make each chunk on demand;
        one-shot samplers make all rows first and hand out slices.

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

        Returns
        -------
        batches : iterator of ndarray of shape (n_batch_samples, n_features)
            The chunks of rows, of ``X``'s dtype (DataFrames after
            ``set_output(generate="pandas")``).

        Examples
        --------
        >>> import numpy as np
        >>> from skmetamorph.samplers import MUNGE
        >>> X = np.random.default_rng(0).normal(size=(100, 3))
        >>> munge = MUNGE(n_samples=1000, random_state=0)
        >>> [len(chunk) for chunk in munge.generate_batches(X, batch_size=400)]
        [400, 400, 200]
        >>> small = np.concatenate(list(munge.generate_batches(X, batch_size=7)))
        >>> bool(np.array_equal(munge.fit_generate(X), small))
        True
        """
        check_batch_size(batch_size)
        plan = self.fit_plan(X, y, teacher=teacher)
        return (
            self._wrap_output(plan.rows(start, stop))
            for start, stop in batch_ranges(len(plan), batch_size)
        )

    # ----------------------------------------------------------------- hooks
    @abstractmethod
    def _fit_generate(self, X, y, teacher, rng):
        """All rows of the transfer set, from validated ``X`` (or None) and ``y``."""

    def _make_plan(self, X, y, teacher, rng):
        # X is None only for samplers whose _validate_input accepts it (and sets
        # n_features_in_ from their own definition of the domain).
        return ArrayPlan(self._check_rows(self._fit_generate(X, y, teacher, rng), _out_dtype(X)))

    # --------------------------------------------------------------- helpers
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

    def set_output(self, *, generate=None):
        """Choose the container of the rows: NumPy arrays (default) or pandas DataFrames.

        As scikit-learn's ``set_output(transform="pandas")`` does for
        transformers: with ``generate="pandas"``, :meth:`fit_generate` and
        :meth:`generate_batches` return DataFrames whose columns are ``X``'s
        feature names (``x0, x1, ...`` when it had none).

        Parameters
        ----------
        generate : {"default", "pandas"}, default=None
            ``"pandas"``: DataFrames; ``"default"``: arrays; None: unchanged.

        Returns
        -------
        self : object
            The sampler.

        Examples
        --------
        >>> import pandas as pd
        >>> from skmetamorph.samplers import MUNGE
        >>> X = pd.DataFrame({"a": [0.0, 1.0, 2.0], "b": [1.0, 0.0, 1.0]})
        >>> MUNGE(random_state=0).set_output(generate="pandas").fit_generate(X).columns.tolist()
        ['a', 'b']
        """
        if generate is None:
            return self
        if generate not in ("default", "pandas"):
            raise ValueError(f"generate must be 'default' or 'pandas'; got {generate!r}.")
        # The attribute scikit-learn's clone() copies, so the choice survives it.
        self._sklearn_output_config = {"generate": generate}
        return self

    def _wrap_output(self, rows):
        config = getattr(self, "_sklearn_output_config", {})
        if config.get("generate", "default") != "pandas":
            return rows
        names = getattr(self, "feature_names_in_", None)
        if names is None:
            names = [f"x{i}" for i in range(rows.shape[1])]
        return with_feature_names(rows, names)

    def _with_feature_names(self, rows):
        """Rows with the feature names the sampler was given, if any (for the teacher)."""
        return with_feature_names(rows, getattr(self, "feature_names_in_", None))

    def _rng(self):
        return np.random.default_rng(_as_seed(self.__dict__.get("random_state")))

    def _check_rows(self, rows, dtype):
        return check_transfer_rows(
            rows, dtype, self.n_features_in_, type(self).__name__, allow_nan=self._allows_nan
        )

    #: Whether an int ``n_samples`` below the number of input rows warns: for
    #: samplers that make rows from data rows, ``n_samples=10`` (10 rows) is
    #: easily meant as ``n_samples=10.0`` (10 times the rows).
    _warn_small_count = False

    def _resolve_n_samples(self, n_input):
        """Turn ``self.n_samples`` (a count, or a multiple of ``n_input``) into a count."""
        n_samples = self.n_samples
        if isinstance(n_samples, Integral):
            if self._warn_small_count and 0 < n_samples < n_input:
                warnings.warn(
                    f"{type(self).__name__}(n_samples={n_samples}) makes {n_samples} rows "
                    f"from {n_input} input rows: an int is a number of rows. For "
                    f"{n_samples} times the input rows, pass n_samples={float(n_samples)}.",
                    UserWarning,
                    stacklevel=2,
                )
            return int(n_samples)
        return max(1, int(round(n_samples * n_input)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self._allows_nan
        return tags

    def __skmetamorph_tags__(self):
        tags = MetamorphTags()
        tags.sampler.needs_no_X = bool(self._generates_without_X)
        return tags


class ChunkedTransferSampler(BaseTransferSampler):
    """Base class for transfer samplers that make any range of their rows on their own.

    Subclasses implement two hooks instead of ``_fit_generate``:

    - ``_fit_rows(X, y, teacher, rng)`` does the one-off work (fit a density,
      find neighbours, draw a key) and returns ``(state, n_rows)``;
    - ``_generate_rows(state, start, stop)`` returns rows ``start .. stop - 1``
      from that state alone.

    The randomness of ``_generate_rows`` must be keyed by row position (see
    :func:`row_uniforms`), so that the rows do not depend on how they are cut
    into chunks or which worker makes them; :meth:`fit_generate` is then the
    plan's rows made in one piece, the same rows as any chunking of
    :meth:`generate_batches`.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :meth:`fit` or :meth:`fit_generate`.
    """

    @abstractmethod
    def _fit_rows(self, X, y, teacher, rng):
        """One-off work: ``(state, n_rows)``; ``state`` is what ``_generate_rows`` reads."""

    @abstractmethod
    def _generate_rows(self, state, start, stop):
        """Rows ``start .. stop - 1`` of the transfer set, from ``state`` alone."""

    def _make_plan(self, X, y, teacher, rng):
        state, n_rows = self._fit_rows(X, y, teacher, rng)
        return SamplerPlan(self, state, n_rows, _out_dtype(X))

    def _fit_generate(self, X, y, teacher, rng):
        # Only the plan path is used; a chunked sampler's one-shot hook is its
        # plan made in one piece, defined here so that subclasses need not.
        return self._make_plan(X, y, teacher, rng).all_rows()


def transfer_plan(sampler, X, y=None, *, teacher=None):
    """The :class:`TransferPlan` of any sampler, ours or duck-typed.

    Samplers derived from :class:`BaseTransferSampler` make their plan
    (:meth:`~BaseTransferSampler.fit_plan`); any other object with a
    ``fit_generate`` method (the meta-estimators and :class:`UnionSampler`
    accept those) is asked for all its rows, which the plan then slices.

    Parameters
    ----------
    sampler : object
        A transfer sampler.
    X : array-like of shape (n_samples, n_features) or None
        Training rows.
    y : array-like of shape (n_samples,), default=None
        Labels, ``-1`` marking unlabeled rows.
    teacher : estimator, default=None
        The fitted teacher.

    Returns
    -------
    plan : TransferPlan
        The transfer set's rows.
    """
    if isinstance(sampler, BaseTransferSampler):
        return sampler.fit_plan(X, y, teacher=teacher)
    rows = sampler.fit_generate(X, y, teacher=teacher)
    n_features = None if X is None else np.shape(X)[1]
    dtype = np.float64 if X is None else np.asarray(X).dtype
    return ArrayPlan(check_transfer_rows(rows, dtype, n_features, type(sampler).__name__))


def check_transfer_rows(rows, dtype, n_features, name, *, allow_nan=False):
    """Rows of a transfer set as an array of ``dtype``, or an error naming the sampler.

    Parameters
    ----------
    rows : array-like
        What the sampler returned.
    dtype : dtype
        The dtype of the rows (``X``'s).
    n_features : int or None
        The number of features each row must have (None: any).
    name : str
        The sampler, for the messages.
    allow_nan : bool, default=False
        Whether NaN may appear (samplers that pass NaN in ``X`` through).

    Returns
    -------
    rows : ndarray of shape (n_rows, n_features)
        The rows.
    """
    try:
        rows = np.asarray(rows, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} returned rows that are not numbers: {exc}") from None
    if rows.ndim != 2 or (n_features is not None and rows.shape[1] != n_features):
        expected = "n_features" if n_features is None else n_features
        raise ValueError(
            f"{name} returned rows of shape {rows.shape}; expected (n_rows, {expected}): "
            "a 2-d array with one column per feature of X."
        )
    bad = np.isinf(rows) if allow_nan else ~np.isfinite(rows)
    if rows.size and bad.any():
        n_bad = int(bad.any(axis=1).sum())
        raise ValueError(
            f"{name} made {n_bad} of {rows.shape[0]} rows with "
            f"{'infinite' if allow_nan else 'NaN or infinite'} values. From finite X this "
            "means its arithmetic overflowed (values near the float limit: rescale X, e.g. "
            "with StandardScaler) or its function returned them."
        )
    return rows


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


#: Names that moved to :mod:`skmetamorph.utils` (0.3); importing them from
#: here still works for one release, with a FutureWarning.
_MOVED_TO_UTILS = {"UNLABELED", "unlabeled_mask"}


def __getattr__(name):
    if name in _MOVED_TO_UTILS:
        warnings.warn(
            f"skmetamorph.base.{name} moved to skmetamorph.utils.{name}; importing it "
            "from skmetamorph.base is deprecated and stops working in the next release.",
            FutureWarning,
            stacklevel=2,
        )
        return getattr(_data, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
