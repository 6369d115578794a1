"""Fidelity reports: soft and per-class fidelity, data vs domain, bootstrap intervals, scorers."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_iris, make_regression
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skmetamorph import MetamorphosisClassifier, MetamorphosisRegressor
from skmetamorph.metrics import (
    fidelity_report,
    fidelity_score,
    fidelity_scorer,
    make_fidelity_scorer,
    per_class_fidelity,
    probability_divergence,
)
from skmetamorph.samplers import MUNGE, UniformSampler


class Fixed(ClassifierMixin, BaseEstimator):
    """A 'fitted' classifier that returns given probabilities (rows of X index them)."""

    def __init__(self, proba, classes):
        self.proba = proba
        self.classes = classes

    def fit(self, X, y=None):
        return self

    @property
    def classes_(self):
        return np.asarray(self.classes)

    def predict_proba(self, X):
        return np.asarray(self.proba, dtype=float)[np.asarray(X, dtype=int)[:, 0]]

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


ROWS = np.arange(3).reshape(-1, 1)
P_TEACHER = [[0.7, 0.3, 0.0], [0.2, 0.2, 0.6], [0.0, 1.0, 0.0]]
P_STUDENT = [[0.5, 0.5, 0.0], [0.0, 0.4, 0.6], [0.1, 0.9, 0.0]]


@pytest.fixture(scope="module")
def iris_model():
    X, y = load_iris(return_X_y=True)
    model = MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=15),
        DecisionTreeClassifier(max_depth=2),
        MUNGE(n_samples=1.0),
        random_state=0,
    ).fit(X[::2], y[::2])
    return model, X[1::2]


# ---------------------------------------------------------- soft fidelity
def test_total_variation_and_kl_by_hand():
    teacher, student = Fixed(P_TEACHER, [0, 1, 2]), Fixed(P_STUDENT, [0, 1, 2])
    p, q = np.array(P_TEACHER), np.array(P_STUDENT)
    tv = probability_divergence(teacher, student, ROWS)
    assert tv == pytest.approx(np.mean(0.5 * np.abs(p - q).sum(axis=1)))
    # Row 1: the student rules out class 0 where the teacher gives it 0.2:
    # that term is 0.2 * log(0.2 / eps); the teacher's zeros add nothing.
    eps = 1e-6
    kl_rows = [
        0.7 * np.log(0.7 / 0.5) + 0.3 * np.log(0.3 / 0.5),
        0.2 * np.log(0.2 / eps) + 0.2 * np.log(0.2 / 0.4) + 0.6 * np.log(1.0),
        1.0 * np.log(1.0 / 0.9),
    ]
    kl = probability_divergence(teacher, student, ROWS, metric="kl", eps=eps)
    assert kl == pytest.approx(np.mean(kl_rows))
    weighted = probability_divergence(
        teacher, student, ROWS, metric="kl", eps=eps, sample_weight=[0, 1, 0]
    )
    assert weighted == pytest.approx(kl_rows[1])
    # A smaller eps makes ruling out a believed class cost more.
    assert probability_divergence(teacher, student, ROWS, metric="kl", eps=1e-12) > kl


def test_total_variation_of_one_hot_probabilities_is_one_minus_agreement():
    X, y = load_iris(return_X_y=True)
    teacher = KNeighborsClassifier(n_neighbors=1).fit(X[::2], y[::2])
    student = KNeighborsClassifier(n_neighbors=1).fit(X[1::3], y[1::3])
    tv = probability_divergence(teacher, student, X)
    assert 0 < tv < 1
    assert 1 - tv == pytest.approx(fidelity_score(teacher, student, X))


def test_student_missing_a_class_gets_zero_probability_for_it():
    teacher = Fixed(P_TEACHER, [0, 1, 2])
    student = Fixed([[0.5, 0.5], [0.4, 0.6], [0.1, 0.9]], [0, 1])
    q = np.array([[0.5, 0.5, 0.0], [0.4, 0.6, 0.0], [0.1, 0.9, 0.0]])
    expected = np.mean(0.5 * np.abs(np.array(P_TEACHER) - q).sum(axis=1))
    assert probability_divergence(teacher, student, ROWS) == pytest.approx(expected)


def test_soft_fidelity_errors():
    teacher = Fixed(P_TEACHER, [0, 1, 2])
    with pytest.raises(ValueError, match=r"classes \[7\] that the teacher"):
        probability_divergence(teacher, Fixed(P_STUDENT, [0, 1, 7]), ROWS)
    X, y = load_iris(return_X_y=True)
    no_proba = SVC().fit(X, y)
    with pytest.raises(ValueError, match="student SVC has no predict_proba"):
        probability_divergence(LogisticRegression(max_iter=300).fit(X, y), no_proba, X)
    with pytest.raises(ValueError, match="metric"):
        probability_divergence(teacher, teacher, ROWS, metric="hellinger")
    with pytest.raises(ValueError, match="eps"):
        probability_divergence(teacher, teacher, ROWS, metric="kl", eps=0)
    Xr, yr = make_regression(n_samples=30, n_features=3, random_state=0)
    reg = LinearRegression().fit(Xr, yr)
    with pytest.raises(ValueError, match="defined for classifiers"):
        probability_divergence(reg, DecisionTreeRegressor().fit(Xr, yr), Xr)


# ------------------------------------------------------ per-class fidelity
def test_per_class_fidelity_by_hand():
    teacher = Fixed(np.eye(4)[[0, 0, 1, 1, 2]], [0, 1, 2, 3])
    student = Fixed(np.eye(4)[[0, 1, 1, 1, 0]], [0, 1, 2, 3])
    rows = np.arange(5).reshape(-1, 1)
    result = per_class_fidelity(teacher, student, rows)
    assert result.classes.tolist() == [0, 1, 2, 3]
    np.testing.assert_allclose(result.fidelity, [0.5, 1.0, 0.0, np.nan])
    assert result.support.tolist() == [2, 2, 1, 0]
    weighted = per_class_fidelity(teacher, student, rows, sample_weight=[3, 1, 1, 1, 1])
    np.testing.assert_allclose(weighted.fidelity[:3], [0.75, 1.0, 0.0])
    np.testing.assert_allclose(weighted.support, [4, 2, 1, 0])


def test_per_class_fidelity_rejects_regressors_and_bad_weights():
    Xr, yr = make_regression(n_samples=30, n_features=3, random_state=0)
    reg = LinearRegression().fit(Xr, yr)
    with pytest.raises(ValueError, match="fidelity_score"):
        per_class_fidelity(reg, DecisionTreeRegressor().fit(Xr, yr), Xr)
    teacher = Fixed(P_TEACHER, [0, 1, 2])
    with pytest.raises(ValueError, match="sample_weight"):
        per_class_fidelity(teacher, teacher, ROWS, sample_weight=[1, 2])


# ------------------------------------------------ metamorphosis estimators
def test_a_fitted_metamorphosis_estimator_stands_for_its_pair(iris_model):
    model, X_test = iris_model
    pair = (model.teacher_, model.student_)
    for metric in ("total_variation", "kl"):
        assert probability_divergence(model, X=X_test, metric=metric) == pytest.approx(
            probability_divergence(*pair, X_test, metric=metric)
        )
    alone = per_class_fidelity(model, X=X_test)
    np.testing.assert_array_equal(alone.fidelity, per_class_fidelity(*pair, X_test).fidelity)


def test_input_mistakes_are_named(iris_model):
    model, X_test = iris_model
    with pytest.raises(TypeError, match="X=X"):
        probability_divergence(model, X_test)  # rows passed where the student goes
    with pytest.raises(TypeError, match="X is required"):
        probability_divergence(model)
    with pytest.raises(TypeError, match="fitted student"):
        probability_divergence(LogisticRegression(), X=X_test)
    with pytest.raises(NotFittedError):
        fidelity_report(MetamorphosisClassifier(LogisticRegression(), SVC()), X=X_test)


def test_dataframe_rows_reach_teacher_and_student_with_their_names():
    pd = pytest.importorskip(
        "pandas", reason="needs pandas, in the test extra: pip install -e '.[test]'"
    )
    X, y = load_iris(return_X_y=True, as_frame=True)
    model = MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=10),
        DecisionTreeClassifier(max_depth=3),
        random_state=0,
    ).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "X does not have valid feature names" and the like
        report = fidelity_report(
            model, X=X, sampler=UniformSampler(n_samples=50), n_bootstrap=20, random_state=0
        )
    assert isinstance(X, pd.DataFrame)
    assert report.domain.n_samples == 50


# ------------------------------------------------------------------ reports
def test_report_values_match_the_functions(iris_model):
    model, X_test = iris_model
    report = fidelity_report(model, X=X_test, n_bootstrap=200, random_state=0)
    assert set(report) == {"confidence", "n_bootstrap", "data", "per_class"}
    data = report.data
    assert data.n_samples == X_test.shape[0]
    assert data.fidelity.value == pytest.approx(model.fidelity(X_test))
    assert data.total_variation.value == pytest.approx(probability_divergence(model, X=X_test))
    assert data.kl.value == pytest.approx(probability_divergence(model, X=X_test, metric="kl"))
    for name in ("fidelity", "total_variation", "kl"):
        measure = data[name]
        assert measure.low <= measure.value <= measure.high
        assert measure.low < measure.high  # the rows disagree somewhere: a real interval
    np.testing.assert_array_equal(
        report.per_class.fidelity, per_class_fidelity(model, X=X_test).fidelity
    )


def test_bootstrap_is_seeded_and_widens_with_confidence(iris_model):
    model, X_test = iris_model
    a = fidelity_report(model, X=X_test, n_bootstrap=300, confidence=0.9, random_state=1)
    b = fidelity_report(model, X=X_test, n_bootstrap=300, confidence=0.9, random_state=1)
    assert a.data.total_variation == b.data.total_variation
    wide = fidelity_report(model, X=X_test, n_bootstrap=300, confidence=0.99, random_state=1)
    narrow, wider = a.data.total_variation, wide.data.total_variation
    assert wider.high - wider.low > narrow.high - narrow.low
    one = fidelity_report(model, X=X_test, n_bootstrap=1, random_state=0).data.fidelity
    assert one.low == one.high


def test_resamples_drawn_in_blocks_are_the_same(iris_model, monkeypatch):
    from skmetamorph.metrics import _reports

    model, X_test = iris_model
    whole = fidelity_report(model, X=X_test, n_bootstrap=50, random_state=2)
    # Blocks of three resamples instead of one block of fifty.
    monkeypatch.setattr(_reports._Resamples, "_MAX_DRAWS", 3 * X_test.shape[0])
    blocks = fidelity_report(model, X=X_test, n_bootstrap=50, random_state=2)
    assert blocks.data == whole.data


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_bootstrap": 0}, "n_bootstrap"),
        ({"n_bootstrap": 2.5}, "n_bootstrap"),
        ({"confidence": 1.0}, "confidence"),
        ({"confidence": 0}, "confidence"),
        ({"eps": 2.0}, "eps"),
    ],
)
def test_report_parameter_errors(iris_model, kwargs, match):
    model, X_test = iris_model
    with pytest.raises(ValueError, match=match):
        fidelity_report(model, X=X_test, **kwargs)


def test_domain_part_compares_on_the_samplers_rows(iris_model):
    model, X_test = iris_model
    sampler = UniformSampler(n_samples=300, random_state=3)
    report = fidelity_report(model, X=X_test, sampler=sampler, n_bootstrap=50, random_state=0)
    rows = UniformSampler(n_samples=300, random_state=3).fit_generate(X_test)
    assert report.domain.n_samples == 300
    assert report.domain.fidelity.value == pytest.approx(model.fidelity(rows))
    assert report.domain.kl.value == pytest.approx(
        probability_divergence(model, X=rows, metric="kl")
    )
    # Uniform rows over the box reach where no training row was: the student
    # strays from its teacher there more than on the data.
    assert report.domain.fidelity.value < report.data.fidelity.value
    assert not hasattr(sampler, "n_features_in_")  # the user's sampler is left unfitted
    # An unseeded sampler is seeded from random_state: same report twice.
    twice = [
        fidelity_report(
            model,
            X=X_test,
            sampler=UniformSampler(n_samples=100),
            n_bootstrap=10,
            random_state=5,
        ).domain.fidelity.value
        for _ in range(2)
    ]
    assert twice[0] == twice[1]


def test_regression_report():
    X, y = make_regression(n_samples=120, n_features=3, noise=5.0, random_state=0)
    model = MetamorphosisRegressor(
        LinearRegression(), DecisionTreeRegressor(max_depth=3), random_state=0
    ).fit(X[:80], y[:80])
    report = fidelity_report(
        model, X=X[80:], sampler=UniformSampler(n_samples=60), n_bootstrap=100, random_state=0
    )
    assert set(report.data) == {"n_samples", "fidelity"}  # no probabilities, no classes
    assert "per_class" not in report
    fid = report.data.fidelity
    assert fid.value == pytest.approx(model.fidelity(X[80:]))
    assert fid.low <= fid.value <= fid.high
    assert report.domain.n_samples == 60


# ------------------------------------------------------------------ scorers
def test_scorers_in_a_search_with_a_pipeline():
    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(
        StandardScaler(),
        MetamorphosisClassifier(
            RandomForestClassifier(n_estimators=10), DecisionTreeClassifier(), random_state=0
        ),
    )
    scoring = {
        "fidelity": make_fidelity_scorer(),
        "old": fidelity_scorer,
        "tv": make_fidelity_scorer("total_variation"),
        "kl": make_fidelity_scorer("kl"),
    }
    search = GridSearchCV(
        pipe,
        {"metamorphosisclassifier__student__max_depth": [1, 3]},
        scoring=scoring,
        refit="tv",
        cv=3,
    ).fit(X, y)
    results = search.cv_results_
    np.testing.assert_allclose(results["mean_test_fidelity"], results["mean_test_old"])
    assert (results["mean_test_tv"] < 0).all() and (results["mean_test_kl"] < 0).all()
    # The deeper tree copies its teacher's probabilities better.
    assert search.best_params_ == {"metamorphosisclassifier__student__max_depth": 3}
    fitted = search.best_estimator_
    expected = -probability_divergence(fitted[-1], X=fitted[0].transform(X))
    assert scoring["tv"](fitted, X, y) == pytest.approx(expected)


def test_scorer_errors_and_pickling():
    X, y = load_iris(return_X_y=True)
    scorer = make_fidelity_scorer("kl", eps=1e-9)
    assert repr(pickle.loads(pickle.dumps(scorer))) == "make_fidelity_scorer(metric='kl')"
    with pytest.raises(TypeError, match="LogisticRegression"):
        scorer(LogisticRegression(max_iter=300).fit(X, y), X)
    with pytest.raises(ValueError, match="metric"):
        make_fidelity_scorer("accuracy")
