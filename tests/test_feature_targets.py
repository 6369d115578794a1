"""Feature- and relation-based distillation through the public meta-estimator."""

import numpy as np
import pytest

pytest.importorskip(
    "torch", reason="the torch tests need the torch extra: pip install -e '.[torch]'"
)
pytest.importorskip(
    "skorch", reason="the torch tests need the torch extra: pip install -e '.[torch]'"
)

from sklearn.datasets import load_digits  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.frozen import FrozenEstimator  # noqa: E402

from skmetamorph import MetamorphosisClassifier  # noqa: E402
from skmetamorph._target_kinds import FeatureDistillationTargets, classification_kind  # noqa: E402
from skmetamorph.samplers import GaussianNoiseSampler  # noqa: E402
from skmetamorph.torch import MLP, TorchClassifier  # noqa: E402


@pytest.fixture(scope="module")
def data():
    X, y = load_digits(n_class=4, return_X_y=True)
    X = (X / 16.0).astype(np.float32)
    return X[:200], y[:200], X[200:], y[200:]


@pytest.fixture(scope="module")
def teacher(data):
    X, y, _, _ = data
    net = TorchClassifier(MLP, module__hidden_units=(32, 16), max_epochs=20, random_state=0)
    return net.fit(X, y)


def student(**params):
    defaults = dict(module__hidden_units=(24, 16), max_epochs=8, random_state=0)
    return TorchClassifier(MLP, **{**defaults, **params})


def test_a_student_with_hints_chooses_the_feature_kind():
    assert classification_kind("soft", student(hint=("layers.2", "layers.2"))) is (
        FeatureDistillationTargets
    )
    assert classification_kind("soft", student()) is not FeatureDistillationTargets


@pytest.mark.parametrize("streaming", [False, True])
def test_teacher_features_reach_the_student_through_fit(data, teacher, streaming, monkeypatch):
    X, y, X_test, _ = data
    seen = []
    original = TorchClassifier.partial_fit if streaming else TorchClassifier.fit

    def recording(self, X, y=None, **kwargs):
        seen.append(kwargs.get("teacher_features"))
        return original(self, X, y, **kwargs)

    monkeypatch.setattr(TorchClassifier, "partial_fit" if streaming else "fit", recording)
    clf = MetamorphosisClassifier(
        FrozenEstimator(teacher),
        student(hint=("layers.2", "layers.2"), relation=("layers.0", "layers.0")),
        GaussianNoiseSampler(n_samples=1.0, random_state=0),
        labels="soft",
        temperature=2.0,
        alpha=0.5,
        streaming=streaming,
        batch_size=128,
        random_state=0,
    ).fit(X, y)
    features = seen[-1]
    assert set(features) == {"layers.2", "layers.0"}
    assert features["layers.2"].shape[1:] == (16,) and features["layers.0"].shape[1:] == (32,)
    assert clf.predict(X_test).shape == (len(X_test),)
    if not streaming:  # labeled rows first, in order: their activations are the teacher's
        np.testing.assert_allclose(
            features["layers.2"][: len(X)], teacher.transform(X, layer="layers.2"), rtol=1e-5
        )


def test_an_unknown_teacher_layer_lists_the_layers_there_are(data, teacher):
    X, y, _, _ = data
    clf = MetamorphosisClassifier(
        FrozenEstimator(teacher), student(hint=("layers.2", "no.such")), labels="soft"
    )
    with pytest.raises(ValueError, match=r"no\.such.*its layers are \['layers'"):
        clf.fit(X, y)
    assert not hasattr(clf, "student_")


def test_a_teacher_without_activations_is_refused_before_any_work(data):
    X, y, _, _ = data
    clf = MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=3, random_state=0),
        student(hint=("layers.2", "layers.2")),
        labels="soft",
    )
    with pytest.raises(ValueError, match="transform\\(X, layer=...\\)"):
        clf.fit(X, y)


def test_memory_caches_the_features_with_the_labels(data, teacher, tmp_path):
    X, y, X_test, _ = data
    make = lambda: MetamorphosisClassifier(  # noqa: E731
        FrozenEstimator(teacher),
        student(relation=("layers.2", "layers.2")),
        GaussianNoiseSampler(n_samples=0.5, random_state=0),
        labels="soft",
        memory=str(tmp_path),
        random_state=0,
    )
    first = make().fit(X, y).predict_proba(X_test)
    second = make().fit(X, y).predict_proba(X_test)
    np.testing.assert_allclose(first, second, rtol=1e-6)
