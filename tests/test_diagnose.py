"""Infeasible scenarios get named, quantified reasons, never a crash."""

import pytest

from devolve.domain import Stage
from devolve.optimise import plan_for
from devolve.rubric import load_rubric
from test_model import cfg, tiny

HOODS = (("N1", 10_000, 5_000.0), ("N2", 8_000, 10.0))
STAGES = {Stage.DELIVERY: 4, Stage.DESIGN: 3, Stage.PLANNING: 1}


@pytest.fixture(scope="module")
def rubric():
    return load_rubric()


def diagnosis(rubric, **scenario):
    plan = plan_for(tiny(rubric, STAGES, hoods=HOODS, **scenario))
    assert plan.status == "infeasible" and not plan.decisions
    return plan.diagnosis


def test_equity_floor_above_what_may_be_devolved(rubric):
    found = diagnosis(rubric, min_devolved_per_neighbourhood=4)
    assert any("only 3 activities may be devolved" in line for line in found)
    assert "N2 cannot reach the equity floor of 4 devolved activities: short by 1" in found


def test_transition_budget_short_by_an_amount(rubric):
    # two set-ups of £1,000 in each of two neighbourhoods cost £4,000; £3,000 is available
    found = diagnosis(rubric, min_devolved_per_neighbourhood=2, transition_budget=3000)
    assert "transition budget short by £1,000 (it is £3,000)" in found


def test_neighbourhood_capacity_short_by_hours(rubric):
    configs = (cfg("solo", False, 1000, hours=20.0), cfg("group", True, 3000, hours=30.0))
    found = diagnosis(rubric, min_devolved_per_neighbourhood=2, configs=configs)
    assert any(line.startswith("N2: the 2 least demanding activities need") for line in found)
    assert any(line.startswith("N2 capacity short by") and "volunteer hours" in line for line in found)


def test_required_saving_out_of_reach(rubric):
    # the best savings: 5% and 10% of cost; devolving everything saves at most £7,000
    configs = (cfg("solo", False, 1000, 0.95), cfg("group", True, 3000, 0.9))
    found = diagnosis(rubric, running_cost_limit=-20_000, configs=configs)
    assert "the required running-cost saving of £20,000 a year is out of reach by £13,000" in found
