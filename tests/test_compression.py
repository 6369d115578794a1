"""compression_report and CompressionDisplay: exact sizes, honest timings, clear errors."""

import pickle
import subprocess
import sys
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin, clone  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.ensemble import (  # noqa: E402
    GradientBoostingClassifier,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.frozen import FrozenEstimator  # noqa: E402
from sklearn.linear_model import LinearRegression, LogisticRegression  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import SVC  # noqa: E402
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor  # noqa: E402

from skmetamorph import MetamorphosisClassifier, MetamorphosisRegressor  # noqa: E402
from skmetamorph.inspection import CompressionDisplay  # noqa: E402
from skmetamorph.metrics import compression_report, fidelity_score  # noqa: E402
from skmetamorph.metrics._compression import FIELDS  # noqa: E402

FAST = {"n_repeats": 1, "serialized_size": False}  # the size tests need no timing to speak of


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=300, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    return X[:200], y[:200], X[200:], y[200:]


@pytest.fixture(scope="module")
def forest(data):
    X, y, _, _ = data
    return RandomForestClassifier(n_estimators=8, max_depth=6, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def tree(data, forest):
    X, _, _, _ = data
    return DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, forest.predict(X))


def _by_name(report):
    return {record["model"]: record for record in report}


class SleepyClassifier(ClassifierMixin, BaseEstimator):
    """A tree whose predict waits ``delay`` seconds first: a slow model of known latency."""

    def __init__(self, delay=0.01):
        self.delay = delay

    def fit(self, X, y):
        self.tree_model_ = DecisionTreeClassifier(random_state=0).fit(X, y)
        self.classes_ = self.tree_model_.classes_
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X):
        time.sleep(self.delay)
        return self.tree_model_.predict(X)


# ------------------------------------------------------------------ sizes
def test_torch_net_parameters_are_counted_exactly(data):
    torch = pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")
    pytest.importorskip("skorch", reason="needs the torch extra: pip install -e '.[torch]'")
    from skmetamorph.torch import MLP, TorchClassifier

    X, y, _, _ = data
    X4 = X[:, :4].astype(np.float32)
    net = TorchClassifier(MLP, module__hidden_units=(5,), max_epochs=1, random_state=0)
    net.fit(X4, y)
    record = compression_report(net, net, X4, **FAST)[0]
    assert record["n_parameters"] == 4 * 5 + 5 + 5 * 3 + 3 == 43
    assert record["n_nodes"] is None and record["n_leaves"] is None
    assert record["estimator"] == "TorchClassifier"

    # Frozen parameters are parameters too: the count does not change.
    for parameter in net.module_.layers[0].parameters():
        parameter.requires_grad_(False)
    assert compression_report(net, net, X4, **FAST)[0]["n_parameters"] == 43
    assert sum(p.numel() for p in net.module_.parameters()) == 43
    assert isinstance(net.module_, torch.nn.Module)


def test_tree_forest_and_linear_sizes(data, forest, tree):
    X, y, _, _ = data
    logistic = LogisticRegression(max_iter=500).fit(X, y)
    boosting = GradientBoostingClassifier(n_estimators=3, max_depth=2, random_state=0).fit(X, y)
    report = _by_name(
        compression_report(
            forest, {"tree": tree, "logistic": logistic, "boosting": boosting}, X, **FAST
        )
    )
    assert report["tree"]["n_parameters"] == tree.tree_.node_count
    assert report["tree"]["n_nodes"] == tree.tree_.node_count
    assert report["tree"]["n_leaves"] == tree.get_n_leaves()

    nodes = sum(member.tree_.node_count for member in forest.estimators_)
    assert report["teacher"]["n_parameters"] == report["teacher"]["n_nodes"] == nodes
    assert report["teacher"]["n_leaves"] == sum(m.get_n_leaves() for m in forest.estimators_)
    # Boosting keeps a 2-D array of trees (one per class and stage).
    assert report["boosting"]["n_nodes"] == sum(
        member.tree_.node_count for member in boosting.estimators_.ravel()
    )

    assert report["logistic"]["n_parameters"] == logistic.coef_.size + logistic.intercept_.size
    assert report["logistic"]["n_nodes"] is None

    assert report["tree"]["parameter_ratio"] == pytest.approx(tree.tree_.node_count / nodes)
    assert report["teacher"]["parameter_ratio"] == 1.0


def test_unknown_sizes_are_none_never_a_guess(data, forest):
    X, y, _, _ = data
    svc = SVC().fit(X, y)
    report = _by_name(
        compression_report(
            forest,
            {
                "svc": svc,
                "scaled_svc": make_pipeline(StandardScaler(), SVC()).fit(X, y),
                "voting_with_svc": _voting(svc, X, y),
            },
            X,
            **FAST,
        )
    )
    for name in ("svc", "scaled_svc", "voting_with_svc"):
        assert report[name]["n_parameters"] is None, name
        assert report[name]["parameter_ratio"] is None, name


def _voting(svc, X, y):
    from sklearn.ensemble import VotingClassifier

    tree = DecisionTreeClassifier(max_depth=2, random_state=0)
    return VotingClassifier([("svc", clone(svc)), ("tree", tree)]).fit(X, y)


def test_wrappers_count_what_they_wrap(data, forest):
    X, y, _, _ = data
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, y)
    logistic = pipeline[-1]
    mlp = MLPClassifier(hidden_layer_sizes=(7,), max_iter=20, random_state=0)
    with pytest.warns(Warning):  # 20 iterations do not converge; that is not the point here
        mlp.fit(X, y)
    report = _by_name(
        compression_report(
            FrozenEstimator(forest),
            {"pipeline": pipeline, "mlp": mlp},
            X,
            **FAST,
        )
    )
    assert report["teacher"]["n_nodes"] == sum(m.tree_.node_count for m in forest.estimators_)
    assert report["pipeline"]["n_parameters"] == logistic.coef_.size + logistic.intercept_.size
    assert report["mlp"]["n_parameters"] == 6 * 7 + 7 + 7 * 3 + 3


def test_a_metamorphosis_estimator_is_measured_as_its_student(data):
    X, y, X_test, y_test = data
    model = MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=5),
        DecisionTreeClassifier(max_depth=3),
        random_state=0,
    ).fit(X, y)
    by_teacher_none = compression_report(None, model, X_test, y_test, **FAST)
    by_name = compression_report(model, X=X_test, y=y_test, **FAST)
    for report in (by_teacher_none, by_name):
        teacher, student = report
        assert student["estimator"] == "DecisionTreeClassifier"
        assert student["n_nodes"] == model.student_.tree_.node_count
        assert teacher["estimator"] == "RandomForestClassifier"
        assert teacher["n_nodes"] == sum(m.tree_.node_count for m in model.teacher_.estimators_)
        assert student["fidelity"] == pytest.approx(model.fidelity(X_test))
        assert student["accuracy"] == pytest.approx(model.score(X_test, y_test))


def test_a_regressor_student_of_a_classifier_is_scored_on_classes(data):
    X, y, X_test, y_test = data
    model = MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=5),
        DecisionTreeRegressor(max_depth=4),
        labels="proba",
        random_state=0,
    ).fit(X, y)
    _, student = compression_report(None, model, X_test, y_test, **FAST)
    assert student["estimator"] == "DecisionTreeRegressor"
    assert student["fidelity"] == pytest.approx(model.fidelity(X_test))
    assert student["accuracy"] == pytest.approx(model.score(X_test, y_test))


def test_a_net_on_a_cuda_device_is_synchronized_around_each_timing(data, monkeypatch):
    # No GPU needed: a net whose parameters say they are on CUDA, and a
    # counting torch.cuda.synchronize in place of the real one.
    torch = pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")
    X, y, X_test, _ = data

    class FakeCudaParameter:
        is_cuda = True

        def numel(self):
            return 3

    class OnCuda(torch.nn.Module):
        def parameters(self, recurse=True):
            return iter([FakeCudaParameter()])

    class CudaNet(SleepyClassifier):
        def fit(self, X, y):
            self.module_ = OnCuda()
            return super().fit(X, y)

    calls = []
    monkeypatch.setattr(torch.cuda, "synchronize", lambda *args: calls.append(args))
    net = CudaNet(delay=0).fit(X, y)
    report = compression_report(net, DecisionTreeClassifier().fit(X, y), X_test, n_repeats=3)
    # Before and after each of the 3 timed calls, on one row and on the batch;
    # none for the tree.
    assert len(calls) == 2 * 3 * 2
    assert report[0]["n_parameters"] == 3


@pytest.mark.cuda
def test_a_net_on_a_gpu_is_timed(data):
    torch = pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")
    pytest.importorskip("skorch", reason="needs the torch extra: pip install -e '.[torch]'")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU")
    from skmetamorph.torch import MLP, TorchClassifier

    X, y, X_test, _ = data
    X, X_test = X.astype(np.float32), X_test.astype(np.float32)
    net = TorchClassifier(
        MLP, module__hidden_units=(5,), max_epochs=1, device="cuda", random_state=0
    ).fit(X, y)
    teacher, student = compression_report(net, DecisionTreeClassifier().fit(X, y), X_test)
    assert teacher["n_parameters"] == 6 * 5 + 5 + 5 * 3 + 3
    assert teacher["latency_batch_s"] > 0


# ------------------------------------------------------- agreement and table
def test_fidelity_and_accuracy_are_those_of_the_library(data, forest, tree):
    X, y, X_test, y_test = data
    logistic = LogisticRegression(max_iter=500).fit(X, forest.predict(X))
    report = _by_name(
        compression_report(forest, {"tree": tree, "logistic": logistic}, X_test, y_test, **FAST)
    )
    assert report["teacher"]["fidelity"] == 1.0
    assert report["teacher"]["accuracy"] == pytest.approx(forest.score(X_test, y_test))
    for name, student in (("tree", tree), ("logistic", logistic)):
        assert report[name]["fidelity"] == pytest.approx(fidelity_score(forest, student, X_test))
        assert report[name]["accuracy"] == pytest.approx(student.score(X_test, y_test))
    # Not a copy: the numbers differ between the students.
    assert report["tree"]["fidelity"] != report["logistic"]["fidelity"]


def test_regression_uses_r2():
    X, y = make_regression(n_samples=200, n_features=5, noise=5.0, random_state=0)
    teacher = RandomForestRegressor(n_estimators=5, random_state=0).fit(X, y)
    student = LinearRegression().fit(X, teacher.predict(X))
    teacher_record, student_record = compression_report(teacher, student, X, y, **FAST)
    assert teacher_record["fidelity"] == 1.0
    assert teacher_record["accuracy"] == pytest.approx(teacher.score(X, y))
    assert student_record["fidelity"] == pytest.approx(fidelity_score(teacher, student, X))
    assert student_record["accuracy"] == pytest.approx(student.score(X, y))
    assert student_record["n_parameters"] == 5 + 1

    model = MetamorphosisRegressor(
        RandomForestRegressor(n_estimators=5),
        DecisionTreeRegressor(max_depth=3),
        random_state=0,
    ).fit(X, y)
    _, record = compression_report(None, model, X, y, **FAST)
    assert record["fidelity"] == pytest.approx(model.fidelity(X))


def test_students_in_order_and_a_dataframe(data, forest, tree):
    pd = pytest.importorskip(
        "pandas", reason="needs pandas, in the test extra: pip install -e '.[test]'"
    )
    X, y, X_test, y_test = data
    students = {"z_tree": tree, "a_linear": LogisticRegression(max_iter=500).fit(X, y)}
    report = compression_report(forest, students, X_test, y_test, n_repeats=2)
    assert [record["model"] for record in report] == ["teacher", "z_tree", "a_linear"]
    table = pd.DataFrame(report)
    assert list(table.columns) == list(FIELDS)
    assert len(table) == 3
    assert table["batch_rows"].tolist() == [len(X_test)] * 3
    assert (table["latency_row_s"] > 0).all() and (table["latency_batch_s"] > 0).all()
    np.testing.assert_allclose(
        table["rows_per_second"], table["batch_rows"] / table["latency_batch_s"]
    )
    assert table.loc[0, "serialized_bytes"] == len(
        pickle.dumps(forest, protocol=pickle.HIGHEST_PROTOCOL)
    )
    # One student: named "student".
    assert [r["model"] for r in compression_report(forest, tree, X_test, **FAST)] == [
        "teacher",
        "student",
    ]


def test_batch_size_and_serialized_size(data, forest, tree):
    _, _, X_test, _ = data
    report = compression_report(forest, tree, X_test, batch_size=7, n_repeats=1)
    assert [r["batch_rows"] for r in report] == [7, 7]
    assert all(r["serialized_bytes"] > 0 for r in report)
    # More rows than X: the batch is all of X.
    report = compression_report(forest, tree, X_test, batch_size=10_000, **FAST)
    assert report[0]["batch_rows"] == len(X_test)
    assert report[0]["serialized_bytes"] is None


def test_a_model_that_does_not_pickle_has_no_serialized_size(data, forest, tree):
    X, y, X_test, _ = data
    unpicklable = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)
    unpicklable.note_ = lambda: None  # a lambda does not pickle
    report = compression_report(forest, {"tree": tree, "odd": unpicklable}, X_test, n_repeats=1)
    assert report[1]["serialized_bytes"] > 0
    assert report[2]["serialized_bytes"] is None


def test_slow_model_has_larger_latency(data):
    X, y, X_test, _ = data
    slow_teacher = SleepyClassifier(delay=0.02).fit(X, y)
    fast = DecisionTreeClassifier(random_state=0).fit(X, slow_teacher.predict(X))
    slower = SleepyClassifier(delay=0.005).fit(X, y)
    report = _by_name(
        compression_report(slow_teacher, {"fast": fast, "slower": slower}, X_test, **FAST)
    )
    teacher, fast, slower = report["teacher"], report["fast"], report["slower"]
    assert teacher["latency_batch_s"] >= 0.02 and teacher["latency_row_s"] >= 0.02
    assert fast["latency_batch_s"] < teacher["latency_batch_s"]
    assert fast["speedup"] > 1 and slower["speedup"] > 1
    assert fast["speedup"] > slower["speedup"]
    assert teacher["speedup"] == 1.0
    assert fast["fidelity"] == 1.0  # a full tree copies the teacher's tree on its own rows


# ----------------------------------------------------------------- errors
def test_not_fitted_models_raise_not_fitted_error(data, forest, tree):
    X, y, X_test, _ = data
    with pytest.raises(NotFittedError):
        compression_report(RandomForestClassifier(), tree, X_test)
    with pytest.raises(NotFittedError):
        compression_report(forest, {"ok": tree, "unfitted": DecisionTreeClassifier()}, X_test)
    unfitted_model = MetamorphosisClassifier(RandomForestClassifier(), DecisionTreeClassifier())
    with pytest.raises(NotFittedError):
        compression_report(forest, unfitted_model, X_test)
    with pytest.raises(NotFittedError):
        compression_report(None, unfitted_model, X_test)


def test_errors_name_the_problem(data, forest, tree):
    X, y, X_test, y_test = data
    narrow = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X[:, :5], y)
    with pytest.raises(ValueError, match="X has 6 features, but the student 'narrow'"):
        compression_report(forest, {"wide": tree, "narrow": narrow}, X_test)
    with pytest.raises(ValueError, match="X has 5 features, but the teacher"):
        compression_report(forest, tree, X_test[:, :5])
    with pytest.raises(ValueError, match="n_repeats"):
        compression_report(forest, tree, X_test, n_repeats=0)
    with pytest.raises(ValueError, match="batch_size"):
        compression_report(forest, tree, X_test, batch_size=0)
    with pytest.raises(ValueError, match="y has 99 rows but X has 100"):
        compression_report(forest, tree, X_test, y_test[:99])
    with pytest.raises(ValueError, match="empty"):
        compression_report(forest, {}, X_test)
    with pytest.raises(ValueError, match="named 'teacher'"):
        compression_report(forest, {"teacher": tree}, X_test)
    with pytest.raises(ValueError, match="no rows"):
        compression_report(forest, tree, X_test[:0])
    with pytest.raises(ValueError, match="2-D"):
        compression_report(forest, tree, X_test[0])
    with pytest.raises(TypeError, match="X is required"):
        compression_report(forest, tree)
    with pytest.raises(TypeError, match="several students"):
        compression_report(None, {"a": tree, "b": tree}, X_test)
    with pytest.raises(TypeError, match="predict"):
        compression_report(forest, {"scaler": StandardScaler().fit(X)}, X_test)


def test_importing_the_metrics_does_not_import_torch():
    code = (
        "import sys\n"
        "import skmetamorph.inspection, skmetamorph.metrics\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------- display
def _report(data, forest, tree):
    X, y, X_test, y_test = data
    students = {"tree": tree, "linear": LogisticRegression(max_iter=500).fit(X, y)}
    return compression_report(forest, students, X_test, y_test, n_repeats=1)


def test_display_from_report(data, forest, tree):
    report = _report(data, forest, tree)
    display = CompressionDisplay.from_report(report)
    assert display.ax_.get_xscale() == "log"
    assert display.figure_ is display.ax_.figure
    assert len(display.student_points_.get_offsets()) == 2
    assert len(display.teacher_point_.get_offsets()) == 1
    assert [a.get_text() for a in display.annotations_] == ["teacher", "tree", "linear"]
    assert display.names == ["teacher", "tree", "linear"]
    # The points are the report's numbers: fidelity up, time per 1,000 rows across.
    teacher_x, teacher_y = display.teacher_point_.get_offsets()[0]
    assert teacher_y == 1.0
    expected = 1e6 * report[0]["latency_batch_s"] / report[0]["batch_rows"]
    assert teacher_x == pytest.approx(expected)
    assert "1,000 rows" in display.ax_.get_xlabel()
    assert display.ax_.get_ylabel() == "Fidelity to the teacher"

    accuracy = CompressionDisplay.from_report(report, metric="accuracy")
    np.testing.assert_allclose(accuracy.scores, [r["accuracy"] for r in report])
    assert accuracy.ax_.get_ylabel() == "Accuracy"


def test_display_from_a_dataframe_on_given_axes(data, forest, tree):
    pd = pytest.importorskip(
        "pandas", reason="needs pandas, in the test extra: pip install -e '.[test]'"
    )
    report = _report(data, forest, tree)
    _, ax = plt.subplots()
    display = CompressionDisplay.from_report(pd.DataFrame(report), ax=ax, annotate=False)
    assert display.ax_ is ax
    assert display.annotations_ == []
    assert len(display.student_points_.get_offsets()) == 2


def test_display_from_estimators(data, forest, tree):
    X, y, X_test, y_test = data
    students = {"tree": tree, "linear": LogisticRegression(max_iter=500).fit(X, y)}
    display = CompressionDisplay.from_estimators(
        forest, students, X_test, y_test, metric="accuracy", n_repeats=1
    )
    assert display.ax_.get_xscale() == "log"
    assert len(display.student_points_.get_offsets()) == 2
    assert "teacher" in [a.get_text() for a in display.annotations_]
    np.testing.assert_allclose(
        display.scores,
        [
            forest.score(X_test, y_test),
            tree.score(X_test, y_test),
            students["linear"].score(X_test, y_test),
        ],
    )


def test_display_errors(data, forest, tree):
    X, y, X_test, y_test = data
    with pytest.raises(ValueError, match="needs the true targets"):
        CompressionDisplay.from_estimators(forest, tree, X_test, metric="accuracy")
    report = compression_report(forest, tree, X_test, n_repeats=1)
    with pytest.raises(ValueError, match="y=y"):
        CompressionDisplay.from_report(report, metric="accuracy")
    with pytest.raises(ValueError, match="metric must be"):
        CompressionDisplay.from_report(report, metric="speed")
    with pytest.raises(ValueError, match="records of compression_report"):
        CompressionDisplay.from_report([{"model": "teacher"}])
