"""``devolve history [NAME]``: plans and changes in the workspace, newest first."""

from __future__ import annotations

import argparse

from devolve.commands.output import whole_number
from devolve.commands.workspace import add_workspace_option
from devolve.present.history import describe


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "history",
        help="list plans and changes in the workspace, newest first",
        description="Who changed what and when, from which value to which, and every plan made: of one "
        "assessment, or of the whole workspace.",
    )
    p.add_argument("name", nargs="?", metavar="NAME", help="one assessment (default: all of them)")
    p.add_argument("--limit", type=whole_number(0, "changes"), default=50, metavar="N", help="show the newest N entries (default 50; 0: all)")
    add_workspace_option(p)
    return p


def run(args: argparse.Namespace) -> int:
    from devolve.usecases import local, open_workspace

    with open_workspace(args.workspace, create=args.workspace is None) as workspace:
        found = workspace.changes(args.name, limit=args.limit or None)
        if not found:
            print(f"Nothing has happened yet in {workspace.where}.")
            return 0
        for change in found:
            where = "" if args.name else f"[{change.assessment}] "
            print(f"{local(change.at)}  {change.by}: {where}{describe(change)}")
    return 0
