"""PRIM: the EMA workbench's boxes as oracle, the estimator contract, bad input."""

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

from skmetamorph import FunctionTeacher, MetamorphosisClassifier
from skmetamorph.metrics import pr_auc_score
from skmetamorph.rules import extract_rules
from skmetamorph.samplers import LatinHypercubeSampler, SobolSampler
from skmetamorph.scenario import PRIM
from skmetamorph.utils._sklearn_compat import parametrize_with_checks

ORACLE = json.loads((Path(__file__).parent / "oracle" / "prim_ema.json").read_text())


def _one_box(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(n, 3))
    return X, ((X[:, 0] > 0.6) & (X[:, 2] < 0.5)).astype(int)


def _expected_failures(estimator):
    if estimator.n_boxes == 1:
        return {}
    # predict says "in a box", predict_proba gives the box's density: with
    # several boxes, a box found late may be less than half interesting, and
    # argmax(predict_proba) then disagrees with predict. That is PRIM's
    # meaning (a box is a scenario however dense); the one-box configuration
    # runs this check in full.
    return {"check_classifiers_train": "predict is box membership, proba the box density"}


@parametrize_with_checks(
    [PRIM(), PRIM(paste_alpha=None, n_boxes=2)], expected_failed_checks=_expected_failures
)
def test_sklearn_compatible(estimator, check):
    # With tags multi_class=False and poor_score=True every check that applies
    # to a binary classifier passes (see _expected_failures for the one that
    # does not with several boxes).
    check(estimator)


@pytest.mark.parametrize("case", ORACLE["cases"], ids=lambda c: c["name"])
def test_boxes_and_trajectory_match_ema_workbench(case):
    # tests/oracle/make_prim_oracle.py ran the EMA workbench's Prim on these rows.
    X, y = np.array(case["X"]), np.array(case["y"])
    prim = PRIM(**case["params"]).fit(X, y)
    ema = case["boxes"]
    if prim.n_boxes_ < len(ema):
        # We stop covering when nothing can be peeled; the workbench returns
        # the whole remaining box then.
        assert all(len(box["mean"]) == 1 for box in ema[prim.n_boxes_ :])
    assert prim.n_boxes_ >= 1
    for ours, theirs in zip(prim.trajectories_, ema, strict=False):
        # Our unrestricted limits are infinite; the workbench's are the data range.
        limits = np.where(np.isinf(ours["boxes"]), prim.box_init_[None, :, :], ours["boxes"])
        np.testing.assert_array_equal(limits, np.array(theirs["limits"]))
        assert ours["n_samples"].tolist() == theirs["n_samples"]
        assert ours["res_dim"].tolist() == theirs["res_dim"]
        np.testing.assert_allclose(ours["density"], theirs["mean"], rtol=1e-12)
        np.testing.assert_allclose(ours["mass"], theirs["mass"], rtol=1e-12)
        if theirs["coverage"] is not None:
            np.testing.assert_allclose(ours["coverage"], theirs["coverage"], rtol=1e-12)
            np.testing.assert_allclose(ours["density"], theirs["density"], rtol=1e-12)


def test_oracle_exercises_pasting_ties_and_covering():
    # The oracle is only worth something if it covers the rare paths.
    pasted = ties = covering = False
    for case in ORACLE["cases"]:
        X = np.array(case["X"])
        prim = PRIM(**case["params"]).fit(X, np.array(case["y"]))
        pasted |= any(t["pasted"].any() for t in prim.trajectories_)
        ties |= np.unique(X[:, 0]).size < X.shape[0] // 2
        covering |= prim.n_boxes_ > 1
    assert pasted and ties and covering


def test_trajectory_is_consistent_with_the_boxes():
    X, y = _one_box()
    prim = PRIM(n_boxes=2).fit(X, y)
    t = prim.trajectories_[0]
    for step, box in enumerate(t["boxes"]):
        inside = np.all((X >= box[0]) & (X <= box[1]), axis=1)
        assert inside.sum() == t["n_samples"][step]
        assert y[inside].mean() == pytest.approx(t["density"][step])
        assert y[inside].sum() / y.sum() == pytest.approx(t["coverage"][step])
        assert t["res_dim"][step] == np.isfinite(box).any(axis=0).sum()
    # Peeling only shrinks the box, down to mass_min.
    peeled = ~t["pasted"]
    assert np.all(np.diff(t["n_samples"][peeled]) < 0)
    assert t["mass"].min() >= prim.mass_min
    assert t["density"][-1] > t["density"][0]
    # The found box is the true one, up to the peeling resolution.
    np.testing.assert_array_equal(prim.restricted_dims_[0], [0, 2])
    assert prim.boxes_[0, 0, 0] == pytest.approx(0.6, abs=0.05)
    assert prim.boxes_[0, 1, 2] == pytest.approx(0.5, abs=0.05)


def test_predict_apply_and_proba():
    X, y = _one_box()
    prim = PRIM(n_boxes=2).fit(X, y)
    box = prim.apply(X)
    np.testing.assert_array_equal(prim.predict(X), (box >= 0).astype(int))
    proba = prim.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    for k in range(prim.n_boxes_):
        assert y[box == k].mean() == pytest.approx(prim.density_[k])
        np.testing.assert_allclose(proba[box == k, 1], prim.density_[k])
    assert y[box == -1].mean() == pytest.approx(prim.rest_density_)
    # Unmoved limits are infinite: rows beyond the training range stay in.
    far = np.array([[5.0, -3.0, 0.1]])
    assert prim.predict(far)[0] == 1


def test_targets_choose_steps():
    X, y = _one_box()
    full = PRIM().fit(X, y)
    t = full.trajectories_[0]
    dense = PRIM(density_target=0.8).fit(X, y)
    step = dense.selected_[0]
    assert t["density"][step] >= 0.8
    assert t["coverage"][step] == t["coverage"][t["density"] >= 0.8].max()
    wide = PRIM(coverage_target=0.95).fit(X, y)
    step = wide.selected_[0]
    assert t["coverage"][step] >= 0.95
    assert t["density"][step] == t["density"][t["coverage"] >= 0.95].max()
    # Without a target: the last step, as in the EMA workbench.
    assert full.selected_[0] == len(t["density"]) - 1


def test_select_returns_a_fitted_copy():
    X, y = _one_box()
    prim = PRIM(n_boxes=2).fit(X, y)
    assert prim.n_boxes_ == 2
    before = prim.boxes_.copy()
    chosen = prim.select(3, box=0)
    np.testing.assert_array_equal(prim.boxes_, before)  # the original is unchanged
    assert chosen.n_boxes_ == 1  # later boxes depended on the old choice
    np.testing.assert_array_equal(chosen.boxes_[0], prim.trajectories_[0]["boxes"][3])
    assert chosen.coverage_[0] == prim.trajectories_[0]["coverage"][3]
    assert chosen.predict(X).sum() == prim.trajectories_[0]["n_samples"][3]
    last = prim.select(-1)
    np.testing.assert_array_equal(last.boxes_, prim.boxes_)
    with pytest.raises(IndexError, match="step=99"):
        prim.select(99)
    with pytest.raises(IndexError, match="box=5"):
        prim.select(0, box=5)


def test_threshold_and_labels_read_as_interest():
    X, y = _one_box()
    rng = np.random.default_rng(1)
    output = y * 10 + rng.uniform(size=y.size)  # > 5 exactly where y == 1
    by_threshold = PRIM(threshold=5).fit(X, output)
    np.testing.assert_array_equal(by_threshold.boxes_, PRIM().fit(X, y).boxes_)
    labels = np.where(y == 1, "fail", "bad")  # the larger label is interesting
    by_label = PRIM().fit(X, labels)
    np.testing.assert_array_equal(by_label.boxes_, by_threshold.boxes_)
    assert set(by_label.predict(X)) == {"bad", "fail"}
    by_bool = PRIM().fit(X, y.astype(bool))
    assert by_bool.predict(X).dtype == bool


def test_probabilities_peel_on_means():
    # A teacher's probability: PRIM on means finds the same region as on labels.
    X, y = _one_box(n=1000)
    proba = np.clip(0.9 * y + 0.05, 0, 1)
    prim = PRIM(density_target=0.9).fit(X, proba)
    np.testing.assert_array_equal(prim.restricted_dims_[0], [0, 2])
    assert prim.density_[0] == pytest.approx(proba[prim.predict(X) == 1].mean())
    assert 0 < prim.interest(proba).min() and prim.interest(proba).max() < 1


def test_clone_and_pickle():
    X, y = _one_box()
    prim = PRIM(alpha=0.1, n_boxes=2).fit(X, y)
    assert clone(prim).get_params() == prim.get_params()
    again = pickle.loads(pickle.dumps(prim))
    np.testing.assert_array_equal(again.predict_proba(X), prim.predict_proba(X))


def test_trajectory_scores_on_test_rows():
    X, y = _one_box(n=300)
    X_test, y_test = _one_box(n=3000, seed=1)
    prim = PRIM().fit(X, y)
    test = prim.trajectory_scores(X_test, y_test)
    assert test["density"].shape == prim.trajectories_[0]["density"].shape
    assert test["coverage"][0] == 1.0
    auc = pr_auc_score(test["coverage"], test["density"])
    assert y_test.mean() < auc <= 1
    with pytest.raises(ValueError, match="X has 3000"):
        prim.trajectory_scores(X_test, y_test[:10])


@pytest.mark.parametrize(
    "params, y, match",
    [
        ({}, "zeros", "No row of y is interesting"),
        ({"threshold": 100}, "one_box", "No row of y is interesting"),
        ({}, "nan", "NaN"),
        ({}, "three", "Only binary classification"),
        ({}, "continuous", "continuous"),
        ({"alpha": 0.6}, "one_box", "alpha"),
        ({"alpha": 0.0}, "one_box", "alpha"),
        ({"density_target": 0.5, "coverage_target": 0.5}, "one_box", "not both"),
        ({"density_target": 1.0, "mass_min": 0.5}, "one_box", "density_target=1.0"),
    ],
)
def test_bad_input(params, y, match):
    X, y_box = _one_box(n=100)
    targets = {
        "zeros": np.zeros(100),
        "one_box": y_box,
        "nan": np.where(y_box == 1, np.nan, 0.0),
        "three": np.arange(100) % 3,
        "continuous": np.linspace(-5, 5, 100),
    }
    prim = PRIM(**params)
    with pytest.raises(ValueError, match=match):
        prim.fit(X, targets[y])
    assert not hasattr(prim, "boxes_")  # a failed fit leaves nothing half fitted


def test_nan_inputs_rejected():
    X, y = _one_box(n=50)
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        PRIM().fit(X, y)


def test_covering_stops_when_nothing_is_left_to_peel():
    X, y = _one_box()
    prim = PRIM(n_boxes=10, density_target=0.95).fit(X, y)
    assert 1 <= prim.n_boxes_ < 10
    assert len(prim.trajectories_) == prim.n_boxes_ == len(prim.selected_)
    # Boxes found by covering hold disjoint training rows (first box wins).
    counts = np.bincount(prim.apply(X) + 1, minlength=prim.n_boxes_ + 1)[1:]
    np.testing.assert_allclose(counts / len(X), prim.mass_)


def test_soft_targets_from_a_probability_matrix():
    X, y = _one_box()
    proba = np.clip(0.9 * y + 0.05, 0, 1)
    from_matrix = PRIM().fit(X, np.column_stack([1 - proba, proba]), classes=["ok", "fail"])
    np.testing.assert_array_equal(from_matrix.boxes_, PRIM().fit(X, proba).boxes_)
    np.testing.assert_array_equal(from_matrix.classes_, ["ok", "fail"])
    with pytest.raises(ValueError, match="two columns"):
        PRIM().fit(X, np.ones((len(X), 3)) / 3, classes=[0, 1, 2])


def test_boxes_as_rules():
    X, y = _one_box(n=600)
    prim = PRIM(n_boxes=2, density_target=0.9).fit(X, y)
    own = extract_rules(prim, feature_names=["a", "b", "c"])
    assert len(own) == prim.n_boxes_
    first = own[0]
    assert [c.feature for c in first.conditions] == ["a", "c"]
    assert first.conditions[0].low == prim.boxes_[0, 0, 0] and first.conditions[0].high is None
    assert first.text.startswith("a >= ")  # PRIM's boxes are closed
    assert first.density == prim.density_[0] and first.recall == prim.coverage_[0]
    assert first.coverage == prim.mass_[0]
    # Scored on held-out rows, against a teacher that knows the truth.
    X_test, y_test = _one_box(n=2000, seed=3)
    teacher = DecisionTreeClassifier(random_state=0).fit(X_test, y_test)
    scored = extract_rules(prim, X_test, y_test, teacher=teacher)
    covered = prim.apply(X_test) == 0
    assert scored[0].n_samples == covered.sum()
    assert scored[0].density == pytest.approx(y_test[covered].mean())
    assert scored[0].recall == pytest.approx(y_test[covered].sum() / y_test.sum())
    assert scored[0].fidelity == pytest.approx(teacher.predict(X_test)[covered].mean())
    frame = scored.to_frame()
    assert {"density", "recall", "fidelity"} <= set(frame.columns)
    assert "density 0." in str(scored)


def test_reds_chain_in_one_estimator():
    # Simulation runs on a small design, a metamodel as the teacher, PRIM on
    # its probabilities over a large quasi-random transfer set.
    def simulation(X):
        return ((X[:, 0] > 0.6) & (X[:, 2] < 0.5)).astype(int)

    bounds = [(0, 1)] * 3
    X_runs = LatinHypercubeSampler(n_samples=150, bounds=bounds, random_state=0).fit_generate(None)
    simulator = FunctionTeacher(simulation, task="classification", classes=[0, 1]).fit()
    y_runs = simulator.predict(X_runs)
    reds = MetamorphosisClassifier(
        teacher=RandomForestClassifier(n_estimators=30, min_samples_leaf=3, random_state=0),
        student=PRIM(density_target=0.8),
        transfer_sampler=SobolSampler(n_samples=4096, bounds=bounds, random_state=0),
        labels="soft",
        random_state=0,
    ).fit(X_runs, y_runs)
    prim = reds.student_
    assert prim.trajectories_[0]["n_samples"][0] == 4096 + 150  # transfer rows and runs
    # The metamodel's probabilities reached PRIM unrounded.
    proba = reds.teacher_.predict_proba(X_runs)[:, 1]
    assert prim.trajectories_[0]["density"][0] != pytest.approx(y_runs.mean())
    assert np.any((proba > 0) & (proba < 1))
    assert {0, 2} <= set(prim.restricted_dims_[0].tolist())
    X_test = np.random.default_rng(1).uniform(size=(5000, 3))
    rules = extract_rules(reds, X_test, simulation(X_test))  # fidelity to the metamodel
    assert rules[0].fidelity is not None and rules[0].density > 0.85 and rules[0].recall > 0.7
