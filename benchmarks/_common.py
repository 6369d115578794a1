"""Helpers shared by the benchmark scripts: environment record, JSON output, tables."""

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
    """A Markdown table from a header and rows of already formatted cells."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
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
