"""A plan as tables people read: the same frames feed the plan workbook, the app and reports.

Pure functions from (assessment, plan) to pandas DataFrames with headers a council officer would
recognise; money columns carry "(£)" and shares "(%)" so writers can format them.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from devolve.core.domain import Assessment
from devolve.core.limits import Sense
from devolve.core.plan import Plan
from devolve.core.terms import CRITERIA, FOUR_CO_ORDER, Unit
from devolve.present.words import (
    alternative_reason,
    figure,
    limit_label,
    note_text,
    obstacle_lines,
    retention_reason,
)


def plan_sheets(assessment: Assessment, plan: Plan) -> dict[str, pd.DataFrame]:
    """The sheets added to the assessment in a plan workbook, in reading order."""
    return {
        "Plan": plan_overview(assessment, plan),
        "Decisions": decisions_table(assessment, plan),
        "Limits": limits_table(assessment, plan),
        "Neighbourhoods summary": neighbourhoods_table(assessment, plan),
        "Retained": retained_table(assessment, plan),
    }


def plan_overview(assessment: Assessment, plan: Plan) -> pd.DataFrame:
    """Headline figures, one per row, with the solver's status, bound and gap stated plainly."""
    d = plan.decisions
    rows = [
        ("Scenario", plan.scenario_name),
        ("Status", plan.status.value),
        ("Method", plan.method.value),
        ("Solver", plan.solver),
        ("Value of the plan", _round(plan.objective)),
        ("Best possible value (bound)", _round(plan.best_bound)),
        ("Gap to the bound", None if plan.gap is None else f"{plan.gap:.2%}"),
        ("Devolution decisions (activity × neighbourhood)", len(d)),
        ("Activities devolved in at least one neighbourhood", len({x.activity_id for x in d})),
        ("Neighbourhoods with at least one devolved activity", len({x.neighbourhood_id for x in d})),
        ("Activities retained at today's scale", len(plan.retained)),
        ("One-off transition cost (£)", round(sum(x.transition_cost for x in d))),
        ("Change in annual running cost (£)", round(sum(x.running_change for x in d))),
        ("Contingency reserve needed (£)", round(sum(x.contingency for x in d))),
        ("Volunteer hours a year", round(sum(x.volunteer_hours for x in d))),
        ("Price of uniformity (value lost by one offer everywhere)", _round(plan.price_of_uniformity)),
        ("Seconds: building / solving / reading", f"{plan.build_seconds:.2f} / {plan.solve_seconds:.2f} / "
                                                  f"{plan.extract_seconds:.2f}"),
    ]
    rows += [("Note", note_text(note)) for note in plan.notes]
    rows += [("Why no plan", line) for line in obstacle_lines(assessment, plan)]
    return pd.DataFrame(rows, columns=["Item", "Value"])


def decisions_table(assessment: Assessment, plan: Plan) -> pd.DataFrame:
    """One row per devolved activity and neighbourhood, with why it was chosen."""
    services = assessment.services_by_id()
    hoods = {n.neighbourhood_id: n.name for n in assessment.neighbourhoods}
    configs = {c.key: c for c in assessment.rubric.configurations}
    arrangements = {key: c.name for key, c in configs.items()}
    nearest = {(a.key, a.neighbourhood_id): a for a in plan.alternatives}
    rows = []
    for dec in plan.decisions:
        svc = services[dec.service_id]
        cfg = configs[dec.configuration]
        alt = nearest.get((dec.key, dec.neighbourhood_id))
        row = {
            "Service": svc.name,
            "Directorate": svc.directorate,
            "Activity": dec.stage.label,
            "Four Co's": dec.stage.four_co,
            "Neighbourhood": hoods[dec.neighbourhood_id],
            "Arrangement": cfg.name,
            "Collective": "yes" if cfg.collective else "no",
            "Value": round(dec.value, 4),
        }
        row.update({f"{c.label} contribution": round(dec.contributions[c], 4) for c in CRITERIA})
        row.update({
            "Transition cost (£)": round(dec.transition_cost),
            "Running cost change (£)": round(dec.running_change),
            "Contingency (£)": round(dec.contingency),
            "Volunteer hours": round(dec.volunteer_hours, 1),
            "Nearest alternative": _alternative_name(alt.configuration, arrangements) if alt else None,
            "Why not the alternative": alternative_reason(alt, arrangements) if alt else None,
            "Service id": dec.service_id,
            "Neighbourhood id": dec.neighbourhood_id,
        })
        rows.append(row)
    return pd.DataFrame(rows)


def _alternative_name(configuration: str | None, arrangements: dict[str, str]) -> str:
    return arrangements[configuration] if configuration else "Keep at today's scale"


def limits_table(assessment: Assessment, plan: Plan) -> pd.DataFrame:
    """Every limit: how much the plan uses, whether it binds, and what a little more is worth."""
    names = {h.neighbourhood_id: h.name for h in assessment.neighbourhoods}
    rows = []
    for lim in plan.limits:
        per, scale = _marginal_unit(lim.unit)
        rows.append({
            "Limit": limit_label(lim.family, lim.neighbourhood_id, names),
            "Used": round(lim.used, 2),
            "Limit value": round(lim.limit, 2),
            "Unit": lim.unit.value,
            "Kind": "at most" if lim.sense == Sense.AT_MOST else "at least",
            # a share of a limit means nothing when the limit is a required saving (below 0)
            "Used (%)": (lim.used / lim.limit) if lim.limit > 0 and lim.sense == Sense.AT_MOST else None,
            "Binding": "yes" if lim.binding else "no",
            "Value of a little more": None if lim.marginal_value is None
            else f"{lim.marginal_value * scale:.4f} per {per}",
        })
    return pd.DataFrame(rows)


_A_LITTLE_MORE: dict[Unit, tuple[str, float]] = {
    Unit.POUNDS: ("£1,000", 1000.0),
    Unit.HOURS: ("100 hours", 100.0),
    Unit.ACTIVITIES: ("activity", 1.0),
    Unit.SHARE: ("percentage point", 0.01),
}
"""How much more of a limit "a little more" means, by its unit, and that amount in the unit."""


def _marginal_unit(unit: Unit) -> tuple[str, float]:
    return _A_LITTLE_MORE[unit]


def neighbourhoods_table(assessment: Assessment, plan: Plan) -> pd.DataFrame:
    """What the plan asks of, and gives to, each neighbourhood, also in the Four Co's terms."""
    capacity = assessment.rubric.capacity
    rows = []
    for hood in assessment.neighbourhoods:
        mine = [d for d in plan.decisions if d.neighbourhood_id == hood.neighbourhood_id]
        cos = Counter(d.stage.four_co for d in mine)
        row = {
            "Neighbourhood": hood.name,
            "Population": hood.population,
            "Aged 65+ (%)": hood.share_aged_65_plus,
            "Larger than a neighbourhood": "yes" if capacity.too_large(hood.population) else "no",
            "Devolved activities": len(mine),
            "Value": round(sum(d.value for d in mine), 4),
            "Volunteer hours available": round(hood.volunteer_hours),
            "Volunteer hours used": round(sum(d.volunteer_hours for d in mine)),
            "Transition cost (£)": round(sum(d.transition_cost for d in mine)),
            "Running cost change (£)": round(sum(d.running_change for d in mine)),
        }
        row.update({co: cos.get(co, 0) for co in FOUR_CO_ORDER})
        row["Neighbourhood id"] = hood.neighbourhood_id
        rows.append(row)
    return pd.DataFrame(rows)


def retained_table(assessment: Assessment, plan: Plan) -> pd.DataFrame:
    """Every activity kept at today's scale, and why."""
    services = assessment.services_by_id()
    rows = [
        {
            "Service": services[r.service_id].name,
            "Activity": r.stage.label,
            "Why it stays at today's scale": retention_reason(r),
            "Service id": r.service_id,
        }
        for r in plan.retained
    ]
    return pd.DataFrame(rows, columns=["Service", "Activity", "Why it stays at today's scale", "Service id"])


def summary_lines(assessment: Assessment, plan: Plan) -> list[str]:
    """A short text summary for the command line."""
    lines = [
        f"Scenario: {plan.scenario_name}",
        f"Status: {plan.status.value} ({plan.method.value}, {plan.solver})",
    ]
    if plan.objective is not None:
        gap = "n/a" if plan.gap is None else f"{plan.gap:.2%}"
        bound = "n/a" if plan.best_bound is None else f"{plan.best_bound:.3f}"
        lines.append(f"Value {plan.objective:.3f}; best bound {bound}; gap {gap}")
    d = plan.decisions
    lines.append(
        f"Devolved: {len(d)} decisions, {len({x.activity_id for x in d})} activities, "
        f"{len({x.neighbourhood_id for x in d})} of {len(assessment.neighbourhoods)} neighbourhoods; "
        f"{len(plan.retained)} activities retained"
    )
    if plan.price_of_uniformity is not None:
        lines.append(f"Price of uniformity: {plan.price_of_uniformity:.3f}")
    limits = limits_table(assessment, plan)
    if not limits.empty:
        width = max(len(s) for s in limits["Limit"])
        lines.append("")
        lines.append(f"{'Limit':<{width}}  {'Used':>14}  {'Limit value':>14}  Binding")
        for _, r in limits.iterrows():
            lines.append(
                f"{r['Limit']:<{width}}  {figure(r['Used'], Unit(r['Unit'])):>14}  "
                f"{figure(r['Limit value'], Unit(r['Unit'])):>14}  {r['Binding']}"
            )
    by_co = Counter(x.stage.four_co for x in d)
    if by_co:
        lines.append("")
        lines.append("By the Four Co's: " + ", ".join(f"{co} {by_co[co]}" for co in FOUR_CO_ORDER if by_co[co]))
    lines.append(
        f"Time: {plan.total_seconds:.2f} s (build {plan.build_seconds:.2f}, solve {plan.solve_seconds:.2f}, "
        f"read {plan.extract_seconds:.2f})"
    )
    return lines


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
