"""
========================================================
How small may the student be? The fidelity–size frontier
========================================================

A single decision tree can stand in for a random forest, but how many leaves
does it need? :class:`~skmetamorph.inspection.FidelitySizeDisplay` answers
with one picture: it refits the tree along a ``max_leaf_nodes`` path, once
through metamorphosis (trained on the forest's labels of a
:class:`~skmetamorph.samplers.MUNGE` transfer set) and once directly on the
labeled rows, and draws the test accuracy and the fidelity to the forest
against the number of leaves.

The forest is fitted once and frozen for the whole path, so every tree
learns from the same teacher and the same transfer set: only its size
changes.
"""

# %%
# The frontier
# ------------
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from skmetamorph import MetamorphosisClassifier
from skmetamorph.inspection import FidelitySizeDisplay
from skmetamorph.samplers import MUNGE

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=500, stratify=y, random_state=0
)
model = MetamorphosisClassifier(
    RandomForestClassifier(n_estimators=100),
    DecisionTreeClassifier(),
    MUNGE(n_samples=10.0),
    random_state=0,
)
display = FidelitySizeDisplay.from_estimator(
    model,
    X_train,
    y_train,
    X_test,
    y_test,
    param_name="max_leaf_nodes",
    param_range=[8, 16, 32, 64, 128, 256],
)
display.ax_.set_title("A tree in place of a forest (digits, 500 labeled rows)")
plt.show()

# %%
# Reading it
# ----------
# The numbers behind the curves are attributes of the display. A tree trained
# directly on 500 rows stops growing at a few dozen leaves: the labeled rows
# are all it has. The tree made through metamorphosis keeps learning from the
# transfer set and keeps closing in on the forest; pick the smallest size
# whose fidelity is good enough.
print(f"teacher accuracy: {display.teacher_score:.3f}")
print("                 metamorphosis          trained directly")
print("max_leaf_nodes  leaves  acc.  fid.    leaves  acc.  fid.")
for i, value in enumerate(display.param_range):
    print(
        f"{value:>14}  {display.metamorphosis_sizes[i]:>6}  "
        f"{display.metamorphosis_scores[i]:.3f} {display.metamorphosis_fidelity[i]:.3f}"
        f"  {display.direct_sizes[i]:>6}  "
        f"{display.direct_scores[i]:.3f} {display.direct_fidelity[i]:.3f}"
    )
