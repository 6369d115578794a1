"""The shared contract of both meta-estimators, tested once for the classifier and the regressor.

Everything here is behaviour that lives in ``BaseMetamorphosis`` and must not
drift between the two tasks: seeding (lists of teachers included), clone and
pickle, verbose stages, the empty transfer set, frozen teachers, streaming,
invariance to ``n_jobs`` and ``batch_size``, and the transfer rows being the
sampler's own ``fit_generate`` rows.
"""

import pickle
import re
import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_friedman1
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skmetamorph import MetamorphosisClassifier, MetamorphosisRegressor
from skmetamorph.samplers import (
    MUNGE,
    ConfidenceSampler,
    GaussianNoiseSampler,
    GMMSampler,
    KDESampler,
    PoolSampler,
    UniformSampler,
    UnionSampler,
)


class _Task:
    """What differs between the two tasks in these tests: data, estimators, unlabeled marker."""

    def __init__(self, name, meta, data, teachers, student, streaming_student, unlabel):
        self.name, self.meta = name, meta
        self.data, self.teachers = data, teachers
        self.student, self.streaming_student, self.unlabel = student, streaming_student, unlabel

    def make(self, teacher=None, student=None, sampler=None, **params):
        teacher = self.teachers[0]() if teacher is None else teacher
        student = self.student() if student is None else student
        return self.meta(teacher, student, sampler, **params)

    def __repr__(self):
        return self.name


def _classification():
    X, y = make_classification(
        n_samples=240, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    return X[:180], y[:180], X[180:]


def _regression():
    X, y = make_friedman1(n_samples=240, random_state=0)
    return X[:180], y[:180], X[180:]


def _unlabel_classes(y, mask):
    y = y.copy()
    y[mask] = -1
    return y


def _unlabel_targets(y, mask):
    y = y.astype(float).copy()
    y[mask] = np.nan
    return y


TASKS = [
    _Task(
        "classifier",
        MetamorphosisClassifier,
        _classification,
        [
            lambda: RandomForestClassifier(n_estimators=5),
            lambda: ExtraTreesClassifier(n_estimators=5),
        ],
        lambda: DecisionTreeClassifier(max_depth=4),
        lambda: SGDClassifier(loss="log_loss"),
        _unlabel_classes,
    ),
    _Task(
        "regressor",
        MetamorphosisRegressor,
        _regression,
        [
            lambda: RandomForestRegressor(n_estimators=5),
            lambda: ExtraTreesRegressor(n_estimators=5),
        ],
        lambda: DecisionTreeRegressor(max_depth=4),
        lambda: SGDRegressor(),
        _unlabel_targets,
    ),
]

tasks = pytest.mark.parametrize("task", TASKS, ids=repr)


def _outputs(model, X):
    """What two equal models must agree on: probabilities for a classifier, else predictions."""
    if hasattr(model, "predict_proba"):
        return model.predict_proba(X)
    return model.predict(X)


# ------------------------------------------------------------------- seeding
@tasks
def test_a_list_of_teachers_is_seeded_and_two_fits_agree(task):
    # The example of issue 10: unseeded members of a teacher list get seeds
    # from the meta-estimator's random_state, so two fits are identical.
    X, y, X_test = task.data()

    def make():
        return task.make(
            teacher=[factory() for factory in task.teachers],
            sampler=MUNGE(n_samples=2.0),
            random_state=0,
            **({"labels": "soft"} if task.name == "classifier" else {}),
        )

    first, second = make().fit(X, y), make().fit(X, y)
    np.testing.assert_array_equal(_outputs(first, X_test), _outputs(second, X_test))
    seeds = [member.random_state for member in first.teacher_.teachers_]
    assert all(isinstance(seed, int) for seed in seeds) and len(set(seeds)) == 2
    # The user's objects are never changed.
    assert all(t.random_state is None for t in make().teacher)


@tasks
def test_user_set_seeds_are_kept_and_unseeded_runs_differ(task):
    X, y, X_test = task.data()
    teacher = task.teachers[0]().set_params(random_state=7)
    model = task.make(teacher=teacher, sampler=MUNGE(n_samples=2.0), random_state=0).fit(X, y)
    assert model.teacher_.random_state == 7
    assert isinstance(model.student_.random_state, int)
    unseeded = [task.make(sampler=MUNGE(n_samples=2.0)).fit(X, y) for _ in range(2)]
    assert unseeded[0].student_.random_state is None
    assert not np.array_equal(_outputs(unseeded[0], X_test), _outputs(unseeded[1], X_test))


# ------------------------------------------------------------ clone, pickle
@tasks
def test_clone_and_pickle_give_the_same_model(task):
    X, y, X_test = task.data()
    model = task.make(sampler=GaussianNoiseSampler(n_samples=2.0), random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(_outputs(restored, X_test), _outputs(model, X_test))
    assert restored.fidelity(X_test) == model.fidelity(X_test)
    refit = clone(model).fit(X, y)
    np.testing.assert_array_equal(_outputs(refit, X_test), _outputs(model, X_test))
    assert not hasattr(clone(model), "student_")


# -------------------------------------------------------------------- stages
@tasks
@pytest.mark.parametrize("streaming", [False, True])
def test_verbose_prints_every_stage_in_order(task, streaming, capsys):
    X, y, _ = task.data()
    student = task.streaming_student() if streaming else None
    task.make(
        student=student,
        sampler=MUNGE(n_samples=2.0),
        streaming=streaming,
        verbose=1,
        random_state=0,
    ).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    stages = [re.match(r"\[(\w+)\] ([a-z ]+?)(?: \(|:)", line).groups() for line in lines]
    expected = ["teacher fit", "generation"] + ([] if streaming else ["labeling"])
    assert [stage for _, stage in stages] == expected + ["student fit"]
    assert {owner for owner, _ in stages} == {task.meta.__name__}
    assert f"{2 * len(X)} transfer rows" in lines[1]


# --------------------------------------------------------- empty transfer set
@tasks
def test_an_empty_transfer_set_without_labeled_rows_is_a_clear_error(task):
    X, y, _ = task.data()
    model = task.make(sampler=PoolSampler(pool="unlabeled"), include_labeled=False)
    with pytest.raises(ValueError, match="The transfer set is empty: PoolSampler made no rows"):
        model.fit(X, y)
    assert not hasattr(model, "student_")
    # With the labeled rows kept, the student learns from them alone.
    kept = task.make(sampler=PoolSampler(pool="unlabeled")).fit(X, y)
    assert kept.n_transfer_samples_ == 0


# ------------------------------------------------------------ frozen teacher
@tasks
def test_a_frozen_teacher_is_used_as_is(task):
    X, y, X_test = task.data()
    fitted = task.teachers[0]().set_params(random_state=0).fit(X, y)
    model = task.make(teacher=FrozenEstimator(fitted), random_state=0).fit(X, y)
    assert model.teacher_.estimator is fitted
    np.testing.assert_array_equal(model.teacher_.predict(X_test), fitted.predict(X_test))


# ----------------------------------------------------------------- streaming
@tasks
def test_streaming_and_materialising_see_the_same_rows(task):
    X, y, X_test = task.data()
    seen = {}

    class Recording(type(task.streaming_student())):
        def partial_fit(self, X, y, *args, **kwargs):
            seen.setdefault("rows", []).append(np.array(X))
            return super().partial_fit(X, y, *args, **kwargs)

    params = dict(sampler=MUNGE(n_samples=3.0), include_labeled=False, random_state=0)
    streamed = task.make(student=Recording(), streaming=True, batch_size=50, **params)
    streamed.fit(X, y)
    materialised = task.make(**params).fit(X, y)
    rows = np.concatenate(seen["rows"])
    expected = materialised.transfer_sampler_.fit_generate(X, y, teacher=materialised.teacher_)
    # The same rows, in a shuffled chunk order.
    np.testing.assert_array_equal(np.sort(rows, axis=0), np.sort(expected, axis=0))


# ------------------------------------------------- n_jobs and batch_size
@tasks
@pytest.mark.parametrize(
    "sampler",
    [
        MUNGE(n_samples=3.0),
        KDESampler(n_samples=2.0),
        UnionSampler(
            [("pool", PoolSampler(pool="all")), ("uniform", UniformSampler(n_samples=50))]
        ),
    ],
    ids=["munge", "kde", "union"],
)
def test_the_model_does_not_depend_on_n_jobs_or_batch_size(task, sampler):
    X, y, X_test = task.data()
    reference = task.make(sampler=sampler, random_state=0).fit(X, y)
    for params in [dict(batch_size=37), dict(batch_size=37, n_jobs=2), dict(batch_size=1000)]:
        other = task.make(sampler=sampler, random_state=0, **params).fit(X, y)
        np.testing.assert_array_equal(_outputs(other, X_test), _outputs(reference, X_test))


# ------------------------------------------- the transfer rows the student saw
def _recording(student_class):
    class Recording(student_class):
        def fit(self, X, y, sample_weight=None):
            self.seen_rows_ = np.array(X)
            return super().fit(X, y, sample_weight=sample_weight)

    return Recording


SAMPLERS = [
    PoolSampler(pool="all"),
    ConfidenceSampler(threshold=0.5),
    MUNGE(n_samples=2.5),
    GaussianNoiseSampler(n_samples=2.0),
    UniformSampler(n_samples=100),
    KDESampler(n_samples=2.0),
    GMMSampler(n_samples=2.0, n_components=2),
    UnionSampler([("munge", MUNGE()), ("noise", GaussianNoiseSampler())]),
]


@tasks
@pytest.mark.parametrize("sampler", SAMPLERS, ids=lambda s: type(s).__name__)
def test_the_student_learns_from_fit_generate_rows(task, sampler):
    # The documented verb gives the rows the student was trained on.
    if task.name == "regressor" and isinstance(sampler, ConfidenceSampler):
        pytest.skip("ConfidenceSampler needs a teacher with predict_proba")
    X, y, _ = task.data()
    y = task.unlabel(y, np.arange(len(y)) % 3 == 0)
    student = _recording(type(task.student()))(max_depth=4)
    model = task.make(
        student=student, sampler=sampler, include_labeled=False, batch_size=23, random_state=0
    ).fit(X, y)
    sampler_y = y if task.name == "classifier" else np.where(np.isnan(y), -1, 0)
    expected = model.transfer_sampler_.fit_generate(X, sampler_y, teacher=model.teacher_)
    np.testing.assert_array_equal(model.student_.seen_rows_, expected)


# ------------------------------------------------------------ optional deps
def test_fitting_a_plain_model_imports_neither_torch_nor_skorch():
    code = (
        "import sys\n"
        "from sklearn.datasets import make_classification\n"
        "from sklearn.ensemble import RandomForestClassifier\n"
        "from sklearn.tree import DecisionTreeClassifier\n"
        "from skmetamorph import MetamorphosisClassifier\n"
        "from skmetamorph.samplers import MUNGE\n"
        "X, y = make_classification(random_state=0)\n"
        "MetamorphosisClassifier(RandomForestClassifier(n_estimators=3),\n"
        "    DecisionTreeClassifier(), MUNGE(), labels='soft').fit(X, y).predict(X)\n"
        "assert 'torch' not in sys.modules and 'skorch' not in sys.modules, [\n"
        "    m for m in sys.modules if m.startswith(('torch', 'skorch'))]\n"
    )
    import subprocess

    subprocess.run([sys.executable, "-c", code], check=True)


#: skorch named anywhere, or an import of torch or of our torch subpackage.
_NAMES_TORCH = (
    r"\bskorch\b|^\s*(import torch|from torch|from \.+torch|import skmetamorph\.torch"
    r"|from skmetamorph\.torch|from skmetamorph import torch)"
)


def test_no_module_outside_the_torch_subpackage_names_skorch_or_imports_torch():
    from pathlib import Path

    import skmetamorph

    root = Path(skmetamorph.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "torch" not in path.relative_to(root).parts[:1]
        and re.search(_NAMES_TORCH, path.read_text(), flags=re.MULTILINE)
    ]
    assert offenders == []
