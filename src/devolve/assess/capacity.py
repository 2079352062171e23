"""Co-production capacity: volunteer hours a neighbourhood could give.

When a neighbourhood gives no figure of its own, its capacity is estimated from its population
and age profile. Willingness to co-produce rises with age, so residents aged 65 and over take
part at their own rate; the rates are the rubric's editable assumptions, not findings.
"""

from __future__ import annotations

from devolve.core.domain import Neighbourhood
from devolve.core.rubric import Rubric
from devolve.core.terms import ExtraCells, ScoreSource


def default_volunteer_hours(rubric: Rubric, population: int, share_aged_65_plus: float) -> float:
    """Volunteer hours a year residents could give, estimated from population and age profile."""
    cap = rubric.capacity
    rate = (1 - share_aged_65_plus) * cap.participation_under_65 + (
        share_aged_65_plus * cap.participation_65_plus
    )
    return round(population * rate * cap.hours_per_volunteer, 1)


def neighbourhood(
    rubric: Rubric,
    *,
    neighbourhood_id: str,
    name: str,
    population: int,
    share_aged_65_plus: float,
    volunteer_hours: float | None = None,
    intermediaries: int = 0,
    extra: ExtraCells | None = None,
) -> Neighbourhood:
    """A neighbourhood as given, its volunteer hours estimated (and marked a default) when not given."""
    given = volunteer_hours is not None
    return Neighbourhood(
        neighbourhood_id=neighbourhood_id,
        name=name,
        population=population,
        share_aged_65_plus=share_aged_65_plus,
        volunteer_hours=volunteer_hours if given else default_volunteer_hours(rubric, population, share_aged_65_plus),
        volunteer_hours_source=ScoreSource.ASSESSED if given else ScoreSource.DEFAULT,
        intermediaries=intermediaries,
        extra=extra or {},
    )
