"""Hand-solved cases, one per constraint family, on every solve route; determinism; deadlines."""

import numpy as np
import pytest

from devolve.core import ActivityKey, CoherenceRule, Offer, Stage
from devolve.core.plan import NoteKind, PlanMethod, PlanStatus
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


# In one_service_council, outcomes 3 is worth 0.4 solo and 0.6 as a group, outcomes 4 is worth
# 0.8 and 1.2, outcomes 1 is −0.4 and −0.6 (equal neighbourhoods; see its docstring). A solo
# partnership costs £1,000 to set up, a group £3,000, once for all the activities it takes on.


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("budget, best, expected", [
    (3000, 1.8, {("design", "N1"): "group", ("delivery", "N1"): "group"}),
    (2999, 1.2, {("design", "N1"): "solo", ("delivery", "N1"): "solo"}),
])
def test_budget_forces_a_choice(rubric, route, budget, best, expected):
    # design 4 (0.8 / 1.2) and delivery 3 (0.4 / 0.6):
    #   one group partnership for both, £3,000 → 1.8   ← best when it fits
    #   one solo partnership for both, £1,000 → 1.2    ← best below £3,000
    #   design group + delivery solo: two partnerships, £4,000 → 1.6
    a = tiny(rubric, {Stage.DESIGN: 4, Stage.DELIVERY: 3}, transition_budget=budget)
    plan = solved(a, route)
    assert plan.objective == pytest.approx(best)
    assert chosen(plan) == expected
    if route[1] == "lp_fix" and budget == 2999:
        # the LP takes 2,999/3,000 of the group partnership: fix and repair alone cannot prove
        # its plan best, and says so
        assert plan.status == "feasible" and plan.best_bound == pytest.approx(1.2 + 0.6 * 1999 / 2000)
    else:
        assert plan.status == "optimal" and plan.gap == pytest.approx(0)
    assert len(plan.partnerships) == 1 and plan.partnerships[0].activities == 2
    # binding both times: all spent, or too little left to change to the group
    assert plan.limit("transition_budget").binding
    assert plan.limit("transition_budget").used == pytest.approx(3000 if budget == 3000 else 1000)


@pytest.mark.parametrize("route", ROUTES)
def test_coherence_forces_management_with_delivery(rubric, route):
    # delivery 3 → solo 0.4, group 0.6; management 1 → solo −0.4, group −0.6.
    # Delivery needs management: delivery group + management solo = 0.6 − 0.4 = 0.2 > 0
    # (two partnerships: the budget is unlimited).
    rule = CoherenceRule(stage=Stage.DELIVERY, requires=Stage.MANAGEMENT, reason="test")
    a = tiny(rubric, {Stage.MANAGEMENT: 1, Stage.DELIVERY: 3}, coherence=[rule])
    plan = solved(a, route)
    assert plan.objective == pytest.approx(0.2)
    assert chosen(plan) == {("management", "N1"): "solo", ("delivery", "N1"): "group"}


def test_coherence_with_retained_requirement_blocks_dependent(rubric):
    # management is retained, so delivery (worth 0.6) cannot be devolved at all: empty plan.
    rule = CoherenceRule(stage=Stage.DELIVERY, requires=Stage.MANAGEMENT, reason="test")
    a = tiny(rubric, {Stage.MANAGEMENT: 3, Stage.DELIVERY: 3}, coherence=[rule], retain=[Stage.MANAGEMENT])
    plan = solved(a)
    assert plan.decisions == () and plan.objective == pytest.approx(0)
    assert (ActivityKey("S", Stage.MANAGEMENT)) in plan.retained_keys()
    assert "coherence[delivery>management,S,N1]" in pulp_problem(build_model(a)).constraints


@pytest.mark.parametrize("route", ROUTES)
def test_uniform_offer(rubric, route):
    # One activity (outcomes 3 → solo 0.4, group 0.6), two neighbourhoods; N2 has no volunteer
    # hours and every option needs some, so N2 cannot take it.
    # Differentiated: group in N1 only → 0.6.  Uniform: all or nothing → nothing → 0.
    hoods = (("N1", 10_000, 5_000.0), ("N2", 10_000, 0.0))
    configs = (cfg("solo", False, 1000, hours=1.0), cfg("group", True, 3000, hours=1.0))
    diff = solved(tiny(rubric, {Stage.DELIVERY: 3}, hoods=hoods, configs=configs), route)
    assert diff.objective == pytest.approx(0.6)
    assert chosen(diff) == {("delivery", "N1"): "group"}
    uni = solved(tiny(rubric, {Stage.DELIVERY: 3}, hoods=hoods, configs=configs, offer=Offer.UNIFORM), route)
    assert uni.objective == pytest.approx(0) and uni.decisions == ()
    # With hours everywhere, uniform devolves group in both: 2 × 0.6
    hoods = (("N1", 10_000, 5_000.0), ("N2", 10_000, 5_000.0))
    both = solved(tiny(rubric, {Stage.DELIVERY: 3}, hoods=hoods, configs=configs, offer=Offer.UNIFORM), route)
    assert both.objective == pytest.approx(1.2)
    assert chosen(both) == {("delivery", "N1"): "group", ("delivery", "N2"): "group"}


@pytest.mark.parametrize("route", ROUTES)
def test_equity_floor_devolves_a_loss_maker(rubric, route):
    # outcomes 1 → solo −0.4, group −0.6. Without a floor nothing is devolved; with a floor of
    # one per neighbourhood the least bad option (solo, −0.4) is.
    assert solved(tiny(rubric, {Stage.DELIVERY: 1}), route).decisions == ()
    a = tiny(rubric, {Stage.DELIVERY: 1}, min_devolved_per_neighbourhood=1)
    plan = solved(a, route)
    assert plan.objective == pytest.approx(-0.4)
    assert chosen(plan) == {("delivery", "N1"): "solo"}
    assert plan.limit("equity", "N1").binding


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("share, best", [(0.5, 2.2), (0.8, 1.8), (1.0, 1.8)])
def test_collective_share(rubric, route, share, best):
    # design 4 (0.8 / 1.2), planning 3 and delivery 3 (0.4 / 0.6); £10k, £10k and £60k a year.
    # The group asks 10 volunteer hours per £1,000 and N1 has 200 hours: design and planning as
    # a group (200 h) and delivery solo → 1.2 + 0.6 + 0.4 = 2.2, two thirds collective. Above
    # two thirds delivery must go: design and planning as a group alone → 1.8.
    configs = (cfg("solo", False, 1000), cfg("group", True, 3000, hours=10.0))
    a = tiny(rubric, {Stage.DESIGN: 4, Stage.PLANNING: 3, Stage.DELIVERY: 3}, configs=configs,
             shares={Stage.DESIGN: 0.1, Stage.PLANNING: 0.1, Stage.DELIVERY: 0.6},
             hoods=(("N1", 10_000, 200.0),), min_collective_share=share)
    plan = solved(a, route)
    assert plan.objective == pytest.approx(best)
    expected = {("design", "N1"): "group", ("planning", "N1"): "group"}
    if best == 2.2:
        expected[("delivery", "N1")] = "solo"
    assert chosen(plan) == expected


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("limit, best", [(0, 1.0), (-5000, 0.8), (-6000, 0.8), (-6001, None)])
def test_required_saving(rubric, route, limit, best):
    # delivery £50k and design £10k a year, both outcomes 3 → solo 0.4, group 0.6.
    # solo runs at 0.9 (saves 10%), group at 1.1 (costs 10% more):
    #   delivery solo −5,000, group +5,000; design solo −1,000, group +1,000.
    # limit 0: delivery solo + design group (−4,000) → 1.0 (delivery group + design solo is +4,000 ✗)
    # limit −5,000 or −6,000: both solo (−6,000) → 0.8;  limit −6,001: infeasible.
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
    # One arrangement (so each option reaches the average: outcomes 3 is worth 0.5), risk 0.2:
    # contingency = 0.2 × cost; delivery £60k → £12k, design £10k → £2k. Reserve £10k: only
    # design fits.
    configs = (cfg("group", True, 0, risk=0.2),)
    a = tiny(rubric, {Stage.DESIGN: 3, Stage.DELIVERY: 3}, configs=configs, contingency_reserve=10_000,
             shares={Stage.DESIGN: 0.1, Stage.DELIVERY: 0.6})
    plan = solved(a)
    assert plan.objective == pytest.approx(0.5)
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
    a = synthetic_assessment(60, 20, seed=5)
    return a, build_model(a)


def test_a_solve_cut_short_before_any_plan_says_so(larger):
    _, model = larger
    plan = solve(model, route="exact", time_limit=1e-6, relative_gap=0.0)
    assert plan.status == PlanStatus.NO_PLAN
    assert (plan.objective, plan.gap, plan.decisions, plan.limits) == (None, None, (), ())
    kinds = {n.kind for n in plan.notes}
    assert NoteKind.LP_TIMED_OUT in kinds
    # the LP stopped at once: any bound is its multipliers' so far, said so, and no lower than the LP's own
    if plan.best_bound is not None:
        assert NoteKind.PARTIAL_BOUND in kinds
        assert plan.best_bound >= solve(model, route="lp_fix").best_bound - 1e-7


def test_a_solve_cut_short_claims_no_more_than_it_proved(larger):
    """Started from a plan and stopped at once: that plan comes back, with no bound it did not prove."""
    a, model = larger
    start = solve(model, route="lp_fix", time_limit=60)
    assert start.objective is not None
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
    # outcomes 1: solo −0.4, group −0.6 everywhere; the presolve sets every option aside
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
