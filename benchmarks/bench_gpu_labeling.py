"""Teacher labeling throughput of a CNN on MNIST-sized input, on CPU and GPU.

A :class:`skmetamorph.torch.TorchClassifier` wrapping :class:`SmallCNN` labels
a transfer set of random 28x28 float32 rows through ``MetamorphosisClassifier``
itself (public API only): ``MetamorphosisClassifier(FrozenEstimator(net),
student, PoolSampler(pool="all"), labels="soft", include_labeled=False,
batch_size=chunk_size).fit`` on the rows, with a student that keeps its soft
targets and learns nothing. That is the meta-estimator's labeling: chunks of
``batch_size`` rows, the net's logits, float64 softmax; the time also includes
the input checks and gathering the rows and targets into one array.
Throughput does not depend on the weights, so the net is trained for one epoch
on a few rows only. For comparison, the same net is also run through skorch's
own row-by-row DataLoader path.

Each device found is measured (CPU always, CUDA when ``torch.cuda`` sees a
GPU); the JSON names the device and says when no GPU was available.

Usage::

    python benchmarks/bench_gpu_labeling.py               # 20,000 rows
    python benchmarks/bench_gpu_labeling.py --n-rows 60000 --repeats 5
    python benchmarks/bench_gpu_labeling.py --quick       # 2,000 rows, 2 repeats

Writes ``results/gpu_labeling.json`` (``gpu_labeling_quick.json`` in quick
mode; ``--output`` names another path) and prints a table on stdout. While it
runs, one progress line per device set-up and per timed repeat, with an ETA,
goes to stderr.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS_DIR, Steps  # noqa: E402


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def timed(functions, X, repeats, steps=None, what=""):
    """Best and median wall time of each function on ``X``, after a warm-up.

    The functions take turns, repeat after repeat, so that other work on a
    shared machine slows them alike; the best time is the one reported (as
    ``timeit`` advises), since such work only ever adds time. With ``steps``
    (a :class:`Steps`), each repeat is one progress step.
    """
    for function in functions:
        function(X[:2048])  # warm-up: CUDA context, cuDNN algorithm choice, allocator
    times = [[] for _ in functions]
    for repeat in range(repeats):
        if steps is not None:
            steps.step(f"{what}: repeat {repeat + 1}/{repeats}")
        for function, spent in zip(functions, times):
            start = time.perf_counter()
            function(X)
            spent.append(time.perf_counter() - start)
    return [(min(spent), statistics.median(spent)) for spent in times]


class _SoftTargetSink(ClassifierMixin, BaseEstimator):
    """A student that keeps the soft targets it is given and learns nothing.

    It declares the public ``student.soft_targets`` tag, so the meta-estimator
    hands it the probability matrix as it is.
    """

    def fit(self, X, y, classes=None):
        self.classes_, self.targets_ = np.asarray(classes), y
        return self

    def predict(self, X):
        return np.full(X.shape[0], self.classes_[0])

    def __skmetamorph_tags__(self):
        from skmetamorph.utils import MetamorphTags

        tags = MetamorphTags()
        tags.student.soft_targets = True
        return tags


def measure(device, X, args, threads=None, steps=None):
    import skorch
    import torch
    from sklearn.frozen import FrozenEstimator

    from skmetamorph import MetamorphosisClassifier
    from skmetamorph.samplers import PoolSampler
    from skmetamorph.torch import SmallCNN, TorchClassifier

    if threads is not None:
        torch.set_num_threads(threads)
    what = device if threads is None else f"{device} ({threads} torch threads)"
    if steps is not None:
        steps.step(f"{what}: net trained on 256 rows, warm-up")
    batch = args.predict_batch_size or (4096 if device == "cuda" else 128)
    net = TorchClassifier(
        SmallCNN,
        module__image_shape=(28, 28),
        module__channels=(32, 64),
        module__hidden_units=128,
        max_epochs=1,
        predict_batch_size=batch,
        device=device,
        random_state=0,
    )
    rng = np.random.RandomState(0)
    net.fit(X[:256], rng.randint(0, 10, 256))
    n_params = sum(p.numel() for p in net.module_.parameters())

    def label(rows):
        # The meta-estimator's own labeling, through its public API: the frozen
        # net labels the given rows in chunks of ``chunk_size`` (soft labels:
        # logits, float64 softmax); the student keeps the targets and learns
        # nothing, so its fit costs nothing.
        model = MetamorphosisClassifier(
            FrozenEstimator(net),
            _SoftTargetSink(),
            PoolSampler(pool="all"),
            labels="soft",
            include_labeled=False,
            batch_size=args.chunk_size,
        )
        # fit needs labels (of the net's classes); with include_labeled=False the
        # student never sees them.
        y = np.arange(rows.shape[0]) % 10
        return model.fit(rows, y).student_.targets_

    def skorch_loader(rows):
        outputs = skorch.NeuralNet.forward_iter(net, skorch.dataset.Dataset(rows))
        return np.concatenate([torch.softmax(o, dim=1).cpu().numpy() for o in outputs])

    if device == "cuda":
        name = torch.cuda.get_device_name(0)
    else:
        name = f"{cpu_name()} ({torch.get_num_threads()} torch threads, {os.cpu_count()} cores)"
    rows = []
    paths = [
        (
            "skmetamorph MetamorphosisClassifier soft labeling (TorchClassifier slices, logits)",
            label,
            batch,
        )
    ]
    if not args.skip_skorch_loader:
        paths.append(("skorch DataLoader, row by row (baseline)", skorch_loader, net.batch_size))
    timings = timed([function for _, function, _ in paths], X, args.repeats, steps, what)
    for (path, _, batch_size), (best, median) in zip(paths, timings):
        rows.append(
            {
                "device": device,
                "device_name": name,
                "path": path,
                "rows": int(X.shape[0]),
                "forward_batch_size": int(batch_size),
                "seconds_best": round(best, 4),
                "seconds_median": round(median, 4),
                "rows_per_s": round(X.shape[0] / best, 1),
                "model_parameters": int(n_params),
            }
        )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 rows, 2 repeats")
    parser.add_argument("--n-rows", type=int, default=None, help="(20,000; quick 2,000)")
    parser.add_argument("--repeats", type=int, default=None, help="(5; quick 2)")
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=10_000,
        help="MetamorphosisClassifier batch_size: rows per labeling chunk",
    )
    parser.add_argument(
        "--predict-batch-size",
        type=int,
        default=None,
        help="rows per forward pass (default 128 on CPU, 4096 on GPU)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        nargs="+",
        default=None,
        help="torch CPU thread counts to measure (default: torch's own choice)",
    )
    parser.add_argument("--skip-skorch-loader", action="store_true")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="JSON path (results/gpu_labeling.json; quick: gpu_labeling_quick.json)",
    )
    args = parser.parse_args(argv)
    args.n_rows = args.n_rows or (2_000 if args.quick else 20_000)
    args.repeats = args.repeats or (2 if args.quick else 5)
    if args.output is None:
        stem = "gpu_labeling_quick" if args.quick else "gpu_labeling"
        args.output = RESULTS_DIR / f"{stem}.json"

    import skorch
    import torch

    X = np.random.RandomState(0).rand(args.n_rows, 28 * 28).astype(np.float32)
    gpu = torch.cuda.is_available()
    load_before = os.getloadavg()
    results = []
    thread_counts = args.threads or [None]
    steps = Steps(
        (len(thread_counts) + gpu) * (1 + args.repeats), "steps", name="bench_gpu_labeling"
    )
    for threads in thread_counts:
        results += measure("cpu", X, args, threads, steps)
    if gpu:
        results += measure("cuda", X, args, steps=steps)
    steps.close()

    report = {
        "benchmark": "teacher labeling throughput, CNN on MNIST-sized input",
        "input": f"{args.n_rows} random float32 rows of 28x28 = 784 features",
        "model": "skmetamorph.torch.SmallCNN(channels=(32, 64), hidden_units=128)",
        "labeling_chunk_size": args.chunk_size,
        "repeats": args.repeats,
        "torch": torch.__version__,
        "skorch": skorch.__version__,
        "python": platform.python_version(),
        "load_average_1_5_15min_at_start": [round(v, 2) for v in load_before],
        "gpu_available": gpu,
        "note": (
            "GPU figures recorded."
            if gpu
            else "No CUDA GPU was available on this machine: only the CPU figure is "
            "recorded. Run this script on a machine with a GPU to add it."
        ),
        "results": results,
    }
    if load_before[0] > 0.5 * (os.cpu_count() or 1):
        report["cpu_note"] = (
            "Other work was running on this CPU while it was measured (see the load "
            "average), so the CPU figures are pessimistic."
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")

    print(f"{'device':6} {'rows/s':>12} {'seconds':>9}  path / device name")
    for row in results:
        print(
            f"{row['device']:6} {row['rows_per_s']:>12,.0f} {row['seconds_best']:>9.3f}  "
            f"{row['path']}\n{'':30}{row['device_name']}"
        )
    print(report["note"])
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
