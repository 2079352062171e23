"""``devolve history [NAME]``: plans and changes in the workspace, newest first."""

from __future__ import annotations

import argparse
import json

from devolve.commands.workspace import add_workspace_option


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "history",
        help="list plans and changes in the workspace, newest first",
        description="Who changed what and when, from which value to which, and every plan made: of one "
        "assessment, or of the whole workspace.",
    )
    p.add_argument("name", nargs="?", metavar="NAME", help="one assessment (default: all of them)")
    p.add_argument("--limit", type=_count, default=50, metavar="N", help="show the newest N entries (default 50; 0: all)")
    add_workspace_option(p)
    return p


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"a whole number, 0 or more, not '{text}'")
    return value


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


def describe(change) -> str:
    """One change in words: what happened to which row, from which value to which."""
    if change.action == "imported":
        counts = change.new or {}
        return (f"imported {counts.get('source') or 'an assessment'} ({counts.get('service', 0)} services, "
                f"{counts.get('score', 0)} assessed scores)")
    if change.action == "copied":
        return f"copied from '{change.old['from']}' at revision {change.old['revision']}"
    if change.action == "locked":
        return "locked it" + (f" ({change.new})" if change.new else "") + ": it can be copied, never changed"
    if change.action == "planned":
        p = change.new
        value = f"{p['objective']:.1f} benefit units" if p.get("objective") is not None else "no plan"
        gap = f", {p['gap']:.2%} from the best possible" if p.get("gap") is not None else ""
        return (f"{change.target}: {p['status']}, {p['decisions']} decisions, {value}{gap} "
                f"(scenario '{p['scenario']}')")
    if change.action == "chose":
        return f"chose to plan with scenario '{change.new}' (was '{change.old}')"
    if change.field is None:
        row = change.new if change.action == "added" else change.old
        return f"{change.action} {change.subject} {change.target}: {_value(row)}"
    return f"changed {change.subject} {change.target}, {change.field}: {_value(change.old)} → {_value(change.new)}"


def _value(value) -> str:
    if value is None:
        return "blank"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_value(v)}" for k, v in value.items() if v not in (None, {}, []))
    if isinstance(value, (list, tuple)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
