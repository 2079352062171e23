"""Brute force: on tiny random councils, the solver's optimum is the best of every assignment.

Each instance has at most 12 binaries, so all 2^12 assignments can be enumerated. Feasibility is
evaluated here from the option table and the scenario, written from docs/model.md and not from
the model matrix, so a wrong row in the model shows up as a different optimum.
"""

import itertools

import numpy as np
import pytest

from devolve.assess.decompose import ActivityRecord, decompose
from devolve.core import (
    CRITERIA,
    Assessment,
    Neighbourhood,
    Offer,
    PartnershipConfiguration,
    Scenario,
    Service,
    Stage,
)
from devolve.core.plan import PlanStatus
from devolve.io.toml import load_rubric
from devolve.optimise.check import check_plan
from devolve.optimise.model import build_model
from devolve.optimise.options import option_table
from devolve.optimise.solve import solve

RUBRIC = load_rubric()
POOL = (Stage.PLANNING, Stage.DESIGN, Stage.MANAGEMENT, Stage.DELIVERY, Stage.GOVERNANCE, Stage.FINANCING)


def random_instance(seed: int) -> Assessment:
    rng = np.random.default_rng(seed)
    n_hoods = int(rng.integers(1, 3))
    n_cfg = int(rng.integers(2, 4))
    n_stages = max(1, min(12 // (n_hoods * n_cfg), 3))
    stages = [POOL[i] for i in rng.choice(len(POOL), size=n_stages, replace=False)]
    configs = tuple(
        PartnershipConfiguration(
            key=f"c{j}", name=f"c{j}", description="random", collective=bool(rng.random() < 0.5),
            setup_cost=float(rng.integers(0, 3000)), setup_rate=float(rng.uniform(0, 0.2)),
            running_cost_factor=float(rng.uniform(0.7, 1.15)),
            volunteer_hours_per_1000=float(rng.uniform(0, 10)),
            risk_of_failure=float(rng.uniform(0.01, 0.3)),
            suited_stages=tuple(s for s in Stage if rng.random() < 0.5),
        )
        for j in range(n_cfg)
    )
    rubric = RUBRIC.replace(configurations=configs)
    svc = Service(service_id="S", name="S", directorate="D",
                  service_type=rng.choice(["transactional", "personal", "infrastructure-heavy", "regulatory"]),
                  annual_budget=float(rng.integers(50_000, 2_000_000)))
    records = [
        ActivityRecord("S", st, scores={c: int(rng.integers(1, 5)) for c in CRITERIA},
                       must_retain=True if rng.random() < 0.15 else None)
        for st in stages
    ]
    records += [ActivityRecord("S", st, must_retain=True) for st in Stage if st not in stages]
    hoods = tuple(
        Neighbourhood(neighbourhood_id=f"N{i}", name=f"N{i}", population=int(rng.integers(2000, 15000)),
                      share_aged_65_plus=0.2, volunteer_hours=float(rng.integers(0, 3000)),
                      intermediaries=int(rng.integers(0, 6)))
        for i in range(n_hoods)
    )
    activities = decompose(rubric, [svc], records)
    a = Assessment(rubric=rubric, services=(svc,), activities=activities, neighbourhoods=hoods,
                   scenario=Scenario(weights={c: float(rng.uniform(0, 1)) + 0.01 for c in CRITERIA},
                                     transition_budget=1e12, running_cost_limit=1e12,
                                     contingency_reserve=1e12, relative_gap=0.0, time_limit_seconds=30))
    # limits as random fractions of what devolving everything would use, so that they bind
    t = option_table(a)
    frac = lambda: float(rng.uniform(0.2, 0.9))  # noqa: E731
    upd = dict(
        transition_budget=frac() * t.transition_cost.sum() / max(n_cfg, 1),
        contingency_reserve=frac() * t.contingency.sum() / max(n_cfg, 1),
        capacity_use=float(rng.uniform(0.1, 1.0)),
    )
    r = t.running_change
    upd["running_cost_limit"] = float(rng.uniform(r.clip(upper=0).sum() / n_cfg, r.clip(lower=0).sum() / n_cfg + 1))
    if rng.random() < 0.35:
        upd["offer"] = Offer.UNIFORM
    if rng.random() < 0.35:
        upd["min_collective_share"] = float(rng.choice([0.25, 0.5, 1.0]))
    if rng.random() < 0.3:
        upd["min_devolved_per_neighbourhood"] = 1
    return a.replace(scenario=a.scenario.replace(**upd))


def brute_force(a: Assessment) -> float | None:
    """Best objective over every feasible 0/1 assignment, or None if none is feasible."""
    t = option_table(a)
    sc = a.scenario
    K = len(t)
    if K == 0:
        return None if sc.min_devolved_per_neighbourhood > 0 and a.neighbourhoods else 0.0
    X = np.array(list(itertools.product((0, 1), repeat=K)), dtype=float)
    ok = np.ones(len(X), dtype=bool)
    # one configuration per activity and neighbourhood
    for _, idx in t.groupby(["activity_id", "neighbourhood_id"]).indices.items():
        ok &= X[:, idx].sum(axis=1) <= 1
    ok &= X @ t.transition_cost.to_numpy() <= sc.transition_budget + 1e-9
    ok &= X @ t.running_change.to_numpy() <= sc.running_cost_limit + 1e-9
    ok &= X @ t.contingency.to_numpy() <= sc.contingency_reserve + 1e-9
    for h in a.neighbourhoods:
        m = (t.neighbourhood_id == h.neighbourhood_id).to_numpy()
        ok &= X[:, m] @ t.volunteer_hours.to_numpy()[m] <= sc.capacity_use * h.volunteer_hours + 1e-9
        if sc.min_devolved_per_neighbourhood:
            ok &= X[:, m].sum(axis=1) >= sc.min_devolved_per_neighbourhood
    for rule in a.rubric.coherence:
        for h in a.neighbourhoods:
            dep = ((t.stage == rule.stage.value) & (t.neighbourhood_id == h.neighbourhood_id)).to_numpy()
            req = ((t.stage == rule.requires.value) & (t.neighbourhood_id == h.neighbourhood_id)).to_numpy()
            ok &= X[:, dep].sum(axis=1) <= X[:, req].sum(axis=1)
    if sc.offer == Offer.UNIFORM:
        for _, idx in t.groupby(["activity_id", "configuration"]).indices.items():
            col = X[:, idx]
            ok &= (col == col[:, :1]).all(axis=1)
    if sc.min_collective_share > 0:
        coll = t.collective.to_numpy()
        ok &= X[:, coll].sum(axis=1) >= sc.min_collective_share * X.sum(axis=1) - 1e-9
    if not ok.any():
        return None
    return float((X[ok] @ t.value.to_numpy()).max())


SEEDS = range(40)


def test_instances_cover_every_family():
    scs = [random_instance(s).scenario for s in SEEDS]
    assert any(sc.offer == Offer.UNIFORM for sc in scs)
    assert any(sc.min_collective_share > 0 for sc in scs)
    assert any(sc.min_devolved_per_neighbourhood > 0 for sc in scs)
    assert any(sc.running_cost_limit < 0 for sc in scs)
    sizes = [len(option_table(random_instance(s))) for s in SEEDS]
    assert max(sizes) == 12  # as large as enumeration allows…
    assert min(sizes) <= 4  # …and small ones (few stages in play, or a retained one)
    infeasible = sum(brute_force(random_instance(s)) is None for s in SEEDS)
    assert 0 < infeasible < len(SEEDS) // 2  # impossible scenarios are tried too, but are not the rule


@pytest.mark.parametrize("seed", SEEDS)
def test_highs_matches_brute_force(seed):
    a = random_instance(seed)
    best = brute_force(a)
    plan = solve(build_model(a))
    if best is None:
        assert plan.status == PlanStatus.INFEASIBLE
        return
    assert plan.status == PlanStatus.OPTIMAL
    assert plan.objective == pytest.approx(best, abs=1e-6)
    assert check_plan(a, plan) == []


@pytest.mark.parametrize("seed", range(0, 40, 3))
@pytest.mark.parametrize("route", [("highs", "exact"), ("highs", "lp_fix"), ("highs", "exact_pulp"), ("cbc", "auto")])
def test_other_routes_match_brute_force(seed, route):
    a = random_instance(seed)
    best = brute_force(a)
    plan = solve(build_model(a), solver=route[0], route=route[1])
    if best is None:
        # fix and repair alone cannot prove an integer infeasibility when the LP is feasible
        expected = {PlanStatus.INFEASIBLE, PlanStatus.NO_PLAN} if route[1] == "lp_fix" else {PlanStatus.INFEASIBLE}
        assert plan.status in expected
        assert plan.decisions == ()
        return
    assert plan.objective == pytest.approx(best, abs=1e-6)
    assert check_plan(a, plan) == []
