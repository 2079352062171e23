"""Check a plan against every rule of the model, without the solver.

An independent witness in plain Python (one option at a time, no numpy, no model matrix): it
recomputes each decision's figures and value from the assessment by the formulas of
docs/model.md and checks every constraint family. Every solved plan in the tests passes
through it. It shares only names with the optimiser (the families and resources of
:data:`devolve.core.limits.CATALOGUE`), never its arithmetic.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property

from devolve.assess.retention import retention
from devolve.core.domain import Assessment
from devolve.core.limits import BUDGETS, CATALOGUE, Family, Resource
from devolve.core.plan import Decision, Plan
from devolve.core.rubric import PartnershipConfiguration
from devolve.core.scenario import Scenario
from devolve.core.terms import BENEFITS, Benefit, Criterion, Offer, Stage

REL_TOL = 1e-6


@dataclass(frozen=True)
class Breach:
    """One way a plan breaks the model: which rule (a family, or a figure of the plan), and how."""

    rule: str
    """A :class:`~devolve.core.limits.Family` value, or ``decision``, ``retained``, ``offered``,
    ``objective``, ``bound``, ``partnerships`` or ``limit report`` for the plan's own figures."""
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
    """The assessment's figures, worked out one option at a time (docs/model.md, sections 2 and 3:
    "Data of an option" and "Value")."""

    def __init__(self, assessment: Assessment, scenario: Scenario | None = None):
        self.assessment = assessment
        self.scenario = scenario or assessment.scenario
        self.rubric = assessment.rubric
        self.activities = {a.activity_id: a for a in assessment.activities}
        self.hoods = {h.neighbourhood_id: h for h in assessment.neighbourhoods}
        self.services = assessment.services_by_id()
        self.configs = {c.key: c for c in assessment.offered_configurations()}
        self.population = sum(h.population for h in assessment.neighbourhoods)
        kept = {r.key for r in _retained(assessment, self.scenario)}
        self.devolvable = [a for a in assessment.activities if a.key not in kept]

    def areas(self, neighbourhood_id: str) -> int:
        """Partnership areas of a neighbourhood: one per the rubric's neighbourhood size, rounded up."""
        return max(1, math.ceil(self.hoods[neighbourhood_id].population
                                / self.rubric.capacity.max_neighbourhood_population))

    def at_stake(self, activity_id: str, neighbourhood_id: str) -> float:
        act = self.activities[activity_id]
        service = self.services[act.service_id]
        return service.annual_budget * act.cost_share * self.hoods[neighbourhood_id].population / self.population

    def residents(self, activity_id: str, neighbourhood_id: str, configuration: str) -> float:
        service = self.services[self.activities[activity_id].service_id]
        users = (min(service.users, self.population) if service.users is not None
                 else self.rubric.service_types[service.service_type].user_share * self.population)
        people = self.hoods[neighbourhood_id].population
        using = users * people / self.population
        return using + self.configs[configuration].spillover * (people - using)

    def closed(self, activity_id: str, neighbourhood_id: str, configuration: str) -> str | None:
        """Why the rubric does not offer this option, or None if it does."""
        act = self.activities[activity_id]
        if act.stage not in self.configs[configuration].suited_stages:
            return "unsuited"
        council_wide = self.services[act.service_id].annual_budget * act.cost_share
        if all(act.is_default(c) for c in Criterion) and council_wide >= self.rubric.evidence.assess_first_above:
            return "assess first"
        if self.at_stake(activity_id, neighbourhood_id) < self.rubric.partnerships.min_annual_at_stake:
            return "too small"
        return None

    @cached_property
    def typical(self) -> tuple[float, float, float]:
        """Mean residents reached, £ a year at stake and volunteer hours over every option offered."""
        reach, money, hours, count = 0.0, 0.0, 0.0, 0
        for act in self.devolvable:
            for n in self.hoods:
                for key, cfg in self.configs.items():
                    if self.closed(act.activity_id, n, key) is None:
                        cost = self.at_stake(act.activity_id, n)
                        reach += self.residents(act.activity_id, n, key)
                        money += cost
                        hours += cfg.volunteer_hours_per_1000 * cost / 1000
                        count += 1
        return tuple((total / count if count and total > 0 else 1.0) for total in (reach, money, hours))

    def weights(self, neighbourhood_id: str) -> dict[Benefit, float]:
        council = self.scenario.weights
        total = sum(council.values())
        weights = {b: council[b] / total for b in BENEFITS}
        stated = self.assessment.priorities_of(neighbourhood_id)
        if stated is not None and stated.weights:
            theirs = sum(stated.weights.values())
            share = self.scenario.residents_share
            weights = {b: (1 - share) * weights[b] + share * stated.weights.get(b, 0.0) / theirs for b in BENEFITS}
        return weights

    def priority(self, service_id: str, neighbourhood_id: str) -> float:
        """Residents' priority for the service in the neighbourhood, blended in by their share."""
        share = self.scenario.residents_share
        stated = self.assessment.priorities_of(neighbourhood_id)
        if stated is None or not stated.services:
            return 1.0
        owners = list(dict.fromkeys(a.service_id for a in self.devolvable))
        listed = sum(stated.services.values()) / len(stated.services)
        users = {}
        for s in owners:
            service = self.services[s]
            users[s] = (min(service.users, self.population) if service.users is not None
                        else self.rubric.service_types[service.service_type].user_share * self.population) + 1e-9
        weighted = sum(stated.services.get(s, listed) * users[s] for s in owners)
        own = stated.services.get(service_id, listed) * sum(users.values()) / weighted
        return (1 - share) + share * own

    def value(self, activity_id: str, neighbourhood_id: str, configuration: str) -> tuple[float, dict[Benefit, float]]:
        """Value of one option and each benefit's part of it, one number at a time."""
        rubric = self.rubric
        act = self.activities[activity_id]
        hoods = self.assessment.neighbourhoods
        hood = self.hoods[neighbourhood_id]
        configs = tuple(self.configs.values())
        cfg = self.configs[configuration]
        mean_i = sum(h.intermediaries for h in hoods) / self.population * 10_000
        mean_h = sum(h.volunteer_hours for h in hoods) / self.population
        mean_r = sum(c.risk_of_failure for c in configs) / len(configs)
        i_n = hood.intermediaries / hood.population * 10_000
        h_n = hood.volunteer_hours / hood.population
        adjust = {Criterion.OUTCOMES: 0.0, Criterion.PARTNERSHIP: 0.0, Criterion.RESILIENCE: 0.0}
        if cfg.collective:
            adjust[Criterion.PARTNERSHIP] += 0.5 * _rel(i_n, mean_i)
        adjust[Criterion.RESILIENCE] += 0.5 * _rel(h_n, mean_h) - 0.5 * _rel(cfg.risk_of_failure, mean_r)

        def change(criterion: Criterion) -> float:
            level = min(rubric.scale_max, max(rubric.scale_min, act.score(criterion, self.scenario.consensus) + adjust[criterion]))
            return (level - rubric.neutral) / (rubric.scale_max - rubric.neutral)

        evidence = 1.0 if not any(act.is_default(c) for c in Criterion) else rubric.evidence.default_factor
        sure = evidence * rubric.chance(act.score(Criterion.UNBUNDLING, self.scenario.consensus))
        reach, money, hours = self.typical
        cost = self.at_stake(activity_id, neighbourhood_id)
        w = self.weights(neighbourhood_id)
        parts = {
            Benefit.OUTCOMES: w[Benefit.OUTCOMES] * self.priority(act.service_id, neighbourhood_id) * sure
            * change(Criterion.OUTCOMES) * self.residents(activity_id, neighbourhood_id, configuration) / reach,
            Benefit.PARTNERSHIP: w[Benefit.PARTNERSHIP] * sure * change(Criterion.PARTNERSHIP) * cost / money,
            Benefit.RESILIENCE: w[Benefit.RESILIENCE] * sure * change(Criterion.RESILIENCE) * cost / money,
            Benefit.VOLUNTEER_TIME: w[Benefit.VOLUNTEER_TIME] * cfg.volunteer_hours_per_1000 * cost / 1000 / hours,
        }
        return sum(parts.values()), parts

    def resources(self, activity_id: str, neighbourhood_id: str,
                  cfg: PartnershipConfiguration) -> dict[Resource, float]:
        """The activity's own transition cost, running change, contingency and volunteer hours."""
        act = self.activities[activity_id]
        service = self.services[act.service_id]
        cost = self.at_stake(activity_id, neighbourhood_id)
        les = self.rubric.service_types[service.service_type].lost_economies_of_scale
        return {
            Resource.TRANSITION_COST: cfg.setup_rate * cost,
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
                        annual_cost=self.at_stake(activity_id, neighbourhood_id),
                        residents=self.residents(activity_id, neighbourhood_id, configuration),
                        **{r.value: v for r, v in uses.items()})


def _balance_breaches(witness: Witness, plan: Plan) -> list[Breach]:
    """The balance rules, from each option's value worked out again: shares of the plan's positive
    value, each held to no more than could be gained there at all (docs/model.md, section 6)."""
    balance = witness.rubric.balance
    if balance.fair_share <= 0 and balance.co_delivery_share <= 0:
        return []
    best: dict[tuple[str, str], float] = {}
    for act in witness.devolvable:
        for n in witness.hoods:
            gains = [witness.value(act.activity_id, n, c)[0] for c in witness.configs
                     if witness.closed(act.activity_id, n, c) is None]
            best[act.activity_id, n] = max([0.0, *gains])
    potential = sum(best.values())
    if potential <= 0:
        return []
    gained = [(d, max(d.value, 0.0)) for d in plan.decisions if d.activity_id in witness.activities]
    total = sum(g for _, g in gained)
    out = []
    for n, hood in witness.hoods.items():
        could = sum(g for (_, m), g in best.items() if m == n) / potential
        floor = min(balance.fair_share * hood.population / witness.population, could)
        got = sum(g for d, g in gained if d.neighbourhood_id == n)
        if balance.fair_share > 0 and got < floor * total - 1e-6 * max(1.0, total):
            out.append(Breach(Family.FAIR_SHARE.value, n, f"{got:.6g} of {total:.6g}, below {floor:.2%}"))
    work = (Stage.MANAGEMENT, Stage.DELIVERY)
    could = sum(g for (a, _), g in best.items() if witness.activities[a].stage in work) / potential
    share = min(balance.co_delivery_share, could)
    got = sum(g for d, g in gained if witness.activities[d.activity_id].stage in work)
    if share > 0 and got < share * total - 1e-6 * max(1.0, total):
        out.append(Breach(Family.CO_DELIVERY_SHARE.value, None, f"{got:.6g} of {total:.6g}, below {share:.2%}"))
    return out


def _retained(assessment: Assessment, scenario: Scenario):
    services = assessment.services_by_id()
    found = (retention(assessment.rubric, services[a.service_id], a, scenario.consensus)
             for a in assessment.activities)
    return [r for r in found if r is not None]


def check_plan(assessment: Assessment, plan: Plan, *, check_values: bool = True) -> list[Breach]:
    """Every way ``plan`` breaks a rule of ``assessment``'s model; empty when it keeps them all.

    ``check_values`` recomputes each decision's value (slow for very large plans).
    """
    witness = Witness(assessment)
    sc = assessment.scenario
    rubric = assessment.rubric
    hoods = witness.hoods
    out: list[Breach] = []

    seen: Counter[tuple[str, str]] = Counter()
    devolved: set[tuple[str, str, str]] = set()  # (service, stage, neighbourhood)
    partnerships: Counter[tuple[str, str, str]] = Counter()  # (service, neighbourhood, arrangement)
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
        kept = retention(rubric, witness.services[act.service_id], act, sc.consensus)
        if kept is not None:
            out.append(Breach("retained", where, f"retained activity devolved ({kept.kind.value})"))
        closed = witness.closed(d.activity_id, d.neighbourhood_id, d.configuration)
        if closed is not None:
            out.append(Breach("offered", where, f"the rubric does not offer it ({closed})"))
        seen[(d.activity_id, d.neighbourhood_id)] += 1
        devolved.add((act.service_id, act.stage.value, d.neighbourhood_id))
        partnerships[(act.service_id, d.neighbourhood_id, d.configuration)] += 1
        for resource, val in witness.resources(d.activity_id, d.neighbourhood_id, cfg).items():
            reported = getattr(d, resource.value)
            if not _close(reported, val):
                out.append(Breach("decision", where, f"{resource.value} {reported:.6g} should be {val:.6g}"))
            totals[resource] += val
            if resource == Resource.VOLUNTEER_HOURS:
                per_hood_hours[d.neighbourhood_id] += val
        for name, expected in (("annual_cost", witness.at_stake(d.activity_id, d.neighbourhood_id)),
                               ("residents", witness.residents(d.activity_id, d.neighbourhood_id, d.configuration))):
            if not _close(getattr(d, name), expected):
                out.append(Breach("decision", where, f"{name} {getattr(d, name):.6g} should be {expected:.6g}"))
        per_hood_count[d.neighbourhood_id] += 1
        collective += cfg.collective
        if check_values:
            value, _ = witness.value(d.activity_id, d.neighbourhood_id, d.configuration)
            if not _close(d.value, value, 1e-9):
                out.append(Breach("decision", where, f"value {d.value:.9g} should be {value:.9g}"))
            if abs(sum(d.contributions.values()) - d.value) > 1e-9:
                out.append(Breach("decision", where, "contributions do not add up to the value"))

    # partnerships: set up once each, and once per neighbourhood body
    bodies = {(n, c) for _, n, c in partnerships if witness.configs[c].area_setup_cost > 0}
    totals[Resource.TRANSITION_COST] += sum(witness.configs[c].partnership_setup_cost * witness.areas(n)
                                            for _, n, c in partnerships)
    totals[Resource.TRANSITION_COST] += sum(witness.configs[c].area_setup_cost * witness.areas(n) for n, c in bodies)
    reported = {(p.service_id, p.neighbourhood_id, p.configuration): p for p in plan.partnerships}
    if set(reported) != set(partnerships):
        out.append(Breach("partnerships", None, "the plan's partnerships are not those its decisions make"))
    for key, p in reported.items():
        setup = witness.configs[key[2]].partnership_setup_cost * witness.areas(key[1]) if key[2] in witness.configs else 0
        if key in partnerships and (p.activities != partnerships[key] or not _close(p.setup_cost, setup)):
            out.append(Breach("partnerships", ",".join(key), "its activities or set-up cost are wrong"))
    if {(b.neighbourhood_id, b.configuration) for b in plan.bodies} != bodies:
        out.append(Breach("partnerships", None, "the plan's neighbourhood bodies are not those its partnerships need"))
    arrangements = Counter((s, n) for s, n, _ in partnerships)
    for (s, n), k in arrangements.items():
        if k > rubric.partnerships.max_arrangements_per_service:
            out.append(Breach(Family.ARRANGEMENTS_PER_SERVICE.value, f"{s},{n}", f"{k} arrangements"))
    per_hood_partnerships = Counter(n for _, n, _ in partnerships)
    for n, k in per_hood_partnerships.items():
        most = rubric.partnerships.max_per_neighbourhood
        if k > most:
            out.append(Breach(Family.PARTNERSHIPS_PER_NEIGHBOURHOOD.value, n, f"{k} partnerships, most {most}"))
    reach = min(rubric.partnerships.min_neighbourhoods_per_service, len(witness.assessment.neighbourhoods))
    hoods_of: dict[str, set[str]] = {}
    for svc, _, n in devolved:
        hoods_of.setdefault(svc, set()).add(n)
    for svc, where in sorted(hoods_of.items()):
        if len(where) < reach:
            out.append(Breach(Family.SEVERAL_NEIGHBOURHOODS.value, svc,
                              f"devolved in {len(where)} neighbourhood(s), fewer than {reach}"))
    for svc, stage, n in sorted(devolved):
        alone = witness.services[svc].service_type in rubric.partnerships.assessment_not_alone
        if alone and stage == Stage.ASSESSMENT.value and not any(
                s == svc and g != stage and m == n for s, g, m in devolved):
            out.append(Breach(Family.ASSESSMENT_NOT_ALONE.value, f"{svc},{n}", "assessment devolved alone"))

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
    for rule in rubric.coherence:
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

    if check_values:
        out += _balance_breaches(witness, plan)

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
