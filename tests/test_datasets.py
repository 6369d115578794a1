"""Tests for skmetamorph.datasets.

All but one test run on tiny synthetic IDX files written to tmp_path, with the
expected MNIST split sizes patched down to match; the real data is only loaded
when SKMETAMORPH_MNIST_DIR is set.
"""

import gzip
import hashlib
import os
import re
import urllib.error

import numpy as np
import pytest
from sklearn.utils import Bunch

from skmetamorph import datasets
from skmetamorph.datasets import load_mnist

N_TRAIN, N_TEST = 6, 4

IDX_CODES = {"u1": 0x08, "i1": 0x09, "i2": 0x0B, "i4": 0x0C, "f4": 0x0D, "f8": 0x0E}


def write_idx(path, array, *, compress=None):
    """Write ``array`` as an IDX file; gzip it if the name ends in .gz."""
    array = np.asarray(array)
    header = bytes([0, 0, IDX_CODES[array.dtype.str[1:]], array.ndim])
    header += np.asarray(array.shape, dtype=">u4").tobytes()
    raw = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    if compress is None:
        compress = str(path).endswith(".gz")
    path.write_bytes(gzip.compress(raw) if compress else raw)
    return path


def make_split(rng, n):
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    return images, labels


def write_mnist(directory, *, gz=True, splits=("train", "test"), seed=0):
    """Write synthetic MNIST files; return {split: (images, labels)}."""
    rng = np.random.default_rng(seed)
    suffix = ".gz" if gz else ""
    data = {}
    for split, n in {"train": N_TRAIN, "test": N_TEST}.items():
        if split not in splits:
            continue
        images, labels = make_split(rng, n)
        image_name, label_name = datasets._FILE_NAMES[split]
        write_idx(directory / f"{image_name}{suffix}", images)
        write_idx(directory / f"{label_name}{suffix}", labels)
        data[split] = images, labels
    return data


def write_sha256sums(directory, names, *, marker=" "):
    lines = [
        f"{hashlib.sha256((directory / name).read_bytes()).hexdigest()} {marker}{name}"
        for name in names
    ]
    (directory / "SHA256SUMS").write_text("\n".join(lines) + "\n")


@pytest.fixture
def small_mnist(monkeypatch):
    """Make the loader expect the tiny synthetic split sizes."""
    monkeypatch.setattr(datasets, "_N_SAMPLES", {"train": N_TRAIN, "test": N_TEST})
    monkeypatch.delenv(datasets.MNIST_DIR_ENV, raising=False)


# _read_idx -------------------------------------------------------------------


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("dtype", ["u1", "i1", ">i2", ">i4", ">f4", ">f8"])
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4)])
def test_read_idx_round_trip(tmp_path, compress, dtype, shape):
    """Every IDX type code and rank is read back with native byte order."""
    rng = np.random.default_rng(0)
    array = (rng.standard_normal(shape) * 100).astype(dtype)
    # The name has no .gz on purpose: compression is detected from the content.
    path = write_idx(tmp_path / "file-idx", array, compress=compress)
    result = datasets._read_idx(path)
    assert result.shape == shape
    assert result.dtype == np.dtype(dtype).newbyteorder("=")
    np.testing.assert_array_equal(result, array)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\x00\x08",
        b"\x01\x02\x08\x01" + bytes(8),
        b"\x00\x00\x07\x01" + bytes(8),
    ],
    ids=["empty", "no-ndim", "bad-zeros", "bad-type"],
)
def test_read_idx_bad_magic(tmp_path, content):
    path = tmp_path / "bad-idx"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=r"bad-idx.*not an IDX file"):
        datasets._read_idx(path)


def test_read_idx_truncated_header(tmp_path):
    path = tmp_path / "short-idx"
    path.write_bytes(bytes([0, 0, 0x08, 3]) + b"\x00\x00\x00\x02")
    with pytest.raises(ValueError, match=r"short-idx.*truncated.*header"):
        datasets._read_idx(path)


@pytest.mark.parametrize("compress", [False, True])
def test_read_idx_truncated_data(tmp_path, compress):
    path = write_idx(tmp_path / "images-idx", np.zeros((3, 28, 28), dtype=np.uint8))
    raw = path.read_bytes()[:-10]
    path.write_bytes(gzip.compress(raw) if compress else raw)
    with pytest.raises(ValueError, match=r"images-idx.*truncated.*shape \(3, 28, 28\)"):
        datasets._read_idx(path)


def test_read_idx_trailing_data(tmp_path):
    path = write_idx(tmp_path / "labels-idx", np.zeros(5, dtype=np.uint8))
    path.write_bytes(path.read_bytes() + b"\x00")
    with pytest.raises(ValueError, match=r"labels-idx.*longer than its header"):
        datasets._read_idx(path)


def test_read_idx_truncated_gzip(tmp_path):
    path = write_idx(tmp_path / "labels.gz", np.arange(200, dtype=np.uint8))
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(ValueError, match=r"labels\.gz.*gzip stream is corrupt"):
        datasets._read_idx(path)


def test_read_idx_corrupt_gzip(tmp_path):
    path = write_idx(tmp_path / "labels.gz", np.arange(200, dtype=np.uint8))
    raw = bytearray(path.read_bytes())
    raw[12:20] = b"\xff" * 8  # damage the deflate stream, keep the gzip magic
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"labels\.gz.*gzip stream is corrupt"):
        datasets._read_idx(path)


# load_mnist from a directory -------------------------------------------------


@pytest.mark.parametrize("gz", [True, False])
def test_load_from_directory(tmp_path, small_mnist, gz):
    data = write_mnist(tmp_path, gz=gz)
    mnist = load_mnist(tmp_path)

    assert isinstance(mnist, Bunch)
    for split, n in [("train", N_TRAIN), ("test", N_TEST)]:
        images, labels = data[split]
        X, y = mnist[f"X_{split}"], mnist[f"y_{split}"]
        assert X.shape == (n, 784) and X.dtype == np.float32
        assert y.shape == (n,) and y.dtype == np.int64
        np.testing.assert_allclose(X, images.reshape(n, -1) / 255, rtol=1e-6)
        np.testing.assert_array_equal(y, labels)
    assert 0 <= mnist.X_train.min() and mnist.X_train.max() <= 1
    assert mnist.feature_names[0] == "pixel1" and len(mnist.feature_names) == 784
    np.testing.assert_array_equal(mnist.target_names, np.arange(10))
    assert mnist.source == str(tmp_path)
    assert "MNIST" in mnist.DESCR and str(tmp_path) in mnist.DESCR


def test_return_X_y_and_subsets(tmp_path, small_mnist):
    data = write_mnist(tmp_path)
    full = load_mnist(tmp_path, return_X_y=True)
    assert len(full) == 4
    X_train, y_train, X_test, y_test = full
    assert X_train.shape == (N_TRAIN, 784) and X_test.shape == (N_TEST, 784)
    np.testing.assert_array_equal(y_test, data["test"][1])

    X, y = load_mnist(tmp_path, subset="train", return_X_y=True)
    np.testing.assert_array_equal(X, X_train)
    np.testing.assert_array_equal(y, y_train)

    bunch = load_mnist(tmp_path, subset="test")
    assert "X_train" not in bunch and "y_train" not in bunch
    np.testing.assert_array_equal(bunch.X_test, X_test)


def test_raw_pixels(tmp_path, small_mnist):
    data = write_mnist(tmp_path)
    X, y = load_mnist(tmp_path, subset="train", return_X_y=True, normalize=False, dtype=np.uint8)
    assert X.dtype == np.uint8
    assert X.flags.writeable  # not a read-only view on the file's bytes
    np.testing.assert_array_equal(X, data["train"][0].reshape(N_TRAIN, -1))

    X64, _ = load_mnist(tmp_path, subset="train", return_X_y=True, dtype=np.float64)
    assert X64.dtype == np.float64
    np.testing.assert_allclose(X64 * 255, X)


@pytest.mark.parametrize(
    "dtype, normalize, message",
    [
        (np.uint8, True, "needs a floating dtype"),
        (np.int8, False, "cannot hold the pixel values"),
    ],
)
def test_bad_dtype(tmp_path, small_mnist, dtype, normalize, message):
    write_mnist(tmp_path)
    with pytest.raises(ValueError, match=message):
        load_mnist(tmp_path, dtype=dtype, normalize=normalize)


def test_bad_subset(tmp_path):
    with pytest.raises(ValueError, match="subset"):
        load_mnist(tmp_path, subset="validation")


def test_env_var(tmp_path, small_mnist, monkeypatch):
    data = write_mnist(tmp_path)
    monkeypatch.setenv(datasets.MNIST_DIR_ENV, str(tmp_path))
    mnist = load_mnist()
    np.testing.assert_array_equal(mnist.y_train, data["train"][1])
    assert mnist.source == str(tmp_path)


def test_data_home_overrides_env_var(tmp_path, small_mnist, monkeypatch):
    (tmp_path / "good").mkdir()
    data = write_mnist(tmp_path / "good")
    monkeypatch.setenv(datasets.MNIST_DIR_ENV, str(tmp_path / "absent"))
    mnist = load_mnist(tmp_path / "good")
    np.testing.assert_array_equal(mnist.y_test, data["test"][1])


def test_missing_directory(tmp_path, small_mnist, monkeypatch):
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError, match=r"nowhere.*from data_home"):
        load_mnist(missing)
    monkeypatch.setenv(datasets.MNIST_DIR_ENV, str(missing))
    with pytest.raises(FileNotFoundError, match=rf"nowhere.*{datasets.MNIST_DIR_ENV}"):
        load_mnist()


def test_missing_files(tmp_path, small_mnist):
    write_mnist(tmp_path, splits=("test",))
    # Only the files of the requested split are needed.
    assert load_mnist(tmp_path, subset="test").X_test.shape == (N_TEST, 784)

    with pytest.raises(FileNotFoundError) as excinfo:
        load_mnist(tmp_path)
    message = str(excinfo.value)
    assert str(tmp_path) in message
    assert "train-images-idx3-ubyte" in message
    assert "train-labels-idx1-ubyte" in message
    assert "t10k" not in message


def test_prefers_gzipped_file(tmp_path, small_mnist):
    write_mnist(tmp_path, gz=True)
    # A broken uncompressed copy next to the .gz file is not read.
    (tmp_path / "train-images-idx3-ubyte").write_bytes(b"garbage")
    load_mnist(tmp_path)


def test_corrupt_file_in_directory(tmp_path, small_mnist):
    write_mnist(tmp_path, gz=False)
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte.*truncated"):
        load_mnist(tmp_path, verify_checksums=False)


def test_wrong_split_size(tmp_path, small_mnist, monkeypatch):
    """A consistently short split is caught by the expected MNIST counts."""
    write_mnist(tmp_path)
    monkeypatch.setattr(datasets, "_N_SAMPLES", {"train": 60_000, "test": 10_000})
    expected = re.escape("expected shape (60000, 28, 28)")
    with pytest.raises(ValueError, match=rf"train-images.*{expected}"):
        load_mnist(tmp_path)


def test_images_labels_mismatch(tmp_path, small_mnist):
    write_mnist(tmp_path)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(N_TRAIN + 1, np.uint8))
    with pytest.raises(ValueError, match=r"train-labels.*expected shape \(6,\)"):
        load_mnist(tmp_path)


@pytest.mark.parametrize(
    "images",
    [np.zeros((N_TRAIN, 28, 27), np.uint8), np.zeros((N_TRAIN, 28, 28), ">i4")],
    ids=["image-size", "dtype"],
)
def test_wrong_image_format(tmp_path, small_mnist, images):
    write_mnist(tmp_path)
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", images)
    with pytest.raises(ValueError, match=r"train-images.*expected shape.*uint8"):
        load_mnist(tmp_path)


def test_labels_out_of_range(tmp_path, small_mnist):
    write_mnist(tmp_path)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.full(N_TEST, 10, np.uint8))
    with pytest.raises(ValueError, match=r"t10k-labels.*labels up to 10"):
        load_mnist(tmp_path)


# Checksums -------------------------------------------------------------------


def all_file_names(gz=True):
    suffix = ".gz" if gz else ""
    return [f"{n}{suffix}" for names in datasets._FILE_NAMES.values() for n in names]


@pytest.mark.parametrize("marker", [" ", "*"])
def test_checksums_ok(tmp_path, small_mnist, marker):
    write_mnist(tmp_path)
    write_sha256sums(tmp_path, all_file_names(), marker=marker)
    load_mnist(tmp_path)


def test_checksum_mismatch(tmp_path, small_mnist):
    write_mnist(tmp_path)
    write_sha256sums(tmp_path, all_file_names())
    # Replace a file by another valid one: only the checksum can tell.
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.ones(N_TEST, np.uint8))
    with pytest.raises(ValueError, match=r"Checksum mismatch.*t10k-labels-idx1-ubyte"):
        load_mnist(tmp_path)
    # The train split does not read the changed file.
    load_mnist(tmp_path, subset="train")
    # The check can be turned off.
    load_mnist(tmp_path, verify_checksums=False)


def test_checksums_of_other_files_are_ignored(tmp_path, small_mnist):
    """SHA256SUMS lists the .gz files, the directory has uncompressed ones."""
    write_mnist(tmp_path, gz=False)
    (tmp_path / "SHA256SUMS").write_text(
        "".join(f"{'0' * 64}  {name}\n" for name in all_file_names(gz=True))
    )
    load_mnist(tmp_path)


def test_malformed_checksum_file(tmp_path, small_mnist):
    write_mnist(tmp_path)
    (tmp_path / "SHA256SUMS").write_text("# comment\n\nnot a checksum line\n")
    with pytest.raises(ValueError, match=r"line 3 of checksum file.*SHA256SUMS"):
        load_mnist(tmp_path)
    load_mnist(tmp_path, verify_checksums=False)


# OpenML fallback -------------------------------------------------------------


@pytest.fixture
def fake_openml(monkeypatch, small_mnist):
    """Replace fetch_openml by a function returning a tiny MNIST, record calls."""
    rng = np.random.default_rng(0)
    n = N_TRAIN + N_TEST
    # OpenML returns float pixels and string labels with as_frame=False.
    X = rng.integers(0, 256, size=(n, 784)).astype(np.float64)
    y = rng.integers(0, 10, size=n).astype(str).astype(object)
    calls = []

    def fetch_openml(*args, **kwargs):
        calls.append((args, kwargs))
        return X, y

    monkeypatch.setattr(datasets, "fetch_openml", fetch_openml)
    return X, y, calls


@pytest.mark.parametrize("env_value", [None, ""])
def test_openml_fallback(fake_openml, monkeypatch, env_value):
    if env_value is not None:
        monkeypatch.setenv(datasets.MNIST_DIR_ENV, env_value)
    X, y, calls = fake_openml
    mnist = load_mnist()

    [(args, kwargs)] = calls
    assert args == ("mnist_784",)
    assert kwargs["version"] == 1 and kwargs["as_frame"] is False
    assert mnist.X_train.dtype == np.float32 and mnist.y_train.dtype == np.int64
    np.testing.assert_allclose(mnist.X_train, X[:N_TRAIN] / 255, rtol=1e-6)
    np.testing.assert_allclose(mnist.X_test, X[N_TRAIN:] / 255, rtol=1e-6)
    np.testing.assert_array_equal(mnist.y_train, y[:N_TRAIN].astype(int))
    np.testing.assert_array_equal(mnist.y_test, y[N_TRAIN:].astype(int))
    assert "OpenML" in mnist.source

    X_test, y_test = load_mnist(subset="test", return_X_y=True, normalize=False, dtype=np.uint8)
    np.testing.assert_array_equal(X_test, X[N_TRAIN:])


@pytest.mark.parametrize(
    "error",
    [urllib.error.URLError("no route to host"), TimeoutError("timed out")],
)
def test_openml_network_failure(monkeypatch, small_mnist, error):
    def fetch_openml(*args, **kwargs):
        raise error

    monkeypatch.setattr(datasets, "fetch_openml", fetch_openml)
    with pytest.raises(OSError, match=datasets.MNIST_DIR_ENV) as excinfo:
        load_mnist()
    assert excinfo.value.__cause__ is error


def test_openml_unexpected_shape(monkeypatch, small_mnist):
    monkeypatch.setattr(datasets, "fetch_openml", lambda *a, **k: (np.zeros((3, 784)), np.zeros(3)))
    with pytest.raises(ValueError, match=re.escape("expected (10, 784)")):
        load_mnist()


# Real data -------------------------------------------------------------------


@pytest.mark.skipif(
    not os.environ.get(datasets.MNIST_DIR_ENV),
    reason=f"set {datasets.MNIST_DIR_ENV} to the directory of the MNIST IDX files",
)
def test_real_mnist():
    mnist = load_mnist()
    assert mnist.X_train.shape == (60_000, 784) and mnist.X_train.dtype == np.float32
    assert mnist.X_test.shape == (10_000, 784)
    assert mnist.X_train.min() == 0 and mnist.X_train.max() == 1
    # The first training labels and the class sizes of the original MNIST.
    np.testing.assert_array_equal(mnist.y_train[:10], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
    train_counts = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    test_counts = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert np.bincount(mnist.y_train).tolist() == train_counts
    assert np.bincount(mnist.y_test).tolist() == test_counts
