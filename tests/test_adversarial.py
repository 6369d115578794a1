"""Adversarial use of the public API: every case gets a clear error naming the problem,
or a documented behaviour, and a failed fit leaves nothing half-fitted behind.

The classes of cases follow issue 11: state after a failure, teacher output,
labels and the unlabeled marker, estimator kinds, metadata and data-free fits,
pandas, samplers, rules and metrics. (The torch side has its own module,
``test_torch_adversarial.py``.)
"""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_classification, make_friedman1
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LinearRegression, LogisticRegression, SGDClassifier, SGDRegressor
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.semi_supervised import LabelSpreading
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skmetamorph import FunctionTeacher, MetamorphosisClassifier, MetamorphosisRegressor
from skmetamorph.metrics import fidelity_score, fidelity_scorer
from skmetamorph.rules import extract_rules
from skmetamorph.samplers import (
    MUNGE,
    FunctionSampler,
    GaussianNoiseSampler,
    GMMSampler,
    HaltonSampler,
    KDESampler,
    LatinHypercubeSampler,
    PoolSampler,
    SobolSampler,
    UniformSampler,
)
from skmetamorph.utils._sklearn_compat import InvalidParameterError

# ---------------------------------------------------------------- data
X_CLS, Y_CLS = make_classification(
    n_samples=120, n_features=4, n_informative=3, n_redundant=0, random_state=0
)
X_REG, Y_REG = make_friedman1(n_samples=120, n_features=5, random_state=0)


def classifier(**params):
    params.setdefault("random_state", 0)
    return MetamorphosisClassifier(
        params.pop("teacher", RandomForestClassifier(n_estimators=5)),
        params.pop("student", DecisionTreeClassifier(max_depth=3)),
        params.pop("transfer_sampler", MUNGE(n_samples=2.0)),
        **params,
    )


def regressor(**params):
    params.setdefault("random_state", 0)
    return MetamorphosisRegressor(
        params.pop("teacher", RandomForestRegressor(n_estimators=5)),
        params.pop("student", DecisionTreeRegressor(max_depth=3)),
        params.pop("transfer_sampler", MUNGE(n_samples=2.0)),
        **params,
    )


TASKS = {
    "classifier": (classifier, X_CLS, Y_CLS),
    "regressor": (regressor, X_REG, Y_REG),
}


# ------------------------------------------------ 1. state after a failed fit
class _Failing:
    """Mixin: predict (or predict_proba) raises ``error`` from the ``fail_at``-th call on."""

    fail_at = 1
    error = RuntimeError

    def _maybe_fail(self):
        self.calls_ = getattr(self, "calls_", 0) + 1
        if self.calls_ >= self.fail_at:
            raise self.error("teacher broke")


class FailingClassifier(_Failing, RandomForestClassifier):
    def predict(self, X):
        self._maybe_fail()
        return super().predict(X)

    def predict_proba(self, X):
        self._maybe_fail()
        return super().predict_proba(X)


class FailingRegressor(_Failing, RandomForestRegressor):
    def predict(self, X):
        self._maybe_fail()
        return super().predict(X)


def _failing_teacher(task, error, fail_at):
    cls = FailingClassifier if task == "classifier" else FailingRegressor
    sub = type(
        f"{cls.__name__}{error.__name__}{fail_at}", (cls,), {"error": error, "fail_at": fail_at}
    )
    return sub(n_estimators=5)


def _fitted_state(model):
    return {k: v for k, v in vars(model).items() if k.endswith("_") and not k.startswith("_")}


@pytest.mark.parametrize("task", sorted(TASKS))
@pytest.mark.parametrize("streaming", [False, True])
@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
@pytest.mark.parametrize("fail_at", [1, 3])
def test_a_failed_refit_keeps_the_previous_model(task, streaming, error, fail_at):
    make, X, y = TASKS[task]
    student = (SGDClassifier() if task == "classifier" else SGDRegressor()) if streaming else None
    params = dict(streaming=streaming, batch_size=40)
    if student is not None:
        params["student"] = student
    model = make(**params).fit(X, y)
    before = model.predict(X)
    state = _fitted_state(model)
    model.set_params(teacher=_failing_teacher(task, error, fail_at))
    with pytest.raises(error, match="teacher broke"):
        model.fit(X[:, :3], y)  # another width too: n_features_in_ must come back
    assert _fitted_state(model).keys() == state.keys()
    assert all(_fitted_state(model)[k] is state[k] for k in state)
    np.testing.assert_array_equal(model.predict(X), before)


@pytest.mark.parametrize("task", sorted(TASKS))
@pytest.mark.parametrize("streaming", [False, True])
@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_a_failed_first_fit_leaves_an_unfitted_estimator(task, streaming, error):
    make, X, y = TASKS[task]
    params = dict(streaming=streaming, batch_size=40, teacher=_failing_teacher(task, error, 3))
    if streaming:
        params["student"] = SGDClassifier() if task == "classifier" else SGDRegressor()
    model = make(**params)
    with pytest.raises(error, match="teacher broke"):
        model.fit(X, y)
    assert _fitted_state(model) == {}
    with pytest.raises(NotFittedError):
        model.predict(X)


# ---------------------------------------------------- 2. teacher output
class ProbaTeacher(ClassifierMixin, BaseEstimator):
    """A teacher whose predict_proba is whatever ``make(X)`` returns."""

    def __init__(self, make=None):
        self.make = make

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return self.make(np.asarray(X), len(self.classes_))

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def _uniform(X, k):
    return np.full((X.shape[0], k), 1.0 / k)


def _with_nan(X, k):
    p = _uniform(X, k)
    p[::4] = np.nan
    return p


def _negative(X, k):
    p = _uniform(X, k)
    p[::5, 0], p[::5, 1] = -0.5, 1.5
    return p


def _zeros(X, k):
    p = _uniform(X, k)
    p[::3] = 0.0
    return p


def _not_summing(X, k):
    return _uniform(X, k) * 0.5


def _too_few_rows(X, k):
    return _uniform(X, k)[:-1]


def _too_many_columns(X, k):
    return np.full((X.shape[0], k + 2), 1.0 / (k + 2))


def _one_dimensional(X, k):
    return np.full(X.shape[0], 0.5)


BAD_PROBA = [
    (_with_nan, r"NaN or infinite probabilities for \d+ of \d+ rows"),
    (_negative, r"probabilities outside \[0, 1\]"),
    (_zeros, "all-zero probabilities"),
    (_not_summing, "probabilities that do not sum to 1"),
    (_too_few_rows, "one entry per row"),
    (_too_many_columns, r"expected \(\d+, 2\)"),
    (_one_dimensional, r"expected \(\d+, 2\)"),
]


@pytest.mark.parametrize("make, message", BAD_PROBA, ids=[m.__name__ for m, _ in BAD_PROBA])
@pytest.mark.parametrize("streaming", [False, True])
def test_bad_teacher_probabilities_are_named(make, message, streaming):
    student = SGDClassifier(loss="log_loss") if streaming else DecisionTreeClassifier()
    model = classifier(
        teacher=ProbaTeacher(make), student=student, labels="soft", streaming=streaming
    )
    with pytest.raises(ValueError, match=message) as info:
        model.fit(X_CLS, Y_CLS)
    assert "ProbaTeacher" in str(info.value)
    assert _fitted_state(model) == {}


def test_hard_labels_of_a_teacher_with_wrong_row_count():
    class ShortPredict(ProbaTeacher):
        def predict(self, X):
            return np.zeros(len(X) - 1, dtype=int)

    with pytest.raises(ValueError, match=r"ShortPredict.predict returned an array of shape"):
        classifier(teacher=ShortPredict(_uniform)).fit(X_CLS, Y_CLS)


def test_a_teacher_predicting_an_unknown_class_is_named():
    teacher = FunctionTeacher(
        lambda X: np.where(X[:, 0] > 1, 7, (X[:, 1] > 0).astype(int)),
        task="classification",
        classes=[0, 1, 7],
    )
    model = classifier(teacher=teacher)
    model.fit(X_CLS, Y_CLS)  # a function teacher may add classes it knows
    assert 7 in model.classes_
    proba = model.predict_proba(X_CLS)
    assert proba.shape == (len(X_CLS), 3)


@pytest.mark.parametrize("labels", ["hard", "soft"])
def test_a_supervised_teacher_predicting_a_class_outside_classes(labels):
    class Sevens(ProbaTeacher):
        def fit(self, X, y):
            self.classes_ = np.array([0, 1, 7])
            return self

    def mostly_seven(X, k):
        proba = np.zeros((X.shape[0], 3))
        proba[:, 2] = 1.0
        return proba

    with pytest.raises(ValueError, match=r"\[7\]|'7'"):
        classifier(teacher=Sevens(mostly_seven), labels=labels).fit(X_CLS, Y_CLS)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("streaming", [False, True])
def test_a_function_teacher_returning_non_finite_values(bad, streaming):
    def simulation(X):
        out = X[:, 0].copy()
        out[::7] = bad
        return out

    student = SGDRegressor() if streaming else None
    params = {"student": student} if student is not None else {}
    model = regressor(teacher=FunctionTeacher(simulation), streaming=streaming, **params)
    with pytest.raises(ValueError, match=r"FunctionTeacher returned NaN or infinite predictions"):
        model.fit(X_REG, Y_REG)


def test_a_regression_teacher_with_the_wrong_number_of_outputs():
    teacher = FunctionTeacher(lambda X: np.column_stack([X[:, 0], X[:, 1]]))
    with pytest.raises(ValueError, match="y must have the teacher's outputs"):
        regressor(teacher=teacher).fit(X_REG, Y_REG)


def test_a_regression_teacher_returning_strings():
    teacher = FunctionTeacher(lambda X: np.array(["a"] * len(X)))
    with pytest.raises(ValueError, match="returned values of dtype"):
        regressor(teacher=teacher).fit(X_REG, Y_REG)


@pytest.mark.parametrize("temperature", [1e-320, 1e-300, 1e-12, 1e6, 1e300])
def test_extreme_temperatures_give_finite_soft_labels(temperature):
    model = classifier(labels="soft", temperature=temperature).fit(X_CLS, Y_CLS)
    assert np.isfinite(model.predict_proba(X_CLS)).all()


def test_label_spreading_rows_without_a_label_distribution_are_named():
    # Two far-apart clusters, labels only in the first: with a knn graph the
    # second cluster is reached by no label, and LabelSpreading gives NaN.
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(30, 2)), rng.normal(size=(30, 2)) + 100])
    y = np.full(60, -1)
    y[:10] = np.arange(10) % 2
    teacher = LabelSpreading(kernel="knn", n_neighbors=3)
    with pytest.raises(ValueError, match="left 30 of 60 training rows without a label"):
        classifier(teacher=teacher).fit(X, y)


# ---------------------------------------------------- 3. labels and markers
def test_minus_one_as_a_real_class_is_explained_when_one_class_is_left():
    y = np.where(Y_CLS == 0, -1, 1)
    with pytest.raises(ValueError, match=r"have y == -1, which marks them unlabeled"):
        classifier().fit(X_CLS, y)


@pytest.mark.parametrize("marker", [None, -99, "unlabeled"])
def test_another_unlabeled_marker_keeps_minus_one_as_a_class(marker):
    y = np.where(Y_CLS == 0, -1, 1).astype(object if marker == "unlabeled" else int)
    if marker is not None:
        y[::5] = marker
    model = classifier(unlabeled_marker=marker).fit(X_CLS, y)
    assert set(model.classes_.tolist()) == {-1, 1}
    assert set(model.predict(X_CLS).tolist()) <= {-1, 1}


def test_another_marker_with_a_semi_supervised_teacher():
    y = Y_CLS.copy()
    y[::3] = 5
    model = classifier(
        teacher=LabelSpreading(), unlabeled_marker=5, transfer_sampler=PoolSampler()
    ).fit(X_CLS, y)
    assert model.classes_.tolist() == [0, 1]
    assert model.n_transfer_samples_ == 40  # the rows marked 5 are the pool


def test_teacher_data_all_with_a_supervised_teacher_is_an_error():
    y = Y_CLS.copy()
    y[::3] = -1
    with pytest.raises(ValueError, match="learned -1 as a class"):
        classifier(teacher=LogisticRegression(), teacher_data="all").fit(X_CLS, y)


def test_a_frozen_teacher_with_string_classes_and_numeric_y():
    teacher = LogisticRegression().fit(X_CLS, np.where(Y_CLS == 0, "a", "b"))
    with pytest.raises(ValueError, match="one holds strings, the other numbers"):
        classifier(teacher=FrozenEstimator(teacher)).fit(X_CLS, Y_CLS)


@pytest.mark.parametrize(
    "y, message",
    [
        (np.full(120, -1), "All rows are unlabeled"),
        (np.zeros(120, dtype=int), "only one class"),
        (np.linspace(0, 1, 120), "Unknown label type"),
        (np.zeros(119, dtype=int), "inconsistent numbers of samples"),
        (np.zeros((120, 2), dtype=int), "y should be a 1d array|multilabel|multiclass-multioutput"),
    ],
    ids=["all-unlabeled", "one-class", "continuous", "short", "2d"],
)
def test_bad_classification_targets(y, message):
    with pytest.raises(ValueError, match=message):
        classifier().fit(X_CLS, y)


# ------------------------------------------------------------ 4. kinds
@pytest.mark.parametrize(
    "make, role, estimator, message",
    [
        (classifier, "student", DecisionTreeRegressor(), "needs a classifier as its student"),
        (classifier, "teacher", RandomForestRegressor(n_estimators=3), "as its teacher"),
        (regressor, "student", DecisionTreeClassifier(), "needs a regressor as its student"),
        (regressor, "teacher", RandomForestClassifier(n_estimators=3), "as its teacher"),
        (
            classifier,
            "student",
            make_pipeline(StandardScaler(), LinearRegression()),
            "Pipeline is a regressor",
        ),
    ],
    ids=["clf-student", "clf-teacher", "reg-student", "reg-teacher", "clf-pipeline"],
)
def test_the_wrong_kind_of_estimator_is_named(make, role, estimator, message):
    X, y = (X_CLS, Y_CLS) if make is classifier else (X_REG, Y_REG)
    with pytest.raises(ValueError, match=message):
        make(**{role: estimator}).fit(X, y)


def test_a_duck_typed_student_without_a_declared_kind_is_trusted():
    class Duck:
        def fit(self, X, y):
            self.tree_ = DecisionTreeClassifier(max_depth=2).fit(X, y)
            return self

        def predict(self, X):
            return self.tree_.predict(X)

        def get_params(self, deep=True):
            return {}

        def set_params(self, **params):
            return self

    model = classifier(student=Duck(), random_state=None).fit(X_CLS, Y_CLS)
    assert model.predict(X_CLS).shape == (120,)


# ------------------------------------------- 5. metadata, data-free fits
@pytest.mark.parametrize("task", sorted(TASKS))
def test_sample_weight_reaches_teacher_and_student(task):
    make, X, y = TASKS[task]
    weights = np.where(np.arange(len(y)) % 2 == 0, 3.0, 1.0)
    weighted = make().fit(X, y, sample_weight=weights)
    plain = make().fit(X, y)
    assert not np.array_equal(weighted.predict(X), plain.predict(X))
    # The teacher got the weights: refit it by hand with them.
    teacher = clone(weighted.teacher).set_params(random_state=weighted.teacher_.random_state)
    teacher.fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(teacher.predict(X), weighted.teacher_.predict(X))


@pytest.mark.parametrize("task", sorted(TASKS))
@pytest.mark.parametrize(
    "weights, error, message",
    [
        (np.ones(3), ValueError, "sample_weight.shape"),
        (np.full(120, np.nan), ValueError, "NaN"),
        ("heavy", ValueError, "could not convert|numeric|dtype"),
    ],
    ids=["short", "nan", "text"],
)
def test_bad_sample_weight(task, weights, error, message):
    make, X, y = TASKS[task]
    with pytest.raises(error, match=message):
        make().fit(X, y, sample_weight=weights)


@pytest.mark.parametrize("task", sorted(TASKS))
def test_unknown_fit_parameters_need_metadata_routing(task):
    make, X, y = TASKS[task]
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['groups'\]"):
        make().fit(X, y, groups=np.arange(len(y)))


def test_sample_weight_with_a_teacher_that_cannot_take_it():
    with pytest.raises(ValueError, match="teacher KNeighborsClassifier.fit does not take it"):
        classifier(teacher=KNeighborsClassifier()).fit(X_CLS, Y_CLS, sample_weight=np.ones(120))


def test_sample_weight_with_a_student_that_cannot_take_it():
    with pytest.raises(ValueError, match="student KNeighborsClassifier.fit does not take it"):
        classifier(student=KNeighborsClassifier()).fit(X_CLS, Y_CLS, sample_weight=np.ones(120))


def test_soft_labels_for_a_pipeline_student_need_routing():
    student = make_pipeline(StandardScaler(), DecisionTreeClassifier(max_depth=3))
    with pytest.raises(ValueError, match="A Pipeline student gets them through metadata routing"):
        classifier(student=student, labels="soft").fit(X_CLS, Y_CLS)


def test_soft_labels_reach_a_pipeline_student_through_routing():
    import sklearn

    with sklearn.config_context(enable_metadata_routing=True):
        student = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=False),
            DecisionTreeClassifier(max_depth=3).set_fit_request(sample_weight=True),
        )
        teacher = RandomForestClassifier(n_estimators=5).set_fit_request(sample_weight=True)
        model = classifier(teacher=teacher, student=student, labels="soft").fit(X_CLS, Y_CLS)
        assert model.fidelity(X_CLS) > 0.8
        model.fit(X_CLS, Y_CLS, sample_weight=np.ones(120))


@pytest.mark.parametrize("y", [None, np.full(120, -1)], ids=["no-y", "all-unlabeled"])
def test_a_classifier_with_a_frozen_teacher_needs_no_labels(y):
    teacher = FrozenEstimator(LogisticRegression().fit(X_CLS, Y_CLS))
    model = classifier(teacher=teacher).fit(X_CLS, y)
    assert model.classes_.tolist() == [0, 1]
    assert model.fidelity(X_CLS) > 0.8


def test_a_classification_function_without_labels_uses_its_classes():
    teacher = FunctionTeacher(
        lambda X: (X[:, 0] > 0).astype(int), task="classification", classes=[0, 1]
    )
    model = classifier(teacher=teacher).fit(X_CLS)
    assert model.classes_.tolist() == [0, 1] and model.fidelity(X_CLS) > 0.9


def test_a_classifier_without_y_and_a_trainable_teacher():
    with pytest.raises(ValueError, match="requires y to be passed"):
        classifier().fit(X_CLS)


# ---------------------------------------------------------------- 6. pandas
def test_a_frozen_teacher_fitted_on_a_dataframe_sees_dataframes():
    pd = pytest.importorskip(
        "pandas", reason="needs pandas, in the test extra: pip install -e '.[test]'"
    )
    X = pd.DataFrame(X_CLS, columns=list("abcd"))
    teacher = FrozenEstimator(RandomForestClassifier(n_estimators=5, random_state=0).fit(X, Y_CLS))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = classifier(teacher=teacher, labels="soft").fit(X, Y_CLS)
        model.predict(X), model.predict_proba(X), model.fidelity(X)
    assert model.student_.feature_names_in_.tolist() == list("abcd")


def test_munge_categorical_names_inside_the_meta_estimators():
    pd = pytest.importorskip(
        "pandas", reason="needs pandas, in the test extra: pip install -e '.[test]'"
    )
    X = pd.DataFrame(X_CLS, columns=list("abcd")).assign(d=np.arange(120) % 3)
    model = classifier(transfer_sampler=MUNGE(categorical_features=["d"])).fit(X, Y_CLS)
    rows = model.transfer_sampler_.fit_generate(X)
    assert set(np.unique(rows[:, 3])) <= {0.0, 1.0, 2.0}


@pytest.mark.parametrize("sampler", [MUNGE(), GaussianNoiseSampler(), PoolSampler()])
def test_samplers_return_dataframes_on_request(sampler):
    pd = pytest.importorskip(
        "pandas", reason="needs pandas, in the test extra: pip install -e '.[test]'"
    )
    X = pd.DataFrame(X_CLS, columns=list("abcd"))
    rows = clone(sampler).set_output(generate="pandas").fit_generate(X)
    assert isinstance(rows, pd.DataFrame) and rows.columns.tolist() == list("abcd")
    assert isinstance(clone(sampler).fit_generate(X), np.ndarray)


def test_set_output_rejects_an_unknown_container():
    with pytest.raises(ValueError, match="generate must be 'default' or 'pandas'"):
        MUNGE().set_output(generate="polars")


# --------------------------------------------------------------- 7. samplers
class DuckSampler:
    """Only fit_generate: no get_params, no tags."""

    def __init__(self, rows=None):
        self.rows = rows

    def fit_generate(self, X, y=None, *, teacher=None):
        return X[:10] + 0.01 if self.rows is None else self.rows


def test_a_duck_typed_sampler_is_accepted():
    model = classifier(transfer_sampler=DuckSampler()).fit(X_CLS, Y_CLS)
    assert model.n_transfer_samples_ == 10


@pytest.mark.parametrize(
    "rows, message",
    [
        (np.zeros((5, 3)), r"DuckSampler returned rows of shape \(5, 3\)"),
        (np.zeros(5), r"DuckSampler returned rows of shape \(5,\)"),
        (np.full((5, 4), np.nan), "DuckSampler made 5 of 5 rows with NaN"),
        (np.array([["a"] * 4]), "DuckSampler returned rows that are not numbers"),
    ],
    ids=["width", "1d", "nan", "text"],
)
def test_a_duck_sampler_with_bad_rows_is_named(rows, message):
    with pytest.raises(ValueError, match=message):
        classifier(transfer_sampler=DuckSampler(rows)).fit(X_CLS, Y_CLS)


@pytest.mark.parametrize("student", [DecisionTreeClassifier(), KNeighborsClassifier()])
def test_a_function_sampler_making_nan_rows_is_an_error_for_every_student(student):
    def with_nan(X, y):
        rows = X.copy()
        rows[0, 0] = np.nan
        return rows

    with pytest.raises(ValueError, match="FunctionSampler made 1 of 120 rows with NaN"):
        classifier(student=student, transfer_sampler=FunctionSampler(with_nan)).fit(X_CLS, Y_CLS)


@pytest.mark.parametrize("cls", [SobolSampler, HaltonSampler, LatinHypercubeSampler])
def test_qmc_samplers_with_empty_bounds_name_them(cls):
    with pytest.raises(ValueError, match=r"bounds=\[\] and no X"):
        cls(n_samples=8, bounds=[]).fit_generate(None)


@pytest.mark.parametrize("task", sorted(TASKS))
@pytest.mark.parametrize("batch_size", [10, 10_000])
def test_n_jobs_zero_is_rejected_whatever_the_chunks(task, batch_size):
    make, X, y = TASKS[task]
    with pytest.raises(InvalidParameterError, match="n_jobs"):
        make(n_jobs=0, batch_size=batch_size).fit(X, y)


@pytest.mark.parametrize(
    "sampler",
    [
        MUNGE(n_samples=2.0, s=0.1),
        GaussianNoiseSampler(scale=10.0),
        KDESampler(),
        UniformSampler(margin=1.0),
    ],
    ids=["munge", "noise", "kde", "uniform"],
)
def test_huge_values_overflow_is_named(sampler):
    X = X_CLS / np.abs(X_CLS).max() * 1.5e308  # finite, but differences overflow
    with np.errstate(all="ignore"), pytest.raises(ValueError, match="overflowed|rescale X"):
        clone(sampler).set_params(random_state=0).fit_generate(X)


# ------------------------------------------ bad X for both meta-estimators
BAD_X = [
    (lambda X: np.where(np.arange(X.size).reshape(X.shape) == 5, np.nan, X), "NaN"),
    (lambda X: np.where(np.arange(X.size).reshape(X.shape) == 5, np.inf, X), "infinity"),
    (lambda X: X[:, :, None], "3"),
    (lambda X: X.astype(str).astype(object) + "x", "could not convert|numeric"),
    (lambda X: X[:0], "0 sample"),
    (lambda X: X[:, :0], "0 feature"),
    (lambda X: X[:-1], "inconsistent numbers of samples"),
]


@pytest.mark.parametrize("task", sorted(TASKS))
@pytest.mark.parametrize(
    "bad_x, message", BAD_X, ids=["nan", "inf", "3d", "text", "no-rows", "no-features", "short"]
)
def test_bad_x_at_fit(task, bad_x, message):
    make, X, y = TASKS[task]
    model = make()
    with pytest.raises(ValueError, match=message):
        model.fit(bad_x(X), y)
    assert _fitted_state(model) == {}


@pytest.mark.parametrize("task", sorted(TASKS))
@pytest.mark.parametrize("method", ["predict", "fidelity", "score"])
@pytest.mark.parametrize(
    "bad_x, message",
    [
        (lambda X: X[:, :2], "features, but"),
        (lambda X: np.where(np.arange(X.size).reshape(X.shape) == 0, np.nan, X), "NaN"),
    ],
    ids=["width", "nan"],
)
def test_bad_x_after_fit(task, method, bad_x, message):
    make, X, y = TASKS[task]
    model = make().fit(X, y)
    with pytest.raises(ValueError, match=message):
        if method == "score":
            model.score(bad_x(X), y)
        else:
            getattr(model, method)(bad_x(X))


@pytest.mark.parametrize("task", sorted(TASKS))
@pytest.mark.parametrize("method", ["predict", "fidelity", "score"])
def test_methods_before_fit(task, method):
    make, X, y = TASKS[task]
    with pytest.raises(NotFittedError):
        if method == "score":
            make().score(X, y)
        else:
            getattr(make(), method)(X)


# ---------------------------------------------------------- bad parameters
BAD_SHARED = [
    ("batch_size", 0),
    ("batch_size", 2.5),
    ("n_passes", 0),
    ("n_jobs", 0),
    ("n_jobs", "all"),
    ("include_labeled", "yes"),
    ("streaming", 1.5),
    ("random_state", "seed"),
    ("teacher", "forest"),
    ("student", object()),
    ("transfer_sampler", "munge"),
    ("verbose", -1),
]
BAD_CLASSIFIER = [
    ("labels", "fuzzy"),
    ("temperature", 0),
    ("temperature", -1.0),
    ("alpha", 1.5),
    ("alpha", -0.1),
    ("teacher_data", "some"),
    ("min_soft_weight", 1.0),
    ("unlabeled_marker", 1.5),
]


@pytest.mark.parametrize("task", sorted(TASKS))
@pytest.mark.parametrize("name, value", BAD_SHARED, ids=[f"{n}={v!r}" for n, v in BAD_SHARED])
def test_bad_shared_parameters(task, name, value):
    make, X, y = TASKS[task]
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        make(**{name: value}).fit(X, y)


@pytest.mark.parametrize(
    "name, value", BAD_CLASSIFIER, ids=[f"{n}={v!r}" for n, v in BAD_CLASSIFIER]
)
def test_bad_classifier_parameters(name, value):
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        classifier(**{name: value}).fit(X_CLS, Y_CLS)


@pytest.mark.parametrize(
    "sampler, message",
    [
        (MUNGE(n_samples=0), "n_samples"),
        (MUNGE(p=1.5), "'p' parameter"),
        (MUNGE(categorical_features=[9]), "out of range"),
        (MUNGE(categorical_features=["z"]), "feature names"),
        (GaussianNoiseSampler(scale=-1), "'scale' parameter"),
        (GMMSampler(n_components=0), "n_components"),
        (KDESampler(bandwidth=-1.0), "bandwidth"),
        (SobolSampler(bounds=[(1, 0)] * 4), r"low <= high"),
        (SobolSampler(bounds=[(0, 1)] * 3), "bounds"),
        (PoolSampler(pool="some"), "'pool' parameter"),
    ],
    ids=[
        "n0",
        "p",
        "cat-range",
        "cat-name",
        "scale",
        "gmm",
        "kde",
        "bounds-order",
        "bounds-width",
        "pool",
    ],
)
def test_bad_sampler_parameters_inside_the_meta_estimator(sampler, message):
    with pytest.raises(ValueError, match=message):
        classifier(transfer_sampler=sampler).fit(X_CLS, Y_CLS)


# ------------------------------------------------------- 9. rules, metrics
def test_extract_rules_rejects_rows_the_model_rejects():
    model = classifier().fit(X_CLS, Y_CLS)
    X = X_CLS.copy()
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        extract_rules(model, X, Y_CLS)
    with pytest.raises(ValueError, match="features, but"):
        extract_rules(model, X_CLS[:, :2], Y_CLS)


def test_extract_rules_needs_a_tree():
    model = classifier(student=LogisticRegression()).fit(X_CLS, Y_CLS)
    with pytest.raises(TypeError, match="extract_rules needs a fitted decision tree"):
        extract_rules(model)


def test_fidelity_of_unfitted_models():
    with pytest.raises(NotFittedError):
        fidelity_score(LogisticRegression(), DecisionTreeClassifier(), X_CLS)
    with pytest.raises(NotFittedError):
        fidelity_scorer(classifier(), X_CLS)


# ------------------------------------------------------------- traps
@pytest.mark.parametrize(
    "sampler",
    [
        MUNGE(n_samples=10),
        GaussianNoiseSampler(n_samples=10),
        KDESampler(n_samples=10),
        GMMSampler(n_samples=10, n_components=2),
    ],
    ids=["munge", "noise", "kde", "gmm"],
)
def test_an_int_n_samples_below_the_data_warns(sampler):
    with pytest.warns(UserWarning, match=r"pass n_samples=10\.0"):
        rows = clone(sampler).fit_generate(X_CLS)
    assert len(rows) == 10


@pytest.mark.parametrize(
    "sampler",
    [
        MUNGE(n_samples=500),
        MUNGE(n_samples=10.0),
        SobolSampler(n_samples=16),
        UniformSampler(n_samples=16),
    ],
    ids=["munge-large-int", "munge-float", "sobol", "uniform"],
)
def test_counts_that_are_no_trap_do_not_warn(sampler):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clone(sampler).fit_generate(X_CLS)
