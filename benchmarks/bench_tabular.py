"""Pedagogical rule extraction on tabular data: does a transfer set beat direct training?

Protocol (Craven & Shavlik's TREPAN line of work, De Fortuny & Martens 2015):
for each dataset, training size and random split,

1. a random-forest teacher is fitted on the small training set;
2. a student tree, small (``max_leaf_nodes=8``) or full, is fitted
   - *directly* on the training rows and their true labels (the baseline), and
   - by metamorphosis on a transfer set labeled by the teacher: the training
     rows relabeled by the teacher plus ``--factor`` times as many synthetic
     rows from a sampler (none, MUNGE, KDE, GMM, uniform, boundary-focused);
3. both students are scored on held-out rows: accuracy against the truth,
   fidelity against the teacher.

The gains (metamorphosis minus direct) are paired by split, and a Wilcoxon
signed-rank test over all (dataset, size, split) units says whether they are
systematic. The boundary-focused sampler is also compared with MUNGE alone at
equal transfer-set size.

What the student learns is compared too, side by side on the same splits and
transfer sets (no synthetic rows, and MUNGE): a classification tree on the
teacher's hard labels (the runs above), on its soft labels (``labels="soft"``:
rows repeated per class, weighted by the probabilities), and a *regression*
tree on its probabilities (``labels="proba"``) or on its centred logits
(``labels="logit"``), each small (8 leaves) and full.

Usage::

    python benchmarks/bench_tabular.py --quick     # < 2 min: size 100, 3 splits
    python benchmarks/bench_tabular.py             # full: sizes 100 and 400, 10 splits

Writes ``results/tabular.json`` (``tabular_quick.json`` in quick mode; the
folder is ``--results-dir``), a PNG plot of the samplers' gains next to it and
one of the labels' comparison (``tabular_labels.png``), and prints Markdown
tables on stdout. While it runs, one progress line per finished unit
(dataset, size, split) with an ETA goes to stderr.
"""

import argparse
import sys
import time
import warnings
from itertools import product
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from scipy.stats import wilcoxon
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_classification,
    make_moons,
)
from sklearn.ensemble import RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS_DIR, Steps, markdown_table, write_json  # noqa: E402

from skmetamorph import MetamorphosisClassifier  # noqa: E402
from skmetamorph.samplers import (  # noqa: E402
    MUNGE,
    BoundarySampler,
    GMMSampler,
    KDESampler,
    PoolSampler,
    UniformSampler,
    UnionSampler,
)

SAMPLERS = ["none", "munge", "kde", "gmm", "uniform", "boundary"]
#: Tree sizes: the parameters of a small and of a full tree.
TREE_SIZES = {"tree8": {"max_leaf_nodes": 8}, "tree": {}}
STUDENTS = {
    name: (lambda seed, params=params: DecisionTreeClassifier(random_state=seed, **params))
    for name, params in TREE_SIZES.items()
}
#: What the student learns, for the comparison of labels: (tree class, labels=).
#: "hard" is the classification tree of the sampler comparison, not fitted twice.
LABEL_KINDS = {
    "hard": (DecisionTreeClassifier, "hard"),
    "soft": (DecisionTreeClassifier, "soft"),
    "proba": (DecisionTreeRegressor, "proba"),
    "logit": (DecisionTreeRegressor, "logit"),
}
#: Transfer sets of the comparison of labels.
LABEL_SAMPLERS = ["none", "munge"]
#: Rows kept for testing on the synthetic generators.
SYNTHETIC_TEST_ROWS = 2000
#: A real dataset is used at a training size only if this many rows remain for testing.
MIN_TEST_ROWS = 40


def load(name, n_train, seed):
    """Train/test split of a dataset at a training size, or None if it is too small."""
    if name in ("classification", "moons"):
        n = n_train + SYNTHETIC_TEST_ROWS
        if name == "moons":
            X, y = make_moons(n_samples=n, noise=0.3, random_state=seed)
        else:
            X, y = make_classification(
                n_samples=n,
                n_features=10,
                n_informative=5,
                n_redundant=2,
                n_classes=3,
                n_clusters_per_class=2,
                class_sep=1.0,
                random_state=seed,
            )
    else:
        loader = {
            "breast_cancer": load_breast_cancer,
            "wine": load_wine,
            "iris": load_iris,
            "digits": load_digits,
        }[name]
        X, y = loader(return_X_y=True)
        if X.shape[0] - n_train < MIN_TEST_ROWS:
            return None
    return train_test_split(X, y, train_size=n_train, random_state=seed, stratify=y)


def make_sampler(name, n_features, factor):
    """The transfer sampler: the training rows relabeled, plus synthetic rows."""
    pool = ("pool", PoolSampler(pool="all"))
    synthetic = {
        "munge": lambda: MUNGE(n_samples=factor),
        "kde": lambda: KDESampler(n_samples=factor),
        # Full covariances need more rows than features per component; in high
        # dimension (digits: 64 pixels) diagonal ones are the workable choice.
        "gmm": lambda: GMMSampler(
            n_samples=factor, covariance_type="full" if n_features <= 15 else "diag"
        ),
        "uniform": lambda: UniformSampler(n_samples=factor),
        "boundary": lambda: BoundarySampler(n_samples=factor),
    }
    if name == "none":
        return PoolSampler(pool="all")
    return UnionSampler([pool, (name, synthetic[name]())])


def fit_metamorphosis(teacher, student, sampler, labels, seed, X_train, y_train):
    """The metamorphosis of the frozen teacher into ``student``, and its fit time."""
    clf = MetamorphosisClassifier(
        FrozenEstimator(teacher),
        student,
        sampler,
        labels=labels,
        include_labeled=False,
        random_state=seed,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        # Tiny GMM components on small data may not converge in time;
        # the rows they give are still valid draws.
        warnings.filterwarnings("ignore", message=".*did not converge.*")
        clf.fit(X_train, y_train)
    return clf, time.perf_counter() - start


def run_unit(dataset, n_train, seed, args):
    """All students and samplers on one split: the sampler records, the label records."""
    split = load(dataset, n_train, seed)
    if split is None:
        return [], []
    X_train, X_test, y_train, y_test = split
    start = time.perf_counter()
    teacher = RandomForestClassifier(n_estimators=args.n_trees, random_state=seed, n_jobs=1).fit(
        X_train, y_train
    )
    teacher_test = teacher.predict(X_test)
    base = {
        "dataset": dataset,
        "n_train": n_train,
        "seed": seed,
        "teacher_accuracy": float(np.mean(teacher_test == y_test)),
    }
    records = []
    for student_name, make_student in STUDENTS.items():
        direct = make_student(seed).fit(X_train, y_train)
        direct_pred = direct.predict(X_test)
        direct_scores = {
            "direct_accuracy": float(np.mean(direct_pred == y_test)),
            "direct_fidelity": float(np.mean(direct_pred == teacher_test)),
        }
        for sampler_name in SAMPLERS:
            clf, seconds = fit_metamorphosis(
                teacher,
                make_student(seed),
                make_sampler(sampler_name, X_train.shape[1], args.factor),
                "hard",
                seed,
                X_train,
                y_train,
            )
            pred = clf.predict(X_test)
            records.append(
                {
                    **base,
                    **direct_scores,
                    "student": student_name,
                    "sampler": sampler_name,
                    "n_transfer": int(clf.n_transfer_samples_),
                    "n_leaves": int(clf.student_.get_n_leaves()),
                    "accuracy": float(np.mean(pred == y_test)),
                    "fidelity": float(np.mean(pred == teacher_test)),
                    "fit_seconds": seconds,
                }
            )
    label_records = compare_labels(
        teacher, records, base, (X_train, X_test, y_train, y_test), teacher_test, args
    )
    elapsed = time.perf_counter() - start
    for record in records + label_records:
        record["unit_seconds"] = elapsed
    return records, label_records


def compare_labels(teacher, records, base, split, teacher_test, args):
    """Every kind of label on the same split and transfer sets; hard labels from ``records``."""
    X_train, X_test, y_train, y_test = split
    seed = base["seed"]
    out = []
    for size, sampler_name, kind in product(TREE_SIZES, LABEL_SAMPLERS, LABEL_KINDS):
        if kind == "hard":
            (hard,) = [r for r in records if (r["student"], r["sampler"]) == (size, sampler_name)]
            scores = {
                key: hard[key]
                for key in ("n_transfer", "n_leaves", "accuracy", "fidelity", "fit_seconds")
            }
            scores["n_student_rows"] = hard["n_transfer"]
        else:
            tree_class, labels = LABEL_KINDS[kind]
            clf, seconds = fit_metamorphosis(
                teacher,
                tree_class(random_state=seed, **TREE_SIZES[size]),
                make_sampler(sampler_name, X_train.shape[1], args.factor),
                labels,
                seed,
                X_train,
                y_train,
            )
            pred = clf.predict(X_test)
            scores = {
                "n_transfer": int(clf.n_transfer_samples_),
                # Soft labels for a classification tree repeat rows per class.
                "n_student_rows": int(clf.student_.tree_.n_node_samples[0]),
                "n_leaves": int(clf.student_.get_n_leaves()),
                "accuracy": float(np.mean(pred == y_test)),
                "fidelity": float(np.mean(pred == teacher_test)),
                "fit_seconds": seconds,
            }
        out.append({**base, "student": size, "sampler": sampler_name, "labels": kind, **scores})
    return out


def run_indexed(index, dataset, n_train, seed, args):
    """``run_unit`` with its position among the units, for results that come in any order."""
    return index, run_unit(dataset, n_train, seed, args)


def _wilcoxon_p(diff):
    diff = np.asarray(diff)
    if np.allclose(diff, 0):
        return 1.0
    return float(wilcoxon(diff, zero_method="zsplit").pvalue)


def summarise(records):
    """Per student and sampler: mean gains over the direct student, with p-values."""
    summary = []
    for student, sampler in product(STUDENTS, SAMPLERS):
        rows = [r for r in records if r["student"] == student and r["sampler"] == sampler]
        fid_gain = np.array([r["fidelity"] - r["direct_fidelity"] for r in rows])
        acc_gain = np.array([r["accuracy"] - r["direct_accuracy"] for r in rows])
        summary.append(
            {
                "student": student,
                "sampler": sampler,
                "n_units": len(rows),
                "fidelity": float(np.mean([r["fidelity"] for r in rows])),
                "accuracy": float(np.mean([r["accuracy"] for r in rows])),
                "direct_fidelity": float(np.mean([r["direct_fidelity"] for r in rows])),
                "direct_accuracy": float(np.mean([r["direct_accuracy"] for r in rows])),
                "fidelity_gain": float(fid_gain.mean()),
                "fidelity_gain_sem": float(fid_gain.std(ddof=1) / np.sqrt(len(rows))),
                "fidelity_gain_p": _wilcoxon_p(fid_gain),
                "fidelity_wins": int((fid_gain > 0).sum()),
                "fidelity_losses": int((fid_gain < 0).sum()),
                "accuracy_gain": float(acc_gain.mean()),
                "accuracy_gain_sem": float(acc_gain.std(ddof=1) / np.sqrt(len(rows))),
                "accuracy_gain_p": _wilcoxon_p(acc_gain),
                "accuracy_wins": int((acc_gain > 0).sum()),
                "accuracy_losses": int((acc_gain < 0).sum()),
            }
        )
    return summary


def compare(records, sampler, reference):
    """Per dataset and student: fidelity of ``sampler`` minus ``reference``, paired."""
    out = []
    keys = sorted({(r["dataset"], r["n_train"], r["student"]) for r in records})
    for dataset, n_train, student in keys + [("all", None, s) for s in STUDENTS]:

        def pick(name):
            return {
                (r["dataset"], r["n_train"], r["seed"]): r["fidelity"]
                for r in records
                if r["sampler"] == name
                and r["student"] == student
                and (dataset == "all" or (r["dataset"], r["n_train"]) == (dataset, n_train))
            }

        a, b = pick(sampler), pick(reference)
        diff = np.array([a[k] - b[k] for k in sorted(a)])
        out.append(
            {
                "dataset": dataset,
                "n_train": n_train,
                "student": student,
                "n_units": len(diff),
                "fidelity_diff": float(diff.mean()),
                "p": _wilcoxon_p(diff),
            }
        )
    return out


def label_summary(label_records):
    """Per tree size, sampler and labels: means, and paired differences to hard and soft."""
    by_unit = {}
    for r in label_records:
        key = (r["student"], r["sampler"], r["labels"])
        by_unit.setdefault(key, {})[(r["dataset"], r["n_train"], r["seed"])] = r
    out = []
    for size, sampler, kind in product(TREE_SIZES, LABEL_SAMPLERS, LABEL_KINDS):
        rows = by_unit.get((size, sampler, kind), {})
        if not rows:
            continue
        units = sorted(rows)
        entry = {"student": size, "sampler": sampler, "labels": kind, "n_units": len(units)}
        for key in ("fidelity", "accuracy", "n_leaves", "n_student_rows", "fit_seconds"):
            entry[key] = float(np.mean([rows[u][key] for u in units]))
        for reference in ("hard", "soft"):
            if reference == kind:
                continue
            ref = by_unit[(size, sampler, reference)]
            for metric in ("fidelity", "accuracy"):
                diff = np.array([rows[u][metric] - ref[u][metric] for u in units])
                entry[f"{metric}_vs_{reference}"] = float(diff.mean())
                entry[f"{metric}_vs_{reference}_p"] = _wilcoxon_p(diff)
        out.append(entry)
    return out


def per_dataset(records):
    """Mean fidelity and accuracy per dataset, size, student and sampler (plus direct)."""
    out = []
    keys = sorted({(r["dataset"], r["n_train"], r["student"]) for r in records})
    for dataset, n_train, student in keys:
        rows = [
            r
            for r in records
            if (r["dataset"], r["n_train"], r["student"]) == (dataset, n_train, student)
        ]
        entry = {
            "dataset": dataset,
            "n_train": n_train,
            "student": student,
            "teacher_accuracy": float(np.mean([r["teacher_accuracy"] for r in rows])),
        }
        first = [r for r in rows if r["sampler"] == SAMPLERS[0]]
        entry["direct"] = {
            "fidelity": float(np.mean([r["direct_fidelity"] for r in first])),
            "accuracy": float(np.mean([r["direct_accuracy"] for r in first])),
        }
        for sampler in SAMPLERS:
            chosen = [r for r in rows if r["sampler"] == sampler]
            entry[sampler] = {
                "fidelity": float(np.mean([r["fidelity"] for r in chosen])),
                "accuracy": float(np.mean([r["accuracy"] for r in chosen])),
            }
        out.append(entry)
    return out


def plot(summary, path, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=False)
    width = 0.38
    x = np.arange(len(SAMPLERS))
    for ax, metric in zip(axes, ["fidelity", "accuracy"]):
        for i, student in enumerate(STUDENTS):
            rows = {r["sampler"]: r for r in summary if r["student"] == student}
            means = [rows[s][f"{metric}_gain"] for s in SAMPLERS]
            errors = [1.96 * rows[s][f"{metric}_gain_sem"] for s in SAMPLERS]
            label = "tree, max_leaf_nodes=8" if student == "tree8" else "full tree"
            ax.bar(x + (i - 0.5) * width, means, width, yerr=errors, capsize=3, label=label)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_xticks(x, SAMPLERS)
        ax.set_ylabel(f"{metric} gain over the directly trained student")
        ax.set_title(f"{metric} gain (mean, 95% CI)")
        ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_labels(summary, path, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = list(product(TREE_SIZES, LABEL_SAMPLERS))
    kinds = list(LABEL_KINDS)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    width = 0.8 / len(kinds)
    x = np.arange(len(groups))
    by = {(r["student"], r["sampler"], r["labels"]): r for r in summary}
    for ax, metric in zip(axes, ["fidelity", "accuracy"]):
        for i, kind in enumerate(kinds):
            means = [by[size, sampler, kind][metric] for size, sampler in groups]
            ax.bar(x + (i - (len(kinds) - 1) / 2) * width, means, width, label=kind)
        ax.set_xticks(x, [f"{size}\n{sampler}" for size, sampler in groups])
        low = min(by[g + (k,)][metric] for g in groups for k in kinds)
        ax.set_ylim(max(0.0, low - 0.05), 1.0)
        ax.set_ylabel(f"mean test {metric}")
        ax.set_title(
            f"{metric}: classification tree on hard / soft labels, "
            "regression tree on proba / logit",
            fontsize=8,
        )
        ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _p(value):
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def print_label_table(summary):
    print(
        "\n## What the student learns: hard or soft labels (classification tree), "
        "probabilities or logits (regression tree)\n"
    )
    header = [
        "student",
        "sampler",
        "labels",
        "fidelity",
        "vs hard (p)",
        "vs soft (p)",
        "accuracy",
        "vs hard (p)",
        "vs soft (p)",
        "leaves",
        "student rows",
        "fit s",
    ]
    rows = []
    for r in summary:
        row = [r["student"], r["sampler"], r["labels"], f"{r['fidelity']:.3f}"]
        for metric in ("fidelity", "accuracy"):
            if metric == "accuracy":
                row.append(f"{r['accuracy']:.3f}")
            for reference in ("hard", "soft"):
                key = f"{metric}_vs_{reference}"
                row.append(f"{r[key]:+.3f} ({_p(r[key + '_p'])})" if key in r else "-")
        row += [f"{r['n_leaves']:.0f}", f"{r['n_student_rows']:.0f}", f"{r['fit_seconds']:.3f}"]
        rows.append(row)
    print(markdown_table(header, rows))


def print_tables(summary, datasets_table, boundary_vs_munge):
    header = [
        "student",
        "sampler",
        "fidelity",
        "fidelity gain",
        "p",
        "W/L",
        "accuracy",
        "accuracy gain",
        "p",
        "W/L",
    ]
    rows = []
    for r in summary:
        rows.append(
            [
                r["student"],
                r["sampler"],
                f"{r['fidelity']:.3f}",
                f"{r['fidelity_gain']:+.3f}",
                _p(r["fidelity_gain_p"]),
                f"{r['fidelity_wins']}/{r['fidelity_losses']}",
                f"{r['accuracy']:.3f}",
                f"{r['accuracy_gain']:+.3f}",
                _p(r["accuracy_gain_p"]),
                f"{r['accuracy_wins']}/{r['accuracy_losses']}",
            ]
        )
    print("\n## Gains over the directly trained student (all units)\n")
    direct = {r["student"]: r for r in summary if r["sampler"] == "none"}
    for student, r in direct.items():
        print(
            f"- direct {student}: fidelity {r['direct_fidelity']:.3f}, "
            f"accuracy {r['direct_accuracy']:.3f}"
        )
    print()
    print(markdown_table(header, rows))

    print("\n## Mean test fidelity per dataset (direct student, then each sampler)\n")
    header = ["dataset", "n_train", "student", "teacher acc", "direct"] + SAMPLERS
    rows = [
        [e["dataset"], e["n_train"], e["student"], f"{e['teacher_accuracy']:.3f}"]
        + [f"{e['direct']['fidelity']:.3f}"]
        + [f"{e[s]['fidelity']:.3f}" for s in SAMPLERS]
        for e in datasets_table
    ]
    print(markdown_table(header, rows))

    print("\n## Boundary-focused sampler minus MUNGE alone (fidelity, equal transfer size)\n")
    header = ["dataset", "n_train", "student", "units", "fidelity diff", "p"]
    rows = [
        [c["dataset"], c["n_train"] or "all", c["student"], c["n_units"]]
        + [f"{c['fidelity_diff']:+.3f}", _p(c["p"])]
        for c in boundary_vs_munge
    ]
    print(markdown_table(header, rows))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="size 100, 3 splits, 100 trees")
    parser.add_argument("--splits", type=int, default=None, help="random splits (10; quick: 3)")
    parser.add_argument("--sizes", type=int, nargs="+", default=None, help="(100 400; quick: 100)")
    parser.add_argument(
        "--datasets",
        nargs="+",
        default=["breast_cancer", "wine", "iris", "digits", "classification", "moons"],
    )
    parser.add_argument("--factor", type=float, default=10.0, help="synthetic rows per row (10)")
    parser.add_argument("--n-trees", type=int, default=None, help="teacher trees (200; quick 100)")
    parser.add_argument("--n-jobs", type=int, default=2, help="units run in parallel (2)")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--output", default=None, help="JSON name in --results-dir")
    parser.add_argument(
        "--results-dir", default=str(RESULTS_DIR), help="folder of the JSON and PNG (results/)"
    )
    args = parser.parse_args(argv)
    args.splits = args.splits or (3 if args.quick else 10)
    args.sizes = args.sizes or ([100] if args.quick else [100, 400])
    args.n_trees = args.n_trees or (100 if args.quick else 200)
    output = args.output or ("tabular_quick.json" if args.quick else "tabular.json")

    units = list(
        product(args.datasets, args.sizes, range(args.first_seed, args.first_seed + args.splits))
    )
    steps = Steps(len(units), "units (dataset, size, split)", name="bench_tabular")
    steps.note(
        f"{len(units)} units x {len(STUDENTS)} students x {len(SAMPLERS)} samplers, "
        f"+ {len(LABEL_KINDS) - 1} more kinds of labels x {len(LABEL_SAMPLERS)} samplers, "
        f"{args.n_jobs} job(s)"
    )
    start = time.perf_counter()
    # Units come back as they finish (one progress line each) and are put back
    # in their order, so the records are the same as with an ordered run.
    results = [None] * len(units)
    for index, unit_records in Parallel(
        n_jobs=args.n_jobs, verbose=0, return_as="generator_unordered"
    )(delayed(run_indexed)(i, *unit, args) for i, unit in enumerate(units)):
        results[index] = unit_records
        dataset, size, seed = units[index]
        skipped = "" if unit_records[0] else " (too small, skipped)"
        steps.done(f"{dataset} / {size} / {seed}{skipped}")
    records = [record for unit in results for record in unit[0]]
    label_records = [record for unit in results for record in unit[1]]
    elapsed = time.perf_counter() - start
    steps.close()

    summary = summarise(records)
    datasets_table = per_dataset(records)
    boundary_vs_munge = compare(records, "boundary", "munge")
    labels_table = label_summary(label_records)
    print_tables(summary, datasets_table, boundary_vs_munge)
    print_label_table(labels_table)
    n_units = len({(r["dataset"], r["n_train"], r["seed"]) for r in records})
    print(f"\n{n_units} units (dataset, size, split) in {elapsed:.0f} s")

    config = {
        "datasets": args.datasets,
        "sizes": args.sizes,
        "splits": args.splits,
        "first_seed": args.first_seed,
        "factor": args.factor,
        "teacher": f"RandomForestClassifier(n_estimators={args.n_trees})",
        "students": {
            "tree8": "DecisionTreeClassifier(max_leaf_nodes=8)",
            "tree": "DecisionTreeClassifier()",
        },
        "samplers": {
            "none": "PoolSampler(pool='all'): the training rows relabeled by the teacher",
            "munge": f"training rows + MUNGE(n_samples={args.factor})",
            "kde": f"training rows + KDESampler(n_samples={args.factor})",
            "gmm": f"training rows + GMMSampler(n_samples={args.factor}), full covariance "
            "up to 15 features, else diagonal",
            "uniform": f"training rows + UniformSampler(n_samples={args.factor})",
            "boundary": f"training rows + BoundarySampler(n_samples={args.factor}) "
            "(MUNGE candidates x2, focus 0.5, margin; defaults chosen on pilot seeds 100-103)",
        },
        "metamorphosis": "MetamorphosisClassifier(FrozenEstimator(teacher), student, sampler, "
        "include_labeled=False, random_state=seed): hard teacher labels in the sampler "
        "comparison",
        "label_comparison": {
            "samplers": LABEL_SAMPLERS,
            "labels": {
                "hard": "DecisionTreeClassifier, labels='hard' (the sampler comparison's runs)",
                "soft": "DecisionTreeClassifier, labels='soft' (temperature 1, rows repeated "
                "per class with min_soft_weight=0.01)",
                "proba": "DecisionTreeRegressor, labels='proba' (one multi-output tree on the "
                "teacher's probabilities)",
                "logit": "DecisionTreeRegressor, labels='logit' (centred log-probabilities, "
                "floored at 1e-6)",
            },
            "sizes": {"tree8": "max_leaf_nodes=8", "tree": "full"},
        },
        "test": f"held-out rows of the real datasets ({MIN_TEST_ROWS}+), "
        f"{SYNTHETIC_TEST_ROWS} fresh rows for the generators",
        "paired_test": "scipy.stats.wilcoxon (zero_method='zsplit') over (dataset, size, "
        "split) units",
        "n_jobs": args.n_jobs,
    }
    path = write_json(
        output,
        {
            "benchmark": "tabular pedagogical rule extraction",
            "elapsed_seconds": elapsed,
            "config": config,
            "summary": summary,
            "per_dataset": datasets_table,
            "boundary_vs_munge": boundary_vs_munge,
            "label_summary": labels_table,
            "records": records,
            "label_records": label_records,
        },
        results_dir=args.results_dir,
    )
    png = path.with_suffix(".png")
    plot(
        summary,
        png,
        f"Tree students vs a random-forest teacher: {n_units} units, "
        f"sizes {args.sizes}, {args.splits} splits",
    )
    labels_png = path.with_name(path.stem + "_labels.png")
    plot_labels(
        labels_table,
        labels_png,
        f"Hard / soft labels vs regressed probabilities / logits: {n_units} units, "
        f"sizes {args.sizes}, {args.splits} splits",
    )
    print(f"wrote {path}, {png} and {labels_png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
