"""Neural distillation that pays: MNIST networks trained alone and distilled, side by side.

Hinton, Vinyals & Dean (2015) trained a 2x800 ReLU MLP on MNIST alone (146
test errors) and distilled from a stronger teacher (74 errors). This
benchmark asks the same question of skmetamorph, through its public API only,
on all 60,000 training images and the 10,000 test images:

- **Hinton's table**: the 2x800 MLP alone (as Hinton's 146: no augmentation),
  alone with the same image moves as the distilled one sees (so that the gain
  is not just augmentation: :class:`skmetamorph.torch.RandomAffine` in front
  of the MLP), and distilled from the best of the CNN teachers.
- **A small student**: a tiny CNN (``SmallCNN(channels=(6, 12),
  hidden_units=16, dropout=0)``, 10,314 parameters: under a tenth of the
  teacher's 105,866), alone (plain and with the moves) and distilled.
- **An ensemble in one network**: five CNN teachers (seeds) averaged with
  :class:`skmetamorph.TeacherEnsemble`; each teacher, the ensemble, the 2x800
  student of the single best teacher and the student of the ensemble, on the
  same fixed transfer set.
- **Fresh rows per pass** (Beyer et al. 2022, a patient, consistent teacher):
  the distilled students see a new random move of every training image on
  every pass (``streaming=True, n_passes=E, fresh_rows=True``), labelled by
  the teacher as they train; the same student on a fixed transfer set (one
  draw of the same moves, labelled once, ``E`` epochs) is the comparison at
  an equal number of student updates.
- **Temperature and alpha** (one seed, the small student, fixed set): soft
  labels at several temperatures, and the true labels mixed in with weight
  ``alpha``.
- **What the student saves** (:func:`skmetamorph.metrics.compression_report`):
  parameters, pickled bytes, predict latency per 1,000 rows on the CPU (and
  for one row), accuracy and fidelity of the teacher and the students.

Each teacher is a ``SmallCNN`` trained with random image moves
(``module__augment``), Adam and a cosine learning-rate schedule. Every
student is trained with Adam (lr 1e-3, batches of 128) for the same number
of passes over 60,000 rows, with the same seed, alone or distilled.
Soft labels are the teacher's softmax at temperature ``T`` (4), the loss
Hinton's (``TorchClassifier``'s ``distillation_loss``). The "best" single
teacher is the one with the fewest test errors among the five: a choice on
the test set, which can only favour the single-teacher student in the
ensemble comparison.

- **Features and relations** (``--features``, its own result file): the
  knowledge in the teacher's layers besides its logits, FitNets hints
  (Romero et al. 2015) and relational KD (Park et al. 2019), for a thin,
  deeper MLP (FitNets' setting: 5 hidden layers of 64) and the tiny CNN:
  logit-only, + hints, + relations, both, with the same seeds, transfer set
  and number of passes (see :func:`feature_variants`). A reduced protocol
  (a subset of the training rows, fewer epochs) so that it runs in under
  30 minutes on 2 CPU cores; the JSON says which.

Usage::

    python benchmarks/bench_distill.py            # full: 3 seeds, all rows (about 1.5 h on 2 CPU cores)
    python benchmarks/bench_distill.py --quick    # smoke test: 1 seed, 3,000 rows, 1 epoch
    python benchmarks/bench_distill.py --device cuda
    python benchmarks/bench_distill.py --features [--quick]   # hints and relations

The MNIST files are read from ``--data-dir`` or ``SKMETAMORPH_MNIST_DIR``
(else downloaded from OpenML). Results: a Markdown table on stdout,
``benchmarks/results/distill.json`` and ``distill.png`` (``distill_quick.*``
in quick mode; the folder is ``--results-dir``). Progress lines go to stderr.
"""

import argparse
import os
import sys
from pathlib import Path

import numpy as np

try:
    from torch import nn
except ImportError:  # pragma: no cover - the benchmark needs torch; --help does not
    nn = None

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import RESULTS_DIR, Steps, Timer, markdown_table, write_json  # noqa: E402

CONFIGS = {
    "full": dict(
        seeds=3,
        n_train=None,  # all 60,000
        n_test=None,  # all 10,000
        n_teachers=5,
        teacher_epochs=10,
        student_epochs=20,
        temperature=4.0,
        grid_temperatures=(1.0, 2.0, 4.0, 8.0),
        grid_alphas=(0.0, 0.5, 0.9),
        latency_rows=1000,
    ),
    "quick": dict(
        seeds=1,
        n_train=3000,
        n_test=1000,
        n_teachers=2,
        teacher_epochs=1,
        student_epochs=2,
        temperature=4.0,
        grid_temperatures=(4.0,),
        grid_alphas=(0.5,),
        latency_rows=200,
    ),
}

#: The reduced protocol of the feature- and relation-based variants
#: (``--features``): every variant of a student gets the same seed, the same
#: transfer set (the training rows, soft labels at ``temperature``) and
#: ``student_epochs`` passes over it.
FEATURE_CONFIGS = {
    "features": dict(
        seeds=2,
        n_train=10000,
        n_test=None,  # all 10,000
        teacher_epochs=8,
        student_epochs=10,
        hint_epochs=2,
        temperature=4.0,
    ),
    "features_quick": dict(
        seeds=1,
        n_train=600,
        n_test=300,
        teacher_epochs=1,
        student_epochs=2,
        hint_epochs=1,
        temperature=4.0,
    ),
}

#: The students of the feature variants and the layers that they match: a
#: student layer and a teacher layer (``SmallCNN``'s names) for the hint,
#: and for the relations (the embeddings before the output layer).
THIN_MLP = dict(hidden_units=(64,) * 5)
FEATURE_STUDENTS = {
    # FitNets' setting: thinner and deeper than the teacher; its middle layer
    # is guided by the teacher's last convolutional map (32x7x7) through a
    # linear regressor.
    "thin deep MLP": dict(
        kind="thin", hint=("layers.5", "features.5"), relation=("layers.9", "classifier.2")
    ),
    # The tiny CNN's first block (6x14x14) is guided by the teacher's first
    # (16x14x14) through a 1x1 convolution.
    "tiny CNN": dict(
        kind="tiny", hint=("features.2", "features.2"), relation=("classifier.2", "classifier.2")
    ),
}

#: The random image moves, the same for the teacher's training, the students
#: trained alone "with augmentation" and the distilled students' transfer sets
#: (RandomAffine's defaults: up to 2 pixels, 10 degrees, 10% zoom).
MOVES = dict(max_shift=2.0, max_rotation=10.0, max_scale=0.1)

#: Hinton, Vinyals & Dean (2015), MNIST test errors.
HINTON = {"2x800 alone": 146, "2x800 distilled": 74, "teacher (2x1200, dropout, jitter)": 67}

#: The tiny CNN's architecture (10,314 parameters on MNIST, under a tenth of
#: the teacher's 105,866).
TINY_CNN = dict(channels=(6, 12), hidden_units=16, dropout=0.0)


# ---------------------------------------------------------------- networks
if nn is not None:  # without torch, only --help works

    class MovedMLP(nn.Module):
        """A 2x800 MLP whose training images are moved at random (identity when predicting).

        :class:`~skmetamorph.torch.RandomAffine` in front of
        :class:`~skmetamorph.torch.MLP`: the "alone, with the same moves"
        baseline. A module-level class, so that the fitted net pickles.
        """

        def __init__(self, n_features=None, n_classes=None, hidden_units=(800, 800)):
            super().__init__()
            from skmetamorph.torch import MLP, RandomAffine

            self.moves = RandomAffine((28, 28), **MOVES)
            self.mlp = MLP(n_features, n_classes, hidden_units)

        def forward(self, X):
            return self.mlp(self.moves(X.reshape(-1, 1, 28, 28)).reshape(X.shape[0], -1))


def net(kind, seed, config, *, moved=False, epochs=None):
    """A TorchClassifier: ``"teacher"`` (SmallCNN, moved), ``"mlp"`` (2x800) or ``"tiny"``."""
    import torch

    from skmetamorph.torch import MLP, SmallCNN, TorchClassifier

    common = dict(
        optimizer=torch.optim.Adam,
        lr=1e-3,
        batch_size=128,
        max_epochs=epochs or config["student_epochs"],
        device=config["device"],
        random_state=seed,
    )
    if kind == "teacher":
        from skorch.callbacks import LRScheduler

        epochs = config["teacher_epochs"]
        # The learning rate falls to 0 along a cosine over the teacher's epochs:
        # a stronger teacher for the same epochs than a constant rate.
        schedule = LRScheduler(policy="CosineAnnealingLR", T_max=epochs)
        return TorchClassifier(
            SmallCNN,
            module__augment=dict(MOVES),
            callbacks=[("lr_schedule", schedule)],
            **{**common, "max_epochs": epochs},
        )
    if kind == "mlp":
        module = MovedMLP if moved else MLP
        return TorchClassifier(module, module__hidden_units=(800, 800), **common)
    if kind == "thin":
        return TorchClassifier(MLP, module__hidden_units=THIN_MLP["hidden_units"], **common)
    if kind == "tiny":
        params = {f"module__{key}": value for key, value in TINY_CNN.items()}
        return TorchClassifier(
            SmallCNN, module__augment=dict(MOVES) if moved else False, **params, **common
        )
    raise ValueError(kind)


def moves_sampler(seed):
    """One random move of every training image (the transfer set of one pass)."""
    from skmetamorph.samplers import ImageRotationSampler

    return ImageRotationSampler(
        image_shape=(28, 28),
        n_samples=1.0,
        max_angle=MOVES["max_rotation"],
        max_shift=MOVES["max_shift"],
        max_scale=MOVES["max_scale"],
        random_state=seed,
    )


def n_parameters(model):
    return int(sum(p.numel() for p in model.module_.parameters()))


# ---------------------------------------------------------------- one seed
class SeedRun:
    """The models of one seed, each recorded with its test errors and fit time."""

    def __init__(self, seed, data, config, steps):
        self.seed, self.config, self.steps = seed, config, steps
        self.X, self.y, self.X_test, self.y_test = data
        self.rows = []

    def record(self, name, family, model, seconds, *, teacher=None, **extra):
        predicted = model.predict(self.X_test)
        row = dict(
            seed=self.seed,
            name=name,
            family=family,
            errors=int(np.sum(predicted != self.y_test)),
            accuracy=float(np.mean(predicted == self.y_test)),
            fidelity=(
                None
                if teacher is None
                else float(np.mean(predicted == teacher.predict(self.X_test)))
            ),
            seconds=round(seconds, 1),
            **extra,
        )
        self.rows.append(row)
        self.steps.note(f"seed {self.seed}: {name}: {row['errors']} test errors ({seconds:.0f} s)")
        return row

    def alone(self, name, family, model):
        self.steps.step(f"seed {self.seed}: {name}")
        with Timer() as t:
            model.fit(self.X, self.y)
        self.record(name, family, model, t.seconds, n_parameters=n_parameters(model))
        return model

    def distill(
        self,
        name,
        family,
        teacher,
        student,
        *,
        fresh,
        temperature=None,
        alpha=1.0,
        include_labeled=False,
        epochs=None,
    ):
        """``student`` distilled from ``teacher`` (fitted nets or a list of them)."""
        from sklearn.frozen import FrozenEstimator

        from skmetamorph import MetamorphosisClassifier

        self.steps.step(f"seed {self.seed}: {name}")
        epochs = epochs or self.config["student_epochs"]
        frozen = (
            [FrozenEstimator(t) for t in teacher]
            if isinstance(teacher, list)
            else FrozenEstimator(teacher)
        )
        temperature = temperature or self.config["temperature"]
        model = MetamorphosisClassifier(
            frozen,
            student.set_params(max_epochs=epochs),
            moves_sampler(self.seed),
            labels="soft",
            temperature=temperature,
            alpha=alpha,
            include_labeled=include_labeled,
            random_state=self.seed,
            # Fresh rows: a new move of every image each pass, labelled as the
            # student trains (one epoch per chunk). Fixed: one draw, labelled
            # once, then `epochs` epochs of the student's own fit.
            streaming=fresh,
            n_passes=epochs if fresh else 1,
            fresh_rows=fresh,
        )
        with Timer() as t:
            model.fit(self.X, self.y)
        self.record(
            name,
            family,
            model,
            t.seconds,
            teacher=model.teacher_,
            n_parameters=n_parameters(model.student_),
            temperature=temperature,
            alpha=alpha if include_labeled else None,
            fresh_rows=fresh,
        )
        return model

    def teachers(self):
        from sklearn.frozen import FrozenEstimator

        from skmetamorph import TeacherEnsemble

        nets = []
        for k in range(self.config["n_teachers"]):
            nets.append(
                self.alone(
                    f"teacher {k}", "teacher", net("teacher", 100 * self.seed + k, self.config)
                )
            )
        ensemble = TeacherEnsemble([FrozenEstimator(t) for t in nets]).fit(self.X, self.y)
        self.record(
            "ensemble of teachers",
            "ensemble",
            ensemble,
            0.0,
            n_parameters=sum(n_parameters(t) for t in nets),
        )
        errors = [row["errors"] for row in self.rows if row["family"] == "teacher"]
        return nets, nets[int(np.argmin(errors))]


def run_seed(seed, data, config, steps, with_grid):
    run = SeedRun(seed, data, config, steps)
    nets, best = run.teachers()
    # Hinton's table: the 2x800 MLP alone, alone with the moves, distilled.
    mlp_alone = run.alone("2x800 alone", "mlp", net("mlp", seed, config))
    run.alone("2x800 alone, moved images", "mlp", net("mlp", seed, config, moved=True))
    mlp_fresh = run.distill(
        "2x800 distilled, fresh rows", "mlp", best, net("mlp", seed, config), fresh=True
    )
    run.distill("2x800 distilled, fixed set", "mlp", best, net("mlp", seed, config), fresh=False)
    run.distill(
        "2x800 distilled from the ensemble, fixed set",
        "mlp",
        nets,
        net("mlp", seed, config),
        fresh=False,
    )
    # The small student.
    tiny_alone = run.alone("tiny CNN alone", "tiny", net("tiny", seed, config))
    run.alone("tiny CNN alone, moved images", "tiny", net("tiny", seed, config, moved=True))
    tiny_fresh = run.distill(
        "tiny CNN distilled, fresh rows", "tiny", best, net("tiny", seed, config), fresh=True
    )
    if with_grid:
        grid(run, best, config)
    models = {
        "2x800 alone": mlp_alone,
        "2x800 distilled": mlp_fresh.student_,
        "tiny CNN alone": tiny_alone,
        "tiny CNN distilled": tiny_fresh.student_,
    }
    return run, best, models


def refit_for_compression(path, data, config, steps):
    """Rows of an earlier run, and seed 0's models refitted for the compression report.

    On the CPU a seeded ``TorchClassifier`` fit is reproducible, so the
    refitted best teacher and students trained alone are the models that the
    earlier run scored. Streamed students were not reproducible before
    skmetamorph 0.2's seeded ``partial_fit``: each refit's test errors are
    kept beside the run's (``refits`` in the JSON), and the compression
    table's accuracy and fidelity are those of the refitted models.
    """
    import json

    earlier = json.loads(Path(path).read_text())
    rows = earlier["runs"]
    seed_rows = {row["name"]: row for row in rows if row["seed"] == 0}
    teachers = [row for row in seed_rows.values() if row["family"] == "teacher"]
    best_index = int(np.argmin([row["errors"] for row in teachers]))
    run = SeedRun(0, data, config, steps)
    best = run.alone(f"teacher {best_index}", "teacher", net("teacher", best_index, config))
    mlp = run.alone("2x800 alone", "mlp", net("mlp", 0, config))
    mlp_fresh = run.distill(
        "2x800 distilled, fresh rows", "mlp", best, net("mlp", 0, config), fresh=True
    )
    tiny = run.alone("tiny CNN alone", "tiny", net("tiny", 0, config))
    tiny_fresh = run.distill(
        "tiny CNN distilled, fresh rows", "tiny", best, net("tiny", 0, config), fresh=True
    )
    for row in run.rows:
        row["errors_in_the_run"] = seed_rows[row["name"]]["errors"]
    students = {
        "2x800 alone": mlp,
        "2x800 distilled": mlp_fresh.student_,
        "tiny CNN alone": tiny,
        "tiny CNN distilled": tiny_fresh.student_,
    }
    return rows, [(run, best, students)]


def grid(run, teacher, config):
    """Temperature and alpha on the small student, fixed transfer set, equal updates."""
    epochs = config["student_epochs"]
    for temperature in config["grid_temperatures"]:
        run.distill(
            f"grid: T={temperature:g}, soft labels only",
            "grid",
            teacher,
            net("tiny", run.seed, config),
            fresh=False,
            temperature=temperature,
        )
    for alpha in config["grid_alphas"]:
        # The true labels join as rows of their own: twice the rows per epoch,
        # so half the epochs keeps the student's updates equal.
        run.distill(
            f"grid: T={config['temperature']:g}, labeled rows, alpha={alpha:g}",
            "grid",
            teacher,
            net("tiny", run.seed, config),
            fresh=False,
            alpha=alpha,
            include_labeled=True,
            epochs=max(1, epochs // 2),
        )


def compression(run, teacher, students):
    """What the students save beside the teacher (latency per ``latency_rows`` rows).

    Measured where the nets are (the CPU unless ``--device cuda``).
    """
    from skmetamorph.metrics import compression_report

    return compression_report(
        teacher,
        students,
        run.X_test,
        run.y_test,
        batch_size=run.config["latency_rows"],
        n_repeats=5,
    )


# ---------------------------------------------------------------- summary
def summarise(rows):
    """Mean, spread and per-seed values of each model's test errors, in run order."""
    names = list(dict.fromkeys(row["name"] for row in rows))
    summary = []
    for name in names:
        mine = [row for row in rows if row["name"] == name]
        errors = np.array([row["errors"] for row in mine], dtype=float)
        fidelity = [row["fidelity"] for row in mine if row["fidelity"] is not None]
        summary.append(
            dict(
                name=name,
                family=mine[0]["family"],
                n_seeds=len(mine),
                errors_mean=float(errors.mean()),
                errors_std=float(errors.std()),
                errors=[int(e) for e in errors],
                accuracy_mean=float(np.mean([row["accuracy"] for row in mine])),
                fidelity_mean=float(np.mean(fidelity)) if fidelity else None,
                n_parameters=mine[0]["n_parameters"],
                seconds_mean=float(np.mean([row["seconds"] for row in mine])),
            )
        )
    return summary


def paired(rows, better, worse):
    """Per-seed differences of test errors (``better - worse``; negative: fewer errors)."""
    by = {}
    for row in rows:
        by.setdefault(row["name"], {})[row["seed"]] = row["errors"]
    seeds = sorted(set(by.get(better, {})) & set(by.get(worse, {})))
    diffs = [by[better][s] - by[worse][s] for s in seeds]
    return dict(
        better=better,
        worse=worse,
        differences=diffs,
        mean=float(np.mean(diffs)) if diffs else None,
        wins=int(sum(d < 0 for d in diffs)),
        n=len(diffs),
    )


COMPARISONS = [
    ("2x800 distilled, fresh rows", "2x800 alone"),
    ("2x800 distilled, fresh rows", "2x800 alone, moved images"),
    ("2x800 distilled, fresh rows", "2x800 distilled, fixed set"),
    ("2x800 distilled from the ensemble, fixed set", "2x800 distilled, fixed set"),
    ("tiny CNN distilled, fresh rows", "tiny CNN alone"),
    ("tiny CNN distilled, fresh rows", "tiny CNN alone, moved images"),
]


def goals(rows, summary, reports):
    """The issue's goals, measured: each with its value and whether it is met."""
    mean = {s["name"]: s["errors_mean"] for s in summary}
    by_seed = {}
    for row in rows:
        by_seed.setdefault(row["seed"], {})[row["name"]] = row
    out = []
    distilled = mean.get("2x800 distilled, fresh rows")
    if distilled is not None:
        out.append(
            dict(
                goal="2x800 MLP distilled: <= 74 test errors (stretch <= 60)",
                value=f"{distilled:.1f}",
                met=bool(distilled <= 74),
            )
        )
    # The small student against the best teacher of each seed.
    gaps, speedups = [], []
    for models in by_seed.values():
        teacher_acc = max(r["accuracy"] for r in models.values() if r["family"] == "teacher")
        if "tiny CNN distilled, fresh rows" in models:
            gaps.append(100 * (teacher_acc - models["tiny CNN distilled, fresh rows"]["accuracy"]))
    for report in reports:
        for record in report:
            if record["model"] == "tiny CNN distilled":
                speedups.append(record["speedup"])
    if gaps:
        out.append(
            dict(
                goal="small student within 0.3 points of the teacher's accuracy",
                value=f"{np.mean(gaps):.2f} points below",
                met=bool(np.mean(gaps) <= 0.3),
            )
        )
    if speedups:
        out.append(
            dict(
                goal="small student >= 5x lower CPU latency per 1,000 rows",
                value=f"{np.mean(speedups):.1f}x",
                met=bool(np.mean(speedups) >= 5),
            )
        )
    ens = paired(rows, "2x800 distilled from the ensemble, fixed set", "2x800 distilled, fixed set")
    kept = []
    for models in by_seed.values():
        needed = [
            "ensemble of teachers",
            "2x800 distilled from the ensemble, fixed set",
            "2x800 distilled, fixed set",
        ]
        if not all(name in models for name in needed):
            continue
        best_teacher = min(r["errors"] for r in models.values() if r["family"] == "teacher")
        gain = best_teacher - models["ensemble of teachers"]["errors"]
        student_gain = (
            models["2x800 distilled, fixed set"]["errors"]
            - models["2x800 distilled from the ensemble, fixed set"]["errors"]
        )
        kept.append(student_gain / gain if gain > 0 else float("nan"))
    if ens["n"]:
        out.append(
            dict(
                goal="ensemble student beats the single-teacher student (paired)",
                value=f"{ens['mean']:+.1f} errors, fewer on {ens['wins']}/{ens['n']} seeds",
                met=bool(ens["wins"] == ens["n"] and ens["mean"] < 0),
            )
        )
        finite = [k for k in kept if np.isfinite(k)]
        out.append(
            dict(
                goal="ensemble student keeps >= half of the ensemble's gain",
                value=(
                    f"{np.mean(finite):.2f} of it"
                    if finite
                    else "the ensemble did not beat the best teacher"
                ),
                met=bool(finite and np.mean(finite) >= 0.5),
            )
        )
    fresh = paired(rows, "2x800 distilled, fresh rows", "2x800 distilled, fixed set")
    if fresh["n"]:
        out.append(
            dict(
                goal="fresh rows per pass beat a fixed transfer set (equal updates)",
                value=f"{fresh['mean']:+.1f} errors, fewer on {fresh['wins']}/{fresh['n']} seeds",
                met=bool(fresh["wins"] == fresh["n"] and fresh["mean"] < 0),
            )
        )
    return out


def table(summary):
    header = [
        "model",
        "parameters",
        "test errors (mean ± std)",
        "per seed",
        "fidelity",
        "fit time (s)",
    ]
    body = [
        [
            s["name"],
            f"{s['n_parameters']:,}" if s["n_parameters"] else "",
            f"{s['errors_mean']:.1f} ± {s['errors_std']:.1f}",
            " / ".join(map(str, s["errors"])),
            "" if s["fidelity_mean"] is None else f"{s['fidelity_mean']:.4f}",
            f"{s['seconds_mean']:.0f}",
        ]
        for s in summary
    ]
    return markdown_table(header, body)


def compression_table(report):
    header = [
        "model",
        "parameters",
        "pickled KiB",
        "ms per 1 row",
        "ms per batch",
        "speed-up",
        "accuracy",
        "fidelity",
    ]
    body = []
    for r in report:
        body.append(
            [
                r["model"],
                f"{r['n_parameters']:,}" if r["n_parameters"] else "",
                f"{r['serialized_bytes'] / 1024:.0f}" if r["serialized_bytes"] else "",
                f"{1e3 * r['latency_row_s']:.2f}",
                f"{1e3 * r['latency_batch_s']:.1f}",
                f"{r['speedup']:.1f}x",
                f"{r['accuracy']:.4f}",
                f"{r['fidelity']:.4f}",
            ]
        )
    return markdown_table(header, body)


def plot(summary, report, path, title, reference=HINTON):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skmetamorph.inspection import CompressionDisplay

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.5))
    shown = [s for s in summary if s["family"] != "grid"]
    positions = np.arange(len(shown))
    left.barh(
        positions,
        [s["errors_mean"] for s in shown],
        xerr=[s["errors_std"] for s in shown],
        color="tab:blue",
        alpha=0.8,
    )
    left.set_yticks(positions, [s["name"] for s in shown], fontsize=8)
    left.invert_yaxis()
    for label, value in reference.items():
        left.axvline(value, linestyle="--", linewidth=1, color="grey")
        left.text(
            value,
            len(shown) - 0.4,
            f" Hinton: {label}",
            rotation=90,
            fontsize=7,
            va="bottom",
            color="grey",
        )
    left.set_xlabel("MNIST test errors (of 10,000), mean ± std over seeds")
    if report is None:
        right.set_axis_off()
    else:
        CompressionDisplay.from_report(report, metric="accuracy", ax=right)
        right.set_title("what the student saves (seed 0, CPU)")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ------------------------------------------------- features and relations
def distill_with_features(teacher, student, X, y, temperature):
    """``student`` distilled from ``teacher`` through the public meta-estimator.

    The transfer set is the training rows themselves (``PoolSampler`` over
    rows that are all labeled, ``include_labeled=False``: the teacher's soft
    labels at ``temperature`` only). A student whose tag names teacher layers
    (``hint``, ``relation``) gets their activations too: the meta-estimator
    labels them with the soft labels (``FeatureDistillationTargets``).
    Returns the fitted student.
    """
    from sklearn.frozen import FrozenEstimator

    from skmetamorph import MetamorphosisClassifier
    from skmetamorph.samplers import PoolSampler

    model = MetamorphosisClassifier(
        FrozenEstimator(teacher),
        student,
        PoolSampler(),
        labels="soft",
        temperature=temperature,
        include_labeled=False,
    ).fit(X, y)
    return model.student_


def feature_variants(seed, data, config, steps):
    """One seed: the teacher, then each student alone and in the four distilled variants.

    Equal budget: every distilled variant makes ``student_epochs`` passes
    over the same transfer set with the same seed; with hints, the first
    ``hint_epochs`` of them are FitNets' first stage (the hint alone).
    """
    run = SeedRun(seed, data, config, steps)
    teacher = run.alone("teacher", "teacher", net("teacher", seed, config))
    epochs, temperature = config["student_epochs"], config["temperature"]
    for student_name, spec in FEATURE_STUDENTS.items():
        run.alone(f"{student_name} alone", student_name, net(spec["kind"], seed, config))
        variants = {
            "logits only": {},
            "+ hints": dict(
                hint=spec["hint"],
                hint_epochs=config["hint_epochs"],
                max_epochs=epochs - config["hint_epochs"],
            ),
            "+ relations": dict(relation=spec["relation"]),
            "+ hints + relations": dict(
                hint=spec["hint"],
                relation=spec["relation"],
                hint_epochs=config["hint_epochs"],
                max_epochs=epochs - config["hint_epochs"],
            ),
        }
        for variant, params in variants.items():
            name = f"{student_name}, {variant}"
            steps.step(f"seed {seed}: {name}")
            student = net(spec["kind"], seed, config).set_params(**params)
            with Timer() as t:
                student = distill_with_features(teacher, student, run.X, run.y, temperature)
            run.record(
                name,
                student_name,
                student,
                t.seconds,
                teacher=teacher,
                n_parameters=n_parameters(student),
                variant=variant,
                hint=params.get("hint"),
                relation=params.get("relation"),
            )
    return run.rows


FEATURE_COMPARISONS = [
    (f"{student}, {variant}", f"{student}, logits only")
    for student in FEATURE_STUDENTS
    for variant in ("+ hints", "+ relations", "+ hints + relations")
] + [(f"{student}, logits only", f"{student} alone") for student in FEATURE_STUDENTS]


def main_features(args):
    """``--features``: the feature- and relation-based variants, their JSON, table and plot."""
    import torch

    mode = "features" + ("_quick" if args.quick else "")
    config = dict(FEATURE_CONFIGS[mode], device=args.device)
    if args.seeds is not None:
        config["seeds"] = args.seeds
    config["torch_threads"] = args.torch_threads or os.cpu_count() or 1
    torch.set_num_threads(config["torch_threads"])
    data = load(args.data_dir, config)
    n_models = config["seeds"] * (1 + 5 * len(FEATURE_STUDENTS))
    steps = Steps(n_models, "models", name="bench_distill --features")
    stem = "distill_" + mode
    protocol = (
        f"reduced protocol: {len(data[1]):,} training rows (a seeded subset of MNIST's 60,000), "
        f"{len(data[3]):,} test rows, {config['seeds']} seed(s); teacher SmallCNN "
        f"{config['teacher_epochs']} epochs with moves; students {config['student_epochs']} "
        f"passes over the training rows as transfer set (soft labels at "
        f"T={config['temperature']:g}), of which {config['hint_epochs']} hint-only passes "
        "(FitNets' first stage) in the variants with hints"
    )
    rows = []
    with Timer() as total:
        for seed in range(config["seeds"]):
            rows += feature_variants(seed, data, config, steps)
            write_json(
                f"{stem}.json",
                {"mode": mode, "config": config, "partial": True, "runs": rows},
                results_dir=args.results_dir,
            )
        steps.close()
    summary = summarise(rows)
    comparisons = [paired(rows, better, worse) for better, worse in FEATURE_COMPARISONS]
    print()
    print(protocol)
    print()
    print(table(summary))
    print()
    for c in comparisons:
        if c["n"]:
            print(
                f"- {c['better']} vs {c['worse']}: {c['mean']:+.1f} errors "
                f"(fewer on {c['wins']}/{c['n']} seeds)"
            )
    print(f"\ntotal wall time: {total.seconds:.0f} s ({mode} mode, {args.device})")
    path = write_json(
        f"{stem}.json",
        {
            "mode": mode,
            "protocol": protocol,
            "config": config,
            "thin_mlp": THIN_MLP,
            "tiny_cnn": TINY_CNN,
            "students": FEATURE_STUDENTS,
            "total_seconds": total.seconds,
            "summary": summary,
            "comparisons": comparisons,
            "runs": rows,
        },
        results_dir=args.results_dir,
    )
    plot(
        summary,
        None,
        Path(args.results_dir) / f"{stem}.png",
        "MNIST (reduced protocol): logits, hints and relations",
        reference={},
    )
    print(f"wrote {path}")
    return 0


# ---------------------------------------------------------------- main
def load(data_dir, config, seed=0):
    from skmetamorph.datasets import load_mnist

    bunch = load_mnist(data_dir)
    X, y, X_test, y_test = bunch.X_train, bunch.y_train, bunch.X_test, bunch.y_test
    rng = np.random.default_rng(seed)
    if config["n_train"]:
        keep = rng.choice(len(y), config["n_train"], replace=False)
        X, y = X[keep], y[keep]
    if config["n_test"]:
        keep = rng.choice(len(y_test), config["n_test"], replace=False)
        X_test, y_test = X_test[keep], y_test[keep]
    return X, y, X_test, y_test


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="1 seed, 3,000 rows, 2 epochs (CI smoke test)"
    )
    parser.add_argument("--seeds", type=int, default=None, help="override the number of seeds")
    parser.add_argument(
        "--data-dir", default=None, help="MNIST IDX files (else SKMETAMORPH_MNIST_DIR)"
    )
    parser.add_argument(
        "--device",
        default="cpu",
        help="where the nets train and label (latency is measured on the CPU)",
    )
    parser.add_argument(
        "--torch-threads", type=int, default=None, help="torch threads (default: all cores)"
    )
    parser.add_argument("--results-dir", default=str(RESULTS_DIR))
    parser.add_argument(
        "--no-compression",
        action="store_true",
        help="with --reuse-runs: only summarise the runs, refit nothing",
    )
    parser.add_argument(
        "--reuse-runs",
        default=None,
        metavar="JSON",
        help="take the test errors of every model from this result file (a "
        "run that stopped after its last seed) and refit only seed 0's "
        "teacher and students for the compression report: same seeds, "
        "same weights on the CPU",
    )
    parser.add_argument(
        "--features",
        action="store_true",
        help="only the feature- and relation-based variants (hints, RKD) on "
        "a thin deep MLP and the tiny CNN, reduced protocol; with "
        "--quick, a seconds-long smoke run",
    )
    args = parser.parse_args(argv)
    if args.seeds is not None and args.seeds < 1:
        parser.error(f"--seeds must be at least 1; got {args.seeds}")
    if args.features:
        return main_features(args)

    import torch

    mode = "quick" if args.quick else "full"
    config = dict(CONFIGS[mode], device=args.device)
    if args.seeds is not None:
        config["seeds"] = args.seeds
    config["torch_threads"] = args.torch_threads or os.cpu_count() or 1
    torch.set_num_threads(config["torch_threads"])
    data = load(args.data_dir, config)

    n_grid = len(config["grid_temperatures"]) + len(config["grid_alphas"])
    per_seed = config["n_teachers"] + 8
    n_models = 5 if args.reuse_runs else config["seeds"] * per_seed + n_grid
    steps = Steps(n_models, "models", name="bench_distill")
    stem = "distill" + ("_quick" if args.quick else "")
    rows, fitted = [], []
    with Timer() as total:
        if args.reuse_runs:
            if args.no_compression:
                import json

                rows = json.loads(Path(args.reuse_runs).read_text())["runs"]
            else:
                rows, fitted = refit_for_compression(args.reuse_runs, data, config, steps)
        else:
            for seed in range(config["seeds"]):
                run, best, students = run_seed(seed, data, config, steps, with_grid=seed == 0)
                rows += run.rows
                fitted.append((run, best, students))
                # Written after every seed, so that a long run that stops keeps its seeds.
                write_json(
                    f"{stem}.json",
                    {"mode": mode, "config": config, "partial": True, "runs": rows},
                    results_dir=args.results_dir,
                )
        steps.close()
        # Timed last, one seed after another, with no training running beside them.
        reports = [compression(*seed_models) for seed_models in fitted]
    summary = summarise(rows)
    measured = goals(rows, summary, reports)
    comparisons = [paired(rows, better, worse) for better, worse in COMPARISONS]
    print()
    print(table(summary))
    print()
    if reports:
        print(compression_table(reports[0]))
    print()
    for goal in measured:
        print(f"- {goal['goal']}: {goal['value']} ({'met' if goal['met'] else 'not met'})")
    print(f"\ntotal wall time: {total.seconds:.0f} s ({mode} mode, {args.device})")

    path = write_json(
        f"{stem}.json",
        {
            "mode": mode,
            "config": config,
            "moves": MOVES,
            "tiny_cnn": TINY_CNN,
            "hinton": HINTON,
            "total_seconds": total.seconds,
            "summary": summary,
            "comparisons": comparisons,
            "goals": measured,
            "compression": reports,
            "runs": rows,
            "refits": [row for run, _, _ in fitted for row in run.rows] if args.reuse_runs else [],
            "reused_runs": args.reuse_runs,
        },
        results_dir=args.results_dir,
    )
    plot(
        summary,
        reports[0] if reports else None,
        Path(args.results_dir) / f"{stem}.png",
        "MNIST: networks trained alone and distilled",
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    # Run as the module bench_distill, not as __main__: the module class
    # MovedMLP must pickle by reference (compression_report pickles the nets).
    import bench_distill

    sys.exit(bench_distill.main())
