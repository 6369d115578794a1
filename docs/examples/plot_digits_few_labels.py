"""
==========================================================
Digits with 10% of the labels: a tree made from a teacher
==========================================================

The main job of skmetamorph. We have 1,257 images of handwritten digits, but
only about 10% of them are labeled. We want a *decision tree*: small, fast and
easy to ship. A tree trained on the few labeled images alone is poor. A
semi-supervised model (the *teacher*) can use the unlabeled images too, but it
is not the model we want to deploy.

:class:`~skmetamorph.MetamorphosisClassifier` trains the teacher on all
images, lets it label the unlabeled ones (the *transfer set*), and trains the
same tree (the *student*) on the result.
"""

# %%
# Data: 10% of the training labels
# ---------------------------------
# Unlabeled rows are marked with ``-1``, scikit-learn's semi-supervised
# convention.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.semi_supervised import LabelSpreading
from sklearn.tree import DecisionTreeClassifier

from skmetamorph import MetamorphosisClassifier
from skmetamorph.metrics import fidelity_score
from skmetamorph.samplers import MUNGE, ConfidenceSampler, PoolSampler, UnionSampler

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
rng = np.random.default_rng(0)
y_semi = y_train.copy()
y_semi[rng.random(len(y_semi)) >= 0.1] = -1
labeled = y_semi != -1
print(f"{labeled.sum()} labeled and {(~labeled).sum()} unlabeled training images")

# %%
# The student alone
# -----------------
# The tree we want, trained the ordinary way on the labeled images only.
alone = DecisionTreeClassifier(random_state=0).fit(X_train[labeled], y_semi[labeled])
print(f"tree alone: test accuracy {alone.score(X_test, y_test):.3f}")

# %%
# The teacher
# -----------
# :class:`~sklearn.semi_supervised.LabelSpreading` spreads the few labels
# along the neighbourhood graph of all images, labeled or not.
teacher = LabelSpreading(kernel="knn", n_neighbors=7).fit(X_train, y_semi)
print(f"teacher: test accuracy {teacher.score(X_test, y_test):.3f}")

# %%
# Metamorphosis
# -------------
# Three recipes for the transfer set:
#
# - the unlabeled images, labeled by the teacher (the default
#   :class:`~skmetamorph.samplers.PoolSampler`);
# - only those the teacher is at least 90% sure about
#   (:class:`~skmetamorph.samplers.ConfidenceSampler`);
# - the unlabeled images plus twice as many synthetic ones made by
#   :class:`~skmetamorph.samplers.MUNGE`, with soft labels at temperature 2.
#
# The teacher is semi-supervised, so it is fitted on all rows with their
# ``-1`` markers; the student sees the true labels of the labeled images and
# the teacher's labels of the transfer set.
recipes = {
    "pool, hard labels": MetamorphosisClassifier(
        LabelSpreading(kernel="knn", n_neighbors=7), DecisionTreeClassifier(), PoolSampler()
    ),
    "confident pool (>= 0.9)": MetamorphosisClassifier(
        LabelSpreading(kernel="knn", n_neighbors=7),
        DecisionTreeClassifier(),
        ConfidenceSampler(threshold=0.9),
    ),
    "pool + MUNGE x2, soft T=2": MetamorphosisClassifier(
        LabelSpreading(kernel="knn", n_neighbors=7),
        DecisionTreeClassifier(),
        UnionSampler([("pool", PoolSampler()), ("munge", MUNGE(n_samples=2.0))]),
        labels="soft",
        temperature=2.0,
    ),
}

results = {
    "tree alone": (alone.score(X_test, y_test), fidelity_score(teacher, alone, X_test)),
}
for name, model in recipes.items():
    model.set_params(random_state=0).fit(X_train, y_semi)
    results[name] = (model.score(X_test, y_test), model.fidelity(X_test))
    print(
        f"{name:28s} {model.n_transfer_samples_:5d} transfer rows  "
        f"accuracy {results[name][0]:.3f}  fidelity {results[name][1]:.3f}"
    )

# %%
# Results
# -------
# Every recipe gives the *same kind of tree* a large gain in accuracy: the
# teacher's knowledge of the unlabeled images became ordinary training data.
# Fidelity (agreement with the teacher on the test images) shows how much of
# the teacher the tree managed to copy; the gap to the teacher's accuracy is
# what a single tree cannot represent.
names = list(results)
accuracy = [results[n][0] for n in names]
fidelity = [results[n][1] for n in names]

fig, ax = plt.subplots(figsize=(9, 4))
positions = np.arange(len(names))
ax.barh(positions + 0.2, accuracy, height=0.4, label="test accuracy", color="tab:blue")
ax.barh(positions - 0.2, fidelity, height=0.4, label="fidelity to teacher", color="tab:orange")
ax.axvline(teacher.score(X_test, y_test), color="k", linestyle="--", label="teacher accuracy")
ax.set_yticks(positions, names)
ax.invert_yaxis()
ax.set_xlim(0.5, 1.0)
ax.set_xlabel("score on the test images")
ax.set_title("A decision tree on digits with 10% of the labels")
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
fig.tight_layout()
plt.show()

# %%
# What the student gets right
# ---------------------------
# Test images that the tree alone gets wrong and the tree made from the
# teacher gets right.
student = recipes["pool, hard labels"]
fixed = np.flatnonzero((alone.predict(X_test) != y_test) & (student.predict(X_test) == y_test))
fig, axes = plt.subplots(1, 8, figsize=(8, 1.6))
for ax, index in zip(axes, fixed[:8]):
    ax.imshow(X_test[index].reshape(8, 8), cmap="gray_r")
    ax.set_title(
        f"{alone.predict(X_test[index : index + 1])[0]} → "
        f"{student.predict(X_test[index : index + 1])[0]}",
        fontsize=9,
    )
    ax.set_axis_off()
fig.suptitle("tree alone → tree made from the teacher", fontsize=10)
fig.tight_layout()
plt.show()
