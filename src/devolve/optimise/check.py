"""Check a plan against every rule of the model, without the solver.

An independent witness in plain Python (one decision at a time, no numpy, no model matrix):
it recomputes each decision's cost and value from the assessment by the formulas of
docs/model.md and checks every constraint family. Every solved plan in the tests passes
through it. It shares only names with the optimiser (the families and resources of
:data:`devolve.core.limits.CATALOGUE`), never its arithmetic.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from devolve.assess.retention import retention
from devolve.core.domain import Assessment
from devolve.core.limits import BUDGETS, CATALOGUE, Family, Resource
from devolve.core.plan import Decision, Plan
from devolve.core.rubric import PartnershipConfiguration
from devolve.core.terms import CRITERIA, Criterion, Offer

REL_TOL = 1e-6


@dataclass(frozen=True)
class Breach:
    """One way a plan breaks the model: which rule (a family, or a figure of the plan), and how."""

    rule: str
    """A :class:`~devolve.core.limits.Family` value, or ``decision``, ``retained``, ``objective``,
    ``bound`` or ``limit report`` for the plan's own figures."""
    scope: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.rule}[{self.scope}]" if self.scope else self.rule
        return f"{where}: {self.message}"


def _close(a: float, b: float, tol: float = REL_TOL) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def _within(used: float, limit: float, tol: float = REL_TOL) -> bool:
    return used <= limit + tol * max(1.0, abs(limit))


def _rel(x: float, mean: float) -> float:
    return min(1.0, max(-1.0, (x - mean) / mean)) if mean > 0 else 0.0


class Witness:
    """The assessment's figures, looked up one option at a time (docs/model.md, sections 2 and 3:
    "Data of an option" and "Value")."""

    def __init__(self, assessment: Assessment):
        self.assessment = assessment
        self.activities = {a.activity_id: a for a in assessment.activities}
        self.hoods = {h.neighbourhood_id: h for h in assessment.neighbourhoods}
        self.services = assessment.services_by_id()
        self.configs = {c.key: c for c in assessment.offered_configurations()}
        self.population = sum(h.population for h in assessment.neighbourhoods)

    def value(self, activity_id: str, neighbourhood_id: str, configuration: str,
              weights: dict[Criterion, float] | None = None) -> tuple[float, dict[Criterion, float]]:
        """Value of one option and its contributions, one number at a time."""
        assessment = self.assessment
        rubric = assessment.rubric
        act = self.activities[activity_id]
        hoods = assessment.neighbourhoods
        hood = self.hoods[neighbourhood_id]
        configs = tuple(self.configs.values())
        cfg = self.configs[configuration]
        w = weights or assessment.scenario.weights
        total_w = sum(w.values())
        mean_i = sum(h.intermediaries for h in hoods) / self.population * 10_000
        mean_h = sum(h.volunteer_hours for h in hoods) / self.population
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

    def resources(self, activity_id: str, neighbourhood_id: str,
                  cfg: PartnershipConfiguration) -> dict[Resource, float]:
        """Transition cost, running change, contingency and volunteer hours of one option."""
        act = self.activities[activity_id]
        service = self.services[act.service_id]
        hood = self.hoods[neighbourhood_id]
        cost = service.annual_budget * act.cost_share * hood.population / self.population
        les = self.assessment.rubric.service_types[service.service_type].lost_economies_of_scale
        return {
            Resource.TRANSITION_COST: cfg.setup_cost + cfg.setup_rate * cost,
            Resource.RUNNING_CHANGE: cost * (cfg.running_cost_factor - 1 + les),
            Resource.CONTINGENCY: cfg.risk_of_failure * cost,
            Resource.VOLUNTEER_HOURS: cfg.volunteer_hours_per_1000 * cost / 1000,
        }

    def decision(self, activity_id: str, neighbourhood_id: str, configuration: str) -> Decision:
        """The decision to devolve one option, with its figures worked out here."""
        act = self.activities[activity_id]
        value, contributions = self.value(activity_id, neighbourhood_id, configuration)
        uses = self.resources(activity_id, neighbourhood_id, self.configs[configuration])
        return Decision(service_id=act.service_id, stage=act.stage, neighbourhood_id=neighbourhood_id,
                        configuration=configuration, value=value, contributions=contributions,
                        **{r.value: v for r, v in uses.items()})


def check_plan(assessment: Assessment, plan: Plan, *, check_values: bool = True) -> list[Breach]:
    """Every way ``plan`` breaks a rule of ``assessment``'s model; empty when it keeps them all.

    ``check_values`` recomputes each decision's value (slow for very large plans).
    """
    witness = Witness(assessment)
    sc = assessment.scenario
    hoods = witness.hoods
    out: list[Breach] = []

    seen: Counter[tuple[str, str]] = Counter()
    devolved: set[tuple[str, str, str]] = set()  # (service, stage, neighbourhood)
    totals: dict[Resource, float] = defaultdict(float)
    per_hood_hours: dict[str, float] = defaultdict(float)
    per_hood_count: Counter[str] = Counter()
    collective = 0
    for d in plan.decisions:
        where = f"{d.activity_id} in {d.neighbourhood_id}"
        act = witness.activities.get(d.activity_id)
        cfg = witness.configs.get(d.configuration)
        unknown = ("no such activity" if act is None
                   else "no such neighbourhood" if d.neighbourhood_id not in hoods
                   else f"configuration {d.configuration!r} is not on offer" if cfg is None else None)
        if unknown:
            out.append(Breach("decision", where, unknown))
            continue
        kept = retention(assessment.rubric, witness.services[act.service_id], act)
        if kept is not None:
            out.append(Breach("retained", where, f"retained activity devolved ({kept.kind.value})"))
        seen[(d.activity_id, d.neighbourhood_id)] += 1
        devolved.add((act.service_id, act.stage.value, d.neighbourhood_id))
        for resource, val in witness.resources(d.activity_id, d.neighbourhood_id, cfg).items():
            reported = getattr(d, resource.value)
            if not _close(reported, val):
                out.append(Breach("decision", where, f"{resource.value} {reported:.6g} should be {val:.6g}"))
            totals[resource] += val
            if resource == Resource.VOLUNTEER_HOURS:
                per_hood_hours[d.neighbourhood_id] += val
        per_hood_count[d.neighbourhood_id] += 1
        collective += cfg.collective
        if check_values:
            value, _ = witness.value(d.activity_id, d.neighbourhood_id, d.configuration)
            if not _close(d.value, value, 1e-9):
                out.append(Breach("decision", where, f"value {d.value:.9g} should be {value:.9g}"))
            if abs(sum(d.contributions.values()) - d.value) > 1e-9:
                out.append(Breach("decision", where, "contributions do not add up to the value"))

    for (a, n), k in seen.items():
        if k > 1:
            out.append(Breach(Family.ONE_CONFIGURATION.value, f"{a},{n}", f"{k} arrangements chosen"))
    for budget in BUDGETS:
        if budget.per_neighbourhood:
            continue
        limit = getattr(sc, budget.setting)
        if not _within(totals[budget.resource], limit):
            out.append(Breach(budget.family.value, None, f"uses {totals[budget.resource]:,.2f}, limit {limit:,.2f}"))
    for n, hours in per_hood_hours.items():
        cap = sc.capacity_use * hoods[n].volunteer_hours
        if not _within(hours, cap):
            out.append(Breach(Family.CAPACITY.value, n, f"{hours:,.2f} volunteer hours, limit {cap:,.2f}"))
    for rule in assessment.rubric.coherence:
        for svc, stage, n in sorted(devolved):
            if stage == rule.stage.value and (svc, rule.requires.value, n) not in devolved:
                out.append(Breach(Family.COHERENCE.value, f"{rule.stage.value}>{rule.requires.value},{svc},{n}",
                                  f"{rule.stage.value} devolved without {rule.requires.value}"))
    if sc.offer == Offer.UNIFORM:
        by_activity: dict[str, dict[str, str]] = defaultdict(dict)
        for d in plan.decisions:
            by_activity[d.activity_id][d.neighbourhood_id] = d.configuration
        for a, chosen in by_activity.items():
            if set(chosen) != set(hoods) or len(set(chosen.values())) != 1:
                out.append(Breach(Family.UNIFORM_OFFER.value, a, "not the same arrangement in every neighbourhood"))
    total = len(plan.decisions)
    if sc.min_collective_share > 0 and total and collective < sc.min_collective_share * total - 1e-9:
        out.append(Breach(Family.COLLECTIVE_SHARE.value, None,
                          f"{collective} of {total} collective, below {sc.min_collective_share:.0%}"))
    if sc.min_devolved_per_neighbourhood > 0:
        for n in hoods:
            if per_hood_count[n] < sc.min_devolved_per_neighbourhood:
                out.append(Breach(Family.EQUITY.value, n,
                                  f"{per_hood_count[n]} devolved, floor {sc.min_devolved_per_neighbourhood}"))

    # the plan's own figures
    if plan.objective is not None and plan.decisions:
        total_value = sum(d.value for d in plan.decisions)
        if not _close(plan.objective, total_value, 1e-7):
            out.append(Breach("objective", None, f"{plan.objective:.9g} is not the sum of values {total_value:.9g}"))
    if plan.best_bound is not None and plan.objective is not None:
        if plan.best_bound < plan.objective - 1e-7 * max(1.0, abs(plan.objective)):
            out.append(Breach("bound", None, "best bound is below the objective"))
    for lim in plan.limits:
        resource = CATALOGUE[lim.family].resource
        if lim.family == Family.CAPACITY:
            expected = per_hood_hours.get(lim.neighbourhood_id, 0.0)
        elif lim.family == Family.EQUITY:
            expected = per_hood_count.get(lim.neighbourhood_id, 0)
        elif lim.family == Family.COLLECTIVE_SHARE:
            expected = collective / total if total else 0.0
        else:
            expected = totals[resource]
        if not _close(lim.used, expected, 1e-6):
            out.append(Breach("limit report", f"{lim.family.value},{lim.neighbourhood_id}",
                              f"reports {lim.used:.6g} used, plan uses {expected:.6g}"))
    return out
