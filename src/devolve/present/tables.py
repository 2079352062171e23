"""A plan as tables people read: the same frames feed the plan workbook, the app and reports.

Pure functions from (assessment, plan) to pandas DataFrames with headers a council officer would
recognise; money columns carry "(£)" and shares "(%)" so writers can format them.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from devolve.core.domain import Assessment
from devolve.core.limits import Sense
from devolve.core.plan import Fate, Plan
from devolve.core.terms import BENEFITS, FOUR_CO_ORDER, Unit
from devolve.present.checks import plan_checks, setup_costs
from devolve.present.words import (
    VALUE_UNIT,
    alternative_reason,
    count,
    marginal_text,
    money,
    share_beside,
    fate_reason,
    left_out_reason,
    figure,
    limit_label,
    note_text,
    obstacle_lines,
    retention_reason,
)


def plan_sheets(assessment: Assessment, plan: Plan) -> dict[str, pd.DataFrame]:
    """The plan workbook's own sheets, in the order a councillor reads them: the summary first."""
    return {
        "Summary": plan_overview(assessment, plan),
        "Checks": checks_table(assessment, plan),
        "Fate of each activity": fates_table(assessment, plan),
        "Decisions": decisions_table(assessment, plan),
        "Partnerships": partnerships_table(assessment, plan),
        "Limits": limits_table(assessment, plan),
        "Neighbourhoods summary": neighbourhoods_table(assessment, plan),
        "Retained": retained_table(assessment, plan),
    }


def plan_overview(assessment: Assessment, plan: Plan) -> pd.DataFrame:
    """Headline figures, one per row, with the solver's status, bound and gap stated plainly."""
    d = plan.decisions
    one_off = plan.one_off_cost()
    hours = sum(x.volunteer_hours for x in d)
    rate = assessment.rubric.value.volunteer_hour_value
    rows = [
        ("Scenario", plan.scenario_name),
        ("Status", plan.status.value),
        ("Method", plan.method.value),
        ("Solver", plan.solver),
        (f"Value of the plan ({VALUE_UNIT})", _round(plan.objective)),
        (f"Best possible value ({VALUE_UNIT}, bound)", _round(plan.best_bound)),
        ("Gap to the bound", None if plan.gap is None else f"{plan.gap:.2%}"),
        ("Spend devolved (£ a year)", round(sum(x.annual_cost for x in d))),
        ("Share of the services' annual budget devolved (%)", _budget_share(assessment, plan)),
        ("Residents reached (most reached by one decision in each neighbourhood)", plan.residents_reached()),
        ("Partnerships set up (service × neighbourhood × arrangement)", len(plan.partnerships)),
        ("Neighbourhood bodies set up (forums, intermediaries)", len(plan.bodies)),
        ("Devolution decisions (activity × neighbourhood)", len(d)),
        ("Activities devolved in at least one neighbourhood", len({x.activity_id for x in d})),
        ("Neighbourhoods with at least one devolved activity", len({x.neighbourhood_id for x in d})),
        ("Activities retained at today's scale", len(plan.retained)),
        ("One-off transition cost (£, set-up fees included)", round(one_off)),
        ("Change in annual running cost (£)", round(sum(x.running_change for x in d))),
        ("Contingency reserve needed (£)", round(sum(x.contingency for x in d))),
        ("Volunteer hours a year", round(hours)),
        (f"Volunteer time's worth (£ a year at £{rate:g} an hour)", round(hours * rate)),
        (f"Price of uniformity ({VALUE_UNIT} lost by one offer everywhere)", _round(plan.price_of_uniformity)),
        ("Seconds: building / solving / reading", f"{plan.build_seconds:.2f} / {plan.solve_seconds:.2f} / "
                                                  f"{plan.extract_seconds:.2f}"),
    ]
    rows += [("Why little is devolved", line) for line in little_devolved_lines(assessment, plan)]
    rows += [("Note", note_text(note)) for note in plan.notes]
    rows += [("Why no plan", line) for line in obstacle_lines(assessment, plan)]
    return pd.DataFrame(rows, columns=["Item", "Value"])


def _budget_share(assessment: Assessment, plan: Plan) -> float:
    total = sum(s.annual_budget for s in assessment.services)
    return sum(x.annual_cost for x in plan.decisions) / total if total > 0 else 0.0


def little_devolved_lines(assessment: Assessment, plan: Plan) -> list[str]:
    """When a plan devolves little or nothing, why, counted by the fate of every activity."""
    if plan.objective is None or not plan.fates or _budget_share(assessment, plan) >= LITTLE:
        return []
    counts = Counter(f.fate for f in plan.fates if f.fate not in (Fate.DEVOLVED, Fate.PARTLY_DEVOLVED))
    lines = [f"{count(n, 'activity', 'activities')}: {_FATE_HEADLINE[fate]}"
             for fate, n in counts.most_common()]
    kept = [f.left_out for f in plan.fates if f.fate == Fate.KEPT_OUT and f.left_out is not None]
    if kept:
        names = {h.neighbourhood_id: h.name for h in assessment.neighbourhoods}
        commonest = Counter(left_out_reason(m, names) for m in kept).most_common(1)[0][0]
        lines.append(f"most often kept out because {commonest}")
    return lines


LITTLE = 0.005
"""Below this share of the services' budget devolved, the plan says why so little is."""
_FATE_HEADLINE = {
    Fate.RETAINED: "retained at today's scale (statutory, marked must retain, or not separable)",
    Fate.ASSESS_FIRST: "to assess first (first-guess scores, too much at stake)",
    Fate.NOT_SUITED: "no arrangement on offer is suited to the stage",
    Fate.TOO_SMALL: "too small to hand over in any neighbourhood",
    Fate.NO_BETTER: "no better than today under any arrangement on offer",
    Fate.KEPT_OUT: "worth devolving but kept out by the plan's limits or rules",
}


def decisions_table(assessment: Assessment, plan: Plan) -> pd.DataFrame:
    """One row per devolved activity and neighbourhood, with why it was chosen."""
    services = assessment.services_by_id()
    hoods = {n.neighbourhood_id: n.name for n in assessment.neighbourhoods}
    configs = {c.key: c for c in assessment.rubric.configurations}
    arrangements = {key: c.name for key, c in configs.items()}
    nearest = {(a.key, a.neighbourhood_id): a for a in plan.alternatives}
    rows = []
    for dec, setup in zip(plan.decisions, setup_costs(plan)):
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
            f"Value ({VALUE_UNIT})": round(dec.value, 4),
        }
        row.update({f"{b.label} contribution": round(dec.contributions[b], 4) for b in BENEFITS})
        row.update({
            "Spend devolved (£ a year)": round(dec.annual_cost),
            "Residents reached": round(dec.residents),
            "Set-up share (£)": round(setup),
            "Running cost change (£ a year)": round(dec.running_change),
            "Contingency (£)": round(dec.contingency),
            "Volunteer hours a year": round(dec.volunteer_hours, 1),
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
        # a share is kept to four places, so one that passes its floor never reads as on it
        places = 4 if lim.unit == Unit.SHARE else 2
        rows.append({
            "Limit": limit_label(lim.family, lim.neighbourhood_id, names),
            "Used": round(lim.used, places),
            "Limit value": round(lim.limit, places),
            "Unit": lim.unit.value,
            "Kind": "at most" if lim.sense == Sense.AT_MOST else "at least",
            # a share of a limit means nothing when the limit is a required saving (below 0)
            "Used (%)": (lim.used / lim.limit) if lim.limit > 0 and lim.sense == Sense.AT_MOST else None,
            "Binding": "yes" if lim.binding else "no",
            "Value of a little more": None if lim.marginal_value is None
            else marginal_text(lim.marginal_value * scale, per, plan.objective),
        })
    return pd.DataFrame(rows)


_A_LITTLE_MORE: dict[Unit, tuple[str, float]] = {
    Unit.POUNDS: ("£1,000", 1000.0),
    Unit.HOURS: ("100 hours", 100.0),
    Unit.ACTIVITIES: ("activity", 1.0),
    Unit.PARTNERSHIPS: ("partnership", 1.0),
    Unit.NEIGHBOURHOODS: ("neighbourhood", 1.0),
    Unit.VALUE: ("benefit unit", 1.0),
    Unit.SHARE: ("percentage point", 0.01),
}
"""How much more of a limit "a little more" means, by its unit, and that amount in the unit."""


def _marginal_unit(unit: Unit) -> tuple[str, float]:
    return _A_LITTLE_MORE[unit]


def neighbourhoods_table(assessment: Assessment, plan: Plan) -> pd.DataFrame:
    """What the plan asks of, and gives to, each neighbourhood, also in the Four Co's terms
    (decisions, £ a year and residents reached under each)."""
    capacity = assessment.rubric.capacity
    people = sum(h.population for h in assessment.neighbourhoods) or 1
    total = sum(d.value for d in plan.decisions)
    setup = dict(zip(range(len(plan.decisions)), setup_costs(plan)))
    rows = []
    for hood in assessment.neighbourhoods:
        mine = [i for i, d in enumerate(plan.decisions) if d.neighbourhood_id == hood.neighbourhood_id]
        ds = [plan.decisions[i] for i in mine]
        value = sum(d.value for d in ds)
        row = {
            "Neighbourhood": hood.name,
            "Population": hood.population,
            "Share of residents (%)": hood.population / people,
            "Aged 65+ (%)": hood.share_aged_65_plus,
            "Partnership areas": capacity.areas(hood.population),
            "Partnerships": sum(p.neighbourhood_id == hood.neighbourhood_id for p in plan.partnerships),
            "Devolved activities": len(ds),
            f"Value ({VALUE_UNIT})": round(value, 4),
            "Share of the value (%)": value / total if total > 0 else None,
            "Spend devolved (£ a year)": round(sum(d.annual_cost for d in ds)),
            "Residents reached": round(max((d.residents for d in ds), default=0.0)),
            "Volunteer hours available": round(hood.volunteer_hours),
            "Volunteer hours used": round(sum(d.volunteer_hours for d in ds)),
            "Set-up (£)": round(sum(setup[i] for i in mine)),
            "Running cost change (£ a year)": round(sum(d.running_change for d in ds)),
        }
        for co in FOUR_CO_ORDER:
            under = [d for d in ds if d.stage.four_co == co]
            row[f"{co}: decisions"] = len(under)
            row[f"{co}: £ a year"] = round(sum(d.annual_cost for d in under))
            row[f"{co}: residents"] = round(max((d.residents for d in under), default=0.0))
        row["Neighbourhood id"] = hood.neighbourhood_id
        rows.append(row)
    return pd.DataFrame(rows)


def checks_table(assessment: Assessment, plan: Plan) -> pd.DataFrame:
    """What a cabinet would check first, the plan's answers, and whether each passes."""
    rows = [{"Question": c.question, "The plan": c.answer,
             "Passes": {True: "yes", False: "NO", None: "—"}[c.passed]} for c in plan_checks(assessment, plan)]
    return pd.DataFrame(rows, columns=["Question", "The plan", "Passes"])


def fates_table(assessment: Assessment, plan: Plan) -> pd.DataFrame:
    """Every activity of every service, once: devolved (where, how), retained (why), or why not."""
    services = assessment.services_by_id()
    rows = [
        {
            "Service": services[f.service_id].name,
            "Activity": f.stage.label,
            "Four Co's": f.stage.four_co,
            "Fate": f.fate.value,
            "Neighbourhoods": len(f.neighbourhoods),
            "Why": fate_reason(f, assessment, plan),
            "Service id": f.service_id,
        }
        for f in plan.fates
    ]
    return pd.DataFrame(rows, columns=["Service", "Activity", "Four Co's", "Fate", "Neighbourhoods", "Why",
                                       "Service id"])


def partnerships_table(assessment: Assessment, plan: Plan) -> pd.DataFrame:
    """Each partnership the plan sets up: a service's arrangement in a neighbourhood, and what it
    takes on."""
    services = assessment.services_by_id()
    hoods = {n.neighbourhood_id: n.name for n in assessment.neighbourhoods}
    arrangements = {c.key: c.name for c in assessment.rubric.configurations}
    rows = []
    for p in plan.partnerships:
        ds = [d for d in plan.decisions if (d.service_id, d.neighbourhood_id, d.configuration)
              == (p.service_id, p.neighbourhood_id, p.configuration)]
        rows.append({
            "Service": services[p.service_id].name,
            "Neighbourhood": hoods[p.neighbourhood_id],
            "Arrangement": arrangements[p.configuration],
            "Activities": ", ".join(d.stage.label for d in ds),
            "Spend devolved (£ a year)": round(sum(d.annual_cost for d in ds)),
            "Residents reached": round(max((d.residents for d in ds), default=0.0)),
            "Volunteer hours a year": round(sum(d.volunteer_hours for d in ds)),
            "Set-up fee (£)": round(p.setup_cost),
            f"Value ({VALUE_UNIT})": round(sum(d.value for d in ds), 4),
            "Service id": p.service_id,
            "Neighbourhood id": p.neighbourhood_id,
        })
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
        lines.append(f"Value {plan.objective:.3f} {VALUE_UNIT}; best bound {bound}; gap {gap}")
    d = plan.decisions
    lines.append(
        f"Devolved: {len(d)} decisions, {len({x.activity_id for x in d})} activities, "
        f"{len({x.neighbourhood_id for x in d})} of {len(assessment.neighbourhoods)} neighbourhoods; "
        f"{len(plan.retained)} activities retained"
    )
    if d:
        lines.append(
            f"{money(sum(x.annual_cost for x in d))} a year devolved ({_budget_share(assessment, plan):.1%} of the "
            f"services' budget) through {len(plan.partnerships)} partnerships and {len(plan.bodies)} neighbourhood "
            f"bodies; {plan.residents_reached():,} residents reached; set-up {money(plan.one_off_cost())} once")
    lines += [f"Why so little: {line}" for line in little_devolved_lines(assessment, plan)]
    if plan.price_of_uniformity is not None:
        lines.append(f"Price of uniformity: {plan.price_of_uniformity:.3f} {VALUE_UNIT}")
    limits = limits_table(assessment, plan)
    if not limits.empty:
        width = max(len(s) for s in limits["Limit"])
        lines.append("")
        lines.append(f"{'Limit':<{width}}  {'Used':>14}  {'Limit value':>14}  Binding")
        for lim, (_, r) in zip(plan.limits, limits.iterrows()):
            used = (share_beside(lim.used, lim.limit) if lim.unit == Unit.SHARE
                    else figure(r["Used"], Unit(r["Unit"])))
            lines.append(
                f"{r['Limit']:<{width}}  {used:>14}  "
                f"{figure(r['Limit value'], Unit(r['Unit'])):>14}  {r['Binding']}"
            )
    if d:
        lines.append("")
        lines.append("By the Four Co's:")
        for co in FOUR_CO_ORDER:
            under = [x for x in d if x.stage.four_co == co]
            if under:
                lines.append(f"  {co}: {count(len(under), 'decision')}, {money(sum(x.annual_cost for x in under))} a year, "
                             f"{plan.replace(decisions=tuple(under)).residents_reached():,} residents reached")
    checks = [c for c in plan_checks(assessment, plan) if c.passed is not None]
    if checks:
        lines.append("")
        lines.append(f"Checks a cabinet would make: {sum(c.passed for c in checks)} of {len(checks)} pass")
        lines += [f"  NOT MET: {c.question} {c.answer}" for c in checks if not c.passed]
    lines.append(
        f"Time: {plan.total_seconds:.2f} s (build {plan.build_seconds:.2f}, solve {plan.solve_seconds:.2f}, "
        f"read {plan.extract_seconds:.2f})"
    )
    return lines


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
