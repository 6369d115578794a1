"""The command line: version, help, and the demo at any label fraction."""

import json

import pytest

from skmetamorph import __version__
from skmetamorph.__main__ import _percent, main


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
