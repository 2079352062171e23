"""Explanations worked out by hand on tiny councils (see test_model.tiny for the set-up)."""

import pytest

from devolve.domain import Offer, Stage
from devolve.optimise import DevolutionModel, plan_for
from devolve.optimise.explain import explain, marginal_values, plan_vector
from devolve.plan_tables import plan_sheets, summary_lines
from devolve.rubric import load_rubric
from test_model import cfg, tiny


@pytest.fixture(scope="module")
def rubric():
    return load_rubric()


def test_nearest_alternative_and_what_a_little_more_budget_buys(rubric):
    # delivery scores 4 → 0.5 either way; design scores 3 → solo 0.25, group 0.375.
    # £1,000 buys one solo set-up: the plan devolves delivery (solo, 0.5).
    a = tiny(rubric, {Stage.DELIVERY: 4, Stage.DESIGN: 3}, transition_budget=1000)
    model = DevolutionModel(a)
    plan = explain(model, model.solve(), price_of_uniformity=False)
    (decision,) = plan.decisions
    assert (decision.activity_id, decision.configuration) == ("S:delivery", "solo")
    nearest = {(x.activity_id, x.neighbourhood_id): x for x in plan.alternatives}
    alt = nearest[("S:delivery", "N1")]
    assert alt.configuration == "group" and "worth the same" in alt.reason
    # design was left out for want of budget, and the explanation says so
    miss = nearest[("S:design", "N1")]
    assert miss.configuration == "group" and miss.value == pytest.approx(0.375)
    assert "One-off transition budget" in miss.reason
    # beyond the plan, the best use of more budget is design solo: 0.25 value per £1,000
    budget = plan.limit("transition_budget")
    assert budget.binding
    assert budget.marginal_value == pytest.approx(0.25 / 1000)
    assert plan.limit("contingency_reserve").marginal_value == 0


def test_marginal_value_matches_a_resolve_with_more_budget(rubric):
    a = tiny(rubric, {Stage.DELIVERY: 4, Stage.DESIGN: 3, Stage.PLANNING: 3},
             hoods=(("N1", 10_000, 5_000.0), ("N2", 10_000, 5_000.0)), transition_budget=3000)
    model = DevolutionModel(a)
    plan = model.solve()
    rate = marginal_values(model, plan_vector(model, plan))[model.matrix.blocks["transition_budget"].start]
    # one more solo set-up (£1,000) at the plan's margin buys a 0.25 option
    assert rate * 1000 == pytest.approx(0.25)
    model.set_limit("transition_budget", 4000)
    assert model.solve().objective == pytest.approx(plan.objective + rate * 1000)


def test_price_of_uniformity_by_hand(rubric):
    # Both configurations need volunteer hours; N2 has none. Differentiated: delivery and design
    # devolved in N1 only, group for both: 0.5 + 0.375. Uniform: nothing can go everywhere, 0.
    configs = (cfg("solo", False, 1000, hours=10.0), cfg("group", True, 3000, hours=10.0))
    a = tiny(rubric, {Stage.DELIVERY: 4, Stage.DESIGN: 3}, configs=configs,
             hoods=(("N1", 10_000, 5_000.0), ("N2", 10_000, 0.0)))
    plan = plan_for(a)
    assert plan.objective == pytest.approx(0.875)
    assert plan.price_of_uniformity == pytest.approx(0.875)
    uniform = plan_for(a.model_copy(update={"scenario": a.scenario.model_copy(update={"offer": Offer.UNIFORM})}))
    assert uniform.objective == pytest.approx(0)
    assert uniform.price_of_uniformity == pytest.approx(0.875)


def test_plan_tables_add_up(rubric):
    a = tiny(rubric, {Stage.DELIVERY: 4, Stage.DESIGN: 3, Stage.PLANNING: 3},
             hoods=(("N1", 10_000, 5_000.0), ("N2", 6_000, 5_000.0)), transition_budget=5000)
    plan = plan_for(a)
    sheets = plan_sheets(a, plan)
    assert list(sheets) == ["Plan", "Decisions", "Limits", "Neighbourhoods summary", "Retained"]
    decisions = sheets["Decisions"]
    assert len(decisions) == len(plan.decisions)
    assert decisions["Value"].sum() == pytest.approx(plan.objective, abs=1e-3)
    contributions = decisions[[c for c in decisions if c.endswith("contribution")]].sum(axis=1)
    assert (contributions - decisions["Value"]).abs().max() < 1e-3
    hoods = sheets["Neighbourhoods summary"]
    assert hoods["Devolved activities"].sum() == len(plan.decisions)
    assert hoods[["Co-commissioning", "Co-design", "Co-delivery"]].sum().sum() == len(plan.decisions)
    assert len(sheets["Retained"]) == len(plan.retained) == 6
    text = "\n".join(summary_lines(a, plan))
    assert "One-off transition budget" in text and plan.status in text
