"""Command line: ``python -m skmetamorph demo`` runs the main job on embedded data."""

import argparse
import os
import sys

__all__ = ["main"]

DEFAULT_LABEL_FRACTION = 0.1
DEFAULT_SEEDS = 3


def _library_versions():
    """Versions of the libraries whose numerics make the demo's numbers."""
    import numpy  # noqa: PLC0415
    import scipy  # noqa: PLC0415
    import sklearn  # noqa: PLC0415

    return {
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
    }


def main(argv=None):
    """Entry point of ``python -m skmetamorph`` and the ``skmetamorph`` command.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments; ``sys.argv[1:]`` when None.

    Returns
    -------
    status : int
        Exit status.
    """
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="skmetamorph", description="ML metamorphosis for scikit-learn."
    )
    parser.add_argument("--version", action="version", version=f"skmetamorph {__version__}")
    commands = parser.add_subparsers(dest="command")
    demo = commands.add_parser(
        "demo",
        help="digits with few labels: a tree alone vs the same tree made from a teacher",
    )
    demo.add_argument(
        "--label-fraction",
        type=float,
        default=DEFAULT_LABEL_FRACTION,
        help=f"fraction of labeled rows ({DEFAULT_LABEL_FRACTION})",
    )
    demo.add_argument(
        "--seeds",
        type=int,
        default=DEFAULT_SEEDS,
        help=f"number of seeded splits ({DEFAULT_SEEDS})",
    )
    demo.add_argument(
        "--verbose",
        "-v",
        action="count",
        default=0,
        help="print each fit's stages and progress (-vv: every chunk)",
    )
    demo.add_argument("--json", metavar="PATH", help="also write the rows as JSON to PATH")
    args = parser.parse_args(argv)
    if args.command is None:  # bare `skmetamorph`: say what it can do
        parser.print_help()
        return 0

    if not 0 < args.label_fraction <= 1:
        parser.error("--label-fraction must be in (0, 1]")
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    if args.json:
        # Checked before the demo runs, not after it: a typo in the path
        # would otherwise cost the whole run and end in a traceback.
        folder = os.path.dirname(os.path.abspath(args.json))
        if not os.path.isdir(folder):
            parser.error(f"--json: folder {folder} does not exist")
        if os.path.isdir(args.json):
            parser.error(f"--json: {args.json} is a folder; give a file name")

    from ._demo import format_table, run_demo, summary

    print(
        f"Digits (sklearn's bundled 8x8 images), {_percent(args.label_fraction)} of the "
        f"training labels (at least one per class), mean over {args.seeds} seeded splits; "
        "student = DecisionTreeClassifier.\n"
    )
    rows = run_demo(args.label_fraction, seeds=range(args.seeds), verbose=args.verbose)
    print(format_table(rows))
    print("\n" + summary(rows))
    if args.json:
        import json  # noqa: PLC0415

        from ._demo import THREADS  # noqa: PLC0415

        record = {
            "command": demo_command(args.label_fraction, args.seeds, args.json),
            "version": __version__,
            # The numbers depend on the numerics of these (a fresh run with
            # other releases may differ): recorded to tell a stale result.
            "libraries": _library_versions(),
            "threads": THREADS,
            "label_fraction": args.label_fraction,
            "seeds": args.seeds,
            "rows": rows,
        }
        with open(args.json, "w") as stream:
            json.dump(record, stream, indent=2)
    return 0


def demo_command(label_fraction, seeds, path):
    """The command line that runs the demo with these settings and writes ``path``.

    Parameters
    ----------
    label_fraction : float
        Fraction of labeled rows.
    seeds : int
        Number of seeded splits.
    path : str
        Where the JSON goes.

    Returns
    -------
    command : str
        ``python -m skmetamorph demo [options] --json PATH``; options at their
        default values are left out.
    """
    options = ""
    if label_fraction != DEFAULT_LABEL_FRACTION:
        options += f" --label-fraction {label_fraction:g}"
    if seeds != DEFAULT_SEEDS:
        options += f" --seeds {seeds}"
    return f"python -m skmetamorph demo{options} --json {path}"


def _percent(fraction):
    """``0.003`` as ``"0.3%"``, ``0.1`` as ``"10%"``: never a misleading ``"0%"``."""
    return f"{fraction * 100:.2f}".rstrip("0").rstrip(".") + "%"


if __name__ == "__main__":
    sys.exit(main())
