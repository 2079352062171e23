"""A plan as tables people read: the same frames feed the plan workbook, the app and reports.

Pure functions from (assessment, plan) to pandas DataFrames with headers a council officer would
recognise; money columns carry "(£)" and shares "(%)" so writers can format them.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from devolve.domain import CRITERIA, FOUR_COS, Assessment, Stage
from devolve.plan import Plan

FOUR_CO_ORDER = tuple(dict.fromkeys(FOUR_COS.values()))


def plan_sheets(assessment: Assessment, plan: Plan) -> dict[str, pd.DataFrame]:
    """The sheets added to the assessment in a plan workbook, in reading order."""
    return {
        "Plan": plan_overview(assessment, plan),
        "Decisions": decisions_table(assessment, plan),
        "Limits": limits_table(plan),
        "Neighbourhoods summary": neighbourhoods_table(assessment, plan),
        "Retained": retained_table(assessment, plan),
    }


def plan_overview(assessment: Assessment, plan: Plan) -> pd.DataFrame:
    """Headline figures, one per row, with the solver's status, bound and gap stated plainly."""
    d = plan.decisions
    rows = [
        ("Scenario", plan.scenario_name),
        ("Status", plan.status),
        ("Method", plan.method),
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
    rows += [("Note", note) for note in plan.notes]
    rows += [("Why no plan", line) for line in plan.diagnosis]
    return pd.DataFrame(rows, columns=["Item", "Value"])


def decisions_table(assessment: Assessment, plan: Plan) -> pd.DataFrame:
    """One row per devolved activity and neighbourhood, with why it was chosen."""
    services = {s.service_id: s for s in assessment.services}
    hoods = {n.neighbourhood_id: n.name for n in assessment.neighbourhoods}
    configs = {c.key: c for c in assessment.rubric.configurations}
    nearest = {(a.activity_id, a.neighbourhood_id): a for a in plan.alternatives}
    rows = []
    for dec in plan.decisions:
        svc = services[dec.service_id]
        stage = Stage(dec.stage)
        cfg = configs[dec.configuration]
        alt = nearest.get((dec.activity_id, dec.neighbourhood_id))
        row = {
            "Service": svc.name,
            "Directorate": svc.directorate,
            "Activity": stage.label,
            "Four Co's": stage.four_co,
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
            "Nearest alternative": _alternative_name(alt, configs) if alt else None,
            "Why not the alternative": alt.reason if alt else None,
            "Service id": dec.service_id,
            "Neighbourhood id": dec.neighbourhood_id,
        })
        rows.append(row)
    return pd.DataFrame(rows)


def _alternative_name(alt, configs) -> str:
    return configs[alt.configuration].name if alt.configuration else "Keep at today's scale"


def limits_table(plan: Plan) -> pd.DataFrame:
    """Every limit: how much the plan uses, whether it binds, and what a little more is worth."""
    rows = []
    for lim in plan.limits:
        per, scale = _marginal_unit(lim.unit)
        rows.append({
            "Limit": lim.label,
            "Used": round(lim.used, 2),
            "Limit value": round(lim.limit, 2),
            "Unit": lim.unit,
            "Kind": "at most" if lim.sense == "<=" else "at least",
            "Used (%)": (lim.used / lim.limit) if lim.limit and lim.sense == "<=" else None,
            "Binding": "yes" if lim.binding else "no",
            "Value of a little more": None if lim.marginal_value is None
            else f"{lim.marginal_value * scale:.4f} per {per}",
        })
    return pd.DataFrame(rows)


def _marginal_unit(unit: str) -> tuple[str, float]:
    return {"£": ("£1,000", 1000.0), "hours": ("100 hours", 100.0)}.get(unit, (unit.rstrip("s"), 1.0))


def neighbourhoods_table(assessment: Assessment, plan: Plan) -> pd.DataFrame:
    """What the plan asks of, and gives to, each neighbourhood, also in the Four Co's terms."""
    limit = assessment.rubric.capacity.max_neighbourhood_population
    rows = []
    for hood in assessment.neighbourhoods:
        mine = [d for d in plan.decisions if d.neighbourhood_id == hood.neighbourhood_id]
        cos = Counter(Stage(d.stage).four_co for d in mine)
        row = {
            "Neighbourhood": hood.name,
            "Population": hood.population,
            "Aged 65+ (%)": hood.share_aged_65_plus,
            "Larger than a neighbourhood": "yes" if hood.population > limit else "no",
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
    services = {s.service_id: s for s in assessment.services}
    rows = []
    for activity_id, reason in plan.retained.items():
        service_id, stage = activity_id.rsplit(":", 1)
        rows.append({
            "Service": services[service_id].name,
            "Activity": Stage(stage).label,
            "Why it stays at today's scale": reason,
            "Service id": service_id,
        })
    return pd.DataFrame(rows, columns=["Service", "Activity", "Why it stays at today's scale", "Service id"])


def summary_lines(assessment: Assessment, plan: Plan) -> list[str]:
    """A short text summary for the command line."""
    lines = [
        f"Scenario: {plan.scenario_name}",
        f"Status: {plan.status} ({plan.method}, {plan.solver})",
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
    limits = limits_table(plan)
    if not limits.empty:
        width = max(len(s) for s in limits["Limit"])
        lines.append("")
        lines.append(f"{'Limit':<{width}}  {'Used':>14}  {'Limit value':>14}  Binding")
        for _, r in limits.iterrows():
            lines.append(
                f"{r['Limit']:<{width}}  {_fmt(r['Used'], r['Unit']):>14}  "
                f"{_fmt(r['Limit value'], r['Unit']):>14}  {r['Binding']}"
            )
    by_co = Counter(Stage(x.stage).four_co for x in d)
    if by_co:
        lines.append("")
        lines.append("By the Four Co's: " + ", ".join(f"{co} {by_co[co]}" for co in FOUR_CO_ORDER if by_co[co]))
    lines.append(
        f"Time: {plan.total_seconds:.2f} s (build {plan.build_seconds:.2f}, solve {plan.solve_seconds:.2f}, "
        f"read {plan.extract_seconds:.2f})"
    )
    return lines


def _fmt(value: float, unit: str) -> str:
    if unit == "£":
        return f"-£{-value:,.0f}" if value < 0 else f"£{value:,.0f}"
    if unit == "share":
        return f"{value:.1%}"
    return f"{value:,.0f}"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
