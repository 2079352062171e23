"""Hand-solved cases, one per constraint family, on every solve route; re-solves; determinism."""

import time

import numpy as np
import pytest

from devolve.bench import synthetic_assessment
from devolve.check import check_plan
from devolve.decompose import ActivityRecord, decompose
from devolve.domain import (
    Assessment,
    CoherenceRule,
    Criterion,
    Neighbourhood,
    Offer,
    PartnershipConfiguration,
    Scenario,
    Service,
    Stage,
)
from devolve.optimise import DevolutionModel, plan_for
from devolve.optimise.solve import LP_FIX, dominance_mask
from devolve.rubric import load_rubric

ROUTES = [("highs", "auto"), ("highs", "exact"), ("highs", "lp_fix"), ("highs", "exact_pulp"), ("cbc", "auto")]
OUTCOMES_ONLY = {Criterion.OUTCOMES: 1, Criterion.UNBUNDLING: 0, Criterion.PARTNERSHIP: 0,
                 Criterion.RESILIENCE: 0}


@pytest.fixture(scope="module")
def rubric():
    return load_rubric()


def cfg(key, collective, setup, factor=1.0, hours=0.0):
    return PartnershipConfiguration(
        key=key, name=key, description=key, collective=collective, setup_cost=setup, setup_rate=0,
        running_cost_factor=factor, volunteer_hours_per_1000=hours, risk_of_failure=0,
        suited_stages=tuple(Stage),
    )


def tiny(rubric, outcomes: dict[Stage, int], *, shares=None, hoods=(("N1", 10_000, 5_000.0),),
         coherence=(), retain=(), configs=None, **scenario):
    """One personal service; only the stages in ``outcomes`` are in play, scored on outcomes only.

    With weights on outcomes alone, scale 0..4 and neutral 2, an option's value is
    (outcomes level − 2)/4, and collective configurations add half a level (clamped at 4).
    Lost economies of scale are set to zero so running change is cost × (factor − 1).
    """
    prior = rubric.service_types["personal"].model_copy(update={"lost_economies_of_scale": 0.0})
    r = rubric.model_copy(update={
        "configurations": configs or (cfg("solo", False, 1000), cfg("group", True, 3000)),
        "coherence": tuple(coherence),
        "service_types": {**rubric.service_types, prior.service_type: prior},
    })
    svc = Service(service_id="S", name="Service", directorate="D", service_type="personal",
                  annual_budget=100_000)
    shares = shares or {}
    records = [ActivityRecord("S", st, cost_share=shares.get(st),
                              must_retain=True if st in retain else None,
                              scores={Criterion.OUTCOMES: o, Criterion.UNBUNDLING: 2,
                                      Criterion.PARTNERSHIP: 2, Criterion.RESILIENCE: 2})
               for st, o in outcomes.items()]
    records += [ActivityRecord("S", st, must_retain=True) for st in Stage if st not in outcomes]
    neighbourhoods = tuple(
        Neighbourhood(neighbourhood_id=i, name=i, population=p, share_aged_65_plus=0.2, volunteer_hours=h)
        for i, p, h in hoods
    )
    base = dict(weights=OUTCOMES_ONLY, transition_budget=1e9, running_cost_limit=1e9,
                contingency_reserve=1e9, relative_gap=0.0, time_limit_seconds=30)
    return Assessment(rubric=r, services=(svc,), activities=decompose(r, [svc], records),
                      neighbourhoods=neighbourhoods, scenario=Scenario(**{**base, **scenario}))


def solve(a, route=("highs", "auto")):
    solver, method = route
    plan = DevolutionModel(a).solve(solver=solver, method=method)
    assert check_plan(a, plan) == []
    return plan


def chosen(plan):
    return {(d.activity_id.split(":")[1], d.neighbourhood_id): d.configuration for d in plan.decisions}


@pytest.mark.parametrize("route", ROUTES)
def test_budget_forces_a_choice(rubric, route):
    # design: outcomes 4 → solo 0.5, group 4.5 clamped → 0.5.  delivery: 3 → solo 0.25, group 0.375.
    # setup: solo £1,000, group £3,000; budget £4,000.
    #   design solo + delivery group = £4,000 → 0.875   ← best
    #   design group + delivery solo = £4,000 → 0.75;  both solo £2,000 → 0.75;  both group £6,000 ✗
    a = tiny(rubric, {Stage.DESIGN: 4, Stage.DELIVERY: 3}, transition_budget=4000)
    plan = solve(a, route)
    assert plan.objective == pytest.approx(0.875)
    assert chosen(plan) == {("design", "N1"): "solo", ("delivery", "N1"): "group"}
    assert plan.status == "optimal" and plan.gap == pytest.approx(0)
    assert plan.limit("transition_budget").binding
    assert plan.limit("transition_budget").used == pytest.approx(4000)


@pytest.mark.parametrize("route", ROUTES)
def test_coherence_forces_management_with_delivery(rubric, route):
    # delivery 3 → solo 0.25, group 0.375; management 1 → solo −0.25, group −0.125.
    # Delivery needs management: delivery group + management group = 0.375 − 0.125 = 0.25 > 0.
    rule = CoherenceRule(stage=Stage.DELIVERY, requires=Stage.MANAGEMENT, reason="test")
    a = tiny(rubric, {Stage.MANAGEMENT: 1, Stage.DELIVERY: 3}, coherence=[rule])
    plan = solve(a, route)
    assert plan.objective == pytest.approx(0.25)
    assert chosen(plan) == {("management", "N1"): "group", ("delivery", "N1"): "group"}


def test_coherence_with_retained_requirement_blocks_dependent(rubric):
    # management is retained, so delivery (worth 0.375) cannot be devolved at all: empty plan.
    rule = CoherenceRule(stage=Stage.DELIVERY, requires=Stage.MANAGEMENT, reason="test")
    a = tiny(rubric, {Stage.MANAGEMENT: 3, Stage.DELIVERY: 3}, coherence=[rule], retain=[Stage.MANAGEMENT])
    plan = solve(a)
    assert plan.decisions == () and plan.objective == pytest.approx(0)
    assert "S:management" in plan.retained
    model = DevolutionModel(a)
    model.problem
    assert "coherence[delivery>management,S,N1]" in model.constraints


@pytest.mark.parametrize("route", ROUTES)
def test_uniform_offer(rubric, route):
    # One activity (outcomes 3 → solo 0.25, group 0.375), two neighbourhoods; N2 has no volunteer
    # hours and every option needs some, so N2 cannot take it.
    # Differentiated: group in N1 only → 0.375.  Uniform: all or nothing → nothing → 0.
    hoods = (("N1", 10_000, 5_000.0), ("N2", 10_000, 0.0))
    configs = (cfg("solo", False, 1000, hours=1.0), cfg("group", True, 3000, hours=1.0))
    diff = solve(tiny(rubric, {Stage.DELIVERY: 3}, hoods=hoods, configs=configs), route)
    assert diff.objective == pytest.approx(0.375)
    assert chosen(diff) == {("delivery", "N1"): "group"}
    uni = solve(tiny(rubric, {Stage.DELIVERY: 3}, hoods=hoods, configs=configs, offer=Offer.UNIFORM), route)
    assert uni.objective == pytest.approx(0) and uni.decisions == ()
    # With hours everywhere, uniform devolves group in both: 2 × 0.375
    hoods = (("N1", 10_000, 5_000.0), ("N2", 10_000, 5_000.0))
    both = solve(tiny(rubric, {Stage.DELIVERY: 3}, hoods=hoods, configs=configs, offer=Offer.UNIFORM), route)
    assert both.objective == pytest.approx(0.75)
    assert chosen(both) == {("delivery", "N1"): "group", ("delivery", "N2"): "group"}


@pytest.mark.parametrize("route", ROUTES)
def test_equity_floor_devolves_a_loss_maker(rubric, route):
    # outcomes 1 → solo −0.25, group −0.125. Without a floor nothing is devolved; with a floor of
    # one per neighbourhood the least bad option (group, −0.125) is.
    assert solve(tiny(rubric, {Stage.DELIVERY: 1}), route).decisions == ()
    a = tiny(rubric, {Stage.DELIVERY: 1}, min_devolved_per_neighbourhood=1)
    plan = solve(a, route)
    assert plan.objective == pytest.approx(-0.125)
    assert chosen(plan) == {("delivery", "N1"): "group"}
    assert plan.limit("equity", "N1").binding


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("share, best", [(0.5, 0.875), (0.6, 0.5), (1.0, 0.5)])
def test_collective_share(rubric, route, share, best):
    # As in the budget case (£4,000): the unconstrained best, design solo + delivery group (0.875),
    # is half collective. Above half, both must be collective (£6,000, over budget) or only one
    # activity devolved, collectively: design group alone is worth 0.5.
    a = tiny(rubric, {Stage.DESIGN: 4, Stage.DELIVERY: 3}, transition_budget=4000, min_collective_share=share)
    plan = solve(a, route)
    assert plan.objective == pytest.approx(best)
    if best == 0.5:
        assert chosen(plan) == {("design", "N1"): "group"}


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("limit, best", [(0, 0.625), (-5000, 0.5), (-6000, 0.5), (-6001, None)])
def test_required_saving(rubric, route, limit, best):
    # delivery £50k and design £10k a year, both outcomes 3 → solo 0.25, group 0.375.
    # solo runs at 0.9 (saves 10%), group at 1.1 (costs 10% more):
    #   delivery solo −5,000, group +5,000; design solo −1,000, group +1,000.
    # limit 0: delivery solo + design group (−4,000) → 0.625 (delivery group + design solo is +4,000 ✗)
    # limit −5,000 or −6,000: both solo (−6,000) → 0.5;  limit −6,001: infeasible.
    configs = (cfg("solo", False, 1000, factor=0.9), cfg("group", True, 3000, factor=1.1))
    a = tiny(rubric, {Stage.DESIGN: 3, Stage.DELIVERY: 3}, configs=configs, running_cost_limit=limit,
             shares={Stage.DESIGN: 0.1, Stage.DELIVERY: 0.5})
    plan = DevolutionModel(a).solve(solver=route[0], method=route[1])
    if best is None:
        assert plan.status == "infeasible" and plan.objective is None
        return
    assert check_plan(a, plan) == []
    assert plan.objective == pytest.approx(best)
    assert plan.limit("running_cost").used <= limit + 1e-6


def test_capacity_per_neighbourhood(rubric):
    # Hours: 10 per £1,000; delivery costs £30k in each neighbourhood (equal populations) → 300 h.
    # N1 has 1,000 h, N2 has 200 h: delivery goes to N1 only.
    configs = (cfg("solo", False, 1000, hours=10.0),)
    a = tiny(rubric, {Stage.DELIVERY: 3}, configs=configs, shares={Stage.DELIVERY: 0.6},
             hoods=(("N1", 10_000, 1000.0), ("N2", 10_000, 200.0)))
    plan = solve(a)
    assert chosen(plan) == {("delivery", "N1"): "solo"}
    assert plan.limit("capacity", "N1").used == pytest.approx(300)
    assert plan.limit("capacity", "N2").used == pytest.approx(0)
    assert plan.limit("capacity", "N2").binding  # 200 h left cannot pay for the 300 h option


def test_contingency_reserve(rubric):
    # risk 0.2: contingency = 0.2 × cost; delivery £60k → £12k, design £10k → £2k. Reserve £10k:
    # only design fits (0.375 group beats nothing; delivery would be 0.375 too but needs £12k).
    configs = (PartnershipConfiguration(key="group", name="g", description="g", collective=True,
                                        setup_cost=0, setup_rate=0, running_cost_factor=1,
                                        volunteer_hours_per_1000=0, risk_of_failure=0.2,
                                        suited_stages=tuple(Stage)),)
    a = tiny(rubric, {Stage.DESIGN: 3, Stage.DELIVERY: 3}, configs=configs, contingency_reserve=10_000,
             shares={Stage.DESIGN: 0.1, Stage.DELIVERY: 0.6})
    plan = solve(a)
    assert chosen(plan) == {("design", "N1"): "group"}
    assert plan.limit("contingency_reserve").used == pytest.approx(2000)


# ---------------------------------------------------------------------------- model mechanics


@pytest.fixture(scope="module")
def council():
    return synthetic_assessment(12, 6, seed=11, relative_gap=0.0, time_limit=30)


def test_named_constraints_and_pulp_problem(council):
    model = DevolutionModel(council)
    prob = model.problem
    names = set(model.constraints)
    assert {"transition_budget", "running_cost", "contingency_reserve", "collective_share"} <= names
    assert "capacity[N001]" in names
    assert any(n.startswith("coherence[delivery>management,") for n in names)
    assert any(n.startswith("one_configuration[") for n in names)
    assert prob.numConstraints() == model.matrix.n_rows
    assert len(prob.variables()) == model.matrix.n_cols


def test_pulp_route_and_array_route_agree(council):
    via_arrays = DevolutionModel(council).solve(method="exact")
    via_pulp = DevolutionModel(council).solve(method="exact_pulp")
    assert via_arrays.status == via_pulp.status == "optimal"
    assert via_arrays.objective == pytest.approx(via_pulp.objective, abs=1e-7)
    for p in (via_arrays, via_pulp):
        assert check_plan(council, p) == []


def test_same_input_same_plan(council):
    p1 = plan_for(council)
    p2 = plan_for(council)
    assert p1.decisions == p2.decisions and p1.objective == p2.objective


def test_set_weights_and_limits_equal_a_fresh_build(council):
    model = DevolutionModel(council)
    first = model.solve()
    new_weights = {Criterion.OUTCOMES: 0.1, Criterion.UNBUNDLING: 0.2, Criterion.PARTNERSHIP: 0.3,
                   Criterion.RESILIENCE: 0.4}
    model.set_weights(new_weights)
    model.set_limit("transition_budget", council.scenario.transition_budget / 2)
    model.set_limit("capacity_use", 0.02)
    model.set_limit("collective_share", 0.5)
    resolved = model.solve(start=first)
    changed = council.model_copy(update={"scenario": council.scenario.model_copy(update={
        "weights": new_weights, "transition_budget": council.scenario.transition_budget / 2,
        "capacity_use": 0.02, "min_collective_share": 0.5})})
    fresh = DevolutionModel(changed).solve()
    assert resolved.objective == pytest.approx(fresh.objective, abs=1e-7)
    assert check_plan(changed, resolved) == []
    # the PuLP problem follows too
    model.problem  # built now, after the changes
    assert model.constraints["transition_budget"].constant == pytest.approx(-council.scenario.transition_budget / 2)
    model.set_limit("transition_budget", 1234.0)
    assert model.constraints["transition_budget"].constant == pytest.approx(-1234.0)


def test_dominance_presolve_keeps_the_optimum(council):
    model = DevolutionModel(council)
    mask = dominance_mask(model)
    assert 0 < mask.sum() < len(mask)  # something set aside, something kept
    presolved = model.solve(method="exact")
    import devolve.optimise.solve as s
    original = s.dominance_mask
    try:
        s.dominance_mask = lambda m: np.ones(m.matrix.n_x, dtype=bool)
        full = DevolutionModel(council).solve(method="exact")
    finally:
        s.dominance_mask = original
    assert presolved.objective == pytest.approx(full.objective, abs=1e-7)


def test_dominance_keeps_required_stage_for_a_valuable_dependent(rubric):
    # management worth −0.125 (group) is needed by delivery worth 0.375: it must not be set aside
    rule = CoherenceRule(stage=Stage.DELIVERY, requires=Stage.MANAGEMENT, reason="test")
    a = tiny(rubric, {Stage.MANAGEMENT: 1, Stage.DELIVERY: 3}, coherence=[rule])
    assert dominance_mask(DevolutionModel(a)).all()
    # …but without the rule both management options go
    a = tiny(rubric, {Stage.MANAGEMENT: 1, Stage.DELIVERY: 3})
    assert dominance_mask(DevolutionModel(a)).sum() == 2


def test_lp_fix_method_on_a_small_council_is_valid_and_honest(council):
    plan = DevolutionModel(council).solve(method="lp_fix")
    exact = DevolutionModel(council).solve(method="exact")
    assert plan.method == LP_FIX
    assert check_plan(council, plan) == []
    assert plan.best_bound >= exact.objective - 1e-7  # the LP bound really bounds the optimum
    assert plan.objective <= exact.objective + 1e-7
    assert plan.gap == pytest.approx((plan.best_bound - plan.objective) / plan.objective)


def test_start_plan_is_accepted(council):
    model = DevolutionModel(council)
    first = model.solve(method="exact")
    again = model.solve(method="exact", start=first)
    assert again.objective == pytest.approx(first.objective, abs=1e-7)


def test_time_limit_is_a_wall_clock_limit():
    a = synthetic_assessment(60, 20, seed=2)
    model = DevolutionModel(a)
    t0 = time.perf_counter()
    plan = model.solve(method="exact", time_limit=0.3, relative_gap=0.0)
    assert time.perf_counter() - t0 < 3.0
    assert plan.status in ("feasible", "within gap", "optimal", "no plan found")
    if plan.objective is not None:
        assert check_plan(a, plan) == []
        assert plan.gap is None or plan.gap >= 0


def test_progress_messages(council):
    said = []
    plan_for(council, progress=said.append)
    assert said[0] == "Building model…" and "Solving…" in said
