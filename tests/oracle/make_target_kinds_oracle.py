"""Predictions of every kind of target, made before the targets became strategy objects.

Run once on the commit before issue 22's refactor (``python
tests/oracle/make_target_kinds_oracle.py``); ``tests/test_target_kinds.py``
checks that the same seeds still give the same predictions.
"""

from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits, make_regression
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsRegressor
from sklearn.svm import LinearSVR
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skmetamorph import MetamorphosisClassifier, MetamorphosisRegressor
from skmetamorph.samplers import MUNGE, GaussianNoiseSampler

OUT = Path(__file__).with_name("target_kinds.npz")


def digits():
    X, y = load_digits(n_class=4, return_X_y=True)
    X = X[:240] / 16.0
    y = y[:240].copy()
    y[80:] = -1
    return X, y


def torch_student():
    from skmetamorph.torch import MLP, TorchClassifier

    return TorchClassifier(MLP, module__hidden_units=(16,), max_epochs=3, random_state=0)


def cases():
    """``name -> (estimator factory, task)``: one per kind of target, fitted and streamed."""
    teacher = RandomForestClassifier(n_estimators=10, random_state=0)
    tree = DecisionTreeClassifier(max_leaf_nodes=12, random_state=0)
    sampler = MUNGE(n_samples=2.0, random_state=0)
    yield "hard", lambda: MetamorphosisClassifier(teacher, tree, sampler, random_state=0), "c"
    yield (
        "soft_expanded",
        lambda: MetamorphosisClassifier(
            teacher, tree, sampler, labels="soft", temperature=2.0, alpha=0.3, random_state=0
        ),
        "c",
    )
    yield (
        "soft_expanded_streamed",
        lambda: MetamorphosisClassifier(
            teacher,
            SGDClassifier(random_state=0),
            sampler,
            labels="soft",
            streaming=True,
            n_passes=2,
            batch_size=64,
            random_state=0,
        ),
        "c",
    )
    yield (
        "hard_streamed_weighted",
        lambda: MetamorphosisClassifier(
            teacher,
            GaussianNB(),
            sampler,
            streaming=True,
            n_passes=2,
            batch_size=50,
            random_state=0,
        ),
        "cw",
    )
    yield (
        "proba",
        lambda: MetamorphosisClassifier(
            teacher,
            DecisionTreeRegressor(max_leaf_nodes=12, random_state=0),
            sampler,
            labels="proba",
            random_state=0,
        ),
        "c",
    )
    yield (
        "logit_per_class",
        lambda: MetamorphosisClassifier(
            teacher,
            LinearSVR(random_state=0),
            sampler,
            labels="logit",
            temperature=3.0,
            random_state=0,
        ),
        "c",
    )
    yield (
        "logit_streamed",
        lambda: MetamorphosisClassifier(
            teacher,
            SGDRegressor(random_state=0),
            sampler,
            labels="logit",
            streaming=True,
            batch_size=70,
            random_state=0,
        ),
        "c",
    )
    try:
        import skmetamorph.torch  # noqa: F401
    except ImportError:
        pass
    else:
        yield (
            "distillation",
            lambda: MetamorphosisClassifier(
                teacher,
                torch_student(),
                sampler,
                labels="soft",
                temperature=2.0,
                alpha=0.5,
                random_state=0,
            ),
            "c",
        )
        yield (
            "distillation_streamed",
            lambda: MetamorphosisClassifier(
                teacher,
                torch_student(),
                sampler,
                labels="soft",
                alpha=0.5,
                streaming=True,
                n_passes=2,
                batch_size=64,
                random_state=0,
            ),
            "c",
        )
        yield (
            "torch_hard",
            lambda: MetamorphosisClassifier(teacher, torch_student(), sampler, random_state=0),
            "c",
        )
    yield (
        "regression",
        lambda: MetamorphosisRegressor(
            RandomForestRegressor(n_estimators=10, random_state=0),
            KNeighborsRegressor(),
            GaussianNoiseSampler(n_samples=2.0, random_state=0),
            random_state=0,
        ),
        "r",
    )
    yield (
        "regression_streamed_weighted",
        lambda: MetamorphosisRegressor(
            RandomForestRegressor(n_estimators=10, random_state=0),
            SGDRegressor(random_state=0),
            GaussianNoiseSampler(n_samples=2.0, random_state=0),
            streaming=True,
            n_passes=2,
            batch_size=40,
            random_state=0,
        ),
        "rw",
    )


def outputs(make, task):
    """The fitted estimator's outputs on a fixed set of rows."""
    if task.startswith("c"):
        X, y = digits()
    else:
        X, y = make_regression(n_samples=120, n_features=5, noise=0.5, random_state=0)
        y = y.copy()
        y[60:] = np.nan
    weights = np.linspace(0.5, 1.5, len(y)) if task.endswith("w") else None
    estimator = make().fit(X, y, sample_weight=weights)
    result = {"predict": np.asarray(estimator.predict(X))}
    if hasattr(estimator, "predict_proba"):
        result["predict_proba"] = estimator.predict_proba(X)
    return result


def versions():
    """The releases whose numerics make the oracle's numbers."""
    import scipy
    import sklearn

    found = [f"numpy={np.__version__}", f"scipy={scipy.__version__}"]
    found.append(f"scikit-learn={sklearn.__version__}")
    try:
        import torch
    except ImportError:
        return found + ["torch=none"]
    return found + [f"torch={torch.__version__}"]


def main():
    arrays = {"versions": np.array(versions())}
    for name, make, task in cases():
        for key, value in outputs(make, task).items():
            arrays[f"{name}.{key}"] = value
        print(name)
    np.savez_compressed(OUT, **arrays)


if __name__ == "__main__":
    main()
