"""Many councils side by side, as sheets and lines a consultant reads: the comparison workbook of
``devolve batch`` and its summary on the command line.

Pure functions from a :class:`~devolve.core.comparison.Comparison` to pandas DataFrames and lists
of lines. Every figure's header names its unit in brackets — "(£", "(%", "(count)", "(hours a
year)" — so the writer formats it and a reader never guesses; services are keyed by their LGSL id,
else their name. The heat grid and the bar charts are described here (:class:`HeatGrid`,
:class:`BarChart`) and drawn by the writer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from devolve.core.comparison import Comparison, CouncilFigures, CouncilResult, Outcome, ServiceAcross
from devolve.core.problems import Problem
from devolve.core.terms import STAGES
from devolve.present.problems import summary_line
from devolve.present.words import VALUE_UNIT, count, limit_label, money

COUNCILS_SHEET = "Councils"
SERVICES_SHEET = "Services"
HEAT_SHEET = "Heat grid"
STAGES_SHEET = "Stages"
CHARTS_SHEET = "Charts"
PROBLEMS_SHEET = "Problems"
NOT_LISTED = ""
"""A council that does not list a service: the cell stays blank."""
NONE_DEVOLVED = "none devolved"
SHOWN_PROBLEMS = 5
"""How many of a broken workbook's errors the command line shows; the rest are on the Problems sheet."""


@dataclass(frozen=True)
class BarChart:
    """A native bar chart of one figure per council, drawn below its sheet's table."""

    sheet: str
    title: str
    category: str
    """The column naming each bar (the council)."""
    value: str
    """The column of the figure, with its unit in its header."""
    axis_title: str


@dataclass(frozen=True)
class HeatGrid:
    """Columns of a sheet shaded by their figures, pale (none) to deep (all)."""

    sheet: str
    columns: tuple[str, ...]


# --------------------------------------------------------------------------- the councils

def _binding(figures: CouncilFigures) -> str:
    names = {b.neighbourhood_id: b.neighbourhood or b.neighbourhood_id for b in figures.binding if b.neighbourhood_id}
    return "; ".join(limit_label(b.family, b.neighbourhood_id, names) for b in figures.binding) or "none"


def outcome_words(result: CouncilResult) -> str:
    """What became of a workbook, in a few words."""
    if result.outcome == Outcome.BROKEN:
        return f"broken: {count(len(result.problems.errors), 'error')}"
    if result.outcome == Outcome.NO_PLAN:
        return "no plan"
    return "planned"


COUNCIL_COLUMNS = [
    "Council", "File", "Outcome", "Scenario", "Solver status", "Gap to the bound (%)", f"Value ({VALUE_UNIT})",
    "Services (count)", "Neighbourhoods (count)", "Services' budget (£ a year)",
    "Devolution decisions (activity × neighbourhood)", "Activities devolved (count)",
    "Services with a devolved activity (count)", "Neighbourhoods reached (count)", "Partnerships set up (count)",
    "Spend devolved (£ a year)", "Share of the budget devolved (%)", "One-off transition cost (£)",
    "Change in annual running cost (£ a year)", "Contingency reserve needed (£)", "Residents reached (residents)",
    "Volunteer hours (hours a year)", "Volunteer time's worth (£ a year)", "Binding limits", "Why no plan",
    "Errors (count)", "Warnings (count)", "Seconds to read and plan (s)",
]
FIGURES = COUNCIL_COLUMNS[5:23]
"""The columns that are a plan's figures: the same in the comparison as in a run of its own."""


def _figures(f: CouncilFigures) -> list[Any]:
    planned = f.status.has_plan
    return [
        None if f.gap is None else round(f.gap, 6), None if f.value is None else round(f.value, 4),
        f.services, f.neighbourhoods, round(f.budget), f.decisions, f.activities_devolved, f.services_devolved,
        f.neighbourhoods_reached, f.partnerships, round(f.spend_devolved), round(f.share_devolved, 6),
        round(f.one_off_cost), round(f.running_change), round(f.contingency), f.residents_reached,
        round(f.volunteer_hours), round(f.volunteer_value),
    ] if planned else [None, None, f.services, f.neighbourhoods, round(f.budget)] + [None] * 13


def councils_table(comparison: Comparison) -> pd.DataFrame:
    """One row a workbook, in the folder's order: what became of it and, for each plan, what it
    devolves, its £ (a year and once), the residents it reaches, the volunteer hours it asks, the
    limits that bind and how near the best it is proven."""
    rows = []
    for r in comparison.results:
        f = r.figures
        rows.append([
            r.council, r.file, outcome_words(r), f.scenario if f else None, f.status.value if f else None,
            *(_figures(f) if f else [None] * len(FIGURES)),
            _binding(f) if f and f.status.has_plan else None,
            "; ".join(r.why_no_plan) or None, len(r.problems.errors), len(r.problems.warnings),
            round(f.seconds, 1) if f else None,
        ])
    return pd.DataFrame(rows, columns=COUNCIL_COLUMNS)


# --------------------------------------------------------------------------- the services

def _planned(comparison: Comparison) -> list[CouncilResult]:
    return list(comparison.planned)


def _stages_words(service: ServiceAcross, council: str, neighbourhoods: int) -> str:
    f = service.by_council.get(council)
    if f is None:
        return NOT_LISTED
    if not f.stages:
        return NONE_DEVOLVED
    return "; ".join(f"{stage.label} in {f.stages[stage]} of {neighbourhoods}" for stage in STAGES
                     if stage in f.stages)


def services_table(comparison: Comparison) -> pd.DataFrame:
    """One row a service, keyed by LGSL id (else its name): for each planned council, the stages
    it devolves and in how many of its neighbourhoods ("none devolved"; blank where the council
    does not list the service)."""
    planned = _planned(comparison)
    rows = []
    for s in comparison.services:
        rows.append([s.lgsl_id, s.name, "; ".join(s.names[1:]) or None, len(s.by_council), s.councils_devolving,
                     *[_stages_words(s, r.council, r.figures.neighbourhoods) for r in planned]])
    return pd.DataFrame(rows, columns=["LGSL id", "Service", "Also called", "Councils listing it (count)",
                                       "Councils devolving some of it (count)", *[r.council for r in planned]])


def heat_column(council: str) -> str:
    return f"{council} (% of its budget)"


def heat_table(comparison: Comparison) -> pd.DataFrame:
    """Services × councils: the share of each service's budget each council devolves (blank
    where the council does not list it), for shading."""
    planned = _planned(comparison)
    rows = []
    for s in comparison.services:
        shares = [round(s.by_council[r.council].share_devolved, 6) if r.council in s.by_council else None
                  for r in planned]
        rows.append([s.lgsl_id, s.name, *shares])
    return pd.DataFrame(rows, columns=["LGSL id", "Service", *[heat_column(r.council) for r in planned]])


def heat_grid(comparison: Comparison) -> HeatGrid:
    return HeatGrid(HEAT_SHEET, tuple(heat_column(r.council) for r in _planned(comparison)))


def stages_table(comparison: Comparison) -> pd.DataFrame:
    """The value chain's nine stages × councils: how many of each council's services devolve
    the stage somewhere."""
    planned = _planned(comparison)
    rows = []
    for stage in STAGES:
        rows.append([stage.label, stage.four_co,
                     *[sum(1 for f in r.figures.by_service if stage in f.stages) for r in planned]])
    return pd.DataFrame(rows, columns=["Stage", "Four Co's", *[f"{r.council} (services)" for r in planned]])


# ----------------------------------------------------------------------------- the charts

CHART_COLUMNS = [("Spend devolved (£ a year)", "£ a year"), ("One-off transition cost (£)", "£ once"),
                 ("Residents reached (residents)", "residents"), ("Volunteer hours (hours a year)", "hours a year")]


def charts_table(comparison: Comparison) -> pd.DataFrame:
    """The figures charted, one row a planned council."""
    rows = [[r.council, round(r.figures.spend_devolved), round(r.figures.one_off_cost), r.figures.residents_reached,
             round(r.figures.volunteer_hours)] for r in _planned(comparison)]
    return pd.DataFrame(rows, columns=["Council", *[c for c, _ in CHART_COLUMNS]])


def bar_charts() -> tuple[BarChart, ...]:
    return tuple(BarChart(CHARTS_SHEET, column.split(" (")[0] + " by council", "Council", column, unit)
                 for column, unit in CHART_COLUMNS)


# ----------------------------------------------------------------------------- the problems

PROBLEM_COLUMNS = ["Council", "File", "Severity", "Sheet", "Row", "Column", "Value found", "Expected", "Problem"]


def problems_table(comparison: Comparison) -> pd.DataFrame:
    """Every problem in every workbook, located: the broken workbooks' first (their errors, then
    their warnings), then the warnings of those that were planned."""
    ordered = sorted(comparison.results, key=lambda r: r.outcome != Outcome.BROKEN)
    rows = [[r.council, r.file, p.severity.value, p.sheet, p.row, p.column,
             None if p.value is None or p.value == "" else p.value, p.expected, p.message]
            for r in ordered for p in r.problems.ordered()]
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS)


# ------------------------------------------------------------------------------ the whole

def summary_table(comparison: Comparison, about: Sequence[tuple[str, Any]] = ()) -> pd.DataFrame:
    """Headline counts, then what the run was (``about``: the folder, the rubric, where it ran)."""
    by_lgsl = sum(1 for s in comparison.services if s.lgsl_id is not None)
    shared = sum(1 for s in comparison.services if len(s.by_council) > 1)
    rows: list[tuple[str, Any]] = [
        ("Workbooks compared", len(comparison.results)),
        ("Planned", comparison.counted(Outcome.PLANNED)),
        ("No plan (the scenario cannot be met, or none found in time)", comparison.counted(Outcome.NO_PLAN)),
        (f"Broken (could not be read; every problem is on the sheet {PROBLEMS_SHEET})",
         comparison.counted(Outcome.BROKEN)),
        ("Services compared", len(comparison.services)),
        ("… matched across councils by LGSL id", by_lgsl),
        ("… matched by name (no LGSL id given)", len(comparison.services) - by_lgsl),
        ("… listed by two or more councils", shared),
        ("… devolved by two or more councils", sum(1 for s in comparison.services if s.councils_devolving > 1)),
        *about,
    ]
    return pd.DataFrame(rows, columns=["Item", "Value"])


def comparison_sheets(comparison: Comparison, about: Sequence[tuple[str, Any]] = ()) -> dict[str, pd.DataFrame]:
    """The comparison workbook's sheets, in the order a consultant reads them: the summary, the
    councils side by side, the services they share, the heat grid, the stages, the charts and
    every problem."""
    return {
        "Summary": summary_table(comparison, about),
        COUNCILS_SHEET: councils_table(comparison),
        SERVICES_SHEET: services_table(comparison),
        HEAT_SHEET: heat_table(comparison),
        STAGES_SHEET: stages_table(comparison),
        CHARTS_SHEET: charts_table(comparison),
        PROBLEMS_SHEET: problems_table(comparison),
    }


# ------------------------------------------------------------------------ the command line

def arrival_line(result: CouncilResult) -> str:
    """One council's result as it arrives: planned with its headline figures, or why not."""
    f = result.figures
    if result.outcome == Outcome.PLANNED and f is not None:
        return (f"{result.file}: planned, {count(f.decisions, 'decision')}, {money(f.spend_devolved)} a year "
                f"devolved, {f.residents_reached:,} residents reached ({f.seconds:.1f} s)")
    if result.outcome == Outcome.NO_PLAN:
        return f"{result.file}: no plan: " + "; ".join(result.why_no_plan)
    counts = summary_line(result.file, result.problems).removeprefix(f"{result.file}: ")  # a name may hold ': '
    return f"{result.file}: broken ({counts})"


def _located(p: Problem) -> str:
    """A problem under its workbook's name: where in the workbook (sheet, row, column), then what."""
    said = str(replace(p, file=None))
    return said if p.sheet or p.row is not None or p.column else f"the file: {said}"


def comparison_lines(comparison: Comparison) -> list[str]:
    """The councils side by side, then every workbook that could not be planned and why (a
    broken one's first few errors, located), for the command line."""
    results = comparison.results
    lines = [f"{count(len(results), 'workbook')}: {comparison.counted(Outcome.PLANNED)} planned, "
             f"{comparison.counted(Outcome.NO_PLAN)} with no plan, {comparison.counted(Outcome.BROKEN)} broken"]
    if not results:
        return lines
    heads = ["Council", "Outcome", "Decisions", "Spend (£ a year)", "One-off (£)", "Residents", "Volunteer hours",
             "Gap"]
    rows = []
    for r in results:
        f = r.figures
        if f is not None and f.status.has_plan:
            rows.append([r.council, "planned", f"{f.decisions:,}", money(f.spend_devolved), money(f.one_off_cost),
                         f"{f.residents_reached:,}", f"{f.volunteer_hours:,.0f}",
                         "n/a" if f.gap is None else f"{f.gap:.2%}"])
        else:
            rows.append([r.council, outcome_words(r)] + ["—"] * 6)
    widths = [min(32, max(len(h), *(len(row[i]) for row in rows))) for i, h in enumerate(heads)]

    def line(cells: list[str]) -> str:
        cut = [c if len(c) <= w else c[:w - 1] + "…" for c, w in zip(cells, widths)]
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cut, widths))).rstrip()

    lines += ["", line(heads)] + [line(row) for row in rows]
    failed = [r for r in results if r.outcome != Outcome.PLANNED]
    if failed:
        lines += ["", "Not planned:"]
    for r in failed:
        if r.outcome == Outcome.NO_PLAN:
            lines.append(f"  {r.file}: no plan")
            lines += [f"    - {why}" for why in r.why_no_plan]
            continue
        errors = r.problems.errors
        lines.append(f"  {summary_line(r.file, r.problems)}")
        lines += [f"    - {_located(p)}" for p in errors[:SHOWN_PROBLEMS]]
        if len(errors) > SHOWN_PROBLEMS:
            lines.append(f"    … and {len(errors) - SHOWN_PROBLEMS:,} more (sheet {PROBLEMS_SHEET} of the comparison)")
    shared = sum(1 for s in comparison.services if s.councils_devolving > 1)
    lines += ["", f"{count(len(comparison.services), 'service')} compared across the planned councils "
                  f"({sum(1 for s in comparison.services if s.lgsl_id is not None):,} by LGSL id, the rest by name); "
                  f"{shared:,} devolved by two or more"]
    return lines
