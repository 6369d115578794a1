"""Rules from tree students: skmetamorph.rules."""

import sys

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris, make_regression
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skmetamorph import MetamorphosisClassifier, MetamorphosisRegressor
from skmetamorph.rules import Condition, Rule, RuleSet, extract_rules
from skmetamorph.samplers import MUNGE


@pytest.fixture(scope="module")
def iris():
    return load_iris(as_frame=True)


@pytest.fixture(scope="module")
def iris_tree(iris):
    return DecisionTreeClassifier(max_depth=3, random_state=0).fit(iris.data, iris.target)


def test_one_rule_per_leaf_coverage_sums_to_one(iris, iris_tree):
    rules = extract_rules(iris_tree, iris.data, iris.target)
    assert isinstance(rules, RuleSet) and isinstance(rules[0], Rule)
    assert len(rules) == iris_tree.get_n_leaves()
    assert sum(r.coverage for r in rules) == pytest.approx(1.0)
    assert sum(r.n_samples for r in rules) == len(iris.data)
    assert rules.n_samples == len(iris.data)


def test_accuracy_matches_direct_computation(iris, iris_tree):
    X, y = iris.data, iris.target.to_numpy()
    rules = extract_rules(iris_tree, X, y)
    leaves = iris_tree.apply(X)
    predictions = iris_tree.predict(X)
    for rule in rules:
        covered = leaves == rule.leaf
        assert rule.n_samples == covered.sum()
        assert rule.prediction == predictions[covered][0]
        assert rule.accuracy == pytest.approx(np.mean(y[covered] == rule.prediction))
    assert rules.accuracy == pytest.approx(iris_tree.score(X, y))
    assert rules.fidelity is None  # no teacher


def test_rows_satisfy_their_rules_conditions(iris, iris_tree):
    X = iris.data
    rules = extract_rules(iris_tree, X, precision=10)
    leaves = iris_tree.apply(X)
    for rule in rules:
        covered = X[leaves == rule.leaf]
        for condition in rule.conditions:
            values = covered[condition.feature].to_numpy()
            if condition.low is not None:
                assert np.all(values > condition.low)
            if condition.high is not None:
                assert np.all(values <= condition.high)


def test_printing(iris, iris_tree):
    rules = extract_rules(iris_tree, iris.data, iris.target, class_names=iris.target_names)
    lines = str(rules).splitlines()
    assert len(lines) == len(rules)
    assert all(" -> class " in line and "coverage" in line and "accuracy" in line for line in lines)
    assert any("petal" in line for line in lines)
    assert repr(rules) == f"<RuleSet: {len(rules)} classification rules>"
    assert str(rules[0]).startswith(rules[0].text)


def test_to_frame_columns(iris, iris_tree):
    frame = extract_rules(iris_tree, iris.data, iris.target).to_frame()
    assert list(frame.columns) == [
        "rule",
        "prediction",
        "coverage",
        "n_samples",
        "n_train",
        "confidence",
        "accuracy",
        "fidelity",
    ]
    assert len(frame) == iris_tree.get_n_leaves()
    assert frame["coverage"].sum() == pytest.approx(1.0)
    assert frame["fidelity"].isna().all()


def test_to_frame_without_pandas(iris, iris_tree, monkeypatch):
    rules = extract_rules(iris_tree)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="needs pandas"):
        rules.to_frame()


def test_feature_and_class_names(iris, iris_tree):
    X = iris.data.to_numpy()
    array_tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, iris.target)
    assert extract_rules(array_tree).feature_names == ["x0", "x1", "x2", "x3"]
    assert extract_rules(iris_tree).feature_names == list(iris.data.columns)
    named = extract_rules(array_tree, feature_names=["a", "b", "c", "d"])
    assert "d <= " in str(named) or "c <= " in str(named)
    by_dict = extract_rules(array_tree, class_names={0: "zero"})
    assert {r.prediction for r in by_dict} == {"zero", 1, 2}
    with pytest.raises(ValueError, match="class_names has 2 names"):
        extract_rules(array_tree, class_names=["a", "b"])
    with pytest.raises(ValueError, match="feature_names has 2 names"):
        extract_rules(array_tree, feature_names=["a", "b"])


def test_conditions_on_one_feature_are_merged():
    X = np.linspace(0, 1, 64).reshape(-1, 1)
    y = np.minimum(X[:, 0] * 8, 7).astype(int)  # eight intervals: nested splits on x0 only
    tree = DecisionTreeClassifier(random_state=0).fit(X, y)
    rules = extract_rules(tree, X, y)
    assert len(rules) == 8
    assert all(len(rule.conditions) == 1 for rule in rules)  # one range per rule
    middle = [r for r in rules if r.conditions[0].low is not None and r.conditions[0].high]
    assert middle and all(r.conditions[0].low < r.conditions[0].high for r in middle)
    assert str(Condition("x", 0.25, 0.5)) == "0.25 < x <= 0.5"
    assert str(Condition("x", None, 0.5)) == "x <= 0.5"
    assert str(Condition("x", 0.25, None)) == "x > 0.25"


def test_rules_of_a_metamorphosis_student_measure_fidelity(iris):
    X, y = iris.data, iris.target.to_numpy()
    clf = MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=30),
        DecisionTreeClassifier(max_leaf_nodes=4),
        MUNGE(n_samples=3.0),
        random_state=0,
    ).fit(X, y)
    rules = extract_rules(clf, X, y)
    assert rules.feature_names == list(X.columns)  # from the meta-estimator's fit
    teacher_pred = clf.teacher_.predict(X)
    leaves = clf.student_.apply(X)
    for rule in rules:
        covered = leaves == rule.leaf
        assert rule.fidelity == pytest.approx(np.mean(teacher_pred[covered] == rule.prediction))
    assert rules.fidelity == pytest.approx(clf.fidelity(X))


def test_pipeline_ending_in_a_metamorphosis_estimator(iris):
    X, y = iris.data, iris.target
    pipe = make_pipeline(
        StandardScaler(),
        MetamorphosisClassifier(
            LogisticRegression(max_iter=500), DecisionTreeClassifier(max_depth=2), random_state=0
        ),
    ).fit(X, y)
    rules = extract_rules(pipe, X, y)
    assert rules.feature_names == list(X.columns)  # the scaler keeps the names
    assert rules.accuracy == pytest.approx(pipe.score(X, y))
    assert rules.fidelity == pytest.approx(pipe[-1].fidelity(pipe[0].transform(X)))
    # An explicit teacher is fed the raw rows.
    teacher = LogisticRegression(max_iter=500).fit(X, y)
    assert extract_rules(pipe, X, y, teacher=teacher).fidelity is not None


def test_regression_rules():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    tree = DecisionTreeRegressor(max_leaf_nodes=6, random_state=0).fit(X, y)
    rules = extract_rules(tree, X, y)
    assert rules.task == "regression" and len(rules) == 6
    leaves = tree.apply(X)
    for rule in rules:
        covered = leaves == rule.leaf
        assert rule.prediction == pytest.approx(tree.predict(X[covered])[0])
        assert rule.mae == pytest.approx(np.mean(np.abs(y[covered] - rule.prediction)))
    assert rules.mae == pytest.approx(np.mean(np.abs(y - tree.predict(X))))
    assert "MAE" in str(rules) and " -> " in str(rules)
    frame = rules.to_frame()
    assert list(frame.columns[-2:]) == ["mae", "teacher_mae"]


def test_regressor_metamorphosis_and_multi_output_rules():
    X, Y = make_regression(n_samples=200, n_features=4, n_targets=2, random_state=0)
    reg = MetamorphosisRegressor(
        RandomForestRegressor(n_estimators=20),
        DecisionTreeRegressor(max_depth=2),
        MUNGE(),
        random_state=0,
    ).fit(X, Y)
    rules = extract_rules(reg, X, Y)
    assert all(isinstance(r.prediction, tuple) and len(r.prediction) == 2 for r in rules)
    assert all(r.teacher_mae is not None for r in rules)
    assert str(rules).count("(") >= len(rules)


def test_without_data_coverage_comes_from_the_tree(iris_tree):
    rules = extract_rules(iris_tree)
    assert sum(r.coverage for r in rules) == pytest.approx(1.0)
    assert all(r.n_samples is None and r.accuracy is None for r in rules)
    assert all(0 < r.confidence <= 1 for r in rules)
    with pytest.raises(ValueError, match="pass X too"):
        extract_rules(iris_tree, y=[0, 1])


def test_single_leaf_and_bad_estimators(iris):
    X, y = iris.data, iris.target
    stump = DecisionTreeClassifier(max_depth=1, min_impurity_decrease=1.0).fit(X, y)
    (rule,) = extract_rules(stump, X, y)
    assert rule.text.startswith("always -> class")
    with pytest.raises(TypeError, match="needs a fitted decision tree"):
        extract_rules(LogisticRegression(max_iter=500).fit(X, y))
    with pytest.raises(NotFittedError):
        extract_rules(LogisticRegression())
    with pytest.raises(ValueError, match="multi-output classification"):
        extract_rules(DecisionTreeClassifier().fit(X, np.column_stack([y, y])))


@pytest.mark.parametrize("labels", ["proba", "logit"])
def test_rules_of_a_regression_tree_student_read_as_classes(labels):
    from sklearn.datasets import load_iris
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.tree import DecisionTreeRegressor

    from skmetamorph import MetamorphosisClassifier
    from skmetamorph.rules import extract_rules

    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]  # string classes
    model = MetamorphosisClassifier(
        RandomForestClassifier(n_estimators=20, random_state=0),
        DecisionTreeRegressor(max_leaf_nodes=5, random_state=0),
        labels=labels,
        random_state=0,
    ).fit(X, names)
    rules = extract_rules(model, X, names)
    assert rules.task == "classification" and len(rules) == 5
    leaves = model.student_.apply(X)
    predicted = model.predict(X)
    for rule in rules:
        covered = leaves == rule.leaf
        # Each rule's class is what the model predicts on the rows it covers.
        assert set(predicted[covered]) <= {rule.prediction}
        assert rule.prediction in model.classes_
        assert 0 < rule.confidence <= 1
        assert rule.fidelity is not None and rule.accuracy is not None
    assert "-> class" in str(rules)
