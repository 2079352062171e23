"""The --json document: every figure of the plan, with its reasons in words."""

import json

import pytest

from devolve.core import Stage
from devolve.present.plan_json import plan_document, plan_json
from devolve.testing import one_service_council as tiny
from devolve.usecases import plan_and_explain


def test_the_document_carries_the_plan_and_its_reasons(rubric):
    a = tiny(rubric, {Stage.DELIVERY: 4, Stage.DESIGN: 3}, transition_budget=1000)
    plan = plan_and_explain(a)
    doc = json.loads(plan_json(a, plan))
    assert doc == json.loads(json.dumps(plan_document(a, plan)))
    assert (doc["status"], doc["method"]) == (plan.status.value, plan.method.value)
    # £1,000 pays for one solo partnership, which takes both activities
    design, decision = doc["decisions"]
    assert decision["activity_id"] == "S:delivery" and decision["stage"] == "delivery"
    assert sum(decision["contributions"].values()) == pytest.approx(decision["value"])
    assert (decision["annual_cost"], decision["residents"]) == (63_000, 5_000)
    assert doc["partnerships"] == [{"service_id": "S", "neighbourhood_id": "N1", "configuration": "solo",
                                    "activities": 2, "setup_cost": 1000.0}]
    assert doc["bodies"] == []
    budget = next(lim for lim in doc["limits"] if lim["name"] == "transition_budget")
    assert (budget["label"], budget["unit"], budget["sense"], budget["binding"]) == (
        "One-off transition budget", "£", "<=", True)
    assert doc["retained"]["S:governance"] == "marked must retain" and len(doc["retained"]) == 7
    nearest = doc["alternatives"][1]
    assert nearest["activity_id"] == "S:delivery" and nearest["configuration"] == "group"
    assert "worth 0.400 more" in nearest["reason"]
    assert doc["diagnosis"] == [] and doc["notes"]
