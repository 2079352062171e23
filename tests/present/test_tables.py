"""The plan's tables add up to the plan, and the summary says what binds."""

import pandas as pd
import pytest

from devolve.core import Stage
from devolve.present.tables import plan_sheets, summary_lines
from devolve.testing import configuration as cfg
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
    assert list(sheets) == ["Summary", "Checks", "Fate of each activity", "Decisions", "Partnerships", "Limits",
                            "Neighbourhoods summary", "Retained"]
    decisions = sheets["Decisions"]
    assert len(decisions) == len(plan.decisions)
    value = decisions["Value (benefit units)"]
    assert value.sum() == pytest.approx(plan.objective, abs=1e-3)
    contributions = decisions[[c for c in decisions if c.endswith("contribution")]].sum(axis=1)
    assert (contributions - value).abs().max() < 1e-3
    assert decisions["Spend devolved (£ a year)"].sum() == pytest.approx(sum(d.annual_cost for d in plan.decisions),
                                                                       abs=len(plan.decisions))
    # every set-up fee is shared out among the decisions, and the overview counts each once
    overview = dict(sheets["Summary"].values)
    assert decisions["Set-up share (£)"].sum() == pytest.approx(
        overview["One-off transition cost (£, set-up fees included)"], abs=len(plan.decisions))
    partnerships = sheets["Partnerships"]
    assert len(partnerships) == len(plan.partnerships)
    assert partnerships["Set-up fee (£)"].sum() == round(sum(p.setup_cost for p in plan.partnerships))
    hoods = sheets["Neighbourhoods summary"]
    assert hoods["Devolved activities"].sum() == len(plan.decisions)
    assert hoods[[c for c in hoods if c.endswith(": decisions")]].sum().sum() == len(plan.decisions)
    assert hoods[[c for c in hoods if c.endswith(": £ a year")]].sum().sum() == pytest.approx(
        decisions["Spend devolved (£ a year)"].sum(), abs=len(plan.decisions))
    fates = sheets["Fate of each activity"]
    assert len(fates) == len(a.activities) == 9 and fates["Why"].str.len().min() > 10
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
    assert budget["Binding"] == "yes" and "benefit units per £1,000" in budget["Value of a little more"]


def test_summary_lines(planned):
    a, plan = planned
    text = "\n".join(summary_lines(a, plan))
    assert f"Status: {plan.status.value} ({plan.method.value}," in text
    assert "One-off transition budget" in text and "£5,000" in text
    assert "By the Four Co's:\n  Co-commissioning: 2 decisions" in text
    assert "Checks a cabinet would make:" in text


def test_floors_and_a_required_saving_read_in_their_own_units(rubric):
    # an equity floor of one activity per neighbourhood, and a saving of £1 a year required
    a = tiny(rubric, {Stage.DELIVERY: 4, Stage.DESIGN: 3}, hoods=(("N1", 10_000, 5_000.0), ("N2", 6_000, 5_000.0)),
             configs=(cfg("solo", False, 1000, factor=0.9), cfg("group", True, 3000, factor=1.2)),
             min_devolved_per_neighbourhood=1, min_collective_share=0.25, running_cost_limit=-1)
    plan = plan_and_explain(a, price_of_uniformity=False)
    limits = plan_sheets(a, plan)["Limits"].set_index("Limit")
    floor = limits.loc["Devolved activities per neighbourhood in N1"]
    assert (floor["Kind"], floor["Unit"]) == ("at least", "activities")
    assert "per activity" in floor["Value of a little more"]
    assert "per percentage point" in limits.loc["Share of devolved activities run collectively",
                                                "Value of a little more"]
    saving = limits.loc["Change in annual running cost"]
    assert saving["Limit value"] == -1 and saving["Used"] < 0
    assert pd.isna(saving["Used (%)"])  # blank: a share of a negative limit would read as an overrun
