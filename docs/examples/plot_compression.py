"""
================================================================
What the student saves: a forest into a tree, a CNN into an MLP
================================================================

A student is made to be deployed in place of its teacher, so the question
after "how faithful is it?" is "what does it save?": parameters, bytes and
prediction time. :func:`~skmetamorph.metrics.compression_report` measures a
teacher and its students on the same rows and returns one record per model,
ready for a :class:`pandas.DataFrame`;
:class:`~skmetamorph.inspection.CompressionDisplay` draws the fidelity of
each against its prediction time.

Two metamorphoses: a random forest into decision trees of three sizes, on a
table, and a small convolutional network into multilayer perceptrons of two
sizes, on images of digits. The timings depend on the machine that builds this page
(and on what else runs on it); the sizes and fidelities do not.
"""

# %%
# A forest into a tree
# --------------------
# One forest, fitted once and frozen, is the teacher of three trees of 4, 16
# and 64 leaves, each trained through metamorphosis on the forest's labels of
# a :class:`~skmetamorph.samplers.MUNGE` transfer set.
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from skmetamorph import MetamorphosisClassifier
from skmetamorph.inspection import CompressionDisplay
from skmetamorph.metrics import compression_report
from skmetamorph.samplers import MUNGE

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
forest = RandomForestClassifier(n_estimators=200, random_state=0).fit(X_train, y_train)

trees = {
    f"tree, {leaves} leaves": MetamorphosisClassifier(
        FrozenEstimator(forest),
        DecisionTreeClassifier(max_leaf_nodes=leaves),
        MUNGE(n_samples=10.0),
        random_state=0,
    ).fit(X_train, y_train)
    for leaves in (4, 16, 64)
}
report = compression_report(forest, trees, X_test, y_test)

columns = ["n_parameters", "serialized_bytes", "latency_batch_s", "speedup", "accuracy", "fidelity"]
print(pd.DataFrame(report).set_index("model")[columns].to_string(float_format="{:.4g}".format))

# %%
# Each tree is a small fraction of the forest (``n_parameters`` counts the
# nodes of every tree) and predicts much faster; more leaves need not mean
# more fidelity, which is why it is measured. The display puts the forest
# (the star) and its students on one picture: a good student sits far to the
# left of the star, not far below it.
display = CompressionDisplay.from_report(report)
display.ax_.set_title("Breast cancer: a forest of 200 trees and its students")
plt.show()

# %%
# A CNN into an MLP
# -----------------
# The teacher is a :class:`~skmetamorph.torch.SmallCNN` on the 8x8 images of
# :func:`~sklearn.datasets.load_digits`, fitted once and frozen; the students
# are two :class:`~skmetamorph.torch.MLP` of one hidden layer, 16 and 64
# units wide, each trained on the teacher's soft labels at temperature 4
# (``labels="soft"``). A few epochs each keep the example quick on a CPU.
#
# Small nets gain nothing from several threads, and every model must be timed
# under the same settings: one thread for all.
import torch
from sklearn.datasets import load_digits

from skmetamorph.torch import MLP, SmallCNN, TorchClassifier

torch.set_num_threads(1)

X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
adam = dict(optimizer=torch.optim.Adam, lr=0.01, batch_size=64, random_state=0)

cnn = TorchClassifier(SmallCNN, module__image_shape=(8, 8), max_epochs=10, **adam)
cnn.fit(X_train, y_train)
mlps = {
    f"MLP, {units} units": MetamorphosisClassifier(
        FrozenEstimator(cnn),
        TorchClassifier(MLP, module__hidden_units=(units,), max_epochs=30, **adam),
        labels="soft",
        temperature=4.0,
        alpha=0.5,
        random_state=0,
    ).fit(X_train, y_train)
    for units in (16, 64)
}
report = compression_report(cnn, mlps, X_test, y_test)
print(pd.DataFrame(report).set_index("model")[columns].to_string(float_format="{:.4g}".format))

# %%
# ``n_parameters`` of a net is the exact count of its weights and biases
# (64 inputs, the hidden units, 10 outputs for an MLP). Both MLPs are a
# fraction of the CNN and skip its convolutions; the report says whether the
# wider one's fidelity is worth its parameters and its time. A pickled net
# (``serialized_bytes``) carries more than its weights: the optimizer's state
# and the training history come with it.
display = CompressionDisplay.from_report(report)
display.ax_.set_title("Digits: a small CNN and two MLPs in its place")
plt.show()
