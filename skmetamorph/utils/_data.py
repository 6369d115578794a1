"""Package-wide data helpers: unlabeled markers, column names, chunk ranges.

Every part of skmetamorph (samplers, labelers, the engine, the
meta-estimators) uses these; they live here, not in the public sampler
module :mod:`skmetamorph.base`. :func:`unlabeled_mask` and :data:`UNLABELED`
are public through :mod:`skmetamorph.utils`.
"""

import numpy as np

__all__ = ["UNLABELED", "batch_ranges", "unlabeled_mask", "with_feature_names"]

#: Marker of an unlabeled row in ``y`` (scikit-learn's semi-supervised convention).
UNLABELED = -1


def unlabeled_mask(y, marker=UNLABELED):
    """Boolean mask of the rows of ``y`` marked unlabeled (``marker``, by default ``-1``).

    A numeric marker never matches a string label, and a string marker never
    matches a number: the string ``"-1"`` is a real class name, not the marker
    ``-1``.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels.
    marker : int, float, str or None, default=-1
        The value that marks an unlabeled row; None means every row is labeled.

    Returns
    -------
    mask : ndarray of bool of shape (n_samples,)
        True where the row is unlabeled.
    """
    y = np.asarray(y)
    if marker is None:
        return np.zeros(y.shape[0], dtype=bool)
    marker_is_text = isinstance(marker, str)
    if y.dtype.kind in "US":
        return y == marker if marker_is_text else np.zeros(y.shape[0], dtype=bool)
    if y.dtype.kind == "O":
        return np.array([_is_marker(value, marker) for value in y], dtype=bool)
    if marker_is_text:
        return np.zeros(y.shape[0], dtype=bool)
    return y == marker


def _is_marker(value, marker):
    # Object arrays may mix strings and numbers: compare like with like.
    if isinstance(marker, str):
        return isinstance(value, str) and value == marker
    return isinstance(value, (int, float, np.integer, np.floating)) and value == marker


def batch_ranges(n_rows, batch_size):
    """``[(start, stop), ...]`` cutting ``n_rows`` rows into chunks of ``batch_size``.

    The one way work is cut into chunks in skmetamorph: the samplers'
    :meth:`~BaseTransferSampler.generate_batches` and the engine's joblib
    tasks both use it.
    """
    return [(start, min(start + batch_size, n_rows)) for start in range(0, n_rows, batch_size)]


def with_feature_names(X, names):
    """``X`` as a pandas DataFrame with columns ``names``, or ``X`` itself when ``names`` is None.

    Estimators fitted on a DataFrame remember its column names and warn when
    later given a bare array; skmetamorph hands every teacher, student and
    sampler the names the user's ``X`` had (pandas is only imported then).
    """
    if names is None or X is None:
        return X
    import pandas as pd  # noqa: PLC0415 - only for users who pass DataFrames

    return pd.DataFrame(X, columns=names, copy=False)
