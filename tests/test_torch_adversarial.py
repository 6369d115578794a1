"""Adversarial input for skmetamorph.torch: TorchClassifier and the losses check it.

Wrong numbers of features, NaN and infinity, DataFrames, prediction before
fit, devices this machine does not have, out-of-range temperatures and
weights, and soft targets whose columns follow another order than the net's
``classes``. Each bad input must end in a scikit-learn style error naming the
problem. Tiny nets, two epochs, one torch thread: the file runs in seconds.
"""

import warnings

import numpy as np
import pytest
from sklearn import config_context
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score

from skmetamorph import MetamorphosisClassifier

torch = pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")
pytest.importorskip("skorch", reason="needs the torch extra: pip install -e '.[torch]'")
torch_glue = pytest.importorskip(
    "skmetamorph.torch", reason="needs the torch extra: pip install -e '.[torch]'"
)
from skmetamorph.torch._estimator import _check_device  # noqa: E402

MLP = torch_glue.MLP
SmallCNN = torch_glue.SmallCNN
TorchClassifier = torch_glue.TorchClassifier
DistillationLoss = torch_glue.DistillationLoss
distillation_loss = torch_glue.distillation_loss

try:
    import pandas as pd
except ImportError:  # only the DataFrame cases need it
    pd = None
needs_pandas = pytest.mark.skipif(
    pd is None, reason="needs pandas, in the test extra: pip install -e '.[test]'"
)

PREDICT_METHODS = ["predict", "predict_proba", "predict_logits"]


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    # Tiny nets gain nothing from threads; on 2 busy cores they only slow down.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def tiny_mlp(**params):
    defaults = {"module__hidden_units": (8,), "max_epochs": 2, "batch_size": 32, "random_state": 0}
    return TorchClassifier(MLP, **{**defaults, **params})


def tiny_cnn(**params):
    defaults = {
        "module__channels": (4,),
        "module__hidden_units": 8,
        "max_epochs": 2,
        "batch_size": 32,
        "random_state": 0,
    }
    return TorchClassifier(SmallCNN, **{**defaults, **params})


def data(n_samples=60, n_features=8, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.rand(n_samples, n_features).astype(np.float32)
    return X, (X[:, 0] > 0.5).astype(int)


@pytest.fixture(scope="module")
def fitted():
    """One fitted net per module kind: {name: (net, n_features)}."""
    X16, y16 = data(n_features=16)
    X8, y8 = data(n_features=8)
    return {"cnn": (tiny_cnn().fit(X16, y16), 16), "mlp": (tiny_mlp().fit(X8, y8), 8)}


# ------------------------------------------------------- 1. number of features
@pytest.mark.parametrize("method", PREDICT_METHODS)
@pytest.mark.parametrize(
    "kind, n_features",
    [("cnn", 32), ("cnn", 9), ("mlp", 12), ("mlp", 4)],
    ids=["cnn-more", "cnn-fewer", "mlp-more", "mlp-fewer"],
)
def test_predict_on_another_number_of_features_names_both(fitted, kind, n_features, method):
    # SmallCNN used to reshape 40 rows of 32 features into 80 images and
    # return 80 predictions; fewer features failed deep in torch.
    net, expected = fitted[kind]
    X, _ = data(n_samples=40, n_features=n_features)
    message = f"X has {n_features} features, but TorchClassifier is expecting {expected} features"
    with pytest.raises(ValueError, match=message):
        getattr(net, method)(X)


def test_n_features_in_is_set_at_fit_and_sizes_the_module(fitted):
    net, n_features = fitted["mlp"]
    assert net.n_features_in_ == n_features
    assert net.module_.layers[0].in_features == n_features
    assert not hasattr(net, "feature_names_in_")  # an ndarray has no names


def test_tensor_input_is_checked_for_its_number_of_features():
    X, y = data()
    net = tiny_mlp().fit(torch.from_numpy(X), y)
    assert net.n_features_in_ == X.shape[1]
    with pytest.raises(ValueError, match="X has 5 features, but TorchClassifier is expecting 8"):
        net.predict(torch.rand(3, 5))
    assert net.predict(torch.from_numpy(X)).shape == (len(X),)


def test_warm_start_refit_on_another_number_of_features():
    X, y = data()
    net = tiny_mlp(warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="X has 6 features, but TorchClassifier is expecting 8"):
        net.fit(X[:, :6], y)


def test_partial_fit_keeps_the_features_of_the_first_call():
    X, y = data()
    # With classes given to the constructor every call used to count as the first.
    net = tiny_mlp(classes=[0, 1]).partial_fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but TorchClassifier is expecting 8"):
        net.partial_fit(X[:, :3], y)


def test_one_dimensional_X_is_rejected_like_scikit_learn():
    X, y = data()
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        tiny_mlp().fit(X[:, 0], y)


def test_inconsistent_numbers_of_rows_in_X_and_y():
    X, y = data()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        tiny_mlp().fit(X, y[:-5])


def test_list_of_rows_and_empty_prediction(fitted):
    X, y = data()
    net = tiny_mlp().fit(X.tolist(), y.tolist())  # skorch alone read it as 60 inputs
    assert net.n_features_in_ == X.shape[1]
    np.testing.assert_array_equal(net.predict(X.tolist()), net.predict(X))
    assert net.predict_proba(X[:0]).shape == (0, 2)
    assert net.predict(X[:0]).shape == (0,)
    assert net.predict_logits(X[:0]).shape == (0, 2)


# -------------------------------------------------------------- 2. NaN and inf
def _poison(X, value, kind):
    X = X.copy()
    X[3, 2] = value
    if kind == "tensor":
        return torch.from_numpy(X)
    if kind == "frame":
        if pd is None:
            pytest.skip("needs pandas, in the test extra: pip install -e '.[test]'")
        return pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    return X


BAD_VALUES = [(np.nan, "NaN"), (np.inf, "infinity"), (-np.inf, "infinity")]


@pytest.mark.parametrize("kind", ["array", "tensor", "frame"])
@pytest.mark.parametrize("value, word", BAD_VALUES, ids=["nan", "inf", "-inf"])
def test_fit_rejects_nan_and_infinity(value, word, kind):
    X, y = data()
    net = tiny_mlp()
    with pytest.raises(ValueError, match=f"Input X contains {word}"):
        net.fit(_poison(X, value, kind), y)
    assert not net.initialized_  # rejected before any training


@pytest.mark.parametrize("method", PREDICT_METHODS)
@pytest.mark.parametrize("value, word", BAD_VALUES, ids=["nan", "inf", "-inf"])
def test_prediction_rejects_nan_and_infinity(fitted, value, word, method):
    net, n_features = fitted["mlp"]
    X, _ = data(n_features=n_features)
    with pytest.raises(ValueError, match=f"Input X contains {word}"):
        getattr(net, method)(_poison(X, value, "array"))
    with pytest.raises(ValueError, match=f"Input X contains {word}"):
        getattr(net, method)(_poison(X, value, "tensor"))


def test_nan_in_targets_is_rejected():
    X, y = data()
    soft = np.eye(2)[y].astype(np.float32)
    soft[4, 0] = np.nan
    with pytest.raises(ValueError, match="Input y contains NaN"):
        tiny_mlp().fit(X, soft)
    with pytest.raises(ValueError, match="Input y contains NaN"):
        tiny_mlp().fit(X, np.where(y == 1, np.nan, 0.0))


@pytest.mark.parametrize("kind", ["array", "tensor"])
def test_assume_finite_skips_the_nan_check_as_in_scikit_learn(fitted, kind):
    net, n_features = fitted["mlp"]
    X, _ = data(n_features=n_features)
    with config_context(assume_finite=True):
        proba = net.predict_proba(_poison(X, np.nan, kind))
    assert np.isnan(proba[3]).all() and np.isfinite(np.delete(proba, 3, axis=0)).all()


# ---------------------------------------------------------------- 3. DataFrame
@needs_pandas
def test_dataframe_fit_and_predict_like_an_array():
    X, y = data()
    names = [f"feature_{i}" for i in range(X.shape[1])]
    frame = pd.DataFrame(X.astype(np.float64), columns=names)
    net = tiny_mlp().fit(frame, y)  # skorch alone passed the columns to forward()
    np.testing.assert_array_equal(net.feature_names_in_, names)
    assert net.n_features_in_ == X.shape[1]
    from_array = tiny_mlp().fit(X, y)  # same seed, same float32 values
    np.testing.assert_allclose(net.predict_proba(frame), from_array.predict_proba(X), rtol=1e-5)
    assert net.predict_logits(frame).dtype == np.float32
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a frame with the right names: no warning
        net.predict(frame)


@needs_pandas
def test_dataframe_of_mixed_column_types_and_float32_columns():
    X, y = data()
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])  # float32 columns
    frame["f0"] = (frame["f0"] * 10).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no torch warning on a read-only view
        net = tiny_mlp().fit(frame, y)
    assert net.predict(frame).shape == (len(y),)


@needs_pandas
def test_dataframe_feature_names_are_checked_at_prediction():
    X, y = data()
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    net = tiny_mlp().fit(frame, y)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        net.predict(X)
    renamed = frame.rename(columns={"f0": "other"})
    with pytest.raises(ValueError, match="feature names should match"):
        net.predict_proba(renamed)
    with pytest.raises(ValueError, match="seen at fit time, yet now missing:\n- f7"):
        net.predict(frame.drop(columns="f7"))


# ------------------------------------------------------------ 4. not fitted yet
@pytest.mark.parametrize("method", [*PREDICT_METHODS, "score"])
def test_prediction_before_fit_raises_not_fitted_error(method):
    X, y = data()
    args = (X, y) if method == "score" else (X,)
    with pytest.raises(NotFittedError, match="TorchClassifier instance is not fitted yet"):
        getattr(tiny_mlp(), method)(*args)


# ------------------------------------------------------------------- 5. device
@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("device", ["cuda", "cuda:0", "cuda:7", torch.device("cuda")])
def test_cuda_device_without_a_gpu(device, method):
    X, y = data()
    X[0, 0] = np.nan  # the device is checked first, before any look at the data
    net = tiny_mlp(device=device)
    with pytest.raises(ValueError, match=r"device=.*cuda.*torch\.cuda\.is_available\(\) is False"):
        getattr(net, method)(X, y)
    assert not net.initialized_


@pytest.mark.parametrize("device", ["gpu0", "cuda:x", "cuda:-1", "", 3.5])
def test_nonsense_device_is_a_value_error(device):
    X, y = data()
    with pytest.raises(ValueError, match=r"is not a torch device.*'cpu', 'cuda'.*is_available"):
        tiny_mlp(device=device).fit(X, y)


@pytest.mark.parametrize("device", ["cuda:2", "cuda:7"])
def test_cuda_index_beyond_the_device_count(monkeypatch, device):
    # A machine with two GPUs, faked: only the check runs, nothing touches CUDA.
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    message = rf"device='{device}' does not exist.*device_count\(\) is 2"
    with pytest.raises(ValueError, match=message):
        _check_device(device)
    _check_device("cuda:1")
    _check_device("cuda")


@pytest.mark.parametrize("device", ["cpu", "cpu:0", torch.device("cpu"), None])
def test_cpu_devices_always_fit(device):
    X, y = data()
    net = tiny_mlp(device=device).fit(X, y)
    assert net.predict(X).shape == (len(y),)


# ------------------------------------------------------------------- 6. losses
BAD_TEMPERATURES = [0, 0.0, -1.0, np.nan, np.inf, "hot"]
BAD_ALPHAS = [-0.1, 1.5, np.nan]


def _loss_inputs():
    logits = torch.tensor([[2.0, 0.0], [0.0, 1.0]])
    return logits, torch.tensor([[0.9, 0.1], [0.3, 0.7]]), torch.tensor([0, -1])


@pytest.mark.parametrize("where", ["function", "criterion", "fit"])
@pytest.mark.parametrize("temperature", BAD_TEMPERATURES)
def test_temperature_must_be_finite_and_positive(temperature, where):
    with pytest.raises(ValueError, match="temperature must be a finite number > 0"):
        if where == "function":
            distillation_loss(*_loss_inputs(), temperature=temperature)
        elif where == "criterion":
            DistillationLoss(temperature=temperature)
        else:
            X, y = data()
            tiny_mlp().fit(X, np.eye(2)[y], temperature=temperature)


@pytest.mark.parametrize("where", ["function", "criterion", "fit"])
@pytest.mark.parametrize("alpha", BAD_ALPHAS)
def test_alpha_must_be_in_the_unit_interval(alpha, where):
    with pytest.raises(ValueError, match=r"alpha must be a number in \[0, 1\]"):
        if where == "function":
            distillation_loss(*_loss_inputs(), temperature=2.0, alpha=alpha)
        elif where == "criterion":
            DistillationLoss(alpha=alpha)
        else:
            X, y = data()
            tiny_mlp().fit(X, np.eye(2)[y], alpha=alpha)


def test_criterion_checks_attributes_changed_after_construction():
    criterion = DistillationLoss(temperature=2.0)
    criterion.temperature = 0.0
    logits, soft, _ = _loss_inputs()
    with pytest.raises(ValueError, match="temperature must be a finite number > 0; got 0.0"):
        criterion(logits, soft)


@pytest.mark.parametrize("temperature, alpha", [(1e-3, 0.0), (1.0, 1.0), (20.0, 0.5)])
def test_valid_temperatures_and_alphas_give_a_finite_loss(temperature, alpha):
    loss = distillation_loss(*_loss_inputs(), temperature=temperature, alpha=alpha)
    assert torch.isfinite(loss)
    assert torch.isfinite(DistillationLoss(temperature, alpha)(*_loss_inputs()))


# ------------------------------------------------ 7. columns of soft targets
@pytest.fixture(scope="module")
def three_classes():
    X, y = make_classification(
        360, 6, n_informative=4, n_redundant=0, n_classes=3, class_sep=2.0, random_state=0
    )
    labels = np.array(["a", "b", "c"])[y]
    return X[:240], labels[:240], X[240:], labels[240:]


def _metamorphosis(three_classes, classes, alpha):
    X, y, X_test, y_test = three_classes
    student = tiny_mlp(
        classes=classes, max_epochs=8, lr=0.05, optimizer=torch.optim.Adam, batch_size=16
    )
    model = MetamorphosisClassifier(
        LogisticRegression(), student, labels="soft", temperature=2.0, alpha=alpha, random_state=0
    ).fit(X, y)
    return model, accuracy_score(y_test, model.predict(X_test)), model.fidelity(X_test)


@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0])
def test_soft_label_student_with_its_own_class_order_learns_the_right_classes(three_classes, alpha):
    # The metamorphosis passes its sorted classes_ and columns in that order;
    # the student's classes=["c", "a", "b"] used to win, and it learned a
    # permutation of the classes (accuracy 0.06 instead of 0.89).
    _, sorted_accuracy, sorted_fidelity = _metamorphosis(three_classes, None, alpha)
    model, accuracy, fidelity = _metamorphosis(three_classes, ["c", "a", "b"], alpha)
    np.testing.assert_array_equal(model.student_.classes_, ["c", "a", "b"])
    np.testing.assert_array_equal(model.classes_, ["a", "b", "c"])
    assert sorted_accuracy > 0.8 and sorted_fidelity > 0.8, (sorted_accuracy, sorted_fidelity)
    assert accuracy > sorted_accuracy - 0.08, (accuracy, sorted_accuracy)
    assert fidelity > sorted_fidelity - 0.08, (fidelity, sorted_fidelity)


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_soft_target_columns_are_reordered_to_the_constructor_classes(method):
    X, y = data(n_samples=120)
    labels = np.array(["a", "b"])[y]
    soft = np.eye(2)[y] * 0.9 + 0.05  # columns in the order ["a", "b"]
    hard = np.where(np.arange(len(y)) < 30, y, -1)  # column indices of ["a", "b"]
    net = tiny_mlp(
        classes=["b", "a"], max_epochs=10, lr=0.05, optimizer=torch.optim.Adam, batch_size=16
    )
    fit = getattr(net, method)
    # random_state seeds partial_fit's initialisation only; its shuffling
    # draws from torch's global generator, seeded here for a steady result.
    with torch.random.fork_rng():
        torch.manual_seed(0)
        fit(X, soft, classes=["a", "b"], hard_targets=hard, temperature=1.0, alpha=0.5)
        np.testing.assert_array_equal(net.classes_, ["b", "a"])
        if method == "partial_fit":  # later calls map the columns the same way
            fit(X, soft, classes=["a", "b"], hard_targets=hard)
    # A net trained on swapped columns would be right on about 5% of the rows.
    assert accuracy_score(labels, net.predict(X)) > 0.85
    proba = net.predict_proba(X)
    assert np.mean(proba[:, 0][labels == "b"] > 0.5) > 0.8  # column 0 is "b" now


@pytest.mark.parametrize(
    "net_classes, fit_classes",
    [(["a", "b", "x"], ["a", "b", "c"]), (["a", "b"], ["a", "b", "c"])],
    ids=["other-label", "fewer-labels"],
)
def test_soft_target_classes_must_be_the_net_classes(net_classes, fit_classes):
    X, _ = data()
    soft = np.full((len(X), 3), 1 / 3)
    with pytest.raises(ValueError, match="not the classes of the net.*same labels"):
        tiny_mlp(classes=net_classes).fit(X, soft, classes=fit_classes)


@pytest.mark.parametrize("net_classes", [None, ["a", "b", "c"]])
@pytest.mark.parametrize("soft", [True, False], ids=["soft", "labels"])
def test_classes_with_a_repeated_label(net_classes, soft):
    X, y = data()
    targets = np.full((len(X), 3), 1 / 3) if soft else np.array(["a", "b"])[y]
    with pytest.raises(ValueError, match="classes must not repeat a label"):
        tiny_mlp(classes=net_classes).fit(X, targets, classes=["a", "a", "b"])


def test_soft_targets_with_another_number_of_columns():
    X, _ = data()
    with pytest.raises(ValueError, match="Probability targets have 3 columns but there are 2"):
        tiny_mlp().fit(X, np.full((len(X), 3), 1 / 3), classes=["a", "b"])


# ------------------------------------------------------------ 8. reproducibility
def test_cudnn_flags_are_deterministic_while_fitting_and_restored_afterwards():
    # The CUDA path itself needs a GPU; the flags are plain Python settings.
    cudnn = torch.backends.cudnn
    saved = cudnn.deterministic, cudnn.benchmark
    try:
        cudnn.deterministic, cudnn.benchmark = False, True
        with TorchClassifier._deterministic_cudnn(True):
            assert cudnn.deterministic and not cudnn.benchmark
        assert not cudnn.deterministic and cudnn.benchmark
        with TorchClassifier._deterministic_cudnn(False):
            assert not cudnn.deterministic and cudnn.benchmark
        X, y = data()
        tiny_mlp().fit(X, y)  # a seeded fit on the CPU leaves them alone
        assert not cudnn.deterministic and cudnn.benchmark
    finally:
        cudnn.deterministic, cudnn.benchmark = saved


def test_random_state_docstring_states_the_guarantee():
    doc = TorchClassifier.__doc__
    assert "on the CPU, two fits on the same data" in doc
    assert "torch.use_deterministic_algorithms" in doc
