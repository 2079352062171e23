"""How sure a plan is, what more money would buy, and how scenarios differ, as tables and lines
people read: the sheets of the sensitivity, frontier and compare workbooks and the command line's
summaries. The app's Robustness page and the cabinet report may take the same tables.

Pure functions to pandas DataFrames and lists of lines, like :mod:`devolve.present.tables`:
money columns carry "(£" in their header, shares "(%)" and margins "(±%)", so a writer knows how
to format them; a table whose first column is "Item" or "Measure" takes each row's format from
that row's first cell. The bands are written in words, and coloured only besides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from devolve.core.domain import Assessment
from devolve.core.limits import CATALOGUE, Family
from devolve.core.plan import Plan
from devolve.core.robustness import CORE_SHARE, Acceptability, Band, Change, Frontier, WeightDraw, WeightStability
from devolve.core.scenario import SETTINGS_BY_KEY, Scenario, settings_of
from devolve.core.terms import STAGES, ActivityKey, Kind, Stage, Unit
from devolve.present.charts import TODAYS_SCALE, change_words
from devolve.present.words import VALUE_UNIT, count, limit_label, limit_set_by, money, obstacle_lines, setting_label

BAND_ORDER = (Band.CORE, Band.CONTESTED, Band.NEVER)
BAND_COLOURS: dict[str, tuple[str, str]] = {
    Band.CORE.value: ("C6EFCE", "006100"),
    Band.CONTESTED.value: ("FFEB9C", "7F4F00"),
    Band.NEVER.value: ("FFC7CE", "9C0006"),
}
"""Each band's (pale fill, dark text), as the plan workbook colours fates: green the robust core,
amber contested, rose a decision of today's plan that no sample chooses. Every pair has a contrast
of at least 4.5:1, and the band is always written in words too."""
BAND_COLUMN = "Band"
"""The column the bands are written in (and coloured by)."""
KEPT = TODAYS_SCALE
"""What a missing arrangement means: the activity is kept at today's scale there."""
LIMITS_BY_WORD: dict[str, Family] = {"transition": Family.TRANSITION_BUDGET, "reserve": Family.CONTINGENCY_RESERVE}
"""The £ limits a frontier may vary, by the word the command line takes for each."""
PER_STEP = 10_000.0
"""What "each £ more" is counted in when the frontier's slopes are put in words."""


@dataclass(frozen=True)
class LineChart:
    """A native spreadsheet chart drawn beside a sheet's table: each ``y`` column against ``x``."""

    sheet: str
    title: str
    x: str
    y: tuple[str, ...]
    x_title: str
    y_title: str


class _Names:
    """Services', neighbourhoods' and arrangements' names by id, and the orders a reader expects
    (the workbook's order of services and neighbourhoods, the value chain's order of stages)."""

    def __init__(self, assessment: Assessment):
        self.services = {s.service_id: s.name for s in assessment.services}
        self.places = {h.neighbourhood_id: h.name for h in assessment.neighbourhoods}
        self.arrangements = {c.key: c.name for c in assessment.rubric.configurations}
        self.service_order = {s.service_id: i for i, s in enumerate(assessment.services)}
        self.place_order = {h.neighbourhood_id: i for i, h in enumerate(assessment.neighbourhoods)}

    def service(self, service_id: str) -> str:
        return self.services.get(service_id, service_id)

    def place(self, neighbourhood_id: str) -> str:
        return self.places.get(neighbourhood_id, neighbourhood_id)

    def arrangement(self, key: str | None) -> str:
        return KEPT if key is None else self.arrangements.get(key, key)

    def order(self, service_id: str, stage: Stage, neighbourhood_id: str | None = None) -> tuple[int, int, int]:
        return (self.service_order.get(service_id, len(self.service_order)), STAGES.index(stage),
                -1 if neighbourhood_id is None else self.place_order.get(neighbourhood_id, len(self.place_order)))


def _activity(activity_id: str) -> ActivityKey:
    service, stage = activity_id.rsplit(":", 1)
    return ActivityKey(service, Stage(stage))


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


# ------------------------------------------------------------------------- sensitivity


def sensitivity_sheets(assessment: Assessment, plan: Plan, stability: Sequence[WeightStability],
                       acceptability: Acceptability) -> dict[str, pd.DataFrame]:
    """The sensitivity workbook's sheets, in the order a councillor reads them: the summary first,
    each weight's interval, every decision that changes at its ends, then how often each decision
    is chosen and which activities never are."""
    return {
        "Summary": sensitivity_overview(assessment, plan, stability, acceptability),
        "Weight stability": stability_table(assessment, stability),
        CHANGES_SHEET: changes_table(assessment, stability),
        "Acceptability": acceptability_table(assessment, acceptability),
        "Never chosen": never_table(assessment, acceptability),
    }


def _weights_drawn(a: Acceptability) -> str:
    if a.weights == WeightDraw.UNIFORM:
        return "at random, every weighting equally likely (no preference stated)"
    return f"at random around the chosen weights (Dirichlet, concentration {a.concentration:g})"


def _scores_drawn(a: Acceptability) -> str:
    return ("drawn too: each from its assessors' scores, or a level either side of a default" if a.scores
            else "fixed at today's scores")


def _where(a: Acceptability) -> str:
    if a.engine != "local processes":
        return f"on the {a.engine}"
    return "in this process" if a.workers == 1 else f"on {a.workers} local processes"


def _planned_bands(a: Acceptability) -> dict[Band, int]:
    return {band: sum(1 for d in a.planned if d.band == band) for band in BAND_ORDER}


def _interval(s: WeightStability) -> str:
    return f"today {s.weight:.0%}; the plan stands from {s.low:.0%} to {s.high:.0%}"


def sensitivity_overview(assessment: Assessment, plan: Plan, stability: Sequence[WeightStability],
                         a: Acceptability) -> pd.DataFrame:
    """Headline figures of the sensitivity run, one per row."""
    bands = _planned_bands(a)
    others = [d for d in a.decisions if d.planned is None]
    rows: list[tuple[str, Any]] = [
        ("Scenario", plan.scenario_name),
        ("Decisions in today's plan", len(plan.decisions)),
        (f"Value of today's plan ({VALUE_UNIT})", None if plan.objective is None else round(plan.objective, 4)),
        ("Samples", a.samples),
        ("Seed (the same seed gives the same samples)", a.seed),
        ("Weights drawn", _weights_drawn(a)),
        ("Scores", _scores_drawn(a)),
        ("Each sample's plan is within this of its best (%)", a.relative_gap),
        ("Samples in which a plan was found", a.plans),
        ("Samples in which today's plan stands unchanged (%)", round(_share(a.stands, a.samples), 4)),
        ("Margin of any share at this number of samples, 95% confidence (±%)", round(a.margin, 4)),
        (f"Today's decisions in the robust core (chosen in {CORE_SHARE:.0%} or more of the samples)",
         bands[Band.CORE]),
        (f"Today's decisions contested (chosen in fewer than {CORE_SHARE:.0%})", bands[Band.CONTESTED]),
        ("Today's decisions never chosen in any sample", bands[Band.NEVER]),
        ("Decisions not in today's plan chosen in some samples", len(others)),
        (f"… of them chosen in {CORE_SHARE:.0%} or more", sum(1 for d in others if d.band == Band.CORE)),
        ("Activities that may be devolved but never are, in any sample", len(a.never)),
        ("Seconds taken by the samples", round(a.seconds, 1)),
        ("Where the samples ran", _where(a).removeprefix("on ").removeprefix("in ")),
    ]
    rows += [(f"Weight of {s.benefit.label.lower()}", _interval(s)) for s in stability]
    sensitive = most_sensitive(stability)
    if sensitive:
        rows.append(("Most sensitive to", sensitive))
    return pd.DataFrame(rows, columns=["Item", "Value"])


def most_sensitive(stability: Sequence[WeightStability]) -> str | None:
    """The weight whose smallest move takes today's plan out of the gap of the best plan possible,
    and what that changes, in words; None when every weight can go from 0% to 100%."""
    moves = [(s.weight - s.low, s, s.below) for s in stability if s.low > 0] + \
            [(s.high - s.weight, s, s.above) for s in stability if s.high < 1]
    if not moves:
        return None
    room, s, first = min(moves, key=lambda m: m[0])
    moved = f"a move of {room * 100:.0f} percentage points" if room >= 0.005 else "the smallest move"
    said = f"{s.benefit.label.lower()}: {moved} "
    if first:
        return said + f"changes {count(len(first), 'decision')}"
    return said + "takes today's plan outside the gap of the best plan possible, though no decision changes there"


SHOWN_CHANGES = 3
"""How many of the decisions that change first a weight's row names; the rest are on the sheet
:data:`CHANGES_SHEET`, one a row."""
CHANGES_SHEET = "Changes at the edges"


def _changes_text(changes: Sequence[Change], assessment: Assessment, end: float) -> str:
    if changes:
        shown = "; ".join(change_words(c, assessment) for c in changes[:SHOWN_CHANGES])
        more = len(changes) - SHOWN_CHANGES
        return shown + (f"; and {more:,} more (sheet {CHANGES_SHEET})" if more > 0 else "")
    if end in (0.0, 1.0):
        return f"none: the plan stands all the way to {end:.0%}"
    return "no decision changes: the plan only falls outside the gap of the best plan possible"


def stability_table(assessment: Assessment, stability: Sequence[WeightStability]) -> pd.DataFrame:
    """One row a benefit: today's weight, the lowest and highest at which the plan stands (the
    other weights moved in proportion), and the decisions that change first beyond each, counted
    and the first few named."""
    rows = [{
        "Benefit": s.benefit.label,
        "Today's weight (%)": round(s.weight, 4),
        "Lowest weight at which the plan stands (%)": round(s.low, 4),
        "Highest weight at which the plan stands (%)": round(s.high, 4),
        "Decisions that change below the lowest": len(s.below),
        "Decisions that change above the highest": len(s.above),
        "First to change below": _changes_text(s.below, assessment, s.low),
        "First to change above": _changes_text(s.above, assessment, s.high),
    } for s in stability]
    return pd.DataFrame(rows, columns=["Benefit", "Today's weight (%)", "Lowest weight at which the plan stands (%)",
                                       "Highest weight at which the plan stands (%)",
                                       "Decisions that change below the lowest",
                                       "Decisions that change above the highest", "First to change below",
                                       "First to change above"])


def changes_table(assessment: Assessment, stability: Sequence[WeightStability]) -> pd.DataFrame:
    """Every decision that changes first when a weight moves just past either end of its
    interval, one a row: what today's plan does and what the plan does instead."""
    names = _Names(assessment)
    rows = []
    for s in stability:
        for where, changes in ((f"below {s.low:.0%}", s.below), (f"above {s.high:.0%}", s.above)):
            ordered = sorted(changes, key=lambda c: names.order(c.service_id, c.stage, c.neighbourhood_id))
            rows += [[s.benefit.label, where, names.service(c.service_id), c.stage.label,
                      names.place(c.neighbourhood_id), names.arrangement(c.before), names.arrangement(c.after),
                      c.activity_id, c.neighbourhood_id] for c in ordered]
    return pd.DataFrame(rows, columns=["Benefit", "When its weight goes", "Service", "Activity", "Neighbourhood",
                                       "Today's plan", "Becomes", "Activity id", "Neighbourhood id"])


ACCEPTABILITY_COLUMNS = ["Service", "Activity", "Four Co's", "Neighbourhood", "Today's plan",
                         "Chosen in (% of samples)", "Chosen under today's arrangement (%)", "Margin (±%)",
                         BAND_COLUMN, "Activity id", "Neighbourhood id"]


def acceptability_table(assessment: Assessment, a: Acceptability) -> pd.DataFrame:
    """One row an activity and neighbourhood chosen in some sample or in today's plan: how often it
    is chosen, under any arrangement and under today's, with its margin and band. The robust core
    first, then the contested, then today's decisions no sample chooses; today's plan before the
    rest within a band, the most chosen first, then in the workbook's order."""
    names = _Names(assessment)
    ordered = sorted(a.decisions, key=lambda d: (BAND_ORDER.index(d.band), d.planned is None, -d.share,
                                                 names.order(d.service_id, d.stage, d.neighbourhood_id)))
    rows = [[
        names.service(d.service_id), d.stage.label, d.stage.four_co, names.place(d.neighbourhood_id),
        names.arrangement(d.planned), round(d.share, 4),
        round(d.share_as_planned, 4) if d.planned is not None else None,
        round(d.margin, 4), d.band.value, d.activity_id, d.neighbourhood_id,
    ] for d in ordered]
    return pd.DataFrame(rows, columns=ACCEPTABILITY_COLUMNS)


def never_table(assessment: Assessment, a: Acceptability) -> pd.DataFrame:
    """Every activity that may be devolved but that no sample's plan devolves anywhere."""
    names = _Names(assessment)
    keys = sorted((_activity(i) for i in a.never), key=lambda k: names.order(k.service_id, k.stage))
    rows = [[names.service(k.service_id), k.stage.label, k.stage.four_co, str(k)] for k in keys]
    return pd.DataFrame(rows, columns=["Service", "Activity", "Four Co's", "Activity id"])


def sensitivity_lines(assessment: Assessment, plan: Plan, stability: Sequence[WeightStability],
                      a: Acceptability, *, stability_seconds: float | None = None) -> list[str]:
    """A short plain-words summary of how sure today's plan is, for the command line."""
    bands = _planned_bands(a)
    others = [d for d in a.decisions if d.planned is None]
    value = "" if plan.objective is None else f", worth {plan.objective:,.3f} {VALUE_UNIT}"
    lines = [
        f"Scenario: {plan.scenario_name}: today's plan has {count(len(plan.decisions), 'decision')}{value}",
        f"Samples: {a.samples:,} (seed {a.seed}); weights {_weights_drawn(a)}; scores {_scores_drawn(a)}; "
        f"each sample's plan within {a.relative_gap:.1%} of its best",
        f"Today's plan stands, unchanged, in {_share(a.stands, a.samples):.0%} of the samples "
        f"({a.stands:,} of {a.samples:,})",
        f"Of today's decisions: {bands[Band.CORE]:,} in the robust core (chosen in {CORE_SHARE:.0%} or more of the "
        f"samples), {bands[Band.CONTESTED]:,} contested, {bands[Band.NEVER]:,} never chosen",
        f"Not in today's plan: {count(len(others), 'decision')} chosen in some samples, "
        f"{sum(1 for d in others if d.band == Band.CORE):,} of them in {CORE_SHARE:.0%} or more",
        f"Never chosen: {count(len(a.never), 'activity', 'activities')} that may be devolved, devolved nowhere "
        "in any sample",
        f"Margin: each share is within ±{a.margin * 100:.1f} percentage points (95% confidence) at "
        f"{a.samples:,} samples",
    ]
    if a.plans < a.samples:
        lines.append(f"In {count(a.samples - a.plans, 'sample')} no plan was found in time; they count as choosing "
                     "nothing")
    took = f"Time: {a.seconds:,.1f} s for the samples {_where(a)}"
    if stability_seconds is not None:
        took += f"; {stability_seconds:,.1f} s for the weight stability"
    lines.append(took)
    if stability:
        width = max(len(s.benefit.label) for s in stability)
        lines += ["", "Weights, each moved alone (the others in proportion):"]
        lines += [f"  {s.benefit.label:<{width}}  {_interval(s)}" for s in stability]
        sensitive = most_sensitive(stability)
        lines.append(f"Most sensitive to {sensitive}" if sensitive else "No weight moved alone changes the plan")
    return lines


# ---------------------------------------------------------------------------- frontier


def frontier_label(frontier: Frontier) -> str:
    """The limit the frontier varies, in words: "One-off transition budget"."""
    return CATALOGUE[frontier.family].label


def frontier_sheets(assessment: Assessment, plan: Plan, frontier: Frontier) -> dict[str, pd.DataFrame]:
    """The frontier workbook's sheets: the summary, the points (with :func:`frontier_chart` beside
    them) and which decisions enter and leave at each."""
    return {
        "Summary": frontier_overview(plan, frontier),
        "Frontier": frontier_table(frontier),
        "Entering": entering_table(assessment, frontier),
    }


def _limit_column(frontier: Frontier) -> str:
    return f"{frontier_label(frontier)} (£)"


VALUE_COLUMN = f"Value ({VALUE_UNIT})"
BOUND_COLUMN = f"No plan can be worth more ({VALUE_UNIT})"


def frontier_chart(frontier: Frontier) -> LineChart:
    """The frontier as a native chart: the value (and the bound above it) against the limit."""
    label = frontier_label(frontier)
    return LineChart(sheet="Frontier", title=f"What more money buys: the plan's value against the {label.lower()}",
                     x=_limit_column(frontier), y=(VALUE_COLUMN, BOUND_COLUMN), x_title=f"{label} (£)",
                     y_title=f"Value of the plan ({VALUE_UNIT})")


def _marks(frontier: Frontier, i: int) -> str | None:
    marks = []
    if abs(frontier.points[i].limit - frontier.today) < 0.5:
        marks.append("today's setting")
    if frontier.knee == i:
        marks.append("returns fall away here")
    return "; ".join(marks) or None


def frontier_table(frontier: Frontier) -> pd.DataFrame:
    """One row a point: the best plan with the limit set to that £, what it is worth, the most any
    plan there could be worth, what it uses and reaches, and how many decisions enter and leave."""
    label = frontier_label(frontier)
    rows = []
    for i, p in enumerate(frontier.points):
        rows.append({
            _limit_column(frontier): round(p.limit),
            "Plan found": "yes" if p.found else "no plan found in the time allowed",
            VALUE_COLUMN: None if p.value is None else round(p.value, 4),
            BOUND_COLUMN: None if p.bound is None else round(p.bound, 4),
            f"{label} used (£)": None if p.used is None else round(p.used),
            "Residents reached": p.residents,
            "Decisions": p.decisions,
            "Spend devolved (£ a year)": None if p.annual_cost is None else round(p.annual_cost),
            "Decisions entering": len(p.entering) if p.found else None,
            "Decisions leaving": len(p.leaving) if p.found else None,
            "Note": _marks(frontier, i),
        })
    return pd.DataFrame(rows, columns=[_limit_column(frontier), "Plan found", VALUE_COLUMN, BOUND_COLUMN,
                                       f"{label} used (£)", "Residents reached", "Decisions",
                                       "Spend devolved (£ a year)", "Decisions entering", "Decisions leaving", "Note"])


def entering_table(assessment: Assessment, frontier: Frontier) -> pd.DataFrame:
    """Each decision that enters (or changes arrangement, or leaves) at each point, against the
    point before it."""
    names = _Names(assessment)
    rows = []
    for p in frontier.points:
        moved = [(c, "enters" if c.before is None else "changes arrangement") for c in p.entering]
        moved += [(c, "leaves") for c in p.leaving]
        moved.sort(key=lambda m: names.order(m[0].service_id, m[0].stage, m[0].neighbourhood_id))
        rows += [[round(p.limit), what, names.service(c.service_id), c.stage.label, names.place(c.neighbourhood_id),
                  names.arrangement(c.before), names.arrangement(c.after), c.activity_id, c.neighbourhood_id]
                 for c, what in moved]
    return pd.DataFrame(rows, columns=[_limit_column(frontier), "Change", "Service", "Activity", "Neighbourhood",
                                       "From", "To", "Activity id", "Neighbourhood id"])


def knee_words(frontier: Frontier) -> str:
    """Where returns fall away, and what each £10,000 buys either side, in words."""
    found = [p for p in frontier.points if p.found and p.value is not None]
    if len(found) < 3:
        return "Too few plans were found along the frontier to say where returns fall away"
    first, last = found[0], found[-1]

    def per_step(a, b) -> float:
        return (b.value - a.value) / (b.limit - a.limit) * PER_STEP if b.limit > a.limit else 0.0

    step = money(PER_STEP)
    if frontier.knee is None:
        return (f"No point where returns clearly fall away: from {money(first.limit)} to {money(last.limit)} each "
                f"{step} more buys about {per_step(first, last):,.3f} {VALUE_UNIT}")
    k = frontier.points[frontier.knee]
    said = (f"Returns fall away after {money(k.limit)}: up to it, each {step} buys about {per_step(first, k):,.3f} "
            f"{VALUE_UNIT}")
    if last.limit > k.limit:
        said += f"; beyond it, about {per_step(k, last):,.3f}"
    best = max(found, key=lambda p: p.value)
    if best.value:
        said += f" ({money(k.limit)} buys {k.value / best.value:.0%} of the most, {best.value:,.3f})"
    return said


def frontier_overview(plan: Plan, frontier: Frontier) -> pd.DataFrame:
    """Headline figures of the frontier, one per row."""
    found = [p for p in frontier.points if p.found]
    best = max(found, key=lambda p: p.value or 0.0) if found else None
    rows: list[tuple[str, Any]] = [
        ("Scenario", plan.scenario_name),
        ("Limit varied", frontier_label(frontier)),
        ("Today's setting (£)", round(frontier.today)),
        (f"Value of today's plan ({VALUE_UNIT})", None if plan.objective is None else round(plan.objective, 4)),
        ("Points (each the best plan with the limit set there)", len(frontier.points)),
        ("Points where a plan was found", len(found)),
        (f"Most value found ({VALUE_UNIT})", None if best is None else round(best.value or 0.0, 4)),
        ("… at a limit of (£)", None if best is None else round(best.limit)),
        ("Where returns fall away", knee_words(frontier)),
        ("Seconds taken", round(frontier.seconds, 1)),
    ]
    widest = max((p.limit for p in frontier.points), default=0.0)
    if frontier.today > widest:
        rows.append(("Note", f"today's setting, {money(frontier.today)}, is more than any plan uses "
                             f"({money(widest)} with the limit lifted)"))
    return pd.DataFrame(rows, columns=["Item", "Value"])


def frontier_lines(plan: Plan, frontier: Frontier) -> list[str]:
    """The frontier as a short table and where returns fall away, for the command line."""
    label = frontier_label(frontier)
    lines = [f"Scenario: {plan.scenario_name}: the plan's value against the {label.lower()} "
             f"(today {money(frontier.today)}), {count(len(frontier.points), 'point')} in {frontier.seconds:,.1f} s", ""]
    header = ("Limit", "Value", "£ used", "Residents", "Decisions", "Entering", "Leaving")
    cells = []
    for i, p in enumerate(frontier.points):
        if not p.found:
            cells.append(([money(p.limit), "no plan found in the time allowed"], _marks(frontier, i)))
            continue
        cells.append(([money(p.limit), f"{p.value:,.3f}", money(p.used or 0.0), f"{p.residents or 0:,}",
                       f"{p.decisions or 0:,}", f"{len(p.entering):,}", f"{len(p.leaving):,}"], _marks(frontier, i)))
    widths = [max([len(header[j])] + [len(row[j]) for row, _ in cells if len(row) == len(header)])
              for j in range(len(header))]
    lines.append("  ".join(h.rjust(w) for h, w in zip(header, widths)))
    for row, mark in cells:
        text = ("  ".join(c.rjust(w) for c, w in zip(row, widths)) if len(row) == len(header)
                else f"{row[0].rjust(widths[0])}  {row[1]}")
        lines.append(text + (f"  <- {mark}" if mark else ""))
    lines += ["", knee_words(frontier)]
    widest = max((p.limit for p in frontier.points), default=0.0)
    if frontier.today > widest:
        lines.append(f"Today's setting, {money(frontier.today)}, is more than any plan uses ({money(widest)} with "
                     "the limit lifted)")
    return lines


# ----------------------------------------------------------------------------- compare


def scenario_names(given: Sequence[str], stems: Sequence[str], taken: Sequence[str] = ()) -> list[str]:
    """A distinct name for each scenario: its own, else (when two share one, or it would be taken
    for a column's name) with its file's stem, else numbered."""
    names: list[str] = []
    reserved = {t.casefold() for t in taken}
    for name, stem in zip(given, stems):
        clashes = sum(1 for n in given if n.casefold() == name.casefold()) > 1 or name.casefold() in reserved
        chosen = f"{name} ({stem})" if clashes and stem.casefold() != name.casefold() else name
        base, n = chosen, 2
        while chosen.casefold() in {x.casefold() for x in names} | reserved:
            chosen, n = f"{base} ({n})", n + 1
        names.append(chosen)
    return names


COMPARE_FIXED = ("Measure", "Setting", "Service", "Activity", "Neighbourhood", "Activity id", "Neighbourhood id",
                 "Differs")
"""Column names the comparison's tables use for themselves: no scenario may take one."""


def compare_sheets(assessment: Assessment, names: Sequence[str], scenarios: Sequence[Scenario],
                   plans: Sequence[Plan]) -> dict[str, pd.DataFrame]:
    """The comparison workbook's sheets: the scenarios side by side, the decisions that differ and
    every setting of each."""
    return {
        "Summary": comparison_table(assessment, names, scenarios, plans),
        "Decisions that differ": differences_table(assessment, names, plans),
        "Settings": settings_table(assessment, names, scenarios),
    }


def _binding(assessment: Assessment, plan: Plan) -> str:
    names = _Names(assessment).places
    said = [limit_label(lim.family, lim.neighbourhood_id, names) for lim in plan.limits if lim.binding]
    return "; ".join(said) or "none"


def _measures(assessment: Assessment, plan: Plan) -> list[tuple[str, Any]]:
    d = plan.decisions
    found = plan.status.has_plan
    rows: list[tuple[str, Any]] = [
        ("Status", plan.status.value),
        (f"Value ({VALUE_UNIT})", round(plan.objective, 4) if found and plan.objective is not None else None),
        ("One-off transition cost (£)", round(plan.one_off_cost()) if found else None),
        ("Change in annual running cost (£ a year)", round(sum(x.running_change for x in d)) if found else None),
        ("Contingency reserve needed (£)", round(sum(x.contingency for x in d)) if found else None),
        ("Residents reached", plan.residents_reached() if found else None),
        ("Volunteer hours a year", round(sum(x.volunteer_hours for x in d)) if found else None),
        ("Devolution decisions (activity × neighbourhood)", len(d) if found else None),
        ("Binding limits", _binding(assessment, plan) if found else None),
    ]
    return rows


def comparison_table(assessment: Assessment, names: Sequence[str], scenarios: Sequence[Scenario],
                     plans: Sequence[Plan]) -> pd.DataFrame:
    """The scenarios side by side: one row a measure, one column a scenario."""
    measures = [_measures(assessment, p) for p in plans]
    rows = [[label] + [m[i][1] for m in measures] for i, (label, _) in enumerate(measures[0])] if measures else []
    why = ["; ".join(obstacle_lines(assessment.replace(scenario=s), p)) if p.diagnosis else None
           for s, p in zip(scenarios, plans)]
    if any(why):
        rows.append(["Why no plan"] + why)
    return pd.DataFrame(rows, columns=["Measure", *names])


def _with_plans(names: Sequence[str], plans: Sequence[Plan]) -> list[tuple[str, Plan]]:
    return [(n, p) for n, p in zip(names, plans) if p.status.has_plan]


def differences(plans: Sequence[Plan]) -> list[tuple[ActivityKey, str, list[str | None]]]:
    """Each activity and neighbourhood whose arrangement is not the same in every plan, with each
    plan's arrangement (None: kept at today's scale)."""
    chosen = [p.chosen() for p in plans]
    keys = set().union(*chosen) if chosen else set()
    out = []
    for key, hood in keys:
        each = [c.get((key, hood)) for c in chosen]
        if len(set(each)) > 1:
            out.append((key, hood, each))
    return out


def differences_table(assessment: Assessment, names: Sequence[str], plans: Sequence[Plan]) -> pd.DataFrame:
    """The decisions that differ between the scenarios that have a plan: each scenario's
    arrangement, or kept at today's scale, in the workbook's order."""
    names_ = _Names(assessment)
    kept = _with_plans(names, plans)
    found = differences([p for _, p in kept])
    found.sort(key=lambda f: names_.order(f[0].service_id, f[0].stage, f[1]))
    rows = [[names_.service(key.service_id), key.stage.label, names_.place(hood)]
            + [names_.arrangement(c) for c in each] + [str(key), hood] for key, hood, each in found]
    return pd.DataFrame(rows, columns=["Service", "Activity", "Neighbourhood", *[n for n, _ in kept], "Activity id",
                                       "Neighbourhood id"])


def _setting_text(key: str, value: Any, arrangements: Mapping[str, str]) -> str:
    setting = SETTINGS_BY_KEY.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and setting is not None:
        limit = limit_set_by(key)
        if setting.kind == Kind.MONEY or (limit is not None and limit.unit == Unit.POUNDS):
            return money(value)
        if setting.kind == Kind.SHARE:
            return f"{value:.1%}"
        return f"{value:g}" if isinstance(value, float) else str(value)
    if key == "configurations" and isinstance(value, str):
        return ", ".join(arrangements.get(k.strip(), k.strip()) for k in value.split(",") if k.strip())
    if value is None:
        return ""
    return str(getattr(value, "value", value))


def settings_table(assessment: Assessment, names: Sequence[str], scenarios: Sequence[Scenario]) -> pd.DataFrame:
    """Every setting of each scenario, in words, and whether they differ."""
    arrangements = _Names(assessment).arrangements
    each = [dict(settings_of(s)) for s in scenarios]
    keys = [k for k in dict.fromkeys(k for e in each for k in e) if k != "name"]  # the names head the columns
    rows = []
    for key in keys:
        shown = [_setting_text(key, e.get(key), arrangements) for e in each]
        rows.append([setting_label(key), *shown, "yes" if len(set(shown)) > 1 else "no"])
    return pd.DataFrame(rows, columns=["Setting", *names, "Differs"])


def _shown(label: str, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if "(£" in label:
        return money(value)
    if isinstance(value, float):
        return f"{value:,.3f}"
    return f"{value:,}"


def comparison_lines(assessment: Assessment, names: Sequence[str], scenarios: Sequence[Scenario],
                     plans: Sequence[Plan], *, width: int = 22) -> list[str]:
    """The scenarios side by side, the settings that differ and every decision that differs, for
    the command line."""
    def cut(text: str, w: int) -> str:
        return text if len(text) <= w else text[:w - 1] + "…"

    table = comparison_table(assessment, names, scenarios, plans)
    rows = [(str(r[0]), [_shown(str(r[0]), v) for v in r[1:]]) for r in table.itertuples(index=False)
            if r[0] not in ("Binding limits", "Why no plan")]
    col = min(width, max([len(n) for n in names] + [len(v) for _, vs in rows for v in vs]))
    first = max(len(label) for label, _ in rows)
    lines = [" " * first + "  " + "  ".join(cut(n, col).rjust(col) for n in names)]
    lines += [label.ljust(first) + "  " + "  ".join(cut(v, col).rjust(col) for v in vs) for label, vs in rows]
    lines += ["", "Binding limits:"]
    for name, scenario, plan in zip(names, scenarios, plans):
        lines.append(f"  {name}: {_binding(assessment, plan) if plan.status.has_plan else 'no plan'}")
        if plan.diagnosis:
            lines += [f"    - {line}" for line in obstacle_lines(assessment.replace(scenario=scenario), plan)]

    settings = settings_table(assessment, names, scenarios)
    differ = settings[settings["Differs"] == "yes"]
    lines += ["", "Settings that differ:" if len(differ) else "Settings that differ: none"]
    for r in differ.itertuples(index=False):
        lines.append(f"  {r[0]}: " + " | ".join(f"{n}: {v or '—'}" for n, v in zip(names, r[1:-1])))

    kept = _with_plans(names, plans)
    frame = differences_table(assessment, names, plans)
    lines.append("")
    if len(kept) < 2:
        lines.append("Decisions that differ: fewer than two scenarios have a plan to compare")
        return lines
    if frame.empty:
        lines.append(f"Decisions that differ: none; the {count(len(kept), 'plan')} make the same decisions")
        return lines
    lines.append(f"Decisions that differ ({len(frame):,}):")
    # by the service's id, as the weight stability names a change: a long name would crowd out the rest
    where = [f"{r[-2].rsplit(':', 1)[0]} {r[1].lower()} in {r[2]}" for r in frame.itertuples(index=False)]
    wide = min(48, max(len(w) for w in where))
    how = min(48, max([len(n) for n, _ in kept] + [len(str(v)) for r in frame.itertuples(index=False)
                                                    for v in r[3:3 + len(kept)]]))
    lines.append("  " + "Decision".ljust(wide) + "  " + "  ".join(cut(n, how).ljust(how) for n, _ in kept).rstrip())
    for w, r in zip(where, frame.itertuples(index=False)):
        lines.append("  " + cut(w, wide).ljust(wide) + "  "
                     + "  ".join(cut(str(v), how).ljust(how) for v in r[3:3 + len(kept)]).rstrip())
    return lines
