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
    parser = argparse.ArgumentParser(
        prog="skmetamorph", description="ML metamorphosis for scikit-learn."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo",
        help="digits with few labels: a tree alone vs the same tree made from a teacher",
    )
    demo.add_argument(
        "--label-fraction", type=float, default=0.1, help="fraction of labeled rows (0.1)"
    )
    demo.add_argument("--seeds", type=int, default=3, help="number of seeded splits (3)")
    args = parser.parse_args(argv)

    if not 0 < args.label_fraction <= 1:
        parser.error("--label-fraction must be in (0, 1]")
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")

    from ._demo import format_table, run_demo

    print(
        f"Digits (sklearn's bundled 8x8 images), {args.label_fraction:.0%} of the training "
        f"labels, mean over {args.seeds} seeded splits; student = DecisionTreeClassifier.\n"
    )
    print(format_table(run_demo(args.label_fraction, seeds=range(args.seeds))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
