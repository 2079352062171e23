"""Validation cannot be skipped: a change to any record is checked like a new one."""

import pytest
from pydantic import ValidationError

from devolve.core import ActivityKey, Criterion, Scenario, Stage


@pytest.fixture()
def scenario(rubric):
    return Scenario(weights=rubric.default_weights(), transition_budget=10_000, contingency_reserve=5_000)


@pytest.mark.parametrize("changes, field", [
    ({"weights": {}}, "weights"),
    ({"weights": {c: 0 for c in Criterion}}, "weights"),
    ({"offer": "nope"}, "offer"),
    ({"transition_budget": -1}, "transition_budget"),
    ({"relative_gap": 2}, "relative_gap"),
    ({"no_such_setting": 1}, "no_such_setting"),
])
def test_replace_validates_every_change(scenario, changes, field):
    with pytest.raises(ValidationError) as exc:
        scenario.replace(**changes)
    assert field in {str(e["loc"][0]) for e in exc.value.errors()}


def test_model_copy_with_an_update_validates_too(scenario):
    with pytest.raises(ValidationError):
        scenario.model_copy(update={"weights": {}})
    assert scenario.model_copy(update={"name": "Pilot"}).name == "Pilot"
    assert scenario.model_copy() == scenario


def test_replace_runs_the_whole_object_s_rules(small_assessment):
    with pytest.raises(ValidationError, match="not in the rubric"):
        small_assessment.replace(scenario=small_assessment.scenario.replace(configurations=("nope",)))
    twice = small_assessment.services * 2
    with pytest.raises(ValidationError, match="service ids repeat"):
        small_assessment.replace(services=twice)


def test_replace_keeps_what_it_does_not_change(small_assessment):
    renamed = small_assessment.replace(scenario=small_assessment.scenario.replace(name="Pilot 2"))
    assert all(a is b for a, b in zip(renamed.activities, small_assessment.activities))  # not rebuilt
    assert renamed.scenario.name == "Pilot 2" and small_assessment.scenario.name == "Pilot year"


def test_records_cannot_be_changed_in_place(scenario):
    with pytest.raises(ValidationError):
        scenario.transition_budget = 1.0


def test_an_activity_key_reads_as_the_id_plans_show():
    key = ActivityKey("ASC01", Stage.DELIVERY)
    assert str(key) == "ASC01:delivery"
    assert key.stage is Stage.DELIVERY and key == ("ASC01", Stage.DELIVERY)
