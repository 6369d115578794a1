"""Behaviour of MetamorphosisClassifier beyond sklearn's generic estimator checks."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.semi_supervised import LabelSpreading, SelfTrainingClassifier
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

from skmetamorph import MetamorphosisClassifier, TeacherEnsemble
from skmetamorph.metrics import fidelity_scorer
from skmetamorph.samplers import MUNGE, ConfidenceSampler, PoolSampler


def make_clf(**params):
    defaults = dict(
        teacher=RandomForestClassifier(n_estimators=30),
        student=DecisionTreeClassifier(max_depth=6),
        random_state=0,
    )
    defaults.update(params)
    return MetamorphosisClassifier(**defaults)


class CountingClassifier(LogisticRegression):
    """A LogisticRegression that counts how often it is fitted."""

    n_fits = 0

    def fit(self, X, y, sample_weight=None):
        type(self).n_fits += 1
        return super().fit(X, y, sample_weight=sample_weight)


class NoWeightClassifier(KNeighborsClassifier):
    """A classifier whose fit takes no sample_weight (KNN does not)."""


# ---------------------------------------------------------------- the main job
def test_student_beats_itself_trained_alone(digits_split):
    X_train, y_semi, _, X_test, y_test = digits_split
    labeled = y_semi != -1
    alone = DecisionTreeClassifier(random_state=0).fit(X_train[labeled], y_semi[labeled])
    clf = make_clf(
        teacher=LabelSpreading(kernel="knn", n_neighbors=7),
        student=DecisionTreeClassifier(),
    ).fit(X_train, y_semi)
    assert clf.score(X_test, y_test) > alone.score(X_test, y_test) + 0.1
    assert clf.fidelity(X_test) > 0.7


def test_fitted_attributes(digits_split):
    X_train, y_semi, _, _, _ = digits_split
    clf = make_clf(transfer_sampler=MUNGE(n_samples=0.5)).fit(X_train, y_semi)
    np.testing.assert_array_equal(clf.classes_, np.arange(10))
    assert clf.n_features_in_ == 64
    assert clf.n_transfer_samples_ == round(0.5 * len(X_train))
    assert isinstance(clf.transfer_sampler_, MUNGE)
    assert clf.transfer_sampler_ is not clf.transfer_sampler
    assert clf.teacher_ is not clf.teacher and clf.student_ is not clf.student


def test_issue_example_soft_labels_with_munge(blobs):
    X, y = blobs
    clf = MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=20),
        DecisionTreeClassifier(max_depth=6),
        transfer_sampler=MUNGE(n_samples=10.0),
        labels="soft",
        temperature=2.0,
        random_state=0,
    ).fit(X, y)
    assert clf.n_transfer_samples_ == 10 * len(X)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert clf.score(X, y) > 0.8
    assert 0.0 <= clf.fidelity(X) <= 1.0


def test_default_sampler_uses_unlabeled_pool(digits_split):
    X_train, y_semi, _, _, _ = digits_split
    clf = make_clf().fit(X_train, y_semi)
    assert clf.n_transfer_samples_ == int((y_semi == -1).sum())


# ------------------------------------------------------------ sklearn integration
def test_pipeline_with_scaler(blobs):
    X, y = blobs
    pipe = make_pipeline(StandardScaler(), make_clf()).fit(X, y)
    assert pipe.score(X, y) > 0.8
    assert 0.0 <= fidelity_scorer(pipe, X) <= 1.0


def test_grid_search_over_temperature_and_samplers(blobs):
    X, y = blobs
    grid = GridSearchCV(
        make_clf(labels="soft", teacher=RandomForestClassifier(n_estimators=10)),
        param_grid=[
            {"temperature": [1.0, 3.0], "transfer_sampler": [PoolSampler()]},
            {"transfer_sampler": [MUNGE(n_samples=2.0)], "transfer_sampler__p": [0.2, 0.8]},
        ],
        scoring={"accuracy": "accuracy", "fidelity": fidelity_scorer},
        refit="fidelity",
        cv=3,
    ).fit(X, y)
    results = grid.cv_results_
    assert len(results["params"]) == 4
    assert np.all(np.isfinite(results["mean_test_fidelity"]))
    assert {p["transfer_sampler__p"] for p in results["params"][2:]} == {0.2, 0.8}
    assert grid.best_score_ == pytest.approx(results["mean_test_fidelity"].max())


def test_clone_and_pickle_round_trip(blobs):
    X, y = blobs
    clf = make_clf(transfer_sampler=MUNGE(n_samples=1.0), labels="soft")
    cloned = clone(clf)
    assert cloned.get_params()["transfer_sampler__p"] == clf.get_params()["transfer_sampler__p"]
    clf.fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict(X), clf.predict(X))
    np.testing.assert_allclose(restored.predict_proba(X), clf.predict_proba(X))


def test_same_seed_same_model_different_seed_different(blobs):
    X, y = blobs
    sampler = MUNGE(n_samples=2.0)
    first = make_clf(transfer_sampler=sampler, random_state=1).fit(X, y)
    second = make_clf(transfer_sampler=sampler, random_state=1).fit(X, y)
    third = make_clf(transfer_sampler=sampler, random_state=2).fit(X, y)
    np.testing.assert_allclose(first.predict_proba(X), second.predict_proba(X))
    assert first.student_.tree_.node_count == second.student_.tree_.node_count
    assert first.student_.random_state != third.student_.random_state
    # The user's objects are never seeded in place.
    assert first.teacher.random_state is None and sampler.random_state is None


def test_user_set_random_state_is_kept(blobs):
    X, y = blobs
    clf = make_clf(student=DecisionTreeClassifier(random_state=123)).fit(X, y)
    assert clf.student_.random_state == 123


# -------------------------------------------------------------------- teachers
def test_frozen_teacher_is_not_refitted(blobs):
    X, y = blobs
    CountingClassifier.n_fits = 0
    teacher = CountingClassifier(max_iter=500).fit(X, y)
    coef_before = teacher.coef_.copy()
    clf = make_clf(teacher=FrozenEstimator(teacher)).fit(X[:40], y[:40])
    assert CountingClassifier.n_fits == 1
    np.testing.assert_array_equal(teacher.coef_, coef_before)
    assert clf.fidelity(X) > 0.8


def test_frozen_teacher_brings_classes_the_labeled_rows_lack(blobs):
    X, y = blobs
    teacher = LogisticRegression(max_iter=500).fit(X, y)
    X_few = X[y != 2][:30]
    y_few = np.full(len(X_few), -1)
    y_few[:10] = y[y != 2][:10]
    clf = make_clf(teacher=FrozenEstimator(teacher), transfer_sampler=PoolSampler(pool="all")).fit(
        np.vstack([X_few, X[y == 2]]), np.concatenate([y_few, np.full((y == 2).sum(), -1)])
    )
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert 2 in clf.predict(X[y == 2])


@pytest.mark.parametrize(
    "teacher",
    [
        LabelSpreading(kernel="knn", n_neighbors=7),
        SelfTrainingClassifier(KNeighborsClassifier(n_neighbors=3), max_iter=3),
    ],
    ids=["LabelSpreading", "SelfTraining"],
)
def test_semi_supervised_teacher_sees_unlabeled_rows(digits_split, teacher):
    X_train, y_semi, _, X_test, y_test = digits_split
    clf = make_clf(teacher=teacher).fit(X_train, y_semi)
    # Semi-supervised teachers are fitted on every row, -1 markers included.
    assert clf.teacher_.n_features_in_ == 64
    fitted_rows = (
        clf.teacher_.X_.shape[0]
        if hasattr(clf.teacher_, "X_")
        else clf.teacher_.labeled_iter_.shape[0]
    )
    assert fitted_rows == len(X_train)
    assert clf.teacher_.score(X_test, y_test) > 0.8


def test_teacher_data_labeled_forces_labeled_rows_only(digits_split):
    X_train, y_semi, _, _, _ = digits_split
    clf = make_clf(
        teacher=SelfTrainingClassifier(LogisticRegression(max_iter=1000)), teacher_data="labeled"
    )
    with pytest.warns(UserWarning, match="y contains no unlabeled samples"):
        clf.fit(X_train, y_semi)
    assert clf.teacher_.labeled_iter_.shape[0] == int((y_semi != -1).sum())


def test_list_of_teachers_averages_probabilities(blobs):
    X, y = blobs
    teachers = [LogisticRegression(max_iter=500), GaussianNB()]
    clf = make_clf(teacher=teachers, labels="soft").fit(X, y)
    assert isinstance(clf.teacher_, TeacherEnsemble)
    members = [clone(t).fit(X, y) for t in teachers]
    expected = np.mean([m.predict_proba(X) for m in members], axis=0)
    np.testing.assert_allclose(clf.teacher_.predict_proba(X), expected)


def test_teacher_without_proba_works_with_hard_labels(blobs):
    X, y = blobs
    clf = make_clf(teacher=LinearSVC()).fit(X, y)
    assert clf.fidelity(X) > 0.8


# ----------------------------------------------------------------- labels/classes
def test_string_labels(blobs):
    X, y = blobs
    names = np.array(["ant", "bee", "cat"])[y]
    for labels in ["hard", "soft"]:
        clf = make_clf(labels=labels).fit(X, names)
        assert set(clf.predict(X)) <= set(names)
        np.testing.assert_array_equal(clf.classes_, ["ant", "bee", "cat"])


def test_object_labels_with_unlabeled_marker(blobs):
    X, y = blobs
    names = np.array(["ant", "bee", "cat"], dtype=object)[y]
    names[::2] = -1
    clf = make_clf().fit(X, names)
    np.testing.assert_array_equal(clf.classes_, ["ant", "bee", "cat"])
    assert clf.n_transfer_samples_ == len(X[::2])


def test_class_missing_from_transfer_set_keeps_its_column():
    # Class 2 has two labeled rows; with include_labeled=False and a teacher
    # that never predicts it, the student never sees class 2.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] > 0).astype(int)
    y[:2] = 2
    clf = make_clf(
        teacher=FrozenEstimator(LogisticRegression().fit(X[2:], y[2:])),
        transfer_sampler=PoolSampler(pool="all"),
        include_labeled=False,
    ).fit(X, y)
    assert list(clf.student_.classes_) == [0, 1]
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    proba = clf.predict_proba(X)
    assert proba.shape == (60, 3)
    np.testing.assert_array_equal(proba[:, 2], 0.0)


def test_alpha_blends_true_and_teacher_labels(blobs):
    X, y = blobs
    clf_true = make_clf(labels="soft", alpha=1.0, transfer_sampler=PoolSampler(pool="unlabeled"))
    clf_teacher = make_clf(labels="soft", alpha=0.0, transfer_sampler=PoolSampler(pool="unlabeled"))
    # With no unlabeled rows the student learns only from the labeled rows; alpha
    # decides whether those carry the truth or the teacher's view.
    teacher = FrozenEstimator(GaussianNB().fit(X[:20], y[:20]))  # a deliberately weak teacher
    clf_true.set_params(teacher=teacher, student=DecisionTreeClassifier()).fit(X, y)
    clf_teacher.set_params(teacher=teacher, student=DecisionTreeClassifier()).fit(X, y)
    assert clf_true.score(X, y) == 1.0
    assert clf_teacher.fidelity(X) > clf_true.fidelity(X)


def test_include_labeled_false_uses_teacher_labels_only(digits_split):
    X_train, y_semi, _, _, _ = digits_split
    clf = make_clf(include_labeled=False, student=DecisionTreeClassifier()).fit(X_train, y_semi)
    pool = X_train[y_semi == -1]
    assert clf.fidelity(pool) == 1.0  # an unbounded tree reproduces its training labels


def test_verbose_reports_each_stage(blobs, capsys):
    X, y = blobs
    make_clf(verbose=1).fit(X, y)
    out = capsys.readouterr().out
    for stage in ["teacher fit", "generation", "labeling", "student fit"]:
        assert stage in out


def test_batched_parallel_labeling_matches_single_batch(digits_split):
    X_train, y_semi, _, X_test, _ = digits_split
    one = make_clf(labels="soft").fit(X_train, y_semi)
    chunked = make_clf(labels="soft", batch_size=97, n_jobs=2).fit(X_train, y_semi)
    np.testing.assert_allclose(one.predict_proba(X_test), chunked.predict_proba(X_test))


def test_float32_input_stays_float32(blobs):
    X, y = blobs
    seen = {}

    class RecordingTree(DecisionTreeClassifier):
        def fit(self, X, y, sample_weight=None, check_input=True):
            seen["dtype"] = X.dtype
            return super().fit(X, y, sample_weight=sample_weight, check_input=check_input)

    make_clf(student=RecordingTree(), transfer_sampler=MUNGE()).fit(X.astype(np.float32), y)
    assert seen["dtype"] == np.float32


def test_confidence_sampler_keeps_confident_pool_rows(digits_split):
    X_train, y_semi, _, _, _ = digits_split
    clf = make_clf(transfer_sampler=ConfidenceSampler(threshold=0.5)).fit(X_train, y_semi)
    confidence = clf.transfer_sampler_.confidence_
    assert len(confidence) == (y_semi == -1).sum()
    assert clf.n_transfer_samples_ == (confidence >= 0.5).sum()


# ------------------------------------------------------------------- bad input
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_input_is_rejected(blobs, bad):
    X, y = blobs
    X = X.copy()
    X[3, 1] = bad
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        make_clf(transfer_sampler=MUNGE()).fit(X, y)


def test_wrong_number_of_features_at_predict(blobs):
    X, y = blobs
    clf = make_clf().fit(X, y)
    with pytest.raises(
        ValueError, match="X has 4 features, but MetamorphosisClassifier is expecting 5"
    ):
        clf.predict(X[:, :4])
    with pytest.raises(ValueError, match="expecting 5"):
        clf.fidelity(X[:, :4])


def test_all_rows_unlabeled(blobs):
    X, _ = blobs
    with pytest.raises(ValueError, match="All rows are unlabeled"):
        make_clf().fit(X, np.full(len(X), -1))


def test_one_class_only(blobs):
    X, _ = blobs
    with pytest.raises(ValueError, match="only one class"):
        make_clf().fit(X, np.zeros(len(X), dtype=int))


def test_soft_labels_need_teacher_proba(blobs):
    X, y = blobs
    with pytest.raises(
        ValueError, match="labels='soft' needs a teacher with predict_proba; LinearSVC"
    ):
        make_clf(teacher=LinearSVC(), labels="soft").fit(X, y)


def test_soft_labels_need_student_sample_weight(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="NoWeightClassifier.fit has no sample_weight"):
        make_clf(student=NoWeightClassifier(), labels="soft").fit(X, y)
    # Hard labels need no sample_weight.
    make_clf(student=NoWeightClassifier()).fit(X, y)


@pytest.mark.parametrize("temperature", [0, -1.0])
def test_temperature_must_be_positive(blobs, temperature):
    X, y = blobs
    with pytest.raises(
        ValueError,
        match=r"'temperature' parameter .* must be a float in the range \(0(\.0)?, inf\)",
    ):
        make_clf(labels="soft", temperature=temperature).fit(X, y)


def test_empty_transfer_set_without_labeled_rows(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="The transfer set is empty"):
        make_clf(
            transfer_sampler=ConfidenceSampler(threshold=1.0, pool="all"),
            teacher=GaussianNB(var_smoothing=10.0),
            include_labeled=False,
        ).fit(X, y)


def test_confidence_sampler_needs_probabilistic_teacher(blobs):
    X, y = blobs
    with pytest.raises(
        ValueError, match="ConfidenceSampler needs a fitted teacher with predict_proba"
    ):
        make_clf(teacher=LinearSVC(), transfer_sampler=ConfidenceSampler()).fit(X, y)


def test_predict_proba_hidden_when_student_has_none(blobs):
    X, y = blobs
    clf = make_clf(student=LinearSVC()).fit(X, y)
    assert not hasattr(clf, "predict_proba")
    assert clf.score(X, y) > 0.5
