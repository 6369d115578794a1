"""Finding the transfer set: adaptive sampling under a teacher-call budget, and ``memory=``.

Three parts, all in one run (issue 12):

(a) **Classification**, the protocol of ``bench_tabular.py`` (its datasets,
    splits, random-forest teacher, 8-leaf and full tree students, imported
    from it): :class:`~skmetamorph.samplers.AdaptiveSampler` (MUNGE
    candidates, its defaults) with ``budget`` equal to the number of rows the
    fixed samplers have labeled (the training rows plus ``--factor`` times as
    many synthetic rows), against every fixed sampler of ``bench_tabular.py``
    and the directly trained student. Fidelity on held-out rows; Wilcoxon
    signed-rank tests (paired by split) of the adaptive sampler against the
    best fixed sampler and against the direct student, per dataset. Beside
    them (issue 23), at the same budget: ``adaptive_student``, the adaptive
    sampler whose round student is the final student, and ``auto``, the
    training rows plus an :class:`~skmetamorph.samplers.AutoSampler` that
    spends the rest of the budget half on scoring, half on the rows it
    returns.
(b) **Surrogates**, the functions of ``bench_surrogate.py`` (the driven,
    damped oscillator, one ODE solve per call): R² of a Gaussian-process
    surrogate on held-out rows against the number of simulation calls, for a
    Sobol' design and for the adaptive sampler (Sobol' candidates, the same
    GP as its round student, strategy ``"auto"`` = ``"eigf"``). The calls
    are counted in the simulation itself. The calls needed to reach R² 0.95
    are interpolated on each mean curve.
(c) **Search with memory**: ``GridSearchCV`` over 6 candidates (3 samplers x
    2 student sizes) and 5 folds around a ``MetamorphosisClassifier`` whose
    neural-network teacher dominates the cost, with and without ``memory=``:
    teacher fits (counted by a teacher subclass) and wall time.

Targets (issue 12): (a) mean fidelity of the adaptive sampler >= the best
fixed sampler's, and no dataset where it is significantly below the direct
student; (b) R² 0.95 on the oscillator with >= 30% fewer calls than Sobol';
(c) teacher fits = folds + 1 and a wall-time ratio >= 3.

Usage::

    python benchmarks/bench_adaptive.py --quick    # CI smoke, about a minute
    python benchmarks/bench_adaptive.py            # full, about 15 minutes on one core

Writes ``results/adaptive.json`` (``adaptive_quick.json``; the folder is
``--results-dir``) and a PNG plot next to it, and prints Markdown tables on
stdout. Progress lines (one per step, with an ETA) go to stderr.
"""

import argparse
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
from joblib import Memory, Parallel, delayed
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier
from sklearn.tree import DecisionTreeClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS_DIR, Steps, Timer, markdown_table, write_json  # noqa: E402
from bench_surrogate import SIMULATIONS, make_student, uniform_rows  # noqa: E402
from bench_tabular import (  # noqa: E402
    SAMPLERS,
    STUDENTS,
    _wilcoxon_p,
    fit_metamorphosis,
    load,
    make_sampler,
)

from skmetamorph import (  # noqa: E402
    FunctionTeacher,
    MetamorphosisClassifier,
    MetamorphosisRegressor,
)
from skmetamorph.samplers import (  # noqa: E402
    MUNGE,
    AdaptiveSampler,
    AutoSampler,
    GaussianNoiseSampler,
    PoolSampler,
    SobolSampler,
    UnionSampler,
)

ADAPTIVE = "adaptive"
#: AutoSampler at the fixed samplers' teacher-row budget (issue 23).
AUTO = "auto"
#: AdaptiveSampler whose round student is the final student (issue 23's lever).
ADAPTIVE_STUDENT = "adaptive_student"
#: R² the surrogate part asks for, and the share of Sobol's calls it may use.
R2_TARGET, CALLS_SHARE_TARGET = 0.95, 0.70


# --------------------------------------------------------- (a) classification
def run_unit(dataset, n_train, seed, args):
    """Fixed samplers and the adaptive sampler, both students, one split."""
    split = load(dataset, n_train, seed)
    if split is None:
        return []
    X_train, X_test, y_train, y_test = split
    teacher = RandomForestClassifier(n_estimators=args.n_trees, random_state=seed, n_jobs=1).fit(
        X_train, y_train
    )
    teacher_test = teacher.predict(X_test)
    # The fixed samplers label the training rows plus factor x as many rows.
    budget = n_train + int(round(args.factor * n_train))
    records = []
    for student_name, make in STUDENTS.items():
        direct = make(seed).fit(X_train, y_train).predict(X_test)
        base = {
            "dataset": dataset,
            "n_train": n_train,
            "seed": seed,
            "student": student_name,
            "direct_fidelity": float(np.mean(direct == teacher_test)),
        }
        for name in SAMPLERS + [ADAPTIVE, ADAPTIVE_STUDENT, AUTO]:
            if name == ADAPTIVE:
                sampler = AdaptiveSampler(budget=budget)
            elif name == ADAPTIVE_STUDENT:
                sampler = AdaptiveSampler(budget=budget, student=make(seed))
            elif name == AUTO:
                sampler = auto_at_budget(budget, n_train, make(seed))
            else:
                sampler = make_sampler(name, X_train.shape[1], args.factor)
            clf, seconds = fit_metamorphosis(
                teacher, make(seed), sampler, "hard", seed, X_train, y_train
            )
            if name in (ADAPTIVE, ADAPTIVE_STUDENT):
                rows = clf.transfer_sampler_.n_teacher_rows_
            elif name == AUTO:
                auto = dict(clf.transfer_sampler_.samplers_)[AUTO]
                rows = n_train + auto.n_teacher_rows_total_  # the pool's rows, relabeled, too
            else:
                rows = clf.n_transfer_samples_
            records.append(
                {
                    **base,
                    **({"auto_chosen": auto.chosen_} if name == AUTO else {}),
                    "sampler": name,
                    "teacher_rows": int(rows),
                    "fidelity": float(np.mean(clf.predict(X_test) == teacher_test)),
                    "fit_seconds": seconds,
                }
            )
    return records


def auto_at_budget(budget, n_train, student):
    """The training rows plus AutoSampler's rows, all within ``budget`` teacher rows.

    The pool's ``n_train`` rows are labeled by the meta-estimator; AutoSampler
    gets the rest: its held-out rows (the training rows, labeled once more),
    its scoring rows and the rows it returns. Half of what is left after the
    held-out rows is returned, the other half is spent scoring.
    """
    own = budget - n_train
    returned = max(1, (own - n_train) // 2)
    sampler = AutoSampler(n_samples=returned, student=student, budget=own)
    return UnionSampler([("pool", PoolSampler(pool="all")), (AUTO, sampler)])


def classification_summary(records):
    """Per student: mean fidelity of every sampler; adaptive vs best fixed, vs direct."""
    students = list(dict.fromkeys(r["student"] for r in records))
    summary, datasets = [], []
    for student in students:
        rows = [r for r in records if r["student"] == student]
        by = {}
        for r in rows:
            by.setdefault(r["sampler"], {})[(r["dataset"], r["n_train"], r["seed"])] = r
        units = sorted(by[ADAPTIVE])
        means = {s: float(np.mean([by[s][u]["fidelity"] for u in units])) for s in by}
        # Equal budget: only the samplers that labeled as many rows as the adaptive one.
        fixed = [s for s in SAMPLERS if s != "none"]
        best = max(fixed, key=means.get)
        adaptive = np.array([by[ADAPTIVE][u]["fidelity"] for u in units])
        best_fid = np.array([by[best][u]["fidelity"] for u in units])
        direct = np.array([by[ADAPTIVE][u]["direct_fidelity"] for u in units])
        summary.append(
            {
                "student": student,
                "n_units": len(units),
                "fidelity": means,
                "direct_fidelity": float(direct.mean()),
                "best_fixed": best,
                "adaptive_minus_best_fixed": float((adaptive - best_fid).mean()),
                "adaptive_vs_best_fixed_p": _wilcoxon_p(adaptive - best_fid),
                "adaptive_minus_direct": float((adaptive - direct).mean()),
                "adaptive_vs_direct_p": _wilcoxon_p(adaptive - direct),
                **_auto_and_round_student_columns(by, units, best),
                "teacher_rows_adaptive": float(
                    np.mean([by[ADAPTIVE][u]["teacher_rows"] for u in units])
                ),
                "teacher_rows_fixed": float(np.mean([by[best][u]["teacher_rows"] for u in units])),
            }
        )
        for dataset in dict.fromkeys(u[0] for u in units):
            mine = [u for u in units if u[0] == dataset]
            diff = np.array(
                [by[ADAPTIVE][u]["fidelity"] - by[ADAPTIVE][u]["direct_fidelity"] for u in mine]
            )
            vs_best = np.array(
                [by[ADAPTIVE][u]["fidelity"] - by[best][u]["fidelity"] for u in mine]
            )
            datasets.append(
                {
                    "student": student,
                    "dataset": dataset,
                    "n_units": len(mine),
                    "adaptive_fidelity": float(
                        np.mean([by[ADAPTIVE][u]["fidelity"] for u in mine])
                    ),
                    "adaptive_minus_direct": float(diff.mean()),
                    "adaptive_vs_direct_p": _wilcoxon_p(diff),
                    "adaptive_minus_best_fixed": float(vs_best.mean()),
                    "adaptive_vs_best_fixed_p": _wilcoxon_p(vs_best),
                    "significantly_below_direct": bool(
                        diff.mean() < 0 and _wilcoxon_p(diff) < 0.05
                    ),
                }
            )
    return summary, datasets


def _auto_and_round_student_columns(by, units, best):
    """AutoSampler against the best fixed sampler, and the adaptive sampler with the final
    student against the default one and against MUNGE, paired over units (when they ran)."""
    if AUTO not in by:
        return {}
    auto = np.array([by[AUTO][u]["fidelity"] for u in units])
    best_fid = np.array([by[best][u]["fidelity"] for u in units])
    adaptive = np.array([by[ADAPTIVE][u]["fidelity"] for u in units])
    with_student = np.array([by[ADAPTIVE_STUDENT][u]["fidelity"] for u in units])
    munge = np.array([by["munge"][u]["fidelity"] for u in units])
    return {
        "adaptive_minus_munge": float((adaptive - munge).mean()),
        "adaptive_vs_munge_p": _wilcoxon_p(adaptive - munge),
        "adaptive_student_minus_munge": float((with_student - munge).mean()),
        "adaptive_student_vs_munge_p": _wilcoxon_p(with_student - munge),
        "adaptive_student_minus_adaptive": float((with_student - adaptive).mean()),
        "adaptive_student_vs_adaptive_p": _wilcoxon_p(with_student - adaptive),
        "auto_minus_best_fixed": float((auto - best_fid).mean()),
        "auto_vs_best_fixed_p": _wilcoxon_p(auto - best_fid),
        "teacher_rows_auto": float(np.mean([by[AUTO][u]["teacher_rows"] for u in units])),
        "auto_chosen": dict(Counter(by[AUTO][u]["auto_chosen"] for u in units).most_common()),
    }


# ----------------------------------------------------------- (b) surrogates
#: Simulation calls made by the counted simulations (rows, in this process).
SIMULATION_CALLS = {"rows": 0}


def counted_oscillator(row):
    """The oscillator of bench_surrogate.py, counting its calls."""
    SIMULATION_CALLS["rows"] += 1
    return SIMULATIONS["oscillator"]["func"](row)


def counted_borehole(X):
    """The borehole function of bench_surrogate.py, counting its rows."""
    SIMULATION_CALLS["rows"] += X.shape[0]
    return SIMULATIONS["borehole"]["func"](X)


COUNTED = {"oscillator": counted_oscillator, "borehole": counted_borehole}


def fit_surrogate(sim, design, n, seed):
    """A GP surrogate from ``n`` simulation calls; returns it and the calls counted."""
    spec = SIMULATIONS[sim]
    bounds, d = spec["bounds"], len(spec["bounds"])
    teacher = FunctionTeacher(COUNTED[sim], vectorized=spec["vectorized"])
    if design == "sobol":
        sampler = SobolSampler(n_samples=n, bounds=bounds, random_state=seed)
    else:
        sampler = AdaptiveSampler(
            SobolSampler(bounds=bounds),
            budget=n,
            student=make_student("gp", d, seed),
            random_state=seed,
        )
    SIMULATION_CALLS["rows"] = 0
    with warnings.catch_warnings():
        # The GP's optimiser may stop at a length-scale bound on tiny designs.
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        with Timer() as timer:
            reg = MetamorphosisRegressor(
                teacher, make_student("gp", d, seed), sampler, random_state=seed
            ).fit()
    return reg, SIMULATION_CALLS["rows"], timer.seconds


def score_surrogate(sim, design, n, seed, X_test, y_test):
    """One surrogate's record: R² on the test rows, simulation calls counted, rounds."""
    reg, calls, seconds = fit_surrogate(sim, design, n, seed)
    r2 = np.atleast_1d(r2_score(y_test, reg.predict(X_test), multioutput="raw_values"))
    record = {
        "simulation": sim,
        "design": design,
        "n_calls": n,
        "seed": seed,
        "calls_counted": calls,
        "r2": float(r2.mean()),
        "r2_per_output": r2.tolist(),
        "fit_seconds": seconds,
    }
    if design == ADAPTIVE:
        rounds = reg.transfer_sampler_.rounds_
        record["rounds"] = {key: value.tolist() for key, value in rounds.items()}
    return record


def calls_to_reach(points, target):
    """Calls at which a mean R² curve first reaches ``target`` (linear between sizes)."""
    points = sorted(points)
    for (n0, r0), (n1, r1) in zip([(0, -np.inf)] + points[:-1], points):
        if r1 >= target:
            if not np.isfinite(r0):
                return float(n1)
            return float(n0 + (target - r0) / (r1 - r0) * (n1 - n0))
    return None


def surrogate_summary(records):
    out, targets = [], {}
    for sim in dict.fromkeys(r["simulation"] for r in records):
        curves = {}
        for design in ("sobol", ADAPTIVE):
            rows = [r for r in records if (r["simulation"], r["design"]) == (sim, design)]
            sizes = sorted({r["n_calls"] for r in rows})
            for n in sizes:
                chosen = [r for r in rows if r["n_calls"] == n]
                entry = {
                    "simulation": sim,
                    "design": design,
                    "n_calls": n,
                    "calls_counted": float(np.mean([r["calls_counted"] for r in chosen])),
                    "r2": float(np.mean([r["r2"] for r in chosen])),
                    "r2_std": float(np.std([r["r2"] for r in chosen])),
                    "r2_per_output": np.mean([r["r2_per_output"] for r in chosen], axis=0).tolist(),
                    "fit_seconds": float(np.mean([r["fit_seconds"] for r in chosen])),
                    "n_seeds": len(chosen),
                }
                out.append(entry)
                curves.setdefault(design, []).append((n, entry["r2"]))
        sobol = calls_to_reach(curves.get("sobol", []), R2_TARGET)
        adaptive = calls_to_reach(curves.get(ADAPTIVE, []), R2_TARGET)
        ratio = adaptive / sobol if sobol and adaptive else None
        targets[sim] = {
            "r2_target": R2_TARGET,
            "sobol_calls": sobol,
            "adaptive_calls": adaptive,
            "adaptive_over_sobol": ratio,
            "fewer_calls": None if ratio is None else 1 - ratio,
            "met": bool(ratio is not None and ratio <= CALLS_SHARE_TARGET),
        }
    return out, targets


# ------------------------------------------------------ (c) search + memory
#: Teacher fits counted by CountingMLP (in this process).
TEACHER_FITS = {"n": 0}


class CountingMLP(MLPClassifier):
    """A neural-network teacher that counts its fits (module level: it must pickle).

    Slow to fit, quick to predict: the teacher's fit dominates a search's cost,
    the case ``memory=`` is for.
    """

    def fit(self, X, y, sample_weight=None):
        TEACHER_FITS["n"] += 1
        with warnings.catch_warnings():
            # A fixed, small number of epochs: the point is the cost, not convergence.
            warnings.filterwarnings("ignore", category=ConvergenceWarning)
            return super().fit(X, y, sample_weight=sample_weight)


def run_search(args, memory):
    X, y = make_classification(
        n_samples=args.search_rows, n_features=20, n_informative=10, random_state=0
    )
    clf = MetamorphosisClassifier(
        CountingMLP(
            hidden_layer_sizes=(args.search_width, args.search_width),
            max_iter=args.search_epochs,
            random_state=0,
        ),
        DecisionTreeClassifier(random_state=0),
        memory=memory,
        random_state=0,
    )
    grid = {
        "transfer_sampler": [
            PoolSampler(pool="all"),
            MUNGE(n_samples=1.0),
            GaussianNoiseSampler(n_samples=1.0),
        ],
        "student__max_leaf_nodes": [8, 32],
    }
    search = GridSearchCV(clf, grid, cv=args.folds, n_jobs=1)
    TEACHER_FITS["n"] = 0
    with Timer() as timer:
        search.fit(X, y)
    n_candidates = len(search.cv_results_["params"])
    return search, TEACHER_FITS["n"], timer.seconds, n_candidates


# ------------------------------------------------------------------ helpers
def _indexed(index, func, args):
    return index, func(*args)


def parallel(n_jobs, func, arguments):
    """``(index, func(*args))`` for each ``args``, as the jobs finish (in any order).

    The counters of the simulations and teachers are per process: each job
    counts its own calls.
    """
    return Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
        delayed(_indexed)(i, func, args) for i, args in enumerate(arguments)
    )


# ------------------------------------------------------------------ output
def print_tables(summary, datasets, surrogate, surrogate_targets, search):
    if summary:
        print("\n## (a) Fidelity at equal teacher-call budget (mean over units)\n")
        names = SAMPLERS + [ADAPTIVE]
        if AUTO in summary[0]["fidelity"]:
            names += [ADAPTIVE_STUDENT, AUTO]
        header = ["student", "direct"] + names + ["adaptive − best fixed (p)"]
        header += ["auto − best fixed (p)"] if AUTO in names else []
        rows = []
        for s in summary:
            rows.append(
                [s["student"], f"{s['direct_fidelity']:.3f}"]
                + [f"{s['fidelity'][n]:.3f}" for n in names]
                + [
                    f"{s['adaptive_minus_best_fixed']:+.3f} vs {s['best_fixed']} "
                    f"(p={s['adaptive_vs_best_fixed_p']:.3f})"
                ]
                + (
                    [f"{s['auto_minus_best_fixed']:+.3f} (p={s['auto_vs_best_fixed_p']:.3f})"]
                    if AUTO in names
                    else []
                )
            )
        print(markdown_table(header, rows))
        print("\n## (a) Adaptive vs the directly trained student, per dataset\n")
        header = ["student", "dataset", "units", "adaptive", "− direct", "p", "− best fixed", "p"]
        rows = [
            [
                d["student"],
                d["dataset"],
                d["n_units"],
                f"{d['adaptive_fidelity']:.3f}",
                f"{d['adaptive_minus_direct']:+.3f}",
                f"{d['adaptive_vs_direct_p']:.3f}",
                f"{d['adaptive_minus_best_fixed']:+.3f}",
                f"{d['adaptive_vs_best_fixed_p']:.3f}",
            ]
            for d in datasets
        ]
        print(markdown_table(header, rows))
    if surrogate:
        for sim in dict.fromkeys(r["simulation"] for r in surrogate):
            print(f"\n## (b) {sim}: R² of a GP surrogate vs simulation calls\n")
            sizes = sorted({r["n_calls"] for r in surrogate if r["simulation"] == sim})
            rows = []
            for design in ("sobol", ADAPTIVE):
                cells = {
                    r["n_calls"]: f"{r['r2']:.3f}"
                    for r in surrogate
                    if (r["simulation"], r["design"]) == (sim, design)
                }
                rows.append([design] + [cells.get(n, "-") for n in sizes])
            print(markdown_table(["design"] + [str(n) for n in sizes], rows))
            t = surrogate_targets[sim]
            fmt = lambda v: "not reached" if v is None else f"{v:.0f}"  # noqa: E731
            print(
                f"\nCalls to reach R² {t['r2_target']}: Sobol' {fmt(t['sobol_calls'])}, "
                f"adaptive {fmt(t['adaptive_calls'])}"
                + ("" if t["fewer_calls"] is None else f" ({t['fewer_calls']:.0%} fewer)")
            )
    if search:
        print("\n## (c) GridSearchCV with and without memory=\n")
        header = ["memory", "candidates x folds", "teacher fits", "wall s", "best params equal"]
        rows = [
            [
                r["memory"],
                f"{r['n_candidates']} x {r['folds']}",
                r["teacher_fits"],
                f"{r['seconds']:.1f}",
                r["same_result"],
            ]
            for r in search["runs"]
        ]
        print(markdown_table(header, rows))
        print(
            f"\nWall-time ratio {search['time_ratio']:.2f}x; teacher fits with memory "
            f"{search['fits_with_memory']} (folds + 1 = {search['folds'] + 1})."
        )


def plot(summary, surrogate, search, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(16, 4.2))
    ax = axes[0]
    if summary:
        names = SAMPLERS + [ADAPTIVE]
        x = np.arange(len(names))
        width = 0.38
        for i, s in enumerate(summary):
            values = [s["fidelity"][n] - s["direct_fidelity"] for n in names]
            ax.bar(
                x + (i - 0.5) * width,
                values,
                width,
                label=s["student"],
                edgecolor=["black" if n == ADAPTIVE else "none" for n in names],
            )
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_xticks(x, names, rotation=20)
        ax.set_ylabel("fidelity − directly trained student")
        ax.set_title("(a) equal teacher-call budget")
        ax.legend(fontsize=8)
    ax = axes[1]
    for i, sim in enumerate(dict.fromkeys(r["simulation"] for r in surrogate)):
        for design, style in (("sobol", "--"), (ADAPTIVE, "-")):
            rows = [r for r in surrogate if (r["simulation"], r["design"]) == (sim, design)]
            ax.plot(
                [r["n_calls"] for r in rows],
                [max(r["r2"], 0) for r in rows],
                style,
                marker="o",
                markersize=3,
                color=f"C{i}",
                label=f"{sim}, {design}",
            )
    if surrogate:
        ax.axhline(R2_TARGET, color="grey", linewidth=0.8, linestyle=":")
        ax.set_xlabel("simulation calls")
        ax.set_ylabel("R² on held-out rows")
        ax.set_title("(b) GP surrogate")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    ax = axes[2]
    if search:
        runs = search["runs"]
        labels = [r["memory"] for r in runs]
        ax.bar(labels, [r["seconds"] for r in runs], color=["C3", "C2"])
        for k, r in enumerate(runs):
            ax.text(
                k,
                r["seconds"],
                f"{r['teacher_fits']} teacher fits",
                ha="center",
                va="bottom",
                fontsize=9,
            )
        ax.set_ylabel("GridSearchCV wall time (s)")
        ax.set_title(f"(c) {runs[0]['n_candidates']} candidates x {runs[0]['folds']} folds")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# -------------------------------------------------------------------- main
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI smoke run")
    parser.add_argument("--parts", nargs="+", default=["a", "b", "c"], choices=["a", "b", "c"])
    parser.add_argument("--datasets", nargs="+", default=None)
    parser.add_argument("--sizes", type=int, nargs="+", default=None, help="(100 400; quick 100)")
    parser.add_argument("--splits", type=int, default=None, help="splits of (a) (5; quick 1)")
    parser.add_argument("--factor", type=float, default=10.0, help="synthetic rows per row (10)")
    parser.add_argument("--n-trees", type=int, default=None, help="teacher trees (200; quick 50)")
    parser.add_argument("--simulations", nargs="+", default=["oscillator"])
    parser.add_argument("--sobol-sizes", type=int, nargs="+", default=None)
    parser.add_argument("--adaptive-sizes", type=int, nargs="+", default=None)
    parser.add_argument("--seeds", type=int, default=None, help="seeds of (b) (2; quick 1)")
    parser.add_argument(
        "--n-test", type=int, default=None, help="test rows of (b) (1000; quick 200)"
    )
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=2,
        help="units of (a) and fits of (b) run in parallel (2); (c) runs alone",
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--search-rows", type=int, default=None, help="(2000; quick 300)")
    parser.add_argument("--search-width", type=int, default=None, help="MLP units (128; quick 16)")
    parser.add_argument("--search-epochs", type=int, default=None, help="MLP epochs (30; quick 10)")
    parser.add_argument("--output", default=None, help="JSON name in --results-dir")
    parser.add_argument("--results-dir", default=str(RESULTS_DIR))
    args = parser.parse_args(argv)
    q = args.quick
    args.datasets = args.datasets or (
        ["breast_cancer", "moons"]
        if q
        else ["breast_cancer", "wine", "iris", "digits", "classification", "moons"]
    )
    args.sizes = args.sizes or ([100] if q else [100, 400])
    args.splits = args.splits or (1 if q else 5)
    args.n_trees = args.n_trees or (50 if q else 200)
    args.sobol_sizes = args.sobol_sizes or (
        [32, 64] if q else [64, 128, 192, 256, 320, 384, 448, 512]
    )
    args.adaptive_sizes = args.adaptive_sizes or ([32, 64] if q else [64, 96, 128, 160, 192, 256])
    args.seeds = args.seeds or (1 if q else 2)
    args.n_test = args.n_test or (200 if q else 1000)
    args.search_rows = args.search_rows or (300 if q else 2000)
    args.search_width = args.search_width or (16 if q else 128)
    args.search_epochs = args.search_epochs or (10 if q else 30)
    output = args.output or ("adaptive_quick.json" if q else "adaptive.json")

    units = [(d, n, s) for d in args.datasets for n in args.sizes for s in range(args.splits)]
    fits = [
        (sim, design, n, seed)
        for sim in args.simulations
        for design, sizes in (("sobol", args.sobol_sizes), (ADAPTIVE, args.adaptive_sizes))
        for n in sizes
        for seed in range(args.seeds)
    ]
    n_steps = (
        ("a" in args.parts) * len(units)
        + ("b" in args.parts) * (len(args.simulations) + len(fits))
        + ("c" in args.parts) * 2
    )
    steps = Steps(n_steps, "steps", name="bench_adaptive")
    start = time.perf_counter()

    records = []
    if "a" in args.parts:
        # Units come back as they finish and are put back in their order.
        results = [None] * len(units)
        for index, unit_records in parallel(args.n_jobs, run_unit, [u + (args,) for u in units]):
            results[index] = unit_records
            dataset, n, seed = units[index]
            steps.done(f"(a) {dataset} / {n} / split {seed}")
        records = [record for unit in results for record in unit]
    summary, datasets = classification_summary(records) if records else ([], [])

    surrogate_records = []
    if "b" in args.parts:
        for sim in args.simulations:
            steps.step(f"(b) {sim}: {args.n_test} test rows")
            spec = SIMULATIONS[sim]
            X_test = uniform_rows(args.n_test, spec["bounds"], np.random.default_rng(12345))
            y_test = (
                FunctionTeacher(spec["func"], vectorized=spec["vectorized"]).fit().predict(X_test)
            )
            mine = [f + (X_test, y_test) for f in fits if f[0] == sim]
            done = [None] * len(mine)
            for index, record in parallel(args.n_jobs, score_surrogate, mine):
                done[index] = record
                steps.done(
                    f"(b) {sim}: {record['design']}, {record['n_calls']} calls, "
                    f"seed {record['seed']}"
                )
            surrogate_records += done
    surrogate, surrogate_targets = (
        surrogate_summary(surrogate_records) if surrogate_records else ([], {})
    )

    search = None
    if "c" in args.parts:
        steps.step(f"(c) GridSearchCV without memory, {args.folds} folds")
        plain, fits_plain, seconds_plain, n_candidates = run_search(args, None)
        steps.step(f"(c) GridSearchCV with memory, {args.folds} folds")
        with tempfile.TemporaryDirectory() as folder:
            cached, fits_cached, seconds_cached, _ = run_search(args, Memory(folder, verbose=0))
        same = bool(
            plain.best_index_ == cached.best_index_
            and np.allclose(
                plain.cv_results_["mean_test_score"], cached.cv_results_["mean_test_score"]
            )
        )
        search = {
            "folds": args.folds,
            "runs": [
                {
                    "memory": "none",
                    "n_candidates": n_candidates,
                    "folds": args.folds,
                    "teacher_fits": fits_plain,
                    "seconds": seconds_plain,
                    "same_result": same,
                },
                {
                    "memory": "joblib.Memory",
                    "n_candidates": n_candidates,
                    "folds": args.folds,
                    "teacher_fits": fits_cached,
                    "seconds": seconds_cached,
                    "same_result": same,
                },
            ],
            "fits_with_memory": fits_cached,
            "time_ratio": seconds_plain / seconds_cached,
            "targets": {
                "fits_equal_folds_plus_one": fits_cached == args.folds + 1,
                "time_ratio_at_least_3": seconds_plain / seconds_cached >= 3,
            },
        }
    steps.close()
    elapsed = time.perf_counter() - start

    print_tables(summary, datasets, surrogate, surrogate_targets, search)
    targets = {}
    if summary:
        targets["classification"] = {
            s["student"]: {
                "adaptive_minus_best_fixed": s["adaptive_minus_best_fixed"],
                "p": s["adaptive_vs_best_fixed_p"],
                "mean_at_least_best_fixed": s["adaptive_minus_best_fixed"] >= 0,
            }
            for s in summary
        }
        targets["classification"]["datasets_significantly_below_direct"] = [
            f"{d['dataset']} ({d['student']})" for d in datasets if d["significantly_below_direct"]
        ]
    if surrogate_targets:
        targets["surrogates"] = surrogate_targets
    if search:
        targets["search"] = search["targets"]
    config = {
        "n_jobs": args.n_jobs,
        "classification": {
            "protocol": "bench_tabular.py: its load() splits, RandomForestClassifier"
            f"(n_estimators={args.n_trees}) teacher (frozen), STUDENTS tree8 / tree, "
            "make_sampler() fixed samplers, include_labeled=False, hard labels",
            "datasets": args.datasets,
            "sizes": args.sizes,
            "splits": args.splits,
            "factor": args.factor,
            "adaptive": "AdaptiveSampler(budget=n_train * (1 + factor)) with its defaults: "
            "MUNGE candidates, 10 rounds, 10x candidates, ExtraTreesClassifier(50) round "
            "student, strategy 'uncertainty', exploration 0.2, 10% held out",
            "equal_budget": "the fixed samplers other than 'none' label n_train * (1 + factor) "
            "rows; 'none' labels n_train",
            "paired_test": "scipy.stats.wilcoxon (zero_method='zsplit') over (size, split)",
        },
        "surrogates": {
            "simulations": args.simulations,
            "student": "MinMaxScaler + GaussianProcessRegressor(C * Matern52(ARD) + White) of "
            "bench_surrogate.make_student('gp')",
            "sobol": "SobolSampler(n_samples=n, bounds)",
            "adaptive": "AdaptiveSampler(SobolSampler(bounds), budget=n, student=the same GP), "
            "strategy 'auto' (= 'eigf'), 10 rounds, 10% held out",
            "sobol_sizes": args.sobol_sizes,
            "adaptive_sizes": args.adaptive_sizes,
            "seeds": args.seeds,
            "test": f"{args.n_test} i.i.d. uniform rows, seed 12345",
            "calls": "counted inside the simulation function (FunctionTeacher, n_jobs=1, "
            "in the process that fits the surrogate)",
        },
        "search": {
            "data": f"make_classification({args.search_rows} rows, 20 features)",
            "teacher": f"MLPClassifier(hidden_layer_sizes=({args.search_width}, "
            f"{args.search_width}), max_iter={args.search_epochs}) subclass counting fits",
            "student": "DecisionTreeClassifier",
            "grid": "transfer_sampler in {PoolSampler('all'), MUNGE(1.0), "
            "GaussianNoiseSampler(1.0)} x student__max_leaf_nodes in {8, 32}",
            "cv": args.folds,
            "memory": "joblib.Memory in a fresh temporary folder",
        },
    }
    path = write_json(
        output,
        {
            "benchmark": "adaptive transfer sampling and memory",
            "elapsed_seconds": elapsed,
            "config": config,
            "targets": targets,
            "classification_summary": summary,
            "classification_per_dataset": datasets,
            "surrogate_summary": surrogate,
            "search": search,
            "classification_records": records,
            "surrogate_records": surrogate_records,
        },
        results_dir=args.results_dir,
    )
    png = path.with_suffix(".png")
    plot(summary, surrogate, search, png)
    print(f"\nwrote {path} and {png} ({elapsed:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
