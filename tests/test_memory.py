"""``memory=``: the fitted teacher (and equal labeled transfer sets) shared across fits."""

import numpy as np
import pytest
from joblib import Memory
from sklearn.datasets import make_classification, make_regression
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skmetamorph import MetamorphosisClassifier, MetamorphosisRegressor
from skmetamorph.samplers import MUNGE, GaussianNoiseSampler, PoolSampler
from skmetamorph.utils._sklearn_compat import InvalidParameterError

CALLS = {"fit": 0, "predict": 0}


class CountingTeacher(LogisticRegression):
    """A logistic regression that counts its fits and its labeling calls."""

    def fit(self, X, y, sample_weight=None):
        CALLS["fit"] += 1
        return super().fit(X, y, sample_weight=sample_weight)

    def predict(self, X):
        CALLS["predict"] += 1
        return super().predict(X)

    def predict_proba(self, X):
        CALLS["predict"] += 1
        return super().predict_proba(X)


class CountingRegressionTeacher(LinearRegression):
    def fit(self, X, y, sample_weight=None):
        CALLS["fit"] += 1
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.fixture(autouse=True)
def reset_calls():
    CALLS.update(fit=0, predict=0)


@pytest.fixture
def data():
    return make_classification(n_samples=120, n_features=5, random_state=0)


def make_clf(memory, **params):
    return MetamorphosisClassifier(
        CountingTeacher(max_iter=300),
        DecisionTreeClassifier(max_depth=3),
        MUNGE(n_samples=1.0),
        memory=memory,
        random_state=params.pop("random_state", 0),
        **params,
    )


def test_grid_search_fits_the_teacher_once_per_fold(tmp_path, data):
    X, y = data
    grid = {
        "transfer_sampler": [MUNGE(n_samples=1.0), PoolSampler(), GaussianNoiseSampler()],
        "temperature": [1.0, 3.0],
        "labels": ["soft"],
    }  # 6 candidates
    GridSearchCV(make_clf(str(tmp_path)), grid, cv=5).fit(X, y)
    assert CALLS["fit"] == 5 + 1  # one per fold, one for the refit on all rows

    CALLS["fit"] = 0
    GridSearchCV(make_clf(None), grid, cv=5).fit(X, y)
    assert CALLS["fit"] == 6 * 5 + 1


def test_cached_fit_equals_uncached_fit(tmp_path, data):
    X, y = data
    plain = make_clf(None, labels="soft").fit(X, y)
    first = make_clf(Memory(tmp_path, verbose=0), labels="soft").fit(X, y)
    second = make_clf(Memory(tmp_path, verbose=0), labels="soft").fit(X, y)
    for model in (first, second):
        np.testing.assert_array_equal(model.predict_proba(X), plain.predict_proba(X))
        np.testing.assert_array_equal(model.teacher_.coef_, plain.teacher_.coef_)


def test_equal_fit_loads_teacher_and_labels(tmp_path, data):
    X, y = data
    make_clf(str(tmp_path)).fit(X, y)
    assert CALLS["fit"] == 1 and CALLS["predict"] > 0
    CALLS.update(fit=0, predict=0)
    make_clf(str(tmp_path)).fit(X, y)
    assert CALLS == {"fit": 0, "predict": 0}
    # Another student: the teacher and the labeled set are reused as they are.
    make_clf(str(tmp_path)).set_params(student__max_depth=5).fit(X, y)
    assert CALLS == {"fit": 0, "predict": 0}
    # Other labeling settings: the teacher is loaded, the rows labeled again.
    make_clf(str(tmp_path), labels="soft").fit(X, y)
    assert CALLS["fit"] == 0 and CALLS["predict"] > 0


@pytest.mark.parametrize(
    "change",
    [
        lambda clf, X, y: (clf.set_params(teacher__C=0.1), X, y),
        lambda clf, X, y: (clf, X[:-1], y[:-1]),
        lambda clf, X, y: (clf, X + 1e-3, y),
        lambda clf, X, y: (clf, X, np.where(np.arange(len(y)) == 0, 1 - y, y)),
        lambda clf, X, y: (clf.set_params(random_state=1), X, y),
    ],
    ids=["teacher-parameter", "fewer-rows", "other-values", "other-label", "other-seed"],
)
def test_changed_teacher_or_data_misses_the_cache(tmp_path, data, change):
    X, y = data
    make_clf(str(tmp_path)).fit(X, y)
    CALLS["fit"] = 0
    clf, X2, y2 = change(make_clf(str(tmp_path)), X, y)
    clf.fit(X2, y2)
    assert CALLS["fit"] == 1


def test_sample_weight_is_part_of_the_key(tmp_path, data):
    X, y = data
    make_clf(str(tmp_path)).fit(X, y, sample_weight=np.ones(len(y)))
    CALLS["fit"] = 0
    make_clf(str(tmp_path)).fit(X, y, sample_weight=np.linspace(1, 2, len(y)))
    assert CALLS["fit"] == 1


def test_unseeded_teacher_is_reused_like_in_a_pipeline(tmp_path, data):
    X, y = data
    # random_state=None leaves the teacher's random_state at None: its
    # parameters are equal, so (as Pipeline(memory=...) does) the first fit
    # is reused.
    clf = MetamorphosisClassifier(
        CountingTeacher(max_iter=300), DecisionTreeClassifier(max_depth=3), memory=str(tmp_path)
    )
    clf.fit(X, y)
    clf.fit(X, y)
    assert CALLS["fit"] == 1


def test_frozen_teacher_is_not_cached(tmp_path, data):
    X, y = data
    teacher = CountingTeacher(max_iter=300).fit(X, y)
    CALLS["fit"] = 0
    clf = MetamorphosisClassifier(
        FrozenEstimator(teacher),
        DecisionTreeClassifier(max_depth=3),
        memory=str(tmp_path),
        random_state=0,
    ).fit(X, y)
    assert clf.teacher_.estimator is teacher
    assert CALLS["fit"] == 0
    assert not list(tmp_path.rglob("fit_teacher"))


def test_streaming_caches_the_teacher(tmp_path, data):
    from sklearn.linear_model import SGDClassifier

    X, y = data
    params = dict(
        student=SGDClassifier(random_state=0), streaming=True, memory=str(tmp_path), random_state=0
    )
    first = MetamorphosisClassifier(CountingTeacher(max_iter=300), **params).fit(X, y)
    second = MetamorphosisClassifier(CountingTeacher(max_iter=300), **params).fit(X, y)
    assert CALLS["fit"] == 1
    np.testing.assert_array_equal(first.predict(X), second.predict(X))


def test_regressor_memory(tmp_path):
    X, y = make_regression(n_samples=80, n_features=3, random_state=0)
    for depth in (2, 4):
        MetamorphosisRegressor(
            CountingRegressionTeacher(),
            DecisionTreeRegressor(max_depth=depth),
            memory=str(tmp_path),
            random_state=0,
        ).fit(X, y)
    assert CALLS["fit"] == 1


@pytest.mark.parametrize("memory", [3, object(), ["cache"]])
def test_bad_memory_is_rejected(data, memory):
    X, y = data
    with pytest.raises(InvalidParameterError, match="memory"):
        make_clf(memory).fit(X, y)


def test_teacher_that_does_not_pickle_gets_a_clear_error(tmp_path, data):
    X, y = data

    class LocalTeacher(LogisticRegression):  # a local class cannot be pickled
        pass

    clf = MetamorphosisClassifier(LocalTeacher(), DecisionTreeClassifier(), memory=str(tmp_path))
    with pytest.raises(TypeError, match="must pickle.*LocalTeacher"):
        clf.fit(X, y)
    assert not hasattr(clf, "student_")
