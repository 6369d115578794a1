"""Speed and memory of the chunked pipeline, each measured side by side in one run.

Four comparisons, each printed as a ratio against its target:

1. **Overhead** -- ``MetamorphosisClassifier.fit`` against the same chain written
   by hand (``teacher.fit``, ``MUNGE.fit_generate``, ``teacher.predict_proba``,
   ``student.fit``). Target: at most 5% slower.
2. **MUNGE** -- our implementation against a straightforward per-row Python
   loop of the same algorithm, written below as the reference. Both public
   verbs are timed, each against the loop: ``fit_generate`` (the plan made
   whole) and ``generate_batches`` (the plan in chunks of 10,000 rows,
   concatenated). They read the same position-keyed plan, so they are one
   code path and make the same rows (checked); only the way the rows are
   handed out differs. Target: each at least 20x faster, with the same
   output distribution (two-sample KS test per feature, means and standard
   deviations).
3. **Labeling throughput** -- rows per second of chunked labeling (soft
   labels, a random-forest teacher) for ``n_jobs`` 1 and 2 and several
   ``batch_size``, through the public API: the time of
   ``MetamorphosisClassifier(FrozenEstimator(teacher), student,
   PoolSampler(pool="all"), labels="soft", include_labeled=False).fit`` on the
   rows, whose student ignores its targets (``SoftTargetSink``, O(1) fit), so
   what is timed is the input checks, slicing the rows into chunks, the
   teacher's ``predict_proba`` per chunk, the soft labels, and gathering rows
   and targets into one array. Reference: one ``predict_proba`` call on all
   rows.
4. **Peak memory** -- ``tracemalloc`` peak of a whole ``fit`` against the size
   of the transfer set, materialised (``student.fit``) and streamed
   (``streaming=True``, ``partial_fit``). Target: the streamed peak stays flat.
   Then ten million MUNGE rows streamed into an ``SGDClassifier`` in a fresh
   process, with its peak resident memory (and, for contrast, the same fit
   materialised).

The two sides of each comparison alternate, repeat after repeat, and the best
time of each is kept (other work on a shared machine only ever adds time); the
overhead is the median ratio of adjacent pairs of runs, which see about the
same load. BLAS and OpenMP run one thread (both
sides alike). The load average at the end is in the JSON: on a busy machine the
absolute times are slower, the ratios much less so.

Usage::

    python benchmarks/bench_speed.py --quick   # < 1 min, small sizes
    python benchmarks/bench_speed.py           # full: minutes, 10M-row stream

Writes ``results/speed.json`` (``speed_quick.json`` in quick mode; the folder
is ``--results-dir``) and prints Markdown tables on stdout. While it runs, one
progress line per timed repeat, memory fit or big run, with an ETA, goes to
stderr.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from joblib import parallel_config
from scipy import stats
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import SGDClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS_DIR, Steps, Timer, markdown_table, write_json  # noqa: E402

from skmetamorph import MetamorphosisClassifier  # noqa: E402
from skmetamorph.samplers import MUNGE, PoolSampler  # noqa: E402
from skmetamorph.utils import MetamorphTags  # noqa: E402

TARGETS = {"overhead_max": 0.05, "munge_speedup_min": 20.0, "streamed_flatness_max": 1.25}


def dataset(n_rows, n_features, seed=0, n_classes=3):
    X, y = make_classification(
        n_samples=n_rows,
        n_features=n_features,
        n_informative=n_features // 2,
        n_classes=n_classes,
        random_state=seed,
    )
    return StandardScaler().fit_transform(X), y


def alternate(functions, repeats, steps=None, what=""):
    """Run the functions in turn, ``repeats`` times; per function: all wall times.

    With ``steps`` (a :class:`Steps`), each repeat is one progress step.
    """
    times = [[] for _ in functions]
    for repeat in range(repeats):
        if steps is not None:
            steps.step(f"{what}, repeat {repeat + 1}/{repeats}")
        for function, spent in zip(functions, times):
            with Timer() as timer:
                function()
            spent.append(timer.seconds)
    return times


def summary(times):
    return {"best_s": min(times), "median_s": statistics.median(times), "all_s": times}


# --------------------------------------------------------------- 1. overhead
def bench_overhead(args):
    X, y = dataset(args.overhead_rows, 20)
    teacher = RandomForestClassifier(n_estimators=args.trees, n_jobs=1, random_state=0)
    student = DecisionTreeClassifier(max_depth=10, random_state=0)
    factor = 10.0

    def by_hand():
        fitted = clone(teacher).fit(X, y)
        X_transfer = MUNGE(n_samples=factor, random_state=0).fit_generate(X)
        proba = fitted.predict_proba(X_transfer)
        y_transfer = fitted.classes_[np.argmax(proba, axis=1)]
        clone(student).fit(np.concatenate([X, X_transfer]), np.concatenate([y, y_transfer]))

    def metamorphosis():
        MetamorphosisClassifier(teacher, student, MUNGE(n_samples=factor), random_state=0).fit(X, y)

    hand, ours = alternate(
        [by_hand, metamorphosis], args.overhead_repeats, args.steps, "1. overhead"
    )
    ratio_best = min(ours) / min(hand)
    # Each pair of runs is adjacent in time, so it sees about the same load from
    # other work on the machine: the median of the pair ratios is the headline.
    ratio_paired = statistics.median(o / h for o, h in zip(ours, hand))
    result = {
        "n_rows": len(X),
        "teacher_trees": args.trees,
        "munge_factor": factor,
        "setup": f"{len(X)} rows x 20 features, 3 classes; teacher RandomForest("
        f"{args.trees} trees, n_jobs=1); MUNGE(n_samples={factor}) = {int(factor * len(X))} "
        "rows; student DecisionTree(max_depth=10); hard labels",
        "by_hand": summary(hand),
        "metamorphosis": summary(ours),
        "overhead_paired_median": ratio_paired - 1,
        "overhead_best": ratio_best - 1,
        "overhead_median": statistics.median(ours) / statistics.median(hand) - 1,
        "target": f"<= {TARGETS['overhead_max']:.0%}",
        "met": ratio_paired - 1 <= TARGETS["overhead_max"],
    }
    print("\n## 1. Overhead of MetamorphosisClassifier over the chain written by hand\n")
    print(result["setup"])
    print(
        markdown_table(
            ["", "best (s)", "median (s)"],
            [
                ["by hand", f"{min(hand):.3f}", f"{statistics.median(hand):.3f}"],
                ["MetamorphosisClassifier", f"{min(ours):.3f}", f"{statistics.median(ours):.3f}"],
            ],
        )
    )
    print(
        f"overhead: {result['overhead_paired_median']:+.1%} (median of {len(hand)} paired "
        f"runs; best vs best {result['overhead_best']:+.1%}); target {result['target']}: "
        f"{'met' if result['met'] else 'NOT met'}"
    )
    return result


# ------------------------------------------------------ 2. MUNGE vs reference
def munge_reference(X, n_samples, p=0.5, s=1.0, seed=0):
    """MUNGE (Bucilua et al. 2006) as a plain per-row Python loop: the reference.

    The same algorithm as :class:`skmetamorph.samplers.MUNGE` for continuous
    features: nearest neighbours on standardised features, rows used in rounds,
    and for each new row and feature, with probability ``p``, a draw from
    ``Normal(b, |a - b| / s)`` around the neighbour's value ``b``, else ``a``'s.
    """
    rng = np.random.default_rng(seed)
    n_rows, n_features = X.shape
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    neighbour = np.empty(n_rows, dtype=int)
    for i in range(n_rows):  # one row at a time, its distances to all rows
        distances = ((Z - Z[i]) ** 2).sum(axis=1)
        distances[i] = np.inf
        neighbour[i] = int(np.argmin(distances))
    rows = []
    n_rounds, rest = divmod(n_samples, n_rows)
    order = list(range(n_rows)) * n_rounds + sorted(rng.choice(n_rows, rest, replace=False))
    for i in order:
        a, b = X[i], X[neighbour[i]]
        new = []
        for j in range(n_features):
            if rng.random() < p:
                new.append(rng.normal(b[j], abs(a[j] - b[j]) / s))
            else:
                new.append(a[j])
        rows.append(new)
    return np.array(rows)


MUNGE_TIMED = {
    "fit_generate": "MUNGE.fit_generate(X): fit_plan, then the plan made whole",
    "generate_batches": "MUNGE.generate_batches(X, batch_size=10,000): fit_plan, then "
    "the plan's chunks, concatenated",
}


def bench_munge(args):
    X, _ = dataset(args.munge_rows, 10, seed=1)
    n_out = 100 * len(X)  # "100x is common": a million rows from ten thousand
    out = {}

    def reference():
        out["reference"] = munge_reference(X, n_out)

    def fit_generate():
        out["fit_generate"] = MUNGE(n_samples=n_out, random_state=0).fit_generate(X)

    def chunked():
        batches = MUNGE(n_samples=n_out, random_state=0).generate_batches(X, batch_size=10_000)
        out["generate_batches"] = np.concatenate(list(batches))

    times = alternate(
        [reference, fit_generate, chunked], args.munge_repeats, args.steps, "2. MUNGE vs loop"
    )
    ref = out["reference"]
    # Both verbs read the same position-keyed plan (one algorithm): fit_generate
    # makes it whole, in blocks, generate_batches hands it out in chunks that
    # are concatenated here. Their rows are the same; their times may differ.
    identical = bool(np.array_equal(out["fit_generate"], out["generate_batches"]))
    sides = {}
    for name, spent in zip(["fit_generate", "generate_batches"], times[1:]):
        rows = out[name]
        ks = [stats.ks_2samp(ref[:, j], rows[:, j]).pvalue for j in range(X.shape[1])]
        scale = ref.std(axis=0)
        sides[name] = {
            **summary(spent),
            "timed": MUNGE_TIMED[name],
            "speedup_best": min(times[0]) / min(spent),
            "speedup_median": statistics.median(times[0]) / statistics.median(spent),
            "ks_pvalue_min": min(ks),
            "ks_pvalues": ks,
            "mean_diff_max_in_sd": float(
                np.max(np.abs(rows.mean(axis=0) - ref.mean(axis=0)) / scale)
            ),
            "sd_ratio_range": [
                float(np.min(rows.std(axis=0) / scale)),
                float(np.max(rows.std(axis=0) / scale)),
            ],
            "correlation_diff_max": float(np.max(np.abs(np.corrcoef(rows.T) - np.corrcoef(ref.T)))),
        }
    result = {
        "n_rows": len(X),
        "n_out": n_out,
        "setup": f"{len(X)} rows x 10 continuous features -> {n_out} rows, p=0.5, s=1",
        "reference_per_row_loop": summary(times[0]),
        **sides,
        "same_code_path": "fit_generate and generate_batches read the same plan "
        "(MUNGE.fit_plan: neighbour search once, rows keyed by position)",
        "fit_generate_rows_equal_generate_batches_rows": identical,
        "target": f">= {TARGETS['munge_speedup_min']:.0f}x, same distribution",
        "met": all(
            side["speedup_best"] >= TARGETS["munge_speedup_min"] and side["ks_pvalue_min"] > 1e-3
            for side in sides.values()
        ),
    }
    print("\n## 2. MUNGE against a per-row Python loop of the same algorithm\n")
    print(result["setup"])
    print(
        "fit_generate: "
        + MUNGE_TIMED["fit_generate"]
        + "; generate_batches: "
        + MUNGE_TIMED["generate_batches"]
        + ". One code path (the same plan): rows "
        + ("identical" if identical else "NOT identical")
        + "; each is compared with the loop on its own."
    )
    rows = [["per-row loop (reference)", f"{min(times[0]):.3f}", "1x", "-", "-", "-"]]
    for name, side in sides.items():
        rows.append(
            [
                f"MUNGE.{name}",
                f"{side['best_s']:.4f}",
                f"{side['speedup_best']:.0f}x",
                f"{side['ks_pvalue_min']:.3f}",
                f"{side['mean_diff_max_in_sd']:.3f}",
                f"{side['sd_ratio_range'][0]:.3f}-{side['sd_ratio_range'][1]:.3f}",
            ]
        )
    print(
        markdown_table(
            ["", "best (s)", "speed-up", "min KS p", "max |mean diff| (sd)", "sd ratio"], rows
        )
    )
    print(f"target {result['target']}: {'met' if result['met'] else 'NOT met'}")
    return result


# ------------------------------------------------------- 3. labeling throughput
class SoftTargetSink(ClassifierMixin, BaseEstimator):
    """A student that takes soft targets and learns nothing: its ``fit`` is O(1).

    It declares the public ``student.soft_targets`` tag, so the meta-estimator
    hands it the probability matrix as it is (a student without the tag would
    get every row repeated once per class, a copy that is no part of labeling).
    With it, ``MetamorphosisClassifier.fit`` times the chunked labeling itself.
    """

    def fit(self, X, y, classes=None):
        self.classes_ = np.asarray(classes)
        self.n_rows_ = X.shape[0]
        return self

    def predict(self, X):
        return np.full(X.shape[0], self.classes_[0])

    def __skmetamorph_tags__(self):
        tags = MetamorphTags()
        tags.student.soft_targets = True
        return tags


def bench_labeling(args):
    X, y = dataset(2000, 20, seed=2)
    teacher = RandomForestClassifier(n_estimators=args.trees, n_jobs=1, random_state=0).fit(X, y)
    rows = MUNGE(n_samples=args.labeling_rows, random_state=0).fit_generate(X)
    y_rows = teacher.predict(rows)  # fit needs labels; include_labeled=False ignores them
    configs = [
        (n_jobs, backend, b)
        for b in args.batch_sizes
        for n_jobs, backend in ((1, "loky"), (2, "loky"), (2, "threading"))
    ]

    def label(n_jobs, backend, b):
        # Public API only: the frozen teacher labels the given rows (PoolSampler
        # slices them, chunk by chunk), soft labels, and the student ignores them.
        model = MetamorphosisClassifier(
            FrozenEstimator(teacher),
            SoftTargetSink(),
            PoolSampler(pool="all"),
            labels="soft",
            include_labeled=False,
            batch_size=b,
            n_jobs=n_jobs,
        )
        with parallel_config(backend=backend):
            model.fit(rows, y_rows)
        assert model.student_.n_rows_ == len(rows)

    def one_call():
        teacher.predict_proba(rows)

    functions = [lambda config=config: label(*config) for config in configs] + [one_call]
    functions[1]()  # warm-up: the loky workers start once, not in the first timing
    times = alternate(functions, args.repeats, args.steps, "3. labeling throughput")
    reference = times.pop()
    table, result_rows = [], []
    by_config = {config: min(spent) for config, spent in zip(configs, times)}
    for (n_jobs, backend, b), spent in zip(configs, times):
        rate = len(rows) / min(spent)
        speedup = by_config[(1, "loky", b)] / min(spent)
        backend_name = backend if n_jobs > 1 else "-"
        result_rows.append(
            {
                "n_jobs": n_jobs,
                "backend": backend_name,
                "batch_size": b,
                **summary(spent),
                "rows_per_s": rate,
                "speedup_vs_n_jobs_1": speedup,
            }
        )
        table.append(
            [n_jobs, backend_name, f"{b:,}", f"{min(spent):.3f}", f"{rate:,.0f}", f"{speedup:.2f}x"]
        )
    one_call_rate = len(rows) / min(reference)
    table.append(
        [
            "1",
            "-",
            "all rows, one call",
            f"{min(reference):.3f}",
            f"{one_call_rate:,.0f}",
            "(reference)",
        ]
    )
    print("\n## 3. Labeling throughput (soft labels, random-forest teacher)\n")
    setup = (
        f"{len(rows):,} MUNGE rows x 20 features; teacher RandomForest({args.trees} trees, "
        "n_jobs=1). Timed: MetamorphosisClassifier(FrozenEstimator(teacher), a student "
        "that ignores its soft targets, PoolSampler(pool='all'), labels='soft', "
        "include_labeled=False, batch_size, n_jobs).fit on the rows: input checks, "
        "chunks sliced from the rows, teacher.predict_proba per chunk, soft labels, "
        "rows and targets gathered into one array. n_jobs=2 with joblib's loky "
        "(processes) and threading backends. Reference: teacher.predict_proba on all "
        "rows in one call, no chunks"
    )
    print(setup)
    print(
        markdown_table(
            ["n_jobs", "backend", "batch_size", "best (s)", "rows/s", "vs n_jobs=1"], table
        )
    )
    return {
        "setup": setup,
        "n_rows": len(rows),
        "teacher_trees": args.trees,
        "timed": "MetamorphosisClassifier(FrozenEstimator(teacher), SoftTargetSink(), "
        "PoolSampler(pool='all'), labels='soft', include_labeled=False, batch_size=b, "
        "n_jobs=j).fit(rows, teacher.predict(rows))",
        "cpu_count": os.cpu_count(),
        "results": result_rows,
        "reference_one_predict_proba_call": {**summary(reference), "rows_per_s": one_call_rate},
    }


# ------------------------------------------------------------ 4. peak memory
def _fit_for_memory(X, y, n_samples, streaming, batch_size=10_000):
    teacher = RandomForestClassifier(n_estimators=10, max_depth=10, n_jobs=1, random_state=0)
    student = SGDClassifier(max_iter=3, tol=None, random_state=0)
    return MetamorphosisClassifier(
        teacher,
        student,
        MUNGE(n_samples=n_samples),
        streaming=streaming,
        batch_size=batch_size,
        random_state=0,
    ).fit(X, y)


def bench_memory(args):
    X, y = dataset(10_000, 20, seed=3)
    rows = []
    for n_samples in args.memory_sizes:
        for streaming in (False, True):
            path = "streamed" if streaming else "materialised"
            args.steps.step(f"4. peak memory, {n_samples:,} rows {path}")
            tracemalloc.start()
            with Timer() as timer:
                _fit_for_memory(X, y, n_samples, streaming)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            rows.append(
                {
                    "n_transfer_samples": n_samples,
                    "path": path,
                    "transfer_set_mb": n_samples * X.shape[1] * 8 / 2**20,
                    "peak_mb": peak / 2**20,
                    "seconds": timer.seconds,
                }
            )
    streamed = [r["peak_mb"] for r in rows if r["path"] == "streamed"]
    flatness = max(streamed) / min(streamed)
    result = {
        "setup": "10,000 rows x 20 features; teacher RandomForest(10 trees, depth 10); "
        "MUNGE; student SGDClassifier (max_iter=3 when materialised, 1 pass when "
        "streamed); batch_size=10,000; tracemalloc peak of the whole fit",
        "rows": rows,
        "streamed_peak_largest_over_smallest": flatness,
        "size_largest_over_smallest": max(args.memory_sizes) / min(args.memory_sizes),
        "target": f"streamed peak flat (largest / smallest <= {TARGETS['streamed_flatness_max']})",
        "met": flatness <= TARGETS["streamed_flatness_max"],
    }
    print("\n## 4. Peak memory (tracemalloc) against the size of the transfer set\n")
    print(result["setup"])
    peaks = {(r["n_transfer_samples"], r["path"]): r["peak_mb"] for r in rows}
    print(
        markdown_table(
            ["transfer rows", "transfer set (MB)", "materialised peak (MB)", "streamed peak (MB)"],
            [
                [
                    f"{n:,}",
                    f"{n * 20 * 8 / 2**20:.0f}",
                    f"{peaks[n, 'materialised']:.0f}",
                    f"{peaks[n, 'streamed']:.1f}",
                ]
                for n in args.memory_sizes
            ],
        )
    )
    print(
        f"streamed peak, largest / smallest transfer set: {flatness:.2f} for "
        f"{result['size_largest_over_smallest']:.0f}x the rows; target "
        f"{result['target']}: {'met' if result['met'] else 'NOT met'}"
    )
    return result


class RSSMonitor:
    """Largest resident set size of this process while in the ``with`` block.

    ``ru_maxrss`` is a high-water mark over the whole process, and Linux carries
    it over from the parent through fork and exec (a child of this benchmark
    starts with the parent's peak); sampling ``/proc/self/statm`` from a thread
    every 10 ms gives the peak of the fit itself.
    """

    def __enter__(self):
        import threading

        self.start_mb = self.peak_mb = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self):
        while not self._stop.wait(0.01):
            self.peak_mb = max(self.peak_mb, _rss_mb())

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, _rss_mb())
        return False


def _rss_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def big_child(n_samples, streaming):
    """In a fresh process: one big fit, then print its memory and time as JSON."""
    X_all, y_all = dataset(40_000, 20, seed=4, n_classes=2)
    X, y, X_test = X_all[:10_000], y_all[:10_000], X_all[10_000:]
    teacher = HistGradientBoostingClassifier(max_iter=30, random_state=0)
    model = MetamorphosisClassifier(
        teacher,
        SGDClassifier(max_iter=1, tol=None, random_state=0),
        MUNGE(n_samples=n_samples),
        streaming=streaming,
        batch_size=50_000,
        random_state=0,
        verbose=1,
    )
    with Timer() as timer, RSSMonitor() as rss:
        model.fit(X, y)
    print(
        json.dumps(
            {
                "n_transfer_samples": model.n_transfer_samples_,
                "path": "streamed" if streaming else "materialised",
                "seconds": timer.seconds,
                "rss_before_fit_mb": rss.start_mb,
                "peak_rss_during_fit_mb": rss.peak_mb,
                "fit_rss_increase_mb": rss.peak_mb - rss.start_mb,
                "transfer_set_mb": n_samples * 20 * 8 / 2**20,
                "fidelity_on_30000_rows": model.fidelity(X_test),
            }
        )
    )


def bench_big(args):
    results = []
    for streaming in (True, False) if args.big_materialised else (True,):
        path = "streamed" if streaming else "materialised"
        args.steps.step(f"4b. {args.big_rows:,} rows {path}, in a fresh process")
        command = [sys.executable, __file__, "--big-child", str(args.big_rows)]
        if not streaming:
            command.append("--materialised")
        completed = subprocess.run(command, capture_output=True, text=True, check=True)
        progress_lines = [line for line in completed.stdout.splitlines() if line.startswith("[")]
        result = json.loads(completed.stdout.splitlines()[-1])
        result["log"] = progress_lines
        results.append(result)
    print(f"\n## 4b. {args.big_rows:,} MUNGE rows in a fresh process (resident memory)\n")
    print(
        "10,000 rows x 20 features, 2 classes; teacher HistGradientBoosting(30 iterations); "
        "student SGDClassifier (1 pass); batch_size=50,000; hard labels; fidelity on 30,000 "
        "held-out rows"
    )
    print(
        markdown_table(
            [
                "path",
                "transfer set (MB)",
                "RSS before fit (MB)",
                "peak RSS in fit (MB)",
                "increase (MB)",
                "time (s)",
                "fidelity",
            ],
            [
                [
                    r["path"],
                    f"{r['transfer_set_mb']:,.0f}",
                    f"{r['rss_before_fit_mb']:,.0f}",
                    f"{r['peak_rss_during_fit_mb']:,.0f}",
                    f"{r['fit_rss_increase_mb']:,.0f}",
                    f"{r['seconds']:.0f}",
                    f"{r['fidelity_on_30000_rows']:.3f}",
                ]
                for r in results
            ],
        )
    )
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, < 1 minute")
    parser.add_argument("--output", default=None, help="JSON name in --results-dir")
    parser.add_argument(
        "--results-dir", default=str(RESULTS_DIR), help="folder of the JSON (results/)"
    )
    parser.add_argument("--big-child", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--materialised", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    # One BLAS/OpenMP thread everywhere (both sides of every comparison alike):
    # on a shared 2-core machine, idle OpenMP threads spin-waiting for a core
    # (neighbour search, gradient boosting) add more noise than speed.
    threadpool_limits(limits=1)
    if args.big_child is not None:
        big_child(args.big_child, streaming=not args.materialised)
        return 0

    quick = args.quick
    args.repeats = 3 if quick else 5
    args.overhead_repeats = 3 if quick else 9
    args.trees = 20 if quick else 50
    args.overhead_rows = 2_000 if quick else 10_000
    args.munge_rows = 300 if quick else 2_000
    args.munge_repeats = 2 if quick else 3
    args.labeling_rows = 20_000 if quick else 200_000
    args.batch_sizes = [1_000, 10_000] if quick else [1_000, 10_000, 50_000]
    args.memory_sizes = [20_000, 40_000, 80_000] if quick else [100_000, 200_000, 400_000, 800_000]
    args.big_rows = 200_000 if quick else 10_000_000
    args.big_materialised = not quick
    args.steps = Steps(
        args.overhead_repeats
        + args.munge_repeats
        + args.repeats
        + 2 * len(args.memory_sizes)
        + (2 if args.big_materialised else 1),
        "steps",
        name="bench_speed",
    )

    start = time.perf_counter()
    results = {
        "overhead": bench_overhead(args),
        "munge": bench_munge(args),
        "labeling": bench_labeling(args),
        "memory": bench_memory(args),
        "big_stream": bench_big(args),
    }
    results["elapsed_seconds"] = time.perf_counter() - start
    args.steps.close()
    output = args.output or ("speed_quick.json" if quick else "speed.json")
    path = write_json(
        output,
        {
            "benchmark": "speed and memory of the chunked pipeline",
            "quick": quick,
            "targets": TARGETS,
            "niceness": os.nice(0),
            **results,
        },
        results_dir=args.results_dir,
    )
    print(f"\nwrote {path} ({results['elapsed_seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
