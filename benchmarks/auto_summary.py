"""Summarise AutoSampler in a bench_generators result file.

Per dataset family and student, paired over units (dataset, size, split):
``"auto"`` against the best fixed sampler chosen in hindsight and against the
default (MUNGE), with Wilcoxon signed-rank p-values; auto's wall time relative
to one fixed fit (median over units) with the default sampler and with the
sampler it chose; and issue 23's two goals, met or not. Prints a table and
writes ``<name>_summary.json`` next to the input::

    python benchmarks/auto_summary.py benchmarks/results/generators_auto.json
"""

import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.stats import wilcoxon

DEFAULT = "munge"
#: Issue 23: auto within this much of the best fixed sampler in hindsight.
TOLERANCE = 0.005
#: Issue 23: auto's wall time at most this many fixed fits.
WALL_GOAL = 3.0


def _p(differences):
    return float(wilcoxon(differences).pvalue) if np.any(differences) else 1.0


def _row(family, student, by, fixed):
    keys = sorted(by["auto"])
    fidelity = {g: np.array([by[g][k]["fidelity"] for k in keys]) for g in by}
    best = max(fixed, key=lambda g: fidelity[g].mean())
    auto = fidelity["auto"]
    seconds = {g: np.array([by[g][k]["seconds"] for k in keys]) for g in by}
    chosen = [by["auto"][k]["auto_chosen"] for k in keys]
    # The fixed fit with the sampler auto chose (units where it chose one the
    # benchmark also ran on its own; the pool is not among them).
    vs_chosen = [
        seconds["auto"][i] / seconds[name][i] for i, name in enumerate(chosen) if name in seconds
    ]
    row = {
        "family": family,
        "student": student,
        "units": len(keys),
        "auto": float(auto.mean()),
        "best_fixed": best,
        "best_fixed_fidelity": float(fidelity[best].mean()),
        "auto_minus_best": float((auto - fidelity[best]).mean()),
        "p_vs_best": _p(auto - fidelity[best]),
        "default_fidelity": float(fidelity[DEFAULT].mean()),
        "auto_minus_default": float((auto - fidelity[DEFAULT]).mean()),
        "p_vs_default": _p(auto - fidelity[DEFAULT]),
        "wall_ratio_vs_default": float(np.median(seconds["auto"] / seconds[DEFAULT])),
        "wall_ratio_vs_chosen": float(np.median(vs_chosen)) if vs_chosen else None,
        "chosen": dict(Counter(chosen).most_common()),
    }
    if "auto_best" in fidelity:  # the ablation: the highest score, no one-SE preference
        greedy = fidelity["auto_best"]
        row["auto_best"] = float(greedy.mean())
        row["auto_best_minus_best"] = float((greedy - fidelity[best]).mean())
        row["auto_minus_auto_best"] = float((auto - greedy).mean())
        row["p_auto_vs_auto_best"] = _p(auto - greedy)
    row["within_tolerance"] = row["auto_minus_best"] >= -TOLERANCE
    # Where the default is not the best, auto must beat it significantly.
    row["default_is_best"] = best == DEFAULT
    row["above_default"] = (
        None
        if row["default_is_best"]
        else row["auto_minus_default"] > 0 and row["p_vs_default"] < 0.05
    )
    return row


def summarise(data):
    """The summary of a bench_generators result that ran ``"auto"``: a dict."""
    records = data["records"]
    fixed = sorted(
        g for g in {r["generator"] for r in records} if g != "direct" and not g.startswith("auto")
    )
    rows = []
    for family in sorted({r["family"] for r in records}):
        for student in sorted({r["student"] for r in records}):
            by = {}
            for r in records:
                if r["family"] == family and r["student"] == student:
                    key = (r["dataset"], r["n_train"], r["seed"])
                    by.setdefault(r["generator"], {})[key] = r
            rows.append(_row(family, student, by, fixed))
    return {
        "source": "generators_auto.json",
        "environment": data.get("environment"),
        "elapsed_seconds": data.get("elapsed_seconds"),
        "config": data["config"],
        "fixed_samplers": fixed,
        "default": DEFAULT,
        "tolerance": TOLERANCE,
        "wall_goal": WALL_GOAL,
        "rows": rows,
        "goals": {
            "within_tolerance_of_best": all(r["within_tolerance"] for r in rows),
            "above_default_where_it_is_not_best": all(
                r["above_default"] is not False for r in rows
            ),
            "wall_ratio_vs_default_at_most_goal": all(
                r["wall_ratio_vs_default"] <= WALL_GOAL for r in rows
            ),
        },
    }


def main(path):
    path = Path(path)
    summary = summarise(json.loads(path.read_text()))
    print(
        "| family | student | units | auto | best fixed (hindsight) | auto - best (p) "
        "| default munge | auto - default (p) | wall / munge | wall / chosen | auto_best | chosen |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in summary["rows"]:
        chosen_ratio = (
            "-" if r["wall_ratio_vs_chosen"] is None else f"{r['wall_ratio_vs_chosen']:.1f}x"
        )
        print(
            f"| {r['family']} | {r['student']} | {r['units']} | {r['auto']:.3f} | "
            f"{r['best_fixed']} {r['best_fixed_fidelity']:.3f} | "
            f"{r['auto_minus_best']:+.3f} ({r['p_vs_best']:.3f}) | {r['default_fidelity']:.3f} | "
            f"{r['auto_minus_default']:+.3f} ({r['p_vs_default']:.3f}) | "
            f"{r['wall_ratio_vs_default']:.1f}x | {chosen_ratio} | "
            f"{r.get('auto_best', float('nan')):.3f} | {r['chosen']} |"
        )
    print("goals:", summary["goals"])
    out = path.with_name(path.stem + "_summary.json")
    out.write_text(json.dumps(summary, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1])
