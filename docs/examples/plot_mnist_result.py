"""
============================================================
The MNIST result: how small can a tree made from a CNN be?
============================================================

The headline benchmark of skmetamorph runs the main job at full scale. A
decision tree trained on 1,000 labeled MNIST digits (100 per class) is poor.
The teacher, scikit-learn's
:class:`~sklearn.semi_supervised.SelfTrainingClassifier` wrapping a
convolutional network (:class:`skmetamorph.torch.TorchClassifier` with
:class:`skmetamorph.torch.SmallCNN`, whose training images are moved at
random in every batch: ``module__augment=True``, see
:class:`skmetamorph.torch.RandomAffine`), learns from the 1,000 labels *and*
the 59,000 unlabeled images. Through
:class:`~skmetamorph.MetamorphosisClassifier` a tree then learns from the
teacher's labels on a large transfer set: every training image plus its
one-pixel moves (:class:`~skmetamorph.samplers.ImageShiftSampler`). People who
turn a network into a tree want it *small*, so the benchmark limits the
tree's leaves (``max_leaf_nodes``) and draws the accuracy–leaves frontier:
the tree made through metamorphosis, the same-size tree trained on the 1,000
labels, and the same-size tree trained on all 60,000 true labels.

Training the CNN takes a while (a GPU helps), so this page trains nothing: it
reads the results that ``benchmarks/bench_mnist.py`` committed to
``benchmarks/results/mnist.json``, together with the versions and the machine
they were obtained on. Run the script to reproduce them.
"""

# %%
# Reading the committed results
# -----------------------------
# The file is looked for from the current directory upwards, so this example
# runs from the repository root as well as from ``docs/examples``.
import json
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

RESULT_FILE = Path("benchmarks", "results", "mnist.json")


def find_results(relative=RESULT_FILE):
    """The result file, looked for from the current directory upwards, or None."""
    for directory in [Path.cwd(), *Path.cwd().parents]:
        if (directory / relative).is_file():
            return directory / relative
    return None


def read_summary(path):
    """The ``summary`` table of the benchmark (one row per model and size), or None."""
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        print(f"{RESULT_FILE.as_posix()} could not be read: {error}")
        return None, {}
    summary = document.get("summary") if isinstance(document, dict) else None
    if not isinstance(summary, list) or not all(isinstance(row, dict) for row in summary):
        print(f"{RESULT_FILE.as_posix()} has no summary table.")
        return None, document if isinstance(document, dict) else {}
    table = pd.DataFrame(summary)
    if not {"family", "max_leaf_nodes", "accuracy_mean"} <= set(table.columns):
        print(f"{RESULT_FILE.as_posix()} has no accuracies per model and size.")
        return None, document
    return table, document


path = find_results()
table, document = (None, {}) if path is None else read_summary(path)
if path is None:
    print(
        f"{RESULT_FILE.as_posix()} is not in this checkout yet: there are no results to "
        "show. Run benchmarks/bench_mnist.py to produce them."
    )

# %%
# How they were obtained
# ----------------------
environment = document.get("environment", {}) if isinstance(document, dict) else {}
for key in ("mode", "config", "total_seconds"):
    if key in document:
        print(f"{key}: {document[key]}")
for key in ("command", "date", "python", "versions", "machine"):
    if isinstance(environment, dict) and key in environment:
        print(f"{key}: {environment[key]}")

# %%
# The table
# ---------
# Mean over the seeds: test accuracy, its standard deviation, the fidelity of
# each tree to the CNN teacher on the 10,000 test images, and the tree's
# leaves (``max_leaf_nodes`` is an upper bound; NaN: unconstrained).
if table is not None:
    columns = [
        c
        for c in (
            "family",
            "max_leaf_nodes",
            "leaves_mean",
            "accuracy_mean",
            "accuracy_std",
            "fidelity_mean",
            "train_rows_mean",
            "seconds_mean",
            "n_seeds",
        )
        if c in table
    ]
    print(table[columns].to_string(index=False, float_format=lambda v: f"{v:.4g}"))

# %%
# The frontier
# ------------
# Accuracy against the tree's leaves, one line per way of training it; the
# dotted line is the fidelity of the trees made through metamorphosis, the
# dashed one the teacher. At every size the tree made from 1,000 labels
# through the teacher is to be compared with the tree of the same size
# trained on all 60,000 true labels.
if table is not None:
    fig, ax = plt.subplots(figsize=(8, 5))
    for family, rows in table.groupby("family", sort=False):
        if family == "teacher":
            ax.axhline(
                rows["accuracy_mean"].iloc[0],
                color="grey",
                ls="--",
                label="teacher: self-trained CNN",
            )
            continue
        rows = rows.dropna(subset=["leaves_mean"]).sort_values("leaves_mean")
        if len(rows) < 2:  # single models (the article's recipe, the peer): points
            ax.plot(rows["leaves_mean"], rows["accuracy_mean"], "s", label=family)
            continue
        line = ax.errorbar(
            rows["leaves_mean"],
            rows["accuracy_mean"],
            yerr=rows.get("accuracy_std"),
            marker="o",
            capsize=3,
            label=family,
        )
        if family.startswith("metamorphosis"):
            ax.plot(
                rows["leaves_mean"],
                rows["fidelity_mean"],
                "x:",
                color=line[0].get_color(),
                label="its fidelity to the teacher",
            )
    ax.set_xscale("log")
    ax.set_xlabel("leaves of the tree (log scale)")
    ax.set_ylabel("accuracy on the 10,000 MNIST test images")
    ax.set_title("MNIST with 1,000 labels: committed benchmark results")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=7)
else:
    reason = "is missing" if path is None else "has no usable results"
    fig, ax = plt.subplots(figsize=(6, 1.2))
    ax.text(0.5, 0.5, f"No results: {RESULT_FILE.as_posix()} {reason}.", ha="center", va="center")
    ax.set_axis_off()
fig.tight_layout()
plt.show()

# %%
# Reproducing the result
# ----------------------
# ``python benchmarks/bench_mnist.py`` (add ``--quick`` for a smoke test)
# prints the table and writes the JSON file and a plot to
# ``benchmarks/results/``. The images are read by
# :func:`skmetamorph.datasets.load_mnist`, from local IDX files named by
# ``SKMETAMORPH_MNIST_DIR`` or from OpenML. The page :ref:`gpu` of the user
# guide shows the code of the teacher.
