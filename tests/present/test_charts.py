"""The robustness charts: valid Vega-Lite that vl-convert renders to PNG (as the cabinet report prints
them), every class and mark said in words, from records made by hand (no solving)."""

from __future__ import annotations

import json

import pytest

from devolve.core.limits import Family
from devolve.core.robustness import (
    Acceptability,
    Change,
    DecisionShare,
    Frontier,
    FrontierPoint,
    WeightDraw,
    WeightStability,
)
from devolve.core.terms import Benefit, Stage
from devolve.present.charts import (
    PLANNED_MARK,
    SHARE_BANDS,
    acceptability_frame,
    acceptability_heatmap,
    acceptability_words,
    change_words,
    frontier_chart,
    frontier_frame,
    frontier_words,
    stability_chart,
    stability_frame,
    stability_words,
)

PNG = b"\x89PNG\r\n\x1a\n"


def rendered(chart) -> bytes:
    """The chart as the report prints it: a Vega-Lite spec that validates, through vl-convert."""
    import vl_convert

    spec = chart.to_dict(validate=True)
    json.dumps(spec)  # plain JSON: the report stores it as such
    return vl_convert.vegalite_to_png(spec, scale=1)


@pytest.fixture(scope="module")
def stabilities():
    move = Change(service_id="S0001", stage=Stage.DELIVERY, neighbourhood_id="N001", before="councillor_forum",
                  after=None)
    return (
        WeightStability(benefit=Benefit.OUTCOMES, weight=0.45, low=0.27, high=0.68, below=(move,), above=(move,)),
        WeightStability(benefit=Benefit.PARTNERSHIP, weight=0.25, low=0.0, high=0.49, above=(move,)),
        WeightStability(benefit=Benefit.RESILIENCE, weight=0.2, low=0.0, high=1.0),
        WeightStability(benefit=Benefit.VOLUNTEER_TIME, weight=0.1, low=0.0, high=0.25, above=(move,)),
    )


@pytest.fixture(scope="module")
def shares():
    def share(service, stage, hood, share, planned=None):
        return DecisionShare(service_id=service, stage=stage, neighbourhood_id=hood, planned=planned, share=share,
                             share_as_planned=share if planned else 0.0, samples=200)

    decisions = (
        share("S0001", Stage.DELIVERY, "N001", 1.0, "councillor_forum"),
        share("S0001", Stage.DELIVERY, "N002", 0.899, "councillor_forum"),
        share("S0001", Stage.PLANNING, "N003", 0.3),
        share("S0002", Stage.GOVERNANCE, "N001", 0.005),
        share("S0002", Stage.GOVERNANCE, "N004", 0.0, "citizen_coproduction"),
    )
    return Acceptability(samples=200, seed=0, weights=WeightDraw.AROUND, concentration=40.0, scores=True,
                         relative_gap=0.01, plans=200, stands=37, decisions=decisions, never=("S0003:delivery",),
                         seconds=12.0, workers=2, engine="local processes")


def frontier(knee: int | None = 2, today: float = 250_000.0) -> Frontier:
    def point(limit, value, entering=()):
        return FrontierPoint(limit=limit, found=True, value=value, bound=value * 1.05, used=limit * 0.99,
                             residents=1000, decisions=int(value), annual_cost=limit * 5, entering=entering)

    enter = Change(service_id="S0001", stage=Stage.DELIVERY, neighbourhood_id="N001", before=None,
                   after="citizen_coproduction")
    points = (point(0.0, 0.0), point(100_000.0, 40.0, (enter,)), point(200_000.0, 70.0),
              FrontierPoint(limit=300_000.0, found=False), point(400_000.0, 80.0))
    return Frontier(family=Family.TRANSITION_BUDGET, today=today, points=points, knee=knee, seconds=3.0)


def test_a_change_reads_in_words_with_the_council_s_own_names(council):
    hood = council.neighbourhoods[0]
    move = Change(service_id=council.services[0].service_id, stage=Stage.DELIVERY,
                  neighbourhood_id=hood.neighbourhood_id, before="community_organisation", after=None)
    arrangement = next(c.name for c in council.rubric.configurations if c.key == "community_organisation")
    assert change_words(move, council) == (f"{move.service_id} delivery in {hood.name}: {arrangement} → "
                                           "kept at today's scale")
    assert change_words(move) == f"{move.service_id} delivery in {hood.neighbourhood_id}: community_organisation → " \
                                 "kept at today's scale"


def test_the_stability_chart_renders_and_says_each_interval(stabilities):
    assert rendered(stability_chart(stabilities)).startswith(PNG)
    spec = stability_chart(stabilities).to_dict()
    assert spec["title"]["text"] == "How far each weight can move before the plan changes"
    frame = stability_frame(stabilities)
    assert list(frame["Label"])[0] == "Outcomes|today 45%, stands 27% to 68%"
    words = stability_words(stabilities)
    assert spec["description"] == words
    assert "Outcomes today 45%, the plan standing from 27% to 68%" in words
    # an end at 0% or 100% is not a move that changes the plan: volunteer time changes 15 points up
    assert words.endswith("most sensitive to volunteer time: it changes if that weight moves 15 percentage points.")


def test_a_weight_that_never_changes_the_plan_is_said_so():
    still = (WeightStability(benefit=Benefit.OUTCOMES, weight=0.5, low=0.0, high=1.0),)
    assert stability_words(still).endswith("No weight, moved on its own, changes the plan.")


def test_the_acceptability_heatmap_writes_each_share_and_marks_today_s_plan(shares, council):
    frame = acceptability_frame(shares)
    assert list(frame["Shown"]) == [f"100 {PLANNED_MARK}", f"89 {PLANNED_MARK}", "30", "<1", f"0 {PLANNED_MARK}"]
    assert list(frame["Band"]) == [SHARE_BANDS[0][0], SHARE_BANDS[1][0], SHARE_BANDS[2][0], SHARE_BANDS[3][0],
                                   "never chosen"]
    assert rendered(acceptability_heatmap(shares)).startswith(PNG)
    named = acceptability_heatmap(shares, council)
    assert rendered(named).startswith(PNG)
    spec = named.to_dict()
    layers = spec["spec"]["layer"]  # under each service's name, its own rows
    assert spec["facet"]["row"]["field"] == "Service"
    legends = [layer["encoding"][channel]["legend"] for layer in layers for channel in ("color", "stroke")
               if channel in layer.get("encoding", {}) and "legend" in layer["encoding"][channel]]
    assert {legend.get("orient") for legend in legends} == {"bottom"}
    colour = next(layer["encoding"]["color"] for layer in layers if layer["mark"]["type"] == "rect"
                  and "field" in layer["encoding"].get("color", {}))
    assert colour["scale"]["domain"] == [words for words, _ in SHARE_BANDS]  # the legend reads in words
    named_frame = acceptability_frame(shares, council)
    assert named_frame["Activity"][0] == f"S0001 delivery: {council.services[0].name}"
    assert council.neighbourhoods[0].name in set(named_frame["Neighbourhood"])


def test_the_heatmap_shows_only_the_activities_asked_for(shares):
    frame = acceptability_frame(shares, activities={"S0002:governance"})
    assert set(frame["Activity id"]) == {"S0002:governance"}
    assert rendered(acceptability_heatmap(shares, activities={"S0002:governance"})).startswith(PNG)


def test_acceptability_in_words(shares):
    words = acceptability_words(shares)
    assert words.startswith("A grid of 3 activities (rows)")
    assert "1 chosen in 90% or more: robust core" in words and "1 never chosen" in words
    assert f"The 3 cells of today's plan are outlined and marked {PLANNED_MARK}; 1 of them are in the robust core" \
        in words
    assert words.endswith("Today's plan stands in 18% of the samples.")


def test_the_frontier_chart_marks_today_and_the_knee():
    chart = frontier_chart(frontier())
    assert rendered(chart).startswith(PNG)
    spec = chart.to_dict()
    assert spec["title"]["text"] == "What more money buys"
    assert spec["title"]["subtitle"][0].startswith("The plan's value against the one-off transition budget.")
    assert any("No plan was found in the time allowed at £300,000" in line for line in spec["title"]["subtitle"])
    texts = json.dumps(spec, ensure_ascii=False)
    assert "returns fall away here: £200,000 buys 70" in texts and "today: £250,000" in texts
    frame = frontier_frame(frontier())
    assert set(frame["Line"]) == {"best plan found", "no plan can be worth more"}
    assert len(frame) == 8  # four points found, each with its bound
    words = frontier_words(frontier())
    assert spec["description"] == words
    assert "Returns fall away after £200,000, which buys 70.0 (88% of the most)." in words


def test_a_frontier_without_a_knee_and_a_limit_beyond_every_plan():
    chart = frontier_chart(frontier(knee=None, today=1_000_000.0))
    assert rendered(chart).startswith(PNG)
    assert "today: £1,000,000, more than any plan uses" in json.dumps(chart.to_dict(), ensure_ascii=False)
    assert "returns fall away" not in json.dumps(chart.to_dict(), ensure_ascii=False)
    assert frontier_words(frontier(knee=None, today=1_000_000.0)).endswith(
        "Today's setting, £1,000,000, is more than any plan uses.")


def test_a_frontier_with_no_plan_at_all_still_draws():
    empty = Frontier(family=Family.CONTINGENCY_RESERVE, today=0.0, seconds=1.0, knee=None,
                     points=(FrontierPoint(limit=0.0, found=False),))
    assert rendered(frontier_chart(empty)).startswith(PNG)
    assert frontier_words(empty) == "No plan was found at any value of the contingency reserve."
