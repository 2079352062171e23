"""`devolve assess FILE --out PLAN.xlsx`: the recommended devolution plan for one workbook.

With ``--workspace``, the run and its plan are kept there (the workbook too, unless the
workspace already holds the same content), and FILE may instead name an assessment kept there.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from pathlib import Path

from devolve.commands.output import INPUT_FILE, Progress, cannot_write, refuse_output
from devolve.commands.report import add_details_options, template_trouble, write_report_file


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "assess",
        help="recommend which activities to devolve, where, and how",
        description=(
            "Read a service workbook, solve the devolution model and write the plan workbook "
            "(the assessment sheets plus Plan, Decisions, Limits, Neighbourhoods summary and Retained)."
        ),
    )
    p.add_argument("file", nargs="?", metavar="FILE", help=INPUT_FILE + "; with --workspace, or the name of an assessment kept there")
    p.add_argument("--scenario", help="scenario settings (.toml) overriding the workbook's Scenario sheet")
    p.add_argument("--rubric", help="rubric file (.toml); default: the default rubric devolve ships with")
    p.add_argument("--out", help="where to write the plan workbook (.xlsx)")
    p.add_argument("--json", action="store_true", help="print the plan as JSON instead of a summary")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.add_argument("--workspace", nargs="?", const="", metavar="URL",
                   help="keep the run and its plan in a workspace (no URL: $DEVOLVE_WORKSPACE, else your own)")
    p.add_argument("--name", help="with --workspace: the assessment's name there (default: the file's name)")
    p.add_argument("--report", metavar="REPORT.docx", help="also write the cabinet report on the plan")
    add_details_options(p)
    p.set_defaults(usage=p.format_usage())
    return p


def run(args: argparse.Namespace) -> int:
    # imported here, not above: every command's parser is built for --help, and only this one
    # needs pandas and the solver
    from devolve.present.plan_json import plan_json
    from devolve.present.problems import print_problems
    from devolve.present.tables import summary_lines
    from devolve.present.words import obstacle_lines, why_no_plan
    from devolve.usecases import (
        CannotPlan,
        load_scenario,
        open_workspace,
        plan_apart,
        plan_in_workspace,
        read_input,
        report_version,
        write_plan_workbook,
    )

    out = Path(args.out) if args.out else None
    if out is not None and refuse_output(out, args.force, "the plan (--out)"):
        return 2
    report = Path(args.report) if args.report else None
    if report is not None and refuse_output(report, args.force, "the report (--report)", suffix=".docx"):
        return 2
    trouble = template_trouble(args.template)
    if trouble:
        print(f"devolve: {trouble}", file=sys.stderr)
        return 2

    if args.file is None and args.workspace:  # `assess --workspace NAME`: the name was taken for the URL
        args.file, args.workspace = args.workspace, ""
    if args.file is None:
        print(f"{args.usage}devolve assess: error: give the workbook to plan (FILE), or with --workspace the name "
              "of an assessment kept there", file=sys.stderr)
        return 2
    if args.workspace is None and not Path(args.file).exists() and Path(args.file).suffix.lower() not in WORKBOOK_SUFFIXES:
        print(f"devolve: there is no file '{args.file}'; to plan an assessment kept in your workspace, add "
              "--workspace", file=sys.stderr)
        return 2

    progress = Progress()
    version = None
    with open_workspace(args.workspace or None) if args.workspace is not None else nullcontext() as workspace:
        stored = workspace is not None and _names_a_kept_assessment(args.file, workspace)
        opened = None
        if stored:
            for flag, given in (("--rubric", args.rubric), ("--name", args.name)):
                if given is not None:
                    print(f"devolve: '{args.file}' is kept in the workspace with its own rubric and name; {flag} "
                          "is for planning a workbook", file=sys.stderr)
                    return 2
            opened = workspace.open(args.file)
            assessment = opened.assessment  # fast: no progress line needed
            if args.scenario is not None:
                assessment = assessment.replace(scenario=load_scenario(args.scenario, assessment))
        else:
            progress("Reading the workbook")
            assessment, warnings = read_input(args.file, rubric=args.rubric, scenario=args.scenario)
            if warnings.problems and not args.json:
                print_problems(warnings, file=sys.stderr)
        try:
            plan = plan_apart(assessment, progress=progress)
        except CannotPlan:
            print(
                f"devolve: {Path(args.file).name} has no Neighbourhoods sheet (or it is empty); "
                "the plan needs at least one neighbourhood",
                file=sys.stderr,
            )
            return 2
        progress.done()
        if workspace is not None:
            command = f"devolve assess {args.file}" + (f" --scenario {args.scenario}" if args.scenario else "")
            wanted = args.file if stored else (args.name or Path(args.file).stem)
            record = plan_in_workspace(workspace, assessment, plan, command=command, name=wanted, opened=opened,
                                       source=None if stored else Path(args.file).name)
            if record.assessment != wanted:
                print(f"devolve: {Path(args.file).name} differs from '{wanted}' in the workspace, so it was kept as "
                      f"'{record.assessment}'; devolve workspace import {args.file} --into \"{wanted}\" brings its "
                      "changes into it instead", file=sys.stderr)
            print(f"Kept as plan {record.id} of '{record.assessment}' in {workspace.where}", file=sys.stderr)
            version = report_version(workspace, record)

    if plan.diagnosis:
        name = assessment.scenario.name
        print(f"devolve: {why_no_plan(name, plan)}:", file=sys.stderr)
        for line in obstacle_lines(assessment, plan):
            print(f"  - {line}", file=sys.stderr)
        return 2

    if out is not None:
        progress("Writing the plan workbook")
        try:
            write_plan_workbook(assessment, plan, out)
        except OSError as exc:
            return cannot_write(out, exc)
        progress.done()
    if report is not None:
        source = f"The assessment '{args.file}' in the devolve workspace" if stored else \
            f"The assessment: {Path(args.file).name}"
        sources = (source,) + ((f"The plan workbook: {out.name}",) if out else ())
        code = write_report_file(assessment, plan, report, args, sources=sources, version=version)
        if code:
            return code
    if args.json:
        print(plan_json(assessment, plan))
    else:
        for line in summary_lines(assessment, plan):
            print(line)
        if out is not None:
            print(f"Plan written to {out}")
        if report is not None:
            print(f"Cabinet report written to {report}")
    return 0


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".ods")


def _names_a_kept_assessment(given: str, workspace) -> bool:
    """FILE is an assessment's name when no such file exists and it is either a kept name or
    not named like a file (then the workspace says which names it has)."""
    if Path(given).exists():
        return False
    return given in workspace.names() or Path(given).suffix.lower() not in WORKBOOK_SUFFIXES
