"""
===================================================================
Tuning the temperature and the sampler with a fidelity scorer
===================================================================

The transfer sampler, the labels and the temperature are ordinary parameters
of :class:`~skmetamorph.MetamorphosisClassifier`, so
:class:`~sklearn.model_selection.GridSearchCV` tunes them like any other.
With :func:`skmetamorph.metrics.fidelity_scorer` in ``scoring`` it reports,
next to the accuracy, how faithfully each student copies its teacher.

The teacher is a random forest, the student a decision tree of depth 6 that
learns soft labels through sample weights.
"""

# %%
# The search
# ----------
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.tree import DecisionTreeClassifier

from skmetamorph import MetamorphosisClassifier
from skmetamorph.metrics import fidelity_scorer
from skmetamorph.samplers import MUNGE, GaussianNoiseSampler

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=600, stratify=y, random_state=0
)

model = MetamorphosisClassifier(
    RandomForestClassifier(n_estimators=30),
    DecisionTreeClassifier(max_depth=6),
    labels="soft",
    random_state=0,
)
param_grid = {
    "transfer_sampler": [
        MUNGE(n_samples=2.0),
        GaussianNoiseSampler(n_samples=2.0, scale=0.3),
    ],
    "temperature": [1.0, 2.0, 4.0, 8.0],
}
search = GridSearchCV(
    model,
    param_grid,
    scoring={"accuracy": "accuracy", "fidelity": fidelity_scorer},
    refit="accuracy",
    cv=3,
)
search.fit(X_train, y_train)
print("best:", search.best_params_)
print(f"test accuracy of the best student: {search.score(X_test, y_test):.3f}")

# %%
# Results
# -------
# ``cv_results_`` holds both scores for every candidate.
results = pd.DataFrame(search.cv_results_)
results["sampler"] = results["param_transfer_sampler"].map(lambda s: type(s).__name__)
table = results.pivot_table(
    index="param_temperature",
    columns="sampler",
    values=["mean_test_accuracy", "mean_test_fidelity"],
)
print(table.round(3))

fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), sharex=True)
for sampler, group in results.groupby("sampler"):
    group = group.sort_values("param_temperature")
    for ax, score in zip(axes, ["accuracy", "fidelity"]):
        ax.errorbar(
            group["param_temperature"].astype(float),
            group[f"mean_test_{score}"],
            yerr=group[f"std_test_{score}"],
            marker="o",
            capsize=3,
            label=sampler,
        )
for ax, score in zip(axes, ["accuracy", "fidelity"]):
    ax.set_xscale("log", base=2)
    ax.set_xticks([1, 2, 4, 8], ["1", "2", "4", "8"])
    ax.minorticks_off()
    ax.set_xlabel("temperature")
    ax.set_ylabel(f"cross-validated {score}")
axes[0].set_title("accuracy (against the truth)")
axes[1].set_title("fidelity (against the teacher)")
axes[1].legend()
fig.tight_layout()
plt.show()

# %%
# Read both panels. Very high temperatures flatten the soft labels towards the
# uniform distribution and leave little of the teacher's preference to learn.
# Between, the best setting depends on the teacher, the student and the data;
# the differences are often small for a tree, which can only represent a few
# class proportions per leaf, and larger for neural-network students trained
# with the distillation loss (:mod:`skmetamorph.torch`). Search for it, and
# keep the fidelity in view: a student that matches its teacher closely is one
# whose behaviour you can predict from the teacher's.
