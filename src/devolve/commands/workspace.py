"""``devolve workspace init | list | import | export | lock | copy``: assessments kept in a workspace.

With no ``--workspace``, every command uses ``DEVOLVE_WORKSPACE`` or else the user's own SQLite
file, so a consultant needs no set-up; a team gives its PostgreSQL server's URL.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from devolve.commands.output import INPUT_FILE, cannot_write, refuse_output
from devolve.commands.report import add_details_options, template_trouble, write_report_file

WORKSPACE_HELP = ("the workspace: a file path, or a URL such as postgresql://user@server/devolve "
                  "(default: $DEVOLVE_WORKSPACE, else your own workspace file)")


def add_workspace_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", metavar="URL", help=WORKSPACE_HELP)


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "workspace",
        help="keep assessments in a workspace: import, export, lock and copy them",
        description="Keep assessments, assessors' scores, scenarios and plans in a workspace (an SQLite "
        "file of your own, or a team's PostgreSQL server), where nothing is lost between sessions.",
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    init = actions.add_parser("init", help="make the workspace (or bring an old one up to date)")
    add_workspace_option(init)
    init.set_defaults(act=_init)

    listing = actions.add_parser("list", help="list the assessments kept in the workspace")
    add_workspace_option(listing)
    listing.set_defaults(act=_list)

    imp = actions.add_parser("import", help="keep a workbook as a new assessment")
    imp.add_argument("file", type=Path, metavar="FILE", help=INPUT_FILE)
    named = imp.add_mutually_exclusive_group()
    named.add_argument("--name", help="what to call it in the workspace (default: the file's name)")
    named.add_argument("--into", metavar="NAME", help="bring a revised workbook's changes into the assessment NAME "
                       "(its next revision, every change in its history) instead of keeping a new one")
    imp.add_argument("--rubric", type=Path, metavar="RUBRIC.toml", help="score against this rubric instead of the default")
    imp.add_argument("--scenario", type=Path, metavar="SCENARIO.toml", help="scenario settings overriding the workbook's")
    add_workspace_option(imp)
    imp.set_defaults(act=_import)

    exp = actions.add_parser("export", help="write an assessment as an input workbook")
    exp.add_argument("name", metavar="NAME", help="the assessment's name in the workspace")
    exp.add_argument("out", type=Path, metavar="OUT.xlsx", help="where to write the workbook")
    exp.add_argument("--scenario", metavar="SCENARIO", help="write this named scenario (default: the one in use)")
    exp.add_argument("--force", action="store_true", help="overwrite OUT.xlsx if it exists")
    add_workspace_option(exp)
    exp.set_defaults(act=_export)

    lock = actions.add_parser("lock", help="fix an assessment as it stands (as it went to cabinet)")
    lock.add_argument("name", metavar="NAME", help="the assessment's name in the workspace")
    lock.add_argument("--note", help="why, e.g. 'Cabinet, 12 January 2027'")
    add_workspace_option(lock)
    lock.set_defaults(act=_lock)

    plan = actions.add_parser("plan", help="show a kept plan; write its plan workbook; make it again")
    plan.add_argument("plan_id", type=int, metavar="ID", help="the plan's number (devolve history lists them)")
    plan.add_argument("--out", type=Path, metavar="PLAN.xlsx", help="write the plan workbook, as it was made")
    plan.add_argument("--force", action="store_true", help="overwrite PLAN.xlsx if it exists")
    plan.add_argument("--rerun", action="store_true",
                      help="make the plan again from exactly what it was made from, and keep it beside it")
    plan.add_argument("--report", type=Path, metavar="REPORT.docx",
                      help="write the cabinet report on it (naming the version, and its lock for cabinet)")
    add_details_options(plan)
    add_workspace_option(plan)
    plan.set_defaults(act=_plan)

    copy = actions.add_parser("copy", help="copy an assessment to a new name, to work on it further")
    copy.add_argument("name", metavar="NAME", help="the assessment to copy")
    copy.add_argument("new", metavar="NEW", help="the copy's name")
    add_workspace_option(copy)
    copy.set_defaults(act=_copy)
    return p


def run(args: argparse.Namespace) -> int:
    from devolve.usecases import open_workspace

    # a path given by hand must exist, unless this command is the one that makes it: a typo is
    # not an empty workspace
    create = args.workspace is None or args.action in ("init", "import")
    with open_workspace(args.workspace, create=create) as workspace:
        return args.act(workspace, args)


def _init(workspace, args) -> int:
    names = workspace.names()
    print(f"Workspace ready: {workspace.where} ({len(names)} assessment(s))")
    return 0


def _list(workspace, args) -> int:
    from devolve.usecases import local

    found = workspace.summaries()
    if not found:
        print(f"No assessments yet in {workspace.where}: devolve workspace import FILE keeps one.")
        return 0
    print(f"Assessments in {workspace.where}:")
    for s in found:
        state = f"revision {s.revision}"
        if s.locked_at:
            state += f", locked by {s.locked_by} on {local(s.locked_at)}" + (f" ({s.lock_note})" if s.lock_note else "")
        origin = f"; copied from '{s.copied_from}'" if s.copied_from else ""
        who = ", ".join(s.assessors[:6]) + (f" and {len(s.assessors) - 6} more" if len(s.assessors) > 6 else "")
        discuss = f"; {s.to_discuss} score(s) where assessors are more than a level apart, to discuss" \
            if s.to_discuss else ""
        print(f"  {s.name} ({state}): {s.services} services, {s.neighbourhoods} neighbourhoods, {s.scores} assessed "
              f"scores by {len(s.assessors)} assessor(s){': ' + who if who else ''}{discuss}; plans with scenario "
              f"'{s.scenario}'; last changed {local(s.last_change)}{origin}")
    return 0


def _import(workspace, args) -> int:
    from devolve.present.problems import print_problems
    from devolve.usecases import import_into, import_workbook

    if args.into is not None:
        revision, counted, warnings = import_into(workspace, args.file, args.into, rubric=args.rubric,
                                                  scenario=args.scenario)
        if warnings.problems:
            print_problems(warnings, file=sys.stderr)
        if not counted:
            print(f"'{args.into}' already holds everything in {args.file.name}: nothing changed.")
            return 0
        said = "; ".join(f"{kind} " + ", ".join(f"{n} {subject}{'' if n == 1 else 's'}" for subject, n in found.items())
                         for kind, found in counted.items())
        print(f"Brought {args.file.name} into '{args.into}' (now revision {revision}): {said}. "
              f"devolve history \"{args.into}\" shows each change.")
        return 0

    summary, warnings = import_workbook(workspace, args.file, name=args.name, rubric=args.rubric,
                                        scenario=args.scenario)
    if warnings.problems:
        print_problems(warnings, file=sys.stderr)
    print(f"Kept '{summary.name}' in {workspace.where}: {summary.services} services, {summary.neighbourhoods} "
          f"neighbourhoods, {summary.scores} assessed scores by {len(summary.assessors)} assessor(s).")
    return 0


def _export(workspace, args) -> int:
    from devolve.usecases import export_workbook

    if refuse_output(args.out, args.force, "the workbook"):
        return 2
    try:
        opened = export_workbook(workspace, args.name, args.out, scenario=args.scenario)
    except OSError as exc:
        return cannot_write(args.out, exc)
    print(f"Wrote '{opened.name}' (revision {opened.revision}, scenario '{opened.assessment.scenario.name}') "
          f"to {args.out}")
    return 0


def _plan(workspace, args) -> int:
    from devolve.commands.output import Progress
    from devolve.usecases import local, report_version, rerun_plan, write_plan_workbook

    if args.out is not None and refuse_output(args.out, args.force, "the plan (--out)"):
        return 2
    if args.report is not None and refuse_output(args.report, args.force, "the report (--report)", suffix=".docx"):
        return 2
    trouble = template_trouble(args.template)
    if trouble:
        print(f"devolve: {trouble}", file=sys.stderr)
        return 2
    kept = workspace.plan(args.plan_id)
    r = kept.record
    value = "no plan" if r.objective is None else f"{r.objective:.1f} benefit units"
    gap = "" if r.gap is None else f", {r.gap:.2%} from the best possible"
    print(f"Plan {r.id} of '{r.assessment}' (revision {r.revision}), made by {r.recorded_by} on "
          f"{local(r.recorded_at)}{' with ' + r.command if r.command else ''}: {r.status}, {r.decisions} decisions, "
          f"{value}{gap}; scenario '{r.scenario_name}'; inputs {r.inputs_digest[:12]}")
    if args.out is not None:
        try:
            write_plan_workbook(kept.assessment, kept.plan, args.out)
        except OSError as exc:
            return cannot_write(args.out, exc)
        print(f"Plan workbook written to {args.out}")
    if args.report is not None:
        if not kept.plan.status.has_plan:
            print(f"devolve: plan {r.id} has no decisions to report: its scenario could not be met", file=sys.stderr)
            return 2
        code = write_report_file(kept.assessment, kept.plan, args.report, args,
                                 sources=(f"The devolve workspace {workspace.where}",),
                                 version=report_version(workspace, r))
        if code:
            return code
        print(f"Cabinet report written to {args.report}")
    if args.rerun:
        progress = Progress()
        again, plan = rerun_plan(workspace, args.plan_id, progress)
        progress.done()
        before = {(d.activity_id, d.neighbourhood_id, d.configuration) for d in kept.plan.decisions}
        after = {(d.activity_id, d.neighbourhood_id, d.configuration) for d in plan.decisions}
        same = "the same decisions" if before == after else \
            f"{len(before ^ after)} decision(s) differ ({len(after - before)} new, {len(before - after)} gone)"
        print(f"Made again as plan {again.id}: {again.status}, {same}")
    return 0


def _lock(workspace, args) -> int:
    workspace.lock(args.name, note=args.note)
    print(f"Locked '{args.name}': it can be copied, never changed.")
    return 0


def _copy(workspace, args) -> int:
    summary = workspace.copy(args.name, args.new)
    print(f"Copied '{args.name}' to '{summary.name}'.")
    return 0
