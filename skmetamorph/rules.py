"""Readable rules from a fitted decision-tree student: pedagogical rule extraction.

Every leaf of a tree is one rule, "conditions on the features -> prediction".
:func:`extract_rules` turns a fitted tree (alone, at the end of a Pipeline, or
as the student of a metamorphosis estimator) into a :class:`RuleSet` and scores
each rule on given data: how many rows it covers, how often it is right, and
how often it agrees with the teacher (its fidelity).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import is_classifier
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._meta_estimator import is_metamorphosis
from .metrics import coverage_score, density_score

__all__ = ["Condition", "Rule", "RuleSet", "extract_rules"]

#: Text between a rule's conditions and its prediction.
ARROW = "->"


@dataclass(frozen=True)
class Condition:
    """A range condition on one feature: ``low < feature <= high``.

    Conditions on the same feature along a tree path are merged into one
    (``x1 > 0.3 and x1 > 0.5`` becomes ``x1 > 0.5``), so each feature appears
    at most once per rule.

    Parameters
    ----------
    feature : str
        Feature name.
    low : float or None
        Exclusive lower bound (``feature > low``), or None.
    high : float or None
        Inclusive upper bound (``feature <= high``), as in scikit-learn trees,
        or None.
    closed : bool, default=False
        Whether ``low`` is inclusive too (``low <= feature``), as in the
        boxes of :class:`~skmetamorph.scenario.PRIM`.

    Examples
    --------
    >>> from skmetamorph.rules import Condition
    >>> str(Condition("petal width", low=0.8, high=1.75))
    '0.8 < petal width <= 1.75'
    >>> Condition("x0", low=None, high=2.5).format(precision=1)
    'x0 <= 2'
    >>> str(Condition("x1", low=0.25, closed=True))
    'x1 >= 0.25'
    """

    feature: str
    low: float = None
    high: float = None
    closed: bool = False

    def format(self, precision=3):
        """The condition as text, numbers with ``precision`` significant digits.

        Parameters
        ----------
        precision : int, default=3
            Significant digits of the thresholds.

        Returns
        -------
        text : str
            E.g. ``"x1 > 0.3"``, ``"x4 <= 2"`` or ``"0.3 < x1 <= 0.5"``.
        """
        above = ">=" if self.closed else ">"
        if self.low is None:
            return f"{self.feature} <= {_number(self.high, precision)}"
        if self.high is None:
            return f"{self.feature} {above} {_number(self.low, precision)}"
        below = "<=" if self.closed else "<"
        return (
            f"{_number(self.low, precision)} {below} {self.feature} <= "
            f"{_number(self.high, precision)}"
        )

    def __str__(self):
        return self.format()


@dataclass(frozen=True)
class Rule:
    """One leaf of a tree as a rule, with its scores on the given data.

    Attributes
    ----------
    conditions : tuple of Condition
        Conditions that all hold for the rows the rule covers (empty for a
        tree with a single leaf).
    prediction : object
        The class (classification), the value, or a tuple of values
        (multi-output regression) that the rule predicts.
    leaf : int
        Node index of the leaf in the tree.
    n_train : int
        Number of the tree's training rows in the leaf (for a student, rows of
        its transfer set).
    coverage : float
        Fraction of the given rows that the rule covers (of the training rows
        when no data were given). The coverages of a rule set sum to 1.
    n_samples : int or None
        Number of given rows covered; None without data.
    confidence : float or None
        Classification: share of the leaf's training weight in the predicted
        class.
    accuracy : float or None
        Classification: fraction of covered rows whose true label is the
        predicted class (the rule's precision). None without ``y`` or when the
        rule covers no row.
    fidelity : float or None
        Classification: fraction of covered rows for which the teacher
        predicts the rule's class. None without a teacher.
    mae : float or None
        Regression: mean absolute error of the rule's value on covered rows.
    teacher_mae : float or None
        Regression: mean absolute difference between the rule's value and
        the teacher's predictions on covered rows (its fidelity; lower is
        closer).
    density : float or None
        A box of :class:`~skmetamorph.scenario.PRIM`: the share of interesting
        rows among those it covers (its precision; a mean for probabilities).
    recall : float or None
        A box of :class:`~skmetamorph.scenario.PRIM`: the share of all
        interesting rows that it covers -- what scenario discovery calls the
        box's *coverage* (here ``coverage`` keeps its rule-learning meaning,
        the share of all rows: PRIM's *mass*).

    Examples
    --------
    >>> from skmetamorph.rules import Condition, Rule
    >>> rule = Rule((Condition("x1", low=0.3), Condition("x4", high=2.0)), "A",
    ...             leaf=3, n_train=40, coverage=0.25, accuracy=0.9)
    >>> rule.text
    'x1 > 0.3 and x4 <= 2 -> class A'
    >>> print(rule)
    x1 > 0.3 and x4 <= 2 -> class A  [coverage 0.250, accuracy 0.900]
    """

    conditions: tuple
    prediction: object
    leaf: int
    n_train: int
    coverage: float
    n_samples: int = None
    confidence: float = None
    accuracy: float = None
    fidelity: float = None
    mae: float = None
    teacher_mae: float = None
    density: float = None
    recall: float = None
    precision: int = field(default=3, repr=False, compare=False)
    task: str = field(default="classification", repr=False, compare=False)

    @property
    def text(self):
        """The rule without its scores, e.g. ``"x1 > 0.3 and x4 <= 2 -> class A"``."""
        conditions = " and ".join(c.format(self.precision) for c in self.conditions)
        if self.task == "classification":
            outcome = f"class {self.prediction}"
        elif isinstance(self.prediction, tuple):
            outcome = "(" + ", ".join(_number(v, self.precision) for v in self.prediction) + ")"
        else:
            outcome = _number(self.prediction, self.precision)
        return f"{conditions or 'always'} {ARROW} {outcome}"

    def __str__(self):
        shown = [f"coverage {self.coverage:.3f}"]
        if self.task == "classification":
            scores = [
                ("density", self.density),  # boxes only: None for tree leaves
                ("recall", self.recall),
                ("accuracy", self.accuracy),
                ("fidelity", self.fidelity),
            ]
            shown += [f"{name} {value:.3f}" for name, value in scores if value is not None]
        else:
            scores = [("MAE", self.mae), ("teacher MAE", self.teacher_mae)]
            shown += [
                f"{name} {_number(value, self.precision)}"
                for name, value in scores
                if value is not None
            ]
        return f"{self.text}  [{', '.join(shown)}]"


class RuleSet(Sequence):
    """The rules of a tree, one per leaf, in the tree's left-to-right order.

    A sequence of :class:`Rule` (index it, iterate over it, ``len()``);
    ``str()`` gives one rule per line and :meth:`to_frame` a pandas DataFrame.
    Made by :func:`extract_rules`.

    Attributes
    ----------
    rules : list of Rule
        The rules.
    task : {"classification", "regression"}
        What the tree predicts.
    feature_names : list of str
        Names of the tree's input features, as used in the conditions.
    n_samples : int or None
        Number of rows the rules were scored on (None without data).
    accuracy : float or None
        Classification: accuracy of the whole tree on the given rows.
    fidelity : float or None
        Classification: agreement of the whole tree with the teacher.
    mae, teacher_mae : float or None
        Regression: the same as mean absolute differences.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skmetamorph.rules import extract_rules
    >>> X, y = load_diabetes(return_X_y=True, as_frame=True)
    >>> tree = DecisionTreeRegressor(max_depth=1).fit(X, y)
    >>> rules = extract_rules(tree, X, y)
    >>> len(rules), rules.task
    (2, 'regression')
    >>> print(rules)
    s5 <= -0.00376 -> 110  [coverage 0.493, MAE 45.7]
    s5 > -0.00376 -> 193  [coverage 0.507, MAE 61.1]
    """

    def __init__(self, rules, *, task, feature_names, n_samples=None, summary=None):
        self.rules = list(rules)
        self.task = task
        self.feature_names = list(feature_names)
        self.n_samples = n_samples
        summary = summary or {}
        for name in ("accuracy", "fidelity", "mae", "teacher_mae"):
            setattr(self, name, summary.get(name))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return RuleSet(
                self.rules[index],
                task=self.task,
                feature_names=self.feature_names,
                n_samples=self.n_samples,
            )
        return self.rules[index]

    def __len__(self):
        return len(self.rules)

    def __str__(self):
        return "\n".join(str(rule) for rule in self.rules)

    def __repr__(self):
        return f"<RuleSet: {len(self)} {self.task} rules>"

    def to_frame(self):
        """The rules as a pandas DataFrame, one row per rule.

        Returns
        -------
        frame : pandas.DataFrame
            Columns ``rule`` (the conditions as text), ``prediction``,
            ``coverage``, ``n_samples``, ``n_train``, then ``confidence``,
            ``accuracy`` and ``fidelity`` (classification) or ``mae`` and
            ``teacher_mae`` (regression). Scores that could not be computed
            are missing values.
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pandas is optional: only this method needs it
            raise ImportError(
                "RuleSet.to_frame needs pandas; install it with `pip install pandas`."
            ) from exc
        scores = (
            ["confidence", "accuracy", "fidelity"]
            if self.task == "classification"
            else ["mae", "teacher_mae"]
        )
        if any(r.density is not None for r in self.rules):  # PRIM boxes
            scores = ["density", "recall"] + scores
        columns = ["rule", "prediction", "coverage", "n_samples", "n_train"] + scores
        rows = [
            {
                "rule": " and ".join(c.format(r.precision) for c in r.conditions) or "always",
                "prediction": r.prediction,
                **{name: getattr(r, name) for name in columns[2:]},
            }
            for r in self.rules
        ]
        frame = pd.DataFrame(rows, columns=columns)
        for name in ["coverage"] + scores:
            frame[name] = frame[name].astype(float)
        return frame


def extract_rules(
    estimator,
    X=None,
    y=None,
    *,
    teacher=None,
    feature_names=None,
    class_names=None,
    precision=3,
):
    """Turn a fitted decision tree into readable rules, scored on ``(X, y)``.

    Parameters
    ----------
    estimator : fitted estimator
        A ``DecisionTreeClassifier`` or ``DecisionTreeRegressor`` (any
        estimator with ``tree_``), a Pipeline ending in one, or a fitted
        :class:`~skmetamorph.MetamorphosisClassifier` /
        :class:`~skmetamorph.MetamorphosisRegressor` (or a Pipeline ending in
        one) whose student is such a tree; its ``teacher_`` is then the
        teacher the rules' fidelity is measured against. A fitted
        :class:`~skmetamorph.scenario.PRIM` (alone, at the end of a Pipeline,
        or as a student) gives one rule per box, in covering order (a row
        counts for the first box that holds it), with its ``density`` and
        ``recall`` (PRIM's coverage); ``y`` and the teacher's predictions are
        read as interest the way the PRIM read ``y`` (its ``threshold``).
    X : array-like of shape (n_samples, n_features), default=None
        Rows to score the rules on (held-out rows tell more). They are
        transformed by the Pipeline steps before the tree. Without ``X`` only
        the tree's own statistics (``n_train``, ``confidence``) are given.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
        True labels or values of ``X``, for each rule's accuracy (or MAE).
    teacher : fitted estimator, default=None
        The model the rules should mimic, fed the same ``X``. Defaults to the
        ``teacher_`` of a metamorphosis estimator.
    feature_names : list of str, default=None
        Names of the tree's input features. By default they come from the
        fitted estimators (``feature_names_in_``, or the Pipeline's
        ``get_feature_names_out``), else ``x0, x1, ...``.
    class_names : list or dict, default=None
        Names of the classes, in the order of the tree's ``classes_`` or as
        a dict ``{class: name}``. By default the classes themselves.
    precision : int, default=3
        Significant digits of the numbers in the text.

    Returns
    -------
    rules : RuleSet
        One rule per leaf.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skmetamorph.rules import extract_rules
    >>> iris = load_iris(as_frame=True)
    >>> tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(iris.data, iris.target)
    >>> rules = extract_rules(tree, iris.data, iris.target, class_names=iris.target_names)
    >>> print(rules)
    petal width (cm) <= 0.8 -> class setosa  [coverage 0.333, accuracy 1.000]
    0.8 < petal width (cm) <= 1.75 -> class versicolor  [coverage 0.360, accuracy 0.907]
    petal width (cm) > 1.75 -> class virginica  [coverage 0.307, accuracy 0.978]
    >>> rules.to_frame()[["prediction", "coverage", "accuracy"]].round(3)
       prediction  coverage  accuracy
    0      setosa     0.333     1.000
    1  versicolor     0.360     0.907
    2   virginica     0.307     0.978
    """
    chain = _unwrap(estimator)
    if hasattr(chain.tree, "boxes_"):
        return _box_rules(estimator, chain, X, y, teacher, feature_names, precision)
    tree, reader = chain.tree, chain.reader
    # A regression tree that regresses a teacher's class probabilities (or
    # logits) reads as classes: each leaf predicts the class of its largest value.
    classification = is_classifier(tree) or reader is not None
    if is_classifier(tree) and tree.n_outputs_ > 1:
        raise ValueError("Rules from multi-output classification trees are not supported.")
    names = _feature_names(feature_names, chain.names, tree)
    has_classes = reader if reader is not None else tree
    labels = _class_labels(has_classes, class_names) if classification else None

    evaluation = None
    if X is not None:
        # Rows the model would reject (NaN, wrong width) are rejected here with
        # the model's own error, not scored against leaves.
        estimator.predict(X)
        evaluation = _Evaluation(chain, X, y, teacher, classification)
    elif y is not None or teacher is not None:
        raise ValueError("y and teacher score the rules on rows: pass X too.")

    t = tree.tree_
    leaves = np.flatnonzero(t.children_left == -1)
    paths = _leaf_paths(t)
    rules = []
    for leaf in leaves:
        value = t.value[leaf]
        if reader is not None:
            proba = reader.proba_from_student_values(value[:, 0][np.newaxis])[0]
            index = int(np.argmax(proba))
            prediction, predicted = labels[index], reader.classes_[index]
            scores = {"confidence": float(proba[index])}
        elif classification:
            index = int(np.argmax(value[0]))
            prediction, predicted = labels[index], tree.classes_[index]
            scores = {"confidence": float(value[0, index] / value[0].sum())}
        else:
            predicted = value[:, 0]
            prediction = (
                float(predicted[0]) if predicted.shape[0] == 1 else tuple(map(float, predicted))
            )
            scores = {}
        if evaluation is not None:
            scores.update(evaluation.leaf_scores(leaf, predicted, classification))
        else:
            scores["coverage"] = float(t.n_node_samples[leaf] / t.n_node_samples[0])
        rules.append(
            Rule(
                conditions=_conditions(paths[leaf], names),
                prediction=prediction,
                leaf=int(leaf),
                n_train=int(t.n_node_samples[leaf]),
                precision=precision,
                task="classification" if classification else "regression",
                **scores,
            )
        )
    return RuleSet(
        rules,
        task="classification" if classification else "regression",
        feature_names=names,
        n_samples=None if evaluation is None else evaluation.n,
        summary=None if evaluation is None else evaluation.summary(),
    )


# --------------------------------------------------------------------- helpers
def _number(value, precision):
    """A number with ``precision`` significant digits, written without an exponent."""
    return np.format_float_positional(
        float(value), precision=precision, unique=True, fractional=False, trim="-"
    )


@dataclass
class _Chain:
    """A fitted tree and what lies before it: transformers and, maybe, a teacher."""

    tree: object
    transforms: list
    names: object
    teacher: object = None
    teacher_depth: int = 0
    #: A MetamorphosisClassifier whose regression-tree student regresses the
    #: teacher's probabilities or logits: it reads a leaf's values as a class.
    reader: object = None


def _unwrap(estimator):
    transforms, names, teacher, depth, reader = [], None, None, 0, None
    current = estimator
    while True:
        names = _own_names(current, names)
        if isinstance(current, Pipeline):
            check_is_fitted(current)
            if len(current.steps) > 1:
                head = current[:-1]
                names = _names_out(head, names)
                transforms.append(head)
            current = current.steps[-1][1]
        elif is_metamorphosis(current):
            check_is_fitted(current, "student_")
            teacher, depth = current.teacher_, len(transforms)
            if is_classifier(current) and current.student_output_ != "class":
                reader = current  # labels="proba"/"logit": values per class
            current = current.student_
        elif hasattr(current, "boxes_") and hasattr(current, "trajectories_"):
            return _Chain(current, transforms, names, teacher, depth)  # a fitted PRIM
        elif hasattr(current, "tree_"):
            return _Chain(current, transforms, names, teacher, depth, reader)
        else:
            check_is_fitted(current)
            raise TypeError(
                "extract_rules needs a fitted decision tree (DecisionTreeClassifier or "
                "DecisionTreeRegressor) or PRIM, a Pipeline ending in one, or a "
                f"metamorphosis estimator whose student is one; got {type(current).__name__}."
            )


def _own_names(estimator, names):
    own = getattr(estimator, "feature_names_in_", None)
    return names if own is None else list(own)


def _names_out(head, names):
    try:
        return list(head.get_feature_names_out(names))
    except (AttributeError, ValueError, TypeError):
        return None  # a step without get_feature_names_out: fall back to x0, x1, ...


def _feature_names(given, found, tree):
    n_features = tree.n_features_in_
    names = given if given is not None else found
    if names is None:
        return [f"x{i}" for i in range(n_features)]
    names = [str(name) for name in names]
    if len(names) != n_features:
        if given is None:
            return [f"x{i}" for i in range(n_features)]
        raise ValueError(
            f"feature_names has {len(names)} names but the tree has {n_features} features."
        )
    return names


def _class_labels(tree, class_names):
    classes = list(tree.classes_)
    if class_names is None:
        return classes
    if isinstance(class_names, dict):
        return [class_names.get(c, c) for c in classes]
    class_names = list(class_names)
    if len(class_names) != len(classes):
        raise ValueError(
            f"class_names has {len(class_names)} names but the tree has {len(classes)} "
            f"classes {classes}; give one name per class or a dict {{class: name}}."
        )
    return class_names


def _leaf_paths(t):
    """For every leaf, the (feature, threshold, went_left) steps from the root."""
    paths, stack = {}, [(0, [])]
    while stack:
        node, path = stack.pop()
        left, right = t.children_left[node], t.children_right[node]
        if left == -1:
            paths[node] = path
            continue
        feature, threshold = int(t.feature[node]), float(t.threshold[node])
        stack.append((left, path + [(feature, threshold, True)]))
        stack.append((right, path + [(feature, threshold, False)]))
    return paths


def _conditions(path, names):
    """Merge a path's tests into one range per feature, in order of first use."""
    bounds = {}
    for feature, threshold, went_left in path:
        low, high = bounds.get(feature, (None, None))
        if went_left:  # x <= threshold: the tightest upper bound wins
            high = threshold if high is None else min(high, threshold)
        else:  # x > threshold
            low = threshold if low is None else max(low, threshold)
        bounds[feature] = (low, high)
    return tuple(Condition(names[f], low, high) for f, (low, high) in bounds.items())


def _as_input(estimator, X):
    """``X`` as an array for an estimator fitted without feature names.

    A tree fitted on an array would only warn about a DataFrame's names.
    """
    if hasattr(X, "to_numpy") and getattr(estimator, "feature_names_in_", None) is None:
        return X.to_numpy()
    return X


class _Evaluation:
    """Leaf of every row, true targets and teacher predictions, for scoring rules."""

    def __init__(self, chain, X, y, teacher, classification):
        X_tree, X_teacher = X, X
        for depth, head in enumerate(chain.transforms):
            if depth == chain.teacher_depth:
                X_teacher = X_tree
            X_tree = head.transform(X_tree)
        if chain.teacher_depth == len(chain.transforms):
            X_teacher = X_tree
        self.leaves = chain.tree.apply(_as_input(chain.tree, X_tree))
        self.n = self.leaves.shape[0]
        self.y = None if y is None else np.asarray(y)
        if self.y is not None and self.y.shape[0] != self.n:
            raise ValueError(f"y has {self.y.shape[0]} rows but X has {self.n}.")
        if teacher is not None:
            self.teacher_pred = np.asarray(teacher.predict(X))
        elif chain.teacher is not None:
            X_teacher = _as_input(chain.teacher, X_teacher)
            self.teacher_pred = np.asarray(chain.teacher.predict(X_teacher))
        else:
            self.teacher_pred = None
        self._totals = {}

    def leaf_scores(self, leaf, predicted, classification):
        """Coverage and scores of the rule of ``leaf``, which predicts ``predicted``.

        ``predicted`` is the class label (not its display name) or the array of
        the leaf's output values.
        """
        covered = self.leaves == leaf
        n_covered = int(covered.sum())
        scores = {"n_samples": n_covered, "coverage": n_covered / self.n if self.n else 0.0}
        if n_covered == 0:
            return scores
        for source, target in (("y", self.y), ("teacher", self.teacher_pred)):
            if target is None:
                continue
            target = target[covered]
            if classification:
                name = "accuracy" if source == "y" else "fidelity"
                hits = float(np.sum(target == predicted))
            else:
                name = "mae" if source == "y" else "teacher_mae"
                diff = target.reshape(n_covered, -1) - np.reshape(predicted, (1, -1))
                hits = float(np.sum(np.mean(np.abs(diff), axis=1)))
            scores[name] = hits / n_covered
            self._totals[name] = self._totals.get(name, 0.0) + hits
        return scores

    def summary(self):
        """Scores of the whole tree: the covered-row-weighted means of the rules'."""
        return {name: total / self.n for name, total in self._totals.items()}


def _box_rules(estimator, chain, X, y, teacher, feature_names, precision):
    """One rule per box of a fitted PRIM, scored as scenario discovery scores boxes."""
    prim = chain.tree
    names = _feature_names(feature_names, chain.names, prim)
    evaluation = None
    if X is not None:
        estimator.predict(X)  # the model's own errors for rows it would reject
        evaluation = _Evaluation(chain, X, None, teacher, True)
        interest = None if y is None else prim.interest(y)
        if interest is not None and interest.shape[0] != evaluation.n:
            raise ValueError(f"y has {interest.shape[0]} rows but X has {evaluation.n}.")
        teacher_interest = (
            None if evaluation.teacher_pred is None else prim.interest(evaluation.teacher_pred)
        )
    elif y is not None or teacher is not None:
        raise ValueError("y and teacher score the rules on rows: pass X too.")

    rules = []
    for k, box in enumerate(prim.boxes_):
        step = prim.selected_[k]
        conditions = tuple(
            Condition(
                names[j],
                None if np.isinf(box[0, j]) else float(box[0, j]),
                None if np.isinf(box[1, j]) else float(box[1, j]),
                closed=True,
            )
            for j in prim.restricted_dims_[k]
        )
        scores = {"confidence": float(prim.density_[k])}
        if evaluation is None:  # the box's own statistics, on its training rows
            scores.update(
                coverage=float(prim.mass_[k]),
                density=float(prim.density_[k]),
                recall=float(prim.coverage_[k]),
            )
        else:
            covered = evaluation.leaves == k
            n_covered = int(covered.sum())
            scores.update(n_samples=n_covered, coverage=n_covered / max(evaluation.n, 1))
            if n_covered and interest is not None:
                scores["density"] = density_score(interest, covered)
                scores["recall"] = coverage_score(interest, covered) if interest.sum() > 0 else None
            if n_covered and teacher_interest is not None:
                scores["fidelity"] = float(teacher_interest[covered].mean())
        rules.append(
            Rule(
                conditions=conditions,
                prediction=prim.classes_[1],
                leaf=k,
                n_train=int(prim.trajectories_[k]["n_samples"][step]),
                precision=precision,
                task="classification",
                **scores,
            )
        )
    return RuleSet(
        rules,
        task="classification",
        feature_names=names,
        n_samples=None if evaluation is None else evaluation.n,
    )
