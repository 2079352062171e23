"""A plan as the JSON document ``devolve assess --json`` prints: one self-explanatory object.

Reasons and diagnoses are written out in plain English (:mod:`devolve.present.words`) beside
the figures, so a consultant's script can read the same plan a person would.
"""

from __future__ import annotations

from typing import Any

import pydantic_core

from devolve.core.domain import Assessment
from devolve.core.plan import Plan
from devolve.present.checks import plan_checks
from devolve.present.words import (
    VALUE_UNIT,
    alternative_reason,
    fate_reason,
    limit_label,
    near_miss_reason,
    note_text,
    obstacle_lines,
    retention_reason,
)


def plan_document(assessment: Assessment, plan: Plan) -> dict[str, Any]:
    """The plan as plain data, in the order the document lists it."""
    names = {h.neighbourhood_id: h.name for h in assessment.neighbourhoods}
    arrangements = {c.key: c.name for c in assessment.rubric.configurations}
    return {
        "scenario_name": plan.scenario_name,
        "method": plan.method.value,
        "solver": plan.solver,
        "status": plan.status.value,
        "objective": plan.objective,
        "best_bound": plan.best_bound,
        "gap": plan.gap,
        "build_seconds": plan.build_seconds,
        "solve_seconds": plan.solve_seconds,
        "extract_seconds": plan.extract_seconds,
        "decisions": [
            {
                "activity_id": d.activity_id,
                "service_id": d.service_id,
                "stage": d.stage.value,
                "neighbourhood_id": d.neighbourhood_id,
                "configuration": d.configuration,
                "value": d.value,
                "contributions": {b.value: v for b, v in d.contributions.items()},
                "annual_cost": d.annual_cost,
                "residents": d.residents,
                "transition_cost": d.transition_cost,
                "running_change": d.running_change,
                "contingency": d.contingency,
                "volunteer_hours": d.volunteer_hours,
            }
            for d in plan.decisions
        ],
        "partnerships": [
            {"service_id": p.service_id, "neighbourhood_id": p.neighbourhood_id, "configuration": p.configuration,
             "activities": p.activities, "setup_cost": p.setup_cost}
            for p in plan.partnerships
        ],
        "bodies": [
            {"neighbourhood_id": b.neighbourhood_id, "configuration": b.configuration, "setup_cost": b.setup_cost}
            for b in plan.bodies
        ],
        "limits": [
            {
                "name": lim.family.value,
                "scope": lim.neighbourhood_id,
                "label": limit_label(lim.family, lim.neighbourhood_id, names),
                "used": lim.used,
                "limit": lim.limit,
                "unit": lim.unit.value,
                "sense": lim.sense.value,
                "binding": lim.binding,
                "marginal_value": lim.marginal_value,
            }
            for lim in plan.limits
        ],
        "retained": {str(r.key): retention_reason(r) for r in plan.retained},
        "activities": [
            {
                "activity_id": f.activity_id,
                "fate": f.fate.value,
                "neighbourhoods": list(f.neighbourhoods),
                "arrangements": list(f.arrangements),
                "reason": fate_reason(f, assessment, plan),
            }
            for f in plan.fates
        ],
        "checks": [
            {"question": c.question, "answer": c.answer, "passed": c.passed}
            for c in plan_checks(assessment, plan)
        ],
        "value_unit": VALUE_UNIT,
        "notes": [note_text(n) for n in plan.notes],
        "price_of_uniformity": plan.price_of_uniformity,
        "alternatives": [
            {
                "activity_id": str(a.key),
                "neighbourhood_id": a.neighbourhood_id,
                "configuration": a.configuration,
                "value": a.value,
                "reason": alternative_reason(a, arrangements),
            }
            for a in plan.alternatives
        ] + [
            {
                "activity_id": str(m.key),
                "neighbourhood_id": m.neighbourhood_id,
                "configuration": m.configuration,
                "value": m.value,
                "reason": near_miss_reason(m, arrangements, names),
            }
            for m in plan.near_misses
        ],
        "diagnosis": obstacle_lines(assessment, plan),
    }


def plan_json(assessment: Assessment, plan: Plan) -> str:
    """The document as indented JSON text."""
    return pydantic_core.to_json(plan_document(assessment, plan), indent=2).decode()
