"""The kinds of target as strategy objects: same predictions as before, one class per kind."""

import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import SGDClassifier
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skmetamorph import MetamorphosisClassifier
from skmetamorph._target_kinds import (
    DistillationTargets,
    ExpandedSoftLabels,
    HardLabels,
    LogitRegression,
    ProbaRegression,
    SoftMatrix,
    classification_kind,
)
from skmetamorph.utils import MetamorphTags

ORACLE_DIR = Path(__file__).parent / "oracle"
sys.path.insert(0, str(ORACLE_DIR))
import make_target_kinds_oracle as oracle  # noqa: E402

ORACLE = np.load(ORACLE_DIR / "target_kinds.npz")
CASES = {name: (make, task) for name, make, task in oracle.cases()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_predictions_as_before_the_refactor(name):
    # tests/oracle/target_kinds.npz was made on the commit before the targets
    # became strategy objects: the same seeds must give the same outputs.
    if list(ORACLE["versions"]) != oracle.versions():
        # Other releases (the minimum-versions run) compute other numbers.
        pytest.skip(f"the oracle was made with {list(ORACLE['versions'])}")
    make, task = CASES[name]
    for key, value in oracle.outputs(make, task).items():
        expected = ORACLE[f"{name}.{key}"]
        if value.dtype.kind == "f":
            np.testing.assert_allclose(value, expected, rtol=1e-6, atol=1e-9, err_msg=key)
        else:
            np.testing.assert_array_equal(value, expected, err_msg=key)


def test_the_oracle_covers_every_classification_kind():
    kinds = set()
    for make, task in CASES.values():
        if task.startswith("c"):
            estimator = make()
            kinds.add(classification_kind(estimator.labels, estimator.student))
    expected = {HardLabels, ExpandedSoftLabels, ProbaRegression, LogitRegression}
    if "distillation" in CASES:
        expected.add(DistillationTargets)
    assert expected <= kinds


class _SoftStudent(SGDClassifier):
    def __skmetamorph_tags__(self):
        tags = MetamorphTags()
        tags.student.soft_targets = True
        return tags


class _DistillingStudent(_SoftStudent):
    def __skmetamorph_tags__(self):
        tags = super().__skmetamorph_tags__()
        tags.student.distillation = True
        return tags


@pytest.mark.parametrize(
    "labels, student, kind",
    [
        ("hard", DecisionTreeClassifier(), HardLabels),
        ("soft", DecisionTreeClassifier(), ExpandedSoftLabels),
        ("soft", _SoftStudent(), SoftMatrix),
        ("soft", _DistillingStudent(), DistillationTargets),
        ("proba", DecisionTreeRegressor(), ProbaRegression),
        ("logit", DecisionTreeRegressor(), LogitRegression),
    ],
)
def test_labels_and_student_tags_choose_the_kind(labels, student, kind):
    assert classification_kind(labels, student) is kind


def test_the_fitted_kind_reads_the_student_after_labels_change():
    X = np.random.default_rng(0).normal(size=(120, 4))
    y = (X[:, 0] > 0).astype(int)
    clf = MetamorphosisClassifier(
        DecisionTreeClassifier(random_state=0),
        DecisionTreeRegressor(max_depth=3, random_state=0),
        labels="logit",
        random_state=0,
    ).fit(X, y)
    proba = clf.predict_proba(X)
    assert clf.student_output_ == "logit"
    clf.set_params(labels="hard")  # not refitted: the student still regresses logits
    np.testing.assert_allclose(clf.predict_proba(X), proba)
    np.testing.assert_allclose(clf.proba_from_student_values(clf.student_.predict(X)), proba)


def test_proba_from_student_values_needs_a_regressor_student():
    X = np.random.default_rng(0).normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    clf = MetamorphosisClassifier(
        DecisionTreeClassifier(random_state=0), DecisionTreeClassifier(random_state=0)
    ).fit(X, y)
    assert clf.student_output_ == "class"
    with pytest.raises(ValueError, match="predicts classes"):
        clf.proba_from_student_values(np.zeros((2, 2)))


def test_the_soft_matrix_student_gets_the_probability_matrix():
    X = np.random.default_rng(0).normal(size=(150, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    seen = {}

    class Recording(_SoftStudent):
        def fit(self, X, y, sample_weight=None, classes=None):
            seen["y"], seen["classes"] = np.asarray(y), classes
            return super().fit(X, np.argmax(y, axis=1), sample_weight=sample_weight)

    clf = MetamorphosisClassifier(
        DecisionTreeClassifier(max_depth=2, random_state=0),
        Recording(random_state=0),
        labels="soft",
        alpha=0.5,
        random_state=0,
    ).fit(X, y)
    assert seen["y"].shape == (300, 2)  # 150 labeled rows, then the pool of 150 rows
    np.testing.assert_allclose(seen["y"].sum(axis=1), 1.0)
    np.testing.assert_array_equal(seen["classes"], clf.classes_)


# ------------------------------------------------------------- names and homes
def test_moved_helpers_warn_from_their_old_home():
    import skmetamorph.base as base
    from skmetamorph.utils import UNLABELED, unlabeled_mask

    with pytest.warns(FutureWarning, match="skmetamorph.utils.unlabeled_mask"):
        old = base.unlabeled_mask
    assert old is unlabeled_mask
    with pytest.warns(FutureWarning, match="skmetamorph.utils.UNLABELED"):
        assert base.UNLABELED == UNLABELED == -1
    with pytest.raises(AttributeError):
        base.no_such_name  # noqa: B018


def test_plan_materialise_is_a_deprecated_all_rows():
    from skmetamorph.base import transfer_plan
    from skmetamorph.samplers import MUNGE

    X = np.random.default_rng(0).normal(size=(20, 3))
    plan = transfer_plan(MUNGE(n_samples=2.0, random_state=0), X)
    with pytest.warns(FutureWarning, match="all_rows"):
        rows = plan.materialise()
    np.testing.assert_array_equal(rows, plan.all_rows())


def test_reports_and_rules_recognise_a_meta_estimator_by_type():
    from skmetamorph.utils import is_metamorphosis

    class LooksAlike:  # the attributes of a fitted meta-estimator, not its type
        teacher_ = student_ = transfer_sampler = student = None

    clf = MetamorphosisClassifier(DecisionTreeClassifier(), DecisionTreeClassifier())
    assert is_metamorphosis(clf)
    assert not is_metamorphosis(LooksAlike())


def test_label_spreading_with_string_labels_is_refused_before_its_fit():
    from sklearn.semi_supervised import LabelSpreading

    X = np.random.default_rng(0).normal(size=(40, 3))
    y = np.where(X[:, 0] > 0, "yes", "no").astype(object)
    y[20:] = -1
    clf = MetamorphosisClassifier(
        LabelSpreading(), DecisionTreeClassifier(), teacher_data="all", random_state=0
    )
    with pytest.raises(ValueError, match="take integer class labels only"):
        clf.fit(X, y)
    assert not hasattr(clf, "teacher_")


# ------------------------------------------- teacher outputs: labeled plans only
def test_only_labeled_plans_carry_teacher_outputs():
    from sklearn.ensemble import RandomForestClassifier

    from skmetamorph.base import ArrayPlan, LabeledArrayPlan, LabeledPlan, transfer_plan
    from skmetamorph.samplers import MUNGE, AdaptiveSampler, UnionSampler

    X = np.random.default_rng(0).normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    teacher = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    munge = MUNGE(n_samples=1.0, random_state=0)
    plain = transfer_plan(munge, X, y, teacher=teacher)
    assert not isinstance(plain, LabeledPlan) and not hasattr(plain, "output_parts")
    union = transfer_plan(UnionSampler([("a", munge), ("b", clone_of(munge))]), X, y)
    assert not isinstance(union, LabeledPlan)
    adaptive = AdaptiveSampler(budget=30, random_state=0)
    mixed = transfer_plan(UnionSampler([("a", munge), ("b", adaptive)]), X, y, teacher=teacher)
    assert isinstance(mixed, LabeledPlan)
    parts = mixed.output_parts(0, len(mixed))
    assert parts[0][2] is None and parts[-1][2] is not None  # MUNGE rows unasked

    with pytest.warns(FutureWarning, match="LabeledArrayPlan"):
        old = ArrayPlan(X, outputs={"predict": y})
    assert isinstance(old, LabeledArrayPlan)
    np.testing.assert_array_equal(old.outputs(2, 5)["predict"], y[2:5])


def clone_of(estimator):
    from sklearn.base import clone

    return clone(estimator)
