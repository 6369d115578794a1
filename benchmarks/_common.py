"""Helpers shared by the benchmark scripts: environment record, JSON output, tables, progress."""

import json
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np

RESULTS_DIR = Path(__file__).resolve().parent / "results"

_PACKAGES = ("skmetamorph", "numpy", "scipy", "scikit-learn", "joblib", "torch", "skorch")


def environment():
    """Versions, machine and the command line, recorded with every result file."""
    versions = {}
    for package in _PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "command": " ".join([Path(sys.executable).name] + sys.argv),
        "python": platform.python_version(),
        "versions": versions,
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(),
            # Shared machines: a high load average at the end of a run means the
            # wall times above include other work.
            "load_average_1_5_15_min": list(os.getloadavg()),
        },
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def write_json(name, payload, results_dir=RESULTS_DIR):
    """Write ``payload`` plus the environment to ``results_dir/name`` and return the path."""
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / name
    document = {"environment": environment(), **payload}
    path.write_text(json.dumps(document, indent=2, default=_to_builtin) + "\n")
    return path


def _to_builtin(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def markdown_table(header, rows):
    """A Markdown table from a header and rows of already formatted cells.

    A ``|`` inside a cell is escaped, so that it does not split the cell.
    """

    def cell(value):
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(map(cell, header)) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return "\n".join(lines)


def mean_std(values, digits=3):
    """``"mean ± std"`` of a sequence, for table cells."""
    values = np.asarray(values, dtype=float)
    return f"{values.mean():.{digits}f} ± {values.std():.{digits}f}"


class Timer:
    """Context manager measuring wall time in ``seconds``."""

    def __enter__(self):
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc_info):
        self.seconds = time.perf_counter() - self._start
        return False


class Steps:
    """One progress line per step of a long benchmark: what, ``k/n`` and an ETA.

    A benchmark runs for minutes; each line says which step it is on, how far
    it is and when it should end, e.g.::

        [bench_tabular] 12/60 units (dataset, size, split): wine / 100 / 3 (ETA 1m40s)

    The ETA is the mean wall time per finished step (time since the object was
    made, over the steps finished) times the steps left; ``?`` before any step
    has finished. Lines go to ``sys.stderr`` (the result tables stay on
    stdout), flushed at once; stdout is flushed first, so that a log holding
    both streams keeps them in order.

    Parameters
    ----------
    total : int
        Steps in all.
    what : str
        What a step is, e.g. ``"units (dataset, size, split)"``.
    name : str, default=None
        Shown in brackets; the running script's name if None.
    stream : file-like, default=None
        Where to print; None means ``sys.stderr`` at the time of printing.
    clock : callable, default=time.perf_counter
        Source of time in seconds (tests pass a fake one).

    Examples
    --------
    Serial work announces each step as it begins (:meth:`step`); work that ends
    out of order (parallel jobs) reports each step as it ends (:meth:`done`):

    >>> import sys
    >>> ticks = iter([0.0, 0.0, 10.0, 20.0, 30.0])
    >>> steps = Steps(3, "sizes", name="bench_demo", stream=sys.stdout,
    ...               clock=lambda: next(ticks))
    >>> for n in (100, 200, 400):
    ...     steps.step(f"n={n}")
    [bench_demo] 1/3 sizes: n=100 (ETA ?)
    [bench_demo] 2/3 sizes: n=200 (ETA 20s)
    [bench_demo] 3/3 sizes: n=400 (ETA 10s)
    >>> steps.close()
    [bench_demo] 3/3 sizes finished in 30s
    """

    def __init__(self, total, what, name=None, stream=None, clock=time.perf_counter):
        self.total = int(total)
        self.what = what
        self.name = name or Path(sys.argv[0]).stem or "bench"
        self.stream = stream
        self.clock = clock
        self.started = 0  # steps begun (step)
        self.finished = 0  # steps ended (done, or the step before each step)
        self.start = clock()

    def _elapsed(self):
        return self.clock() - self.start

    def _eta(self, elapsed):
        if self.finished <= 0:
            return "?"
        left = max(self.total - self.finished, 0)
        return format_duration(elapsed / self.finished * left)

    def step(self, label):
        """A step begins (the one before it, if any, has ended): print its line."""
        elapsed = self._elapsed()
        self.finished = self.started
        self.started += 1
        self.note(f"{self.started}/{self.total} {self.what}: {label} (ETA {self._eta(elapsed)})")

    def done(self, label):
        """A step has ended (in any order, e.g. a parallel job): print its line."""
        elapsed = self._elapsed()
        self.finished += 1
        self.started = max(self.started, self.finished)
        self.note(
            f"{self.finished}/{self.total} {self.what} done: {label} (ETA {self._eta(elapsed)})"
        )

    def close(self):
        """The last step has ended: print the total time."""
        elapsed = self._elapsed()
        self.finished = self.started
        self.note(
            f"{self.finished}/{self.total} {self.what} finished in {format_duration(elapsed)}"
        )

    def note(self, text):
        """Print ``[name] text`` on the progress stream, flushed."""
        sys.stdout.flush()
        print(f"[{self.name}] {text}", file=self.stream or sys.stderr, flush=True)


def format_duration(seconds):
    """``"42s"``, ``"3m05s"`` or ``"1h02m"``."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
