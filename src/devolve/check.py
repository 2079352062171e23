"""Check a plan against every rule of the model, without the solver.

An independent witness in plain Python (one decision at a time, no numpy, no model matrix):
it recomputes each decision's cost and value from the assessment by the formulas of
docs/model.md and checks every constraint family. Used on every solved plan in the tests,
and available to the exporters before a plan leaves the building.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from devolve.decompose import retention_reason
from devolve.domain import CRITERIA, Assessment, Criterion, Offer, PartnershipConfiguration
from devolve.plan import Plan

REL_TOL = 1e-6


def _close(a: float, b: float, tol: float = REL_TOL) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def _within(used: float, limit: float, tol: float = REL_TOL) -> bool:
    return used <= limit + tol * max(1.0, abs(limit))


_LOOKUP: dict[int, tuple] = {}


def _lookup(assessment: Assessment) -> tuple[dict, dict, dict]:
    """Activities, neighbourhoods and services by id (remembered for the last assessment)."""
    key = id(assessment)
    if key not in _LOOKUP:
        _LOOKUP.clear()
        _LOOKUP[key] = (
            {a.activity_id: a for a in assessment.activities},
            {h.neighbourhood_id: h for h in assessment.neighbourhoods},
            {s.service_id: s for s in assessment.services},
            assessment,  # keeps the id valid while cached
        )
    return _LOOKUP[key][:3]


def _rel(x: float, mean: float) -> float:
    return min(1.0, max(-1.0, (x - mean) / mean)) if mean > 0 else 0.0


def option_value(
    assessment: Assessment, activity_id: str, neighbourhood_id: str, configuration: str,
    weights: dict[Criterion, float] | None = None,
) -> tuple[float, dict[Criterion, float]]:
    """Value of one option and its contributions, by docs/model.md, one number at a time."""
    rubric = assessment.rubric
    act = _lookup(assessment)[0][activity_id]
    hoods = assessment.neighbourhoods
    hood = _lookup(assessment)[1][neighbourhood_id]
    configs = assessment.offered_configurations()
    cfg = next(c for c in configs if c.key == configuration)
    w = weights or assessment.scenario.weights
    total_w = sum(w.values())
    pop = sum(h.population for h in hoods)
    mean_i = sum(h.intermediaries for h in hoods) / pop * 10_000
    mean_h = sum(h.volunteer_hours for h in hoods) / pop
    mean_r = sum(c.risk_of_failure for c in configs) / len(configs)
    i_n = hood.intermediaries / hood.population * 10_000
    h_n = hood.volunteer_hours / hood.population
    adjust = {c: 0.0 for c in CRITERIA}
    if act.stage not in cfg.suited_stages:
        adjust[Criterion.PARTNERSHIP] -= 1
    if cfg.collective:
        adjust[Criterion.PARTNERSHIP] += 0.5 * _rel(i_n, mean_i)
        adjust[Criterion.OUTCOMES] += 0.5
    adjust[Criterion.RESILIENCE] += 0.5 * _rel(h_n, mean_h) - 0.5 * _rel(cfg.risk_of_failure, mean_r)
    span = rubric.scale_max - rubric.scale_min
    contributions = {}
    for c in CRITERIA:
        level = min(rubric.scale_max, max(rubric.scale_min, act.score(c) + adjust[c]))
        contributions[c] = w[c] / total_w * (level - rubric.neutral) / span
    return sum(contributions.values()), contributions


def option_resources(
    assessment: Assessment, activity_id: str, neighbourhood_id: str, cfg: PartnershipConfiguration
) -> dict[str, float]:
    """Transition cost, running change, contingency and volunteer hours of one option."""
    act = _lookup(assessment)[0][activity_id]
    service = _lookup(assessment)[2][act.service_id]
    hood = _lookup(assessment)[1][neighbourhood_id]
    pop = sum(h.population for h in assessment.neighbourhoods)
    cost = service.annual_budget * act.cost_share * hood.population / pop
    les = assessment.rubric.service_types[service.service_type].lost_economies_of_scale
    return {
        "transition_cost": cfg.setup_cost + cfg.setup_rate * cost,
        "running_change": cost * (cfg.running_cost_factor - 1 + les),
        "contingency": cfg.risk_of_failure * cost,
        "volunteer_hours": cfg.volunteer_hours_per_1000 * cost / 1000,
    }


def check_plan(assessment: Assessment, plan: Plan, *, check_values: bool = True) -> list[str]:
    """Every way ``plan`` breaks a rule of ``assessment``'s model; empty when it keeps them all.

    ``check_values`` recomputes each decision's value (slow for very large plans).
    """
    problems: list[str] = []
    sc = assessment.scenario
    services = {s.service_id: s for s in assessment.services}
    activities = {a.activity_id: a for a in assessment.activities}
    hoods = {h.neighbourhood_id: h for h in assessment.neighbourhoods}
    configs = {c.key: c for c in assessment.offered_configurations()}

    seen: Counter[tuple[str, str]] = Counter()
    devolved: dict[tuple[str, str, str], int] = defaultdict(int)  # (service, stage, hood) → count
    totals = defaultdict(float)
    per_hood_hours = defaultdict(float)
    per_hood_count = Counter()
    collective = 0
    for d in plan.decisions:
        where = f"{d.activity_id} in {d.neighbourhood_id}"
        act = activities.get(d.activity_id)
        if act is None:
            problems.append(f"{where}: no such activity")
            continue
        if d.neighbourhood_id not in hoods:
            problems.append(f"{where}: no such neighbourhood")
            continue
        cfg = configs.get(d.configuration)
        if cfg is None:
            problems.append(f"{where}: configuration {d.configuration!r} is not on offer")
            continue
        reason = retention_reason(assessment.rubric, services[act.service_id], act)
        if reason is not None:
            problems.append(f"{where}: retained activity devolved ({reason})")
        seen[(d.activity_id, d.neighbourhood_id)] += 1
        devolved[(act.service_id, act.stage.value, d.neighbourhood_id)] += 1
        res = option_resources(assessment, d.activity_id, d.neighbourhood_id, cfg)
        for key, val in res.items():
            if not _close(getattr(d, key), val):
                problems.append(f"{where}: {key} {getattr(d, key):.6g} should be {val:.6g}")
            totals[key] += val
        per_hood_hours[d.neighbourhood_id] += res["volunteer_hours"]
        per_hood_count[d.neighbourhood_id] += 1
        collective += cfg.collective
        if check_values:
            value, contrib = option_value(assessment, d.activity_id, d.neighbourhood_id, d.configuration)
            if not _close(d.value, value, 1e-9):
                problems.append(f"{where}: value {d.value:.9g} should be {value:.9g}")
            if abs(sum(d.contributions.values()) - d.value) > 1e-9:
                problems.append(f"{where}: contributions do not add up to the value")

    # one_configuration
    for (a, n), k in seen.items():
        if k > 1:
            problems.append(f"one_configuration[{a},{n}]: {k} arrangements chosen")
    # budgets
    for key, family, limit in (
        ("transition_cost", "transition_budget", sc.transition_budget),
        ("running_change", "running_cost", sc.running_cost_limit),
        ("contingency", "contingency_reserve", sc.contingency_reserve),
    ):
        if not _within(totals[key], limit):
            problems.append(f"{family}: uses {totals[key]:,.2f}, limit {limit:,.2f}")
    # capacity
    for n, hours in per_hood_hours.items():
        cap = sc.capacity_use * hoods[n].volunteer_hours
        if not _within(hours, cap):
            problems.append(f"capacity[{n}]: {hours:,.2f} volunteer hours, limit {cap:,.2f}")
    # coherence
    for rule in assessment.rubric.coherence:
        for (svc, stage, n), k in list(devolved.items()):
            if stage == rule.stage.value and k and not devolved.get((svc, rule.requires.value, n)):
                problems.append(
                    f"coherence[{rule.stage.value}>{rule.requires.value},{svc},{n}]: "
                    f"{rule.stage.value} devolved without {rule.requires.value}"
                )
    # uniform offer
    if sc.offer == Offer.UNIFORM:
        by_activity: dict[str, dict[str, str]] = defaultdict(dict)
        for d in plan.decisions:
            by_activity[d.activity_id][d.neighbourhood_id] = d.configuration
        for a, chosen in by_activity.items():
            if set(chosen) != set(hoods) or len(set(chosen.values())) != 1:
                problems.append(f"uniform_offer[{a}]: not the same arrangement in every neighbourhood")
    # collective share
    total = len(plan.decisions)
    if sc.min_collective_share > 0 and total and collective < sc.min_collective_share * total - 1e-9:
        problems.append(
            f"collective_share: {collective} of {total} collective, below {sc.min_collective_share:.0%}"
        )
    # equity
    if sc.min_devolved_per_neighbourhood > 0:
        for n in hoods:
            if per_hood_count[n] < sc.min_devolved_per_neighbourhood:
                problems.append(
                    f"equity[{n}]: {per_hood_count[n]} devolved, floor {sc.min_devolved_per_neighbourhood}"
                )
    # the plan's own figures
    if plan.objective is not None and plan.decisions:
        total_value = sum(d.value for d in plan.decisions)
        if not _close(plan.objective, total_value, 1e-7):
            problems.append(f"objective {plan.objective:.9g} is not the sum of values {total_value:.9g}")
    if plan.best_bound is not None and plan.objective is not None:
        if plan.best_bound < plan.objective - 1e-7 * max(1.0, abs(plan.objective)):
            problems.append("best bound is below the objective")
    for lim in plan.limits:
        expected = {
            "transition_budget": totals["transition_cost"],
            "running_cost": totals["running_change"],
            "contingency_reserve": totals["contingency"],
            "capacity": per_hood_hours.get(lim.scope, 0.0),
            "equity": per_hood_count.get(lim.scope, 0),
            "collective_share": collective / total if total else 0.0,
        }.get(lim.name)
        if expected is not None and not _close(lim.used, expected, 1e-6):
            problems.append(f"limit {lim.name}[{lim.scope}] reports {lim.used:.6g} used, plan uses {expected:.6g}")
    return problems
