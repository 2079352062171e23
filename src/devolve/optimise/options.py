"""Every option the optimiser may choose: (activity, neighbourhood, arrangement), valued and costed.

Pure and vectorised: per-activity, per-neighbourhood and per-configuration data are gathered
once, then every option's value terms and resource use are computed with numpy broadcasting over
the (a, n, c) grid. The formulas are those of docs/model.md, sections 2 and 3 ("Data of an option",
"Value"); keep the two in step.

Option k sits at flat index ``k = (a·N + n)·C + c`` (C order), so the order is fixed by the order
of activities, neighbourhoods and configurations in the assessment: same input, same options,
same plan. An option the rubric does not offer (an arrangement unsuited to the stage, too little
at stake, an activity to assess first) stays on the grid, closed: ``open`` is False and the
solver may not choose it, and ``closed_because`` says why, for the plan's account of every
activity.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Mapping

import numpy as np
import pandas as pd

from devolve.assess.retention import retained_activities
from devolve.core.domain import Assessment, Retention
from devolve.core.limits import Resource
from devolve.core.rubric import Rubric
from devolve.core.scenario import Scenario
from devolve.core.terms import BENEFITS, Benefit, Criterion, Stage

ADJUST = 0.5
"""Size, in rubric levels, of each neighbourhood or configuration modifier (docs/model.md)."""
TERM = {b: i for i, b in enumerate(BENEFITS)}
"""Column of each benefit in :attr:`OptionArrays.terms`."""


class Closed(str, Enum):
    """Why the rubric does not offer an option."""

    OPEN = "open"
    UNSUITED = "unsuited"
    """The arrangement has no track record at this stage."""
    TOO_SMALL = "too small"
    """Less than the rubric's minimum £ a year is at stake in the neighbourhood."""
    ASSESS_FIRST = "assess first"
    """The activity is scored on defaults alone and has too much at stake to move on them."""


def normalised_weights(weights: Mapping[Benefit, float]) -> np.ndarray:
    """Weights as an array in BENEFITS order, scaled to add up to one."""
    w = np.array([float(weights[b]) for b in BENEFITS], dtype=float)
    if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    return w / w.sum()


@dataclass(frozen=True, eq=False)
class OptionArrays:
    """The option grid as flat arrays, one entry per option k (see module docstring).

    ``terms[k, b]`` is benefit b's part of option k's value before the weights: multiply by the
    neighbourhood's weights (:meth:`weights_by_neighbourhood`) and add up to get its value.
    """

    # sets
    activity_ids: tuple[str, ...]
    service_ids: tuple[str, ...]
    stages: tuple[Stage, ...]
    neighbourhood_ids: tuple[str, ...]
    configurations: tuple[str, ...]
    collective_configs: np.ndarray  # (C,) bool
    retained: tuple[Retention, ...]
    partnership_services: tuple[str, ...]
    """The services with at least one activity that may be devolved: partnerships are theirs."""
    service_of: np.ndarray  # (A,) index into partnership_services
    assessment_not_alone: np.ndarray  # (S,) bool: the service's assessment needs company
    # per option, length K = A·N·C
    a: np.ndarray
    n: np.ndarray
    c: np.ndarray
    open: np.ndarray
    closed_because: np.ndarray  # (K,) codes into CLOSED
    annual_cost: np.ndarray
    """£ a year at stake: the activity's spending in the neighbourhood."""
    residents: np.ndarray
    """Residents reached: the service's users in the neighbourhood, and for a collective
    arrangement a share of those who do not use it."""
    terms: np.ndarray  # (K, 4)
    transition_cost: np.ndarray
    running_change: np.ndarray
    contingency: np.ndarray
    volunteer_hours: np.ndarray
    collective: np.ndarray
    # per neighbourhood
    hours_available: np.ndarray  # (N,)
    population: np.ndarray  # (N,)
    partnership_areas: np.ndarray  # (N,) int
    """How many neighbourhood partnership areas a neighbourhood makes (more than one where it is
    larger than the rubric's neighbourhood size)."""
    residents_weights: np.ndarray  # (N, 4), NaN where the neighbourhood states none
    service_priority: np.ndarray  # (K,) residents' priority for the option's service (1: none stated)
    # what the scores are read against, to value the options again on other scores (robustness)
    evidence: np.ndarray  # (A,) the share of its value an activity keeps for its evidence
    level_adjust: np.ndarray  # (K, 3) how far the neighbourhood and arrangement move each level
    reached: np.ndarray  # (K, 3) what each valued level touches: residents, £ a year, £ a year
    typical: np.ndarray  # (3,) the same for the typical option on offer, the yardstick
    # per configuration
    area_setup: np.ndarray  # (C,) £
    partnership_setup: np.ndarray  # (C,) £

    def __post_init__(self) -> None:
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False  # shared by every model built from these options

    @property
    def shape(self) -> tuple[int, int, int]:
        return len(self.activity_ids), len(self.neighbourhood_ids), len(self.configurations)

    @property
    def size(self) -> int:
        return len(self.a)

    @property
    def partnerships_shape(self) -> tuple[int, int, int]:
        """(services, neighbourhoods, configurations) of the partnership grid."""
        return len(self.partnership_services), len(self.neighbourhood_ids), len(self.configurations)

    def weights_by_neighbourhood(self, scenario: Scenario) -> np.ndarray:
        """(N, 4) weights: the council's, blended with each neighbourhood's own where it states
        them (docs/model.md, section 3, "Residents' priorities"); each row adds up to one."""
        council = normalised_weights(scenario.weights)
        out = np.tile(council, (len(self.neighbourhood_ids), 1))
        stated = ~np.isnan(self.residents_weights).any(axis=1)
        share = scenario.residents_share
        out[stated] = (1 - share) * council + share * self.residents_weights[stated]
        return out

    def contributions(self, scenario: Scenario) -> np.ndarray:
        """(K, 4) each benefit's part of each option's value under the scenario's weights."""
        weights = self.weights_by_neighbourhood(scenario)[self.n]
        share = scenario.residents_share
        priority = (1 - share) + share * self.service_priority
        out = self.terms * weights
        out[:, TERM[Benefit.OUTCOMES]] *= priority
        return out

    def values(self, scenario: Scenario) -> np.ndarray:
        return self.contributions(scenario).sum(axis=1)

    def rescored(self, scores: np.ndarray, rubric: Rubric) -> OptionArrays:
        """The same options valued on other scores: ``scores`` is (A, 4), each activity's
        outcomes, partnership, resilience and unbundling levels. Which options are open and which
        activities are retained stay as the assessment's consensus scores made them."""
        terms = self.terms.copy()
        terms[:, :3] = score_terms(scores, self.evidence, self.level_adjust, self.reached, self.typical,
                                     self.a, rubric)
        return replace(self, terms=terms)

    def use(self, resource: Resource) -> np.ndarray:
        """What each option uses of ``resource`` (£ once, £ a year, or hours a year)."""
        return getattr(self, resource.value)

    def index(self, a: int, n: int, c: int) -> int:
        _, N, C = self.shape
        return (a * N + n) * C + c


CLOSED: tuple[Closed, ...] = tuple(Closed)


def option_arrays(assessment: Assessment) -> OptionArrays:
    """Build the option grid for every activity that may be devolved (docs/model.md)."""
    rubric = assessment.rubric
    services = assessment.services_by_id()
    configs = assessment.offered_configurations()
    hoods = assessment.neighbourhoods
    retained = retained_activities(assessment)
    kept = {r.key for r in retained}
    acts = [a for a in assessment.activities if a.key not in kept]
    A, N, C = len(acts), len(hoods), len(configs)
    owners = tuple(dict.fromkeys(a.service_id for a in acts))
    owner_index = {s: i for i, s in enumerate(owners)}

    # --- per activity (the one Python pass)
    agree = assessment.scenario.consensus
    score = np.array([[act.score(k, agree) for k in SCORED] for act in acts], dtype=float).reshape(A, 4)
    assessed = np.array([not any(act.is_default(k) for k in Criterion) for act in acts], dtype=bool)
    on_defaults = np.array([all(act.is_default(k) for k in Criterion) for act in acts], dtype=bool)
    evidence = np.where(assessed, 1.0, rubric.evidence.default_factor)
    budget_share = np.array([services[act.service_id].annual_budget * act.cost_share for act in acts], dtype=float)
    assess_first = on_defaults & (budget_share >= rubric.evidence.assess_first_above)
    lost_scale = np.array([rubric.service_types[services[act.service_id].service_type].lost_economies_of_scale
                           for act in acts], dtype=float)
    # --- per neighbourhood
    pop = np.array([h.population for h in hoods], dtype=float)
    total = pop.sum() if N else 0.0
    pop_share = pop / total if N else pop
    intermediaries_rate = np.array([h.intermediaries for h in hoods], dtype=float) / pop * 10_000
    mean_rate = sum(h.intermediaries for h in hoods) / total * 10_000 if N else 0.0
    hours_n = np.array([h.volunteer_hours for h in hoods], dtype=float)
    hours_per_resident = hours_n / pop
    mean_hours = hours_n.sum() / total if N else 0.0
    areas = np.array([rubric.capacity.areas(h.population) for h in hoods], dtype=np.int64)
    # --- per service: its users, council-wide
    users = {
        s: min(float(svc.users), total) if svc.users is not None
        else rubric.service_types[svc.service_type].user_share * total
        for s, svc in services.items()
    }
    user_share = np.array([users[act.service_id] / total if total else 0.0 for act in acts], dtype=float)
    # --- per configuration
    collective = np.array([cfg.collective for cfg in configs], dtype=bool)
    rate = np.array([cfg.setup_rate for cfg in configs], dtype=float)
    factor = np.array([cfg.running_cost_factor for cfg in configs], dtype=float)
    risk = np.array([cfg.risk_of_failure for cfg in configs], dtype=float)
    hpk = np.array([cfg.volunteer_hours_per_1000 for cfg in configs], dtype=float)
    spill = np.array([cfg.spillover for cfg in configs], dtype=float)
    mean_risk = risk.mean() if C else 0.0
    stage_codes = {s: i for i, s in enumerate(Stage)}
    act_stage = np.array([stage_codes[act.stage] for act in acts], dtype=int)
    suited = np.zeros((len(stage_codes), C), dtype=bool)
    for j, cfg in enumerate(configs):
        for s in cfg.suited_stages:
            suited[stage_codes[s], j] = True

    # --- what is at stake and whom it reaches, on the (a, n, c) grid
    cost = budget_share[:, None] * pop_share[None, :]  # (A, N) £ a year
    cost3 = np.broadcast_to(cost[:, :, None], (A, N, C))
    users_an = user_share[:, None] * pop[None, :]  # (A, N)
    reach = users_an[:, :, None] + spill[None, None, :] * (pop[None, :, None] - users_an[:, :, None])

    # --- which options the rubric offers, and why not
    reason = np.zeros((A, N, C), dtype=np.int8)
    reason[cost3 < rubric.partnerships.min_annual_at_stake] = CLOSED.index(Closed.TOO_SMALL)
    reason[np.broadcast_to(assess_first[:, None, None], (A, N, C))] = CLOSED.index(Closed.ASSESS_FIRST)
    reason[np.broadcast_to((~suited[act_stage])[:, None, :], (A, N, C))] = CLOSED.index(Closed.UNSUITED)
    is_open = reason == CLOSED.index(Closed.OPEN)

    # --- levels: the activity's scores, moved by the neighbourhood and the arrangement
    def rel(x: np.ndarray, mean: float) -> np.ndarray:
        return np.clip((x - mean) / mean, -1, 1) if mean > 0 else np.zeros_like(x)

    adj = np.zeros((A, N, C, 3))
    # partnership: intermediaries make collective co-production workable
    adj[..., 1] += ADJUST * rel(intermediaries_rate, mean_rate)[None, :, None] * collective[None, None, :]
    # resilience: volunteer hours as slack; riskier configurations less resilient
    adj[..., 2] += ADJUST * rel(hours_per_resident, mean_hours)[None, :, None]
    adj[..., 2] -= ADJUST * rel(risk, mean_risk)[None, None, :]

    hours = hpk[None, None, :] * cost3 / 1000

    def typical(x: np.ndarray) -> float:
        """The mean over the options on offer: the yardstick that keeps weights swing weights."""
        mean = float(x[is_open].mean()) if is_open.any() else 0.0
        return mean if mean > 0 else 1.0

    reached = np.stack([reach, cost3, cost3], axis=-1).reshape(-1, 3)
    scale = np.array([typical(reach), typical(cost3), typical(cost3)])
    level_adjust = adj.reshape(-1, 3)
    a_idx, n_idx, c_idx = (x.ravel() for x in np.indices((A, N, C), dtype=np.int32))
    terms = np.column_stack([score_terms(score, evidence, level_adjust, reached, scale, a_idx, rubric),
                             (hours / typical(hours)).reshape(-1)]) if A * N * C else np.zeros((0, 4))

    transition = rate[None, None, :] * cost3
    running = cost3 * (factor[None, None, :] - 1 + lost_scale[:, None, None])
    contingency = risk[None, None, :] * cost3

    weights_n, priority_sn = _residents(assessment, owners, users)
    service_of = np.array([owner_index[act.service_id] for act in acts], dtype=np.int32)
    return OptionArrays(
        activity_ids=tuple(act.activity_id for act in acts),
        service_ids=tuple(act.service_id for act in acts),
        stages=tuple(act.stage for act in acts),
        neighbourhood_ids=tuple(h.neighbourhood_id for h in hoods),
        configurations=tuple(cfg.key for cfg in configs),
        collective_configs=collective,
        retained=retained,
        partnership_services=owners,
        service_of=service_of,
        assessment_not_alone=np.array([services[s].service_type in rubric.partnerships.assessment_not_alone
                                       for s in owners], dtype=bool),
        a=a_idx,
        n=n_idx,
        c=c_idx,
        open=is_open.ravel(),
        closed_because=reason.ravel(),
        annual_cost=np.ascontiguousarray(cost3).ravel(),
        residents=reach.ravel(),
        terms=np.ascontiguousarray(terms),
        transition_cost=transition.ravel(),
        running_change=running.ravel(),
        contingency=contingency.ravel(),
        volunteer_hours=hours.ravel(),
        collective=collective[c_idx],
        hours_available=hours_n,
        population=pop,
        partnership_areas=areas,
        residents_weights=weights_n,
        service_priority=priority_sn[service_of[a_idx], n_idx] if A * N * C else np.ones(0),
        area_setup=np.array([cfg.area_setup_cost for cfg in configs], dtype=float),
        partnership_setup=np.array([cfg.partnership_setup_cost for cfg in configs], dtype=float),
        evidence=evidence,
        level_adjust=level_adjust,
        reached=reached,
        typical=scale,
    )


SCORED: tuple[Criterion, ...] = (Criterion.OUTCOMES, Criterion.PARTNERSHIP, Criterion.RESILIENCE, Criterion.UNBUNDLING)
"""The order of an activity's scores in the option arrays: the three valued levels, then unbundling."""


def score_terms(scores: np.ndarray, evidence: np.ndarray, level_adjust: np.ndarray, reached: np.ndarray,
                typical: np.ndarray, a: np.ndarray, rubric: Rubric) -> np.ndarray:
    """(K, 3) the outcomes, partnership and resilience parts of each option's value before the
    weights, from each activity's scores (A, 4 in :data:`SCORED` order): the level, moved by the
    neighbourhood and arrangement, above today's (0 at the neutral level, 1 at the top), counted
    for the evidence and for the chance the activity works locally, times what it reaches against
    the typical option's (so the weights stay swing weights)."""
    chance = np.array([rubric.chance(u) for u in scores[:, 3]], dtype=float)
    level = np.clip(scores[a, :3] + level_adjust, rubric.scale_min, rubric.scale_max)
    change = (level - rubric.neutral) / (rubric.scale_max - rubric.neutral)
    return (evidence * chance)[a, None] * change * reached / typical


def _residents(assessment: Assessment, owners: tuple[str, ...],
               users: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Each neighbourhood's own weights (normalised; NaN where none are stated) and its priority
    for each service, normalised so that the priorities re-rank services within the area without
    changing how much the area's residents count in all (docs/model.md, section 3)."""
    hoods = assessment.neighbourhoods
    weights = np.full((len(hoods), len(BENEFITS)), np.nan)
    priority = np.ones((len(owners), len(hoods)))
    for j, h in enumerate(hoods):
        stated = assessment.priorities_of(h.neighbourhood_id)
        if stated is None:
            continue
        if stated.weights:
            w = np.array([float(stated.weights.get(b, 0.0)) for b in BENEFITS])
            weights[j] = w / w.sum()
        if stated.services:
            listed = np.array(list(stated.services.values()), dtype=float)
            raw = np.array([stated.services.get(s, listed.mean()) for s in owners])
            counts = np.array([users[s] for s in owners]) + 1e-9
            priority[:, j] = raw * counts.sum() / (raw * counts).sum()
    return weights, priority


def option_table(assessment: Assessment, scenario: Scenario | None = None,
                 arrays: OptionArrays | None = None) -> pd.DataFrame:
    """One row per option offered, valued under ``scenario`` (default: the assessment's own).

    Columns: activity_id, service_id, stage, neighbourhood_id, configuration, collective,
    annual_cost (£ a year at stake), residents (reached), value, the four benefits' parts of it
    (outcomes, partnership, resilience, volunteer_time; they add up to value), transition_cost,
    running_change, contingency, volunteer_hours.
    """
    arr = arrays if arrays is not None else option_arrays(assessment)
    contrib = arr.contributions(scenario or assessment.scenario)
    keep = arr.open
    frame = {
        "activity_id": _pick(arr.activity_ids, arr.a[keep]),
        "service_id": _pick(arr.service_ids, arr.a[keep]),
        "stage": _pick(tuple(s.value for s in arr.stages), arr.a[keep]),
        "neighbourhood_id": _pick(arr.neighbourhood_ids, arr.n[keep]),
        "configuration": _pick(arr.configurations, arr.c[keep]),
        "collective": arr.collective[keep],
        "annual_cost": arr.annual_cost[keep],
        "residents": arr.residents[keep],
        "value": contrib[keep].sum(axis=1),
    }
    for b in BENEFITS:
        frame[b.value] = contrib[keep, TERM[b]]
    frame.update({r.value: arr.use(r)[keep] for r in Resource})
    return pd.DataFrame(frame)


def _pick(labels: tuple[str, ...], codes: np.ndarray) -> np.ndarray:
    return np.asarray(labels, dtype=object).reshape(-1)[codes] if len(labels) else np.array([], dtype=object)
