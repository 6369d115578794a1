"""
============================================================
The MNIST result: a decision tree from a self-trained CNN
============================================================

The headline benchmark of skmetamorph runs the main job at full scale. A
decision tree trained on 1,000 labeled MNIST digits (100 per class) is poor.
The teacher, scikit-learn's
:class:`~sklearn.semi_supervised.SelfTrainingClassifier` wrapping a
convolutional network (:class:`skmetamorph.torch.TorchClassifier` with
:class:`skmetamorph.torch.SmallCNN`), learns from the 1,000 labels *and* the
59,000 unlabeled images. Through :class:`~skmetamorph.MetamorphosisClassifier`
the same kind of tree then learns from the teacher's transfer set, and the
benchmark compares it with the tree alone, with scikit-learn's self-training
around the tree itself, and with the tree trained on all 60,000 true labels.

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
import numpy as np
import pandas as pd

RESULT_FILE = Path("benchmarks", "results", "mnist.json")


def find_results(relative=RESULT_FILE):
    """The result file, looked for from the current directory upwards, or None."""
    for directory in [Path.cwd(), *Path.cwd().parents]:
        if (directory / relative).is_file():
            return directory / relative
    return None


def read_summary(path):
    """The ``summary`` table of the benchmark (one row per model), or None."""
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
    if "model" not in table or "accuracy_mean" not in table:
        print(f"{RESULT_FILE.as_posix()} has no model accuracies.")
        return None, document
    return table.set_index("model"), document


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
# Mean over the seeds: test accuracy, its standard deviation, and the
# fidelity of each tree to the CNN teacher on the 10,000 test images.
if table is not None:
    columns = [
        c
        for c in ("accuracy_mean", "accuracy_std", "fidelity_mean", "nodes_mean",
                  "train_rows_mean", "seconds_mean", "n_seeds")
        if c in table
    ]
    print(table[columns].to_string(float_format=lambda v: f"{v:.4g}"))

# %%
# The plot
# --------
if table is not None:
    names = [str(name) for name in table.index]
    accuracy = table["accuracy_mean"].to_numpy(dtype=float)
    spread = table["accuracy_std"].to_numpy(dtype=float) if "accuracy_std" in table else None
    fidelity = (
        pd.to_numeric(table["fidelity_mean"], errors="coerce").to_numpy(dtype=float)
        if "fidelity_mean" in table
        else np.full(len(table), np.nan)
    )
    positions = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(names) + 1.8))
    ax.barh(positions, accuracy, xerr=spread, capsize=3, color="tab:blue", label="test accuracy")
    has_fidelity = ~np.isnan(fidelity)
    ax.plot(
        fidelity[has_fidelity],
        positions[has_fidelity],
        "D",
        color="tab:orange",
        label="fidelity to the CNN teacher",
    )
    ax.set_yticks(positions, names, fontsize=8)
    ax.invert_yaxis()
    low = np.nanmin(np.concatenate([accuracy, fidelity]))
    ax.set_xlim(max(0.0, low - 0.05), 1.0)
    ax.set_xlabel("score on the 10,000 MNIST test images")
    ax.set_title("MNIST with 1,000 labels: committed benchmark results")
    ax.legend(loc="lower right", fontsize=8)
else:
    reason = "is missing" if path is None else "has no usable results"
    fig, ax = plt.subplots(figsize=(6, 1.2))
    ax.text(0.5, 0.5, f"No results: {RESULT_FILE.as_posix()} {reason}.", ha="center",
            va="center")
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
