"""Councils made up for testing and benchmarking: seeded, realistic, and small ones solvable by hand.

* :func:`synthetic_assessment` — a seeded synthetic council of any size, with limits set so
  that they bind (the benchmark's S, M and L, and the tests' larger cases);
* :func:`configuration` and :func:`one_service_council` — a single service with chosen stages
  and scores, small enough that every expected plan in the tests is worked out by hand;
* :func:`answer`, :func:`overrun` and their kind — work for a worker process
  (:mod:`devolve.apart`) to do, fail at or overrun, importable by name as a worker needs.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from devolve.assess.assemble import assemble
from devolve.assess.capacity import neighbourhood
from devolve.assess.decompose import ActivityRecord, default_scores
from devolve.core.domain import Assessment, Neighbourhood, Service
from devolve.core.rubric import BalanceRules, CoherenceRule, PartnershipConfiguration, PartnershipRules, Rubric
from devolve.core.scenario import Scenario
from devolve.core.terms import CRITERIA, STAGES, Benefit, Criterion, ServiceType, SolverName, Stage
from devolve.io.toml import load_rubric

CONFIGURATIONS = ("citizen_coproduction", "third_sector_intermediary", "community_organisation")
DIRECTORATES = ("Adults", "Children", "Place", "Resources", "Public Health", "Housing")
OUTCOMES_ONLY = {Benefit.OUTCOMES: 1, Benefit.PARTNERSHIP: 0, Benefit.RESILIENCE: 0, Benefit.VOLUNTEER_TIME: 0}


def synthetic_assessment(
    services: int,
    neighbourhoods: int,
    *,
    seed: int = 0,
    rubric: Rubric | None = None,
    solver: SolverName = SolverName.HIGHS,
    time_limit: float = 120.0,
    relative_gap: float = 0.01,
) -> Assessment:
    """A seeded, realistic synthetic council (see the module docstring)."""
    rubric = rubric or load_rubric()
    rng = np.random.default_rng(seed)
    types = list(ServiceType)
    outcome_keys = sorted(rubric.outcomes)
    svc: list[Service] = []
    for i in range(services):
        t = types[rng.choice(len(types), p=[0.3, 0.35, 0.2, 0.15])]
        svc.append(
            Service(
                service_id=f"S{i + 1:04d}",
                name=f"Service {i + 1}",
                directorate=DIRECTORATES[int(rng.integers(len(DIRECTORATES)))],
                service_type=t,
                annual_budget=float(round(np.exp(rng.normal(np.log(1_500_000), 1.0)), -3)),
                statutory=bool(rng.random() < 0.3),
                outcomes=tuple(rng.choice(outcome_keys, size=int(rng.integers(0, 3)), replace=False)),
            )
        )
    # some activities assessed by one or two assessors, scores near the prior
    records: list[ActivityRecord] = []
    for s in svc:
        for stage in STAGES:
            if rng.random() < (0.7 if stage in (Stage.MANAGEMENT, Stage.DELIVERY) else 0.3):
                base = default_scores(rubric, s, stage)
                for who in ("assessor A", "assessor B")[: int(rng.integers(1, 3))]:
                    scores = {
                        c: int(np.clip(base[c] + rng.integers(-1, 2), rubric.scale_min, rubric.scale_max))
                        for c in CRITERIA
                    }
                    records.append(ActivityRecord(s.service_id, stage, assessor=who, scores=scores))

    hoods: list[Neighbourhood] = []
    for j in range(neighbourhoods):
        pop = int(np.clip(np.exp(rng.normal(np.log(12_000), 0.45)), 3_000, 40_000))
        old = float(np.clip(rng.normal(0.18, 0.06), 0.05, 0.4))
        hoods.append(
            neighbourhood(
                rubric,
                neighbourhood_id=f"N{j + 1:03d}",
                name=f"Neighbourhood {j + 1}",
                population=pop,
                share_aged_65_plus=old,
                intermediaries=int(rng.poisson(pop / 2_500)),
            )
        )
    total_budget = sum(s.annual_budget for s in svc)
    scenario = Scenario(
        name=f"Synthetic {services}x{neighbourhoods} seed {seed}",
        weights=rubric.default_weights(),
        # limits sized to the council so that they bind at every scale
        transition_budget=round(0.006 * total_budget, -3),
        running_cost_limit=-round(0.00005 * total_budget, -3),  # a required saving
        contingency_reserve=round(0.004 * total_budget, -3),
        capacity_use=0.5,
        configurations=CONFIGURATIONS,
        min_collective_share=0.3,
        solver=solver,
        time_limit_seconds=time_limit,
        relative_gap=relative_gap,
    )
    return assemble(rubric, svc, records, hoods, scenario)


def configuration(key: str, collective: bool, setup: float, factor: float = 1.0, hours: float = 0.0,
                  risk: float = 0.0, *, area: float = 0.0, rate: float = 0.0,
                  spillover: float | None = None, suited: Iterable[Stage] = STAGES) -> PartnershipConfiguration:
    """A partnership configuration: ``setup`` £ once per service partnership (``area`` £ once per
    neighbourhood body, ``rate`` of each activity's annual cost), a running cost factor, volunteer
    hours per £1,000 and a risk of failure. A collective one benefits half the residents who do
    not use the service (its spill-over), unless told otherwise."""
    return PartnershipConfiguration(
        key=key, name=key, description=key, collective=collective, area_setup_cost=area,
        partnership_setup_cost=setup, setup_rate=rate, running_cost_factor=factor, volunteer_hours_per_1000=hours,
        risk_of_failure=risk, spillover=(0.5 if collective else 0.0) if spillover is None else spillover,
        suited_stages=tuple(suited),
    )


def one_service_council(
    rubric: Rubric,
    outcomes: Mapping[Stage, int],
    *,
    shares: Mapping[Stage, float] | None = None,
    hoods: Iterable[tuple[str, int, float]] = (("N1", 10_000, 5_000.0),),
    coherence: Iterable[CoherenceRule] = (),
    retain: Iterable[Stage] = (),
    configs: tuple[PartnershipConfiguration, ...] | None = None,
    partnerships: PartnershipRules | None = None,
    **scenario,
) -> Assessment:
    """One personal service, £100,000 a year, used by half the residents; only the stages in
    ``outcomes`` are in play, scored on outcomes only (every other criterion at the neutral level).

    With the weights on outcomes alone, an option's value is its outcomes change (level − 2)/2
    times the residents it reaches over the average option's: an individual arrangement reaches
    the users (half the residents), a collective one also half the rest (three quarters). With
    the default two arrangements offered everywhere and equal neighbourhoods, that is 0.8 and 1.2
    times the change: outcomes 3 is worth 0.4 alone and 0.6 as a group, outcomes 4 is 0.8 and 1.2.

    The rubric is simplified so the arithmetic stays by hand: every unbundling level has a chance
    of 1, no option is too small, there is no rule on assessment alone or on the number of
    partnerships (unless ``partnerships`` says otherwise), none on the balance of the value, and
    no economies of scale are lost, so
    running change is cost × (factor − 1). ``hoods`` are (id, population, volunteer hours); the
    limits default to unbounded; set-up is once per service partnership.
    """
    prior = rubric.service_types[ServiceType.PERSONAL].replace(lost_economies_of_scale=0.0, user_share=0.5)
    unbundling = rubric.criteria[Criterion.UNBUNDLING]
    r = rubric.replace(
        configurations=configs or (configuration("solo", False, 1000), configuration("group", True, 3000)),
        coherence=tuple(coherence),
        service_types={**rubric.service_types, ServiceType.PERSONAL: prior},
        criteria={**rubric.criteria, Criterion.UNBUNDLING: unbundling.replace(
            levels=tuple(lv.replace(chance=1.0) for lv in unbundling.levels))},
        evidence=rubric.evidence.replace(default_factor=1.0),
        partnerships=partnerships or PartnershipRules(max_per_neighbourhood=100, max_arrangements_per_service=2,
                                                      min_annual_at_stake=0, assessment_not_alone=()),
        balance=BalanceRules(),
    )
    svc = Service(service_id="S", name="Service", directorate="D", service_type=ServiceType.PERSONAL,
                  annual_budget=100_000)
    shares = shares or {}
    retain = set(retain)
    records = [ActivityRecord("S", st, cost_share=shares.get(st),
                              must_retain=True if st in retain else None,
                              scores={Criterion.OUTCOMES: o, Criterion.UNBUNDLING: 2,
                                      Criterion.PARTNERSHIP: 2, Criterion.RESILIENCE: 2})
               for st, o in outcomes.items()]
    records += [ActivityRecord("S", st, must_retain=True) for st in STAGES if st not in outcomes]
    neighbourhoods = [
        Neighbourhood(neighbourhood_id=i, name=i, population=p, share_aged_65_plus=0.2, volunteer_hours=h)
        for i, p, h in hoods
    ]
    base = dict(weights=OUTCOMES_ONLY, transition_budget=1e9, running_cost_limit=1e9,
                contingency_reserve=1e9, relative_gap=0.0, time_limit_seconds=30)
    return assemble(r, [svc], records, neighbourhoods, Scenario(**{**base, **scenario}))


OVERRUN_DEADLINE = 0.5
"""Seconds :func:`overrun` gives its solver run."""


def answer(x: int, *, progress=None) -> dict:
    if progress is not None:
        progress(f"working on {x}")
    return {"twice": 2 * x, "pid": os.getpid()}


def refuse(*, progress=None):
    raise ValueError("refused on purpose")


def die(*, progress=None):
    os._exit(9)


def overrun(started: str | None = None, *, progress=None):
    """A solver run that neither calls back nor reads the clock, with a process of its own (as
    CBC is) whose pid is written to the file ``started``."""
    from devolve.optimise.highs import Deadline

    with Deadline.after(OVERRUN_DEADLINE).watched():
        if started is not None:
            child = subprocess.Popen(["sleep", "60"])
            Path(started).write_text(str(child.pid))
        time.sleep(60)


def sleep_then_answer(seconds: float, *, progress=None) -> float:
    """Slow, but never inside a solver run: no deadline to overrun."""
    time.sleep(seconds)
    return seconds
