"""Issue 25, image cases: SmallCNN's image_shape, RandomAffine's input, image samplers' settings.

Each case was a silent wrong answer or a crash deep inside torch/numpy; each
now gives a correct result or an error naming the parameter or input:

- ``SmallCNN(image_shape=(8.5, 8))`` was truncated to (8, 8): now a ValueError.
- ``RandomAffine`` on an integer tensor raised torch's "check_uniform_bounds not
  implemented for 'Long'": now a TypeError saying to convert to float; a batch
  of the wrong width raised torch's reshape error: now a ValueError naming
  ``image_shape``.
- ``RandomAffine(max_shift=1e300)`` (found alongside) made NaN images: now ``fill``.
- ``ImageRotationSampler(max_shift=1e300)`` on float32 images raised an
  IndexError inside the warp: now every pixel comes from outside the frame
  (``cval``, or an edge pixel with ``mode="nearest"``), as for any shift
  longer than the image.
- ``cval=NaN`` (or inf, or a value float32 cannot hold) was accepted by the three
  image samplers and ended in an error blaming an overflow: now a ValueError
  naming ``cval`` at fit.

The torch tests skip without torch; the sampler tests need only numpy.
"""

import warnings

import numpy as np
import pytest

from skmetamorph.samplers import ElasticDistortionSampler, ImageRotationSampler, ImageShiftSampler


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")


@pytest.fixture
def glue(torch):
    return pytest.importorskip(
        "skmetamorph.torch", reason="needs the torch extra: pip install -e '.[torch]'"
    )


# ---------------------------------------------------------------- SmallCNN
@pytest.mark.parametrize("image_shape", [(8.5, 8), (8, 8.0), ("8", "8"), "88", 8, (8,)])
def test_small_cnn_refuses_image_shapes_that_are_not_two_positive_ints(glue, image_shape):
    with pytest.raises(ValueError, match="image_shape"):
        glue.SmallCNN(image_shape=image_shape)


def test_small_cnn_still_takes_int_and_numpy_int_shapes(glue):
    assert glue.SmallCNN(image_shape=(8, 8)).image_shape == (8, 8)
    assert glue.SmallCNN(image_shape=np.array([4, 16])).image_shape == (4, 16)
    assert glue.SmallCNN(n_features=64).image_shape == (8, 8)


# ------------------------------------------------------------ RandomAffine
@pytest.mark.parametrize("dtype", ["long", "int32", "uint8", "bool"])
def test_random_affine_refuses_non_float_images_with_a_named_error(torch, glue, dtype):
    move = glue.RandomAffine((4, 4)).train()
    X = torch.ones(3, 16, dtype=getattr(torch, dtype))
    with pytest.raises(TypeError, match=r"floating-point.*X\.float\(\)"):
        move(X)


def test_random_affine_in_evaluation_mode_still_passes_anything_through(torch, glue):
    X = torch.ones(3, 16, dtype=torch.long)
    assert glue.RandomAffine((4, 4)).eval()(X) is X


@pytest.mark.parametrize("shape", [(3, 15), (3, 3, 4, 4), (16,), ()])
def test_random_affine_names_image_shape_on_a_batch_of_the_wrong_width(torch, glue, shape):
    move = glue.RandomAffine((4, 4)).train()
    with pytest.raises(ValueError, match=r"image_shape=\(4, 4\).*16 values"):
        move(torch.zeros(shape))


def test_random_affine_keeps_working_on_float_batches(torch, glue):
    move = glue.RandomAffine((4, 4)).train()
    for X in (
        torch.rand(3, 16),
        torch.rand(3, 1, 4, 4, dtype=torch.float64),
        torch.rand(3, 16, dtype=torch.float16),
        torch.zeros(0, 16),
    ):
        out = move(X)
        assert out.shape == X.shape and out.dtype == X.dtype


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_random_affine_huge_shifts_give_fill_not_nan(torch, glue, dtype):
    # Found alongside the cases: 2 * 1e300 / width became inf in
    # float32 and the moved images NaN, silently.
    torch.manual_seed(0)
    move = glue.RandomAffine((8, 8), max_shift=1e300, fill=-1.0).train()
    out = move(torch.rand(20, 64, dtype=getattr(torch, dtype)))
    torch.testing.assert_close(out, torch.full_like(out, -1.0), atol=1e-6, rtol=0)


# ------------------------------------------------------------ image samplers
def _images(n=10, side=8, dtype=np.float32):
    return np.random.default_rng(0).random((n, side * side)).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("max_shift", [1e300, np.finfo(np.float64).max])
def test_huge_shifts_move_every_image_out_of_the_frame(dtype, max_shift):
    X = _images(dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow on the way
        rows = ImageRotationSampler(
            max_shift=max_shift, max_scale=0.5, cval=-1.0, n_samples=4.0, random_state=0
        ).fit_generate(X)
    assert rows.dtype == dtype and rows.shape == (40, 64)
    np.testing.assert_array_equal(rows, -1.0)


def test_huge_shifts_with_nearest_mode_give_a_corner_value():
    # Without rotation each axis is out of the frame on one side: the nearest
    # pixel of every output pixel is the same corner of the source image.
    X = _images(dtype=np.float32)
    rows = ImageRotationSampler(
        max_shift=1e300, max_angle=0, mode="nearest", n_samples=3.0, random_state=0
    ).fit_generate(X)
    corners = X.reshape(-1, 8, 8)[:, [0, 0, -1, -1], [0, -1, 0, -1]].ravel()
    assert np.all(rows == rows[:, :1])
    assert np.isin(rows[:, 0], corners).all()


def test_ordinary_shifts_are_unchanged_by_the_cap():
    # The cap only touches shifts beyond a million image sizes.
    X = _images(dtype=np.float32)
    params = dict(max_angle=20, max_shift=3.0, max_scale=0.2, n_samples=2.0, random_state=0)
    rows = ImageRotationSampler(**params).fit_generate(X)
    again = ImageRotationSampler(**params).fit_generate(X)
    np.testing.assert_array_equal(rows, again)
    assert np.isfinite(rows).all() and rows.min() >= 0 and rows.max() <= X.max()


SAMPLERS = [ImageShiftSampler, ImageRotationSampler, ElasticDistortionSampler]


@pytest.mark.parametrize("Sampler", SAMPLERS, ids=lambda S: S.__name__)
@pytest.mark.parametrize("cval", [float("nan"), float("inf"), -float("inf"), 1e300])
def test_non_finite_cval_is_refused_at_fit_naming_cval(Sampler, cval):
    with pytest.raises(ValueError, match=r"cval must be a finite number.*float32"):
        Sampler(cval=cval, random_state=0).fit_generate(_images(dtype=np.float32))


@pytest.mark.parametrize("Sampler", SAMPLERS, ids=lambda S: S.__name__)
def test_finite_cval_still_fills(Sampler):
    X = _images(dtype=np.float64)
    rows = Sampler(cval=1e300, random_state=0).fit_generate(X)  # float64 holds it
    assert np.isfinite(rows).all()
    rows = Sampler(cval=-2.5, random_state=0).fit_generate(_images(dtype=np.float32))
    assert np.isfinite(rows).all() and rows.min() >= -2.5
