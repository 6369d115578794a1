"""Smoke tests of the benchmarks' --quick modes.

The MNIST one needs torch, skorch and the MNIST files: CI sets
SKMETAMORPH_MNIST_DIR where this workplace has the data; elsewhere the test
is skipped rather than downloading 50 MB.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.skipif(
    not os.environ.get("SKMETAMORPH_MNIST_DIR"), reason="SKMETAMORPH_MNIST_DIR is not set"
)
def test_mnist_benchmark_quick_mode(tmp_path):
    pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")
    pytest.importorskip("skorch", reason="needs the torch extra: pip install -e '.[torch]'")
    completed = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "bench_mnist.py"),
            "--quick",
            "--results-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "| tree on the 1,000 labels |" in completed.stdout
    result = json.loads((tmp_path / "mnist_quick.json").read_text())
    summary = {(row["family"], row["max_leaf_nodes"]): row for row in result["summary"]}
    leaves = result["config"]["leaves"]
    teacher = summary["teacher", None]["accuracy_mean"]
    assert 0.55 < summary["tree on the 1,000 labels", None]["accuracy_mean"] < 0.8
    assert teacher > 0.85
    family = "metamorphosis: pool + 4 shifts + elastic, hard labels"
    for L in leaves:
        direct = summary["tree on the 1,000 labels", L]
        made = summary[family, L]
        assert made["leaves_mean"] <= L
        # Even the small quick run must show the metamorphosis: a tree of the
        # same size made from the teacher beats the tree on the labels alone.
        assert made["accuracy_mean"] > direct["accuracy_mean"] + 0.03
        assert made["fidelity_mean"] > direct["fidelity_mean"]
    # The trees of every size share one labelled transfer set.
    assert len({summary[family, L]["train_rows_mean"] for L in leaves}) == 1
    assert (tmp_path / "mnist_quick.png").stat().st_size > 0


def test_generators_benchmark_quick_mode(tmp_path):
    generators = ["munge", "gmm", "gmm_bic", "munge_redraw", "spunge"]
    completed = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "bench_generators.py"),
            "--quick",
            "--generators",
            *generators,
            "--results-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "## Issue 16's targets" in completed.stdout
    assert "units (dataset, size, split) done" in completed.stderr
    result = json.loads((tmp_path / "generators_quick.json").read_text())
    assert "bench_generators.py --quick" in result["environment"]["command"]
    # 2 datasets x 1 size x 2 splits, 2 students, the direct student and each generator.
    assert len(result["records"]) == 4 * 2 * (1 + len(generators))
    assert {r["family"] for r in result["records"]} == {"binary", "multi-class"}
    assert all(0 <= r["fidelity"] <= 1 and r["seconds"] > 0 for r in result["records"])
    transfer = {r["n_transfer"] for r in result["records"] if r["generator"] != "direct"}
    assert transfer == {result["config"]["transfer_size"]}
    # Each generator is compared with the direct student, the current GMM and MUNGE.
    pairs = {(c["generator"], c["reference"]) for c in result["comparisons"]}
    assert ("gmm_bic", "gmm") in pairs and ("munge_redraw", "munge") in pairs
    assert ("munge", "direct") in pairs and ("munge", "munge") not in pairs
    assert set(result["targets"]) == {
        "gmm_bic_vs_gmm",
        "munge_redraw_vs_munge",
        "multiclass_dtc_gain",
    }
    # Even the quick run shows the metamorphosis: a teacher-labeled transfer set
    # makes the full student more faithful than training on the rows alone.
    summary = {(s["group"], s["student"], s["generator"]): s for s in result["summary"]}
    assert summary["all", "dt", "munge"]["fidelity"] > summary["all", "dt", "direct"]["fidelity"]
    assert (tmp_path / "generators_quick.png").stat().st_size > 0


@pytest.mark.skipif(
    not os.environ.get("SKMETAMORPH_MNIST_DIR"), reason="SKMETAMORPH_MNIST_DIR is not set"
)
def test_distill_benchmark_quick_mode(tmp_path):
    pytest.importorskip("torch", reason="needs the torch extra: pip install -e '.[torch]'")
    pytest.importorskip("skorch", reason="needs the torch extra: pip install -e '.[torch]'")
    completed = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "bench_distill.py"),
            "--quick",
            "--results-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "| 2x800 distilled, fresh rows |" in completed.stdout
    result = json.loads((tmp_path / "distill_quick.json").read_text())
    assert "bench_distill.py --quick" in result["environment"]["command"]
    summary = {row["name"]: row for row in result["summary"]}
    config = result["config"]
    teachers = [row for row in result["runs"] if row["family"] == "teacher"]
    assert len(teachers) == config["n_teachers"]
    n_test = config["n_test"]
    for row in result["runs"]:
        assert 0 <= row["errors"] <= n_test
        assert row["accuracy"] == pytest.approx(1 - row["errors"] / n_test)
    # The parameter counts are the nets' own: the tiny CNN is under a tenth of the teacher.
    assert summary["tiny CNN alone"]["n_parameters"] == 10314
    assert summary["teacher 0"]["n_parameters"] == 105866
    assert summary["2x800 alone"]["n_parameters"] == 1276810
    # Distilled students are scored against the teacher they learned from.
    assert summary["2x800 distilled, fresh rows"]["fidelity_mean"] > 0.5
    report = result["compression"][0]
    assert [r["model"] for r in report][0] == "teacher"
    tiny = next(r for r in report if r["model"] == "tiny CNN distilled")
    assert tiny["n_parameters"] == 10314 and tiny["speedup"] > 1
    assert {goal["goal"] for goal in result["goals"]}
    assert (tmp_path / "distill_quick.png").stat().st_size > 0


# Run a script with torch and skorch hidden, as in an install without the
# torch extra.
_WITHOUT_TORCH = r"""
import runpy
import sys


class _Hide:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "skorch"):
            raise ImportError(f"No module named {name!r}")


sys.meta_path.insert(0, _Hide())
script = sys.argv[1]
sys.argv = [script, "--help"]
runpy.run_path(script, run_name="__main__")
"""


@pytest.mark.parametrize("script", sorted(p.name for p in BENCHMARKS.glob("bench_*.py")), ids=str)
def test_benchmark_help_works_without_torch(script):
    result = subprocess.run(
        [sys.executable, "-c", _WITHOUT_TORCH, str(BENCHMARKS / script)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


def test_quick_results_are_ignored_by_git():
    # --quick runs write <name>_quick.* next to the committed results: git
    # must not list them as untracked files.
    root = BENCHMARKS.parent
    if not (root / ".git").exists():
        pytest.skip("not a git checkout")
    names = [
        "benchmarks/results/mnist_quick.json",
        "benchmarks/results/mnist_quick.png",
        "benchmarks/results/distill_features_quick.json",
        "benchmarks/results/adaptive_quick.json",
    ]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *names], cwd=root, capture_output=True, text=True
    )
    assert sorted(result.stdout.split()) == sorted(names), result.stdout + result.stderr
    # The committed full results are not ignored.
    kept = subprocess.run(
        ["git", "check-ignore", "--no-index", "benchmarks/results/mnist.json"],
        cwd=root,
        capture_output=True,
    )
    assert kept.returncode == 1
