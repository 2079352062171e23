"""The catalogue of constraint families agrees with the scenario, the decisions and the plans."""

from devolve.core.limits import BUDGETS, CATALOGUE, LIMITS, Family, Resource
from devolve.core.plan import Decision
from devolve.core.scenario import Scenario


def test_every_family_is_catalogued_once():
    assert set(CATALOGUE) == set(Family)
    assert all(c.family == f for f, c in CATALOGUE.items())


def test_limits_are_set_by_a_scenario_field_and_rules_are_not_stretched():
    for c in CATALOGUE.values():
        assert c.setting is None or c.setting in Scenario.model_fields
        if c.stretchable:
            assert c.setting is not None
    assert [c.family for c in LIMITS] == [Family.TRANSITION_BUDGET, Family.RUNNING_COST, Family.CONTINGENCY_RESERVE,
                                          Family.CAPACITY, Family.COLLECTIVE_SHARE, Family.EQUITY]


def test_each_resource_is_spent_by_one_budget_and_recorded_on_each_decision():
    assert sorted(c.resource for c in BUDGETS) == sorted(Resource)
    assert {r.value for r in Resource} <= set(Decision.model_fields)
