"""Randomness keyed by row position, so that a sampler's rows do not depend on chunking.

A chunked sampler (:class:`~skmetamorph.base.ChunkedTransferSampler`) makes
any range of its rows on its own, on any joblib worker; the random numbers of
row ``i`` must therefore depend on ``i`` and the sampler's key only, never on
which rows were made before it in the same call.
"""

import math

import numpy as np
from scipy.special import ndtri

__all__ = ["draw_key", "row_normals", "row_uniforms", "rows_in_rounds"]


def draw_key(rng):
    """A 63-bit key for :func:`row_uniforms`, drawn from a sampler's generator."""
    return int(rng.integers(2**63 - 1))


def row_uniforms(key, start, stop, width):
    """Uniform numbers in (0, 1), ``width`` per row, for rows ``start`` to ``stop - 1``.

    Row ``i`` always gets the same numbers for a given ``key``, whatever range
    it is asked in: the numbers come from a counter-based generator (Philox)
    jumped straight to position ``start * width``. Samplers that implement the
    chunk hooks of :class:`~skmetamorph.base.BaseTransferSampler` draw from it,
    so that their rows depend neither on ``batch_size`` nor on the worker that
    makes them.

    Parameters
    ----------
    key : int or tuple of int
        Stream key (a sampler's seed, plus a tag to separate its streams).
    start, stop : int
        Rows wanted.
    width : int
        Numbers per row.

    Returns
    -------
    u : ndarray of shape (stop - start, width)
        float64 numbers strictly between 0 and 1.

    See Also
    --------
    BaseTransferSampler.generate_batches : Rows of a transfer set in chunks.

    Examples
    --------
    A sampler that makes rows chunk by chunk draws each row's numbers by its
    position, so any chunking gives the same rows:

    >>> import numpy as np
    >>> from skmetamorph.base import row_uniforms
    >>> whole = row_uniforms(key=(42, 0), start=0, stop=10, width=3)
    >>> whole.shape
    (10, 3)
    >>> bool(np.array_equal(row_uniforms((42, 0), 4, 7, 3), whole[4:7]))
    True
    """
    key = np.atleast_1d(np.asarray(key, dtype=np.uint64))
    bitgen = np.random.Philox(key=np.resize(key, 2) if key.size == 1 else key[:2])
    # Philox yields 4 uint64 per counter step, and Generator.random turns each
    # uint64 into one double: jump whole steps, then skip the rest.
    position = start * width
    bitgen.advance(position // 4)
    bitgen.random_raw(position % 4)
    u = np.random.Generator(bitgen).random((stop - start, width))
    # random() can return exactly 0 (once in 2**53 draws); the inverse normal
    # CDF of it would be -inf.
    return np.maximum(u, 2.0**-54, out=u)


def row_normals(key, start, stop, width):
    """Standard normal numbers for rows ``start .. stop - 1``, keyed like :func:`row_uniforms`."""
    return ndtri(row_uniforms(key, start, stop, width))


def rows_in_rounds(n_rows, key, start, stop):
    """Data-row indices of transfer rows ``start .. stop - 1`` drawn in rounds.

    Transfer row ``i`` belongs to round ``i // n_rows``; each round visits
    every data row once, in the order ``(a * j + c) mod n_rows`` with ``a``
    close to ``n_rows`` over the golden ratio and a random offset ``c`` per
    round. So every data row is used ``n_samples // n_rows`` or one more
    times (as with ``draw_rows``), any run of consecutive transfer rows is
    spread evenly over the whole data (the golden ratio gives the most even
    spread), which matters when the data are sorted and a student learns
    chunk by chunk, and any range is computed in time proportional to its
    length.
    """
    out = np.empty(stop - start, dtype=np.intp)
    for round_ in range(start // n_rows, (stop - 1) // n_rows + 1):
        lo, hi = max(start, round_ * n_rows), min(stop, (round_ + 1) * n_rows)
        a, c = _round_map(n_rows, key, round_)
        j = np.arange(lo - round_ * n_rows, hi - round_ * n_rows, dtype=np.int64)
        out[lo - start : hi - start] = (a * j + c) % n_rows
    return out


_GOLDEN = (math.sqrt(5) - 1) / 2


def _round_map(n, key, round_):
    """``(a, c)`` with ``gcd(a, n) == 1``: ``j -> (a j + c) mod n`` permutes ``0 .. n-1``."""
    rng = np.random.default_rng([key, round_])
    c = int(rng.integers(n))
    a = max(1, int(n * _GOLDEN))
    while math.gcd(a, n) != 1:
        a += 1
    return a, c
