"""The ``skmeta`` command line.

Each subcommand lives in its own private module, exposing ``add_parser(subparsers)``
(declaring its arguments and setting ``func``) and the function that runs it.
"""

import argparse
import os
import sys

from skmeta import __version__

# Modules that declare a subcommand, in the order ``skmeta --help`` lists them.
_SUBCOMMAND_MODULES = (
    "skmeta.cli._recommend",
    "skmeta.cli._extract",
    "skmeta.cli._collect",
)


def build_parser():
    """Return the ``skmeta`` argument parser with every subcommand."""
    import importlib

    parser = argparse.ArgumentParser(
        prog="skmeta",
        description="Cheap model selection for scikit-learn.",
    )
    parser.add_argument("--version", action="version", version=f"skmeta {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in _SUBCOMMAND_MODULES:
        importlib.import_module(name).add_parser(subparsers)
    return parser


def main(argv=None):
    """Entry point of the ``skmeta`` command; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help(sys.stderr)
        return 2
    try:
        status = args.func(args) or 0
        # Flush here, not at interpreter exit, so that a closed pipe is caught below.
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        # The reader went away (``skmeta extract ... | head``): not an error of ours.
        # Point stdout at devnull so that the final flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (ValueError, FileNotFoundError, KeyError) as exc:
        # User errors (a missing file, an unknown column) end with one clear line,
        # not a traceback.
        print(f"skmeta: error: {exc}", file=sys.stderr)
        return 2
