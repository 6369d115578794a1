"""MNIST: a small decision tree as accurate as a large one, from 1,000 labels.

A decision tree trained on 1,000 labelled MNIST digits (100 per class) scores
about 0.68. Trained through MetamorphosisClassifier on the transfer set of a
self-trained CNN teacher it scores far more, and the question this benchmark
answers is how small the tree may be: the accuracy of trees of at most
256, 1,024 and 4,096 leaves (``max_leaf_nodes``, best-first growth), side by
side with the same-size trees trained directly on the 1,000 labels and on
all 60,000 true labels (the accuracy–leaves frontier).

The main recipe: the teacher is scikit-learn's SelfTrainingClassifier around
a small CNN (``TorchClassifier(SmallCNN)``) whose training images are moved
at random in every batch (``module__augment=True``: shifts, turns and zooms,
:class:`skmetamorph.torch.RandomAffine`), trained once per seed and shared
as ``FrozenEstimator(teacher)``; the transfer set is every training image plus
its four one-pixel shifts (``ImageShiftSampler``), labelled once by the
teacher and shared by the trees of every size through ``memory=``. The
article's recipe (the pool rows the CNN is confident about, an unconstrained
tree) and sklearn's SelfTrainingClassifier around the tree itself are
reported too.

``--targets`` compares, on one seed and the pool as transfer set, hard
labels, soft labels (row repetition) and a multi-output regression tree on
the teacher's probabilities. ``--levers`` measures, on one seed, what each lever of the recipe is worth:
self-training rounds of the teacher, the image samplers of the transfer set,
``max_leaf_nodes`` vs ``max_depth``, and hard labels vs a regression tree on
the teacher's probabilities (``labels="proba"``). ``--teachers`` measures the
teacher alone, on one seed: the CNN with and without augmentation, on the
1,000 labels and self-trained.

Usage::

    python benchmarks/bench_mnist.py --n-jobs 2    # full: 5 seeds, 59,000 unlabelled rows
    python benchmarks/bench_mnist.py --quick       # smoke test: 1 seed, smaller pool
    python benchmarks/bench_mnist.py --levers      # one seed, each lever side by side
    python benchmarks/bench_mnist.py --targets     # one seed: hard, soft, regressed targets
    python benchmarks/bench_mnist.py --teachers    # one seed: the teacher, augmented or not
    python benchmarks/bench_mnist.py --device cuda # the CNN on a GPU (stage times reported)

Variants of the frontier with one thing changed write ``mnist_<variant>.json``:
``--shifts 2`` (12 moves of up to 2 pixels instead of 4), ``--pool-copies 4``
(the real images 4 times, so that they weigh more than their shifts) and
``--rotated-copies 1`` (each image also turned by up to 10 degrees) and
``--criterion entropy``; the README compares each with the same seeds of
the main run.

The MNIST files are read from ``--data-dir`` or ``SKMETAMORPH_MNIST_DIR``
(else downloaded from OpenML). Results: a Markdown table on stdout,
``benchmarks/results/mnist.json`` and ``benchmarks/results/mnist.png`` (the
frontier; ``mnist_quick.*`` in quick mode, ``mnist_levers.*`` for the levers;
the folder is ``--results-dir``). Progress lines go to stderr: one per model
of each seed as it starts (with an ETA) and its test accuracy when fitted.
"""

import argparse
import math
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

try:
    from skorch.callbacks import Callback
except ImportError:  # --help and the argument checks work without the torch extra
    Callback = object

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import RESULTS_DIR, Steps, Timer, markdown_table, write_json  # noqa: E402


# ---------------------------------------------------------------- the teacher
class EpochBudget(Callback):
    """A skorch callback that sets the epochs of each fit from the number of rows.

    Self-training refits the same net on a labelled set that grows from 1,000
    rows to tens of thousands; a fixed ``max_epochs`` would either underfit the
    first round or make the last one very long. This keeps the number of rows
    seen per fit near ``rows_per_fit``. (A module-level class: the teacher
    must pickle, for ``memory=`` and for seeds run in other processes.)
    """

    def __init__(self, rows_per_fit, min_epochs, max_epochs):
        self.rows_per_fit = rows_per_fit
        self.min_epochs = min_epochs
        self.max_epochs = max_epochs

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        epochs = math.ceil(self.rows_per_fit / max(len(X), 1))
        net.max_epochs = int(min(max(epochs, self.min_epochs), self.max_epochs))


def make_teacher(config, seed):
    """The self-trained CNN teacher: sklearn's SelfTrainingClassifier around our TorchClassifier."""
    import torch
    from sklearn.semi_supervised import SelfTrainingClassifier

    from skmetamorph.torch import SmallCNN, TorchClassifier

    cnn = TorchClassifier(
        SmallCNN,
        module__image_shape=(28, 28),
        # Random shifts, turns and zooms of every training batch (RandomAffine).
        module__augment=config["cnn_augment"],
        optimizer=torch.optim.Adam,
        lr=2e-3,
        batch_size=64,
        max_epochs=config["cnn_max_epochs"],
        callbacks=[
            EpochBudget(
                config["cnn_rows_per_fit"], config["cnn_min_epochs"], config["cnn_max_epochs"]
            )
        ],
        predict_batch_size=2048,
        device=config.get("device", "cpu"),
        random_state=seed,
    )
    return SelfTrainingClassifier(
        cnn, threshold=config["self_training_threshold"], max_iter=config["self_training_rounds"]
    )


# ------------------------------------------------------------------ the data
def split(bunch, n_per_class, n_pool, seed):
    """1,000 labelled rows (``n_per_class`` of each digit) and an unlabelled pool (-1)."""
    rng = np.random.default_rng(seed)
    y_train = bunch.y_train
    labelled = np.concatenate(
        [rng.choice(np.flatnonzero(y_train == k), n_per_class, replace=False) for k in range(10)]
    )
    rest = np.setdiff1d(np.arange(len(y_train)), labelled)
    pool = rng.choice(rest, size=min(n_pool, len(rest)), replace=False)
    rows = np.concatenate([labelled, pool])
    y = np.full(len(rows), -1, dtype=np.int64)
    y[: len(labelled)] = y_train[labelled]
    return bunch.X_train[rows], y


# ------------------------------------------------------------------ students
def tree(seed, leaves=None, **params):
    """A plain DecisionTreeClassifier of at most ``leaves`` leaves (None: unconstrained)."""
    from sklearn.tree import DecisionTreeClassifier

    return DecisionTreeClassifier(max_leaf_nodes=leaves, random_state=seed, **params)


def transfer_sampler(config):
    """Every training image, plus one-pixel shifts and elastic distortions of them.

    The image samplers make new, realistic digits near the data; the teacher
    labels them like any transfer row.
    """
    from skmetamorph.samplers import (
        ElasticDistortionSampler,
        ImageRotationSampler,
        ImageShiftSampler,
        PoolSampler,
        UnionSampler,
    )

    # Extra copies of the real images weigh them more than the moved copies
    # (each row once per copy: a tree treats repeated rows as a weight).
    copies = config["pool_copies"]
    parts = [
        ("pool" if k == 0 else f"pool_{k + 1}", PoolSampler(pool="all")) for k in range(copies)
    ]
    if config["shifts"]:  # an int k: every shift of at most k pixels (4 for 1, 12 for 2)
        parts.append(
            ("shifts", ImageShiftSampler(image_shape=(28, 28), shifts=int(config["shifts"])))
        )
    if config["elastic_copies"]:
        parts.append(
            (
                "elastic",
                ElasticDistortionSampler(
                    image_shape=(28, 28), n_samples=float(config["elastic_copies"])
                ),
            )
        )
    if config["rotated_copies"]:  # turned by up to 10 degrees either way
        parts.append(
            (
                "rotations",
                ImageRotationSampler(
                    image_shape=(28, 28), n_samples=float(config["rotated_copies"])
                ),
            )
        )
    return UnionSampler(parts)


def transfer_name(config):
    """The transfer set of ``config`` in words, for the table."""
    k = int(config["shifts"])
    copies = config["pool_copies"]
    parts = [f"pool x {copies}" if copies > 1 else "pool"]
    parts += [f"{2 * k * (k + 1)} shifts"] if k else []
    if config["elastic_copies"]:
        parts.append("elastic")
    if config["rotated_copies"]:
        parts.append(f"{config['rotated_copies']} rotated")
    return " + ".join(parts)


def leaf_count(estimator):
    """Leaves of the tree inside an estimator (student_, estimator_ or the tree itself)."""
    for attribute in ("student_", "estimator_"):
        estimator = getattr(estimator, attribute, estimator)
    return int(estimator.get_n_leaves())


# ------------------------------------------------------------------ one seed
class SeedRun:
    """The rows of the table for one seed: every model's accuracy, fidelity and size."""

    def __init__(self, seed, bunch, config, n_steps):
        self.seed, self.bunch, self.config = seed, bunch, config
        self.X, self.y = split(bunch, config["n_per_class"], config["n_pool"], seed)
        self.labelled = self.y != -1
        self.rows = []
        self.teacher_test_pred = None
        self.pending = []
        self.steps = Steps(n_steps, f"models of seed {seed}", name="bench_mnist")

    def add(self, family, model, seconds, n_train, max_leaf_nodes=None, **extra):
        y_pred = model.predict(self.bunch.X_test)
        fidelity = (
            None
            if self.teacher_test_pred is None
            else float(np.mean(y_pred == self.teacher_test_pred))
        )
        row = {
            "seed": self.seed,
            "family": family,
            "max_leaf_nodes": max_leaf_nodes,
            "leaves": leaf_count(model),
            "accuracy": float(np.mean(y_pred == self.bunch.y_test)),
            "fidelity": fidelity,
            "train_rows": int(n_train),
            "seconds": seconds,
            **extra,
        }
        self.rows.append(row)
        if fidelity is None:  # fidelity once the teacher is known
            self.pending.append((row, y_pred))
        size = "unconstrained" if max_leaf_nodes is None else f"<= {max_leaf_nodes} leaves"
        self.steps.note(
            f"seed {self.seed}: {family} ({size}): accuracy {row['accuracy']:.4f}"
            + ("" if fidelity is None else f", fidelity {fidelity:.4f}")
        )
        return row

    def direct(self, family, X, y, leaves):
        """A tree of each size trained directly on ``X, y``."""
        for L in leaves:
            self.steps.step(f"{family}, max_leaf_nodes={L}")
            model = tree(self.seed, L, criterion=self.config["criterion"])
            with Timer() as timer:
                model.fit(X, y)
            self.add(family, model, timer.seconds, len(y), L)

    def fit_teacher(self, rounds=None, augment=None):
        import torch

        config = dict(self.config)
        if rounds is not None:
            config["self_training_rounds"] = rounds
        if augment is not None:
            config["cnn_augment"] = augment
        self.steps.step(
            f"teacher: self-trained CNN ({config['self_training_rounds']} rounds, "
            f"augment={config['cnn_augment']})"
        )
        teacher = make_teacher(config, self.seed)
        with Timer() as timer:
            teacher.fit(self.X, self.y)
        if config.get("device", "cpu") != "cpu":
            torch.cuda.synchronize()
        with Timer() as predict_timer:
            self.teacher_test_pred = teacher.predict(self.bunch.X_test)
        accuracy = float(np.mean(self.teacher_test_pred == self.bunch.y_test))
        for row, y_pred in self.pending:
            row["fidelity"] = float(np.mean(y_pred == self.teacher_test_pred))
        self.pending = []
        self.teacher_row = {
            "seed": self.seed,
            "family": "teacher",
            "max_leaf_nodes": None,
            "leaves": None,
            "accuracy": accuracy,
            "fidelity": None,
            "train_rows": int(len(self.X)),
            "seconds": timer.seconds,
            "predict_10k_seconds": predict_timer.seconds,
            "rounds": config["self_training_rounds"],
            "augment": config["cnn_augment"],
            "pseudo_labelled": int((teacher.labeled_iter_ > 0).sum()),
        }
        self.steps.note(
            f"seed {self.seed}: teacher ({config['self_training_rounds']} rounds, "
            f"augment={config['cnn_augment']}): accuracy {accuracy:.4f} "
            f"in {timer.seconds:.0f} s"
        )
        return teacher

    def metamorphosis(self, family, teacher, sampler, students, cache, **params):
        """Each student made through metamorphosis; the labelled transfer set is made once.

        ``students`` are ``(max_leaf_nodes, estimator)`` pairs. With
        ``memory=cache`` the first fit labels the transfer set and the others
        load it: their times are the student's fit (plus loading).
        """
        from sklearn.frozen import FrozenEstimator

        from skmetamorph import MetamorphosisClassifier

        for L, student in students:
            self.steps.step(f"{family}, max_leaf_nodes={L}")
            model = MetamorphosisClassifier(
                FrozenEstimator(teacher),
                student,
                sampler,
                memory=cache,
                random_state=self.seed,
                batch_size=20_000,
                **params,
            )
            with Timer() as timer:
                model.fit(self.X, self.y)
            self.add(
                family, model, timer.seconds, model.n_transfer_samples_ + self.labelled.sum(), L
            )


def run_seed(seed, bunch, config):
    """The frontier for one seed: direct, reference and metamorphosis trees of each size."""
    import torch
    from sklearn.frozen import FrozenEstimator
    from sklearn.semi_supervised import SelfTrainingClassifier

    from skmetamorph import MetamorphosisClassifier
    from skmetamorph.samplers import ConfidenceSampler

    torch.set_num_threads(config["torch_threads"])
    criterion = config["criterion"]  # every tree of the frontier splits by it
    sizes = list(config["leaves"]) + [None]
    n_steps = (
        len(sizes) + 1 + len(config["leaves"]) + 2 + (len(sizes) if config["full_reference"] else 0)
    )
    run = SeedRun(seed, bunch, config, n_steps)
    X, y, labelled = run.X, run.y, run.labelled
    run.direct("tree on the 1,000 labels", X[labelled], y[labelled], sizes)
    teacher = run.fit_teacher()
    run.rows.append(run.teacher_row)

    with tempfile.TemporaryDirectory(prefix="bench_mnist_") as cache:
        run.metamorphosis(
            "metamorphosis: " + transfer_name(config) + ", hard labels",
            teacher,
            transfer_sampler(config),
            [(L, tree(seed, L, criterion=criterion)) for L in config["leaves"]],
            cache,
        )

    run.steps.step("the article's recipe: confident pool, unconstrained tree")
    article = MetamorphosisClassifier(
        FrozenEstimator(teacher),
        tree(seed, criterion=criterion),
        ConfidenceSampler(config["confidence_threshold"]),
        random_state=seed,
    )
    with Timer() as timer:
        article.fit(X, y)
    run.add(
        "the article's recipe: confident pool, unconstrained tree",
        article,
        timer.seconds,
        article.n_transfer_samples_ + labelled.sum(),
    )
    run.steps.step("peer: SelfTrainingClassifier(tree)")
    peer = SelfTrainingClassifier(tree(seed, criterion=criterion))
    with Timer() as timer:
        peer.fit(X, y)
    run.add("peer: SelfTrainingClassifier(tree)", peer, timer.seconds, len(X))

    if config["full_reference"]:
        run.direct("tree on all 60,000 true labels", bunch.X_train, bunch.y_train, sizes)
    run.steps.close()
    return run.rows


def run_levers(bunch, config, seed=0):
    """One seed, each lever side by side: teacher rounds, transfer set, size control, targets.

    Each lever is varied alone from the main recipe (the last of
    ``lever_rounds``, pool + shifts + elastic, ``max_leaf_nodes``, hard
    labels), at the sizes where it can matter, so that the run stays short.
    """
    import torch
    from sklearn.tree import DecisionTreeRegressor

    torch.set_num_threads(config["torch_threads"])
    big, small = max(config["leaves"]), sorted(config["leaves"])[:-1]
    main = "pool + 4 shifts + elastic"
    transfer_sets = {
        "pool": dict(shifts=0, elastic_copies=0),
        "pool + 4 shifts": dict(shifts=1, elastic_copies=0),
        main: dict(shifts=1, elastic_copies=1),
    }
    *other_rounds, rounds = config["lever_rounds"]
    # Teachers with fewer rounds and their 2 trees; the main teacher; 2 smaller
    # transfer sets; every size; depth; the regression trees; soft labels.
    n_steps = 3 * len(other_rounds) + 1 + 2 + len(small) + 1 + 1 + len(small) + 1
    run = SeedRun(seed, bunch, config, n_steps)

    def family(r, transfer, size, targets):
        return f"{r} rounds | {transfer} | {size} | {targets}"

    for r in other_rounds:  # fewer self-training rounds of the teacher
        teacher = run.fit_teacher(r)
        run.rows.append(run.teacher_row)
        with tempfile.TemporaryDirectory(prefix="bench_mnist_") as cache:
            run.metamorphosis(
                family(r, main, "max_leaf_nodes", "hard"),
                teacher,
                transfer_sampler({**config, **transfer_sets[main]}),
                [(L, tree(seed, L)) for L in small[-1:] + [big]],
                cache,
            )
    teacher = run.fit_teacher(rounds)
    run.rows.append(run.teacher_row)
    for name in ("pool", "pool + 4 shifts"):  # smaller transfer sets
        with tempfile.TemporaryDirectory(prefix="bench_mnist_") as cache:
            run.metamorphosis(
                family(rounds, name, "max_leaf_nodes", "hard"),
                teacher,
                transfer_sampler({**config, **transfer_sets[name]}),
                [(big, tree(seed, big))],
                cache,
            )
    sampler = transfer_sampler({**config, **transfer_sets[main]})
    with tempfile.TemporaryDirectory(prefix="bench_mnist_") as cache:
        run.metamorphosis(
            family(rounds, main, "max_leaf_nodes", "hard"),
            teacher,
            sampler,
            [(L, tree(seed, L)) for L in small + [big]],
            cache,
        )
        # Size by depth: a tree of depth log2(L) has at most L leaves.
        run.metamorphosis(
            family(rounds, main, "max_depth = log2(L)", "hard"),
            teacher,
            sampler,
            [(small[-1], tree(seed, max_depth=int(np.log2(small[-1]))))],
            cache,
        )
    with tempfile.TemporaryDirectory(prefix="bench_mnist_") as cache:
        # One regression tree fits the teacher's 10 probabilities (labels="proba").
        run.metamorphosis(
            family(rounds, main, "max_leaf_nodes", "regression on proba"),
            teacher,
            sampler,
            [(L, DecisionTreeRegressor(max_leaf_nodes=L, random_state=seed)) for L in small],
            cache,
            labels="proba",
        )
        # The classification tree on the same soft labels, learned by row
        # repetition (each row once per likely class, weighted).
        run.metamorphosis(
            family(rounds, main, "max_leaf_nodes", "soft labels, rows repeated"),
            teacher,
            sampler,
            [(small[0], tree(seed, small[0]))],
            cache,
            labels="soft",
        )
    run.steps.close()
    return run.rows


def run_teachers(bunch, config, seed=0):
    """One seed: the teacher's levers, side by side (no trees).

    The CNN with and without random moves of its training images
    (``module__augment``), alone (0 self-training rounds: the 1,000 labels)
    and self-trained (the recipe's rounds); the same epoch budget for each.
    """
    import torch

    torch.set_num_threads(config["torch_threads"])
    rounds = sorted({0, config["self_training_rounds"]})
    run = SeedRun(seed, bunch, config, 2 * len(rounds))
    for augment in (False, True):
        for r in rounds:
            run.fit_teacher(r, augment=augment)
            run.teacher_row["family"] = f"teacher: CNN, {r} self-training rounds, " + (
                "augmented" if augment else "not augmented"
            )
            run.rows.append(run.teacher_row)
    run.steps.close()
    return run.rows


def run_targets(bunch, config, seed=0):
    """One seed: what a size-limited tree learns best from the CNN (issue 13's measurement).

    The same teacher and transfer set (the training images), trees of each
    size: a classification tree on hard labels, a classification tree on soft
    labels learned by row repetition (``labels="soft"``), and one multi-output
    regression tree on the teacher's probabilities (``labels="proba"``);
    accuracy, fidelity, leaves and fit time.
    """
    import torch
    from sklearn.tree import DecisionTreeRegressor

    torch.set_num_threads(config["torch_threads"])
    leaves = sorted(config["leaves"])
    run = SeedRun(seed, bunch, config, 1 + 3 * len(leaves))
    teacher = run.fit_teacher(config["target_rounds"])
    run.rows.append(run.teacher_row)
    sampler = transfer_sampler({**config, "shifts": 0, "elastic_copies": 0})
    with tempfile.TemporaryDirectory(prefix="bench_mnist_") as cache:
        run.metamorphosis(
            "pool | hard labels | classification tree",
            teacher,
            sampler,
            [(L, tree(seed, L)) for L in leaves],
            cache,
        )
        run.metamorphosis(
            "pool | soft labels T=1, rows repeated | classification tree",
            teacher,
            sampler,
            [(L, tree(seed, L)) for L in leaves],
            cache,
            labels="soft",
        )
        run.metamorphosis(
            "pool | probabilities | multi-output regression tree",
            teacher,
            sampler,
            [(L, DecisionTreeRegressor(max_leaf_nodes=L, random_state=seed)) for L in leaves],
            cache,
            labels="proba",
        )
    run.steps.close()
    return run.rows


def run_indexed(seed, bunch, config):
    """``run_seed`` with its seed, for results that come in any order."""
    return seed, run_seed(seed, bunch, config)


# ------------------------------------------------------------------ report
def summarise(rows):
    """Mean ± std per (family, max_leaf_nodes), in the order they first appear."""
    keys = list(dict.fromkeys((row["family"], row["max_leaf_nodes"]) for row in rows))
    summary = []
    for family, L in keys:
        runs = [row for row in rows if (row["family"], row["max_leaf_nodes"]) == (family, L)]

        def values(key):
            return [run[key] for run in runs if run.get(key) is not None]

        def mean(key):
            return float(np.mean(values(key))) if values(key) else None

        summary.append(
            {
                "family": family,
                "max_leaf_nodes": L,
                "accuracy_mean": mean("accuracy"),
                "accuracy_std": float(np.std(values("accuracy"))),
                "fidelity_mean": mean("fidelity"),
                "leaves_mean": mean("leaves"),
                "train_rows_mean": mean("train_rows"),
                "seconds_mean": mean("seconds"),
                "n_seeds": len(runs),
            }
        )
    return summary


def table(summary):
    rows = [
        [
            s["family"],
            "-"
            if s["family"].startswith("teacher")
            else ("unconstrained" if s["max_leaf_nodes"] is None else f"{s['max_leaf_nodes']:,}"),
            "-" if s["leaves_mean"] is None else f"{s['leaves_mean']:,.0f}",
            f"{s['accuracy_mean']:.4f} ± {s['accuracy_std']:.4f}",
            "-" if s["fidelity_mean"] is None else f"{s['fidelity_mean']:.4f}",
            f"{s['train_rows_mean']:,.0f}",
            f"{s['seconds_mean']:.1f}",
        ]
        for s in summary
    ]
    header = [
        "model",
        "max_leaf_nodes",
        "leaves",
        "test accuracy",
        "fidelity to teacher",
        "training rows",
        "wall time (s)",
    ]
    return markdown_table(header, rows)


def plot(summary, path, title):
    """The accuracy-leaves frontier: one line per family, the teacher as a dashed line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    families = list(dict.fromkeys(s["family"] for s in summary))
    for family in families:
        points = [s for s in summary if s["family"] == family]
        if family == "teacher":
            ax.axhline(
                points[0]["accuracy_mean"],
                color="grey",
                ls="--",
                label=f"teacher: self-trained CNN ({points[0]['accuracy_mean']:.3f})",
            )
            continue
        points = sorted(points, key=lambda s: s["leaves_mean"])
        leaves = [s["leaves_mean"] for s in points]
        line = ax.errorbar(
            leaves,
            [s["accuracy_mean"] for s in points],
            yerr=[s["accuracy_std"] for s in points],
            marker="o",
            capsize=3,
            label=family,
        )
        if family.startswith("metamorphosis") and points[0]["fidelity_mean"] is not None:
            ax.plot(
                leaves,
                [s["fidelity_mean"] for s in points],
                "x:",
                color=line[0].get_color(),
                label=f"{family}: fidelity",
            )
    ax.set_xscale("log")
    ax.set_xlabel("leaves of the tree (log scale)")
    ax.set_ylabel("test accuracy on the 10,000 MNIST test images")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_teachers(summary, path, title):
    """Test accuracy of each teacher, one bar each."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.5))
    names = [s["family"].removeprefix("teacher: ") for s in summary]
    accuracy = [s["accuracy_mean"] for s in summary]
    ax.barh(names, accuracy, color="tab:blue")
    for k, value in enumerate(accuracy):
        ax.text(value, k, f" {value:.4f}", va="center", fontsize=8)
    ax.set_xlim(min(accuracy) - 0.02, 1.0)
    ax.invert_yaxis()
    ax.set_xlabel("test accuracy on the 10,000 MNIST test images")
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


CONFIGS = {
    # The teacher: augmented CNN, 300,000 rows per fit (120 epochs of the
    # 1,000 labels, ~6 epochs once ~55,000 pseudo-labels join), 2 rounds.
    # The transfer set: pool + 4 one-pixel shifts (elastic copies did not pay,
    # see mnist_levers.json).
    "full": dict(
        seeds=5,
        n_per_class=100,
        n_pool=59_000,
        cnn_augment=True,
        cnn_rows_per_fit=300_000,
        cnn_min_epochs=2,
        cnn_max_epochs=120,
        self_training_threshold=0.99,
        self_training_rounds=2,
        confidence_threshold=0.9,
        full_reference=True,
        leaves=(256, 1024, 4096),
        shifts=1,
        elastic_copies=0,
        pool_copies=1,
        rotated_copies=0,
        criterion="gini",
        lever_rounds=(1, 2),
        target_rounds=1,
    ),
    "quick": dict(
        seeds=1,
        n_per_class=100,
        n_pool=6_000,
        cnn_augment=True,
        cnn_rows_per_fit=15_000,
        cnn_min_epochs=2,
        cnn_max_epochs=20,
        self_training_threshold=0.99,
        self_training_rounds=1,
        confidence_threshold=0.9,
        full_reference=False,
        leaves=(64, 256),
        shifts=1,
        elastic_copies=1,
        pool_copies=1,
        rotated_copies=0,
        criterion="gini",
        lever_rounds=(1,),
        target_rounds=1,
    ),
}

#: The options that change one thing of the frontier (``--shifts``, ...): config
#: key -> the tag of its result file, ``mnist_<tag><value>.json`` when not the
#: recipe's value.
VARIANTS = {"shifts": "shifts", "pool_copies": "pool", "rotated_copies": "rotated", "criterion": ""}


def positive_int(text):
    """An argparse type: an int of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1; got {value}")
    return value


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 seed, small pool (CI smoke test)")
    parser.add_argument("--levers", action="store_true", help="one seed, each lever side by side")
    parser.add_argument(
        "--targets",
        action="store_true",
        help="one seed: hard labels, soft labels and a regression tree on the "
        "teacher's probabilities, on the pool",
    )
    parser.add_argument(
        "--teachers",
        action="store_true",
        help="one seed: the CNN teacher with and without augmentation, alone "
        "and self-trained (no trees)",
    )
    parser.add_argument(
        "--data-dir", default=None, help="MNIST IDX files (else SKMETAMORPH_MNIST_DIR)"
    )
    parser.add_argument("--seeds", type=int, default=None, help="override the number of seeds")
    parser.add_argument("--n-jobs", type=int, default=1, help="seeds run in parallel (processes)")
    parser.add_argument(
        "--shifts",
        type=int,
        default=None,
        help="the transfer set's shifts: every move of at most this many "
        "pixels (1: the 4 one-pixel moves, the recipe; 2: 12 moves); "
        "results go to mnist_shifts<k>.json",
    )
    parser.add_argument(
        "--pool-copies",
        type=positive_int,
        default=None,
        help="copies of the training images in the transfer set (default 1): "
        "weighs the real images more than their shifts; results go to "
        "mnist_pool<k>.json",
    )
    parser.add_argument(
        "--rotated-copies",
        type=int,
        default=None,
        help="copies of each training image turned by up to 10 degrees, added "
        "to the transfer set; results go to mnist_rotated<k>.json",
    )
    parser.add_argument(
        "--criterion",
        default=None,
        choices=["gini", "entropy", "log_loss"],
        help="the split criterion of every tree (default gini); results go to "
        "mnist_<criterion>.json",
    )
    parser.add_argument(
        "--torch-threads",
        type=int,
        default=None,
        help="torch threads per process (default: the cores over --n-jobs); "
        "1 when other jobs share the cores",
    )
    parser.add_argument(
        "--lever-rounds",
        type=int,
        nargs="+",
        default=None,
        help="with --levers: the self-training rounds of the teachers compared "
        "(the last one is the recipe the other levers vary from)",
    )
    parser.add_argument("--device", default="cpu", help="where the CNN trains and predicts")
    parser.add_argument("--results-dir", default=str(RESULTS_DIR))
    args = parser.parse_args(argv)

    from joblib import Parallel, delayed

    from skmetamorph.datasets import load_mnist

    mode = "quick" if args.quick else "full"
    config = dict(CONFIGS[mode])
    if args.seeds is not None:
        config["seeds"] = args.seeds
    for key in VARIANTS:
        if getattr(args, key) is not None:
            config[key] = getattr(args, key)
    if args.lever_rounds is not None:
        config["lever_rounds"] = tuple(args.lever_rounds)
    config["device"] = args.device
    # One torch thread per process when seeds run side by side on the cores.
    config["torch_threads"] = args.torch_threads or max(1, (os.cpu_count() or 1) // args.n_jobs)
    bunch = load_mnist(args.data_dir)

    with Timer() as total:
        if args.levers:
            rows = run_levers(bunch, config)
        elif args.targets:
            rows = run_targets(bunch, config)
        elif args.teachers:
            rows = run_teachers(bunch, config)
        else:
            seeds = Steps(config["seeds"], "seeds", name="bench_mnist")
            # Seeds come back as they finish and are put back in their order.
            per_seed = [None] * config["seeds"]
            for seed, seed_rows in Parallel(n_jobs=args.n_jobs, return_as="generator_unordered")(
                delayed(run_indexed)(seed, bunch, config) for seed in range(config["seeds"])
            ):
                per_seed[seed] = seed_rows
                seeds.done(f"seed {seed}")
            rows = [row for seed_rows in per_seed for row in seed_rows]
    part = (
        "_levers"
        if args.levers
        else "_targets"
        if args.targets
        else "_teachers"
        if args.teachers
        else ""
    )
    for key, tag in VARIANTS.items():
        if config[key] != CONFIGS[mode][key]:
            part += f"_{tag}{config[key]}"
    summary = summarise(rows)
    print()
    print(table(summary))
    print(
        f"\ntotal wall time: {total.seconds:.0f} s ({mode} mode{part.replace('_', ', ')}, "
        f"{args.n_jobs} process(es), {args.device})"
    )

    stem = "mnist" + part + ("_quick" if args.quick else "")
    path = write_json(
        f"{stem}.json",
        {
            "mode": mode,
            "part": part.strip("_") or "frontier",
            "config": config,
            "total_seconds": total.seconds,
            "summary": summary,
            "runs": rows,
        },
        results_dir=args.results_dir,
    )
    title = {
        "_levers": "MNIST levers (one seed): accuracy against tree size",
        "_targets": "MNIST (one seed): hard, soft and regressed targets by tree size",
        "_teachers": "MNIST (one seed): the CNN teacher with and without augmentation",
        "": "MNIST from 1,000 labels: accuracy against tree size",
    }.get(part, f"MNIST from 1,000 labels ({part.strip('_')}): accuracy against tree size")
    (plot_teachers if args.teachers else plot)(
        summary, Path(args.results_dir) / f"{stem}.png", title
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    # Run as the module bench_mnist, not as __main__: seeds run in other
    # processes and the teacher (its EpochBudget callback) must pickle by
    # reference there, for memory= and FrozenEstimator alike.
    import bench_mnist

    sys.exit(bench_mnist.main())
