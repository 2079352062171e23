"""How sure the plan is, what more money would buy, and how scenarios differ:

* ``devolve sensitivity FILE --out robustness.xlsx``: weight stability and acceptability samples;
* ``devolve frontier FILE --out frontier.xlsx``: the plan's value against one £ limit;
* ``devolve compare FILE --scenario A.toml --scenario B.toml``: scenarios side by side.

Each prints a short summary and, with ``--out``, writes a workbook whose sheets come from
:mod:`devolve.present.robustness`, written by :func:`devolve.usecases.write_robustness_workbook`
as every workbook devolve writes is: text as text with Excel's quote prefix (nothing a user typed
can run as a formula), £ and % formatted, headers frozen, and saved atomically.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from devolve.commands.output import (
    INPUT_FILE,
    Progress,
    before_run,
    cannot_write,
    no_cluster,
    whole_number,
)

SAMPLES = 1000
"""Acceptability samples unless --samples says: each share then within about ±3 percentage points."""
"""How long to wait for a Dask scheduler to answer before saying it cannot be reached."""


# --------------------------------------------------------------------------- the parsers


def _common(p: argparse.ArgumentParser, *, scenario: bool = True) -> None:
    if scenario:
        p.add_argument("--scenario", help="scenario settings (.toml) overriding the workbook's Scenario sheet")
    p.add_argument("--rubric", help="rubric file (.toml); default: the default rubric devolve ships with")


def _where_it_runs(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=whole_number(1, "workers"), metavar="K",
                       help="local processes to run on (default: one per core)")
    where.add_argument("--dask", metavar="ADDRESS",
                       help="run on an existing Dask cluster, its scheduler at ADDRESS (tcp://host:8786)")


def _out(p: argparse.ArgumentParser, default_name: str, required: bool = True) -> None:
    p.add_argument("--out", required=required, metavar=default_name, help="where to write the workbook (.xlsx)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")


def add_sensitivity_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "sensitivity",
        help="how sure the plan is: weight stability and acceptability samples",
        description=("Make today's plan, then find how far each weight can move before the plan changes, and make "
                     "the plan again under many random weights (and scores) to see how often each decision is "
                     "chosen: the robust core, the contested decisions and the activities never chosen."),
    )
    p.add_argument("file", metavar="FILE", help=INPUT_FILE)
    p.add_argument("--samples", type=whole_number(1, "samples"), default=SAMPLES, metavar="N",
                   help=f"how many times to make the plan again (default: {SAMPLES})")
    p.add_argument("--seed", type=whole_number(0, "a seed"), default=0, metavar="S",
                   help="the samples' seed: the same seed gives the same answer anywhere (default: 0)")
    _where_it_runs(p)
    p.add_argument("--uniform-weights", action="store_true",
                   help="draw weights uniformly (no preference stated) instead of around the chosen ones")
    p.add_argument("--fixed-scores", action="store_true", help="keep today's scores; draw the weights only")
    _common(p)
    _out(p, "ROBUSTNESS.xlsx")
    return p


def add_frontier_parser(sub) -> argparse.ArgumentParser:
    from devolve.present.robustness import LIMITS_BY_WORD

    p = sub.add_parser(
        "frontier",
        help="what more (or less) money would buy: value against a £ limit",
        description=("Make the best plan at each value of one £ limit, from £0 to what the plan would use with the "
                     "limit lifted, and show the plan's value against it, which decisions enter at each step and "
                     "where returns fall away."),
    )
    p.add_argument("file", metavar="FILE", help=INPUT_FILE)
    p.add_argument("--limit", choices=tuple(LIMITS_BY_WORD), default="transition",
                   help="the limit to vary: the one-off transition budget or the contingency reserve "
                        "(default: transition)")
    p.add_argument("--steps", type=whole_number(2, "steps"), metavar="N",
                   help="equal steps from £0 to the top (default: 12), today's setting added among them")
    _where_it_runs(p)
    _common(p)
    _out(p, "FRONTIER.xlsx")
    return p


def add_compare_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "compare",
        help="plan several scenarios and show them side by side",
        description=("Plan the workbook under each scenario file and show them side by side (value, money, "
                     "residents, volunteer hours, binding limits) with every decision that differs."),
    )
    p.add_argument("file", metavar="FILE", help=INPUT_FILE)
    p.add_argument("--scenario", action="append", default=[], metavar="S.toml",
                   help="a scenario file (.toml); give two or more")
    _common(p, scenario=False)
    _out(p, "COMPARE.xlsx", required=False)
    p.set_defaults(usage=p.format_usage())
    return p


# ------------------------------------------------------------------------------ the runs


def run_sensitivity(args: argparse.Namespace) -> int:
    from devolve.present.robustness import sensitivity_lines, sensitivity_sheets
    from devolve.usecases import acceptability, weight_stability, write_robustness_workbook

    out = Path(args.out)
    progress = Progress()
    today = before_run(out, args.force, "the sensitivity workbook (--out)", args.dask) or _today(args, progress)
    if isinstance(today, int):
        return today
    assessment, model, plan = today

    progress("Testing the plan against each weight moved alone")
    t0 = time.perf_counter()
    stability = weight_stability(model, plan, progress=Pieces("weights"))
    took = time.perf_counter() - t0
    where = (f"on the Dask cluster at {args.dask}" if args.dask
             else "in this process" if args.workers == 1 else "on local processes")
    progress(f"Making the plan again under {args.samples:,} samples of the weights"
             + ("" if args.fixed_scores else " and scores") + f" {where}")
    found = _on_cluster(args, lambda: acceptability(
        model, plan, samples=args.samples, seed=args.seed, uniform=args.uniform_weights, scores=not args.fixed_scores,
        workers=args.workers, dask=args.dask, progress=Pieces("pieces of the samples")))
    if isinstance(found, int):
        return found
    progress.done()
    return _written(progress, out, "sensitivity",
                    lambda: write_robustness_workbook(sensitivity_sheets(assessment, plan, stability, found), out),
                    sensitivity_lines(assessment, plan, stability, found, stability_seconds=took))


def run_frontier(args: argparse.Namespace) -> int:
    from devolve.present.robustness import LIMITS_BY_WORD, frontier_chart, frontier_lines, frontier_sheets
    from devolve.usecases import value_frontier, write_robustness_workbook

    out = Path(args.out)
    progress = Progress()
    today = before_run(out, args.force, "the frontier workbook (--out)", args.dask) or _today(args, progress)
    if isinstance(today, int):
        return today
    assessment, model, plan = today

    family = LIMITS_BY_WORD[args.limit]
    progress(f"Planning at each value of the {args.limit} limit" + (f" on the Dask cluster at {args.dask}"
                                                                     if args.dask else ""))
    frontier = _on_cluster(args, lambda: value_frontier(
        model, plan, family, steps=args.steps, workers=args.workers, dask=args.dask,
        progress=Pieces("chains of points along the frontier")))
    if isinstance(frontier, int):
        return frontier
    progress.done()
    return _written(progress, out, "frontier", lambda: write_robustness_workbook(
        frontier_sheets(assessment, plan, frontier), out, charts=(frontier_chart(frontier),)),
        frontier_lines(plan, frontier))


def run_compare(args: argparse.Namespace) -> int:
    from devolve.present.robustness import COMPARE_FIXED, compare_sheets, comparison_lines, scenario_names
    from devolve.present.problems import print_problems
    from devolve.usecases import (CannotPlan, compare_scenarios, load_scenario, read_input,
                                  write_robustness_workbook)

    if len(args.scenario) < 2:
        print(f"{args.usage}devolve compare: error: give at least two scenarios to compare "
              "(--scenario A.toml --scenario B.toml)", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else None
    if out is not None:
        trouble = before_run(out, args.force, "the comparison workbook (--out)", None)
        if trouble is not None:
            return trouble
    progress = Progress()
    progress("Reading the workbook")
    assessment, warnings = read_input(args.file, rubric=args.rubric)
    if warnings.problems:
        print_problems(warnings, file=sys.stderr)
    loaded = [load_scenario(path, assessment) for path in args.scenario]
    given = [Path(path).stem if s.name == assessment.scenario.name else s.name
             for path, s in zip(args.scenario, loaded)]
    names = scenario_names(given, [Path(path).stem for path in args.scenario], taken=COMPARE_FIXED)
    scenarios = [s.replace(name=n) for s, n in zip(loaded, names)]
    try:
        plans = compare_scenarios(assessment, scenarios, progress=progress)
    except CannotPlan:
        return _no_neighbourhoods(args.file)
    progress.done()

    lines = comparison_lines(assessment, names, scenarios, plans)
    if out is None:
        for line in lines:
            print(line)
        return 0
    return _written(progress, out, "comparison",
                    lambda: write_robustness_workbook(compare_sheets(assessment, names, scenarios, plans), out), lines)


# ------------------------------------------------------------------------- shared steps


def _on_cluster(args: argparse.Namespace, work: Callable[[], Any]) -> Any:
    """``work()``, or 2 having said why when the Dask cluster it runs on fails part way."""
    try:
        return work()
    except (OSError, TimeoutError) as exc:
        if args.dask is None:
            raise
        return no_cluster(args.dask, exc)


def _written(progress: Progress, out: Path, what: str, write: Callable[[], None], lines: Sequence[str]) -> int:
    """Write the workbook (0), or say it cannot be written (2); then print the summary."""
    progress(f"Writing the {what} workbook")
    try:
        write()
    except OSError as exc:
        return cannot_write(out, exc)
    progress.done()
    for line in lines:
        print(line)
    print(f"{what.capitalize()} written to {out}")
    return 0


def _no_neighbourhoods(file: str) -> int:
    print(f"devolve: {Path(file).name} has no Neighbourhoods sheet (or it is empty); the plan needs at least one "
          "neighbourhood", file=sys.stderr)
    return 2


def _today(args: argparse.Namespace, progress: Progress):
    """The assessment, its built model and today's plan; or the exit code, having said why there
    is no plan to test."""
    from devolve.present.problems import print_problems
    from devolve.present.words import obstacle_lines
    from devolve.usecases import CannotPlan, plan_apart, plan_model, read_input

    progress("Reading the workbook")
    assessment, warnings = read_input(args.file, rubric=args.rubric, scenario=args.scenario)
    if warnings.problems:
        print_problems(warnings, file=sys.stderr)
    try:
        plan = plan_apart(assessment, progress=progress, price_of_uniformity=False)
        model = plan_model(assessment)
    except CannotPlan:
        return _no_neighbourhoods(args.file)
    progress.done()
    if not plan.status.has_plan:
        name = assessment.scenario.name
        print(f"devolve: the scenario '{name}' cannot be met, so there is no plan to test:" if plan.diagnosis
              else f"devolve: no plan was found for the scenario '{name}' in the time allowed:", file=sys.stderr)
        for line in obstacle_lines(assessment, plan):
            print(f"  - {line}", file=sys.stderr)
        return 2
    return assessment, model, plan


class Pieces:
    """Work done in pieces, shown on stderr: a bar redrawn in place on a terminal; elsewhere (a
    log, a pipe) a line at each tenth of the work, so a log stays short."""

    WIDTH = 30

    def __init__(self, what: str, stream=None):
        self.what = what
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.shown = -1
        self.start = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        if total <= 0:
            return
        took = time.perf_counter() - self.start
        if self.tty:
            filled = round(self.WIDTH * done / total)
            bar = "#" * filled + "." * (self.WIDTH - filled)
            end = "\n" if done >= total else ""
            print(f"\r  [{bar}] {done:,} of {total:,} {self.what}, {took:,.0f} s", end=end,
                  file=self.stream, flush=True)
            return
        tenth = done * 10 // total
        if tenth > self.shown:
            self.shown = tenth
            print(f"  {done:,} of {total:,} {self.what} done ({done / total:.0%}), {took:,.0f} s",
                  file=self.stream, flush=True)
