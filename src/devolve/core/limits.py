"""The catalogue of the model's constraint families: one entry per limit or rule, one place.

Building the model, reading a plan's limits back, explaining them, diagnosing an impossible
scenario, checking a plan without the solver and laying out the plan tables all work from
:data:`CATALOGUE`. The names are those of ``docs/model.md``.

A *limit* is a number the scenario sets (a budget, a reserve, volunteer hours, a floor): plans
report how much of it they use, and an impossible scenario is explained by how far each limit
would have to stretch. A *rule* is structural (one arrangement per activity, coherence, a
uniform offer): it is never stretched, because on its own it always admits the empty plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from devolve.core.terms import Unit


class Family(str, Enum):
    """A constraint family of ``docs/model.md``: one block of rows in the model."""

    ONE_CONFIGURATION = "one_configuration"
    PARTNERSHIP = "partnership"
    AREA_BODY = "area_body"
    ARRANGEMENTS_PER_SERVICE = "arrangements_per_service"
    PARTNERSHIPS_PER_NEIGHBOURHOOD = "partnerships_per_neighbourhood"
    ASSESSMENT_NOT_ALONE = "assessment_not_alone"
    PARTNERSHIP_NOT_EMPTY = "partnership_not_empty"
    SERVICE_DEVOLVED = "service_devolved"
    SERVICE_HERE = "service_here"
    SEVERAL_NEIGHBOURHOODS = "several_neighbourhoods"
    TOTAL_VALUE = "total_value"
    FAIR_SHARE = "fair_share"
    CO_DELIVERY_SHARE = "co_delivery_share"
    TRANSITION_BUDGET = "transition_budget"
    RUNNING_COST = "running_cost"
    CONTINGENCY_RESERVE = "contingency_reserve"
    CAPACITY = "capacity"
    COHERENCE = "coherence"
    UNIFORM_OFFER = "uniform_offer"
    COLLECTIVE_SHARE = "collective_share"
    EQUITY = "equity"


class Sense(str, Enum):
    AT_MOST = "<="
    AT_LEAST = ">="
    EQUAL = "="


class Resource(str, Enum):
    """What one devolved option uses, per year or once: the columns of a decision."""

    TRANSITION_COST = "transition_cost"
    RUNNING_CHANGE = "running_change"
    CONTINGENCY = "contingency"
    VOLUNTEER_HOURS = "volunteer_hours"


@dataclass(frozen=True)
class ConstraintFamily:
    """One family: what it is called, what sets it and what it counts."""

    family: Family
    label: str
    """The family in plain words, e.g. "One-off transition budget"."""
    unit: Unit
    sense: Sense
    setting: str | None
    """The scenario setting that sets it (None: a rule of the method or the rubric)."""
    stretchable: bool
    """A limit: reported in plans (a floor only when set), and stretched to explain an impossible
    scenario; a rule is neither."""
    resource: Resource | None = None
    """What each option uses of it; None where it counts decisions instead."""
    per_neighbourhood: bool = False


CATALOGUE: dict[Family, ConstraintFamily] = {c.family: c for c in (
    ConstraintFamily(Family.ONE_CONFIGURATION, "At most one arrangement per activity and neighbourhood",
               Unit.ACTIVITIES, Sense.AT_MOST, None, stretchable=False),
    ConstraintFamily(Family.PARTNERSHIP, "An activity devolved only through its service's partnership",
                     Unit.ACTIVITIES, Sense.AT_MOST, None, stretchable=False),
    ConstraintFamily(Family.AREA_BODY, "A partnership only where its neighbourhood body is set up",
                     Unit.ACTIVITIES, Sense.AT_MOST, None, stretchable=False),
    ConstraintFamily(Family.ARRANGEMENTS_PER_SERVICE, "Arrangements per service and neighbourhood",
                     Unit.PARTNERSHIPS, Sense.AT_MOST, None, stretchable=False),
    ConstraintFamily(Family.PARTNERSHIPS_PER_NEIGHBOURHOOD, "Service partnerships per neighbourhood",
                     Unit.PARTNERSHIPS, Sense.AT_MOST, None, stretchable=False, per_neighbourhood=True),
    ConstraintFamily(Family.ASSESSMENT_NOT_ALONE, "Assessment devolved only beside another activity",
                     Unit.ACTIVITIES, Sense.AT_MOST, None, stretchable=False),
    ConstraintFamily(Family.PARTNERSHIP_NOT_EMPTY, "A partnership takes on at least one activity",
                     Unit.ACTIVITIES, Sense.AT_MOST, None, stretchable=False),
    ConstraintFamily(Family.SERVICE_DEVOLVED, "A service with a partnership is a devolved service",
                     Unit.PARTNERSHIPS, Sense.AT_MOST, None, stretchable=False),
    ConstraintFamily(Family.SERVICE_HERE, "A neighbourhood counts for a service only where it has a partnership",
                     Unit.NEIGHBOURHOODS, Sense.AT_MOST, None, stretchable=False),
    ConstraintFamily(Family.SEVERAL_NEIGHBOURHOODS, "A devolved service in several neighbourhoods, not one",
                     Unit.NEIGHBOURHOODS, Sense.AT_LEAST, None, stretchable=False),
    ConstraintFamily(Family.TOTAL_VALUE, "The plan's value, counted once", Unit.VALUE, Sense.EQUAL, None,
                     stretchable=False),
    ConstraintFamily(Family.FAIR_SHARE, "A neighbourhood's share of the value, at least part of its fair share",
                     Unit.VALUE, Sense.AT_LEAST, None, stretchable=False, per_neighbourhood=True),
    ConstraintFamily(Family.CO_DELIVERY_SHARE, "Management and delivery's share of the value", Unit.VALUE,
                     Sense.AT_LEAST, None, stretchable=False),
    ConstraintFamily(Family.TRANSITION_BUDGET, "One-off transition budget", Unit.POUNDS, Sense.AT_MOST,
               "transition_budget", stretchable=True, resource=Resource.TRANSITION_COST),
    ConstraintFamily(Family.RUNNING_COST, "Change in annual running cost", Unit.POUNDS, Sense.AT_MOST,
               "running_cost_limit", stretchable=True, resource=Resource.RUNNING_CHANGE),
    ConstraintFamily(Family.CONTINGENCY_RESERVE, "Contingency reserve", Unit.POUNDS, Sense.AT_MOST,
               "contingency_reserve", stretchable=True, resource=Resource.CONTINGENCY),
    ConstraintFamily(Family.CAPACITY, "Volunteer hours", Unit.HOURS, Sense.AT_MOST, "capacity_use",
               stretchable=True, resource=Resource.VOLUNTEER_HOURS, per_neighbourhood=True),
    ConstraintFamily(Family.COHERENCE, "Value-chain coherence", Unit.ACTIVITIES, Sense.AT_MOST, None,
               stretchable=False),
    ConstraintFamily(Family.UNIFORM_OFFER, "Same offer in every neighbourhood", Unit.ACTIVITIES, Sense.EQUAL,
               "offer", stretchable=False),
    ConstraintFamily(Family.COLLECTIVE_SHARE, "Share of devolved activities run collectively", Unit.SHARE,
               Sense.AT_LEAST, "min_collective_share", stretchable=True),
    ConstraintFamily(Family.EQUITY, "Devolved activities per neighbourhood", Unit.ACTIVITIES, Sense.AT_LEAST,
               "min_devolved_per_neighbourhood", stretchable=True, per_neighbourhood=True),
)}

LIMITS: tuple[ConstraintFamily, ...] = tuple(c for c in CATALOGUE.values() if c.stretchable)
"""The families reported as limits in a plan, in the order plans list them."""
BUDGETS: tuple[ConstraintFamily, ...] = tuple(c for c in LIMITS if c.resource is not None)
"""The limits an option spends a resource of (the rest are floors on counts and shares)."""
