"""Issue 25, core cases: memory=, the function cache, the marker, a budget in a union,
semi-supervised teachers with string labels, ragged rows of a row-wise function."""

import os
import sys
import types

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.semi_supervised import LabelSpreading, SelfTrainingClassifier
from sklearn.tree import DecisionTreeClassifier

from skmetamorph import FunctionTeacher, MetamorphosisClassifier
from skmetamorph.samplers import AdaptiveSampler, PoolSampler, UnionSampler
from skmetamorph.utils._sklearn_compat import InvalidParameterError

#: Rows the counting teacher function was asked about, reset before every test.
ROWS = {"n": 0}


@pytest.fixture(autouse=True)
def reset_rows():
    ROWS["n"] = 0


@pytest.fixture
def data():
    return make_classification(
        n_samples=60, n_features=4, n_informative=3, n_redundant=0, random_state=0
    )


def counting_halfplane(X):
    ROWS["n"] += X.shape[0]
    return (X[:, 0] > 0).astype(int)


# ------------------------------------------------------------ 1. memory's folder
def test_memory_at_a_file_names_memory(tmp_path, data):
    X, y = data
    path = tmp_path / "a_file"
    path.write_text("")
    for memory in (str(path), str(path / "below")):
        clf = MetamorphosisClassifier(LogisticRegression(), DecisionTreeClassifier(), memory=memory)
        with pytest.raises(ValueError, match="memory=.*folder"):
            clf.fit(X, y)
        assert not hasattr(clf, "student_")


def test_memory_in_an_unwritable_folder_names_memory(tmp_path, data, monkeypatch):
    X, y = data

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "cache"))

    # Tests may run as root, who can write anywhere: refuse as a read-only disk would.
    monkeypatch.setattr(os, "makedirs", refuse)
    clf = MetamorphosisClassifier(
        LogisticRegression(), DecisionTreeClassifier(), memory=str(tmp_path / "cache")
    )
    with pytest.raises(ValueError, match="memory=.*Permission denied"):
        clf.fit(X, y)


# ------------------------------------------------ 2. the function cache's key
def _define(source, name="notebook_teacher_func"):
    """Define ``name`` in a fake ``__main__``-like module, as a notebook cell would."""
    module = sys.modules.setdefault(
        "skm_issue25_notebook", types.ModuleType("skm_issue25_notebook")
    )
    exec(compile(source, "<cell>", "exec"), module.__dict__)
    return module.__dict__[name]


@pytest.mark.parametrize(
    "first, second",
    [
        # The body changes.
        (
            "def notebook_teacher_func(X):\n    return (X[:, 0] > 0).astype(int)\n",
            "def notebook_teacher_func(X):\n    return (X[:, 1] > 0).astype(int)\n",
        ),
        # A default changes.
        (
            "def notebook_teacher_func(X, j=0):\n    return (X[:, j] > 0).astype(int)\n",
            "def notebook_teacher_func(X, j=1):\n    return (X[:, j] > 0).astype(int)\n",
        ),
        # A global the function reads changes.
        (
            "J = 0\ndef notebook_teacher_func(X):\n    return (X[:, J] > 0).astype(int)\n",
            "J = 1\ndef notebook_teacher_func(X):\n    return (X[:, J] > 0).astype(int)\n",
        ),
    ],
)
def test_a_redefined_function_misses_the_cache(tmp_path, data, first, second):
    X, y = data

    def fit(func):
        teacher = FunctionTeacher(func, task="classification", classes=[0, 1])
        return MetamorphosisClassifier(
            teacher,
            DecisionTreeClassifier(random_state=0),
            include_labeled=False,
            memory=str(tmp_path),
            random_state=0,
        ).fit(X, y)

    assert fit(_define(first)).fidelity(X) > 0.9
    new = _define(second)
    clf = fit(new)
    # The student learned the new function, not the cached labels of the old one.
    assert clf.fidelity(X) > 0.9
    np.testing.assert_array_equal(clf.teacher_.predict(X), new(X))


def test_the_same_function_still_hits_the_cache(tmp_path, data):
    X, y = data
    source = "def notebook_teacher_func(X):\n    return (X[:, 0] > 0).astype(int)\n"
    for _ in range(2):
        func = _define(source)  # redefined with the same code: the same key
        teacher = FunctionTeacher(func, task="classification", classes=[0, 1])
        MetamorphosisClassifier(
            teacher,
            DecisionTreeClassifier(random_state=0),
            memory=str(tmp_path),
            random_state=0,
        ).fit(X, y)
    # One teacher fit and one labeled transfer set were stored, then loaded.
    assert len(list(tmp_path.rglob("output.pkl"))) == 2


def test_a_value_the_cache_cannot_compare_is_warned_about(tmp_path, data):
    X, y = data
    func = _define(
        "import threading\nLOCK = threading.Lock()\n"
        "def notebook_teacher_func(X):\n    with LOCK:\n        return (X[:, 0] > 0).astype(int)\n"
    )
    teacher = FunctionTeacher(func, task="classification", classes=[0, 1])
    clf = MetamorphosisClassifier(teacher, DecisionTreeClassifier(), memory=str(tmp_path))
    with pytest.warns(UserWarning, match="memory= cannot tell whether LOCK"):
        clf.fit(X, y)


# ------------------------------------------------------------- 3. a bool marker
@pytest.mark.parametrize("marker", [True, False])
def test_a_bool_marker_is_rejected(marker):
    X = np.random.RandomState(0).normal(size=(30, 3))
    y = np.arange(30) % 3
    clf = MetamorphosisClassifier(
        LogisticRegression(), DecisionTreeClassifier(), unlabeled_marker=marker
    )
    with pytest.raises(InvalidParameterError, match="unlabeled_marker.*not a bool"):
        clf.fit(X, y)


# ----------------------------------------------- 4. an adaptive budget in a union
def test_the_adaptive_budget_holds_inside_a_union(data):
    X, y = data
    X = X[:40]
    union = UnionSampler(
        [
            ("pool", PoolSampler()),
            (
                "adaptive",
                AdaptiveSampler(
                    PoolSampler(),
                    budget=40,
                    round_size=10,
                    student=RandomForestClassifier(n_estimators=5, random_state=0),
                ),
            ),
        ],
        random_state=0,
    )
    teacher = FunctionTeacher(counting_halfplane, task="classification", classes=[0, 1])
    clf = MetamorphosisClassifier(
        teacher, DecisionTreeClassifier(random_state=0), union, batch_size=16, random_state=0
    ).fit(X, y[:40])
    assert clf.n_transfer_samples_ == 80
    assert ROWS["n"] == 80  # 40 pool rows + the 40 of the budget, each labeled once
    np.testing.assert_array_equal(clf.predict(X), clf.student_.predict(X))


def test_a_union_hands_over_its_parts_answers(data):
    X, y = data
    teacher = LogisticRegression().fit(X, y)
    adaptive = AdaptiveSampler(
        PoolSampler(),
        budget=20,
        round_size=10,
        student=RandomForestClassifier(n_estimators=5, random_state=0),
    )
    union = UnionSampler([("pool", PoolSampler()), ("adaptive", adaptive)], random_state=0)
    plan = union.fit_plan(X, y, teacher=teacher)
    assert len(plan) == 80
    assert plan.outputs(0, 70) is None  # pool rows: the teacher was never asked
    outputs = plan.outputs(60, 80)
    np.testing.assert_array_equal(outputs["predict"], teacher.predict(plan.rows(60, 80)))
    parts = plan.output_parts(50, 75)
    assert [(lo, hi, out is None) for lo, hi, out in parts] == [(50, 60, True), (60, 75, False)]


# ------------------------------------- 5. semi-supervised teachers, string labels
def test_label_spreading_with_string_labels_gets_a_clear_error():
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    labels = np.array(["cat", "dog"], dtype=object)[y]
    labels[::3] = -1
    clf = MetamorphosisClassifier(LabelSpreading(), DecisionTreeClassifier())
    with pytest.raises(ValueError, match="LabelSpreading.*string.*integer"):
        clf.fit(X, labels)
    # A semi-supervised teacher that takes string labels still does.
    clf = MetamorphosisClassifier(
        SelfTrainingClassifier(LogisticRegression()), DecisionTreeClassifier()
    ).fit(X, labels)
    assert clf.classes_.tolist() == ["cat", "dog"]


# ----------------------------------------------- 6. ragged rows of a row-wise function
def ragged(row):
    return np.zeros(1 + int(row[0] > 0))


def test_ragged_rows_name_the_function_and_the_shapes():
    X = np.array([[-1.0, 0.0], [1.0, 0.0], [-2.0, 0.0]])
    teacher = FunctionTeacher(ragged, vectorized=False).fit()
    with pytest.raises(ValueError, match=r"ragged.*\(1,\).*\(2,\)"):
        teacher.predict(X)
    # One shape within each chunk, another in the next chunk.
    teacher = FunctionTeacher(ragged, vectorized=False, batch_size=1).fit()
    with pytest.raises(ValueError, match="ragged returned values of different shapes"):
        teacher.predict(X)
