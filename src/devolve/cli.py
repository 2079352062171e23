"""The `devolve` command line: a thin shell over :mod:`devolve.usecases`.

Exit codes: 0 success, 2 bad input or an infeasible scenario (with a located, plain-words
message), 1 only for a bug. No traceback reaches a user for anything they could have caused.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module

from devolve import __version__
from devolve.core.problems import InvalidInput

COMMANDS: dict[str, str] = {
    "validate": "validate", "template": "template", "assess": "assess", "report": "report", "workspace": "workspace",
    "history": "history", "sensitivity": "robustness", "frontier": "robustness", "compare": "robustness",
    "batch": "batch",
}
"""Each command and the module in devolve.commands that holds it: a module of the command's own
name has `add_parser(subparsers)` and `run(args) -> int`; one that holds several commands has
`add_<command>_parser(subparsers)` and `run_<command>(args) -> int` for each."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="devolve",
        description="Decide which parts of a council's services to devolve to neighbourhoods, and how.",
    )
    parser.add_argument("--version", action="version", version=f"devolve {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, home in COMMANDS.items():
        module = import_module(f"devolve.commands.{home}")
        if home == name:
            module.add_parser(sub).set_defaults(run=module.run)
        else:
            getattr(module, f"add_{name}_parser")(sub).set_defaults(run=getattr(module, f"run_{name}"))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        return args.run(args)
    except InvalidInput as exc:
        from devolve.present.problems import print_problems

        print_problems(exc.report, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("devolve: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `devolve history | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: say so in one line; the traceback is there on request
        if os.environ.get("DEVOLVE_DEBUG"):
            raise
        said = _workspace_trouble(exc)
        if said:
            print(f"devolve: {said}", file=sys.stderr)
            return 2
        if type(exc).__name__ == "WorkerLost":  # devolve.apart's: killed from outside, or out of memory
            print(f"devolve: {exc}; the machine may be short of memory. Nothing was written.", file=sys.stderr)
            return 1
        print(
            f"devolve: internal error ({type(exc).__name__}: {exc}). This is a bug in devolve, not in "
            "your file; run again with DEVOLVE_DEBUG=1 to see the details for a report.",
            file=sys.stderr,
        )
        return 1


def _workspace_trouble(exc: Exception) -> str | None:
    """What went wrong with the workspace, in words, when that is what went wrong (a conflict, a
    locked version, a name not found, a server that cannot be reached)."""
    if type(exc).__module__.startswith("devolve.workspace"):
        from devolve.workspace.location import WorkspaceError

        if isinstance(exc, WorkspaceError):
            return str(exc)
    if type(exc).__module__.startswith("sqlalchemy"):
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            return f"the workspace cannot be reached or written ({str(exc.orig).splitlines()[0]})"
    return None


if __name__ == "__main__":
    sys.exit(main())
