"""The public transfer-sampler contract, run on every sampler we ship (and shown to catch breaks)."""

import numpy as np
import pytest

from skmetamorph.base import BaseTransferSampler, ChunkedTransferSampler
from skmetamorph.samplers import (
    MUNGE,
    SPUNGE,
    AdaptiveSampler,
    AutoSampler,
    BoundarySampler,
    ConfidenceSampler,
    ElasticDistortionSampler,
    ForestLeafSampler,
    FunctionSampler,
    GaussianNoiseSampler,
    GMMSampler,
    HaltonSampler,
    ImageRotationSampler,
    ImageShiftSampler,
    KDESampler,
    LatinHypercubeSampler,
    PoolSampler,
    SobolSampler,
    UniformSampler,
    UnionSampler,
)
from skmetamorph.utils.estimator_checks import check_transfer_sampler, transfer_sampler_checks

SAMPLERS = [
    PoolSampler(),
    PoolSampler(pool="all"),
    ConfidenceSampler(threshold=0.6),
    ConfidenceSampler(k_best=20),
    MUNGE(n_samples=2.5),
    MUNGE(n_samples=40, p=0.3, categorical_features=[0]),
    GaussianNoiseSampler(n_samples=2.0),
    SPUNGE(n_samples=2.0),
    SPUNGE(n_samples=30, p=0.8, categorical_features=[1]),
    ForestLeafSampler(n_samples=2.0),
    UniformSampler(n_samples=50, margin=0.1),
    KDESampler(n_samples=2.0),
    GMMSampler(n_samples=2.0, n_components=2),
    GMMSampler(n_samples=1.0, n_components=2, covariance_type="diag"),
    UnionSampler([("pool", PoolSampler()), ("munge", MUNGE()), ("function", FunctionSampler())]),
    FunctionSampler(),
    BoundarySampler(n_samples=30),
    SobolSampler(n_samples=50),
    SobolSampler(n_samples=32, bounds=[(0, 1)] * 4),
    SobolSampler(n_samples=40, optimization="random-cd"),
    HaltonSampler(n_samples=33, integer_features=[1]),
    LatinHypercubeSampler(n_samples=25),
    LatinHypercubeSampler(n_samples=16, bounds=[(0, 1), (2, 3), (-1, 1), (0, 10)]),
    # The contract's rows have 4 features: 2x2 images (square by default).
    ImageShiftSampler(),
    ImageShiftSampler(image_shape=(1, 4), shifts=[(0, 1), (0, -2)], n_samples=1.5),
    ImageRotationSampler(n_samples=2.0, max_angle=30, max_shift=0.5, max_scale=0.1),
    ElasticDistortionSampler(n_samples=2.0, alpha=2.0, sigma=1.0, mode="nearest"),
    # The teacher labels its rows in rounds (MUNGE candidates, the default).
    AdaptiveSampler(budget=40, round_size=10),
    # Scores two candidates with its default 8-leaf tree on 2 folds.
    AutoSampler([MUNGE(), KDESampler()], n_samples=2.0),
]


def _checks():
    for sampler in SAMPLERS:
        for check in transfer_sampler_checks(sampler):
            yield pytest.param(check, id=f"{sampler!r}-{check.func.__name__}")


@pytest.mark.parametrize("check", list(_checks()))
def test_every_sampler_keeps_the_contract(check):
    check()


#: Samplers of optional extras: their contract runs in
#: tests/test_samplers_imblearn_deep.py, skipped where the extra is missing.
OPTIONAL = {"SMOTESampler", "CTGANSampler", "TVAESampler", "GaussianCopulaSampler"}


def test_every_shipped_sampler_class_is_checked():
    import skmetamorph.samplers as samplers

    shipped = {
        obj
        for obj in vars(samplers).values()
        if isinstance(obj, type)
        and issubclass(obj, BaseTransferSampler)
        and obj.__name__ not in OPTIONAL
    }
    assert shipped == {type(sampler) for sampler in SAMPLERS}


def test_chunked_samplers_implement_only_the_chunk_hooks():
    # One algorithm per sampler: a chunked sampler's one-shot hook is the
    # base's (its plan made whole), never a second copy of the algorithm.
    for sampler in SAMPLERS:
        if isinstance(sampler, ChunkedTransferSampler):
            owner = next(c for c in type(sampler).__mro__ if "_fit_generate" in vars(c))
            assert owner is ChunkedTransferSampler, type(sampler).__name__


# --------------------------------------------- the checks catch broken samplers
class _ChunkDependent(ChunkedTransferSampler):
    """Broken: the rows of a chunk depend on where the chunk starts."""

    def __init__(self, random_state=None):
        self.random_state = random_state

    def _fit_rows(self, X, y, teacher, rng):
        return {"X": X}, X.shape[0]

    def _generate_rows(self, state, start, stop):
        return state["X"][start:stop] + start


class _ViewOfX(BaseTransferSampler):
    """Broken: returns X itself, so changing the transfer set changes the data."""

    def _fit_generate(self, X, y, teacher, rng):
        return X


class _Unseeded(BaseTransferSampler):
    """Broken: ignores its random_state."""

    def __init__(self, random_state=None):
        self.random_state = random_state

    def _fit_generate(self, X, y, teacher, rng):
        return X + np.random.default_rng().normal(size=X.shape)


@pytest.mark.parametrize(
    "sampler, message",
    [
        (_ChunkDependent(), "generate_batches\\(batch_size=7\\) differs from fit_generate"),
        (_ViewOfX(), "returned a view of X"),
        (_Unseeded(), "other rows for the same seed"),
    ],
)
def test_the_contract_check_catches_a_broken_sampler(sampler, message):
    with pytest.raises(AssertionError, match=message):
        check_transfer_sampler(sampler)


def test_an_abstract_hook_left_out_is_an_error_at_construction():
    class NoHook(BaseTransferSampler):
        pass

    class HalfChunked(ChunkedTransferSampler):
        def _fit_rows(self, X, y, teacher, rng):
            return {}, 0

    for cls in (NoHook, HalfChunked):
        with pytest.raises(TypeError, match="abstract"):
            cls()
