"""Hand-solved cases, one per constraint family, on every solve route; determinism; deadlines."""

import numpy as np
import pytest

from devolve.core import ActivityKey, CoherenceRule, Offer, PartnershipConfiguration, Stage
from devolve.core.plan import PlanMethod, PlanStatus
from devolve.optimise.check import check_plan
from devolve.optimise.model import build_model, pulp_problem
from devolve.optimise.readback import RawSolution
from devolve.optimise.solve import continued, solve
from devolve.testing import configuration as cfg
from devolve.testing import one_service_council as tiny
from devolve.testing import synthetic_assessment
from devolve.usecases import plan_and_explain

ROUTES = [("highs", "auto"), ("highs", "exact"), ("highs", "lp_fix"), ("highs", "exact_pulp"), ("cbc", "auto")]


def solved(a, route=("highs", "auto")):
    solver, method = route
    plan = solve(build_model(a), solver=solver, route=method)
    assert check_plan(a, plan) == []
    return plan


def chosen(plan):
    return {(d.stage.value, d.neighbourhood_id): d.configuration for d in plan.decisions}


@pytest.mark.parametrize("route", ROUTES)
def test_budget_forces_a_choice(rubric, route):
    # design: outcomes 4 → solo 0.5, group 4.5 clamped → 0.5.  delivery: 3 → solo 0.25, group 0.375.
    # setup: solo £1,000, group £3,000; budget £4,000.
    #   design solo + delivery group = £4,000 → 0.875   ← best
    #   design group + delivery solo = £4,000 → 0.75;  both solo £2,000 → 0.75;  both group £6,000 ✗
    a = tiny(rubric, {Stage.DESIGN: 4, Stage.DELIVERY: 3}, transition_budget=4000)
    plan = solved(a, route)
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
    plan = solved(a, route)
    assert plan.objective == pytest.approx(0.25)
    assert chosen(plan) == {("management", "N1"): "group", ("delivery", "N1"): "group"}


def test_coherence_with_retained_requirement_blocks_dependent(rubric):
    # management is retained, so delivery (worth 0.375) cannot be devolved at all: empty plan.
    rule = CoherenceRule(stage=Stage.DELIVERY, requires=Stage.MANAGEMENT, reason="test")
    a = tiny(rubric, {Stage.MANAGEMENT: 3, Stage.DELIVERY: 3}, coherence=[rule], retain=[Stage.MANAGEMENT])
    plan = solved(a)
    assert plan.decisions == () and plan.objective == pytest.approx(0)
    assert (ActivityKey("S", Stage.MANAGEMENT)) in plan.retained_keys()
    assert "coherence[delivery>management,S,N1]" in pulp_problem(build_model(a)).constraints


@pytest.mark.parametrize("route", ROUTES)
def test_uniform_offer(rubric, route):
    # One activity (outcomes 3 → solo 0.25, group 0.375), two neighbourhoods; N2 has no volunteer
    # hours and every option needs some, so N2 cannot take it.
    # Differentiated: group in N1 only → 0.375.  Uniform: all or nothing → nothing → 0.
    hoods = (("N1", 10_000, 5_000.0), ("N2", 10_000, 0.0))
    configs = (cfg("solo", False, 1000, hours=1.0), cfg("group", True, 3000, hours=1.0))
    diff = solved(tiny(rubric, {Stage.DELIVERY: 3}, hoods=hoods, configs=configs), route)
    assert diff.objective == pytest.approx(0.375)
    assert chosen(diff) == {("delivery", "N1"): "group"}
    uni = solved(tiny(rubric, {Stage.DELIVERY: 3}, hoods=hoods, configs=configs, offer=Offer.UNIFORM), route)
    assert uni.objective == pytest.approx(0) and uni.decisions == ()
    # With hours everywhere, uniform devolves group in both: 2 × 0.375
    hoods = (("N1", 10_000, 5_000.0), ("N2", 10_000, 5_000.0))
    both = solved(tiny(rubric, {Stage.DELIVERY: 3}, hoods=hoods, configs=configs, offer=Offer.UNIFORM), route)
    assert both.objective == pytest.approx(0.75)
    assert chosen(both) == {("delivery", "N1"): "group", ("delivery", "N2"): "group"}


@pytest.mark.parametrize("route", ROUTES)
def test_equity_floor_devolves_a_loss_maker(rubric, route):
    # outcomes 1 → solo −0.25, group −0.125. Without a floor nothing is devolved; with a floor of
    # one per neighbourhood the least bad option (group, −0.125) is.
    assert solved(tiny(rubric, {Stage.DELIVERY: 1}), route).decisions == ()
    a = tiny(rubric, {Stage.DELIVERY: 1}, min_devolved_per_neighbourhood=1)
    plan = solved(a, route)
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
    plan = solved(a, route)
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
    plan = solve(build_model(a), solver=route[0], route=route[1])
    if best is None:
        assert plan.status == PlanStatus.INFEASIBLE and plan.objective is None
        return
    assert check_plan(a, plan) == []
    assert plan.objective == pytest.approx(best)
    assert plan.limit("running_cost").used <= limit + 1e-6


def test_contingency_reserve(rubric):
    # risk 0.2: contingency = 0.2 × cost; delivery £60k → £12k, design £10k → £2k. Reserve £10k:
    # only design fits (0.375 group beats nothing; delivery would be 0.375 too but needs £12k).
    configs = (PartnershipConfiguration(key="group", name="g", description="g", collective=True,
                                        setup_cost=0, setup_rate=0, running_cost_factor=1,
                                        volunteer_hours_per_1000=0, risk_of_failure=0.2,
                                        suited_stages=tuple(Stage)),)
    a = tiny(rubric, {Stage.DESIGN: 3, Stage.DELIVERY: 3}, configs=configs, contingency_reserve=10_000,
             shares={Stage.DESIGN: 0.1, Stage.DELIVERY: 0.6})
    plan = solved(a)
    assert chosen(plan) == {("design", "N1"): "group"}
    assert plan.limit("contingency_reserve").used == pytest.approx(2000)


# ---------------------------------------------------------------------------- routes and reports


def test_pulp_route_and_array_route_agree(council):
    model = build_model(council)
    via_arrays = solve(model, route="exact")
    via_pulp = solve(model, route="exact_pulp")
    assert via_arrays.status == via_pulp.status == PlanStatus.OPTIMAL
    assert via_arrays.objective == pytest.approx(via_pulp.objective, abs=1e-7)
    for p in (via_arrays, via_pulp):
        assert check_plan(council, p) == []


def test_same_input_same_plan(council):
    p1 = plan_and_explain(council)
    p2 = plan_and_explain(council)
    assert p1.decisions == p2.decisions and p1.objective == p2.objective
    assert p1.alternatives == p2.alternatives and p1.near_misses == p2.near_misses


def test_start_plan_is_accepted(council):
    model = build_model(council)
    first = solve(model, route="exact")
    again = solve(model, route="exact", start=first)
    assert again.objective == pytest.approx(first.objective, abs=1e-7)


@pytest.fixture(scope="module")
def larger():
    a = synthetic_assessment(60, 20, seed=2)
    return a, build_model(a)


def test_a_solve_cut_short_before_any_plan_says_so(larger):
    _, model = larger
    plan = solve(model, route="exact", time_limit=1e-6, relative_gap=0.0)
    assert plan.status == PlanStatus.NO_PLAN
    assert (plan.objective, plan.best_bound, plan.gap, plan.decisions, plan.limits) == (None, None, None, (), ())


def test_a_solve_cut_short_claims_no_more_than_it_proved(larger):
    """Started from a plan and stopped at once: that plan comes back, with no bound it did not prove."""
    a, model = larger
    start = solve(model, route="lp_fix")
    plan = solve(model, route="exact", time_limit=1e-6, relative_gap=0.0, start=start)
    assert plan.objective is not None and plan.objective >= start.objective - 1e-9
    assert check_plan(a, plan) == []
    if plan.best_bound is None:
        assert plan.gap is None and plan.status == PlanStatus.FEASIBLE
    else:  # HiGHS proved a bound before it stopped: it is stated, and the status follows from it
        assert plan.best_bound >= plan.objective
        assert plan.status == (PlanStatus.OPTIMAL if plan.gap == 0 else PlanStatus.FEASIBLE)


def test_progress_messages(council):
    said = []
    plan_and_explain(council, progress=said.append)
    assert said == ["Building model…", "Solving…", "Reading the plan…", "Explaining the plan…"]


def test_cbc_cannot_run_fix_and_repair(council):
    with pytest.raises(ValueError, match="HiGHS only"):
        solve(build_model(council), solver="cbc", route="lp_fix")


def test_nothing_worth_devolving_is_the_empty_plan_not_a_failure(rubric):
    # outcomes 1: solo −0.25, group −0.125 everywhere; the presolve sets every option aside
    a = tiny(rubric, {Stage.DESIGN: 1, Stage.DELIVERY: 1})
    plan = plan_and_explain(a)
    assert (plan.status, plan.objective, plan.decisions, plan.diagnosis) == (PlanStatus.OPTIMAL, 0.0, (), ())
    assert check_plan(a, plan) == []


def test_an_exact_step_cut_short_keeps_the_bound_fix_and_repair_proved():
    repaired = RawSolution(np.ones(3), PlanStatus.FEASIBLE, PlanMethod.LP_FIX, "HiGHS", 10.0, 1.0)
    stopped = RawSolution(None, PlanStatus.NO_PLAN, PlanMethod.EXACT, "HiGHS", None, 2.0)
    kept = continued(repaired, stopped)
    assert kept is repaired and (kept.best_bound, kept.solve_seconds) == (10.0, 3.0)
    better = RawSolution(np.ones(3), PlanStatus.FEASIBLE, PlanMethod.EXACT, "HiGHS", None, 2.0)
    assert continued(RawSolution(np.ones(3), PlanStatus.FEASIBLE, PlanMethod.LP_FIX, "HiGHS", 10.0, 1.0),
                     better).best_bound == 10.0
    tighter = RawSolution(np.ones(3), PlanStatus.FEASIBLE, PlanMethod.EXACT, "HiGHS", 9.5, 2.0)
    assert continued(RawSolution(np.ones(3), PlanStatus.FEASIBLE, PlanMethod.LP_FIX, "HiGHS", 10.0, 1.0),
                     tighter).best_bound == 9.5
