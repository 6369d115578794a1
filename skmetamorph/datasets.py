"""Dataset loaders.

For now one loader, :func:`load_mnist`, that reads the original MNIST IDX files
from a local directory and falls back to OpenML when no directory is configured.
Reading local files first keeps experiments reproducible and offline-friendly;
the OpenML fallback keeps a fresh checkout usable without any setup.
"""

import gzip
import hashlib
import math
import os
import re
import zlib
from http.client import HTTPException
from os import PathLike
from pathlib import Path

import numpy as np

# Imported into this module's namespace (not inside a function) so that tests
# can monkeypatch ``skmetamorph.datasets.fetch_openml`` to work offline.
from sklearn.datasets import fetch_openml
from sklearn.utils import Bunch

from .utils._sklearn_compat import StrOptions, validate_params

__all__ = ["load_mnist"]

#: Environment variable naming the directory that holds the MNIST IDX files.
MNIST_DIR_ENV = "SKMETAMORPH_MNIST_DIR"

# Number of rows of each split of the original MNIST. Checked against the file
# headers so that a consistently truncated download cannot pass unnoticed. The
# tests replace it with tiny counts to exercise the loader on synthetic files.
_N_SAMPLES = {"train": 60_000, "test": 10_000}

_IMAGE_SHAPE = (28, 28)
_N_FEATURES = _IMAGE_SHAPE[0] * _IMAGE_SHAPE[1]
_N_CLASSES = 10

# Base names of the IDX files of each split, as distributed by LeCun et al.
_FILE_NAMES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

_CHECKSUM_FILE = "SHA256SUMS"

# IDX type codes (third byte of the magic number); all multi-byte types are
# big-endian in the format.
_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

_GZIP_MAGIC = b"\x1f\x8b"

_OPENML_NAME = "mnist_784"
_OPENML_VERSION = 1

_DESCR = """\
MNIST handwritten digits
------------------------

70,000 grey-level images of handwritten digits (0-9), 28x28 pixels, from
LeCun, Cortes and Burges. The standard split is kept: the first 60,000 images
(``X_train``, ``y_train``) for training and the last 10,000 (``X_test``,
``y_test``) for testing; the two splits come from disjoint sets of writers.

Each row of ``X_*`` is one image flattened in row-major order (784 features,
``pixel1`` ... ``pixel784``); use ``X.reshape(-1, 28, 28)`` to get the images
back. Pixel values are 0 (background) to 255 (ink), scaled to [0, 1] when the
data is loaded with ``normalize=True``. ``y_*`` holds the digit, 0 to 9.

Source: {source}
"""


@validate_params(
    {
        "data_home": [str, PathLike, None],
        "subset": [StrOptions({"all", "train", "test"})],
        "return_X_y": ["boolean"],
        "dtype": "no_validation",  # checked by _check_dtype, with normalize
        "normalize": ["boolean"],
        "verify_checksums": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def load_mnist(
    data_home=None,
    *,
    subset="all",
    return_X_y=False,
    dtype=np.float32,
    normalize=True,
    verify_checksums=True,
):
    """Load the MNIST handwritten digits, with the standard train/test split.

    The data is read from the original IDX files in a local directory: the
    four files ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
    ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte``, each either
    gzipped (with a ``.gz`` suffix) or not; when both forms are present the
    gzipped one is read, as that is the form that published checksums refer to.
    The directory is ``data_home`` if given, else the one named by the
    environment variable ``SKMETAMORPH_MNIST_DIR``.

    If neither is set, the data is fetched from OpenML
    (``fetch_openml("mnist_784", version=1)``, cached by scikit-learn in its
    own data home), which holds the same 70,000 images in the same order.

    ====================  =================================
    Classes                                              10
    Samples total                                    70,000
    Samples train / test                    60,000 / 10,000
    Dimensionality                                      784
    Features              0 to 255, or [0, 1] if normalized
    ====================  =================================

    Parameters
    ----------
    data_home : str or path-like, default=None
        Directory holding the MNIST IDX files. If None, the environment variable
        ``SKMETAMORPH_MNIST_DIR`` is used, and if that is unset or empty the data
        is fetched from OpenML. An explicitly configured directory never falls
        back to OpenML: missing files there are an error.

    subset : {"all", "train", "test"}, default="all"
        Which split to load: both, the 60,000 training images only, or the
        10,000 test images only. Only the files of the requested split are read.

    return_X_y : bool, default=False
        If True, return a tuple of arrays instead of a :class:`~sklearn.utils.Bunch`
        (see Returns).

    dtype : dtype-like, default=np.float32
        Data type of the returned images. Must hold the values 0 to 255 exactly
        (``np.uint8``, any wider integer, or any float type). With
        ``normalize=True`` it must be a floating type.

    normalize : bool, default=True
        If True, scale the pixel values from 0..255 to [0, 1] (dividing by 255).
        Use ``normalize=False, dtype=np.uint8`` for the raw bytes, the most
        compact form (47 MB for the training images instead of 188 MB).

    verify_checksums : bool, default=True
        If True and the directory holds a ``SHA256SUMS`` file (in the format of
        ``sha256sum``), the SHA-256 of each file read that is listed there is
        checked against it. Files not listed are not checked. Ignored for OpenML,
        which has its own checksums.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object, with the following attributes. The ``X_*`` and
        ``y_*`` keys are present only for the requested ``subset``.

        X_train : ndarray of shape (60000, 784)
            Training images, one flattened 28x28 image per row.
        y_train : ndarray of shape (60000,), dtype=int64
            Training labels, the digits 0 to 9.
        X_test : ndarray of shape (10000, 784)
            Test images.
        y_test : ndarray of shape (10000,), dtype=int64
            Test labels.
        feature_names : list of str
            ``"pixel1"`` to ``"pixel784"``, as on OpenML.
        target_names : ndarray of shape (10,)
            The classes, 0 to 9.
        source : str
            The directory the files were read from, or the OpenML dataset.
        DESCR : str
            Description of the dataset.

    (X_train, y_train, X_test, y_test) : tuple of ndarray
        If ``return_X_y`` is True and ``subset="all"``. With ``subset="train"``
        or ``"test"`` the tuple is ``(X, y)`` of that split.

    Raises
    ------
    FileNotFoundError
        If the configured directory does not exist or lacks files of the
        requested split; the message names the directory and the missing files.
    ValueError
        If a file is corrupt or truncated (bad IDX header, size or gzip stream),
        has unexpected dimensions or labels, or fails its checksum.
    OSError
        If the data has to be fetched from OpenML and the download fails.

    Notes
    -----
    The split is returned as named train/test arrays rather than as scikit-learn's
    usual ``data``/``target`` pair because the MNIST split is part of the
    benchmark: results are only comparable to published ones when training on
    the 60,000 training images and evaluating on the 10,000 test images.

    There is no ``as_frame`` option: 784 pixel columns gain nothing from a
    DataFrame; wrap the arrays in one if needed.

    Examples
    --------
    >>> from skmetamorph.datasets import load_mnist
    >>> mnist = load_mnist()  # doctest: +SKIP
    >>> mnist.X_train.shape, mnist.X_train.dtype  # doctest: +SKIP
    ((60000, 784), dtype('float32'))
    >>> mnist.y_train[:10]  # doctest: +SKIP
    array([5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
    >>> X_test, y_test = load_mnist(subset="test", return_X_y=True)  # doctest: +SKIP
    >>> X_test.shape  # doctest: +SKIP
    (10000, 784)
    """
    dtype = _check_dtype(dtype, normalize)
    splits = ("train", "test") if subset == "all" else (subset,)

    directory = _resolve_directory(data_home)
    if directory is None:
        raw, source = _fetch_openml_split(splits), f"OpenML {_OPENML_NAME!r}"
    else:
        raw = _load_directory(directory, splits, verify_checksums=verify_checksums)
        source = str(directory)

    arrays = {}
    for split, (images, labels) in raw.items():
        arrays[f"X_{split}"] = _to_features(images, dtype, normalize)
        arrays[f"y_{split}"] = labels.astype(np.int64)

    if return_X_y:
        return tuple(arrays[f"{key}_{split}"] for split in splits for key in "Xy")
    return Bunch(
        **arrays,
        feature_names=[f"pixel{i}" for i in range(1, _N_FEATURES + 1)],
        target_names=np.arange(_N_CLASSES),
        source=source,
        DESCR=_DESCR.format(source=source),
    )


def _check_dtype(dtype, normalize):
    """Return ``dtype`` as a numpy dtype, checking it can hold the pixel values."""
    try:
        dtype = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"dtype must be a numpy dtype, got {dtype!r}.") from exc
    if normalize and dtype.kind != "f":
        raise ValueError(
            f"normalize=True scales the pixels to [0, 1], which needs a floating "
            f"dtype; got dtype={dtype}. Use normalize=False for integer pixels."
        )
    # A narrower type (e.g. int8) would silently wrap the values 128..255.
    if not np.can_cast(np.uint8, dtype, casting="safe"):
        raise ValueError(
            f"dtype={dtype} cannot hold the pixel values 0 to 255; use np.uint8, "
            "a wider integer type or a floating type."
        )
    return dtype


def _to_features(images, dtype, normalize):
    """Flatten uint8 images of shape (n, 28, 28) to a fresh (n, 784) array."""
    # astype copies, so the result is writable even when the input is a
    # read-only view on the file's bytes.
    X = images.reshape(images.shape[0], -1).astype(dtype)
    if normalize:
        np.divide(X, 255, out=X)
    return X


def _resolve_directory(data_home):
    """Return the configured MNIST directory, or None to use OpenML."""
    origin = "data_home"
    if data_home is None:
        data_home, origin = os.environ.get(MNIST_DIR_ENV), MNIST_DIR_ENV
        if not data_home:
            return None
    directory = Path(data_home).expanduser()
    if not directory.is_dir():
        raise FileNotFoundError(
            f"MNIST directory {str(directory)!r} (from {origin}) does not exist "
            "or is not a directory."
        )
    return directory


# Local IDX files -------------------------------------------------------------


def _load_directory(directory, splits, *, verify_checksums):
    """Read the images and labels of ``splits`` from ``directory``.

    Returns a dict mapping each split to its ``(images, labels)`` uint8 arrays.
    """
    paths = _find_files(directory, splits)
    checksums = {}
    if verify_checksums and (directory / _CHECKSUM_FILE).is_file():
        checksums = _read_checksums(directory / _CHECKSUM_FILE)

    result = {}
    for split in splits:
        image_path, label_path = paths[split]
        images = _read_idx(image_path, sha256=checksums.get(image_path.name))
        labels = _read_idx(label_path, sha256=checksums.get(label_path.name))
        _check_split(split, images, labels, image_path, label_path)
        result[split] = images, labels
    return result


def _find_files(directory, splits):
    """Map each split to its (images, labels) paths, gzipped form preferred.

    Raises FileNotFoundError listing every missing file at once, so that a
    partial download is diagnosed in one go.
    """
    paths, missing = {}, []
    for split in splits:
        found = []
        for name in _FILE_NAMES[split]:
            candidates = [directory / f"{name}.gz", directory / name]
            path = next((p for p in candidates if p.is_file()), None)
            if path is None:
                missing.append(f"{name}[.gz]")
            found.append(path)
        paths[split] = tuple(found)
    if missing:
        raise FileNotFoundError(
            f"MNIST directory {str(directory)!r} lacks the file(s) "
            f"{', '.join(missing)}. Download them from "
            "https://yann.lecun.com/exdb/mnist/ (or a mirror), or unset "
            f"{MNIST_DIR_ENV} and pass no data_home to fetch MNIST from OpenML."
        )
    return paths


def _read_checksums(path):
    """Parse a ``sha256sum``-style file into a dict {file name: hex digest}."""
    checksums = {}
    # "<64 hex digits> <space or '*'><name>"; '*' marks binary mode.
    line_re = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")
    for lineno, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = line_re.match(line.rstrip("\r\n"))
        if match is None:
            raise ValueError(
                f"Cannot parse line {lineno} of checksum file {str(path)!r}: "
                f"{line!r}. Expected the format of sha256sum."
            )
        digest, name = match.groups()
        checksums[Path(name).name] = digest.lower()
    return checksums


def _read_idx(path, *, sha256=None):
    """Read an IDX file, gzipped or not, into a numpy array.

    Parameters
    ----------
    path : path-like
        The file. Gzip compression is detected from the content, not the name.
    sha256 : str, default=None
        Expected SHA-256 hex digest of the file as stored (compressed, if it is);
        not checked if None.

    Returns
    -------
    array : ndarray
        The array, with the shape given in the header and the native byte order.
        May be a read-only view on the file's bytes.
    """
    path = Path(path)
    raw = path.read_bytes()
    if sha256 is not None:
        _check_sha256(raw, sha256, path)
    if raw[:2] == _GZIP_MAGIC:
        raw = _gunzip(raw, path)
    return _parse_idx(raw, path)


def _check_sha256(raw, expected, path):
    actual = hashlib.sha256(raw).hexdigest()
    if actual != expected.lower():
        raise ValueError(
            f"Checksum mismatch for {str(path)!r}: SHA-256 is {actual}, but "
            f"{_CHECKSUM_FILE} says {expected}. The file is corrupt or truncated; "
            "download it again (or pass verify_checksums=False to skip the check)."
        )


def _gunzip(raw, path):
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        # gzip reports truncation as EOFError and bad data as BadGzipFile
        # (an OSError) or zlib.error; all mean a corrupt download here.
        raise ValueError(
            f"Cannot decompress {str(path)!r}: the gzip stream is corrupt or truncated ({exc})."
        ) from exc


def _parse_idx(raw, path):
    """Parse the bytes of an (uncompressed) IDX file; ``path`` is for messages."""
    # Magic number: two zero bytes, the type code, the number of dimensions.
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(
            f"{str(path)!r} is not an IDX file: bad magic number {raw[:4].hex() or '(empty file)'}."
        )
    dtype, ndim = _IDX_DTYPES[raw[2]], raw[3]
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise ValueError(
            f"IDX file {str(path)!r} is truncated: {len(raw)} bytes, too few for "
            f"the header of a {ndim}-dimensional array."
        )
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    # math.prod on Python ints: a corrupt header cannot overflow the size.
    expected_size = header_size + math.prod(shape) * dtype.itemsize
    if len(raw) != expected_size:
        if len(raw) < expected_size:
            problem = "truncated"
        else:
            problem = "longer than its header says"
        raise ValueError(
            f"IDX file {str(path)!r} is {problem}: {len(raw)} bytes, expected "
            f"{expected_size} for shape {shape} of {dtype.name}."
        )
    array = np.frombuffer(raw, dtype=dtype, offset=header_size).reshape(shape)
    return array.astype(dtype.newbyteorder("="), copy=False)


def _check_split(split, images, labels, image_path, label_path):
    """Check that the arrays of a split have MNIST's shapes, types and labels."""
    n_samples = _N_SAMPLES[split]
    expected = {
        image_path: (images, (n_samples, *_IMAGE_SHAPE)),
        label_path: (labels, (n_samples,)),
    }
    for path, (array, shape) in expected.items():
        if array.shape != shape or array.dtype != np.uint8:
            raise ValueError(
                f"{str(path)!r} holds an array of shape {array.shape} and type "
                f"{array.dtype}, expected shape {shape} and type uint8 for the "
                f"MNIST {split} split."
            )
    if labels.max(initial=0) >= _N_CLASSES:
        raise ValueError(
            f"{str(label_path)!r} holds labels up to {labels.max()}, expected "
            f"digits 0 to {_N_CLASSES - 1}."
        )


# OpenML fallback -------------------------------------------------------------


def _fetch_openml_split(splits):
    """Fetch MNIST from OpenML and return the standard split as uint8 arrays."""
    X, y = _fetch_openml_arrays()
    n_total = sum(_N_SAMPLES.values())
    X, y = np.asarray(X), np.asarray(y)
    if X.shape != (n_total, _N_FEATURES) or y.shape != (n_total,):
        raise ValueError(
            f"OpenML dataset {_OPENML_NAME!r} has shapes {X.shape} and {y.shape}, "
            f"expected ({n_total}, {_N_FEATURES}) and ({n_total},)."
        )
    # OpenML gives float pixels and string labels; check they are what the
    # uint8 conversion assumes rather than silently wrapping.
    if X.min() < 0 or X.max() > 255 or not np.array_equal(X, np.round(X)):
        raise ValueError(f"OpenML dataset {_OPENML_NAME!r} has non-byte pixel values.")
    images = X.astype(np.uint8).reshape(n_total, *_IMAGE_SHAPE)
    labels = y.astype(np.int64)
    if labels.min() < 0 or labels.max() >= _N_CLASSES:
        raise ValueError(f"OpenML dataset {_OPENML_NAME!r} has labels outside 0..9.")

    # The OpenML copy keeps the original order: training images first.
    n_train = _N_SAMPLES["train"]
    bounds = {"train": slice(0, n_train), "test": slice(n_train, n_total)}
    return {split: (images[bounds[split]], labels[bounds[split]]) for split in splits}


def _fetch_openml_arrays():
    """Return (X, y) of MNIST from OpenML, turning download failures into OSError."""
    try:
        return fetch_openml(
            _OPENML_NAME,
            version=_OPENML_VERSION,
            as_frame=False,
            return_X_y=True,
            parser=_openml_parser(),
        )
    except (OSError, HTTPException) as exc:
        # URLError, HTTPError and timeouts are all OSError subclasses.
        raise OSError(
            f"Could not fetch MNIST ({_OPENML_NAME!r}) from OpenML: {exc}. "
            f"To load local IDX files instead, set the environment variable "
            f"{MNIST_DIR_ENV} (or pass data_home) to the directory holding them."
        ) from exc


def _openml_parser():
    # The pandas parser is much faster on the 70,000 x 784 ARFF file, but pandas
    # is optional; liac-arff is pure Python and always available.
    try:
        import pandas  # noqa: F401
    except ImportError:
        return "liac-arff"
    return "pandas"
