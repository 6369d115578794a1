"""MUNGE(copies="redraw"): no row of the transfer set is a copy of the row it was made from."""

import numpy as np
import pytest

from skmetamorph._random import rows_in_rounds
from skmetamorph.samplers import MUNGE
from skmetamorph.utils._sklearn_compat import InvalidParameterError
from skmetamorph.utils.estimator_checks import check_transfer_sampler


def _source_rows(munge, X, n_rows):
    """The data row each transfer row was made from (rows are used in rounds)."""
    return rows_in_rounds(X.shape[0], munge.fit_plan(X).state["key"], 0, n_rows)


def _is_training_row(rows, X):
    return (rows[:, None, :] == X[None, :, :]).all(axis=2).any(axis=1)


@pytest.fixture
def X_2d():
    return np.random.default_rng(0).normal(size=(100, 2))


@pytest.mark.parametrize(
    "sampler",
    [
        MUNGE(n_samples=2.5, copies="redraw"),
        MUNGE(n_samples=0.5, p=0.3, categorical_features=[0], copies="redraw"),
        MUNGE(n_samples=3.0, p=0.0, copies="redraw"),
    ],
    ids=["continuous", "categorical", "p0"],
)
def test_contract(sampler):
    check_transfer_sampler(sampler)


@pytest.mark.parametrize("copies", ["drop", "Redraw", True, None])
def test_bad_copies(copies, X_2d):
    with pytest.raises(InvalidParameterError, match="'copies' parameter"):
        MUNGE(copies=copies).fit_generate(X_2d)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_no_row_is_a_training_row_and_the_count_is_exact(dtype, X_2d):
    X = X_2d.astype(dtype)
    keep = MUNGE(n_samples=5000, random_state=0)
    redraw = MUNGE(n_samples=5000, copies="redraw", random_state=0)
    kept, redrawn = keep.fit_generate(X), redraw.fit_generate(X)
    assert redrawn.dtype == dtype
    copies = _is_training_row(kept, X)
    # With two features and p=0.5, a quarter of the draws copy their row...
    assert 0.2 < copies.mean() < 0.3
    # ...and redraw counts them exactly (the same random numbers), makes none,
    assert redraw.n_copies_redrawn_ == copies.sum()
    assert keep.n_copies_redrawn_ == 0
    assert not _is_training_row(redrawn, X).any()
    # ...and changes no other row.
    np.testing.assert_array_equal(redrawn[~copies], kept[~copies])
    assert not (redrawn[copies] == kept[copies]).all(axis=1).any()


def test_keep_is_the_default_and_unchanged(X_2d):
    np.testing.assert_array_equal(
        MUNGE(n_samples=300, random_state=0).fit_generate(X_2d),
        MUNGE(n_samples=300, copies="keep", random_state=0).fit_generate(X_2d),
    )


@pytest.mark.parametrize("batch_size", [7, 1000])
def test_chunks_equal_fit_generate(batch_size, X_2d):
    munge = MUNGE(n_samples=777, p=0.3, copies="redraw", random_state=0)
    whole = munge.fit_generate(X_2d)
    count = munge.n_copies_redrawn_
    chunks = np.concatenate(list(munge.generate_batches(X_2d, batch_size=batch_size)))
    np.testing.assert_array_equal(chunks, whole)
    assert munge.n_copies_redrawn_ == count > 0


def test_feature_choices_follow_the_conditional_distribution():
    # Redrawing is exactly "draw until not a copy": every pattern of taken
    # features has its MUNGE probability, renormalised without the empty one
    # (forcing one feature would over-weight the single-feature patterns).
    X = np.random.default_rng(1).normal(size=(50, 3))
    p, n = 0.3, 30_000
    munge = MUNGE(n_samples=n, p=p, copies="redraw", random_state=0)
    rows = munge.fit_generate(X)
    taken = rows != X[_source_rows(munge, X, n)]
    observed = np.bincount(taken @ [1, 2, 4], minlength=8) / n
    expected = np.array(
        [np.prod([p if code >> j & 1 else 1 - p for j in range(3)]) for code in range(8)]
    )
    expected[0] = 0
    expected /= expected.sum()
    np.testing.assert_allclose(observed, expected, atol=0.01)
    assert munge.n_copies_redrawn_ == pytest.approx(n * (1 - p) ** 3, rel=0.05)


def test_p_zero_swaps_exactly_one_feature():
    X = np.random.default_rng(2).normal(size=(40, 4))
    munge = MUNGE(n_samples=4000, p=0.0, copies="redraw", random_state=0)
    rows = munge.fit_generate(X)
    changed = rows != X[_source_rows(munge, X, len(rows))]
    assert (changed.sum(axis=1) == 1).all()
    # ...each feature about equally often.
    np.testing.assert_allclose(changed.mean(axis=0), 0.25, atol=0.03)
    assert munge.n_copies_redrawn_ == 4000


def test_categorical_rows_never_copy_their_row():
    rng = np.random.default_rng(3)
    X = np.column_stack(
        [rng.integers(0, 3, size=60), rng.integers(0, 2, size=60), rng.normal(size=60)]
    ).astype(float)
    munge = MUNGE(
        n_samples=3000, p=0.3, categorical_features=[0, 1], copies="redraw", random_state=0
    )
    rows = munge.fit_generate(X)
    source = X[_source_rows(munge, X, len(rows))]
    assert not (rows == source).all(axis=1).any()
    assert set(np.unique(rows[:, 0])) <= {0.0, 1.0, 2.0}
    assert munge.n_copies_redrawn_ > 0


def test_only_categorical_features_differing_from_the_neighbour_count():
    # Each row's neighbour shares its category: taking the categorical feature
    # alone copies the row, so it must not count as a change.
    X = np.array([[0.0, 0.0], [0.0, 0.1], [1.0, 5.0], [1.0, 5.2]])
    munge = MUNGE(n_samples=2000, p=0.5, categorical_features=[0], copies="redraw", random_state=0)
    rows = munge.fit_generate(X)
    assert not _is_training_row(rows, X).any()
    # Only the continuous feature differs: half the draws keep it.
    assert munge.n_copies_redrawn_ == pytest.approx(1000, rel=0.1)


def test_identical_rows_stay_copies():
    X = np.ones((5, 2))
    munge = MUNGE(n_samples=8, p=0.5, copies="redraw", random_state=0)
    np.testing.assert_array_equal(munge.fit_generate(X), np.ones((8, 2)))
    assert munge.n_copies_redrawn_ == 0


def test_duplicated_rows_are_not_copied():
    X = np.repeat(np.random.default_rng(4).normal(size=(10, 2)), 3, axis=0)
    rows = MUNGE(n_samples=600, copies="redraw", random_state=0).fit_generate(X)
    assert not _is_training_row(rows, X).any()
