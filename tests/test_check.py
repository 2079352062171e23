"""check_plan: solved plans pass; plans that break a rule are caught, and say which rule."""

import pytest

from devolve.bench import synthetic_assessment
from devolve.check import check_plan
from devolve.domain import Criterion, Offer
from devolve.optimise import DevolutionModel
from devolve.plan import Decision


@pytest.fixture(scope="module")
def council():
    return synthetic_assessment(10, 5, seed=4, relative_gap=0.0)


@pytest.fixture(scope="module")
def plan(council):
    return DevolutionModel(council).solve()


def with_decisions(plan, decisions):
    return plan.model_copy(update={"decisions": tuple(decisions), "limits": (), "objective": None})


def decision_for(council, activity_id, hood, cfg):
    from devolve.check import option_resources, option_value

    value, contrib = option_value(council, activity_id, hood, cfg)
    act = next(a for a in council.activities if a.activity_id == activity_id)
    return Decision(activity_id=activity_id, service_id=act.service_id, stage=act.stage.value,
                    neighbourhood_id=hood, configuration=cfg, value=value, contributions=contrib,
                    **option_resources(council, activity_id, hood, council.rubric.configuration(cfg)))


def test_solved_plan_passes(council, plan):
    assert plan.decisions
    assert check_plan(council, plan) == []


def test_budget_overrun_is_caught(council, plan):
    tight = council.model_copy(update={"scenario": council.scenario.model_copy(update={
        "transition_budget": 1.0})})
    problems = check_plan(tight, plan)
    assert any(p.startswith("transition_budget") for p in problems)


def test_capacity_running_cost_and_contingency_are_caught(council, plan):
    sc = council.scenario.model_copy(update={"capacity_use": 0.0, "running_cost_limit": -1e9,
                                             "contingency_reserve": 0.0})
    problems = check_plan(council.model_copy(update={"scenario": sc}), plan)
    assert any(p.startswith("capacity[") for p in problems)
    assert any(p.startswith("running_cost") for p in problems)
    assert any(p.startswith("contingency_reserve") for p in problems)


def test_two_arrangements_for_one_activity_are_caught(council, plan):
    d = plan.decisions[0]
    other = next(c.key for c in council.offered_configurations() if c.key != d.configuration)
    bad = with_decisions(plan, [*plan.decisions, decision_for(council, d.activity_id, d.neighbourhood_id, other)])
    assert any(p.startswith("one_configuration[") for p in check_plan(council, bad))


def test_coherence_breach_is_caught(council, plan):
    # a delivery devolved on its own, with no management devolved beside it
    delivery = next(a.activity_id for a in council.activities
                    if a.stage.value == "delivery" and a.activity_id not in plan.retained)
    hood = council.neighbourhoods[0].neighbourhood_id
    bad = with_decisions(plan, [decision_for(council, delivery, hood, "citizen_coproduction")])
    assert any(p.startswith("coherence[delivery>management") for p in check_plan(council, bad))


def test_retained_activity_and_wrong_numbers_are_caught(council, plan):
    retained = next(iter(plan.retained))
    d = plan.decisions[0]
    fake = d.model_copy(update={"activity_id": retained, "value": d.value + 1})
    problems = check_plan(council, with_decisions(plan, [fake]))
    assert any("retained activity devolved" in p for p in problems)
    assert any("value" in p and "should be" in p for p in problems)
    cheap = d.model_copy(update={"transition_cost": 0.0})
    assert any("transition_cost" in p for p in check_plan(council, with_decisions(plan, [cheap])))


def test_floors_and_uniform_offer_are_caught(council, plan):
    sc = council.scenario.model_copy(update={"min_devolved_per_neighbourhood": 10_000,
                                             "min_collective_share": 1.0, "offer": Offer.UNIFORM})
    problems = check_plan(council.model_copy(update={"scenario": sc}), plan)
    assert any(p.startswith("equity[") for p in problems)
    assert any(p.startswith("collective_share") for p in problems)
    assert any(p.startswith("uniform_offer[") for p in problems)


def test_reported_figures_must_match(council, plan):
    assert check_plan(council, plan.model_copy(update={"objective": plan.objective + 1}))
    assert check_plan(council, plan.model_copy(update={"best_bound": plan.objective - 1}))
    lim = plan.limits[0].model_copy(update={"used": plan.limits[0].used + 1000})
    assert check_plan(council, plan.model_copy(update={"limits": (lim, *plan.limits[1:])}))


def test_contributions_are_keyed_by_criterion(plan):
    d = plan.decisions[0]
    assert set(d.contributions) == set(Criterion)
    assert sum(d.contributions.values()) == pytest.approx(d.value)
