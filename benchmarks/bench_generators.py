"""Transfer generators side by side under PRELIM's protocol: which rows make the best student?

Protocol (that of PRELIM, the pedagogical-rule-extraction library of the
method's author, as in issue 16): for each dataset, training size (100 and
400 rows) and random split,

1. a random-forest teacher is fitted on the training rows;
2. two tree students, PRELIM's ``dt`` (``DecisionTreeClassifier(
   min_samples_split=10)``) and ``dtc`` (an 8-leaf tree,
   ``max_leaf_nodes=8``), are fitted
   - *directly* on the training rows and their true labels (the baseline), and
   - by metamorphosis, once per generator, on a transfer set of a fixed size
     (``--transfer-size`` rows): the training rows kept, plus as many rows of
     the generator as it takes to top the set up to that size, all labeled by
     the teacher;
3. each student is scored on the held-out rows: *fidelity* (agreement with
   the teacher) and *accuracy* (against the truth); the wall time of each
   fit is recorded (for metamorphosis: generating, labeling and training).

The generators are the current defaults (MUNGE as published, keeping the
draws that copy a training row; a Gaussian mixture of 5 full components;
KDE; Gaussian noise; uniform rows in the bounding box) and the newer ones
(GMM chosen by BIC, MUNGE with ``copies="redraw"``, SPUNGE, the forest-leaf
sampler, SMOTE on the teacher's classes). The deep adapters (CTGAN, TVAE,
Gaussian copula) are left out when their extra ``deep`` is not installed, and
SMOTE when ``imbalanced`` is not; the output says so.

Units (dataset, size, split) are paired: a Wilcoxon signed-rank test over
them compares each generator with the directly trained student and with the
current GMM and MUNGE, per dataset family (binary, multi-class) and overall.

Usage::

    python benchmarks/bench_generators.py --quick   # < 1 min: 2 datasets, 2 splits
    python benchmarks/bench_generators.py           # full: 7 datasets, sizes 100 and 400,
                                                    # 8 splits, 10,000 rows (~20-30 min)

Writes ``results/generators.json`` (``generators_quick.json`` in quick mode;
the folder is ``--results-dir``) and a PNG plot next to it, and prints
Markdown tables on stdout; one progress line per finished unit on stderr.
"""

import argparse
import importlib.util
import sys
import time
from itertools import product
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS_DIR, Steps, markdown_table, write_json
from bench_tabular import SYNTHETIC_TEST_ROWS, _wilcoxon_p, fit_metamorphosis
from bench_tabular import load as load_tabular

from skmetamorph.samplers import (
    MUNGE,
    SPUNGE,
    AutoSampler,
    CTGANSampler,
    ForestLeafSampler,
    GaussianCopulaSampler,
    GaussianNoiseSampler,
    GMMSampler,
    KDESampler,
    PoolSampler,
    SMOTESampler,
    TVAESampler,
    UniformSampler,
    UnionSampler,
)

STUDENTS = {
    "dt": lambda seed: DecisionTreeClassifier(min_samples_split=10, random_state=seed),
    "dtc": lambda seed: DecisionTreeClassifier(max_leaf_nodes=8, random_state=seed),
}
STUDENT_TEXT = {
    "dt": "DecisionTreeClassifier(min_samples_split=10)",
    "dtc": "DecisionTreeClassifier(max_leaf_nodes=8)",
}

#: Generator name -> (factory of the sampler making ``n`` rows, description).
#: "direct" is the student fitted on the training rows alone, no teacher.
GENERATORS = {
    "munge": (lambda n: MUNGE(n_samples=n), 'current default: MUNGE(copies="keep")'),
    "gmm": (lambda n: GMMSampler(n_samples=n), "current default: GMMSampler(), 5 full components"),
    "kde": (lambda n: KDESampler(n_samples=n), "KDESampler()"),
    "noise": (lambda n: GaussianNoiseSampler(n_samples=n), "GaussianNoiseSampler(scale=0.1)"),
    "uniform": (lambda n: UniformSampler(n_samples=n), "UniformSampler()"),
    "gmm_bic": (
        lambda n: GMMSampler(n_samples=n, n_components="bic", covariance_type="bic"),
        'GMMSampler(n_components="bic", covariance_type="bic")',
    ),
    "munge_redraw": (
        lambda n: MUNGE(n_samples=n, copies="redraw"),
        'MUNGE(copies="redraw")',
    ),
    "spunge": (lambda n: SPUNGE(n_samples=n), "SPUNGE()"),
    "forest_leaf": (lambda n: ForestLeafSampler(n_samples=n), "ForestLeafSampler()"),
    "smote": (lambda n: SMOTESampler(n_samples=n), "SMOTESampler() (teacher's classes)"),
    "ctgan": (lambda n: CTGANSampler(n_samples=n), "CTGANSampler()"),
    "tvae": (lambda n: TVAESampler(n_samples=n), "TVAESampler()"),
    "copula": (lambda n: GaussianCopulaSampler(n_samples=n), "GaussianCopulaSampler()"),
    # The student is filled in by transfer_sampler: AutoSampler scores candidates with it.
    "auto": (lambda n: AutoSampler(n_samples=n), "AutoSampler() (default candidates, the student)"),
    "auto_best": (
        lambda n: AutoSampler(n_samples=n, selection="best"),
        'AutoSampler(selection="best"): the highest held-out score, no one-SE preference',
    ),
}
#: The optional extra each generator needs, and a module that tells whether it is installed.
EXTRAS = {
    "smote": ("imbalanced", "imblearn"),
    "ctgan": ("deep", "ctgan"),
    "tvae": ("deep", "ctgan"),
    "copula": ("deep", "copulas"),
}
#: The references every generator is compared with (paired over units).
REFERENCES = ["direct", "gmm", "munge"]

FAMILIES = {
    "binary": ["breast_cancer", "moons"],
    "multi-class": ["wine", "iris", "digits", "classification", "classification5"],
}
DATASETS = FAMILIES["binary"] + FAMILIES["multi-class"]


def family(dataset):
    return next(name for name, members in FAMILIES.items() if dataset in members)


def available_generators(names):
    """The generators whose extra is installed, and a note for each one skipped."""
    kept, skipped = [], {}
    for name in names:
        extra = EXTRAS.get(name)
        if extra is not None and importlib.util.find_spec(extra[1]) is None:
            skipped[name] = f"extra {extra[0]!r} not installed"
        else:
            kept.append(name)
    return kept, skipped


def load(name, n_train, seed):
    """Train/test split; bench_tabular's datasets plus a 5-class ``make_classification``."""
    if name != "classification5":
        return load_tabular(name, n_train, seed)
    X, y = make_classification(
        n_samples=n_train + SYNTHETIC_TEST_ROWS,
        n_features=10,
        n_informative=5,
        n_redundant=2,
        n_classes=5,
        n_clusters_per_class=2,
        class_sep=1.0,
        random_state=seed,
    )
    return train_test_split(X, y, train_size=n_train, random_state=seed, stratify=y)


def transfer_sampler(generator, n_train, transfer_size, student=None):
    """The training rows (relabeled by the teacher) topped up with the generator's rows."""
    make, _ = GENERATORS[generator]
    sampler = make(transfer_size - n_train)
    if generator.startswith("auto"):
        sampler.set_params(student=student)
    return UnionSampler([("labeled", PoolSampler(pool="all")), (generator, sampler)])


def _sampler_details(clf, generator):
    """What the fitted generator chose, for the generators that report it."""
    sampler = dict(clf.transfer_sampler_.samplers_)[generator]
    if generator == "gmm_bic":
        return {
            "gmm_n_components": sampler.n_components_,
            "gmm_covariance_type": sampler.covariance_type_,
        }
    if generator == "munge_redraw":
        return {"munge_copies_redrawn": sampler.n_copies_redrawn_}
    if generator.startswith("auto"):
        return {
            "auto_chosen": sampler.chosen_,
            "auto_scores": {k: v["score"] for k, v in sampler.scores_.items()},
            "auto_teacher_rows": sampler.n_teacher_rows_total_,
        }
    return {}


def run_unit(dataset, n_train, seed, generators, args):
    """Every student and generator on one split: a list of result records."""
    split = load(dataset, n_train, seed)
    if split is None:
        return []
    X_train, X_test, y_train, y_test = split
    start = time.perf_counter()
    teacher = RandomForestClassifier(n_estimators=args.n_trees, random_state=seed, n_jobs=1).fit(
        X_train, y_train
    )
    teacher_seconds = time.perf_counter() - start
    teacher_test = teacher.predict(X_test)
    base = {
        "dataset": dataset,
        "family": family(dataset),
        "n_train": n_train,
        "seed": seed,
        "n_classes": len(np.unique(y_train)),
        "teacher_accuracy": float(np.mean(teacher_test == y_test)),
        "teacher_seconds": teacher_seconds,
    }

    def record(student, generator, pred, seconds, **extra):
        return {
            **base,
            "student": student,
            "generator": generator,
            "accuracy": float(np.mean(pred == y_test)),
            "fidelity": float(np.mean(pred == teacher_test)),
            "seconds": seconds,
            **extra,
        }

    records = []
    for student in STUDENTS:
        start = time.perf_counter()
        direct = STUDENTS[student](seed).fit(X_train, y_train)
        seconds = time.perf_counter() - start
        records.append(
            record(student, "direct", direct.predict(X_test), seconds, n_transfer=n_train)
        )
        for generator in generators:
            clf, seconds = fit_metamorphosis(
                teacher,
                STUDENTS[student](seed),
                transfer_sampler(generator, n_train, args.transfer_size, STUDENTS[student](seed)),
                "hard",
                seed,
                X_train,
                y_train,
            )
            records.append(
                record(
                    student,
                    generator,
                    clf.predict(X_test),
                    seconds,
                    n_transfer=int(clf.n_transfer_samples_),
                    **_sampler_details(clf, generator),
                )
            )
    return records


def run_indexed(index, unit, generators, args):
    """``run_unit`` with its position among the units, for results that come in any order."""
    return index, run_unit(*unit, generators, args)


def _select(records, student, generator, group):
    return {
        (r["dataset"], r["n_train"], r["seed"]): r
        for r in records
        if r["student"] == student
        and r["generator"] == generator
        and group in ("all", r["family"], r["dataset"])
    }


def compare(records, generators, groups):
    """Each generator minus each reference, paired over units, per group and student."""
    out = []
    for group, student, generator, reference in product(groups, STUDENTS, generators, REFERENCES):
        if generator == reference:
            continue
        a = _select(records, student, generator, group)
        b = _select(records, student, reference, group)
        keys = sorted(a)
        if not keys:
            continue
        entry = {
            "group": group,
            "student": student,
            "generator": generator,
            "reference": reference,
            "n_units": len(keys),
        }
        for metric in ("fidelity", "accuracy"):
            diff = np.array([a[k][metric] - b[k][metric] for k in keys])
            entry[f"{metric}_diff"] = float(diff.mean())
            entry[f"{metric}_p"] = _wilcoxon_p(diff)
            entry[f"{metric}_wins"] = int((diff > 0).sum())
            entry[f"{metric}_losses"] = int((diff < 0).sum())
        out.append(entry)
    return out


def summarise(records, generators, groups):
    """Mean fidelity, accuracy and fit time per group, student and generator (direct too)."""
    out = []
    for group, student, generator in product(groups, STUDENTS, ["direct"] + generators):
        rows = list(_select(records, student, generator, group).values())
        if not rows:
            continue
        out.append(
            {
                "group": group,
                "student": student,
                "generator": generator,
                "n_units": len(rows),
                "fidelity": float(np.mean([r["fidelity"] for r in rows])),
                "accuracy": float(np.mean([r["accuracy"] for r in rows])),
                "seconds_mean": float(np.mean([r["seconds"] for r in rows])),
                "seconds_median": float(np.median([r["seconds"] for r in rows])),
            }
        )
    return out


def targets(comparisons):
    """Issue 16's targets, read off the comparisons.

    - GMM by BIC and MUNGE with redraws at least as faithful as the current GMM
      and MUNGE in every family (mean difference >= 0, each student) and better
      on average (overall mean difference > 0, each student);
    - on the multi-class sets, at least one generator whose fidelity gain over
      the directly trained 8-leaf student is significant (p < 0.05, mean > 0).
    """
    by = {(c["group"], c["student"], c["generator"], c["reference"]): c for c in comparisons}
    out = {}
    for new, old in (("gmm_bic", "gmm"), ("munge_redraw", "munge")):
        if not any(k[2] == new for k in by):
            continue
        families = {
            f"{group}/{student}": by[group, student, new, old]["fidelity_diff"]
            for group, student in product(FAMILIES, STUDENTS)
            if (group, student, new, old) in by
        }
        overall = {s: by["all", s, new, old]["fidelity_diff"] for s in STUDENTS}
        out[f"{new}_vs_{old}"] = {
            "fidelity_diff_per_family": families,
            "fidelity_diff_overall": overall,
            "no_family_worse": all(v >= 0 for v in families.values()),
            "better_on_average": all(v > 0 for v in overall.values()),
        }
        out[f"{new}_vs_{old}"]["met"] = (
            out[f"{new}_vs_{old}"]["no_family_worse"]
            and out[f"{new}_vs_{old}"]["better_on_average"]
        )
    gains = [
        {"generator": c["generator"], "fidelity_diff": c["fidelity_diff"], "p": c["fidelity_p"]}
        for key, c in by.items()
        if key[0] == "multi-class" and key[1] == "dtc" and key[3] == "direct"
    ]
    significant = [g for g in gains if g["p"] < 0.05 and g["fidelity_diff"] > 0]
    out["multiclass_dtc_gain"] = {
        "significant": sorted(significant, key=lambda g: -g["fidelity_diff"]),
        "met": bool(significant),
    }
    return out


def per_dataset(records, generators):
    """Mean fidelity per dataset, size and student for the direct student and each generator."""
    out = []
    keys = sorted(
        {(r["dataset"], r["n_train"], r["student"]) for r in records},
        key=lambda k: (DATASETS.index(k[0]), k[1], k[2]),
    )
    for dataset, n_train, student in keys:
        rows = [
            r
            for r in records
            if (r["dataset"], r["n_train"], r["student"]) == (dataset, n_train, student)
        ]
        entry = {
            "dataset": dataset,
            "family": family(dataset),
            "n_train": n_train,
            "student": student,
            "teacher_accuracy": float(
                np.mean([r["teacher_accuracy"] for r in rows if r["generator"] == "direct"])
            ),
        }
        for generator in ["direct"] + generators:
            chosen = [r for r in rows if r["generator"] == generator]
            entry[generator] = {
                "fidelity": float(np.mean([r["fidelity"] for r in chosen])),
                "accuracy": float(np.mean([r["accuracy"] for r in chosen])),
            }
        out.append(entry)
    return out


def _p(value):
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _cell(c, metric="fidelity"):
    return f"{c[f'{metric}_diff']:+.3f} ({_p(c[f'{metric}_p'])})"


def print_tables(summary, comparisons, datasets_table, generators, groups, goals):
    by = {(c["group"], c["student"], c["generator"], c["reference"]): c for c in comparisons}
    for group in groups:
        print(
            f"\n## {group}: mean over units, and fidelity difference (p) against the references\n"
        )
        header = [
            "student",
            "generator",
            "units",
            "fidelity",
            "accuracy",
            "s / fit",
            "fid. vs direct",
            "acc. vs direct",
            "fid. vs gmm",
            "fid. vs munge",
        ]
        rows = []
        for s in summary:
            if s["group"] != group:
                continue
            key = (group, s["student"], s["generator"])
            cells = [
                _cell(by[key + ("direct",)]) if key + ("direct",) in by else "-",
                _cell(by[key + ("direct",)], "accuracy") if key + ("direct",) in by else "-",
                *(
                    _cell(by[key + (ref,)]) if key + (ref,) in by else "-"
                    for ref in ("gmm", "munge")
                ),
            ]
            rows.append(
                [
                    s["student"],
                    s["generator"],
                    s["n_units"],
                    f"{s['fidelity']:.3f}",
                    f"{s['accuracy']:.3f}",
                    f"{s['seconds_mean']:.3f}",
                    *cells,
                ]
            )
        print(markdown_table(header, rows))

    print("\n## Mean fidelity per dataset, size and student\n")
    header = ["dataset", "n_train", "student", "teacher acc", "direct"] + generators
    rows = [
        [e["dataset"], e["n_train"], e["student"], f"{e['teacher_accuracy']:.3f}"]
        + [f"{e[g]['fidelity']:.3f}" for g in ["direct"] + generators]
        for e in datasets_table
    ]
    print(markdown_table(header, rows))

    print("\n## Issue 16's targets\n")
    for name, goal in goals.items():
        if name == "multiclass_dtc_gain":
            names = (
                ", ".join(
                    f"{g['generator']} {g['fidelity_diff']:+.3f} (p {_p(g['p'])})"
                    for g in goal["significant"]
                )
                or "none"
            )
            print(
                f"- multi-class, dtc: generators with a significant fidelity gain over "
                f"direct: {names} -> {'met' if goal['met'] else 'NOT met'}"
            )
        else:
            fams = ", ".join(f"{k} {v:+.3f}" for k, v in goal["fidelity_diff_per_family"].items())
            overall = ", ".join(f"{k} {v:+.3f}" for k, v in goal["fidelity_diff_overall"].items())
            print(
                f"- {name}: per family {fams}; overall {overall} -> "
                f"{'met' if goal['met'] else 'NOT met'}"
            )


def plot(comparisons, generators, path, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by = {(c["group"], c["student"], c["generator"], c["reference"]): c for c in comparisons}
    groups = [g for g in FAMILIES if any(k[0] == g for k in by)]
    fig, axes = plt.subplots(1, len(STUDENTS), figsize=(12, 4.2), sharey=True)
    x = np.arange(len(generators))
    width = 0.8 / max(len(groups), 1)
    for ax, student in zip(np.atleast_1d(axes), STUDENTS):
        for i, group in enumerate(groups):
            values = [by[group, student, g, "direct"]["fidelity_diff"] for g in generators]
            ax.bar(x + (i - (len(groups) - 1) / 2) * width, values, width, label=group)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_xticks(x, generators, rotation=45, ha="right")
        ax.set_title(f"{student}: {STUDENT_TEXT[student]}", fontsize=9)
        ax.legend(fontsize=8)
    np.atleast_1d(axes)[0].set_ylabel("fidelity minus the direct student's (mean)")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="breast_cancer and wine, size 100, 2 splits, 1,000 rows, 50 trees",
    )
    parser.add_argument(
        "--datasets",
        nargs="+",
        default=None,
        choices=DATASETS,
        help="(all 7; quick: breast_cancer wine)",
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=None, help="training rows (100 400; quick: 100)"
    )
    parser.add_argument("--splits", type=int, default=None, help="random splits (8; quick: 2)")
    parser.add_argument(
        "--transfer-size",
        type=int,
        default=None,
        help="rows of the transfer set, training rows included (10,000 as PRELIM; quick: 1,000)",
    )
    parser.add_argument("--n-trees", type=int, default=None, help="teacher trees (100; quick: 50)")
    parser.add_argument(
        "--generators", nargs="+", default=list(GENERATORS), choices=list(GENERATORS)
    )
    parser.add_argument("--n-jobs", type=int, default=1, help="units run in parallel (1)")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--output", default=None, help="JSON name in --results-dir")
    parser.add_argument(
        "--results-dir", default=str(RESULTS_DIR), help="folder of the JSON and PNG (results/)"
    )
    args = parser.parse_args(argv)
    args.datasets = args.datasets or (["breast_cancer", "wine"] if args.quick else DATASETS)
    args.sizes = args.sizes or ([100] if args.quick else [100, 400])
    args.splits = args.splits or (2 if args.quick else 8)
    args.transfer_size = args.transfer_size or (1000 if args.quick else 10000)
    args.n_trees = args.n_trees or (50 if args.quick else 100)
    if args.transfer_size <= max(args.sizes):
        parser.error("--transfer-size must exceed the largest training size")
    output = args.output or ("generators_quick.json" if args.quick else "generators.json")
    generators, skipped = available_generators(args.generators)

    units = list(
        product(args.datasets, args.sizes, range(args.first_seed, args.first_seed + args.splits))
    )
    steps = Steps(len(units), "units (dataset, size, split)", name="bench_generators")
    steps.note(
        f"{len(units)} units x {len(STUDENTS)} students x {len(generators)} generators "
        f"+ direct, {args.transfer_size:,} transfer rows, {args.n_jobs} job(s)"
    )
    for name, why in skipped.items():
        steps.note(f"skipped {name}: {why}")
    start = time.perf_counter()
    results = [None] * len(units)
    # One BLAS/OpenMP thread per job: the run's cost is then what --n-jobs says.
    with threadpool_limits(limits=1):
        for index, unit_records in Parallel(
            n_jobs=args.n_jobs, verbose=0, return_as="generator_unordered"
        )(delayed(run_indexed)(i, unit, generators, args) for i, unit in enumerate(units)):
            results[index] = unit_records
            dataset, size, seed = units[index]
            note = "" if unit_records else " (too small, skipped)"
            steps.done(f"{dataset} / {size} / {seed}{note}")
    elapsed = time.perf_counter() - start
    steps.close()
    records = [r for unit in results for r in unit]

    present = {r["family"] for r in records}
    groups = [g for g in FAMILIES if g in present] + ["all"]
    comparisons = compare(records, generators, groups)
    summary = summarise(records, generators, groups)
    datasets_table = per_dataset(records, generators)
    goals = targets(comparisons)
    if skipped:
        print("\nSkipped: " + "; ".join(f"{k} ({v})" for k, v in skipped.items()))
    print_tables(summary, comparisons, datasets_table, generators, groups, goals)
    n_units = len({(r["dataset"], r["n_train"], r["seed"]) for r in records})
    print(f"\n{n_units} units (dataset, size, split) in {elapsed:.0f} s")

    config = {
        "datasets": args.datasets,
        "families": {k: [d for d in v if d in args.datasets] for k, v in FAMILIES.items()},
        "sizes": args.sizes,
        "splits": args.splits,
        "first_seed": args.first_seed,
        "transfer_size": args.transfer_size,
        "teacher": f"RandomForestClassifier(n_estimators={args.n_trees})",
        "students": STUDENT_TEXT,
        "generators": {g: GENERATORS[g][1] for g in generators},
        "skipped_generators": skipped,
        "transfer_set": "UnionSampler([PoolSampler(pool='all'), generator(n_samples="
        "transfer_size - n_train)]): the training rows kept, topped up to transfer_size; "
        "MetamorphosisClassifier(FrozenEstimator(teacher), student, sampler, "
        "include_labeled=False, random_state=seed): every row labeled by the teacher",
        "test": "held-out rows of the real datasets (40+), "
        f"{SYNTHETIC_TEST_ROWS} fresh rows for make_moons / make_classification",
        "seconds": "wall time of one fit (metamorphosis: generating, labeling, training; "
        "the teacher's own fit not included), one BLAS thread",
        "paired_test": "scipy.stats.wilcoxon (zero_method='zsplit') over (dataset, size, "
        "split) units",
        "n_jobs": args.n_jobs,
    }
    path = write_json(
        output,
        {
            "benchmark": "transfer generators under PRELIM's protocol",
            "elapsed_seconds": elapsed,
            "config": config,
            "summary": summary,
            "comparisons": comparisons,
            "targets": goals,
            "per_dataset": datasets_table,
            "records": records,
        },
        results_dir=args.results_dir,
    )
    png = path.with_suffix(".png")
    plot(
        comparisons,
        generators,
        png,
        f"Fidelity gain over the directly trained student: {n_units} units, sizes "
        f"{args.sizes}, {args.splits} splits, {args.transfer_size:,} transfer rows",
    )
    print(f"wrote {path} and {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
