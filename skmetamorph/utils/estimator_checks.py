"""The contract every transfer sampler keeps, as checks anyone can run on their own sampler.

As imbalanced-learn exports the checks of its samplers, skmetamorph exports
the checks of its transfer samplers: the project runs them on every sampler it
ships, and the author of a new sampler runs them on theirs::

    from skmetamorph.utils.estimator_checks import check_transfer_sampler
    check_transfer_sampler(MySampler(random_state=0))

or, one test per check::

    @pytest.mark.parametrize("check", transfer_sampler_checks(MySampler()), ids=...)
    def test_my_sampler(check):
        check()

Each check raises an ``AssertionError`` that names the sampler and the broken
property.
"""

from functools import partial

import numpy as np
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from ._data import UNLABELED
from ._tags import get_metamorph_tags

__all__ = ["check_transfer_sampler", "transfer_sampler_checks"]

#: batch sizes at which ``generate_batches`` must give ``fit_generate``'s rows:
#: one that cuts the rows into many uneven chunks, one larger than most sets.
BATCH_SIZES = (7, 1000)


def default_data(n_features=4, random_state=0):
    """Rows, labels (a third of them unlabeled, ``-1``) and a fitted teacher for the checks.

    Parameters
    ----------
    n_features : int, default=4
        Number of features.
    random_state : int, default=0
        Seed.

    Returns
    -------
    X : ndarray of shape (90, n_features)
        Rows.
    y : ndarray of shape (90,)
        Labels in {0, 1, 2}, ``-1`` on every third row.
    teacher : LogisticRegression
        Fitted on the labeled rows.
    """
    X, y = make_classification(
        n_samples=90,
        n_features=n_features,
        n_informative=min(n_features, 3),
        n_redundant=0,
        n_classes=3,
        n_clusters_per_class=1,
        random_state=random_state,
    )
    y = y.copy()
    y[::3] = UNLABELED
    labeled = y != UNLABELED
    teacher = LogisticRegression(max_iter=500).fit(X[labeled], y[labeled])
    return X, y, teacher


def _name(sampler):
    return type(sampler).__name__


def _seeded(sampler):
    """A clone with ``random_state=0`` where the sampler has one: runs must repeat."""
    sampler = clone(sampler)
    if "random_state" in sampler.get_params(deep=False):
        sampler.set_params(random_state=0)
    return sampler


def check_rows_shape_and_dtype(sampler, X, y, teacher):
    """``fit_generate`` returns a 2-d array of ``X``'s width and dtype, for float64 and float32."""
    for dtype in (np.float64, np.float32):
        rows = _seeded(sampler).fit_generate(X.astype(dtype), y, teacher=teacher)
        assert isinstance(rows, np.ndarray), (
            f"{_name(sampler)}.fit_generate returned {type(rows).__name__}, not an ndarray."
        )
        assert rows.ndim == 2 and rows.shape[1] == X.shape[1], (
            f"{_name(sampler)}.fit_generate returned rows of shape {rows.shape} for X with "
            f"{X.shape[1]} features."
        )
        assert rows.dtype == dtype, (
            f"{_name(sampler)}.fit_generate turned {np.dtype(dtype)} rows into {rows.dtype}."
        )
        assert np.isfinite(rows).all(), f"{_name(sampler)} made non-finite rows."


def check_seed_repeats(sampler, X, y, teacher):
    """The same ``random_state`` gives the same rows; a fresh clone too."""
    first = _seeded(sampler).fit_generate(X, y, teacher=teacher)
    second = _seeded(sampler).fit_generate(X, y, teacher=teacher)
    np.testing.assert_array_equal(
        first, second, err_msg=f"{_name(sampler)} gave other rows for the same seed."
    )


def check_input_unchanged(sampler, X, y, teacher):
    """Neither ``X`` nor ``y`` is modified, and the rows are not a view of ``X``."""
    X_before, y_before = X.copy(), y.copy()
    rows = _seeded(sampler).fit_generate(X, y, teacher=teacher)
    np.testing.assert_array_equal(X, X_before, err_msg=f"{_name(sampler)} modified X.")
    np.testing.assert_array_equal(y, y_before, err_msg=f"{_name(sampler)} modified y.")
    assert not np.shares_memory(rows, X), (
        f"{_name(sampler)}.fit_generate returned a view of X: changing the transfer set "
        "would change the training data."
    )


def check_batches_equal_fit_generate(sampler, X, y, teacher):
    """The chunks of ``generate_batches`` are ``fit_generate``'s rows, for any ``batch_size``."""
    whole = _seeded(sampler).fit_generate(X, y, teacher=teacher)
    for batch_size in BATCH_SIZES:
        chunks = list(
            _seeded(sampler).generate_batches(X, y, teacher=teacher, batch_size=batch_size)
        )
        assert all(len(chunk) <= batch_size for chunk in chunks), (
            f"{_name(sampler)}.generate_batches made a chunk larger than batch_size={batch_size}."
        )
        joined = np.concatenate(chunks) if chunks else whole[:0]
        np.testing.assert_array_equal(
            joined,
            whole,
            err_msg=f"{_name(sampler)}: generate_batches(batch_size={batch_size}) differs "
            "from fit_generate.",
        )


def check_plan_ranges(sampler, X, y, teacher):
    """Any range of the plan is the same slice of ``fit_generate``'s rows, in any order."""
    whole = _seeded(sampler).fit_generate(X, y, teacher=teacher)
    plan = _seeded(sampler).fit_plan(X, y, teacher=teacher)
    assert len(plan) == len(whole), (
        f"{_name(sampler)}'s plan has {len(plan)} rows, fit_generate made {len(whole)}."
    )
    n = len(plan)
    # Backwards, so that a plan that depends on earlier calls shows it.
    for start, stop in [(n // 2, n), (0, n // 3), (n // 3, n // 2 + 1)]:
        np.testing.assert_array_equal(
            plan.rows(start, stop),
            whole[start:stop],
            err_msg=f"{_name(sampler)}'s plan rows {start}..{stop} differ from fit_generate.",
        )


def check_no_X_tag(sampler, X, y, teacher):
    """A sampler with the ``sampler.needs_no_X`` tag works with ``X=None``."""
    if not get_metamorph_tags(sampler).sampler.needs_no_X:
        return
    rows = _seeded(sampler).fit_generate(None)
    assert rows.ndim == 2 and rows.shape[0] > 0 and rows.dtype == np.float64, (
        f"{_name(sampler)} has the needs_no_X tag but fit_generate(None) gave {rows.shape}, "
        f"{rows.dtype}."
    )


def check_clone_and_params(sampler, X, y, teacher):
    """``clone`` keeps the parameters, and the rows do not depend on the clone."""
    params = sampler.get_params(deep=False)
    cloned = clone(sampler)
    assert set(cloned.get_params(deep=False)) == set(params), (
        f"{_name(sampler)}: clone changed the parameter names."
    )


_CHECKS = [
    check_rows_shape_and_dtype,
    check_seed_repeats,
    check_input_unchanged,
    check_batches_equal_fit_generate,
    check_plan_ranges,
    check_no_X_tag,
    check_clone_and_params,
]


def transfer_sampler_checks(sampler, X=None, y=None, teacher=None):
    """The contract's checks for ``sampler``, as callables without arguments.

    Parameters
    ----------
    sampler : BaseTransferSampler
        The sampler to check (it is cloned, never changed).
    X : ndarray of shape (n_samples, n_features), default=None
        Rows; by default :func:`default_data`'s (4 features).
    y : ndarray of shape (n_samples,), default=None
        Labels, ``-1`` marking unlabeled rows; by default :func:`default_data`'s.
    teacher : fitted estimator, default=None
        The teacher; by default :func:`default_data`'s.

    Returns
    -------
    checks : list of callable
        Each runs one check; its ``func.__name__`` names it.
    """
    if X is None:
        X, y_default, teacher_default = default_data()
        y = y_default if y is None else y
        teacher = teacher_default if teacher is None else teacher
    X = np.asarray(X, dtype=np.float64)
    if y is None:
        y = np.zeros(X.shape[0], dtype=int)
    return [partial(check, sampler, X, np.asarray(y), teacher) for check in _CHECKS]


def check_transfer_sampler(sampler, X=None, y=None, teacher=None):
    """Run every check of the transfer-sampler contract on ``sampler``.

    The contract: ``fit_generate`` returns a finite 2-d ndarray of ``X``'s width
    and dtype, not a view of ``X``, and changes neither ``X`` nor ``y``; the
    same seed gives the same rows; :meth:`generate_batches` gives the same
    rows for every ``batch_size``, and every range of :meth:`fit_plan`'s plan
    the same slice; a sampler tagged ``needs_no_X`` works without ``X``;
    ``clone`` keeps its parameters.

    Parameters
    ----------
    sampler : BaseTransferSampler
        The sampler to check (it is cloned, never changed).
    X : ndarray of shape (n_samples, n_features), default=None
        Rows; by default 90 rows of 4 features.
    y : ndarray of shape (n_samples,), default=None
        Labels, ``-1`` marking unlabeled rows.
    teacher : fitted estimator, default=None
        The teacher, for samplers that use one.

    Raises
    ------
    AssertionError
        Naming the sampler and the broken property.

    Examples
    --------
    >>> from skmetamorph.samplers import MUNGE
    >>> from skmetamorph.utils.estimator_checks import check_transfer_sampler
    >>> check_transfer_sampler(MUNGE(n_samples=3.0))
    """
    for check in transfer_sampler_checks(sampler, X, y, teacher):
        check()
