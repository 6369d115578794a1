"""Chunked transfer sets: memory-bounded labeling, students trained with partial_fit, progress."""

import re
import tracemalloc

import numpy as np
import pytest
from joblib import parallel_config
from sklearn.datasets import make_classification, make_friedman1
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.neural_network import MLPClassifier
from sklearn.tree import DecisionTreeClassifier

from skmetamorph import MetamorphosisClassifier, MetamorphosisRegressor
from skmetamorph._engine import label_transfer_set, stream_to_student
from skmetamorph._labeling import HardLabeler, SoftLabeler
from skmetamorph._progress import Progress
from skmetamorph.base import transfer_plan
from skmetamorph.samplers import MUNGE, GaussianNoiseSampler, PoolSampler


@pytest.fixture(scope="module")
def data():
    """Three classes, standardised (SGD students need scaled features), sorted by class."""
    X, y = make_classification(
        n_samples=900, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    order = np.argsort(y, kind="stable")  # sorted data: chunks must still mix classes
    X_train, y_train = X[order][::3].copy(), y[order][::3].copy()
    keep = np.ones(len(y), dtype=bool)
    keep[order[::3]] = False
    return X_train, y_train, X[keep], y[keep]


def make_clf(**params):
    defaults = dict(
        teacher=RandomForestClassifier(n_estimators=30),
        student=SGDClassifier(loss="log_loss"),
        transfer_sampler=MUNGE(n_samples=20.0),
        batch_size=500,
        random_state=0,
    )
    defaults.update(params)
    return MetamorphosisClassifier(**defaults)


class RecordingSGD(SGDClassifier):
    """An SGDClassifier that records the size of every chunk it is given, and refuses fit."""

    def fit(self, X, y, **kwargs):
        raise AssertionError("a streamed fit must not call the student's fit")

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        self.__dict__.setdefault("chunk_sizes_", []).append(X.shape[0])
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)


class NoWeightPartialFit(SGDClassifier):
    """partial_fit without sample_weight."""

    def partial_fit(self, X, y, classes=None):
        return super().partial_fit(X, y, classes=classes)


# ------------------------------------------------------------- streamed students
def test_streamed_student_learns_the_teacher_as_well_as_a_materialised_one(data):
    X, y, X_test, _ = data
    materialised = make_clf(student=SGDClassifier(loss="log_loss", max_iter=5, tol=None)).fit(X, y)
    streamed = make_clf(streaming=True, n_passes=5).fit(X, y)
    assert streamed.n_transfer_samples_ == materialised.n_transfer_samples_ == 20 * len(X)
    # A linear student copies this forest only so far (0.76 for both here).
    assert streamed.fidelity(X_test) > 0.7
    assert streamed.fidelity(X_test) > materialised.fidelity(X_test) - 0.05


def test_streaming_never_materialises_the_transfer_set(data, monkeypatch):
    X, y, _, _ = data

    def fail(*args, **kwargs):
        raise AssertionError("streaming=True must not build the whole transfer set")

    monkeypatch.setattr("skmetamorph._meta_estimator.label_transfer_set", fail)
    clf = make_clf(student=RecordingSGD(loss="log_loss"), streaming=True, n_passes=3).fit(X, y)
    sizes = clf.student_.chunk_sizes_
    assert max(sizes) <= clf.batch_size
    # Every pass visits every transfer row and every labeled row once.
    assert sum(sizes) == 3 * (clf.n_transfer_samples_ + len(X))
    n_chunks = -(-clf.n_transfer_samples_ // 500) + -(-len(X) // 500)
    assert len(sizes) == 3 * n_chunks


def test_streamed_soft_labels_through_sample_weight(data):
    X, y, X_test, _ = data
    clf = make_clf(
        student=RecordingSGD(loss="log_loss"),
        labels="soft",
        temperature=2.0,
        streaming=True,
        n_passes=5,
    ).fit(X, y)
    # Each row is repeated once per class it keeps (at most 3 here).
    assert max(clf.student_.chunk_sizes_) <= 3 * clf.batch_size
    assert max(clf.student_.chunk_sizes_) > clf.batch_size
    assert clf.fidelity(X_test) > 0.65


@pytest.mark.parametrize("labels", ["hard", "soft"])
def test_streamed_fit_does_not_depend_on_n_jobs(data, labels):
    X, y, X_test, _ = data
    one = make_clf(labels=labels, streaming=True, n_passes=2).fit(X, y)
    with parallel_config(backend="threading"):
        two = make_clf(labels=labels, streaming=True, n_passes=2, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(one.student_.coef_, two.student_.coef_)
    np.testing.assert_array_equal(one.predict(X_test), two.predict(X_test))


def test_streamed_fit_is_reproducible_and_passes_differ_in_order(data):
    X, y, X_test, _ = data
    first = make_clf(streaming=True, n_passes=2).fit(X, y)
    again = make_clf(streaming=True, n_passes=2).fit(X, y)
    np.testing.assert_array_equal(first.student_.coef_, again.student_.coef_)
    other = make_clf(streaming=True, n_passes=2, random_state=1).fit(X, y)
    assert not np.array_equal(first.student_.coef_, other.student_.coef_)


def test_streaming_needs_partial_fit(data):
    X, y, _, _ = data
    with pytest.raises(ValueError, match="DecisionTreeClassifier has no partial_fit"):
        make_clf(student=DecisionTreeClassifier(), streaming=True).fit(X, y)
    with pytest.raises(ValueError, match="partial_fit has no sample_weight"):
        make_clf(student=NoWeightPartialFit(), labels="soft", streaming=True).fit(X, y)
    # Hard labels need no sample_weight.
    make_clf(student=NoWeightPartialFit(), streaming=True).fit(X, y)


def test_streaming_with_the_pool_and_without_labeled_rows(data):
    X, y, X_test, _ = data
    y_semi = y.copy()
    y_semi[::2] = -1
    clf = make_clf(
        student=RecordingSGD(),
        transfer_sampler=PoolSampler(),
        include_labeled=False,
        streaming=True,
        n_passes=4,
    ).fit(X, y_semi)
    assert clf.n_transfer_samples_ == (y_semi == -1).sum()
    assert sum(clf.student_.chunk_sizes_) == 4 * clf.n_transfer_samples_


def test_streamed_mlp_student(data):
    X, y, X_test, _ = data
    clf = make_clf(
        student=MLPClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01),
        streaming=True,
        n_passes=3,
    ).fit(X, y)
    assert clf.fidelity(X_test) > 0.8
    np.testing.assert_array_equal(clf.student_.classes_, clf.classes_)


def test_streamed_regressor():
    X, y = make_friedman1(n_samples=400, random_state=0)
    params = dict(
        teacher=RandomForestRegressor(n_estimators=30),
        student=SGDRegressor(),
        transfer_sampler=GaussianNoiseSampler(n_samples=20.0, scale=0.2),
        streaming=True,
        n_passes=5,
        batch_size=700,
        random_state=0,
    )
    reg = MetamorphosisRegressor(**params).fit(X[:300], y[:300])
    assert reg.n_transfer_samples_ == 6000
    assert reg.fidelity(X[300:]) > 0.5
    with parallel_config(backend="threading"):
        parallel = MetamorphosisRegressor(**params, n_jobs=2).fit(X[:300], y[:300])
    np.testing.assert_array_equal(reg.student_.coef_, parallel.student_.coef_)
    with pytest.raises(ValueError, match="has no partial_fit"):
        MetamorphosisRegressor(
            RandomForestRegressor(n_estimators=5), RandomForestRegressor(), streaming=True
        ).fit(X, y)


def test_streamed_torch_student_trains_one_epoch_per_chunk(data):
    pytest.importorskip("skorch", reason="needs the torch extra: pip install -e '.[torch]'")
    import torch

    from skmetamorph.torch import MLP, TorchClassifier

    X, y, X_test, _ = data
    student = TorchClassifier(
        MLP, module__hidden_units=(16,), optimizer=torch.optim.Adam, lr=0.01, max_epochs=50
    )
    clf = make_clf(
        student=student, labels="soft", temperature=2.0, alpha=0.5, streaming=True, n_passes=2
    ).fit(X.astype(np.float32), y)
    n_chunks = -(-clf.n_transfer_samples_ // 500) + -(-len(X) // 500)
    # max_epochs=50 is ignored: the passes are the epochs, one per chunk.
    assert len(clf.student_.history_) == 2 * n_chunks
    assert clf.student_.temperature_ == 2.0
    assert clf.fidelity(X_test.astype(np.float32)) > 0.7


# ------------------------------------------------------------ materialised path
def test_chunked_generation_does_not_depend_on_batch_size_or_n_jobs(data):
    X, y, X_test, _ = data
    params = dict(student=DecisionTreeClassifier(), labels="soft")
    one = make_clf(**params, batch_size=100_000).fit(X, y)
    with parallel_config(backend="threading"):
        chunked = make_clf(**params, batch_size=97, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(one.predict_proba(X_test), chunked.predict_proba(X_test))


def test_multiprocessing_backend_without_result_generators(data):
    X, y, X_test, _ = data
    one = make_clf(student=DecisionTreeClassifier(), batch_size=2000).fit(X, y)
    with parallel_config(backend="multiprocessing"):
        multi = make_clf(student=DecisionTreeClassifier(), batch_size=2000, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(one.predict(X_test), multi.predict(X_test))


def _peak_bytes(function):
    tracemalloc.start()
    try:
        result = function()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def test_memory_beyond_the_transfer_set_is_a_few_chunks(data):
    X, y, _, _ = data
    teacher = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    labeler = SoftLabeler(teacher, np.unique(y))
    batch_size = 1000
    chunk_bytes = batch_size * X.shape[1] * 8
    extra = []
    for n_samples in [20_000, 80_000]:
        plan = transfer_plan(MUNGE(n_samples=n_samples, random_state=0), X, y, teacher=teacher)
        progress = Progress("Test", "labeling", n_samples, 0)
        peak, (rows, targets) = _peak_bytes(
            lambda plan=plan, progress=progress: label_transfer_set(
                plan, labeler, X[:0], None, batch_size=batch_size, n_jobs=None, progress=progress
            )
        )
        assert rows.shape == (n_samples, X.shape[1]) and targets.shape == (n_samples, 3)
        extra.append(peak - rows.nbytes - targets.nbytes)
    # MUNGE's temporaries and the teacher's are some chunks' worth, the same
    # for 4x the rows: the transfer set (up to 80 chunks) is never copied.
    assert max(extra) < 20 * chunk_bytes
    assert extra[1] < extra[0] + 5 * chunk_bytes  # 60 more chunks in the result


def test_streamed_memory_does_not_grow_with_the_transfer_set(data):
    X, y, _, _ = data
    teacher = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    labeler = HardLabeler(teacher, np.unique(y))
    peaks = []
    for n_samples in [20_000, 160_000]:
        plan = transfer_plan(MUNGE(n_samples=n_samples, random_state=0), X, y, teacher=teacher)
        student = SGDClassifier(random_state=0)
        peak, _ = _peak_bytes(
            lambda plan=plan, student=student: stream_to_student(
                lambda rows, targets, head: student.partial_fit(rows, targets, np.unique(y)),
                plan,
                labeler,
                X[:0],
                None,
                n_passes=1,
                batch_size=1000,
                n_jobs=None,
                rng=np.random.default_rng(0),
                progress=Progress("Test", "streaming", n_samples, 0),
            )
        )
        peaks.append(peak)
    # 8x the rows (160,000 rows = 10 MB of float64) and the same peak, within noise.
    assert peaks[1] < 1.3 * peaks[0] + 100_000
    assert peaks[1] < 160_000 * X.shape[1] * 8 / 4


# -------------------------------------------------------------------- progress
_LINE = re.compile(
    r"^\[(\w+)\] (\w+): [\d,]+/[\d,]+ rows \(\d+%\), [\d,]+ rows/s, (ETA \d+[smh\d]*|done in \S+)$"
)


def test_progress_lines_are_few_and_well_formed(capsys):
    clock = iter(np.arange(0, 1000, 0.5))
    progress = Progress(
        "Demo", "labeling", total=1_000_000, verbose=1, clock=lambda: float(next(clock))
    )
    for _ in range(1000):  # one update every half second, 500 s in all
        progress.update(1000)
    lines = capsys.readouterr().out.splitlines()
    assert 5 <= len(lines) <= 11  # at most one per tenth, plus the last
    assert all(_LINE.match(line) for line in lines), lines
    assert lines[0].startswith("[Demo] labeling: 100,000/1,000,000 rows (10%)")
    assert "ETA" in lines[0] and lines[-1].endswith("done in 8m20s")


def test_progress_is_throttled_in_time(capsys):
    clock = iter(np.arange(0, 1000, 0.01))
    progress = Progress("Demo", "labeling", 100, verbose=1, clock=lambda: float(next(clock)))
    for _ in range(100):  # a whole loop in one second: no line at all
        progress.update(1)
    assert capsys.readouterr().out == ""
    progress = Progress("Demo", "labeling", 100, verbose=0)
    progress.update(100)
    assert capsys.readouterr().out == ""


def test_verbose_streaming_prints_progress_per_chunk(data, capsys):
    X, y, _, _ = data
    make_clf(streaming=True, verbose=2).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    progress = [line for line in lines if _LINE.match(line)]
    assert progress and all("streaming" in line for line in progress)
    assert progress[-1].startswith(f"[MetamorphosisClassifier] streaming: {21 * len(X):,}/")
    assert any(line.startswith("[MetamorphosisClassifier] student fit (") for line in lines)
