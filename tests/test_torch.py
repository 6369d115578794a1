"""Tests of skmetamorph.torch: skorch teachers and students, soft targets, GPU.

Tiny nets on scikit-learn's digits, seeded, a few epochs each: the whole file
runs in well under a minute on two CPU cores. CUDA tests are marked ``cuda``
and skipped without a GPU.
"""

import pickle
import subprocess
import sys
import textwrap
import tracemalloc

import numpy as np
import pytest
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import accuracy_score
from sklearn.model_selection import GridSearchCV
from sklearn.semi_supervised import SelfTrainingClassifier
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skmetamorph import MetamorphosisClassifier, TeacherEnsemble
from skmetamorph._labeling import teacher_proba
from skmetamorph._targets import soften
from skmetamorph.metrics import fidelity_scorer
from skmetamorph.samplers import ConfidenceSampler
from skmetamorph.utils import MetamorphTags, get_metamorph_tags

torch = pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")
skorch = pytest.importorskip("skorch", reason="needs the torch extra: pip install -e '.[torch]'")
torch_glue = pytest.importorskip(
    "skmetamorph.torch", reason="needs the torch extra: pip install -e '.[torch]'"
)
MLP = torch_glue.MLP
DistillationLoss = torch_glue.DistillationLoss
SmallCNN = torch_glue.SmallCNN
TorchClassifier = torch_glue.TorchClassifier
distillation_loss = torch_glue.distillation_loss

cuda = pytest.mark.cuda
needs_gpu = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU")


def teacher_logits(teacher):
    """What the core uses as the teacher's logits: its ``teacher.logits`` tag."""
    return get_metamorph_tags(teacher).teacher.logits


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    # Tiny nets gain nothing from threads, and on a shared 2-core machine
    # torch's spinning worker threads make them many times slower.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    perm = np.random.RandomState(0).permutation(len(y))
    X, y = (X[perm] / 16.0).astype(np.float32), y[perm]
    return X[:1200], y[:1200], X[1200:], y[1200:]


def small_cnn(**params):
    defaults = {
        "module__channels": (16, 32),
        "module__hidden_units": 64,
        "optimizer": torch.optim.Adam,
        "lr": 0.01,
        "max_epochs": 15,
        "batch_size": 32,
        "random_state": 0,
    }
    return TorchClassifier(SmallCNN, **{**defaults, **params})


def small_mlp(**params):
    defaults = {
        "module__hidden_units": (16,),
        "optimizer": torch.optim.Adam,
        "lr": 0.01,
        "max_epochs": 15,
        "batch_size": 64,
        "random_state": 0,
    }
    return TorchClassifier(MLP, **{**defaults, **params})


@pytest.fixture(scope="module")
def cnn_teacher(digits):
    X, y, _, _ = digits
    return small_cnn().fit(X[:300], y[:300])


# ------------------------------------------------------------ optional torch
def _run_python(code):
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_skmetamorph_does_not_import_torch():
    out = _run_python(
        """
        import sys
        import numpy as np
        from sklearn.linear_model import LogisticRegression
        from sklearn.tree import DecisionTreeClassifier
        import skmetamorph
        X = np.random.RandomState(0).normal(size=(60, 3)); y = (X[:, 0] > 0).astype(int)
        skmetamorph.MetamorphosisClassifier(
            LogisticRegression(), DecisionTreeClassifier(), labels="soft").fit(X, y)
        print(sorted(m for m in ("torch", "skorch") if m in sys.modules))
        """
    )
    assert out.strip() == "[]"


def test_missing_torch_raises_import_error_naming_the_extra():
    out = _run_python(
        """
        import sys

        class NoTorch:  # an import hook that behaves as if torch were not installed
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("torch", "skorch"):
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)

        sys.meta_path.insert(0, NoTorch())
        import skmetamorph
        try:
            import skmetamorph.torch
        except ImportError as exc:
            print(exc)
        """
    )
    assert 'pip install "skmetamorph[torch]"' in out


# ------------------------------------------------------------------ teachers
def test_plain_skorch_teacher_fitted_inside_fit_with_tree_student(digits):
    X, y, X_test, y_test = digits
    torch.manual_seed(0)
    teacher = skorch.NeuralNetClassifier(
        MLP,
        module__n_features=64,
        module__n_classes=10,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=0.01,
        max_epochs=10,
        train_split=None,
        verbose=0,
    )
    model = MetamorphosisClassifier(
        teacher,
        DecisionTreeClassifier(max_depth=10),
        labels="soft",
        temperature=2.0,
        random_state=0,
    ).fit(X, y)
    assert isinstance(model.teacher_, skorch.NeuralNetClassifier)
    assert model.teacher_ is not teacher  # cloned, the user's net stays unfitted
    assert teacher_logits(model.teacher_) is not None  # CrossEntropyLoss: logits
    assert accuracy_score(y_test, model.teacher_.predict(X_test)) > 0.9
    assert model.fidelity(X_test) > 0.7
    assert model.score(X_test, y_test) > 0.7
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.teacher_.predict(X_test), model.teacher_.predict(X_test))


def test_frozen_torch_teacher_keeps_float32_and_labels_without_copies(digits, cnn_teacher):
    X, y, X_test, _ = digits
    seen = []

    class Recording(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, X):
            seen.append(X.dtype)
            return self.inner(X)

    cnn_teacher.module_ = Recording(cnn_teacher.module_)
    try:
        model = MetamorphosisClassifier(
            FrozenEstimator(cnn_teacher),
            DecisionTreeClassifier(random_state=0),
            labels="soft",
            temperature=3.0,
        ).fit(X, y)
        assert model.teacher_.estimator is cnn_teacher  # frozen: not refitted
        assert set(seen) == {torch.float32}
        seen.clear()
        model.fidelity(X_test.astype(np.float64))  # float64 rows: cast per batch
        assert set(seen) == {torch.float32}
    finally:
        cnn_teacher.module_ = cnn_teacher.module_.inner


def test_labeling_makes_no_copy_of_the_transfer_set():
    rng = np.random.RandomState(0)
    X = rng.rand(20_000, 784).astype(np.float32)  # MNIST-sized, 63 MB
    net = TorchClassifier(MLP, module__hidden_units=(), max_epochs=1, random_state=0)
    net.fit(X[:200], np.arange(200) % 10)
    classes = np.arange(10)
    for rows in (X, X.astype(np.float64)):  # float64 is cast batch by batch
        tracemalloc.start()
        proba = teacher_proba(FrozenEstimator(net), rows, classes, batch_size=5000)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert proba.shape == (20_000, 10)
        assert peak < X.nbytes / 4, peak  # chunks are views; no float32/64 copy of X


def test_temperature_acts_on_logits_of_a_confident_net(digits):
    X, y, X_test, _ = digits
    net = small_mlp(max_epochs=3).fit(X, y)
    # Make it very confident: logit gaps up to 300, where float32 probabilities
    # round to 0 (from a gap of about 104) but float64 ones do not (745).
    factor = 300.0 / np.ptp(net.predict_logits(X_test), axis=1).max()
    with torch.no_grad():
        net.module_.layers[-1].weight.mul_(factor)
        net.module_.layers[-1].bias.mul_(factor)
    logits = net.predict_logits(X_test)
    T = 50.0
    expected = softmax(logits.astype(np.float64) / T, axis=1)
    soft = soften(teacher_proba(net, X_test, net.classes_), T)
    np.testing.assert_allclose(soft, expected, rtol=1e-5, atol=1e-12)
    from_proba = soften(net.predict_proba(X_test), T)  # what probabilities alone give
    assert (from_proba == 0).any() and not (soft == 0).any()


def test_logits_hook_only_when_output_is_logits(digits):
    X, y, _, _ = digits
    common = {"max_epochs": 1, "train_split": None, "verbose": 0, "classes": list(range(10))}

    class SoftmaxMLP(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.mlp = MLP(n_features=64, n_classes=10)

        def forward(self, X):
            return torch.softmax(self.mlp(X), dim=1)

    logits_net = skorch.NeuralNetClassifier(
        MLP,
        module__n_features=64,
        module__n_classes=10,
        criterion=torch.nn.CrossEntropyLoss,
        **common,
    ).fit(X[:100], y[:100])
    proba_net = skorch.NeuralNetClassifier(SoftmaxMLP, **common).fit(X[:100], y[:100])
    method = teacher_logits(FrozenEstimator(logits_net))
    np.testing.assert_allclose(
        softmax(method(X[:20]), axis=1), logits_net.predict_proba(X[:20]), rtol=1e-5
    )
    assert teacher_logits(proba_net) is None  # NLLLoss: probabilities only
    assert teacher_logits(DecisionTreeClassifier().fit(X, y)) is None


def test_self_trained_cnn_teacher_learns_from_unlabeled_rows(digits):
    X, y, X_test, y_test = digits
    X, y_semi = X[:700], y[:700].copy()
    y_semi[200:] = -1  # 200 labeled rows, 500 unlabeled
    initializations = []

    class CountingNet(TorchClassifier):
        def initialize(self):
            initializations.append(id(self))
            return super().initialize()

    cnn = CountingNet(
        SmallCNN,
        module__channels=(16, 32),
        module__hidden_units=64,
        optimizer=torch.optim.Adam,
        lr=0.01,
        max_epochs=15,
        batch_size=32,
    )
    model = MetamorphosisClassifier(
        SelfTrainingClassifier(cnn, threshold=0.95, max_iter=2),
        DecisionTreeClassifier(),
        ConfidenceSampler(threshold=0.9),
        labels="soft",
        random_state=0,
    ).fit(X, y_semi)

    self_training = model.teacher_
    assert self_training.n_iter_ >= 1
    assert (self_training.labeled_iter_ > 0).sum() > 250  # pseudo-labeled -1 rows
    # skorch's fit builds a fresh net every round (plus the final refit)
    assert len(initializations) == self_training.n_iter_ + 1
    assert teacher_logits(self_training) is not None  # looks through to the CNN
    assert model.n_transfer_samples_ > 250
    assert accuracy_score(y_test, self_training.predict(X_test)) > 0.85
    assert model.score(X_test, y_test) > 0.7


def test_ensemble_of_two_cnns_and_a_forest_distilled_into_one_student(digits):
    X, y, X_test, y_test = digits
    teachers = [
        small_cnn(random_state=1),
        small_cnn(random_state=2, module__channels=(16,)),
        RandomForestClassifier(n_estimators=50),
    ]
    model = MetamorphosisClassifier(
        teachers, small_mlp(max_epochs=20), labels="soft", temperature=2.0, random_state=0
    ).fit(X, y)
    ensemble = model.teacher_
    assert isinstance(ensemble, TeacherEnsemble) and len(ensemble.teachers_) == 3
    members = [t.predict_proba(X_test) for t in ensemble.teachers_]
    np.testing.assert_allclose(ensemble.predict_proba(X_test), np.mean(members, axis=0))
    assert accuracy_score(y_test, ensemble.predict(X_test)) > 0.93
    assert model.score(X_test, y_test) > 0.9
    assert model.fidelity(X_test) > 0.9


# ------------------------------------------------------------------ students
def test_soft_target_student_matches_its_teacher_better_than_hard_label_students(
    digits, cnn_teacher
):
    # 300 labeled rows; the teacher labels the 900 others (the transfer set).
    X, y, X_test, y_test = digits
    y_semi = y.copy()
    y_semi[300:] = -1
    teacher = FrozenEstimator(cnn_teacher)
    y_teacher = cnn_teacher.predict(X_test)

    true_labels_only = small_mlp().fit(X[:300], y[:300])
    hard = MetamorphosisClassifier(teacher, small_mlp(), labels="hard").fit(X, y_semi)
    soft = MetamorphosisClassifier(
        teacher, small_mlp(), labels="soft", temperature=2.0, alpha=0.5
    ).fit(X, y_semi)

    fidelity = {
        name: accuracy_score(y_teacher, est.predict(X_test))
        for name, est in [("true", true_labels_only), ("hard", hard), ("soft", soft)]
    }
    accuracy = {
        name: accuracy_score(y_test, est.predict(X_test))
        for name, est in [("true", true_labels_only), ("hard", hard), ("soft", soft)]
    }
    # The same net on the true labels alone: the soft-target student beats it
    # clearly, in accuracy and in fidelity (about +4 points each here).
    assert fidelity["soft"] > fidelity["true"] + 0.02, fidelity
    assert accuracy["soft"] > accuracy["true"] + 0.02, accuracy
    # The student on the teacher's hard labels: on this small problem soft
    # labels match the teacher as closely or slightly more (0.961 vs 0.956 on
    # this seed, +0.3 to +0.5 points over five seeds); allow one point of noise
    # across platforms.
    assert fidelity["soft"] >= fidelity["hard"] - 0.01, fidelity
    assert soft.student_.temperature_ == 2.0 and soft.student_.alpha_ == 0.5


class _SpyStudent(TorchClassifier):
    """Records what MetamorphosisClassifier passes to fit."""

    def fit(self, X, y, *, classes=None, hard_targets=None, temperature=1.0, alpha=1.0):
        kwargs = {
            "classes": classes,
            "hard_targets": hard_targets,
            "temperature": temperature,
            "alpha": alpha,
        }
        self.fit_args_ = (np.array(y), kwargs)
        return super().fit(X, y, **kwargs)


@pytest.mark.parametrize("alpha", [1.0, 0.5, 0.0])
def test_distillation_students_get_soft_labels_hard_labels_and_temperature(
    digits, cnn_teacher, alpha
):
    X, y, _, _ = digits
    X, y = X[:400], y[:400].copy()
    y[100:] = -1
    T = 3.0
    model = MetamorphosisClassifier(
        FrozenEstimator(cnn_teacher),
        _SpyStudent(MLP, max_epochs=1),
        labels="soft",
        temperature=T,
        alpha=alpha,
    ).fit(X, y)
    targets, kwargs = model.student_.fit_args_
    assert set(kwargs) == {"classes", "hard_targets", "temperature", "alpha"}
    np.testing.assert_array_equal(kwargs["classes"], np.arange(10))
    assert kwargs["temperature"] == T and kwargs["alpha"] == alpha
    hard = kwargs["hard_targets"]
    X_student = np.concatenate([X[:100], X[100:]])  # labeled rows first
    teacher_soft = soften(teacher_proba(cnn_teacher, X_student, np.arange(10)), T)
    assert (hard[100:] == -1).all()
    np.testing.assert_allclose(targets[100:], teacher_soft[100:], rtol=1e-5)
    if alpha == 0:
        assert (hard == -1).all()
        np.testing.assert_allclose(targets[:100], teacher_soft[:100], rtol=1e-5)
    else:
        np.testing.assert_array_equal(hard[:100], y[:100])
        expected = np.eye(10)[y[:100]] if alpha == 1 else teacher_soft[:100]
        np.testing.assert_allclose(targets[:100], expected, rtol=1e-5, atol=1e-7)


def test_soft_target_students_without_hard_targets_keep_the_mixed_targets(digits, cnn_teacher):
    X, y, _, _ = digits

    class MatrixStudent(ClassifierMixin, BaseEstimator):
        def __skmetamorph_tags__(self):
            tags = MetamorphTags()
            tags.student.soft_targets = True  # fits the probability matrix itself
            return tags

        def fit(self, X, y, classes=None):
            self.targets_, self.classes_ = y, np.asarray(classes)
            self.tree_ = DecisionTreeRegressor(random_state=0).fit(X, y)
            return self

        def predict_proba(self, X):
            return self.tree_.predict(X)

        def predict(self, X):
            return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    model = MetamorphosisClassifier(
        FrozenEstimator(cnn_teacher),
        MatrixStudent(),
        labels="soft",
        temperature=2.0,
        alpha=0.5,
    )
    model.fit(X[:200], y[:200])
    student = model.student_
    np.testing.assert_array_equal(student.classes_, np.arange(10))
    soft = soften(teacher_proba(cnn_teacher, X[:200], np.arange(10)), 2.0)
    expected = 0.5 * np.eye(10)[y[:200]] + 0.5 * soft
    np.testing.assert_allclose(student.targets_[:200], expected, rtol=1e-5, atol=1e-6)


def test_grid_search_over_temperature_with_a_torch_student(digits, cnn_teacher):
    X, y, _, _ = digits
    model = MetamorphosisClassifier(
        FrozenEstimator(cnn_teacher), small_mlp(max_epochs=5), labels="soft", random_state=0
    )
    search = GridSearchCV(
        model,
        {"temperature": [1.0, 4.0]},
        cv=2,
        scoring={"accuracy": "accuracy", "fidelity": fidelity_scorer},
        refit="fidelity",
    ).fit(X[:600], y[:600])
    assert search.best_params_["temperature"] in (1.0, 4.0)
    assert len(search.cv_results_["mean_test_fidelity"]) == 2
    assert search.best_estimator_.student_.temperature_ == search.best_params_["temperature"]
    assert search.best_score_ > 0.7


def test_pickle_a_fitted_metamorphosis_with_a_torch_teacher(digits):
    X, y, X_test, _ = digits
    model = MetamorphosisClassifier(
        small_cnn(max_epochs=2),
        small_mlp(max_epochs=3),
        labels="soft",
        temperature=2.0,
        random_state=0,
    ).fit(X[:400], y[:400])
    clone = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(clone.predict_proba(X_test), model.predict_proba(X_test))
    np.testing.assert_allclose(
        clone.teacher_.predict_logits(X_test), model.teacher_.predict_logits(X_test)
    )
    assert clone.fidelity(X_test) == model.fidelity(X_test)


# ------------------------------------------------------------ TorchClassifier
def test_torch_classifier_takes_any_labels_float64_and_infers_module_sizes(digits):
    X, y, X_test, y_test = digits
    names = np.array(list("abcdefghij"))
    net = small_mlp(max_epochs=10).fit(X.astype(np.float64), names[y])
    assert net.module_.layers[0].in_features == 64 and net.module_.layers[-1].out_features == 10
    np.testing.assert_array_equal(net.classes_, names)
    assert net.predict(X_test).dtype == names.dtype
    assert accuracy_score(names[y_test], net.predict(X_test)) > 0.85
    # a class missing from y, announced with classes=
    net = small_mlp(max_epochs=1).fit(X[y != 3], y[y != 3] + 10, classes=np.arange(10, 20))
    assert net.predict_proba(X_test).shape == (len(X_test), 10)
    with pytest.raises(ValueError, match="not in classes_"):
        small_mlp(max_epochs=1, classes=[0, 1]).fit(X[:50], y[:50])


def test_torch_classifier_on_soft_targets_with_a_validation_split(digits, cnn_teacher):
    X, y, _, _ = digits
    soft = soften(cnn_teacher.predict_proba(X), 2.0)
    hard = np.where(np.arange(len(y)) < 300, y, -1)
    net = small_mlp(
        max_epochs=5,
        train_split=skorch.dataset.ValidSplit(5, stratified=True),
    ).fit(X, soft, hard_targets=hard, temperature=2.0, alpha=0.5)
    history = net.history
    assert history[-1, "train_loss"] < history[0, "train_loss"]
    assert 0.5 < history[-1, "valid_acc"] <= 1.0
    np.testing.assert_array_equal(net.classes_, np.arange(10))
    with pytest.raises(ValueError, match="hard_targets"):
        small_mlp(max_epochs=1).fit(X, y, hard_targets=hard)


def test_random_state_makes_fit_reproducible_without_touching_torch_global_rng(digits):
    X, y, X_test, _ = digits
    state = torch.get_rng_state()
    first = small_mlp(max_epochs=2, random_state=3).fit(X, y).predict_proba(X_test)
    second = small_mlp(max_epochs=2, random_state=3).fit(X, y).predict_proba(X_test)
    np.testing.assert_array_equal(first, second)
    assert torch.equal(torch.get_rng_state(), state)


def test_fast_prediction_path_matches_skorch_data_loader(digits, cnn_teacher):
    _, _, X_test, _ = digits
    fast = cnn_teacher.predict_proba(X_test)
    slow = np.concatenate(
        [
            torch.softmax(out, dim=1).numpy()
            for out in skorch.NeuralNetClassifier.forward_iter(
                cnn_teacher, skorch.dataset.Dataset(X_test)
            )
        ]
    )
    np.testing.assert_allclose(fast, slow, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------- tags
def test_torch_classifier_declares_its_tags(digits):
    X, y, X_test, _ = digits
    net = small_mlp(max_epochs=1)
    assert not hasattr(TorchClassifier, "_skmetamorph_soft_targets")  # no private opt-in
    tags = get_metamorph_tags(net)
    assert isinstance(tags, MetamorphTags)
    assert tags.student.soft_targets and tags.student.distillation
    assert tags.student.partial_fit_params == {"epochs": 1}
    assert not tags.teacher.needs_no_data and not tags.teacher.semi_supervised
    assert tags.teacher.logits == net.predict_logits
    net.fit(X[:200], y[:200])
    np.testing.assert_array_equal(
        get_metamorph_tags(net).teacher.logits(X_test), net.predict_logits(X_test)
    )
    # A new object on each call: changing one leaves the next alone.
    tags.student.partial_fit_params["epochs"] = 5
    assert get_metamorph_tags(net).student.partial_fit_params == {"epochs": 1}


def test_plain_skorch_nets_get_their_tags_from_the_provider(digits):
    X, y, X_test, _ = digits
    common = {
        "module__n_features": 64,
        "module__n_classes": 10,
        "max_epochs": 1,
        "train_split": None,
        "verbose": 0,
    }
    logits_net = skorch.NeuralNetClassifier(MLP, criterion=torch.nn.CrossEntropyLoss, **common)
    tags = get_metamorph_tags(logits_net)
    assert tags.student.partial_fit_params == {"epochs": 1}
    assert not tags.student.soft_targets and not tags.student.distillation
    assert tags.teacher.logits is None  # not initialized: no criterion to tell yet

    logits_net.fit(X[:100], y[:100])
    tags = get_metamorph_tags(logits_net)
    assert tags.student.partial_fit_params == {"epochs": 1}
    np.testing.assert_allclose(
        softmax(tags.teacher.logits(X_test), axis=1),
        logits_net.predict_proba(X_test),
        rtol=1e-5,
        atol=1e-7,
    )
    pickle.loads(pickle.dumps(tags.teacher.logits))  # the core may keep it in a fitted model

    # NLLLoss (skorch's default for a classifier): the output is probabilities.
    proba_net = skorch.NeuralNetClassifier(
        torch.nn.Sequential(MLP(n_features=64, n_classes=10), torch.nn.Softmax(dim=1)),
        **{k: v for k, v in common.items() if not k.startswith("module__")},
    ).fit(X[:100], y[:100])
    tags = get_metamorph_tags(proba_net)
    assert tags.teacher.logits is None and tags.student.partial_fit_params == {"epochs": 1}

    # Any skorch.NeuralNet, not only classifiers; a frozen net is looked through.
    regressor = skorch.NeuralNetRegressor(MLP, **common)
    assert get_metamorph_tags(regressor).student.partial_fit_params == {"epochs": 1}
    frozen = get_metamorph_tags(FrozenEstimator(logits_net))
    assert frozen.teacher.needs_no_data and frozen.teacher.logits is not None


def test_skorch_tag_provider_ignores_other_objects():
    from skmetamorph.torch._skorch import skorch_tags

    assert skorch_tags(DecisionTreeClassifier()) is None
    assert skorch_tags(object()) is None
    assert get_metamorph_tags(DecisionTreeClassifier()) == MetamorphTags()


def test_skorch_tag_provider_is_declared_as_an_entry_point():
    from importlib import metadata

    from skmetamorph.torch._skorch import skorch_tags

    entry_points = metadata.entry_points(group="skmetamorph.tag_providers")
    declared = {ep.name: ep for ep in entry_points}
    if "skorch" not in declared:
        pytest.skip("skmetamorph is not pip-installed: no entry points")
    assert declared["skorch"].load() is skorch_tags


def test_skorch_tags_without_importing_skmetamorph_torch():
    # The core finds the provider through the entry point on meeting a
    # skorch net, though nobody imported skmetamorph.torch.
    from importlib import metadata

    entry_points = metadata.entry_points(group="skmetamorph.tag_providers")
    if not any(ep.name == "skorch" for ep in entry_points):
        pytest.skip("skmetamorph is not pip-installed: no entry points")
    out = _run_python(
        """
        import sys
        import skorch, torch
        from skmetamorph.utils import get_metamorph_tags
        net = skorch.NeuralNetClassifier(torch.nn.Linear, module__in_features=3,
                                         module__out_features=2)
        print("skmetamorph.torch" in sys.modules)
        print(get_metamorph_tags(net).student.partial_fit_params)
        """
    )
    assert out.split() == ["False", "{'epochs':", "1}"]


# ---------------------------------------------------------------------- loss
def test_distillation_loss_is_hintons_loss():
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(6, 4, generator=gen, dtype=torch.float64, requires_grad=True)
    soft = torch.softmax(torch.randn(6, 4, generator=gen, dtype=torch.float64), dim=1)
    hard = torch.tensor([2, -1, 0, -1, 3, 1])
    T, alpha = 3.0, 0.3

    loss = distillation_loss(logits, soft, hard, temperature=T, alpha=alpha)
    soft_term = -(soft * torch.log_softmax(logits / T, dim=1)).sum(1) * T**2
    hard_term = torch.nn.functional.cross_entropy(logits, hard.clamp(min=0), reduction="none")
    expected = torch.where(hard >= 0, alpha * hard_term + (1 - alpha) * soft_term, soft_term)
    torch.testing.assert_close(loss, expected.mean())

    # The T**2 factor: the soft gradient is T * (softmax(z / T) - p) / n.
    logits.grad = None
    distillation_loss(logits, soft, temperature=T).backward()
    q = torch.softmax(logits.detach() / T, dim=1)
    torch.testing.assert_close(logits.grad, T * (q - soft) / 6)

    # At T = 1 it is the cross-entropy with the mixed target alpha*onehot + (1-alpha)*p,
    # the target that MetamorphosisClassifier gives students that only take Y.
    mixed = soft.clone()
    labeled = hard >= 0
    mixed[labeled] = (
        alpha * torch.eye(4, dtype=soft.dtype)[hard[labeled]] + (1 - alpha) * soft[labeled]
    )
    torch.testing.assert_close(
        distillation_loss(logits, soft, hard, temperature=1.0, alpha=alpha),
        distillation_loss(logits, mixed),
    )


def test_distillation_loss_criterion_with_a_plain_skorch_net(digits, cnn_teacher):
    X, _, _, _ = digits
    soft = soften(cnn_teacher.predict_proba(X), 2.0).astype(np.float32)
    torch.manual_seed(0)
    net = skorch.NeuralNetClassifier(
        MLP,
        module__n_features=64,
        module__n_classes=10,
        criterion=DistillationLoss,
        criterion__temperature=2.0,
        classes=list(range(10)),
        optimizer=torch.optim.Adam,
        lr=0.01,
        max_epochs=5,
        train_split=None,
        verbose=0,
    ).fit(X, soft)
    assert net.history[-1, "train_loss"] < net.history[0, "train_loss"]
    agreement = np.mean(net.predict(X) == soft.argmax(axis=1))
    assert agreement > 0.8


# ---------------------------------------------------------------------- CUDA
@cuda
@needs_gpu
def test_cuda_teacher_and_student_with_set_params(digits):
    X, y, X_test, y_test = digits
    model = MetamorphosisClassifier(
        small_cnn(), small_mlp(), labels="soft", temperature=2.0, random_state=0
    )
    model.set_params(teacher__device="cuda", student__device="cuda")
    model.fit(X, y)
    assert next(model.teacher_.module_.parameters()).is_cuda
    assert next(model.student_.module_.parameters()).is_cuda
    assert model.score(X_test, y_test) > 0.85
    assert model.fidelity(X_test) > 0.85


@cuda
@needs_gpu
def test_cuda_self_training_teacher_and_pickle(digits):
    X, y, X_test, _ = digits
    y_semi = y.copy()
    y_semi[200:] = -1
    teacher = SelfTrainingClassifier(small_cnn(device="cuda"), threshold=0.95, max_iter=2)
    model = MetamorphosisClassifier(
        teacher,
        DecisionTreeClassifier(),
        ConfidenceSampler(threshold=0.9),
        labels="soft",
        random_state=0,
    ).fit(X, y_semi)
    clone = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(clone.predict(X_test), model.predict(X_test))
