"""Which activities stay at today's scale whatever their scores, and why.

Three reasons, in the order they are checked: the assessment marks the activity must retain;
a statutory duty keeps the stage with the council (accountability cannot be devolved); or the
activity scores too low on unbundling to be separated from the rest of its value chain.
"""

from __future__ import annotations

from devolve.core.domain import Activity, Assessment, Retention, RetentionKind, Service
from devolve.core.rubric import Rubric
from devolve.core.terms import Consensus, Criterion


def retention(rubric: Rubric, service: Service, activity: Activity,
              consensus: Consensus = Consensus.MEDIAN) -> Retention | None:
    """Why ``activity`` must stay at today's scale, or None if it may be devolved."""
    if activity.must_retain:
        return Retention(service_id=activity.service_id, stage=activity.stage, kind=RetentionKind.MUST_RETAIN,
                         reason=activity.retain_reason)
    if service.statutory and activity.stage in rubric.retention.statutory_stages:
        return Retention(service_id=activity.service_id, stage=activity.stage, kind=RetentionKind.STATUTORY)
    score = activity.score(Criterion.UNBUNDLING, consensus)
    if score < rubric.retention.min_unbundling:
        return Retention(service_id=activity.service_id, stage=activity.stage, kind=RetentionKind.NOT_SEPARABLE,
                         unbundling=score, minimum=rubric.retention.min_unbundling)
    return None


def retained_activities(assessment: Assessment) -> tuple[Retention, ...]:
    """Every activity kept at today's scale, with its reason, in the assessment's order."""
    services = assessment.services_by_id()
    consensus = assessment.scenario.consensus
    found = (retention(assessment.rubric, services[a.service_id], a, consensus) for a in assessment.activities)
    return tuple(r for r in found if r is not None)
