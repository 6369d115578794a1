"""AutoSampler: chooses the candidate that teaches the student best, within the budget."""

from typing import ClassVar

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_moons, make_regression
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skmetamorph import MetamorphosisClassifier
from skmetamorph.base import BaseTransferSampler
from skmetamorph.samplers import (
    MUNGE,
    AutoSampler,
    PoolSampler,
    UniformSampler,
    resolve_auto,
)


class _ShiftedSampler(BaseTransferSampler):
    """Rows far off the data: a transfer set that teaches nothing."""

    _parameter_constraints: dict = {
        "n_samples": [int, float],
        "random_state": ["random_state"],
    }

    def __init__(self, n_samples=1.0, random_state=None):
        self.n_samples = n_samples
        self.random_state = random_state

    def _fit_generate(self, X, y, teacher, rng):
        n = self._resolve_n_samples(X.shape[0])
        return X[rng.integers(0, X.shape[0], n)] + 100.0


class _RecordingStudent(DecisionTreeClassifier):
    """Records every row it was fitted on (class-level, clones share it)."""

    seen: ClassVar[list] = []

    def fit(self, X, y, sample_weight=None):
        type(self).seen.append(np.array(X, copy=True))
        return super().fit(X, y, sample_weight=sample_weight)


def _counting_teacher(teacher, calls):
    """A class whose instances predict as ``teacher``, appending each call's row count."""

    class Counting:
        classes_ = teacher.classes_

        def predict(self, Z):
            calls.append(len(Z))
            return teacher.predict(Z)

    return Counting


def _moons():
    X, y = make_moons(300, noise=0.25, random_state=0)
    return X, y, RandomForestClassifier(random_state=0).fit(X, y)


def test_chooses_the_clearly_best_candidate():
    X, y, teacher = _moons()
    candidates = [
        ("shifted", _ShiftedSampler()),
        ("munge", MUNGE()),
        ("shifted2", _ShiftedSampler()),
    ]
    sampler = AutoSampler(candidates, n_samples=3.0, random_state=0)
    rows = sampler.fit_generate(X, y, teacher=teacher)
    assert sampler.chosen_ == "munge"
    assert rows.shape == (900, 2)
    assert np.abs(rows).max() < 50  # the chosen (unshifted) candidate made them
    best = sampler.scores_["munge"]
    for name in ("shifted", "shifted2"):
        assert sampler.scores_[name]["high"] < best["low"]
    assert best["low"] <= best["score"] <= best["high"]


def test_budget_is_respected_and_counted():
    X, y, teacher = _moons()
    calls = []
    Counting = _counting_teacher(teacher, calls)

    sampler = AutoSampler(n_samples=2.0, random_state=0)
    sampler.fit_generate(X, y, teacher=Counting())
    assert sum(calls) == sampler.n_teacher_rows_  # every row, candidates' own calls too
    calls.clear()
    candidates = [
        ("munge", MUNGE()),
        ("pool", PoolSampler()),
        ("far", _ShiftedSampler()),
    ]
    sampler = AutoSampler(candidates, n_samples=2.0, budget=1500, random_state=0)
    rows = sampler.fit_generate(X, y, teacher=Counting())
    assert sum(calls) == sampler.n_teacher_rows_
    assert sampler.n_teacher_rows_total_ == sampler.n_teacher_rows_ + rows.shape[0]
    assert sampler.n_teacher_rows_total_ <= 1500
    with pytest.raises(ValueError, match="budget=700 teacher rows is too small"):
        AutoSampler(n_samples=2.0, budget=700).fit_generate(X, y, teacher=teacher)


def test_held_out_rows_never_train_the_scoring_student():
    X, y, teacher = _moons()
    _RecordingStudent.seen = []
    sampler = AutoSampler(
        [("pool", PoolSampler()), ("munge", MUNGE())],
        student=_RecordingStudent(max_leaf_nodes=8),
        cv=3,
        random_state=0,
    )
    sampler.fit_generate(X, y, teacher=teacher)
    # Each scoring student saw a pool of the other folds: it must never hold
    # all the training rows, and the pool students must miss a whole fold.
    pool_fits = [rows for rows in _RecordingStudent.seen if len(rows) and np.isin(rows, X).all()]
    assert len(pool_fits) == 3
    for rows in pool_fits:
        assert len(rows) == 200  # two of three folds, the third held out
    covered = np.concatenate(pool_fits)
    assert len(np.unique(covered, axis=0)) == 300  # every row held out exactly once


def test_regression_scores_r2_to_the_teacher():
    X, y = make_regression(200, 4, noise=5.0, random_state=0)
    teacher = RandomForestRegressor(30, random_state=0).fit(X, y)
    sampler = AutoSampler(
        [("uniform_far", _ShiftedSampler()), ("munge", MUNGE())],
        student=DecisionTreeRegressor(max_leaf_nodes=8),
        random_state=0,
    )
    sampler.fit_generate(X, y, teacher=teacher)
    assert sampler.chosen_ == "munge"
    assert sampler.scores_["munge"]["score"] > 0.3


def test_same_seed_same_rows():
    X, y, teacher = _moons()
    a = AutoSampler(n_samples=1.0, random_state=3).fit_generate(X, y, teacher=teacher)
    b = AutoSampler(n_samples=1.0, random_state=3).fit_generate(X, y, teacher=teacher)
    np.testing.assert_array_equal(a, b)


def test_errors_name_the_problem():
    X, y, teacher = _moons()
    with pytest.raises(ValueError, match="fitted teacher"):
        AutoSampler().fit_generate(X, y)
    with pytest.raises(TypeError, match="no fit_generate"):
        AutoSampler([("x", object())]).fit_generate(X, y, teacher=teacher)
    with pytest.raises(ValueError, match="unique"):
        AutoSampler([("a", MUNGE()), ("a", UniformSampler())]).fit_generate(X, y, teacher=teacher)


def test_resolve_auto():
    student = DecisionTreeClassifier(max_leaf_nodes=8)
    resolved = resolve_auto("auto", student, "classification")
    assert isinstance(resolved, AutoSampler)
    assert resolved.student.get_params() == student.get_params()
    kept = AutoSampler(student=DecisionTreeClassifier(max_depth=2))
    assert resolve_auto(kept, student, "classification") is kept
    munge = MUNGE()
    assert resolve_auto(munge, student, "classification") is munge
    # A regressor of class probabilities cannot score on hard labels: default student.
    assert resolve_auto("auto", LinearRegression(), "classification").student is None
    with pytest.raises(ValueError, match="only string"):
        resolve_auto("best", student, "classification")


def test_through_the_meta_estimator():
    X, y = make_classification(300, 6, random_state=0)
    model = MetamorphosisClassifier(
        RandomForestClassifier(random_state=0),
        DecisionTreeClassifier(max_leaf_nodes=8, random_state=0),
        AutoSampler(
            student=DecisionTreeClassifier(max_leaf_nodes=8),
            n_samples=3.0,
            random_state=0,
        ),
    ).fit(X, y)
    assert model.score(X, y) > 0.7


def test_auto_string_on_the_classifier():
    X, y = make_classification(300, 6, random_state=0)
    model = MetamorphosisClassifier(
        RandomForestClassifier(random_state=0),
        DecisionTreeClassifier(max_leaf_nodes=8, random_state=0),
        "auto",
        random_state=0,
    ).fit(X, y)
    assert model.score(X, y) > 0.7
    sampler = model.transfer_sampler_
    assert isinstance(sampler, AutoSampler) and sampler.chosen_ in sampler.scores_
    # The meta-estimator's own student scored the candidates.
    assert sampler.student.get_params()["max_leaf_nodes"] == 8


def test_auto_string_on_the_regressor():
    from sklearn.datasets import make_regression
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.tree import DecisionTreeRegressor

    from skmetamorph import MetamorphosisRegressor

    X, y = make_regression(200, 4, noise=1.0, random_state=0)
    model = MetamorphosisRegressor(
        RandomForestRegressor(n_estimators=20, random_state=0),
        DecisionTreeRegressor(max_depth=4, random_state=0),
        "auto",
        random_state=0,
    ).fit(X, y)
    sampler = model.transfer_sampler_
    assert isinstance(sampler, AutoSampler)
    assert sampler.student.get_params()["max_depth"] == 4
    assert model.fidelity(X) > 0.5


def test_other_strings_are_refused():
    X, y = make_classification(60, 4, random_state=0)
    model = MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=5), DecisionTreeClassifier(), "best"
    )
    with pytest.raises(ValueError, match="transfer_sampler"):
        model.fit(X, y)


def test_one_se_prefers_the_earliest_candidate_close_to_the_best():
    X, y, teacher = _moons()
    # Three draws of one sampler: their scores differ by luck alone.
    candidates = [(f"munge{i}", MUNGE()) for i in range(3)] + [("far", _ShiftedSampler())]
    sampler = AutoSampler(candidates, n_samples=2.0, random_state=1)
    picked = sampler.fit_generate(X, y, teacher=teacher)
    scores = sampler.scores_
    best = max(scores, key=lambda name: scores[name]["score"])
    assert sampler.best_ == best
    assert scores[best]["se_vs_best"] == 0.0
    chosen = sampler.chosen_
    # The chosen one is within one error of the best, and no earlier one is.
    assert scores[chosen]["score"] >= scores[best]["score"] - scores[chosen]["se_vs_best"]
    names = list(scores)
    for name in names[: names.index(chosen)]:
        assert scores[name]["score"] < scores[best]["score"] - scores[name]["se_vs_best"]
    assert chosen != "far" and scores["far"]["se_vs_best"] > 0
    assert picked.shape == (600, 2)
    # "best" takes the highest score whatever the order.
    greedy = AutoSampler(candidates, n_samples=2.0, selection="best", random_state=1)
    greedy.fit_generate(X, y, teacher=teacher)
    assert greedy.chosen_ == greedy.best_ == best


def test_scoring_rows_are_labeled_in_one_teacher_call():
    X, y, teacher = _moons()
    calls = []
    Counting = _counting_teacher(teacher, calls)

    candidates = [("munge", MUNGE()), ("far", _ShiftedSampler())]
    sampler = AutoSampler(candidates, n_samples=20.0, cv=3, random_state=0)
    sampler.fit_generate(X, y, teacher=Counting())
    # The held-out rows, then every candidate's rows of every fold at once;
    # by default the scoring rows add up to the rows returned (6,000), less
    # the exact copies of training rows MUNGE makes: their labels are known.
    assert len(calls) == 2 and calls[0] == 300
    assert 5000 < calls[1] <= 6000
    assert sampler.n_teacher_rows_ == sum(calls)
    # A small transfer set: each candidate still gets a fold's training rows
    # (200), as many as the pool would give: 2 candidates x 3 folds x 200.
    calls.clear()
    sampler = AutoSampler(candidates, n_samples=1.0, cv=3, random_state=0)
    sampler.fit_generate(X, y, teacher=Counting())
    assert 1000 < calls[1] <= 1200
    assert sampler.n_teacher_rows_ == sum(calls)


def test_one_se_rule_on_known_per_row_scores():
    # "b" agrees with the teacher on 10 rows where "a" does not, and "a" on 8
    # where "b" does not: b is ahead by 0.02, well inside one error (~0.04).
    a = np.zeros(100)
    a[:60] = 1
    a[60:68] = 1
    b = np.zeros(100)
    b[:60] = 1
    b[68:78] = 1
    c = np.zeros(100)  # far behind: never within one error
    per_row = {"a": a, "b": b, "c": c}
    for selection, expected in (("one_se", "a"), ("best", "b")):
        scores = {name: {"score": float(v.mean())} for name, v in per_row.items()}
        chosen = AutoSampler(selection=selection)._select(scores, per_row, "b")
        assert chosen == expected
        assert 0.03 < scores["a"]["se_vs_best"] < 0.05
    # Had b won on those 10 rows and lost on none, a would not be close enough.
    scores = {name: {"score": float(v.mean())} for name, v in per_row.items()}
    per_row["a"] = np.r_[np.ones(60), np.zeros(40)]
    scores["a"]["score"] = 0.6
    assert AutoSampler()._select(scores, per_row, "b") == "b"


def test_training_rows_are_not_labeled_twice():
    # Forest-leaf asks the teacher for its training rows: the held-out labels
    # answer, so the default candidates stay within the budget.
    from skmetamorph.samplers import ForestLeafSampler

    X, y, teacher = _moons()
    calls = []
    Counting = _counting_teacher(teacher, calls)

    sampler = AutoSampler([("leaf", ForestLeafSampler())], n_samples=1.0, random_state=0)
    rows = sampler.fit_generate(X, y, teacher=Counting())
    assert calls == [300, 300]  # the held-out rows, then the scoring rows
    assert sampler.n_teacher_rows_ == 600
    assert rows.shape == (300, 2)
    sampler = AutoSampler(n_samples=2.0, budget=1500, random_state=0)
    rows = sampler.fit_generate(X, y, teacher=teacher)
    assert sampler.n_teacher_rows_total_ <= 1500
