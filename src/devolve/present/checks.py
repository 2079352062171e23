"""What a cabinet would check first in a devolution plan, each with the plan's own figure.

These are the questions members and scrutiny ask of a plan before its detail: is the value in
the work that matters (managing and delivering, not only assessing), are partnerships whole
rather than fragments, does value follow residents, can the neighbourhoods run it, and is the
volunteer capacity counted on used. The plan workbook, the command line and the JSON document
show them, so an officer sees at once where a plan would be questioned.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from devolve.core.domain import Assessment
from devolve.core.plan import Plan
from devolve.core.terms import ServiceType, Stage
from devolve.present.words import share_beside

RUNNING_SHARE = 0.25
"""Management and delivery should carry at least this share of the devolved value: devolving
only assessment and prioritisation leaves the work itself where it was."""
ALONE_SHARE = 0.10
"""At most this share of devolved service–neighbourhood pairs may devolve assessment alone."""
VALUE_RATIO = (0.5, 2.0)
"""Each neighbourhood's share of the value, as a multiple of its share of residents."""
MOST_PARTNERSHIPS = 12
"""Partnerships one neighbourhood can run alongside everything else."""
MOST_ARRANGEMENTS = 2
"""Arrangements one service may use in one neighbourhood before it is a fragment."""
SETUP_SHARE = 0.05
"""At most this share of decisions may cost more to set up than they devolve in a year."""
HOURS_SHARE = 0.10
"""Volunteer hours used, as a share of those the scenario makes available: below it, the
capacity the plan counts on is idle."""


@dataclass(frozen=True)
class PlanCheck:
    """One question, the plan's answer in figures, and whether it passes."""

    question: str
    answer: str
    passed: bool | None
    """None when the question does not arise (nothing devolved)."""


def plan_checks(assessment: Assessment, plan: Plan) -> tuple[PlanCheck, ...]:
    """Every check, in the order a cabinet report lists them."""
    d = plan.decisions
    if not d:
        return tuple(PlanCheck(q, "nothing is devolved", None) for q in _QUESTIONS)
    services = assessment.services_by_id()
    configs = {c.key: c for c in assessment.rubric.configurations}
    total = sum(x.value for x in d)
    running = sum(x.value for x in d if x.stage in (Stage.MANAGEMENT, Stage.DELIVERY))
    share = running / total if total > 0 else 0.0

    stages: dict[tuple[str, str], set[Stage]] = defaultdict(set)
    for x in d:
        stages[(x.service_id, x.neighbourhood_id)].add(x.stage)
    alone = [pair for pair, st in stages.items() if st == {Stage.ASSESSMENT}]
    personal = [pair for pair in alone if services[pair[0]].service_type == ServiceType.PERSONAL]

    where: dict[str, set[str]] = defaultdict(set)
    for x in d:
        where[x.service_id].add(x.neighbourhood_id)
    one_off = sorted(s for s, hoods in where.items() if len(hoods) == 1 and len(assessment.neighbourhoods) > 1)

    people = sum(h.population for h in assessment.neighbourhoods)
    value_of: dict[str, float] = defaultdict(float)
    for x in d:
        value_of[x.neighbourhood_id] += x.value
    ratios = {h.name: (value_of[h.neighbourhood_id] / total) / (h.population / people)
              for h in assessment.neighbourhoods if total > 0}
    low, high = min(ratios.values()), max(ratios.values())

    per_hood: dict[str, int] = defaultdict(int)
    per_service_hood: dict[tuple[str, str], int] = defaultdict(int)
    for p in plan.partnerships:
        per_hood[p.neighbourhood_id] += 1
        per_service_hood[(p.service_id, p.neighbourhood_id)] += 1
    most_partnerships = max(per_hood.values(), default=0)
    most_arrangements = max(per_service_hood.values(), default=0)

    costly = sum(1 for x, setup in zip(d, setup_costs(plan)) if setup > x.annual_cost)

    used = sum(x.volunteer_hours for x in d)
    available = assessment.scenario.capacity_use * sum(h.volunteer_hours for h in assessment.neighbourhoods)
    hours_share = used / available if available > 0 else 0.0

    unsuited = sum(1 for x in d if x.stage not in configs[x.configuration].suited_stages)

    answers = (
        (f"{share_beside(share, RUNNING_SHARE)} of the value", share >= RUNNING_SHARE),
        (f"{len(alone)} of {len(stages)} service–neighbourhood pairs "
         f"({share_beside(len(alone) / len(stages), ALONE_SHARE)}); "
         f"{len(personal)} of them a personal service",
         len(alone) <= ALONE_SHARE * len(stages) and not personal),
        ("none" if not one_off else f"{len(one_off)}: {', '.join(one_off)}", not one_off),
        (f"from {_ratio_beside(low, VALUE_RATIO[0])} to {_ratio_beside(high, VALUE_RATIO[1])} times its share "
         "of residents",
         VALUE_RATIO[0] <= low and high <= VALUE_RATIO[1]),
        (f"at most {most_partnerships}", most_partnerships <= MOST_PARTNERSHIPS),
        (f"at most {most_arrangements}", most_arrangements <= MOST_ARRANGEMENTS),
        (f"{costly} of {len(d)} decisions ({share_beside(costly / len(d), SETUP_SHARE)})",
         costly <= SETUP_SHARE * len(d)),
        (f"{used:,.0f} of {available:,.0f} hours a year ({share_beside(hours_share, HOURS_SHARE)})",
         hours_share >= HOURS_SHARE),
        (f"{unsuited} decisions", unsuited == 0),
    )
    return tuple(PlanCheck(q, a, ok) for q, (a, ok) in zip(_QUESTIONS, answers))


def _ratio_beside(value: float, bound: float) -> str:
    """A ratio with as many places as it takes not to look like the bound it is held to."""
    for places in (2, 3, 4):
        if f"{value:.{places}f}" != f"{bound:.{places}f}" or abs(value - bound) < 1e-12:
            return f"{value:.{places}f}"
    return f"just {'over' if value > bound else 'under'} {bound:g}"


_QUESTIONS = (
    f"Do management and delivery carry at least {RUNNING_SHARE:.0%} of the devolved value?",
    f"Do at most {ALONE_SHARE:.0%} of devolved service–neighbourhood pairs devolve assessment alone, "
    "none of them a personal service?",
    "Is every devolved service devolved in more than one neighbourhood?",
    f"Is every neighbourhood's share of the value between {VALUE_RATIO[0]:g} and {VALUE_RATIO[1]:g} times its "
    "share of residents?",
    f"Does each neighbourhood have at most {MOST_PARTNERSHIPS} partnerships?",
    f"Does each service use at most {MOST_ARRANGEMENTS} arrangements in a neighbourhood?",
    f"Do at most {SETUP_SHARE:.0%} of decisions cost more to set up than the spend they devolve in a year?",
    f"Are at least {HOURS_SHARE:.0%} of the volunteer hours available used?",
    "Is every arrangement used only at stages its rubric entry is suited to?",
)


def setup_costs(plan: Plan) -> list[float]:
    """Each decision's share of what the plan pays once to set up: its own part, and its
    partnership's and neighbourhood body's fees shared among their activities by £ a year."""
    spend: dict[tuple[str, str, str], float] = defaultdict(float)
    body_spend: dict[tuple[str, str], float] = defaultdict(float)
    for x in plan.decisions:
        spend[(x.service_id, x.neighbourhood_id, x.configuration)] += x.annual_cost
        body_spend[(x.neighbourhood_id, x.configuration)] += x.annual_cost
    fee = {(p.service_id, p.neighbourhood_id, p.configuration): p.setup_cost for p in plan.partnerships}
    body = {(b.neighbourhood_id, b.configuration): b.setup_cost for b in plan.bodies}
    out = []
    for x in plan.decisions:
        key = (x.service_id, x.neighbourhood_id, x.configuration)
        area = (x.neighbourhood_id, x.configuration)
        part = x.annual_cost / spend[key] if spend[key] > 0 else 0.0
        body_part = x.annual_cost / body_spend[area] if body_spend[area] > 0 else 0.0
        out.append(x.transition_cost + fee.get(key, 0.0) * part + body.get(area, 0.0) * body_part)
    return out
