"""A whole assessment from what an inventory gives: services, any scores, neighbourhoods, a scenario.

A consultant often has only a service list. Everything missing comes from the rubric: nine
activities per service with first-guess scores and cost shares, and a scenario whose budgets
are scaled to the council (``docs/input-format.md`` lists every default, so a committee can see
what was assumed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from devolve.assess.decompose import ActivityRecord, decompose
from devolve.core.domain import Assessment, Neighbourhood, Priorities, Service
from devolve.core.rubric import Rubric
from devolve.core.scenario import CONTINGENCY_RESERVE_SHARE, TRANSITION_BUDGET_SHARE, Scenario
from devolve.core.terms import CRITERIA


def default_scenario(rubric: Rubric, services: Iterable[Service]) -> Scenario:
    """The scenario used when the input has none: the rubric's weights, a cost-neutral plan,
    and budgets scaled to the council (1% to set up, 0.5% held in reserve)."""
    total = sum(s.annual_budget for s in services)
    return Scenario(
        weights=rubric.default_weights(),
        transition_budget=round(total * TRANSITION_BUDGET_SHARE),
        running_cost_limit=0.0,
        contingency_reserve=round(total * CONTINGENCY_RESERVE_SHARE),
        residents_share=rubric.value.residents_share,
    )


def assemble(
    rubric: Rubric,
    services: Sequence[Service],
    records: Iterable[ActivityRecord] = (),
    neighbourhoods: Iterable[Neighbourhood] = (),
    scenario: Scenario | None = None,
    priorities: Iterable[Priorities] = (),
) -> Assessment:
    """Decompose the services, fill the gaps from the rubric and validate the whole.

    Raises pydantic's ValidationError when the parts do not fit together (the readers check
    each part first and report where, so that is rare).
    """
    return Assessment(
        rubric=rubric,
        services=tuple(services),
        activities=decompose(rubric, services, records),
        neighbourhoods=tuple(neighbourhoods),
        scenario=scenario if scenario is not None else default_scenario(rubric, services),
        priorities=tuple(priorities),
    )


@dataclass(frozen=True)
class DefaultsInUse:
    """How much of an assessment is still the rubric's first guess."""

    activities: int
    """Activities that use a default score for at least one criterion."""
    total: int
    untouched: tuple[str, ...]
    """Services none of whose activities has any assessed score."""


def defaults_in_use(assessment: Assessment) -> DefaultsInUse:
    by_service: dict[str, bool] = {s.service_id: False for s in assessment.services}
    partly_default = 0
    for a in assessment.activities:
        defaults = [a.is_default(c) for c in CRITERIA]
        partly_default += any(defaults)
        by_service[a.service_id] |= not all(defaults)
    untouched = tuple(sid for sid, touched in by_service.items() if not touched)
    return DefaultsInUse(partly_default, len(assessment.activities), untouched)
