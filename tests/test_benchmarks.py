"""Smoke test of the MNIST benchmark's --quick mode (needs the MNIST files).

CI sets SKMETAMORPH_MNIST_DIR where this workplace has the data; elsewhere the
test is skipped rather than downloading 50 MB.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

pytest.importorskip("torch")
pytest.importorskip("skorch")


@pytest.mark.skipif(
    not os.environ.get("SKMETAMORPH_MNIST_DIR"), reason="SKMETAMORPH_MNIST_DIR is not set"
)
def test_mnist_benchmark_quick_mode(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_mnist.py"), "--quick",
         "--results-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "| baseline: tree on the 1,000 labels |" in completed.stdout
    result = json.loads((tmp_path / "mnist_quick.json").read_text())
    summary = {row["model"]: row for row in result["summary"]}
    baseline = summary["baseline: tree on the 1,000 labels"]["accuracy_mean"]
    teacher = summary["teacher: self-trained CNN"]["accuracy_mean"]
    article = summary["article: CNN teacher, confident pool, hard labels"]["accuracy_mean"]
    assert 0.55 < baseline < 0.8
    # Even the small quick run must show the metamorphosis: a better teacher
    # than the tree, and a tree made from it that beats the tree alone.
    assert teacher > 0.85 and article > baseline + 0.05
    assert (tmp_path / "mnist_quick.png").stat().st_size > 0

