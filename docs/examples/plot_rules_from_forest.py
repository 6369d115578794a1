"""
=====================================================
Readable rules distilled from a random forest
=====================================================

A random forest of a hundred trees is accurate but cannot be read. A single
shallow tree can be read as a handful of rules, but trained on the data it is
less accurate and often disagrees with the forest.

*Pedagogical rule extraction* trains the shallow tree on the forest's labels
of many rows that look like the data (a transfer set made by
:class:`~skmetamorph.samplers.MUNGE`), then reads its leaves as rules with
:func:`skmetamorph.rules.extract_rules`. The first measure of such rules is
their *fidelity*: how often they agree with the model they explain.
"""

# %%
# The forest to explain
# ---------------------
import matplotlib.pyplot as plt
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from skmetamorph import MetamorphosisClassifier
from skmetamorph.metrics import fidelity_score
from skmetamorph.rules import extract_rules
from skmetamorph.samplers import MUNGE, BoundarySampler

data = load_breast_cancer()
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, stratify=data.target, random_state=0
)
forest = RandomForestClassifier(n_estimators=100, random_state=0).fit(X_train, y_train)
print(f"forest: test accuracy {forest.score(X_test, y_test):.3f}")

# %%
# The forest is trained once and passed as a
# :class:`~sklearn.frozen.FrozenEstimator`: every metamorphosis below uses it
# as it is, without refitting it.
teacher = FrozenEstimator(forest)

# %%
# Trees of growing depth
# ----------------------
# For each depth, a tree trained on the data, and the same tree distilled
# from the forest with two transfer sets: MUNGE rows, and MUNGE candidates
# chosen near the forest's decision boundary
# (:class:`~skmetamorph.samplers.BoundarySampler`).
depths = [1, 2, 3, 4, 5, 6]
samplers = {
    "MUNGE x10": MUNGE(n_samples=10.0),
    "boundary x10": BoundarySampler(n_samples=10.0),
}
scores = {name: {"accuracy": [], "fidelity": []} for name in ["data only", *samplers]}
for depth in depths:
    tree = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(X_train, y_train)
    scores["data only"]["accuracy"].append(tree.score(X_test, y_test))
    scores["data only"]["fidelity"].append(fidelity_score(forest, tree, X_test))
    for name, sampler in samplers.items():
        model = MetamorphosisClassifier(
            teacher, DecisionTreeClassifier(max_depth=depth), sampler, random_state=0
        ).fit(X_train, y_train)
        scores[name]["accuracy"].append(model.score(X_test, y_test))
        scores[name]["fidelity"].append(model.fidelity(X_test))

fig, axes = plt.subplots(1, 2, figsize=(9, 4), sharex=True)
for name, values in scores.items():
    for ax, score in zip(axes, ["fidelity", "accuracy"]):
        ax.plot(depths, values[score], marker="o", label=name)
axes[0].set_ylabel("fidelity to the forest (test)")
axes[1].set_ylabel("test accuracy")
axes[1].axhline(forest.score(X_test, y_test), color="k", linestyle="--", label="forest")
for ax in axes:
    ax.set_xlabel("depth of the tree")
fig.suptitle("Shallow trees explaining a random forest")
fig.legend(*axes[1].get_legend_handles_labels(), loc="lower center", ncols=4)
fig.tight_layout(rect=(0, 0.08, 1, 1))
plt.show()

# %%
# The rules of a depth-3 tree
# ---------------------------
# Eight rules at most. Each is scored on the test rows: the share of rows it
# covers, its accuracy, and its fidelity to the forest.
model = MetamorphosisClassifier(
    teacher, DecisionTreeClassifier(max_depth=3), MUNGE(n_samples=10.0), random_state=0
).fit(X_train, y_train)
rules = extract_rules(
    model, X_test, y_test, feature_names=data.feature_names, class_names=data.target_names
)
print(rules)
print(f"\nall rules together: fidelity {rules.fidelity:.3f}, accuracy {rules.accuracy:.3f}")

# %%
# The same rules as a table, e.g. to sort them by coverage or to export them.
rules.to_frame().sort_values("coverage", ascending=False).round(3)
