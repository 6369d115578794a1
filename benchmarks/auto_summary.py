"""Summarise AutoSampler in a bench_generators result file: auto vs the best fixed
sampler in hindsight and vs the default (MUNGE), per family and student, paired over
units (Wilcoxon), and auto's wall time relative to one fixed fit (median over units).

    python benchmarks/auto_summary.py benchmarks/results/generators_auto.json
"""

import json
import sys
from collections import Counter

import numpy as np
from scipy.stats import wilcoxon

DEFAULT = "munge"


def _p(d):
    return float(wilcoxon(d).pvalue) if np.any(d) else 1.0


def main(path):
    with open(path) as f:
        data = json.load(f)
    recs = data["records"]
    fixed = sorted({r["generator"] for r in recs} - {"auto", "direct"})
    table = []
    for fam in sorted({r["family"] for r in recs}):
        for student in sorted({r["student"] for r in recs}):
            by = {}
            for r in recs:
                if r["family"] == fam and r["student"] == student:
                    by.setdefault(r["generator"], {})[(r["dataset"], r["n_train"], r["seed"])] = r
            keys = sorted(by["auto"])
            fid = {g: np.array([by[g][k]["fidelity"] for k in keys]) for g in by}
            best = max(fixed, key=lambda g: fid[g].mean())
            auto = fid["auto"]
            ratio = np.median([by["auto"][k]["seconds"] / by[DEFAULT][k]["seconds"] for k in keys])
            chosen = Counter(by["auto"][k]["auto_chosen"] for k in keys)
            row = {
                "family": fam,
                "student": student,
                "units": len(keys),
                "auto": float(auto.mean()),
                "best_fixed": best,
                "best_fixed_fidelity": float(fid[best].mean()),
                "auto_minus_best": float((auto - fid[best]).mean()),
                "p_vs_best": _p(auto - fid[best]),
                "default_fidelity": float(fid[DEFAULT].mean()),
                "auto_minus_default": float((auto - fid[DEFAULT]).mean()),
                "p_vs_default": _p(auto - fid[DEFAULT]),
                "wall_ratio_vs_default": float(ratio),
                "chosen": dict(chosen),
            }
            table.append(row)
    print(
        "| family | student | units | auto | best fixed (hindsight) | auto - best (p) "
        "| default munge | auto - default (p) | wall auto / munge | chosen |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in table:
        print(
            f"| {r['family']} | {r['student']} | {r['units']} | {r['auto']:.3f} | "
            f"{r['best_fixed']} {r['best_fixed_fidelity']:.3f} | "
            f"{r['auto_minus_best']:+.3f} ({r['p_vs_best']:.3f}) | {r['default_fidelity']:.3f} | "
            f"{r['auto_minus_default']:+.3f} ({r['p_vs_default']:.3f}) | "
            f"{r['wall_ratio_vs_default']:.1f}x | {r['chosen']} |"
        )
    out = path.replace(".json", "_summary.json")
    with open(out, "w") as f:
        json.dump(table, f, indent=1)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1])
