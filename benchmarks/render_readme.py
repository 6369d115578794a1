"""Write the README's result sections (demo, speed, tabular, generators) from their JSON.

Every number in those sections comes from ``demo.json``, ``speed.json`` and
``tabular.json`` in ``benchmarks/results/`` (written by ``python -m skmetamorph
demo --json benchmarks/results/demo.json``, ``benchmarks/bench_speed.py`` and
``benchmarks/bench_tabular.py``); none is typed by hand. Each section sits in
README.md between the markers ``<!-- results:NAME -->`` and
``<!-- /results:NAME -->``.

Usage::

    python benchmarks/render_readme.py           # print the sections
    python benchmarks/render_readme.py --write   # replace them in README.md
    python benchmarks/render_readme.py --write demo   # only the demo's section
"""

import argparse
import json
import re
import sys
import textwrap
from collections import Counter
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"
README = RESULTS.parent.parent / "README.md"
COMMAND = "python benchmarks/render_readme.py --write"


def _signed(value, digits=3):
    """``+0.006`` / ``−0.021`` (a true minus sign, as in the README's prose)."""
    text = f"{value:+.{digits}f}"
    return text.replace("-", "−")


def _p(value):
    if value < 0.001:
        return "<0.001"
    if value >= 0.995:
        return "1.0"
    return f"{value:.3f}" if value < 0.1 else f"{value:.2f}"


def _p_is(value):
    """``p = 0.014`` with no-break spaces, so that wrapping keeps it on one line."""
    return "p\u00a0=\u00a0" + _p(value)


def _pct(value):
    return f"{value:+.1%}".replace("-", "−")


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _met(flag):
    return "met" if flag else "**not met**"


# ----------------------------------------------------------------- speed
def speed_section(d):
    env = d["environment"]
    o, m, mem, lab = d["overhead"], d["munge"], d["memory"], d["labeling"]
    load = env["machine"]["load_average_1_5_15_min"]
    minutes = d["elapsed_seconds"] / 60
    lines = [
        f"**Speed and memory** — `{env['command']}` (`benchmarks/results/speed.json`, "
        f"{env['date'][:10]}; each comparison side by side in one run, on a "
        f"{env['machine']['cpu_count']}-core machine, one BLAS/OpenMP thread; "
        f"{minutes:.0f} minutes, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
        "(1 / 5 / 15 min) at the end; `--quick` under one):",
        "",
    ]
    rows = []
    n_paired = len(o["by_hand"]["all_s"])
    rows.append(
        [
            f"`MetamorphosisClassifier.fit` vs the same chain by hand (RF teacher of "
            f"{o['teacher_trees']} trees on {o['n_rows']:,} rows, MUNGE x{o['munge_factor']:g}, "
            "tree student)",
            f"{_pct(o['overhead_paired_median'])} (median of {n_paired} paired runs; "
            f"best vs best {_pct(o['overhead_best'])})",
            "≤ " + f"{d['targets']['overhead_max']:.0%}",
            _met(o["met"]),
        ]
    )
    fg, gb = m["fit_generate"], m["generate_batches"]
    ks = min(fg["ks_pvalue_min"], gb["ks_pvalue_min"])
    mean_diff = max(fg["mean_diff_max_in_sd"], gb["mean_diff_max_in_sd"])
    sd_dev = max(abs(r - 1) for side in (fg, gb) for r in side["sd_ratio_range"])
    same = (
        "the same plan and identical rows"
        if m["fit_generate_rows_equal_generate_batches_rows"]
        else "the same plan, but the rows differ"
    )
    rows.append(
        [
            f"MUNGE vs a per-row Python loop of the same algorithm ({m['n_rows']:,} rows → "
            f"{m['n_out']:,}), each verb against the loop",
            f"`fit_generate` {fg['speedup_best']:.0f}x, `generate_batches` (chunks of 10,000, "
            f"concatenated) {gb['speedup_best']:.0f}x: one code path ({same}); "
            f"KS p ≥ {ks:.2f} per feature, means within {mean_diff:.3f} sd, "
            f"sds within {sd_dev:.1%}",
            f"≥ {d['targets']['munge_speedup_min']:.0f}x each, same distribution",
            _met(m["met"]),
        ]
    )
    streamed = [r for r in mem["rows"] if r["path"] == "streamed"]
    materialised = [r for r in mem["rows"] if r["path"] == "materialised"]
    rows.append(
        [
            "streamed fit, peak memory (tracemalloc) for "
            f"{streamed[0]['n_transfer_samples']:,} → {streamed[-1]['n_transfer_samples']:,} "
            "transfer rows",
            f"{streamed[0]['peak_mb']:.1f} → {streamed[-1]['peak_mb']:.1f} MB "
            f"(largest / smallest {mem['streamed_peak_largest_over_smallest']:.2f}x for "
            f"{mem['size_largest_over_smallest']:.0f}x the rows); materialised "
            f"{materialised[0]['peak_mb']:.0f} → {materialised[-1]['peak_mb']:.0f} MB",
            f"flat (≤ {d['targets']['streamed_flatness_max']}x)",
            _met(mem["met"]),
        ]
    )
    big = {r["path"]: r for r in d["big_stream"]}
    s = big["streamed"]
    cell = (
        f"streamed: +{s['fit_rss_increase_mb']:,.0f} MB resident during fit, {s['seconds']:.0f} s"
    )
    if "materialised" in big:
        b = big["materialised"]
        cell += (
            f"; materialised: +{b['fit_rss_increase_mb']:,.0f} MB, {b['seconds']:.0f} s; "
            f"fidelity {s['fidelity_on_30000_rows']:.3f} / {b['fidelity_on_30000_rows']:.3f}"
        )
    rows.append(
        [
            f"{s['n_transfer_samples']:,} MUNGE rows ({s['transfer_set_mb'] / 1024:.1f} GB "
            "as float64), SGD student, fresh process",
            cell,
            "fits in memory (streamed: resident increase below the transfer set's size)",
            _met(s["fit_rss_increase_mb"] < s["transfer_set_mb"]),
        ]
    )
    lines.append(_table(["measure", "result", "target", "met?"], rows))
    lines += [
        "",
        f"Labeling throughput ({lab['n_rows']:,} rows, soft labels, {lab['teacher_trees']}-tree "
        "forest with `n_jobs=1`): the time of `MetamorphosisClassifier(FrozenEstimator(forest), "
        'student, PoolSampler(pool="all"), labels="soft", include_labeled=False, '
        "batch_size=b, n_jobs=j).fit` on the rows, with a student that ignores its targets "
        "(input checks, chunking, `predict_proba` per chunk, soft labels, gathering rows and "
        "targets); for reference, one `predict_proba` call on all rows:",
        "",
    ]
    by_batch = {}
    for r in lab["results"]:
        by_batch.setdefault(r["batch_size"], {})[(r["n_jobs"], r["backend"])] = r
    header = ["batch_size", "n_jobs=1 (rows/s)", "n_jobs=2, loky", "n_jobs=2, threading"]
    table = []
    for b, r in by_batch.items():
        two = [r[2, backend] for backend in ("loky", "threading")]
        table.append(
            [f"{b:,}", f"{r[1, '-']['rows_per_s']:,.0f}"]
            + [f"{x['rows_per_s']:,.0f} ({x['speedup_vs_n_jobs_1']:.2f}x)" for x in two]
        )
    ref = lab["reference_one_predict_proba_call"]
    table.append(["all rows, one `predict_proba` call", f"{ref['rows_per_s']:,.0f}", "-", "-"])
    lines.append(_table(header, table))
    return "\n".join(lines)


# --------------------------------------------------------------- tabular
SAMPLER_NAMES = {
    "none": "none (training rows relabeled)",
    "munge": "MUNGE",
    "kde": "KDE",
    "gmm": "GMM",
    "uniform": "uniform",
    "boundary": "boundary-focused",
}


def _sizes(config, per_dataset):
    """``100 and 400 (100 only for wine, iris)``: the sizes, and datasets too small for some."""
    sizes = config["sizes"]
    text = " and ".join(map(str, sizes))
    used = {}
    for entry in per_dataset:
        used.setdefault(entry["dataset"], set()).add(entry["n_train"])
    partial = {}
    for dataset in config["datasets"]:
        if used.get(dataset, set()) != set(sizes):
            partial.setdefault(tuple(sorted(used.get(dataset, ()))), []).append(dataset)
    notes = [
        f"{' and '.join(map(str, kept)) or 'none'} only for {', '.join(names)}"
        for kept, names in partial.items()
    ]
    return text + (f" ({'; '.join(notes)})" if notes else "")


def tabular_section(d):
    env, config, summary = d["environment"], d["config"], d["summary"]
    by = {(r["student"], r["sampler"]): r for r in summary}
    samplers = [s for s in SAMPLER_NAMES if any(k[1] == s for k in by)]
    columns = [(st, metric) for st in ("tree8", "tree") for metric in ("fidelity", "accuracy")]
    best = {c: max(by[c[0], s][f"{c[1]}_gain"] for s in samplers) for c in columns}
    rows = []
    for s in samplers:
        row = [SAMPLER_NAMES[s]]
        for student, metric in columns:
            r = by[student, s]
            gain = _signed(r[f"{metric}_gain"])
            if r[f"{metric}_gain"] == best[student, metric] and best[student, metric] > 0:
                gain = f"**{gain}**"
            row.append(f"{gain} ({_p(r[f'{metric}_gain_p'])})")
        rows.append(row)
    header = [
        "sampler",
        "tree8: fidelity gain (p)",
        "tree8: accuracy gain (p)",
        "full tree: fidelity gain (p)",
        "full tree: accuracy gain (p)",
    ]
    n_units = summary[0]["n_units"]
    direct = {st: by[st, samplers[0]] for st in ("tree8", "tree")}
    lines = [
        f"**Pedagogical rule extraction on tabular data** — `{env['command']}` "
        f"(`benchmarks/results/tabular.json`, `tabular.png`, {env['date'][:10]}): "
        f"{', '.join(config['datasets'])}; {_sizes(config, d['per_dataset'])} training rows; "
        f"{config['splits']} splits, {n_units} (dataset, size, split) units. "
        f"Teacher `{config['teacher']}`; "
        "students `DecisionTreeClassifier(max_leaf_nodes=8)` (tree8) and a full tree, trained "
        "directly on the true labels or by metamorphosis on teacher labels of the training "
        f"rows plus {config['factor']:g}x as many synthetic rows (`include_labeled=False`). "
        "Mean gain over the directly trained student, on held-out rows; p from a Wilcoxon "
        f"signed-rank test over the {n_units} paired units:",
        "",
        _table(header, rows),
        "",
        f"Direct students: fidelity {direct['tree8']['direct_fidelity']:.3f} / accuracy "
        f"{direct['tree8']['direct_accuracy']:.3f} (tree8), "
        f"{direct['tree']['direct_fidelity']:.3f} / {direct['tree']['direct_accuracy']:.3f} "
        "(full tree).",
    ]
    overall = {c["student"]: c for c in d["boundary_vs_munge"] if c["dataset"] == "all"}
    significant = [c for c in d["boundary_vs_munge"] if c["dataset"] != "all" and c["p"] < 0.05]
    names = {"tree8": "tree8", "tree": "full tree"}
    parts = [
        f"{c['dataset']} at {c['n_train']} rows, {names[c['student']]} "
        f"{_signed(c['fidelity_diff'])} ({_p_is(c['p'])})"
        for c in significant
    ]
    lines += [
        "Boundary-focused sampler minus MUNGE alone at equal transfer size (fidelity): "
        f"overall full tree {_signed(overall['tree']['fidelity_diff'])} "
        f"({_p_is(overall['tree']['p'])}), tree8 {_signed(overall['tree8']['fidelity_diff'])} "
        f"({_p_is(overall['tree8']['p'])}); per dataset, size and student, p < 0.05 in: "
        + ("; ".join(parts) if parts else "none")
        + f" (of {len(d['boundary_vs_munge']) - len(overall)} comparisons). "
        f"The full run took {d['elapsed_seconds']:.0f} s on "
        f"{env['machine']['cpu_count']} cores (load average "
        f"{env['machine']['load_average_1_5_15_min'][0]:.1f} at the end).",
    ]
    if "label_summary" in d:
        lines += ["", tabular_labels_part(d["label_summary"])]
    return "\n".join(lines)


LABEL_NAMES = {
    "hard": "hard labels, classification tree",
    "soft": 'soft labels (`labels="soft"`), classification tree',
    "proba": 'probabilities (`labels="proba"`), regression tree',
    "logit": 'centred logits (`labels="logit"`), regression tree',
}


def tabular_labels_part(summary):
    """The comparison of what the student learns, on the same splits and transfer sets."""
    by = {(r["student"], r["sampler"], r["labels"]): r for r in summary}
    groups = [("tree8", "none"), ("tree8", "munge"), ("tree", "none"), ("tree", "munge")]
    names = {"tree8": "tree8", "tree": "full tree", "none": "training rows", "munge": "+ MUNGE"}
    rows = []
    for kind, name in LABEL_NAMES.items():
        row = [name]
        for group in groups:
            r = by[group + (kind,)]
            cell = f"{r['fidelity']:.3f}"
            if kind != "soft":
                cell += f" ({_signed(r['fidelity_vs_soft'])}, {_p(r['fidelity_vs_soft_p'])})"
            row.append(cell)
        rows.append(row)
    header = ["the student learns"] + [f"{names[a]}, {names[b]}" for a, b in groups]
    soft, proba = by["tree", "munge", "soft"], by["tree", "munge", "proba"]
    return "\n".join(
        [
            "**What the student learns** — same units and transfer sets (the training rows "
            "relabeled, alone or with MUNGE rows): mean test fidelity, and in brackets the "
            "paired difference to soft labels with its Wilcoxon p:",
            "",
            _table(header, rows),
            "",
            "A regression tree on the probabilities splits as the classification tree on "
            "soft labels (squared error on probability vectors and Gini on rows repeated "
            "per class pick the same splits), without repeating rows: for the full tree "
            f"with MUNGE, {proba['n_student_rows']:,.0f} rows instead of "
            f"{soft['n_student_rows']:,.0f} and a fit of {proba['fit_seconds']:.2f} s "
            f"instead of {soft['fit_seconds']:.2f} s (the whole `fit`: sampling and "
            "labeling included). Logits lose, likely because the forest's many probabilities "
            "near 0 become large logit gaps (0 and 0.01 lie 9 apart, floored at log 1e-6) "
            "whose squared errors outweigh the classes that matter.",
        ]
    )


# ------------------------------------------------------------ generators
GENERATOR_NAMES = {
    "direct": "direct student (no teacher)",
    "munge": 'MUNGE, `copies="keep"` (current)',
    "gmm": "GMM, 5 full components (current)",
    "kde": "KDE",
    "noise": "Gaussian noise",
    "uniform": "uniform",
    "gmm_bic": 'GMM, `"bic"` for both',
    "munge_redraw": 'MUNGE, `copies="redraw"`',
    "spunge": "SPUNGE",
    "forest_leaf": "forest leaves",
    "smote": "SMOTE (teacher's classes)",
    "ctgan": "CTGAN",
    "tvae": "TVAE",
    "copula": "Gaussian copula",
}


def _units(n_units, n_datasets_sizes, splits):
    return f"{n_units} units ({n_datasets_sizes} dataset × size pairs × {splits} splits)"


def _p_below(value):
    """``p < 0.001`` or ``p = 0.044``, with no-break spaces."""
    return "p\u00a0<\u00a00.001" if value < 0.001 else _p_is(value)


def _generator_choices(records):
    """What the new generators did per dataset: copies MUNGE redrew, mixtures BIC chose."""
    datasets = list(dict.fromkeys(r["dataset"] for r in records))
    redrawn, chosen = [], []
    for dataset in datasets:
        rows = [r for r in records if r["dataset"] == dataset and r["student"] == "dt"]
        copies = [r["munge_copies_redrawn"] for r in rows if "munge_copies_redrawn" in r]
        if copies and np.mean(copies) > 0:
            redrawn.append(f"{dataset} {np.mean(copies):,.0f}")
        picks = Counter(
            (r["gmm_n_components"], r["gmm_covariance_type"])
            for r in rows
            if "gmm_n_components" in r
        )
        if picks:
            (k, cov), count = picks.most_common(1)[0]
            chosen.append(f"{dataset} {k} {cov} ({count} of {sum(picks.values())})")
    parts = []
    if redrawn:
        parts.append(
            'Exact copies of training rows that `copies="redraw"` drew again, mean per fit: '
            + ", ".join(redrawn)
            + " (none on the other sets)"
        )
    if chosen:
        parts.append(
            "The mixture BIC chose most often (components, covariance; in how many "
            "units): " + "; ".join(chosen)
        )
    return ". ".join(parts) + "." if parts else ""


def generators_section(d):
    env, config = d["environment"], d["config"]
    summary = {(r["group"], r["student"], r["generator"]): r for r in d["summary"]}
    comp = {(c["group"], c["student"], c["generator"], c["reference"]): c for c in d["comparisons"]}
    generators = ["direct"] + list(config["generators"])
    pairs = {(e["dataset"], e["n_train"]) for e in d["per_dataset"]}
    n_units = summary["all", "dt", "direct"]["n_units"]
    families = "; ".join(
        f"{name}: {', '.join(members)}" for name, members in config["families"].items() if members
    )
    skipped = config["skipped_generators"]
    lines = [
        f"**Transfer generators under PRELIM's protocol** — `{env['command']}` "
        f"(`benchmarks/results/generators.json`, `generators.png`, `generators.log`, "
        f"{env['date'][:10]}): {families}; {_sizes(config, d['per_dataset'])} training rows; "
        f"{_units(n_units, len(pairs), config['splits'])}. Teacher `{config['teacher']}`; "
        f"students dt `{config['students']['dt']}` and dtc `{config['students']['dtc']}`; "
        f"the transfer set is the training rows topped up to {config['transfer_size']:,} rows "
        "with the generator's rows, all labeled by the teacher. Mean fidelity over all units, "
        "its difference with the directly trained student (p of a Wilcoxon signed-rank test "
        "over the paired units), and the mean wall time of one fit (generating, labeling, "
        "training; one core):",
        "",
    ]
    rows = []
    for g in generators:
        row = [GENERATOR_NAMES.get(g, g)]
        for student in ("dt", "dtc"):
            s = summary["all", student, g]
            row.append(f"{s['fidelity']:.3f}")
            for group in ("binary", "multi-class"):
                c = comp.get((group, student, g, "direct"))
                row.append(f"{_signed(c['fidelity_diff'])} ({_p(c['fidelity_p'])})" if c else "-")
        row.append(f"{summary['all', 'dtc', g]['seconds_mean']:.2f}")
        rows.append(row)
    header = [
        "generator",
        "dt: fidelity",
        "dt: vs direct, binary",
        "dt: vs direct, multi-class",
        "dtc: fidelity",
        "dtc: vs direct, binary",
        "dtc: vs direct, multi-class",
        "s / fit (dtc)",
    ]
    lines += [_table(header, rows), ""]
    if skipped:
        lines += [
            "Not run: "
            + "; ".join(f"{GENERATOR_NAMES.get(k, k)} ({v})" for k, v in skipped.items())
            + ".",
            "",
        ]

    lines += [
        "The new choices against the current ones, fidelity difference (p), paired over units:",
        "",
    ]
    groups = ["binary", "multi-class", "all"]
    header = ["comparison"] + [f"{st}: {g}" for g in groups for st in ("dt", "dtc")]
    rows = []
    for new, old in (
        ("gmm_bic", "gmm"),
        ("munge_redraw", "munge"),
        ("spunge", "munge"),
        ("smote", "munge"),
        ("forest_leaf", "munge"),
    ):
        if (("all", "dt", new, old)) not in comp:
            continue
        row = [f"{GENERATOR_NAMES[new]} − {GENERATOR_NAMES[old]}"]
        for g in groups:
            for st in ("dt", "dtc"):
                c = comp[g, st, new, old]
                row.append(f"{_signed(c['fidelity_diff'])} ({_p(c['fidelity_p'])})")
        rows.append(row)
    lines += [_table(header, rows), ""]

    goals = d["targets"]
    parts = []
    for key, new, old in (
        ("gmm_bic_vs_gmm", "gmm_bic", "gmm"),
        ("munge_redraw_vs_munge", "munge_redraw", "munge"),
    ):
        if key in goals:
            t = goals[key]
            parts.append(
                f"{GENERATOR_NAMES[new]} at least as faithful as {GENERATOR_NAMES[old]} in every "
                f"family and student: {'yes' if t['no_family_worse'] else 'no'}, better on "
                f"average for both students: {'yes' if t['better_on_average'] else 'no'} — "
                f"{_met(t['met'])}"
            )
    gain = goals["multiclass_dtc_gain"]
    names = ", ".join(
        f"{GENERATOR_NAMES[g['generator']]} {_signed(g['fidelity_diff'])} ({_p_below(g['p'])})"
        for g in gain["significant"]
    )
    parts.append(
        "on the multi-class sets, a generator with a significant fidelity gain "
        f"(p < 0.05) over the directly trained dtc: {names or 'none'} — "
        f"{_met(gain['met'])}"
    )
    load = env["machine"]["load_average_1_5_15_min"]
    lines += [_generator_choices(d["records"]), ""]
    lines.append(
        "Issue 16's targets: " + "; ".join(parts) + ". p-values are not corrected for multiple "
        f"tests. The full run took {d['elapsed_seconds'] / 60:.0f} minutes on one core of a "
        f"shared {env['machine']['cpu_count']}-core machine (load average {load[0]:.1f} at the "
        "end); per dataset and size, see the log."
    )
    return "\n".join(lines)


# ------------------------------------------------------------------ demo
def _percent(fraction):
    """``0.1`` as ``10%``, ``0.003`` as ``0.3%`` (as the demo itself prints it)."""
    return f"{fraction * 100:.2f}".rstrip("0").rstrip(".") + "%"


def _threads(n):
    return "one BLAS/OpenMP thread" if n == 1 else f"{n} BLAS/OpenMP threads"


def demo_command(d):
    """The command that writes ``demo.json`` with the settings recorded in it."""
    from skmetamorph.__main__ import demo_command as command  # noqa: PLC0415

    return command(d["label_fraction"], d["seeds"], "benchmarks/results/demo.json")


def demo_section(d):
    # The table and the closing line are the demo's own, as it prints them.
    from skmetamorph._demo import format_table, summary  # noqa: PLC0415

    return "\n".join(
        [
            f"**Digits, a tree from {_percent(d['label_fraction'])} of the labels** — "
            f"`{demo_command(d)}` (`benchmarks/results/demo.json`): scikit-learn's 8x8 digits, "
            f"{_percent(d['label_fraction'])} of the training labels (at least one per class), "
            f"mean ± sd over {d['seeds']} seeded splits; student `DecisionTreeClassifier`, "
            'teacher `LabelSpreading(kernel="knn")`. The demo runs on '
            f"{_threads(d.get('threads', 1))}, so a fresh run prints these "
            "accuracies whatever the core count (`tests/test_cli.py` checks it); fit times "
            "in seconds, on the machine that wrote the JSON:",
            "",
            format_table(d["rows"]),
            "",
            summary(d["rows"]),
        ]
    )


MNIST_FAMILIES = {
    "direct": "tree on the 1,000 labels",
    "reference": "tree on all 60,000 true labels",
}
#: The goals of the benchmark (issue 14): leaves -> (accuracy, fidelity or None).
MNIST_GOALS = {4096: (0.92, 0.93), 1024: (0.90, None), 256: (0.86, None)}


def _augmented(config, short=False):
    """How the CNN's training images were moved, in words (older results: not at all)."""
    if short:
        return "augmented" if config.get("cnn_augment") else "not augmented"
    return (
        "its training images shifted, turned and zoomed at random in every batch "
        "(`module__augment=True`)"
        if config.get("cnn_augment")
        else "its training images not augmented"
    )


def mnist_section(d):
    env, config = d["environment"], d["config"]
    rows = {(s["family"], s["max_leaf_nodes"]): s for s in d["summary"]}
    teacher = rows["teacher", None]
    seeds = config["seeds"]
    # The metamorphosis family is named after its transfer set.
    families = {
        **MNIST_FAMILIES,
        "made": next(s["family"] for s in d["summary"] if s["family"].startswith("metamorphosis")),
    }

    def acc(s):
        return f"{s['accuracy_mean']:.3f} ± {s['accuracy_std']:.3f}"

    def cell(family, L):
        s = rows.get((families[family], L))
        return "-" if s is None else acc(s)

    table = []
    for L in list(config["leaves"]) + [None]:
        made = rows.get((families["made"], L))
        goal = MNIST_GOALS.get(L)
        if made is None:
            verdict, fidelity, leaves = "-", "-", "-"
        else:
            fidelity = f"{made['fidelity_mean']:.3f}"
            leaves = f"{made['leaves_mean']:,.0f}"
            verdict = "-"
            if goal is not None:
                ok = made["accuracy_mean"] >= goal[0] and (
                    goal[1] is None or made["fidelity_mean"] >= goal[1]
                )
                want = f"≥ {goal[0]:.2f}" + (
                    "" if goal[1] is None else f", fidelity ≥ {goal[1]:.2f}"
                )
                verdict = f"{want}: {_met(ok)}"
        size = "unconstrained" if L is None else f"≤ {L:,}"
        made_cell = cell("made", L)
        if made_cell != "-":
            made_cell = f"**{made_cell}**"
        table.append(
            [size, cell("direct", L), made_cell, fidelity, leaves, cell("reference", L), verdict]
        )
    header = [
        "leaves",
        "tree on the 1,000 labels",
        "metamorphosis",
        "its fidelity",
        "its leaves",
        "tree on all 60,000 true labels",
        "goal",
    ]
    article = rows.get(("the article's recipe: confident pool, unconstrained tree", None))
    peer = rows.get(("peer: SelfTrainingClassifier(tree)", None))
    made_rows = next(s for s in d["summary"] if s["family"] == families["made"])
    elastic = config["elastic_copies"]
    transfer = (
        "every training image and its four one-pixel shifts (`ImageShiftSampler`)"
        if not elastic
        else "every training image, its four one-pixel shifts (`ImageShiftSampler`) and "
        f"{elastic} elastic distortion{'s' if elastic > 1 else ''} of each "
        "(`ElasticDistortionSampler`)"
    )
    lines = [
        f"**MNIST: how small can the tree be?** — `{env['command']}` "
        f"(`benchmarks/results/mnist.json`, `mnist.png`; {seeds} seeds, "
        f"{config['n_per_class']} labelled images per class, the other "
        f"{config['n_pool']:,} training images unlabelled, 10,000 test images; "
        f"{env['machine']['cpu_count']}-core CPU, {d['total_seconds']:.0f} s in all, "
        f"{env['date'][:10]}). The teacher is `SelfTrainingClassifier(TorchClassifier(SmallCNN))` "
        f"({config['self_training_rounds']} self-training rounds, threshold "
        f"{config['self_training_threshold']}; {_augmented(config)}), test accuracy "
        f"{acc(teacher)}, trained once per seed and shared as `FrozenEstimator(teacher)`. "
        f"The transfer set is {transfer}: {made_rows['train_rows_mean']:,.0f} rows, labelled "
        "once and shared by the trees of every size through `memory=`. Every student is a "
        "plain `DecisionTreeClassifier(max_leaf_nodes=L)`; mean test accuracy ± std over the "
        "seeds:",
        "",
        _table(header, table),
        "",
    ]
    if article is not None and peer is not None:
        lines += [
            f"For comparison, the article's recipe (the pool rows the CNN is confident about, "
            f"an unconstrained tree) scores {acc(article)} with {article['leaves_mean']:,.0f} "
            f"leaves, and scikit-learn's `SelfTrainingClassifier` around the tree itself "
            f"{acc(peer)}.",
            "",
        ]
    variants = _mnist_variants(d)
    if variants:
        lines += [variants, ""]
    # The one-seed measurements, each a paragraph when its result file exists.
    for name, paragraph in (
        ("mnist_teachers.json", _mnist_teachers),
        ("mnist_targets.json", _mnist_targets),
        ("mnist_levers.json", _mnist_levers),
    ):
        if (RESULTS / name).is_file():
            lines += [paragraph(json.loads((RESULTS / name).read_text())), ""]
    lines += [
        "![MNIST accuracy against tree size](benchmarks/results/mnist.png)",
    ]
    return "\n".join(lines)


#: Variants of the recipe (one or two seeds): result file -> what was changed, in words.
MNIST_VARIANTS = {
    "mnist_shifts2.json": "12 shifts of up to 2 pixels instead of 4",
    "mnist_entropy.json": "Every tree split by entropy instead of Gini",
    "mnist_rotated1.json": "One copy of each training image turned by up to 10 degrees added",
    "mnist_pool4.json": (
        "The training images 4 times in the transfer set, so that they weigh "
        "4 times their shifted copies"
    ),
}


def _metamorphosis_by_size(rows, seeds):
    """Mean test accuracy of the metamorphosis trees of ``seeds``, by ``max_leaf_nodes``."""
    by_size = {}
    for r in rows:
        if r["seed"] in seeds and r["family"].startswith("metamorphosis"):
            by_size.setdefault(r["max_leaf_nodes"], []).append(r["accuracy"])
    return {L: float(np.mean(values)) for L, values in by_size.items()}


def _mnist_variants(d):
    """The variants of the recipe against the same seeds of the main run, in words."""
    parts = []
    for name, change in MNIST_VARIANTS.items():
        path = RESULTS / name
        if not path.is_file():
            continue
        v = json.loads(path.read_text())
        seeds = sorted({r["seed"] for r in v["runs"]})
        variant = _metamorphosis_by_size(v["runs"], seeds)
        main = _metamorphosis_by_size(d["runs"], seeds)
        sizes = [L for L in sorted(variant) if L in main]
        scores = "; ".join(f"≤ {L:,} leaves {variant[L]:.3f} (recipe {main[L]:.3f})" for L in sizes)
        rows = next(
            s["train_rows_mean"] for s in v["summary"] if s["family"].startswith("metamorphosis")
        )
        parts.append(
            f"{change}, {rows:,.0f} rows (`{v['environment']['command']}`, "
            f"`benchmarks/results/{name}`; seed{'s' if len(seeds) > 1 else ''} "
            f"{', '.join(map(str, seeds))}): {scores}"
        )
    if not parts:
        return ""
    return (
        "Variants of the recipe, each against the same seeds of the run above (the same "
        "teachers; mean test accuracy of the tree made through metamorphosis): "
        + ". ".join(parts)
        + "."
    )


def _mnist_teachers(t):
    """The teacher's levers side by side: ``mnist_teachers.json`` (one seed, no trees)."""
    parts = [
        f"{s['family'].removeprefix('teacher: CNN, ')} {s['accuracy_mean']:.4f}"
        for s in t["summary"]
    ]
    return (
        f"The teacher's levers (`{t['environment']['command']}`, "
        f"`benchmarks/results/mnist_teachers.json`; one seed, the same epoch budget "
        f"of {t['config']['cnn_rows_per_fit']:,} rows per fit for each; test accuracy): "
        + "; ".join(parts)
        + "."
    )


def _mnist_targets(t):
    """What a size-limited tree learns best from the CNN: ``mnist_targets.json`` (one seed)."""
    rows = {(s["family"], s["max_leaf_nodes"]): s for s in t["summary"]}
    families = [s["family"] for s in t["summary"] if s["family"] != "teacher"]
    families = list(dict.fromkeys(families))
    sizes = sorted({L for (_, L) in rows if L is not None})
    teacher = rows["teacher", None]
    per_family = []
    for family in families:
        kind = family.split("|")[1].strip()
        scores = ", ".join(
            f"{rows[family, L]['accuracy_mean']:.3f}" for L in sizes if (family, L) in rows
        )
        per_family.append(f"{kind} {scores}")
    return (
        f"What the size-limited tree learns best (`{t['environment']['command']}`, "
        f"`benchmarks/results/mnist_targets.json`; one seed, a "
        f"{t['config']['target_rounds']}-round teacher, {_augmented(t['config'], short=True)}, "
        "of accuracy "
        f"{teacher['accuracy_mean']:.3f}, the {t['config']['n_pool'] + 1000:,} training "
        f"images as transfer set; test accuracy at ≤ "
        f"{' / '.join(f'{L:,}' for L in sizes)} leaves): "
        + "; ".join(per_family)
        + ". "
        + _best_targets(rows, families, sizes)
    )


def _mnist_levers(d):
    """Each lever of the recipe varied alone: ``mnist_levers.json`` (one seed)."""
    teachers = [s for s in d["summary"] if s["family"] == "teacher"]
    parts = []
    for s in d["summary"]:
        if s["family"] == "teacher":
            continue
        _, transfer, size, targets = (part.strip() for part in s["family"].split("|"))
        L = s["max_leaf_nodes"]
        parts.append(
            f"{transfer}, {size} ≤ {L:,} leaves ({s['leaves_mean']:,.0f}), {targets}: "
            f"{s['accuracy_mean']:.3f}"
        )
    teacher = ", ".join(f"{t['accuracy_mean']:.3f}" for t in teachers)
    return (
        f"The levers, each varied alone (`{d['environment']['command']}`, "
        f"`benchmarks/results/mnist_levers.json`; one seed, teacher "
        f"{_augmented(d['config'], short=True)}, accuracy {teacher}; "
        "test accuracy): " + "; ".join(parts) + "."
    )


def _best_targets(rows, families, sizes):
    """Which targets give the most accurate tree at each size, in words."""
    best = []
    for L in sizes:
        scores = {
            f.split("|")[1].strip(): rows[f, L]["accuracy_mean"] for f in families if (f, L) in rows
        }
        winner = max(scores, key=scores.get)
        margin = scores[winner] - sorted(scores.values())[-2] if len(scores) > 1 else 0.0
        best.append(f"≤ {L:,} leaves: {winner} (by {margin:.3f})")
    return "Most accurate: " + "; ".join(best) + "."


def scenario_section(d):
    env, config = d["environment"], d["config"]
    functions = list(d["savings"])
    sizes = sorted({entry["n_calls"] for f in functions for entry in d["savings"][f]})
    shown = sizes[:3]

    def pr_auc(f, method, n):
        mean, std = d["summary"][f][method][str(n)]["pr_auc"]
        return f"{mean:.3f} ± {std:.3f}"

    def match(entry):
        if entry["saving"] is None:
            return f"never (up to {sizes[-1]:,})", "-"
        if entry["saving"] <= 0:
            return "raw PRIM is better at the same runs", "none"
        return f"{entry['raw_calls_for_same_pr_auc']:,.0f}", f"**{entry['saving']:.0%}**"

    rows = []
    for f in functions:
        for entry in d["savings"][f]:
            if entry["n_calls"] in shown:
                n = entry["n_calls"]
                rows.append([f, f"{n:,}", pr_auc(f, "reds", n), pr_auc(f, "raw", n), *match(entry)])
    met = {
        f: any(e["saving"] is not None and e["saving"] >= 0.5 for e in d["savings"][f])
        for f in functions
    }
    header = [
        "function",
        "simulation runs",
        "PR-AUC: chain",
        "PR-AUC: raw PRIM",
        "raw runs to match the chain",
        "runs saved",
    ]
    return "\n".join(
        [
            f"**Scenario discovery: PRIM on a metamodel's transfer set** — `{env['command']}` "
            f"(`benchmarks/results/scenario.json`, `scenario.png`; {config['seeds']} seeds, "
            f'{env["date"][:10]}). "Interesting" is {config["interesting"]}. The chain (REDS): '
            f"a {config['design']}; the metamodel `{config['metamodel']}` labels "
            f"{config['n_transfer']:,} transfer rows with probabilities, and "
            f"`{config['prim']}` is the student; raw PRIM learns from the simulation runs "
            f"alone. PR-AUC of the peeling trajectory on {config['n_test']:,} independent test "
            "rows (mean ± std over the seeds), and how many runs raw PRIM needs to match the "
            f"chain (interpolated over {', '.join(f'{n:,}' for n in sizes)} runs):",
            "",
            _table(header, rows),
            "",
            "The goal, equal PR-AUC with at least 50% fewer simulation runs: "
            + "; ".join(f"{f} {_met(ok)}" for f, ok in met.items())
            + ". The PR-AUC follows the first box only: on `two_regions` both methods find one "
            "box around both regions, which this measure cannot credit (the gallery example "
            "shows the chain's two boxes).",
        ]
    )


def adaptive_section(d):
    env, targets = d["environment"], d["targets"]
    rows = []
    for summary in d["classification_summary"]:
        fidelity = summary["fidelity"]
        best = summary["best_fixed"]
        rows.append(
            [
                summary["student"],
                f"{fidelity['adaptive']:.3f}",
                f"{fidelity[best]:.3f} ({best})",
                f"{_signed(summary['adaptive_minus_best_fixed'])} ({_p_is(summary['adaptive_vs_best_fixed_p'])})",
                f"{_signed(summary['adaptive_minus_direct'])} ({_p_is(summary['adaptive_vs_direct_p'])})",
            ]
        )
    surrogate = targets["surrogates"]["oscillator"]
    search = d["search"]
    plain, cached = search["runs"][0], search["runs"][1]
    below = targets["classification"]["datasets_significantly_below_direct"]
    config = d["config"]["classification"]
    return "\n".join(
        [
            f"**Adaptive transfer sets and shared teacher fits** — `{env['command']}` "
            f"(`benchmarks/results/adaptive.json`, `adaptive.png`, `adaptive.log`; "
            f"{env['date'][:10]}, {d['elapsed_seconds']:.0f} s). Classification under "
            f"`bench_tabular.py`'s protocol ({', '.join(config['datasets'])}; sizes "
            f"{' and '.join(map(str, config['sizes']))}; {config['splits']} splits): "
            "`AdaptiveSampler` against every fixed sampler at the same number of rows labeled "
            "by the teacher; mean test fidelity, and its difference with the best fixed sampler "
            "and with the directly trained student (Wilcoxon signed-rank p over the paired "
            "units):",
            "",
            _table(
                [
                    "student",
                    "adaptive",
                    "best fixed sampler",
                    "adaptive − best fixed",
                    "adaptive − direct",
                ],
                rows,
            ),
            "",
            "Goal: at least the best fixed sampler's fidelity: "
            + ", ".join(
                f"{student} {_met(goal['mean_at_least_best_fixed'])}"
                for student, goal in targets["classification"].items()
                if isinstance(goal, dict)
            )
            + "; no dataset significantly below the direct student: "
            f"{_met(not below)}. Surrogate of the oscillator: R² "
            f"{surrogate['r2_target']} after {surrogate['adaptive_calls']:.0f} simulation calls "
            f"with the adaptive sampler against {surrogate['sobol_calls']:.0f} with Sobol' "
            f"(**{surrogate['fewer_calls']:.0%} fewer**; goal ≥ 30%: "
            f"{_met(surrogate['met'])}). `GridSearchCV` over {plain['n_candidates']} candidates "
            f"× {search['folds']} folds with an MLP teacher: {plain['teacher_fits']} teacher fits "
            f"and {plain['seconds']:.0f} s without `memory=`, {cached['teacher_fits']} fits "
            f"(folds + 1) and {cached['seconds']:.0f} s with it (**{search['time_ratio']:.1f}×**; "
            f"goal ≥ 3×: {_met(search['targets']['time_ratio_at_least_3'])}), same best "
            "candidate.",
        ]
    )


def distill_section(d):
    """Neural distillation that pays (``bench_distill.py``): alone vs distilled, and the savings."""
    config, summary = d["config"], d["summary"]
    machine = d["environment"]["machine"]
    seeds = config["seeds"]
    hinton = d["hinton"]
    reference = {
        "2x800 alone": hinton["2x800 alone"],
        "2x800 alone, moved images": None,
        "2x800 distilled, fresh rows": hinton["2x800 distilled"],
    }
    rows = []
    for row in summary:
        if row["family"] == "grid":
            continue
        ref = reference.get(row["name"])
        rows.append(
            [
                row["name"],
                f"{row['n_parameters']:,}" if row["n_parameters"] else "",
                f"**{row['errors_mean']:.1f}** ± {row['errors_std']:.1f}",
                " / ".join(map(str, row["errors"])),
                "" if row["fidelity_mean"] is None else f"{row['fidelity_mean']:.4f}",
                "" if ref is None else str(ref),
            ]
        )
    timing = (
        f"{d['total_seconds'] / 60:.0f} min"
        if not d.get("reused_runs")
        else "the fit time of every model in the JSON and in `distill.log`"
    )
    teacher_text = (
        f"{config['n_teachers']} CNN teachers (`SmallCNN`, 105,866 parameters, random image "
        f"moves while training, {config['teacher_epochs']} epochs each)"
    )
    parts = [
        "### Neural distillation that pays: MNIST networks alone and distilled",
        f"All 60,000 training images, the 10,000 test images, {seeds} seeds "
        f"(`python benchmarks/bench_distill.py`, {timing} on "
        f"{machine['cpu_count']} CPU cores). Per seed: {teacher_text}; every student trained "
        f"with Adam for {config['student_epochs']} passes over 60,000 rows, with the same seed "
        "alone or distilled. Distilled students learn the best teacher's soft labels at "
        f"T = {config['temperature']:g} on a new random move of every training image each pass "
        "(`streaming=True, fresh_rows=True`), or on one fixed draw of those moves (fixed set); "
        '"moved images" trains the student alone on the true labels with the same moves. '
        "The last column is Hinton et al.'s (2015) figure for the same 2x800 MLP.",
        _table(
            [
                "model",
                "parameters",
                "test errors (mean ± std)",
                "per seed",
                "fidelity to its teacher",
                "Hinton 2015",
            ],
            rows,
        ),
    ]
    comparisons = []
    for c in d["comparisons"]:
        if not c["n"]:
            continue
        comparisons.append(
            f"- {c['better']} vs {c['worse']}: **{c['mean']:+.1f}** errors "
            f"(per seed {', '.join(f'{x:+d}' for x in c['differences'])}; fewer on "
            f"{c['wins']} of {c['n']} seeds)"
        )
    parts.append(
        "Paired by seed (negative: the first has fewer errors):\n\n" + "\n".join(comparisons)
    )
    report = d["compression"][0] if d["compression"] else None
    batch = config["latency_rows"]
    if report is None:
        parts.append("What the students save was not measured in this run.")
    else:
        parts.append(
            f"What the students save (seed 0, `skmetamorph.metrics.compression_report`, predict "
            f"on the CPU, best of 5; latency of {batch:,} rows):\n\n"
            + _table(
                [
                    "model",
                    "parameters",
                    "pickled KiB",
                    f"ms per {batch:,} rows",
                    "ms per row",
                    "speed-up",
                    "test accuracy",
                    "fidelity",
                ],
                [
                    [
                        r["model"],
                        f"{r['n_parameters']:,}" if r["n_parameters"] else "",
                        f"{r['serialized_bytes'] / 1024:,.0f}" if r["serialized_bytes"] else "",
                        f"{1e3 * r['latency_batch_s']:.1f}",
                        f"{1e3 * r['latency_row_s']:.2f}",
                        f"{r['speedup']:.1f}×",
                        f"{r['accuracy']:.4f}",
                        f"{r['fidelity']:.4f}",
                    ]
                    for r in report
                ],
            )
        )
    if d.get("reused_runs"):
        refits = "; ".join(
            f"{r['name']}: {r['errors']} (run: {r['errors_in_the_run']})" for r in d["refits"]
        )
        parts.append(
            "The three-seed run stopped at its compression report (the function was not yet "
            "importable when the run started); its test errors are those above, and the "
            "report's models were refitted with seed 0's settings by `python "
            f"benchmarks/bench_distill.py --reuse-runs {d['reused_runs']}`. Test errors of "
            f"the refits: {refits}. Streamed students differ from the run's, as `partial_fit` "
            "did not yet draw its shuffles from `random_state` then (it does now)."
        )
    grid = [row for row in summary if row["family"] == "grid"]
    if grid:
        parts.append(
            "Temperature and `alpha` (seed 0, the tiny CNN, fixed set, equal updates; "
            '"labeled rows" adds the 60,000 images with their true labels at weight `alpha` '
            "and halves the epochs):\n\n"
            + _table(
                ["setting", "test errors", "fidelity"],
                [
                    [
                        row["name"].removeprefix("grid: "),
                        f"{row['errors_mean']:.0f}",
                        f"{row['fidelity_mean']:.4f}",
                    ]
                    for row in grid
                ],
            )
        )
    parts.append(
        "Goals of the benchmark:\n\n"
        + "\n".join(
            f"- {goal['goal']}: {goal['value']} ({_met(goal['met'])})" for goal in d["goals"]
        )
    )
    return "\n\n".join(parts)


def distill_features_section(d):
    """Hints and relations (``bench_distill.py --features``): what paid and what did not."""
    config, machine = d["config"], d["environment"]["machine"]
    by_name = {row["name"]: row for row in d["summary"]}
    rows = [
        [
            row["name"],
            f"{row['n_parameters']:,}",
            f"**{row['errors_mean']:.1f}** ± {row['errors_std']:.1f}",
            " / ".join(map(str, row["errors"])),
            "" if row["fidelity_mean"] is None else f"{row['fidelity_mean']:.4f}",
            f"{row['seconds_mean']:.0f}",
        ]
        for row in d["summary"]
    ]
    verdicts = []
    for c in d["comparisons"]:
        if not c["n"]:
            continue
        paid = c["mean"] < 0 and c["wins"] == c["n"]
        seconds = by_name[c["better"]]["seconds_mean"] / max(
            by_name[c["worse"]]["seconds_mean"], 1e-9
        )
        verdicts.append(
            f"- {c['better']} vs {c['worse']}: **{c['mean']:+.1f}** errors (per seed "
            f"{', '.join(f'{x:+d}' for x in c['differences'])}; fewer on {c['wins']} of "
            f"{c['n']} seeds; {seconds:.1f}× the fit time): "
            + ("**paid**" if paid else "did not pay")
        )
    students = "; ".join(
        f"{name}: hint {tuple(spec['hint'])}, relation {tuple(spec['relation'])}"
        for name, spec in d["students"].items()
    )
    return "\n\n".join(
        [
            "### Hints and relations: feature- and relation-based distillation",
            f"`python benchmarks/bench_distill.py --features` ({d['total_seconds'] / 60:.0f} min on "
            f"{machine['cpu_count']} CPU cores, {config['torch_threads']} torch thread): "
            f"{d['protocol']}. Every student goes through `MetamorphosisClassifier(teacher, "
            'student, labels="soft")`; a student with `hint` or `relation` gets the teacher\'s '
            "activations of the named layers with its soft labels (FitNets' hint loss through a "
            "learned regressor, RKD's distance and angle terms at weights 25 and 50). "
            f"Layers (student, teacher): {students}.",
            _table(
                [
                    "model",
                    "parameters",
                    "test errors (mean ± std)",
                    "per seed",
                    "fidelity to its teacher",
                    "fit time (s)",
                ],
                rows,
            ),
            'Paired by seed (negative: the first has fewer errors; "paid" means fewer errors on '
            "every seed):\n\n" + "\n".join(verdicts),
        ]
    )


def _ablation(rows):
    """One clause on the one-SE rule against the highest score, when the run has both."""
    pairs = [r for r in rows if "auto_best" in r]
    if not pairs:
        return ""
    return (
        'against `AutoSampler(selection="best")` (the highest held-out score, no one-SE '
        "preference for the earlier candidate), the default rule gave "
        + ", ".join(
            f"{r['family']}/{r['student']} {_signed(r['auto_minus_auto_best'])}" for r in pairs
        )
        + "; "
    )


def generators_auto_summary_section(d):
    """``transfer_sampler="auto"`` against every fixed sampler (``auto_summary.py``)."""
    config, goals = d["config"], d["goals"]
    rows = []
    for r in d["rows"]:
        chosen = ", ".join(f"{name} {count}" for name, count in r["chosen"].items())
        vs_chosen = r["wall_ratio_vs_chosen"]
        rows.append(
            [
                f"{r['family']} / {r['student']}",
                r["units"],
                f"**{r['auto']:.3f}**",
                f"{r['best_fixed_fidelity']:.3f} ({r['best_fixed']})",
                f"{_signed(r['auto_minus_best'])} ({_p_is(r['p_vs_best'])})",
                f"{_signed(r['auto_minus_default'])} ({_p_is(r['p_vs_default'])})",
                f"{r['wall_ratio_vs_default']:.1f}×"
                + ("" if vs_chosen is None else f" / {vs_chosen:.1f}×"),
                chosen,
            ]
        )
    env = d["environment"] or {}
    return "\n\n".join(
        [
            '**Choosing the transfer set: `transfer_sampler="auto"`** — '
            f"`{env.get('command', 'python benchmarks/bench_generators.py')}` then `python "
            "benchmarks/auto_summary.py benchmarks/results/generators_auto.json` "
            "(`benchmarks/results/generators_auto.json`, "
            f"`generators_auto_summary.json`; {str(env.get('date', ''))[:10]}, "
            f"{d['elapsed_seconds']:.0f} s). PRELIM's protocol as above, sizes "
            f"{', '.join(map(str, config['sizes']))}, {config['splits']} splits, "
            f"{config['transfer_size']:,} transfer rows: `AutoSampler()` with its default "
            "candidates and the student it teaches, side by side with every fixed sampler "
            f"({', '.join(d['fixed_samplers'])}) on the same units. Mean test fidelity; "
            + _ablation(d["rows"])
            + "differences paired over units (Wilcoxon); wall time of one fit relative to one "
            f"fit with the default ({d['default']}) / with the sampler auto chose (medians):",
            _table(
                [
                    "family / student",
                    "units",
                    "auto",
                    "best fixed in hindsight",
                    "auto − best fixed",
                    f"auto − {d['default']}",
                    "wall time",
                    "chosen (units)",
                ],
                rows,
            ),
            f"Goals: within {d['tolerance']} of the best fixed sampler everywhere: "
            f"{_met(goals['within_tolerance_of_best'])}; significantly above "
            f"{d['default']} where it is not the best: "
            f"{_met(goals['above_default_where_it_is_not_best'])}; wall time ≤ "
            f"{d['wall_goal']:.0f}× one {d['default']} fit: "
            f"{_met(goals['wall_ratio_vs_default_at_most_goal'])}.",
        ]
    )


SECTIONS = {
    "demo": demo_section,
    "speed": speed_section,
    "tabular": tabular_section,
    "generators": generators_section,
    "generators_auto_summary": generators_auto_summary_section,
    "scenario": scenario_section,
    "adaptive": adaptive_section,
    "mnist": mnist_section,
    "distill": distill_section,
    "distill_features": distill_features_section,
}


def _wrap(markdown, width=92):
    """Wrap the prose paragraphs (not the tables) as the rest of the README is."""
    out = []
    for block in markdown.split("\n\n"):
        if block.startswith("|"):
            out.append(block)
        else:
            out.append(
                "\n".join(
                    textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False)
                    for line in block.split("\n")
                )
            )
    return "\n\n".join(out)


def render(name):
    data = json.loads((RESULTS / f"{name}.json").read_text())
    return _wrap(
        SECTIONS[name](data)
        + f"\n\n<sub>Numbers above written from `benchmarks/results/{name}.json` by "
        f"`{COMMAND}`.</sub>"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="replace the sections in README.md")
    parser.add_argument("sections", nargs="*", default=list(SECTIONS))
    args = parser.parse_args(argv)
    text = README.read_text()
    for name in args.sections:
        body = render(name)
        if not args.write:
            print(body + "\n")
            continue
        begin = f"<!-- results:{name}: written by {COMMAND} from {name}.json -->"
        end = f"<!-- /results:{name} -->"
        pattern = re.compile(
            rf"<!-- results:{name}\b[^>]*-->\n(?:.*?\n)?<!-- /results:{name} -->", re.DOTALL
        )
        if not pattern.search(text):
            sys.exit(f"README.md has no markers for the section {name!r}")
        text = pattern.sub(lambda _: f"{begin}\n{body}\n{end}", text, count=1)
    if args.write:
        README.write_text(text)
        print(f"wrote {', '.join(args.sections)} into {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
