"""Command line: ``python -m skmetamorph demo`` runs the main job on embedded data."""

import argparse
import sys

__all__ = ["main"]


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
        "--label-fraction", type=float, default=0.1, help="fraction of labeled rows (0.1)"
    )
    demo.add_argument("--seeds", type=int, default=3, help="number of seeded splits (3)")
    demo.add_argument(
        "--verbose", "-v", action="count", default=0,
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

        record = {
            "command": "python -m skmetamorph "
            + " ".join(sys.argv[1:] if argv is None else argv),
            "label_fraction": args.label_fraction,
            "seeds": args.seeds,
            "rows": rows,
        }
        with open(args.json, "w") as stream:
            json.dump(record, stream, indent=2)
    return 0


def _percent(fraction):
    """``0.003`` as ``"0.3%"``, ``0.1`` as ``"10%"``: never a misleading ``"0%"``."""
    return f"{fraction * 100:.2f}".rstrip("0").rstrip(".") + "%"


if __name__ == "__main__":
    sys.exit(main())
