"""The command line: version, help, and the demo at any label fraction."""

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from skmetamorph import __version__
from skmetamorph.__main__ import _percent, demo_command, main
from skmetamorph._demo import THREADS

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"skmetamorph {__version__}"


def test_bare_command_prints_the_help(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: skmetamorph") and "demo" in out


@pytest.mark.parametrize("fraction", ["0.005", "0.05", "1.0"])
def test_demo_runs_for_any_label_fraction(fraction, tmp_path, capsys):
    # 0.005 keeps about six labels (at least one per class is added); with
    # them a knn graph of 7 neighbours leaves rows without any label.
    path = tmp_path / "demo.json"
    assert main(["demo", "--label-fraction", fraction, "--seeds", "1", "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{_percent(float(fraction))} of the training labels" in out
    assert "Fidelity is how often the tree predicts what its teacher predicts" in out
    rows = json.loads(path.read_text())["rows"]
    assert len(rows) == 5
    teacher = next(row for row in rows if row["model"].startswith("teacher"))
    assert teacher["accuracy"] > 0.7


def test_demo_rejects_a_fraction_outside_0_1(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--label-fraction", "0"])
    assert exit_info.value.code == 2
    assert "--label-fraction must be in (0, 1]" in capsys.readouterr().err


@pytest.mark.parametrize(
    "fraction, text", [(0.003, "0.3%"), (0.1, "10%"), (1.0, "100%"), (0.125, "12.5%")]
)
def test_percentages_are_never_a_misleading_zero(fraction, text):
    assert _percent(fraction) == text


def test_json_to_a_missing_folder_fails_before_the_demo_runs(tmp_path, capsys, monkeypatch):
    import skmetamorph._demo

    def run_demo(*args, **kwargs):  # pragma: no cover - the point is it is not called
        raise AssertionError("the demo ran before the path was checked")

    monkeypatch.setattr(skmetamorph._demo, "run_demo", run_demo)
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--json", str(tmp_path / "missing" / "demo.json")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "--json: folder" in err and "does not exist" in err
    with pytest.raises(SystemExit):
        main(["demo", "--json", str(tmp_path)])
    assert "is a folder" in capsys.readouterr().err


COMMITTED_DEMO = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "demo.json"


def test_committed_demo_json_records_a_command_that_runs():
    record = json.loads(COMMITTED_DEMO.read_text())
    assert record["command"] == demo_command(
        record["label_fraction"], record["seeds"], "benchmarks/results/demo.json"
    )
    # The recorded command parses: same options, nothing left over.
    words = shlex.split(record["command"])
    assert words[:3] == ["python", "-m", "skmetamorph"]
    assert record["threads"] == THREADS


@pytest.mark.parametrize("env_threads", ["1", "2"])
def test_a_fresh_demo_run_prints_the_committed_numbers(env_threads, tmp_path):
    # The README's demo table is rendered from demo.json (tests/test_docs.py);
    # here a fresh run, in a new process with 1 or 2 BLAS/OpenMP threads in its
    # environment, must give the same accuracies and fidelities: the demo pins
    # its own thread count, so the numbers do not depend on the machine's.
    record = json.loads(COMMITTED_DEMO.read_text())
    import numpy
    import scipy
    import sklearn

    installed = {
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
    }
    if record["libraries"] != installed:
        # Other releases (the minimum-versions run) compute other numbers.
        pytest.skip(f"demo.json was made with {record['libraries']}; installed: {installed}")
    words = shlex.split(record["command"])
    path = tmp_path / "demo.json"
    words[words.index("--json") + 1] = str(path)
    env = {**os.environ, **{name: env_threads for name in THREAD_VARIABLES}}
    # From the checkout's root, as the README says to run it (and so that this
    # checkout's package is the one imported).
    subprocess.run(
        [sys.executable, *words[1:]],
        check=True,
        env=env,
        capture_output=True,
        cwd=COMMITTED_DEMO.parents[2],
    )
    fresh = json.loads(path.read_text())
    assert [row["model"] for row in fresh["rows"]] == [row["model"] for row in record["rows"]]
    for new, old in zip(fresh["rows"], record["rows"]):
        for key in ("accuracy", "accuracy_std", "fidelity"):
            assert new[key] == pytest.approx(old[key], abs=1e-12), (new["model"], key)
