"""Samplers for rows that are flattened images: shifts, affine jitter, elastic distortions."""

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter, map_coordinates
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.tree import DecisionTreeClassifier

from skmetamorph import MetamorphosisClassifier
from skmetamorph.samplers import ElasticDistortionSampler, ImageRotationSampler, ImageShiftSampler
from skmetamorph.samplers._image import _smoothing_matrix, _split_uniforms, _warp
from skmetamorph.utils._sklearn_compat import parametrize_with_checks

RANDOM = [
    ImageRotationSampler(max_angle=20, max_shift=1.5, max_scale=0.2),
    ElasticDistortionSampler(alpha=8, sigma=2),
]
ALL = [ImageShiftSampler(), *RANDOM]


def _name(sampler):
    return type(sampler).__name__


def _images(n=12, side=8, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).random((n, side * side)).astype(dtype)


def _row_set(rows):
    return sorted(row.tobytes() for row in rows)


@parametrize_with_checks(ALL)
def test_sklearn_compatible_sampler(estimator, check):
    check(estimator)


# ------------------------------------------------------------------------ shifts
def test_shift_moves_a_hand_made_image():
    image = np.arange(1.0, 17.0).reshape(4, 4)
    X = image.reshape(1, 16)
    sampler = ImageShiftSampler(image_shape=(4, 4), shifts=[(1, 0), (0, -2), (-1, 1)])
    X_new = sampler.fit_generate(X)
    down, left2, up_right = (row.reshape(4, 4) for row in X_new)
    assert np.array_equal(down, np.vstack([np.zeros(4), image[:3]]))
    assert np.array_equal(left2, np.hstack([image[:, 2:], np.zeros((4, 2))]))
    expected = np.zeros((4, 4))
    expected[:3, 1:] = image[1:, :3]
    assert np.array_equal(up_right, expected)


def test_shift_nearest_mode_repeats_the_edge_and_cval_fills():
    image = np.arange(1.0, 10.0).reshape(3, 3)
    X = image.reshape(1, 9)
    nearest = ImageShiftSampler(image_shape=(3, 3), shifts=[(0, 1)], mode="nearest")
    assert np.array_equal(nearest.fit_generate(X).reshape(3, 3), image[:, [0, 0, 1]])
    filled = ImageShiftSampler(image_shape=(3, 3), shifts=[(0, 1)], cval=-5.0).fit_generate(X)
    assert np.array_equal(filled.reshape(3, 3)[:, 0], [-5.0, -5.0, -5.0])


def test_default_shifts_are_the_four_one_pixel_moves_in_blocks():
    X = _images(n=5, side=6)
    sampler = ImageShiftSampler()
    X_new = sampler.fit_generate(X)
    assert X_new.shape == (20, 36)
    assert sampler.shifts_.tolist() == [[1, 0], [-1, 0], [0, 1], [0, -1]]
    # Block k is every image, in X's order, moved by shift k.
    for k, (dy, dx) in enumerate(sampler.shifts_):
        one = ImageShiftSampler(shifts=[(dy, dx)]).fit_generate(X)
        assert np.array_equal(X_new[5 * k : 5 * (k + 1)], one)
    assert len(ImageShiftSampler(shifts=2).fit(X).fit_plan(X)) == 5 * 12


def test_shift_with_n_samples_draws_every_pair_once_per_round():
    X = _images(n=7, side=5)
    every = ImageShiftSampler().fit_generate(X)
    drawn = ImageShiftSampler(n_samples=4.0, random_state=0).fit_generate(X)
    assert _row_set(drawn) == _row_set(every)
    assert not np.array_equal(drawn, every)
    assert len(ImageShiftSampler(n_samples=10, random_state=0).fit_generate(X)) == 10


# ------------------------------------------------------------------ random warps
def test_rotation_by_zero_degrees_is_the_identity():
    X = _images(n=9)
    X_new = ImageRotationSampler(max_angle=0, random_state=0).fit_generate(X)
    assert _row_set(X_new) == _row_set(X)


def test_elastic_with_alpha_zero_is_the_identity():
    X = _images(n=9)
    X_new = ElasticDistortionSampler(alpha=0, random_state=0).fit_generate(X)
    assert _row_set(X_new) == _row_set(X)


def test_rotation_turns_counter_clockwise_about_the_centre():
    # u = 1 draws the largest angle; u = 0.5 no scaling and no shift.
    sampler = ImageRotationSampler(max_angle=90)
    image = np.random.default_rng(0).random((5, 5))
    src_y, src_x = sampler._source_points(
        np.array([[1.0, 0.5, 0.5, 0.5]]), 5, 5, None, np.dtype(np.float64)
    )
    turned = _warp(image.reshape(1, 5, 5, 1), src_y, src_x, "constant", 0.0)
    assert np.allclose(turned.reshape(5, 5), np.rot90(image), atol=1e-12)


@pytest.mark.parametrize(
    "mode, scipy_mode", [("constant", "grid-constant"), ("nearest", "nearest")]
)
def test_warp_is_scipys_bilinear_interpolation(mode, scipy_mode):
    rng = np.random.default_rng(0)
    images = rng.random((4, 6, 5))
    src_y = np.arange(6.0)[:, None] + rng.normal(0, 2, (4, 6, 5))
    src_x = np.arange(5.0)[None, :] + rng.normal(0, 2, (4, 6, 5))
    batch = np.broadcast_to(np.arange(4.0)[:, None, None], (4, 6, 5))
    expected = map_coordinates(
        images, np.stack([batch, src_y, src_x]), order=1, mode=scipy_mode, cval=0.5
    )
    warped = _warp(images[..., None], src_y, src_x, mode, 0.5)
    assert np.allclose(warped, expected.reshape(4, -1))


def test_warp_of_a_constant_image_with_nearest_mode_stays_constant():
    X = np.full((6, 100), 0.25)
    for sampler in RANDOM:
        X_new = clone(sampler).set_params(mode="nearest", random_state=0).fit_generate(X)
        assert np.allclose(X_new, 0.25)


@pytest.mark.parametrize("sampler", RANDOM, ids=_name)
def test_random_warps_move_pixels_but_keep_the_value_range(sampler):
    X = np.zeros((10, 64))
    X[:, 27:29] = 255.0  # a short bar in the middle of 8x8 images, pixel range [0, 255]
    X_new = clone(sampler).set_params(n_samples=3.0, random_state=0).fit_generate(X)
    assert X_new.shape == (30, 64)
    assert X_new.min() >= 0.0 and X_new.max() <= 255.0
    assert np.mean(np.any(X_new != X[0], axis=1)) > 0.9
    # The bar stays near where it was: most of its ink within the middle rows.
    middle = X_new.reshape(30, 8, 8)[:, 2:6].sum()
    assert middle > 0.7 * X_new.sum()


def test_elastic_smoothing_matrix_is_scipys_gaussian_filter():
    field = np.random.default_rng(0).uniform(-1, 1, size=(9, 7))
    G_h, G_w = _smoothing_matrix(9, 2.0), _smoothing_matrix(7, 2.0)
    expected = gaussian_filter(field, 2.0, mode="constant", cval=0.0)
    assert np.allclose(G_h @ field @ G_w.T, expected)
    assert np.array_equal(_smoothing_matrix(4, 0), np.eye(4))


def test_split_uniforms_are_uniform_in_the_open_interval():
    from skmetamorph.base import row_uniforms

    u = _split_uniforms(row_uniforms(3, 0, 200, 100), 299, np.dtype(np.float32))
    assert u.shape == (200, 299) and u.dtype == np.float32
    assert u.min() > 0 and u.max() < 1
    assert abs(u.mean() - 0.5) < 0.01
    assert abs(np.histogram(u, bins=4, range=(0, 1))[0] / u.size - 0.25).max() < 0.01


# ------------------------------------------------------------------- all of them
@pytest.mark.parametrize("sampler", ALL, ids=_name)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(sampler, dtype):
    X = _images(dtype=dtype)
    assert clone(sampler).set_params(random_state=0).fit_generate(X).dtype == dtype


@pytest.mark.parametrize("sampler", ALL, ids=_name)
def test_rows_do_not_depend_on_batch_size(sampler):
    X = _images(n=10)
    sampler = clone(sampler).set_params(n_samples=2.5, random_state=1)
    whole = sampler.fit_generate(X)
    for batch_size in (1, 6, 1000):
        batches = list(sampler.generate_batches(X, batch_size=batch_size))
        assert np.array_equal(np.vstack(batches), whole)


@pytest.mark.parametrize("sampler", ALL, ids=_name)
def test_channels_are_moved_together(sampler):
    grey = _images(n=6, side=5)
    colour = np.stack([grey.reshape(6, 5, 5), 2 * grey.reshape(6, 5, 5)], axis=-1).reshape(6, 50)
    sampler = clone(sampler).set_params(random_state=0)
    grey_new = sampler.set_params(image_shape=(5, 5)).fit_generate(grey)
    colour_new = sampler.set_params(image_shape=(5, 5, 2)).fit_generate(colour)
    colour_new = colour_new.reshape(-1, 5, 5, 2)
    assert np.allclose(colour_new[..., 0].reshape(len(grey_new), -1), grey_new)
    assert np.allclose(colour_new[..., 1], 2 * colour_new[..., 0])


def test_pandas_output_keeps_the_column_names():
    pd = pytest.importorskip(
        "pandas", reason="needs pandas, in the test extra: pip install -e '.[test]'"
    )
    X = pd.DataFrame(_images(n=4, side=3), columns=[f"px{i}" for i in range(9)])
    X_new = ImageShiftSampler().set_output(generate="pandas").fit_generate(X)
    assert list(X_new.columns) == list(X.columns) and len(X_new) == 16


def test_a_student_learns_from_shifted_digits():
    X, y = load_digits(return_X_y=True)
    model = MetamorphosisClassifier(
        DecisionTreeClassifier(random_state=0),
        DecisionTreeClassifier(max_leaf_nodes=64, random_state=0),
        ImageShiftSampler(image_shape=(8, 8)),
        random_state=0,
    ).fit(X[:300], y[:300])
    assert model.score(X[300:600], y[300:600]) > 0.5


# ------------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    "sampler, X, message",
    [
        (ImageShiftSampler(), np.zeros((3, 10)), "not a square number"),
        (ImageRotationSampler(image_shape=(28, 28)), np.zeros((3, 783)), "784 values per image"),
        (ElasticDistortionSampler(image_shape=(2, 0)), np.zeros((3, 4)), "positive ints"),
        (ImageShiftSampler(image_shape=(2, 2, 1, 1)), np.zeros((3, 4)), "positive ints"),
        (ImageShiftSampler(shifts=[(1, 0.5)]), np.zeros((3, 4)), "integer pairs"),
        (ImageShiftSampler(shifts=[1, 2, 3]), np.zeros((3, 4)), "integer pairs"),
        (ImageShiftSampler(shifts=[]), np.zeros((3, 4)), "integer pairs"),
        (ImageShiftSampler(shifts=0), np.zeros((3, 4)), "gives no shift"),
        (ImageShiftSampler(shifts=[(0, 3)]), np.zeros((3, 9)), "out of its frame"),
        (ImageRotationSampler(max_angle=-1), np.zeros((3, 4)), "max_angle"),
        (ImageRotationSampler(max_angle=181), np.zeros((3, 4)), "max_angle"),
        (ImageRotationSampler(max_scale=1.0), np.zeros((3, 4)), "max_scale"),
        (ImageRotationSampler(max_shift=-0.5), np.zeros((3, 4)), "max_shift"),
        (ElasticDistortionSampler(sigma=-1), np.zeros((3, 4)), "sigma"),
        (ElasticDistortionSampler(alpha=-1), np.zeros((3, 4)), "alpha"),
        (ElasticDistortionSampler(mode="reflect"), np.zeros((3, 4)), "mode"),
        (ImageRotationSampler(image_shape=28), np.zeros((3, 4)), "image_shape"),
    ],
)
def test_bad_parameters_are_rejected(sampler, X, message):
    with pytest.raises(ValueError, match=message):
        sampler.fit_generate(X)
