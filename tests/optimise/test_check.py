"""check_plan: solved plans pass; a plan that breaks a rule is caught, and the breach names that rule."""

import pytest

from devolve.core import Benefit, Offer, Stage
from devolve.core.limits import Family
from devolve.optimise.check import Witness, check_plan
from devolve.optimise.model import build_model
from devolve.optimise.solve import solve
from devolve.testing import synthetic_assessment


@pytest.fixture(scope="module")
def council():
    return synthetic_assessment(10, 5, seed=4, relative_gap=0.0)


@pytest.fixture(scope="module")
def plan(council):
    return solve(build_model(council))


def with_decisions(plan, decisions):
    return plan.replace(decisions=tuple(decisions), limits=(), objective=None)


def rules(breaches):
    return {b.rule for b in breaches}


def test_solved_plan_passes(council, plan):
    assert plan.decisions
    assert check_plan(council, plan) == []


def test_budget_overrun_is_caught(council, plan):
    tight = council.replace(scenario=council.scenario.replace(transition_budget=1.0))
    assert rules(check_plan(tight, plan)) == {Family.TRANSITION_BUDGET.value}


def test_capacity_running_cost_and_contingency_are_caught(council, plan):
    sc = council.scenario.replace(capacity_use=0.0, running_cost_limit=-1e9, contingency_reserve=0.0)
    breaches = check_plan(council.replace(scenario=sc), plan)
    assert rules(breaches) == {Family.CAPACITY.value, Family.RUNNING_COST.value, Family.CONTINGENCY_RESERVE.value}
    hoods_used = {d.neighbourhood_id for d in plan.decisions if d.volunteer_hours > 0}
    assert {b.scope for b in breaches if b.rule == Family.CAPACITY.value} == hoods_used


def test_two_arrangements_for_one_activity_are_caught(council, plan):
    d = plan.decisions[0]
    other = next(c.key for c in council.offered_configurations() if c.key != d.configuration)
    twice = Witness(council).decision(d.activity_id, d.neighbourhood_id, other)
    breaches = check_plan(council, with_decisions(plan, [*plan.decisions, twice]))
    assert [str(b) for b in breaches if b.rule == Family.ONE_CONFIGURATION.value] == [
        f"one_configuration[{d.activity_id},{d.neighbourhood_id}]: 2 arrangements chosen"]


def test_coherence_breach_is_caught(council, plan):
    # a delivery devolved on its own, with no management devolved beside it
    kept = plan.retained_keys()
    delivery = next(a for a in council.activities if a.stage.value == "delivery" and a.key not in kept)
    hood = council.neighbourhoods[0].neighbourhood_id
    alone = Witness(council).decision(delivery.activity_id, hood, "citizen_coproduction")
    breaches = check_plan(council, with_decisions(plan, [alone]))
    assert [str(b) for b in breaches if b.rule == Family.COHERENCE.value] == [
        f"coherence[delivery>management,{delivery.service_id},{hood}]: delivery devolved without management"]


def test_retained_activity_and_wrong_numbers_are_caught(council, plan):
    retained = plan.retained[0]
    d = plan.decisions[0]
    fake = d.replace(service_id=retained.service_id, stage=retained.stage, value=d.value + 1)
    breaches = check_plan(council, with_decisions(plan, [fake]), check_values=True)
    assert "retained" in rules(breaches)
    assert any(b.rule == "decision" and b.message.startswith("value ") for b in breaches)
    cheap = d.replace(transition_cost=0.0)
    (breach,) = [b for b in check_plan(council, with_decisions(plan, [cheap])) if b.rule == "decision"]
    assert breach.message.startswith("transition_cost 0 should be")


def test_floors_and_uniform_offer_are_caught(council, plan):
    sc = council.scenario.replace(min_devolved_per_neighbourhood=10_000, min_collective_share=1.0,
                                  offer=Offer.UNIFORM)
    breaches = check_plan(council.replace(scenario=sc), plan)
    assert rules(breaches) == {Family.EQUITY.value, Family.COLLECTIVE_SHARE.value, Family.UNIFORM_OFFER.value}
    assert {b.scope for b in breaches if b.rule == Family.EQUITY.value} == {
        h.neighbourhood_id for h in council.neighbourhoods}


def test_reported_figures_must_match(council, plan):
    # a value above the bound is also a bound below the value
    assert rules(check_plan(council, plan.replace(objective=plan.objective + 1))) == {"objective", "bound"}
    assert rules(check_plan(council, plan.replace(best_bound=plan.objective - 1))) == {"bound"}
    lim = plan.limits[0].replace(used=plan.limits[0].used + 1000)
    (breach,) = check_plan(council, plan.replace(limits=(lim, *plan.limits[1:])))
    assert breach.rule == "limit report" and breach.scope.startswith(lim.family.value)


def test_unknown_activity_neighbourhood_or_arrangement_is_named(council, plan):
    d = plan.decisions[0]
    cases = {
        "no such activity": d.replace(service_id="NOPE"),
        "no such neighbourhood": d.replace(neighbourhood_id="NOWHERE"),
        "configuration 'nope' is not on offer": d.replace(configuration="nope"),
    }
    for message, bad in cases.items():
        (breach,) = [b for b in check_plan(council, with_decisions(plan, [bad])) if b.rule == "decision"]
        assert breach.message == message


def test_contributions_are_keyed_by_benefit(plan):
    d = plan.decisions[0]
    assert set(d.contributions) == set(Benefit)
    assert sum(d.contributions.values()) == pytest.approx(d.value)


def test_value_kept_to_one_neighbourhood_or_away_from_the_work_is_caught(council, plan):
    n = plan.decisions[0].neighbourhood_id
    breaches = check_plan(council, with_decisions(plan, [d for d in plan.decisions if d.neighbourhood_id == n]))
    short = {b.scope for b in breaches if b.rule == Family.FAIR_SHARE.value}
    assert short and n not in short
    work = {a.activity_id for a in council.activities if a.stage in (Stage.MANAGEMENT, Stage.DELIVERY)}
    assert any(d.activity_id in work and d.value > 0 for d in plan.decisions)
    talk = [d for d in plan.decisions if d.activity_id not in work]
    assert Family.CO_DELIVERY_SHARE.value in rules(check_plan(council, with_decisions(plan, talk)))
