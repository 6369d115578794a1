"""Features named by a sampler's parameter: indices, a boolean mask or column names.

MUNGE's, SPUNGE's and SMOTE's ``categorical_features`` and the deep
generators' ``discrete_features`` follow one rule, written here once.
"""

import numpy as np

__all__ = ["CategoricalFeaturesMixin", "feature_mask"]


def feature_mask(features, n_features, feature_names, parameter):
    """Boolean mask of the features that ``features`` names.

    Parameters
    ----------
    features : array-like of int, bool or str, or None
        Indices, a boolean mask of length ``n_features``, or feature names
        (when ``X`` was a DataFrame). None or empty: no feature.
    n_features : int
        Number of features of ``X``.
    feature_names : ndarray of str or None
        ``X``'s column names (the sampler's ``feature_names_in_``), if any.
    parameter : str
        The parameter's name, for the messages.

    Returns
    -------
    mask : ndarray of bool of shape (n_features,)
        True for the named features.
    """
    mask = np.zeros(n_features, dtype=bool)
    if features is None:
        return mask
    features = np.asarray(features)
    if features.size == 0:
        return mask
    if features.ndim != 1:
        raise ValueError(
            f"{parameter} must be a 1d array-like of indices, a boolean "
            f"mask or feature names; got shape {features.shape}."
        )
    if features.dtype.kind == "b":
        if features.shape[0] != n_features:
            raise ValueError(
                f"{parameter} as a boolean mask must have one entry per "
                f"feature ({n_features}); got {features.shape[0]}."
            )
        return features.copy()
    if features.dtype.kind == "U" or (
        features.dtype.kind == "O" and all(isinstance(f, str) for f in features)
    ):
        return _mask_from_names(features, mask, feature_names, parameter)
    if features.dtype.kind not in "iu":
        raise ValueError(
            f"{parameter} must hold integer indices, booleans or feature "
            f"names; got values of dtype {features.dtype}."
        )
    out_of_range = features[(features < 0) | (features >= n_features)]
    if out_of_range.size:
        raise ValueError(
            f"{parameter} has indices {out_of_range.tolist()} out of "
            f"range for X with {n_features} features (valid indices are 0 to "
            f"{n_features - 1})."
        )
    mask[features] = True
    return mask


def _mask_from_names(names, mask, known, parameter):
    if known is None:
        raise ValueError(
            f"{parameter} holds feature names, but X has no feature "
            "names; pass a DataFrame with string column names, or use indices."
        )
    position = {name: i for i, name in enumerate(known)}
    unknown = [str(name) for name in names if name not in position]
    if unknown:
        raise ValueError(
            f"{parameter} names {unknown} are not features of X; known features: {list(known)}."
        )
    mask[[position[name] for name in names]] = True
    return mask


class CategoricalFeaturesMixin:
    """``_categorical_mask`` for samplers with a ``categorical_features`` parameter."""

    def _categorical_mask(self, n_features):
        """Boolean mask of the categorical features from ``categorical_features``."""
        return feature_mask(
            self.categorical_features,
            n_features,
            getattr(self, "feature_names_in_", None),
            "categorical_features",
        )
