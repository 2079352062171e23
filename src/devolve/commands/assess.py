"""`devolve assess FILE --out PLAN.xlsx`: the recommended devolution plan for one workbook."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "assess",
        help="recommend which activities to devolve, where, and how",
        description=(
            "Read a service workbook, solve the devolution model and write the plan workbook "
            "(the assessment sheets plus Plan, Decisions, Limits and Neighbourhoods)."
        ),
    )
    p.add_argument("file", help="service workbook (.xlsx) or Services sheet (.csv)")
    p.add_argument("--scenario", help="scenario settings (.toml) overriding the workbook's Scenario sheet")
    p.add_argument("--rubric", help="rubric file (.toml); default rubrics/default.toml")
    p.add_argument("--out", help="where to write the plan workbook (.xlsx)")
    p.add_argument("--json", action="store_true", help="print the plan as JSON instead of a summary")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    return p


def run(args: argparse.Namespace) -> int:
    from devolve.commands.report import print_problems, refuse_output
    from devolve.io.workbook import read_assessment, write_workbook
    from devolve.optimise import plan_for
    from devolve.plan_tables import plan_sheets, summary_lines
    from devolve.rubric import load_rubric
    from devolve.scenario import load_scenario_toml

    out = Path(args.out) if args.out else None
    if out is not None and refuse_output(out, args.force, "the plan (--out)"):
        return 2

    progress = _Progress()
    rubric = load_rubric(args.rubric) if args.rubric else load_rubric()
    progress("Reading the workbook")
    assessment, warnings = read_assessment(args.file, rubric)
    if args.scenario:
        scenario = load_scenario_toml(args.scenario, rubric, assessment.scenario)
        assessment = assessment.model_copy(update={"scenario": scenario})
    if warnings.problems and not args.json:
        print_problems(warnings, file=sys.stderr)
    if not assessment.neighbourhoods:
        print(
            f"devolve: {Path(args.file).name} has no Neighbourhoods sheet (or it is empty); "
            "the plan needs at least one neighbourhood",
            file=sys.stderr,
        )
        return 2

    plan = plan_for(assessment, progress=progress)
    progress.done()

    if plan.diagnosis:
        print(f"devolve: the scenario '{assessment.scenario.name}' cannot be met:", file=sys.stderr)
        for line in plan.diagnosis:
            print(f"  - {line}", file=sys.stderr)
        return 2

    if out is not None:
        progress("Writing the plan workbook")
        try:
            write_workbook(assessment, out, extra_sheets=plan_sheets(assessment, plan))
        except OSError as exc:
            print(f"devolve: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        progress.done()
    if args.json:
        print(plan.model_dump_json(indent=2))
    else:
        for line in summary_lines(assessment, plan):
            print(line)
        if out is not None:
            print(f"Plan written to {out}")
    return 0


class _Progress:
    """Prints a step to stderr, with its duration when it took over a second."""

    def __init__(self) -> None:
        self._step: str | None = None
        self._start = 0.0

    def __call__(self, message: str) -> None:
        self.done()
        self._step, self._start = message, time.perf_counter()
        print(f"{message.rstrip('…. ')}…", file=sys.stderr, flush=True)

    def done(self) -> None:
        if self._step is not None:
            took = time.perf_counter() - self._start
            if took >= 1:
                print(f"  {self._step}: {took:.1f} s", file=sys.stderr, flush=True)
            self._step = None
