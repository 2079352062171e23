"""Infeasible scenarios get named, quantified reasons, never a crash."""

import pytest

from devolve.core import Stage
from devolve.core.limits import Family
from devolve.core.plan import Obstacle, ObstacleKind, PlanStatus
from devolve.optimise.diagnose import SLACK_TOL, elastic_diagnosis
from devolve.optimise.model import build_model
from devolve.optimise.solve import solve
from devolve.present.words import obstacle_lines
from devolve.testing import configuration as cfg
from devolve.testing import one_service_council as tiny
from devolve.usecases import plan_and_explain

HOODS = (("N1", 10_000, 5_000.0), ("N2", 8_000, 10.0))
STAGES = {Stage.DELIVERY: 4, Stage.DESIGN: 3, Stage.PLANNING: 1}


def diagnosis(rubric, **scenario):
    a = tiny(rubric, STAGES, hoods=HOODS, **scenario)
    plan = plan_and_explain(a)
    assert plan.status == PlanStatus.INFEASIBLE and not plan.decisions
    return plan.diagnosis, obstacle_lines(a, plan)


def test_equity_floor_above_what_may_be_devolved(rubric):
    found, lines = diagnosis(rubric, min_devolved_per_neighbourhood=4)
    assert Obstacle(kind=ObstacleKind.FLOOR_ABOVE_DEVOLVABLE, needed=4, available=3) in found
    assert ("the equity floor asks for 4 devolved activities in every neighbourhood, but only 3 activities may "
            "be devolved at all (6 are retained at today's scale)") in lines
    assert "N2 cannot reach the equity floor of 4 devolved activities: short by 1" in lines


def test_transition_budget_short_by_an_amount(rubric):
    # two activities in each of two neighbourhoods need a solo partnership in each, £1,000 once
    # per partnership: £2,000; £1,500 is available
    found, lines = diagnosis(rubric, min_devolved_per_neighbourhood=2, transition_budget=1500)
    short = [o for o in found if o.family == Family.TRANSITION_BUDGET]
    assert [o.short_by for o in short] == [pytest.approx(500)]
    assert "transition budget short by £500 (it is £1,500)" in lines


def test_neighbourhood_capacity_short_by_hours(rubric):
    configs = (cfg("solo", False, 1000, hours=20.0), cfg("group", True, 3000, hours=30.0))
    found, lines = diagnosis(rubric, min_devolved_per_neighbourhood=2, configs=configs)
    (hours,) = [o for o in found if o.kind == ObstacleKind.FLOOR_NEEDS_HOURS]
    assert (hours.neighbourhood_id, hours.available) == ("N2", 10.0)
    assert any(line.startswith("N2: the 2 least demanding activities need") for line in lines)
    assert any(line.startswith("N2 capacity short by") and "volunteer hours" in line for line in lines)


def test_required_saving_out_of_reach(rubric):
    # the best savings: 5% and 10% of cost; devolving everything saves at most £7,000
    configs = (cfg("solo", False, 1000, 0.95), cfg("group", True, 3000, 0.9))
    found, lines = diagnosis(rubric, running_cost_limit=-20_000, configs=configs)
    assert "the required running-cost saving of £20,000 a year is out of reach by £13,000" in lines
    (saving,) = [o for o in found if o.kind == ObstacleKind.SAVING_OUT_OF_REACH]
    assert (saving.needed, saving.available) == (20_000, pytest.approx(7_000))
    assert ("a saving of £20,000 a year in running cost is required, but devolving every activity that saves "
            "money would save at most £7,000") in lines


def test_a_saving_far_out_of_reach_is_short_by_what_is_not_within_reach(council):
    """Most of a large required saving is out of reach, but not all of it: the diagnosis says how
    much, and stretching the limit by that much admits a plan."""
    model = build_model(council)
    required = 100 * -council.scenario.running_cost_limit
    impossible = model.with_limit(Family.RUNNING_COST, -required)
    (short,) = [o for o in elastic_diagnosis(impossible) if o.family == Family.RUNNING_COST]
    assert 0 < short.short_by < required * 0.9999
    relaxed = impossible.with_limit(Family.RUNNING_COST, -required + short.short_by * (1 + 1e-6) + 1)
    # a stretch smaller than SLACK_TOL of its limit (here pennies of the contingency reserve) is
    # not reported: it is within the solver's tolerance
    relaxed = relaxed.with_limit(Family.CONTINGENCY_RESERVE, council.scenario.contingency_reserve * (1 + SLACK_TOL))
    assert solve(relaxed).status.has_plan
