"""
==========================================
What each transfer sampler makes
==========================================

The transfer sampler decides where the student learns its teacher. This
example draws, on the same two-dimensional data, the transfer set of each
sampler of :mod:`skmetamorph.samplers`, coloured by the teacher's label. Use
it with the table in :ref:`choosing_a_sampler`.

The data are two interleaved half-moons, 300 rows of which 30 are labeled
(the others marked ``-1``); the teacher is a nearest-neighbours classifier.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.neighbors import KNeighborsClassifier

from skmetamorph.samplers import (
    MUNGE,
    BoundarySampler,
    ConfidenceSampler,
    GaussianNoiseSampler,
    GMMSampler,
    KDESampler,
    PoolSampler,
    SobolSampler,
    UniformSampler,
)

X, y = make_moons(n_samples=300, noise=0.15, random_state=0)
rng = np.random.default_rng(0)
y_semi = np.full_like(y, -1)
labeled = rng.choice(len(y), size=30, replace=False)
y_semi[labeled] = y[labeled]
# For the picture, the teacher knows all labels.
teacher = KNeighborsClassifier(n_neighbors=15).fit(X, y)

samplers = {
    "PoolSampler\n(the unlabeled rows)": PoolSampler(),
    "ConfidenceSampler(threshold=0.9)\n(rows the teacher is sure of)": ConfidenceSampler(0.9),
    "MUNGE(n_samples=2.0)\n(mix with nearest neighbour)": MUNGE(n_samples=2.0),
    "GaussianNoiseSampler(2.0)\n(rows plus noise)": GaussianNoiseSampler(n_samples=2.0),
    "KDESampler(2.0)\n(kernel density)": KDESampler(n_samples=2.0),
    "GMMSampler(2.0)\n(Gaussian mixture)": GMMSampler(n_samples=2.0, n_components=8),
    "UniformSampler(2.0)\n(bounding box)": UniformSampler(n_samples=2.0),
    "SobolSampler(512)\n(quasi-random design)": SobolSampler(n_samples=512),
    "BoundarySampler(2.0)\n(where the teacher hesitates)": BoundarySampler(n_samples=2.0),
}

# %%
# Every sampler has the same verb, ``fit_generate(X, y, teacher=...)``, and
# returns rows only; the teacher labels them.
fig, axes = plt.subplots(3, 3, figsize=(10, 10), sharex=True, sharey=True)
for ax, (name, sampler) in zip(axes.ravel(), samplers.items()):
    if "random_state" in sampler.get_params():
        sampler.set_params(random_state=0)
    X_transfer = sampler.fit_generate(X, y_semi, teacher=teacher)
    labels = teacher.predict(X_transfer)
    ax.scatter(X[:, 0], X[:, 1], s=6, color="lightgray")
    ax.scatter(X_transfer[:, 0], X_transfer[:, 1], s=6, c=labels, cmap="coolwarm", vmin=0, vmax=1)
    ax.set_title(f"{name}\n{len(X_transfer)} rows", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("Transfer sets on the same data (grey), coloured by the teacher's label")
fig.tight_layout()
plt.show()

# %%
# What to read from it:
#
# - the pool samplers only ever return real rows;
# - MUNGE, noise, KDE and GMM make new rows that follow the data, more or less
#   tightly;
# - the uniform and Sobol' samplers cover the whole box, including regions
#   with no data, where the teacher's labels are extrapolations;
# - the boundary sampler concentrates its rows where the two classes meet,
#   which is where a small student has to place its splits.
