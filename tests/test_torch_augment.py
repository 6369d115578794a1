"""Tests of skmetamorph.torch.RandomAffine and SmallCNN(augment=...).

What can fail: the moves must leave evaluation untouched, be the
identity at zero range (up to float32 rounding), move pixels by the shift asked for (no more),
follow the seed of the net, reject bad settings with a named error, and
make a small CNN learn more from few labels than the same CNN without them.
"""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits

torch = pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")
torch_glue = pytest.importorskip(
    "skmetamorph.torch", reason="needs the torch extra: pip install -e '.[torch]'"
)
RandomAffine = torch_glue.RandomAffine
SmallCNN = torch_glue.SmallCNN
TorchClassifier = torch_glue.TorchClassifier


def _point_images(n, side=28):
    """Images that are 0 but for one pixel of 1 at the centre."""
    X = torch.zeros(n, side * side)
    X[:, (side // 2) * side + side // 2] = 1.0
    return X


def test_evaluation_mode_returns_the_input_itself():
    move = RandomAffine((28, 28)).eval()
    X = torch.rand(6, 784)
    assert move(X) is X


def test_zero_ranges_are_the_identity_up_to_rounding():
    move = RandomAffine((28, 28), max_shift=0, max_rotation=0, max_scale=0).train()
    X = torch.rand(6, 784)
    torch.testing.assert_close(move(X), X, atol=1e-5, rtol=0)


def test_training_moves_each_image_within_the_shift_asked_for():
    torch.manual_seed(0)
    move = RandomAffine((28, 28), max_shift=3.0, max_rotation=0, max_scale=0).train()
    moved = move(_point_images(200)).reshape(200, 28, 28)
    # The centre of mass of the point moves by the drawn shift, at most 3 pixels
    # per axis, and the images do not all move alike.
    grid = torch.arange(28.0)
    mass = moved.sum((1, 2))
    centre_y = (moved.sum(2) * grid).sum(1) / mass
    centre_x = (moved.sum(1) * grid).sum(1) / mass
    assert torch.all((centre_y - 14).abs() <= 3 + 1e-4)
    assert torch.all((centre_x - 14).abs() <= 3 + 1e-4)
    assert centre_x.std() > 1.0 and centre_y.std() > 1.0
    # Bilinear interpolation keeps the point's mass (no pixel leaves the image).
    torch.testing.assert_close(mass, torch.ones(200), atol=1e-5, rtol=0)


def test_numpy_integer_image_shapes_are_accepted():
    assert RandomAffine(np.array([28, 28])).image_shape == (28, 28)


def test_four_dimensional_batches_keep_their_shape_and_dtype():
    move = RandomAffine((8, 8)).train()
    X = torch.rand(5, 1, 8, 8, dtype=torch.float64)
    out = move(X)
    assert out.shape == X.shape and out.dtype == torch.float64
    assert move(torch.zeros(0, 64)).shape == (0, 64)


def test_fill_is_the_value_moved_in_from_outside():
    torch.manual_seed(0)
    move = RandomAffine((10, 10), max_shift=3.0, max_rotation=0, max_scale=0, fill=-1.0).train()
    out = move(torch.full((20, 100), -1.0))
    torch.testing.assert_close(out, torch.full((20, 100), -1.0), atol=1e-6, rtol=0)


@pytest.mark.parametrize(
    "params, error, match",
    [
        (dict(image_shape=(28,)), ValueError, "image_shape"),
        (dict(image_shape=(28, 0)), ValueError, "image_shape"),
        (dict(image_shape=(28, 28.0)), ValueError, "image_shape"),
        (dict(image_shape=(28, 28), max_shift=-1), ValueError, "max_shift"),
        (dict(image_shape=(28, 28), max_shift=float("nan")), TypeError, "max_shift"),
        (dict(image_shape=(28, 28), max_rotation=180), ValueError, "max_rotation"),
        (dict(image_shape=(28, 28), max_scale=1.0), ValueError, "max_scale"),
        (dict(image_shape=(28, 28), max_scale="0.1"), TypeError, "max_scale"),
        (dict(image_shape=(28, 28), fill=None), TypeError, "fill"),
    ],
)
def test_bad_settings_raise_named_errors(params, error, match):
    with pytest.raises(error, match=match):
        RandomAffine(**params)


def test_small_cnn_augment_values():
    assert isinstance(SmallCNN((8, 8)).augment, torch.nn.Identity)
    assert isinstance(SmallCNN((8, 8), augment=True).augment, RandomAffine)
    custom = SmallCNN((8, 8), augment=dict(max_shift=1.0, max_rotation=0.0))
    assert custom.augment.max_shift == 1.0 and custom.augment.max_rotation == 0.0
    with pytest.raises(TypeError, match="augment"):
        SmallCNN((8, 8), augment="yes")
    with pytest.raises(TypeError, match="unexpected keyword"):
        SmallCNN((8, 8), augment=dict(shift=1.0))


def _net(augment, side, seed=0):
    return TorchClassifier(
        SmallCNN,
        module__image_shape=(side, side),
        module__channels=(8,),
        module__augment=augment,
        optimizer=torch.optim.Adam,
        lr=0.01,
        max_epochs=20,
        batch_size=32,
        random_state=seed,
    )


@pytest.fixture(scope="module")
def moved_digits():
    """100 centred digits to train on, 797 digits moved by up to 2 pixels to test on.

    The 8x8 digits are doubled to 16x16 and padded to 20x20, so that a move of
    2 pixels keeps the digit inside the image.
    """
    X, y = load_digits(return_X_y=True)
    images = np.kron((X / 16.0).reshape(-1, 8, 8), np.ones((2, 2))).astype(np.float32)
    images = np.pad(images, ((0, 0), (2, 2), (2, 2)))
    rng = np.random.default_rng(0)
    train = np.concatenate(
        [rng.choice(np.flatnonzero(y[:1000] == k), 10, replace=False) for k in range(10)]
    )
    moves = rng.integers(-2, 3, size=(len(y) - 1000, 2))
    test = np.stack(
        [np.roll(image, tuple(move), axis=(0, 1)) for image, move in zip(images[1000:], moves)]
    )
    return images[train].reshape(100, -1), y[train], test.reshape(len(test), -1), y[1000:]


def test_augmented_net_is_seeded_and_predicts_deterministically(moved_digits):
    X, y, X_test, _ = moved_digits
    net = _net(True, 20).fit(X, y)
    again = clone(net).fit(X, y)
    np.testing.assert_array_equal(net.predict_proba(X_test), again.predict_proba(X_test))
    # Prediction is not augmented: two calls agree exactly.
    np.testing.assert_array_equal(net.predict_proba(X_test), net.predict_proba(X_test))


def test_augmentation_teaches_a_cnn_the_moves_it_never_saw_in_its_labels(moved_digits):
    # Trained on 100 centred digits, tested on moved ones: the plain CNN does
    # not know a moved digit (measured 0.47 over three seeds, 30 epochs), the
    # CNN that saw its training digits moved at random does (0.63).
    X, y, X_test, y_test = moved_digits
    shifts = dict(max_shift=2.0, max_rotation=0.0, max_scale=0.0)
    plain = np.mean(_net(False, 20).fit(X, y).predict(X_test) == y_test)
    moved = np.mean(_net(shifts, 20).fit(X, y).predict(X_test) == y_test)
    assert moved > plain + 0.08
