"""Progress lines of the benchmarks: the shared ``Steps`` helper and a quick tabular run.

A benchmark runs for minutes; it must say, step by step, what it is doing, how
far it is (``k/n``) and when it should end (issue 15, item 6).
"""

import doctest
import importlib.util
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load_common():
    # The benchmarks are scripts, not a package: load their helper module by path.
    spec = importlib.util.spec_from_file_location(
        "skmetamorph_benchmarks_common", BENCHMARKS / "_common.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


common = _load_common()

#: The ETA or duration of a progress line: ``?``, ``42s``, ``3m05s`` or ``1h02m``.
DURATION = r"(\?|\d+s|\d+m\d\ds|\d+h\d\dm)"


class FakeClock:
    """A clock whose time is set by the test."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def make_steps(total, what="units", clock=None):
    stream = io.StringIO()
    steps = common.Steps(total, what, name="bench_test", stream=stream, clock=clock)
    return steps, stream


def lines(stream):
    return stream.getvalue().splitlines()


def test_step_lines_count_and_eta_from_the_mean_finished_step():
    clock = FakeClock()
    steps, stream = make_steps(4, "datasets x samplers", clock=clock)
    for now, label in [(0.0, "iris / MUNGE"), (10.0, "iris / KDE"), (30.0, "wine / MUNGE")]:
        clock.now = now
        steps.step(label)
    clock.now = 60.0
    steps.step("wine / KDE")
    clock.now = 160.0
    steps.close()
    assert lines(stream) == [
        # Nothing has finished: no ETA yet.
        "[bench_test] 1/4 datasets x samplers: iris / MUNGE (ETA ?)",
        # One step took 10 s, three are left.
        "[bench_test] 2/4 datasets x samplers: iris / KDE (ETA 30s)",
        # Two steps in 30 s (15 s each), two left.
        "[bench_test] 3/4 datasets x samplers: wine / MUNGE (ETA 30s)",
        # Three in 60 s, one left.
        "[bench_test] 4/4 datasets x samplers: wine / KDE (ETA 20s)",
        "[bench_test] 4/4 datasets x samplers finished in 2m40s",
    ]


def test_done_lines_for_steps_that_end_in_any_order():
    # Parallel jobs: each line is written when a step ends; the ETA is the
    # wall time per finished step (from when the helper was made, so it
    # includes the parallelism) times the steps left.
    clock = FakeClock()
    steps, stream = make_steps(5, clock=clock)
    steps.note("5 units, 2 jobs")  # starts nothing, counts nothing
    clock.now = 60.0
    steps.done("wine / 100 / 1")
    clock.now = 80.0
    steps.done("iris / 100 / 0")
    clock.now = 200.0
    for label in ["iris / 100 / 1", "wine / 100 / 0", "digits / 100 / 0"]:
        steps.done(label)
    steps.close()
    assert lines(stream) == [
        "[bench_test] 5 units, 2 jobs",
        "[bench_test] 1/5 units done: wine / 100 / 1 (ETA 4m00s)",
        "[bench_test] 2/5 units done: iris / 100 / 0 (ETA 2m00s)",
        # 200 s for 3 steps, 2 left: 133 s.
        "[bench_test] 3/5 units done: iris / 100 / 1 (ETA 2m13s)",
        "[bench_test] 4/5 units done: wine / 100 / 0 (ETA 50s)",
        "[bench_test] 5/5 units done: digits / 100 / 0 (ETA 0s)",
        "[bench_test] 5/5 units finished in 3m20s",
    ]


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0, "0s"),
        (0.4, "0s"),
        (42, "42s"),
        (59.4, "59s"),
        (60, "1m00s"),
        (100, "1m40s"),
        (3599, "59m59s"),
        (3600, "1h00m"),
        (3725, "1h02m"),
        (90000, "25h00m"),
    ],
)
def test_format_duration(seconds, text):
    assert common.format_duration(seconds) == text
    assert re.fullmatch(DURATION, text)


def test_lines_go_to_stderr_flushed_after_stdout(capsys, monkeypatch):
    # No name: the running script's name. Results printed before a progress
    # line come out before it in a log of both streams: stdout is flushed first.
    monkeypatch.setattr(sys, "argv", ["/somewhere/bench_example.py", "--quick"])
    flushed = []
    real_flush = sys.stdout.flush
    monkeypatch.setattr(sys.stdout, "flush", lambda: (flushed.append(True), real_flush()))
    steps = common.Steps(2, "sizes")
    print("a result")
    steps.step("n=100")
    captured = capsys.readouterr()
    assert captured.out == "a result\n"
    assert captured.err == "[bench_example] 1/2 sizes: n=100 (ETA ?)\n"
    assert flushed


def test_common_doctests():
    failures, tried = doctest.testmod(common, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


def test_tabular_benchmark_prints_progress_before_its_tables(tmp_path):
    """The quickest tabular run: a progress line per unit, then the tables on stdout."""
    pytest.importorskip(
        "matplotlib", reason="needs matplotlib, in the test extra: pip install -e '.[test]'"
    )
    datasets, splits = ["iris", "wine"], 2
    completed = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "bench_tabular.py"),
            "--quick",
            "--datasets",
            *datasets,
            "--splits",
            str(splits),
            "--n-trees",
            "10",
            "--n-jobs",
            "2",
            "--results-dir",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    output = completed.stdout.splitlines()
    assert completed.returncode == 0, completed.stdout[-3000:]
    n_units = len(datasets) * splits
    pattern = re.compile(
        rf"\[bench_tabular\] (\d+)/{n_units} units \(dataset, size, split\) done: "
        rf"(\w+) / 100 / (\d+) \(ETA {DURATION}\)"
    )
    progress = [(i, pattern.fullmatch(line)) for i, line in enumerate(output)]
    progress = [(i, match) for i, match in progress if match]
    # One line per unit, counted 1..n, each unit once.
    assert [int(match[1]) for _, match in progress] == list(range(1, n_units + 1))
    assert sorted((match[2], int(match[3])) for _, match in progress) == sorted(
        (d, s) for d in datasets for s in range(splits)
    )
    closing = output.index(
        next(
            line
            for line in output
            if re.fullmatch(
                rf"\[bench_tabular\] {n_units}/{n_units} units \(dataset, size, split\) "
                rf"finished in {DURATION}",
                line,
            )
        )
    )
    table = output.index("## Gains over the directly trained student (all units)")
    assert progress[-1][0] < closing < table
    # No progress line among the tables.
    assert not any(line.startswith("[bench_tabular]") for line in output[table:])
    result = json.loads((tmp_path / "tabular_quick.json").read_text())
    assert len(result["records"]) == n_units * 2 * 6  # 2 students x 6 samplers per unit
    # The records keep the order of the units, whatever order they finished in.
    order = [(r["dataset"], r["seed"]) for r in result["records"]][::12]
    assert order == [(d, s) for d in datasets for s in range(splits)]
    assert (tmp_path / "tabular_quick.png").stat().st_size > 0
