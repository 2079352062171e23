"""Reading a plan back: figures, and when a limit binds (docs/model.md, section 10)."""

import pytest

from devolve.core import Stage
from devolve.core.limits import Family
from devolve.optimise.check import check_plan
from devolve.optimise.model import build_model
from devolve.optimise.readback import gap_status, plan_vector
from devolve.optimise.solve import solve
from devolve.core.plan import PlanStatus
from devolve.testing import configuration as cfg
from devolve.testing import one_service_council as tiny


def solved(a):
    plan = solve(build_model(a))
    assert check_plan(a, plan) == []
    return plan


def chosen(plan):
    return {(d.stage.value, d.neighbourhood_id): d.configuration for d in plan.decisions}


def test_capacity_per_neighbourhood(rubric):
    # Hours: 10 per £1,000; delivery costs £30k in each neighbourhood (equal populations) → 300 h.
    # N1 has 1,000 h, N2 has 200 h: delivery goes to N1 only.
    configs = (cfg("solo", False, 1000, hours=10.0),)
    a = tiny(rubric, {Stage.DELIVERY: 3}, configs=configs, shares={Stage.DELIVERY: 0.6},
             hoods=(("N1", 10_000, 1000.0), ("N2", 10_000, 200.0)))
    plan = solved(a)
    assert chosen(plan) == {("delivery", "N1"): "solo"}
    assert plan.limit("capacity", "N1").used == pytest.approx(300)
    assert plan.limit("capacity", "N2").used == pytest.approx(0)
    assert plan.limit("capacity", "N2").binding  # 200 h left cannot pay for the 300 h option


def test_a_budget_with_room_for_every_improvement_does_not_bind(rubric):
    # £10,000 leaves room for everything worth having: nothing binds, though money was spent on
    # one group partnership (£3,000, once) that takes both activities
    a = tiny(rubric, {Stage.DELIVERY: 4, Stage.DESIGN: 3}, transition_budget=10_000)
    plan = solved(a)
    budget = plan.limit(Family.TRANSITION_BUDGET)
    assert budget.used == pytest.approx(3000) and not budget.binding
    assert [(p.configuration, p.activities, p.setup_cost) for p in plan.partnerships] == [("group", 2, 3000)]


def test_the_plan_vector_round_trips(rubric):
    a = tiny(rubric, {Stage.DELIVERY: 4, Stage.DESIGN: 3}, hoods=(("N1", 10_000, 5_000.0), ("N2", 5_000, 5_000.0)))
    model = build_model(a)
    plan = solve(model)
    x = plan_vector(model, plan)
    assert x[model.matrix.z0 : model.matrix.b0].sum() == len(plan.partnerships) == 2
    assert x[: model.matrix.n_x].sum() == len(plan.decisions) and model.value @ x[: model.matrix.n_x] == pytest.approx(plan.objective)


@pytest.mark.parametrize("objective, bound, status", [
    (10.0, 10.0, PlanStatus.OPTIMAL),
    (10.0, 10.04, PlanStatus.WITHIN_GAP),
    (10.0, 10.06, PlanStatus.FEASIBLE),
])
def test_the_status_follows_the_gap_asked_for(objective, bound, status):
    assert gap_status(objective, bound, relative_gap=0.005) == status
