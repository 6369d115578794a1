"""FidelitySizeDisplay: the students along a size path, their numbers and the artists."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.frozen import FrozenEstimator  # noqa: E402
from sklearn.linear_model import LinearRegression, LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor  # noqa: E402

from skmetamorph import MetamorphosisClassifier, MetamorphosisRegressor  # noqa: E402
from skmetamorph.inspection import FidelitySizeDisplay  # noqa: E402
from skmetamorph.samplers import MUNGE  # noqa: E402

FITS = []


class CountingForest(RandomForestClassifier):
    """A forest that records every fit, to count teacher fits."""

    def fit(self, X, y, sample_weight=None):
        FITS.append(len(X))
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=400, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    return X[:250], y[:250], X[250:], y[250:]


def _model(teacher=None, student=None):
    return MetamorphosisClassifier(
        teacher if teacher is not None else RandomForestClassifier(n_estimators=15),
        student if student is not None else DecisionTreeClassifier(random_state=0),
        MUNGE(n_samples=2.0),
        random_state=0,
    )


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_numbers_are_those_of_the_students_fitted_by_hand(data):
    X, y, X_test, y_test = data
    FITS.clear()
    model = _model(CountingForest(n_estimators=15))
    display = FidelitySizeDisplay.from_estimator(model, X, y, X_test, y_test, param_range=[2, 4, 8])
    assert FITS == [250]  # one teacher fit for the whole path
    assert not hasattr(model, "teacher_")  # the given estimator is left as it was
    assert display.param_name == "max_leaf_nodes"
    assert display.param_range.tolist() == [2, 4, 8]
    assert display.metamorphosis_sizes.tolist() == [2, 4, 8]
    assert display.direct_sizes.tolist() == [2, 4, 8]

    # A fitted estimator lends its teacher: no further teacher fit, same numbers.
    fitted = clone(model).fit(X, y)
    FITS.clear()
    again = FidelitySizeDisplay.from_estimator(fitted, X, y, X_test, y_test, param_range=[2, 4, 8])
    assert FITS == []
    teacher = fitted.teacher_
    frozen = clone(model).set_params(teacher=FrozenEstimator(teacher))
    FidelitySizeDisplay.from_estimator(frozen, X, y, X_test, y_test, param_range=[2])
    assert FITS == []  # a frozen teacher is used as it is
    student = (
        clone(model)
        .set_params(teacher=FrozenEstimator(teacher), student__max_leaf_nodes=4)
        .fit(X, y)
    )
    assert again.metamorphosis_scores[1] == pytest.approx(student.score(X_test, y_test))
    assert again.metamorphosis_fidelity[1] == pytest.approx(student.fidelity(X_test))
    direct = DecisionTreeClassifier(max_leaf_nodes=4, random_state=0).fit(X, y)
    assert again.direct_scores[1] == pytest.approx(direct.score(X_test, y_test))
    assert again.direct_fidelity[1] == pytest.approx(
        np.mean(direct.predict(X_test) == teacher.predict(X_test))
    )
    assert again.teacher_score == pytest.approx(teacher.score(X_test, y_test))
    # The teacher's labels make the small trees more faithful than the truth does.
    assert again.metamorphosis_fidelity.mean() > again.direct_fidelity.mean()


def test_artists(data):
    X, y, X_test, y_test = data
    fig, ax = plt.subplots()
    display = FidelitySizeDisplay.from_estimator(
        _model(), X, y, X_test, y_test, param_range=[8, 2, 4], ax=ax
    )
    assert display.ax_ is ax and display.figure_ is fig
    assert set(display.lines_) == {
        "metamorphosis_score",
        "metamorphosis_fidelity",
        "direct_score",
        "direct_fidelity",
    }
    line = display.lines_["metamorphosis_fidelity"]
    # Drawn in order of size, whatever the order of the path.
    np.testing.assert_array_equal(line.get_xdata(), [2, 4, 8])
    np.testing.assert_allclose(line.get_ydata(), display.metamorphosis_fidelity[[1, 2, 0]])
    assert line.get_linestyle() == "--"
    assert display.lines_["direct_score"].get_linestyle() == "-"
    np.testing.assert_allclose(display.teacher_line_.get_ydata(), [display.teacher_score] * 2)
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == "Number of leaves"
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == [
        "Accuracy, metamorphosis",
        "Fidelity, metamorphosis",
        "Accuracy, trained directly",
        "Fidelity, trained directly",
        "Accuracy, teacher",
    ]

    # Replotting from the stored numbers, without the direct students and the teacher.
    display.plot(show_direct=False, show_teacher=False, xscale="linear")
    assert set(display.lines_) == {"metamorphosis_score", "metamorphosis_fidelity"}
    assert display.teacher_line_ is None
    assert display.ax_ is not ax and display.ax_.get_xscale() == "linear"
    with pytest.raises(ValueError, match="xscale"):
        display.plot(xscale="symlog")


def test_unlabeled_rows_reach_only_the_metamorphosis_student(data):
    X, y, X_test, y_test = data
    y_partial = y.copy()
    y_partial[100:] = -1
    display = FidelitySizeDisplay.from_estimator(
        _model(), X, y_partial, X_test, y_test, param_name="max_depth", param_range=[20]
    )
    # The direct tree grows on the 100 labeled rows only.
    alone = DecisionTreeClassifier(random_state=0).fit(X[:100], y[:100])
    assert display.direct_sizes.tolist() == [alone.get_n_leaves()]
    assert display.metamorphosis_sizes[0] > alone.get_n_leaves()


def test_ccp_alpha_path_and_a_custom_size(data):
    X, y, X_test, y_test = data
    display = FidelitySizeDisplay.from_estimator(
        _model(), X, y, X_test, y_test, param_name="ccp_alpha", param_range=[0.0, 0.01, 0.05]
    )
    sizes = display.metamorphosis_sizes
    assert sizes[0] > sizes[1] > sizes[2] >= 1  # pruning more leaves fewer leaves
    depth = FidelitySizeDisplay.from_estimator(
        _model(),
        X,
        y,
        X_test,
        y_test,
        param_name="max_depth",
        param_range=[1, 3],
        size=lambda student: student.get_depth(),
        size_name="Depth",
    )
    assert depth.metamorphosis_sizes.tolist() == [1, 3]
    assert depth.ax_.get_xlabel() == "Depth"


def test_pipeline_student(data):
    X, y, X_test, y_test = data
    student = make_pipeline(StandardScaler(), DecisionTreeClassifier(random_state=0))
    display = FidelitySizeDisplay.from_estimator(
        _model(student=student),
        X,
        y,
        X_test,
        y_test,
        param_name="decisiontreeclassifier__max_leaf_nodes",
        param_range=[3, 6],
    )
    assert display.metamorphosis_sizes.tolist() == [3, 6]


def test_regressor():
    X, y = make_regression(n_samples=200, n_features=4, noise=1.0, random_state=0)
    model = MetamorphosisRegressor(
        LinearRegression(),
        DecisionTreeRegressor(random_state=0),
        MUNGE(n_samples=2.0),
        random_state=0,
    )
    display = FidelitySizeDisplay.from_estimator(
        model, X[:150], y[:150], X[150:], y[150:], param_range=[4, 16]
    )
    assert display.score_name == "R²"
    assert display.metamorphosis_sizes.tolist() == [4, 16]
    assert display.teacher_score > 0.99  # a linear teacher for linear data
    assert display.metamorphosis_fidelity[1] > display.metamorphosis_fidelity[0]


def test_errors(data):
    X, y, X_test, y_test = data
    with pytest.raises(TypeError, match="MetamorphosisClassifier"):
        FidelitySizeDisplay.from_estimator(DecisionTreeClassifier(), X, y, X_test, y_test)
    with pytest.raises(ValueError, match="'max_leaves' is not a parameter"):
        FidelitySizeDisplay.from_estimator(_model(), X, y, X_test, y_test, param_name="max_leaves")
    with pytest.raises(ValueError, match="param_range is required"):
        FidelitySizeDisplay.from_estimator(_model(), X, y, X_test, y_test, param_name="ccp_alpha")
    with pytest.raises(ValueError, match="empty"):
        FidelitySizeDisplay.from_estimator(_model(), X, y, X_test, y_test, param_range=[])
    with pytest.raises(TypeError, match="get_n_leaves"):
        FidelitySizeDisplay.from_estimator(
            _model(student=LogisticRegression()),
            X,
            y,
            X_test,
            y_test,
            param_name="C",
            param_range=[1.0],
        )
    with pytest.raises(TypeError, match="callable"):
        FidelitySizeDisplay.from_estimator(
            _model(), X, y, X_test, y_test, param_range=[2], size="leaves"
        )
