"""The plan's tables add up to the plan, and the summary says what binds."""

import pytest

from devolve.core import Stage
from devolve.present.tables import plan_sheets, summary_lines
from devolve.testing import one_service_council as tiny
from devolve.usecases import plan_and_explain


@pytest.fixture(scope="module")
def planned(rubric):
    a = tiny(rubric, {Stage.DELIVERY: 4, Stage.DESIGN: 3, Stage.PLANNING: 3},
             hoods=(("N1", 10_000, 5_000.0), ("N2", 6_000, 5_000.0)), transition_budget=5000)
    return a, plan_and_explain(a)


def test_plan_tables_add_up(planned):
    a, plan = planned
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
    assert set(sheets["Retained"]["Why it stays at today's scale"]) == {"marked must retain"}


def test_every_decision_names_its_nearest_alternative(planned):
    a, plan = planned
    decisions = plan_sheets(a, plan)["Decisions"]
    assert decisions["Nearest alternative"].notna().all()
    assert decisions["Why not the alternative"].str.contains("worth").all()


def test_limits_are_labelled_in_plain_words_with_units(planned):
    a, plan = planned
    limits = plan_sheets(a, plan)["Limits"]
    assert list(limits["Limit"][:3]) == ["One-off transition budget", "Change in annual running cost",
                                         "Contingency reserve"]
    assert "Volunteer hours in N2" in set(limits["Limit"])
    assert set(limits["Unit"]) == {"£", "hours"}
    budget = limits.set_index("Limit").loc["One-off transition budget"]
    assert budget["Binding"] == "yes" and budget["Value of a little more"].endswith("per £1,000")


def test_summary_lines(planned):
    a, plan = planned
    text = "\n".join(summary_lines(a, plan))
    assert f"Status: {plan.status.value} ({plan.method.value}," in text
    assert "One-off transition budget" in text and "£5,000" in text
    assert "By the Four Co's: Co-commissioning" in text
