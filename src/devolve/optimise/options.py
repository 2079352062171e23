"""Every option the optimiser may choose: (activity, neighbourhood, configuration), valued and costed.

Pure and vectorised: per-activity, per-neighbourhood and per-configuration data are gathered
once (one Python pass over activities), then every option's value and resource use is computed
with numpy broadcasting over the (a, n, c) grid. The formulas are those of docs/model.md,
sections 2 and 3 ("Data of an option", "Value"); keep the two in step.

Option k sits at flat index ``k = (a·N + n)·C + c`` (C order), so the order is fixed by the
order of activities, neighbourhoods and configurations in the assessment: same input, same
options, same plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from devolve.assess.retention import retained_activities
from devolve.core.domain import Assessment, Retention
from devolve.core.limits import Resource
from devolve.core.terms import CRITERIA, Criterion, Stage

ADJUST = 0.5
"""Size, in rubric levels, of each neighbourhood or configuration modifier (docs/model.md)."""

CRITERION_INDEX = {c: i for i, c in enumerate(CRITERIA)}


def normalised_weights(weights: Mapping[Criterion, float]) -> np.ndarray:
    """Weights as an array in CRITERIA order, scaled to add up to one."""
    w = np.array([float(weights[c]) for c in CRITERIA], dtype=float)
    if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    return w / w.sum()


@dataclass(frozen=True, eq=False)
class OptionArrays:
    """The option grid as flat arrays, one entry per option k (see module docstring).

    ``deviation[k, i]`` is criterion i's adjusted level minus neutral, over the scale's range:
    multiply by the normalised weights to get the value contributions.
    """

    # sets
    activity_ids: tuple[str, ...]
    service_ids: tuple[str, ...]
    stages: tuple[Stage, ...]
    neighbourhood_ids: tuple[str, ...]
    configurations: tuple[str, ...]
    collective_configs: np.ndarray  # (C,) bool
    retained: tuple[Retention, ...]
    # per option, length K = A·N·C
    a: np.ndarray
    n: np.ndarray
    c: np.ndarray
    annual_cost: np.ndarray
    deviation: np.ndarray  # (K, 4)
    transition_cost: np.ndarray
    running_change: np.ndarray
    contingency: np.ndarray
    volunteer_hours: np.ndarray
    collective: np.ndarray
    # per neighbourhood
    hours_available: np.ndarray  # (N,)

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

    def contributions(self, weights: Mapping[Criterion, float] | np.ndarray) -> np.ndarray:
        """(K, 4) value contributions per criterion under these weights."""
        w = weights if isinstance(weights, np.ndarray) else normalised_weights(weights)
        return self.deviation * w

    def values(self, weights: Mapping[Criterion, float] | np.ndarray) -> np.ndarray:
        w = weights if isinstance(weights, np.ndarray) else normalised_weights(weights)
        return self.deviation @ w

    def use(self, resource: Resource) -> np.ndarray:
        """What each option uses of ``resource`` (£ once, £ a year, or hours a year)."""
        return getattr(self, resource.value)

    def index(self, a: int, n: int, c: int) -> int:
        _, N, C = self.shape
        return (a * N + n) * C + c


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

    # --- per activity (the one Python pass)
    score = np.array([[act.score(k) for k in CRITERIA] for act in acts], dtype=float).reshape(A, 4)
    budget_share = np.array(
        [services[act.service_id].annual_budget * act.cost_share for act in acts], dtype=float
    )
    lost_scale = np.array(
        [
            rubric.service_types[services[act.service_id].service_type].lost_economies_of_scale
            for act in acts
        ],
        dtype=float,
    )
    # --- per neighbourhood
    pop = np.array([h.population for h in hoods], dtype=float)
    pop_share = pop / pop.sum() if N else pop
    intermediaries_rate = np.array([h.intermediaries for h in hoods], dtype=float) / pop * 10_000
    mean_rate = sum(h.intermediaries for h in hoods) / pop.sum() * 10_000 if N else 0.0
    hours_n = np.array([h.volunteer_hours for h in hoods], dtype=float)
    hours_per_resident = hours_n / pop
    mean_hours = hours_n.sum() / pop.sum() if N else 0.0
    # --- per configuration
    collective = np.array([cfg.collective for cfg in configs], dtype=bool)
    setup = np.array([cfg.setup_cost for cfg in configs], dtype=float)
    rate = np.array([cfg.setup_rate for cfg in configs], dtype=float)
    factor = np.array([cfg.running_cost_factor for cfg in configs], dtype=float)
    risk = np.array([cfg.risk_of_failure for cfg in configs], dtype=float)
    hpk = np.array([cfg.volunteer_hours_per_1000 for cfg in configs], dtype=float)
    mean_risk = risk.mean() if C else 0.0
    stage_codes = {s: i for i, s in enumerate(Stage)}
    act_stage = np.array([stage_codes[act.stage] for act in acts], dtype=int)
    suited = np.zeros((len(stage_codes), C), dtype=bool)
    for j, cfg in enumerate(configs):
        for s in cfg.suited_stages:
            suited[stage_codes[s], j] = True

    # --- level adjustments on the (a, n, c) grid
    def rel(x: np.ndarray, mean: float) -> np.ndarray:
        return np.clip((x - mean) / mean, -1, 1) if mean > 0 else np.zeros_like(x)

    adj = np.zeros((A, N, C, 4))
    p, r_, o = (CRITERION_INDEX[k] for k in (Criterion.PARTNERSHIP, Criterion.RESILIENCE, Criterion.OUTCOMES))
    # partnership: one level lower where the configuration has no track record at this stage
    adj[..., p] -= (~suited[act_stage])[:, None, :]
    # partnership: intermediaries make collective co-production workable
    adj[..., p] += ADJUST * rel(intermediaries_rate, mean_rate)[None, :, None] * collective[None, None, :]
    # resilience: volunteer hours as slack; riskier configurations less resilient
    adj[..., r_] += ADJUST * rel(hours_per_resident, mean_hours)[None, :, None]
    adj[..., r_] -= ADJUST * rel(risk, mean_risk)[None, None, :]
    # outcomes: collective co-production has larger, longer-lasting effects
    adj[..., o] += ADJUST * collective[None, None, :]

    level = np.clip(score[:, None, None, :] + adj, rubric.scale_min, rubric.scale_max)
    deviation = ((level - rubric.neutral) / (rubric.scale_max - rubric.scale_min)).reshape(-1, 4)

    cost = budget_share[:, None] * pop_share[None, :]  # (A, N)
    cost3 = np.broadcast_to(cost[:, :, None], (A, N, C))
    transition = setup[None, None, :] + rate[None, None, :] * cost3
    running = cost3 * (factor[None, None, :] - 1 + lost_scale[:, None, None])
    contingency = risk[None, None, :] * cost3
    hours = hpk[None, None, :] * cost3 / 1000

    a_idx, n_idx, c_idx = (x.ravel() for x in np.indices((A, N, C), dtype=np.int32))
    return OptionArrays(
        activity_ids=tuple(act.activity_id for act in acts),
        service_ids=tuple(act.service_id for act in acts),
        stages=tuple(act.stage for act in acts),
        neighbourhood_ids=tuple(h.neighbourhood_id for h in hoods),
        configurations=tuple(cfg.key for cfg in configs),
        collective_configs=collective,
        retained=retained,
        a=a_idx,
        n=n_idx,
        c=c_idx,
        annual_cost=np.ascontiguousarray(cost3).ravel(),
        deviation=np.ascontiguousarray(deviation),
        transition_cost=transition.ravel(),
        running_change=running.ravel(),
        contingency=contingency.ravel(),
        volunteer_hours=hours.ravel(),
        collective=collective[c_idx],
        hours_available=hours_n,
    )


def option_table(
    assessment: Assessment,
    weights: Mapping[Criterion, float] | None = None,
    arrays: OptionArrays | None = None,
) -> pd.DataFrame:
    """One row per option in the model, valued under ``weights`` (default: the scenario's).

    Columns: activity_id, service_id, stage, neighbourhood_id, configuration, collective,
    annual_cost, value, the four contributions (outcomes, unbundling, partnership, resilience;
    they add up to value), transition_cost, running_change, contingency, volunteer_hours.
    """
    arr = arrays if arrays is not None else option_arrays(assessment)
    contrib = arr.contributions(weights if weights is not None else assessment.scenario.weights)
    frame = {
        "activity_id": _pick(arr.activity_ids, arr.a),
        "service_id": _pick(arr.service_ids, arr.a),
        "stage": _pick(tuple(s.value for s in arr.stages), arr.a),
        "neighbourhood_id": _pick(arr.neighbourhood_ids, arr.n),
        "configuration": _pick(arr.configurations, arr.c),
        "collective": arr.collective,
        "annual_cost": arr.annual_cost,
        "value": contrib.sum(axis=1),
    }
    for i, k in enumerate(CRITERIA):
        frame[k.value] = contrib[:, i]
    frame.update({r.value: arr.use(r) for r in Resource})
    return pd.DataFrame(frame)


def _pick(labels: tuple[str, ...], codes: np.ndarray) -> np.ndarray:
    return np.asarray(labels, dtype=object).reshape(-1)[codes] if len(labels) else np.array([], dtype=object)
