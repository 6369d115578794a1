"""Scenario-discovery metrics: coverage, density, WRAcc, PR-AUC, box consistency."""

import numpy as np
import pytest

from skmetamorph.metrics import (
    box_consistency,
    coverage_score,
    density_score,
    pr_auc_score,
    wracc_score,
)


def _loop_scores(y, in_box):
    """Reference: the definitions written row by row."""
    interesting = sum(y)
    inside = [v for v, b in zip(y, in_box, strict=True) if b]
    coverage = sum(inside) / interesting
    density = sum(inside) / len(inside)
    wracc = len(inside) / len(y) * (density - interesting / len(y))
    return coverage, density, wracc


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_scores_match_their_definitions(seed):
    rng = np.random.default_rng(seed)
    y = rng.uniform(size=50) < 0.3
    in_box = rng.uniform(size=50) < 0.5
    y[0], in_box[0] = True, True  # a box with rows and some interest
    coverage, density, wracc = _loop_scores(y.tolist(), in_box.tolist())
    assert coverage_score(y, in_box) == pytest.approx(coverage)
    assert density_score(y, in_box) == pytest.approx(density)
    assert wracc_score(y, in_box) == pytest.approx(wracc)


def test_probabilities_give_expected_scores():
    p = np.array([0.9, 0.8, 0.1, 0.2])
    box = np.array([1, 1, 0, 0])
    assert density_score(p, box) == pytest.approx(0.85)
    assert coverage_score(p, box) == pytest.approx(1.7 / 2.0)
    assert wracc_score(p, box) == pytest.approx(0.5 * (0.85 - 0.5))


def test_wracc_extremes():
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0])
    assert wracc_score(y, y) == pytest.approx(0.25 * 0.75)  # p (1 - p)
    assert wracc_score(y, np.ones(8)) == 0.0  # the whole data: no better than it
    assert wracc_score(y, np.zeros(8)) == 0.0


def test_pr_auc():
    # A perfect trajectory: density 1 at every coverage.
    assert pr_auc_score([1.0, 0.5], [1.0, 1.0]) == pytest.approx(1.0)
    # No improvement over the base rate: the area is the base rate.
    assert pr_auc_score([1.0], [0.3]) == pytest.approx(0.3)
    # Order does not matter; the trapezoid from coverage 0 at the smallest box.
    a = pr_auc_score([1.0, 0.8, 0.5], [0.2, 0.5, 1.0])
    assert a == pytest.approx(0.5 * 1.0 + 0.3 * 0.75 + 0.2 * 0.35)
    assert pr_auc_score([0.5, 1.0, 0.8], [1.0, 0.2, 0.5]) == pytest.approx(a)
    # Of steps with equal coverage the densest counts, whatever their order.
    tied = pr_auc_score([1.0, 1.0, 0.5], [0.2, 0.6, 1.0])
    assert tied == pytest.approx(0.5 * 1.0 + 0.5 * 0.8)
    assert pr_auc_score([1.0, 1.0, 0.5], [0.6, 0.2, 1.0]) == pytest.approx(tied)


def test_box_consistency():
    unit = [(0, 1), (0, 1)]
    assert box_consistency([[0, 0], [1, 1]], [[0, 0], [1, 1]]) == 1.0
    assert box_consistency([[0, 0], [0.4, 1]], [[0.5, 0], [1, 1]]) == 0.0
    # Half the square against its left half: overlap 0.5, union 1.
    left = [[-np.inf, -np.inf], [0.5, np.inf]]
    assert box_consistency(left, [[0, 0], [1, 1]], bounds=unit) == pytest.approx(0.5)
    # Symmetric.
    a, b = [[0.1, 0.2], [0.6, 0.9]], [[0.3, 0.1], [0.8, 0.5]]
    assert box_consistency(a, b) == pytest.approx(box_consistency(b, a))
    # Monte Carlo check of the volume ratio.
    rng = np.random.default_rng(0)
    pts = rng.uniform(size=(200_000, 2))
    in_a = np.all((pts >= a[0]) & (pts <= a[1]), axis=1)
    in_b = np.all((pts >= b[0]) & (pts <= b[1]), axis=1)
    ratio = (in_a & in_b).sum() / (in_a | in_b).sum()
    assert box_consistency(a, b) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: coverage_score([0, 0], [1, 0]), "No row of y_true is interesting"),
        (lambda: density_score([1, 0], [0, 0]), "holds no rows"),
        (lambda: density_score([1, np.nan], [1, 1]), "NaN"),
        (lambda: density_score([2, 0], [1, 1]), r"\[0, 1\]"),
        (lambda: density_score([1, 0], [0.5, 1]), "booleans or 0/1"),
        (lambda: density_score([1, 0, 1], [1, 1]), "3 rows"),
        (lambda: pr_auc_score([1.0, 0.5], [0.2]), "one value per box"),
        (lambda: pr_auc_score([1.0, 0.5], [0.2, np.nan]), "held no rows"),
        (lambda: box_consistency([[0], [np.inf]], [[0], [1]]), "bounds"),
        (lambda: box_consistency([[0, 0], [1, 1]], [[0], [1]]), "same shape"),
        (lambda: box_consistency([[1], [0]], [[0], [1]]), "lower limit above"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_scenario_benchmark_smoke(tmp_path):
    # benchmarks/bench_scenario.py on a tiny setting: it runs, writes its JSON
    # and plot, and the savings follow from the PR-AUCs it records.
    import json
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_scenario.py"
    args = [
        "--quick",
        "--functions",
        "ishigami",
        "--sizes",
        "60",
        "120",
        "--n-transfer",
        "512",
        "--n-test",
        "1000",
        "--n-trees",
        "10",
        "--results-dir",
        str(tmp_path),
    ]
    done = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "[bench_scenario] 4/4 fits" in done.stderr
    result = json.loads((tmp_path / "scenario_quick.json").read_text())
    assert {r["method"] for r in result["records"]} == {"raw", "reds"}
    assert all(0 < r["pr_auc"] <= 1 for r in result["records"])
    saving = result["savings"]["ishigami"][0]
    if saving["raw_calls_for_same_pr_auc"] is not None:
        assert saving["saving"] == pytest.approx(1 - 60 / saving["raw_calls_for_same_pr_auc"])
    assert (tmp_path / "scenario_quick.png").stat().st_size > 0
