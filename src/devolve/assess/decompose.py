"""From a services-only inventory to a full assessment: nine activities per service.

What the user gave wins; everything else comes from the rubric's priors and is marked as a
default, so the app and the validator can say how much of an assessment is still a first guess.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from devolve.core.domain import Activity, Score, Service
from devolve.core.rubric import Rubric
from devolve.core.terms import CRITERIA, STAGES, Criterion, ExtraCells, ScoreSource, Stage


@dataclass(frozen=True)
class ActivityRecord:
    """One row of the Activities sheet as the user gave it: anything may be left blank.

    Several rows may describe the same activity, one per assessor.
    """

    service_id: str
    stage: Stage
    cost_share: float | None = None
    must_retain: bool | None = None
    retain_reason: str | None = None
    assessor: str | None = None
    rationale: str | None = None
    evidence: str | None = None
    scores: dict[Criterion, int] = field(default_factory=dict)
    extra: ExtraCells = field(default_factory=dict)


def default_scores(rubric: Rubric, service: Service, stage: Stage) -> dict[Criterion, int]:
    """First-guess scores: the service type's prior, moved by the stage, lifted by outcomes."""
    prior = rubric.service_types[service.service_type].default_scores
    adjust = rubric.stages[stage].score_adjustments
    known = rubric.outcomes
    lift = max((known[o].neighbourhood_lift for o in service.outcomes if o in known), default=0)
    scores = {}
    for c in CRITERIA:
        value = prior[c] + adjust.get(c, 0) + (lift if c == Criterion.OUTCOMES else 0)
        scores[c] = min(rubric.scale_max, max(rubric.scale_min, value))
    return scores


def default_cost_shares(
    rubric: Rubric, service: Service, given: dict[Stage, float]
) -> dict[Stage, float]:
    """Shares for every stage: the given ones kept, the rest share the remainder by prior."""
    prior = rubric.service_types[service.service_type].cost_split
    rest = [s for s in STAGES if s not in given]
    remainder = max(0.0, 1.0 - sum(given.values()))
    prior_rest = sum(prior[s] for s in rest)
    shares = dict(given)
    for s in rest:
        shares[s] = remainder * prior[s] / prior_rest if prior_rest > 0 else remainder / len(rest)
    return {s: shares[s] for s in STAGES}


def decompose(
    rubric: Rubric, services: Iterable[Service], records: Iterable[ActivityRecord] = ()
) -> tuple[Activity, ...]:
    """Every service becomes its nine activities; the user's records override the priors.

    Assumes validated records (known services, shares adding to at most one, scores on the
    scale); the readers in :mod:`devolve.io` check those first and report where they are not.
    """
    by_activity: dict[tuple[str, Stage], list[ActivityRecord]] = defaultdict(list)
    for rec in records:
        by_activity[(rec.service_id, rec.stage)].append(rec)

    activities: list[Activity] = []
    for service in services:
        given = {
            stage: share
            for stage in STAGES
            if (share := _first(r.cost_share for r in by_activity.get((service.service_id, stage), [])))
            is not None
        }
        shares = default_cost_shares(rubric, service, given)
        for stage in STAGES:
            recs = by_activity.get((service.service_id, stage), [])
            activities.append(_activity(rubric, service, stage, shares[stage], stage in given, recs))
    return tuple(activities)


def _activity(
    rubric: Rubric,
    service: Service,
    stage: Stage,
    share: float,
    share_given: bool,
    recs: list[ActivityRecord],
) -> Activity:
    defaults = default_scores(rubric, service, stage)
    scores: list[Score] = []
    for c in CRITERIA:
        assessed = [
            Score(
                criterion=c,
                value=r.scores[c],
                source=ScoreSource.ASSESSED,
                assessor=r.assessor,
                rationale=r.rationale,
                evidence=r.evidence,
            )
            for r in recs
            if c in r.scores
        ]
        scores.extend(assessed or [Score(criterion=c, value=defaults[c], source=ScoreSource.DEFAULT)])
    return Activity(
        service_id=service.service_id,
        stage=stage,
        cost_share=share,
        cost_share_source=ScoreSource.ASSESSED if share_given else ScoreSource.DEFAULT,
        must_retain=bool(_first(r.must_retain for r in recs)),
        retain_reason=_first(r.retain_reason for r in recs),
        scores=tuple(scores),
        extra=next((r.extra for r in recs if r.extra), {}),
    )


def _first(values: Iterable):
    return next((v for v in values if v is not None), None)
