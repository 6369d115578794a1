"""Any function as a transfer sampler."""

from ..base import BaseTransferSampler

__all__ = ["FunctionSampler"]


class FunctionSampler(BaseTransferSampler):
    """Make the transfer set with a user-defined function.

    An escape hatch, like imbalanced-learn's ``FunctionSampler``: the rows are
    ``func(X, y, **kw_args)``, and the function's own parameters can be tuned
    through ``kw_args`` in a grid search. The input is validated as for every
    sampler (a float array, no NaN), and the output must be a 2d array with as
    many columns as ``X``; it is cast to ``X``'s dtype.

    Parameters
    ----------
    func : callable, default=None
        Function called as ``func(X, y, **kw_args)`` (and ``teacher=teacher``
        if ``accept_teacher``) that returns the new rows. ``y`` is ``None`` or
        a 1d array with ``-1`` marking unlabeled rows. ``None`` returns a copy
        of ``X``.
    kw_args : dict, default=None
        Extra keyword arguments of ``func``.
    accept_teacher : bool, default=False
        Whether to pass the fitted teacher to ``func`` as ``teacher=``, for
        functions that select or place rows by the teacher's predictions.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :meth:`fit_generate`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit_generate`. Defined only when
        ``X`` has feature names that are all strings.

    See Also
    --------
    UnionSampler : Concatenate the rows of several samplers.
    sklearn.preprocessing.FunctionTransformer : The same escape hatch for
        transformers.

    Notes
    -----
    A function that draws random numbers should take its seed through
    ``kw_args`` to be reproducible: this sampler has no ``random_state``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmetamorph.samplers import FunctionSampler
    >>> def midpoints(X, y, shift=0.0):
    ...     return (X[:-1] + X[1:]) / 2 + shift
    >>> X = np.array([[0.0, 0.0], [2.0, 2.0], [4.0, 0.0]])
    >>> FunctionSampler(midpoints, kw_args={"shift": 1.0}).fit_generate(X)
    array([[2., 2.],
           [4., 2.]])
    """

    _parameter_constraints: dict = {
        "func": [callable, None],
        "kw_args": [dict, None],
        "accept_teacher": ["boolean"],
    }

    def __init__(self, func=None, kw_args=None, accept_teacher=False):
        self.func = func
        self.kw_args = kw_args
        self.accept_teacher = accept_teacher

    def _fit_generate(self, X, y, teacher, rng):
        if self.func is None:
            # A copy, so that the caller may modify the transfer set in place
            # without changing its training data.
            return X.copy()
        kwargs = dict(self.kw_args or {})
        if self.accept_teacher:
            kwargs["teacher"] = teacher
        return self.func(X, y, **kwargs)
