"""Scenario discovery with fewer simulations: PRIM on raw runs vs PRIM on a metamodel (REDS).

On four test functions -- borehole (8 inputs), Ishigami (3), Morris (20) and
a function with two separate regions (5 inputs, 3 of them inert) -- a row is
"interesting" when the output exceeds its 80% quantile (over 10^5 uniform
rows). For each number of simulation calls ``n`` (a Latin hypercube design of
``n`` runs):

- ``raw``: :class:`skmetamorph.scenario.PRIM` peels the ``n`` runs;
- ``reds``: REDS (Arzamasov et al.) in one estimator: a
  ``MetamorphosisClassifier`` whose teacher is a random forest fitted on the
  ``n`` runs (the metamodel), whose transfer set is a Sobol sample of
  ``--n-transfer`` rows over the inputs' bounds labelled with the forest's
  probabilities (``labels="soft"``), and whose student is PRIM.

PRIM peels with Friedman & Fisher's original criterion (the mean of the
peeled box), as REDS does: it peels down to ``mass_min`` and so gives whole
trajectories. ``--objective lenient1`` (the EMA workbench's default) stops
as soon as no peel raises the density, which on the two-region function
leaves a box around both regions.

Both are scored on an independent uniform test sample of ``--n-test`` rows:
the area under the first box's peeling trajectory (coverage vs density, i.e.
recall vs precision: :func:`skmetamorph.metrics.pr_auc_score` on
``PRIM.trajectory_scores``), and the test density and coverage of the step of
highest WRAcc on its own trajectory. The saving is how many fewer calls
``reds`` needs for the PR-AUC that ``raw`` reaches (raw's curve interpolated
in log n): the issue's target is >= 50%.

Usage::

    python benchmarks/bench_scenario.py --quick   # < 1 min
    python benchmarks/bench_scenario.py           # full (about 10 min on 2 cores)

Writes ``results/scenario.json`` (``scenario_quick.json``; the folder is
``--results-dir``) and ``scenario.png``, and prints Markdown tables on
stdout; one progress line per fit goes to stderr.
"""

import argparse
import sys
from itertools import combinations
from pathlib import Path

import numpy as np
from sklearn.ensemble import RandomForestClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS_DIR, Steps, Timer, markdown_table, write_json  # noqa: E402
from bench_surrogate import BOREHOLE_BOUNDS, borehole  # noqa: E402

from skmetamorph import MetamorphosisClassifier  # noqa: E402
from skmetamorph.metrics import pr_auc_score  # noqa: E402
from skmetamorph.samplers import LatinHypercubeSampler, SobolSampler  # noqa: E402
from skmetamorph.scenario import PRIM  # noqa: E402


# ----------------------------------------------------------------- functions
def ishigami(X, a=7.0, b=0.1):
    """The Ishigami function on [-pi, pi]^3."""
    return np.sin(X[:, 0]) + a * np.sin(X[:, 1]) ** 2 + b * X[:, 2] ** 4 * np.sin(X[:, 0])


def morris(X):
    """Morris (1991)'s 20-input screening function on [0, 1]^20."""
    w = 2 * (X - 0.5)
    odd = [2, 4, 6]  # inputs 3, 5 and 7 (1-based) are bent
    w[:, odd] = 2 * (1.1 * X[:, odd] / (X[:, odd] + 0.1) - 0.5)
    index = np.arange(1, 21)
    b1 = np.where(index <= 10, 20.0, (-1.0) ** index)
    b2 = (-1.0) ** (index[:, None] + index[None, :])
    b2[:6, :6] = -15.0
    y = w @ b1 + np.einsum("ni,ij,nj->n", w, np.triu(b2, 1), w)
    for i, j, k in combinations(range(5), 3):
        y -= 10.0 * w[:, i] * w[:, j] * w[:, k]
    return y + 5.0 * w[:, 0] * w[:, 1] * w[:, 2] * w[:, 3]


def two_regions(X):
    """Two separate round bumps in (x0, x1); x2 .. x4 are inert."""
    near = np.exp(-20 * ((X[:, 0] - 0.25) ** 2 + (X[:, 1] - 0.3) ** 2))
    far = np.exp(-20 * ((X[:, 0] - 0.75) ** 2 + (X[:, 1] - 0.7) ** 2))
    return near + 0.9 * far


FUNCTIONS = {
    "borehole": (borehole, BOREHOLE_BOUNDS),
    "ishigami": (ishigami, [(-np.pi, np.pi)] * 3),
    "morris": (morris, [(0.0, 1.0)] * 20),
    "two_regions": (two_regions, [(0.0, 1.0)] * 5),
}


def uniform_rows(n, bounds, seed):
    low, high = np.array(bounds, dtype=float).T
    return low + np.random.default_rng(seed).uniform(size=(n, len(bounds))) * (high - low)


# ------------------------------------------------------------------ one fit
def best_wracc_step(prim):
    """The step of highest WRAcc on PRIM's own trajectory: a box between big and pure."""
    t = prim.trajectories_[0]
    return int(np.argmax(t["mass"] * (t["density"] - t["density"][0])))


def run_one(name, method, n, seed, args, threshold, X_test, y_test):
    func, bounds = FUNCTIONS[name]
    design = LatinHypercubeSampler(n_samples=n, bounds=bounds, random_state=seed)
    X_runs = design.fit_generate(None)
    y_runs = (func(X_runs) > threshold).astype(int)  # the n simulation calls
    if y_runs.sum() == 0:
        return None  # no interesting run: nothing to discover (counted in the JSON)
    with Timer() as timer:
        if method == "raw":
            prim = PRIM(objective=args.objective).fit(X_runs, y_runs)
        else:
            reds = MetamorphosisClassifier(
                teacher=RandomForestClassifier(
                    n_estimators=args.n_trees, min_samples_leaf=2, random_state=seed
                ),
                student=PRIM(objective=args.objective),
                transfer_sampler=SobolSampler(
                    n_samples=args.n_transfer, bounds=bounds, random_state=seed
                ),
                labels="soft",
                random_state=seed,
            ).fit(X_runs, y_runs)
            prim = reds.student_
    scores = prim.trajectory_scores(X_test, y_test)
    keep = ~np.isnan(scores["density"])  # steps that hold no test row
    box = prim.select(best_wracc_step(prim))
    inside = box.predict(X_test) == 1
    return {
        "function": name,
        "method": method,
        "n_calls": n,
        "seed": seed,
        "pr_auc": pr_auc_score(scores["coverage"][keep], scores["density"][keep]),
        "box_density": float(y_test[inside].mean()) if inside.any() else 0.0,
        "box_coverage": float(y_test[inside].sum() / y_test.sum()),
        "box_restricted": int(box.restricted_dims_[0].size),
        "n_steps": int(len(prim.trajectories_[0]["density"])),
        "fit_seconds": timer.seconds,
    }


# ----------------------------------------------------------------- summaries
def summarise(records, sizes):
    table = {}
    for r in records:
        table.setdefault((r["function"], r["method"], r["n_calls"]), []).append(r)
    summary = {}
    for (name, method, n), rows in table.items():
        summary.setdefault(name, {}).setdefault(method, {})[n] = {
            key: [float(np.mean([r[key] for r in rows])), float(np.std([r[key] for r in rows]))]
            for key in ("pr_auc", "box_density", "box_coverage", "fit_seconds")
        } | {"repeats": len(rows)}
    return summary


def calls_needed(curve, sizes, target):
    """Calls raw PRIM needs for PR-AUC ``target``: interpolated in log n; None if never."""
    values = [curve[n]["pr_auc"][0] for n in sizes]
    if values[0] >= target:
        return float(sizes[0])
    for (n0, v0), (n1, v1) in zip(zip(sizes, values), zip(sizes[1:], values[1:])):
        if v0 < target <= v1:
            frac = (target - v0) / (v1 - v0)
            return float(np.exp(np.log(n0) + frac * (np.log(n1) - np.log(n0))))
    return None


def savings(summary, sizes):
    """For each REDS design size: the raw calls with the same PR-AUC, and the saving."""
    out = {}
    for name, methods in summary.items():
        rows = []
        for n in sizes:
            target = methods["reds"][n]["pr_auc"][0]
            needed = calls_needed(methods["raw"], sizes, target)
            rows.append(
                {
                    "n_calls": n,
                    "reds_pr_auc": target,
                    "raw_calls_for_same_pr_auc": needed,
                    "saving": None if needed is None else 1 - n / needed,
                }
            )
        out[name] = rows
    return out


def print_tables(summary, saved, sizes):
    header = ["function", "method"] + [f"n={n}" for n in sizes]
    rows = []
    for name, methods in summary.items():
        for method in ("raw", "reds"):
            cells = [
                f"{methods[method][n]['pr_auc'][0]:.3f} ± {methods[method][n]['pr_auc'][1]:.3f}"
                for n in sizes
            ]
            rows.append([name, method] + cells)
    print("\n**PR-AUC of the peeling trajectory on the test sample** (mean ± std)\n")
    print(markdown_table(header, rows))
    rows = []
    for name, methods in summary.items():
        for method in ("raw", "reds"):
            cells = [
                f"{methods[method][n]['box_density'][0]:.2f} / "
                f"{methods[method][n]['box_coverage'][0]:.2f}"
                for n in sizes
            ]
            rows.append([name, method] + cells)
    print("\n**Box of highest WRAcc: test density / coverage** (means)\n")
    print(markdown_table(header, rows))
    rows = []
    for name, entries in saved.items():
        cells = []
        for e in entries:
            if e["raw_calls_for_same_pr_auc"] is None:
                cells.append(f"> {sizes[-1]} (raw never reaches {e['reds_pr_auc']:.3f})")
            elif e["saving"] < 0:
                # Raw PRIM reaches this PR-AUC with fewer calls: REDS lost here.
                cells.append(f"{e['raw_calls_for_same_pr_auc']:.0f} (raw better)")
            else:
                cells.append(
                    f"{e['raw_calls_for_same_pr_auc']:.0f} calls ({100 * e['saving']:+.0f}%)"
                )
        rows.append([name] + cells)
    print("\n**Calls raw PRIM needs for REDS's PR-AUC at n calls** (saving)\n")
    print(markdown_table(["function"] + [f"n={n}" for n in sizes], rows))


def plot(summary, sizes, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(summary)
    fig, axes = plt.subplots(1, len(names), figsize=(4.2 * len(names), 3.6), squeeze=False)
    for ax, name in zip(axes[0], names):
        for method, label in (("raw", "PRIM on the runs"), ("reds", "PRIM on the metamodel")):
            mean = np.array([summary[name][method][n]["pr_auc"][0] for n in sizes])
            std = np.array([summary[name][method][n]["pr_auc"][1] for n in sizes])
            ax.plot(sizes, mean, marker="o", label=label)
            ax.fill_between(sizes, mean - std, mean + std, alpha=0.2)
        ax.set_xscale("log")
        ax.set_title(name)
        ax.set_xlabel("simulation calls")
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("PR-AUC on the test sample")
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="two sizes, one seed, smaller sets")
    parser.add_argument("--sizes", type=int, nargs="+", default=None)
    parser.add_argument("--seeds", type=int, default=None, help="repeats (5; quick: 1)")
    parser.add_argument(
        "--n-transfer", type=int, default=None, help="Sobol rows (2^14; quick 2^12)"
    )
    parser.add_argument("--n-test", type=int, default=None, help="test rows (20000; quick 5000)")
    parser.add_argument("--n-trees", type=int, default=None, help="forest size (200; quick 50)")
    parser.add_argument("--functions", nargs="+", default=list(FUNCTIONS))
    parser.add_argument(
        "--objective",
        default="original",
        choices=["original", "lenient1", "lenient2"],
        help="PRIM's peel criterion (original: Friedman & Fisher's, as in REDS)",
    )
    parser.add_argument("--output", default=None, help="JSON name in --results-dir")
    parser.add_argument("--results-dir", default=str(RESULTS_DIR))
    args = parser.parse_args(argv)
    quick = args.quick
    sizes = args.sizes or ([100, 400] if quick else [100, 200, 400, 800, 1600, 3200])
    seeds = args.seeds or (1 if quick else 5)
    args.n_transfer = args.n_transfer or (2**12 if quick else 2**14)
    args.n_test = args.n_test or (5000 if quick else 20000)
    args.n_trees = args.n_trees or (50 if quick else 200)
    name = args.output or ("scenario_quick.json" if quick else "scenario.json")

    steps = Steps(len(args.functions) * len(sizes) * seeds * 2, "fits (function, method, n, seed)")
    records, thresholds, skipped = [], {}, []
    for fname in args.functions:
        func, bounds = FUNCTIONS[fname]
        # "Interesting": above the 80% quantile of the output over the domain.
        thresholds[fname] = float(np.quantile(func(uniform_rows(100_000, bounds, 12345)), 0.8))
        X_test = uniform_rows(args.n_test, bounds, 999)
        y_test = (func(X_test) > thresholds[fname]).astype(float)
        for n in sizes:
            for seed in range(seeds):
                for method in ("raw", "reds"):
                    steps.step(f"{fname} / {method} / {n} / {seed}")
                    record = run_one(
                        fname, method, n, seed, args, thresholds[fname], X_test, y_test
                    )
                    if record is None:
                        skipped.append([fname, method, n, seed])
                    else:
                        records.append(record)
    steps.close()

    summary = summarise(records, sizes)
    saved = savings(summary, sizes)
    print_tables(summary, saved, sizes)
    results_dir = Path(args.results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    png = results_dir / name.replace(".json", ".png")
    path = write_json(
        name,
        {
            "config": {
                "sizes": sizes,
                "seeds": seeds,
                "n_transfer": args.n_transfer,
                "n_test": args.n_test,
                "n_trees": args.n_trees,
                "interesting": "output > its 80% quantile over 1e5 uniform rows",
                "prim": f"PRIM(objective={args.objective!r}): alpha=0.05, paste_alpha=0.05, "
                "mass_min=0.05",
                "metamodel": "RandomForestClassifier(min_samples_leaf=2), labels='soft'",
                "design": "LatinHypercubeSampler; transfer set SobolSampler",
            },
            "thresholds": thresholds,
            "skipped_no_interesting_run": skipped,
            "records": records,
            "summary": summary,
            "savings": saved,
        },
        results_dir=results_dir,
    )
    plot(summary, sizes, png)
    print(f"\nwrote {path} and {png}", file=sys.stderr)


if __name__ == "__main__":
    main()
