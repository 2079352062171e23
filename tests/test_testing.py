"""The councils made up for tests and the benchmark: seeded, structured, and as documented."""

import pytest

from devolve.assess.retention import retention
from devolve.core import Stage
from devolve.core.limits import Family
from devolve.optimise.check import check_plan
from devolve.optimise.model import build_model
from devolve.optimise.options import option_table
from devolve.optimise.solve import solve
from devolve.testing import one_service_council, synthetic_assessment


def test_synthetic_council_is_seeded_and_structured():
    a = synthetic_assessment(40, 12, seed=5)
    b = synthetic_assessment(40, 12, seed=5)
    c = synthetic_assessment(40, 12, seed=6)
    assert a == b and a != c
    assert len(a.services) == 40 and len(a.neighbourhoods) == 12 and len(a.activities) == 360
    assert len({s.service_type for s in a.services}) == 4
    assert any(s.statutory for s in a.services) and not all(s.statutory for s in a.services)
    assessed = sum(any(s.source.value == "assessed" for s in act.scores) for act in a.activities)
    assert 0 < assessed < len(a.activities)
    pops = [h.population for h in a.neighbourhoods]
    assert max(pops) > 1.5 * min(pops)
    assert len(a.offered_configurations()) == 3
    assert a.scenario.running_cost_limit < 0  # a required saving
    retained = [act for act in a.activities
                if retention(a.rubric, a.service(act.service_id), act) is not None]
    assert 0 < len(retained) < len(a.activities)


def test_limits_bind_on_the_small_council():
    a = synthetic_assessment(40, 12, seed=0)
    plan = solve(build_model(a))
    assert check_plan(a, plan, check_values=False) == []
    binding = {lim.family for lim in plan.limits if lim.binding}
    assert Family.TRANSITION_BUDGET in binding
    # the required saving is met; volunteer hours are not what holds the plan back
    assert plan.limit(Family.RUNNING_COST).used <= a.scenario.running_cost_limit
    assert not any(lim.binding for lim in plan.limits if lim.family == Family.CAPACITY)


def test_one_service_council_values_are_as_its_docstring_says(rubric):
    # outcomes 3 is half the way from today (2) to the top (4); solo reaches the users (half the
    # residents), group three quarters: 0.8 and 1.2 times the average option's reach
    a = one_service_council(rubric, {Stage.DESIGN: 3, Stage.DELIVERY: 4})
    table = option_table(a).set_index(["stage", "configuration"])
    values = table["value"]
    assert values[("design", "solo")] == pytest.approx(0.4)
    assert values[("design", "group")] == pytest.approx(0.6)
    assert values[("delivery", "solo")] == pytest.approx(0.8)
    assert values[("delivery", "group")] == pytest.approx(1.2)
    assert table["residents"][("design", "solo")] == 5_000 and table["residents"][("design", "group")] == 7_500
    assert len(a.activities) == 9 and sum(not a.must_retain for a in a.activities) == 2
