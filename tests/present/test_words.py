"""Every record the optimiser returns has its sentence, and the sentences say the figures."""

import pytest

from devolve.core import Retention, RetentionKind, Stage
from devolve.core.limits import Family
from devolve.core.plan import (
    Alternative,
    LeftOut,
    NearMiss,
    NoteKind,
    Obstacle,
    ObstacleKind,
    PlanMethod,
    PlanStatus,
    SolveNote,
)
from devolve.present.words import (
    alternative_reason,
    marginal_text,
    limit_label,
    money,
    near_miss_reason,
    note_text,
    obstacle_lines,
    retention_reason,
    share_beside,
)
from devolve.testing import one_service_council

ARRANGEMENTS = {"solo": "Citizens alone", "group": "Community group"}
NAMES = {"N1": "Northfield", "N2": "Southmead"}
FIGURES = {"seconds": 1.25, "bound": 171.7035, "fractional": 5, "columns": 10764, "repaired": 714,
           "dropped": 540, "options": 10764, "over": 3.2, "lp_seconds": 2.1}


def test_money():
    assert (money(1234.4), money(-31), money(0)) == ("£1,234", "-£31", "£0")


@pytest.mark.parametrize("kind", list(NoteKind))
def test_every_solver_note_has_words(kind):
    text = note_text(SolveNote(kind=kind, figures=FIGURES))
    assert text and "{" not in text


def test_notes_show_counts_as_whole_numbers():
    note = SolveNote(kind=NoteKind.REPAIRED, figures={"fractional": 5, "columns": 10764, "repaired": 714})
    assert note_text(note) == "5 of 10764 variables fractional in the LP; repair MILP over 714 variables"


def test_retention_reasons():
    def kept(kind, **kw):
        return retention_reason(Retention(service_id="S", stage=Stage.FINANCING, kind=kind, **kw))

    assert kept(RetentionKind.MUST_RETAIN, reason="Care Act duties") == "Care Act duties"
    assert kept(RetentionKind.MUST_RETAIN) == "marked must retain"
    assert kept(RetentionKind.STATUTORY) == "statutory duty: financing stays with the council"
    assert kept(RetentionKind.NOT_SEPARABLE, unbundling=0.5, minimum=1) == (
        "unbundling score 0.5 is below the rubric's minimum of 1")


@pytest.mark.parametrize("margin, words", [
    (0.0, "Community group would be worth the same; the tie is broken by the order of arrangements"),
    (0.125, "Community group would be worth 0.125 less"),
    (-0.25, "Community group would be worth 0.250 more, but the plan's limits leave no room for it"),
])
def test_alternatives(margin, words):
    alt = Alternative(service_id="S", stage=Stage.DESIGN, neighbourhood_id="N1", configuration="group",
                      value=0.375 - margin, margin=margin)
    assert alternative_reason(alt, ARRANGEMENTS) == words
    keep = alt.replace(configuration=None, value=0.0, margin=0.375)
    assert alternative_reason(keep, ARRANGEMENTS) == "keeping it at today's scale would be worth 0.375 less"


def test_near_misses_name_the_limits_by_neighbourhood():
    miss = NearMiss(service_id="S", stage=Stage.DESIGN, neighbourhood_id="N2", configuration="group", value=0.3,
                    reason=LeftOut.LIMITS_FULL,
                    blocked_by=((Family.TRANSITION_BUDGET, None), (Family.CAPACITY, "N2")))
    assert near_miss_reason(miss, ARRANGEMENTS, NAMES) == (
        "Community group: left out: the plan has too little left of the one-off transition budget and "
        "volunteer hours in Southmead")
    for reason in (LeftOut.RULE, LeftOut.STOPPED_AT_GAP, LeftOut.STOPPED_AT_TIME):
        assert near_miss_reason(miss.replace(reason=reason, blocked_by=()), ARRANGEMENTS, NAMES).startswith(
            "Community group: left out: ")
    assert limit_label(Family.EQUITY, "N1", NAMES) == "Devolved activities per neighbourhood in Northfield"


def _infeasible(assessment, *obstacles):
    from devolve.core.plan import Plan

    return Plan(scenario_name="x", method=PlanMethod.EXACT, solver="HiGHS", status=PlanStatus.INFEASIBLE,
                objective=None, best_bound=None, gap=None, build_seconds=0, solve_seconds=0, extract_seconds=0,
                diagnosis=obstacles)


@pytest.mark.parametrize("kind", [k for k in ObstacleKind if k != ObstacleKind.LIMIT_SHORT])
def test_every_obstacle_has_words(rubric, kind):
    a = one_service_council(rubric, {Stage.DESIGN: 3}, hoods=(("N1", 10_000, 50.0),),
                            min_devolved_per_neighbourhood=2)
    obstacle = Obstacle(kind=kind, neighbourhood_id="N1", needed=3, available=1)
    (line,) = obstacle_lines(a, _infeasible(a, obstacle))
    assert line and "None" not in line and "{" not in line


@pytest.mark.parametrize("family, scenario, words", [
    (Family.TRANSITION_BUDGET, {}, "transition budget short by £13 (it is £1,000,000,000)"),
    (Family.RUNNING_COST, {"running_cost_limit": 500}, "annual running-cost limit short by £13 (it is £500)"),
    (Family.RUNNING_COST, {"running_cost_limit": -500},
     "the required running-cost saving of £500 a year is out of reach by £13"),
    (Family.CONTINGENCY_RESERVE, {}, "contingency reserve short by £13 (it is £1,000,000,000)"),
    (Family.CAPACITY, {}, "Northfield capacity short by 13 volunteer hours"),
    (Family.EQUITY, {"min_devolved_per_neighbourhood": 2},
     "Northfield cannot reach the equity floor of 2 devolved activities: short by 13"),
    (Family.COLLECTIVE_SHARE, {"min_collective_share": 0.5},
     "the minimum collective share of 50% cannot be met: short by the equivalent of 12.6 collective decisions"),
])
def test_every_limit_that_falls_short_says_by_how_much(rubric, family, scenario, words):
    a = one_service_council(rubric, {Stage.DESIGN: 3}, **scenario)
    a = a.replace(neighbourhoods=(a.neighbourhoods[0].replace(name="Northfield"),))
    per_hood = family in (Family.CAPACITY, Family.EQUITY)
    short = Obstacle(kind=ObstacleKind.LIMIT_SHORT, family=family, neighbourhood_id="N1" if per_hood else None,
                     short_by=12.6)
    assert obstacle_lines(a, _infeasible(a, short)) == [words]


def test_shortfalls_in_many_neighbourhoods_are_one_line(rubric):
    hoods = tuple((f"N{i}", 5_000, 10.0) for i in range(5))
    a = one_service_council(rubric, {Stage.DESIGN: 3}, hoods=hoods)
    short = [Obstacle(kind=ObstacleKind.LIMIT_SHORT, family=Family.CAPACITY, neighbourhood_id=f"N{i}",
                      short_by=100 + i) for i in range(5)]
    budget = Obstacle(kind=ObstacleKind.LIMIT_SHORT, family=Family.TRANSITION_BUDGET, short_by=1000)
    lines = obstacle_lines(a, _infeasible(a, budget, *short))
    assert lines == ["transition budget short by £1,000 (it is £1,000,000,000)",
                     "in 5 neighbourhoods volunteer capacity is short: N0 by 100 hours, N1 by 101 hours, "
                     "N2 by 102 hours, N3 by 103 hours, N4 by 104 hours"]
    assert len(obstacle_lines(a, _infeasible(a, *short[:3]))) == 3  # three or fewer: a line each


@pytest.mark.parametrize("value, floor, shown", [
    (0.3004, 0.3, "30.04%"),
    (0.30000004, 0.3, "just over 30.0%"),
    (0.3, 0.3, "30.0%"),
    (0.688, 0.3, "68.8%"),
    (0.2996, 0.3, "29.96%"),
])
def test_a_share_never_reads_as_the_floor_it_only_passes(value, floor, shown):
    assert share_beside(value, floor) == shown


def test_a_little_more_reads_as_a_share_of_the_plan_too():
    assert marginal_text(1.2, "£1,000", 120.0) == "1.2000 benefit units per £1,000 (+1.00% of the plan's value)"
    assert marginal_text(0.0, "£1,000", 120.0) == "0.0000 benefit units per £1,000"
