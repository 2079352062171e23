"""The method's vocabulary: stages, criteria, service types, and the immutable base of every record.

Everything built on :class:`Frozen` is checked once on construction and never changed
afterwards. To change one, :meth:`Frozen.replace` builds a new object and validates it like any
other, so a bad change (weights ``{}``, a configuration ``'nope'``) fails at once, by name,
instead of deep inside the optimiser.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, NamedTuple, Self

from pydantic import BaseModel, ConfigDict, Field

Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
ExtraCells = dict[str, str | float | int | bool | None]
"""Unknown columns a user added to a row, kept in order so they survive a round trip."""


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes``, validated as a new object (unknown names are refused).

        Fields left alone are passed as they are: objects that are already valid are not
        checked again, but every rule of this object (its own validators) runs.
        """
        return type(self).model_validate({**dict(self), **changes})

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Self:
        """Pydantic's copy, except that an ``update`` is validated (it goes through :meth:`replace`)."""
        if update:
            return self.replace(**update)
        return super().model_copy(deep=deep)


class Stage(str, Enum):
    """The nine value-chain activities of a service, in the order the chain runs."""

    GOVERNANCE = "governance"
    COMMISSIONING = "commissioning"
    PRIORITISATION = "prioritisation"
    PLANNING = "planning"
    DESIGN = "design"
    FINANCING = "financing"
    MANAGEMENT = "management"
    DELIVERY = "delivery"
    ASSESSMENT = "assessment"

    @property
    def four_co(self) -> str:
        """Where the activity sits in Governance International's Four Co's."""
        return FOUR_COS[self]

    @property
    def label(self) -> str:
        return self.value.capitalize()


FOUR_COS: dict[Stage, str] = {
    Stage.GOVERNANCE: "Co-governance",
    Stage.COMMISSIONING: "Co-commissioning",
    Stage.PRIORITISATION: "Co-commissioning",
    Stage.PLANNING: "Co-commissioning",
    Stage.DESIGN: "Co-design",
    Stage.FINANCING: "Co-financing",
    Stage.MANAGEMENT: "Co-delivery",
    Stage.DELIVERY: "Co-delivery",
    Stage.ASSESSMENT: "Co-assessment",
}
"""Governance and financing sit outside the Star's four; they keep their own names."""

FOUR_CO_ORDER: tuple[str, ...] = tuple(dict.fromkeys(FOUR_COS.values()))
STAGES: tuple[Stage, ...] = tuple(Stage)


class ActivityKey(NamedTuple):
    """Which activity: a service and one stage of its value chain."""

    service_id: str
    stage: Stage

    def __str__(self) -> str:
        """The activity's id as plans and sheets show it: ``ASC01:delivery``."""
        return f"{self.service_id}:{self.stage.value}"


class OfActivity(Frozen):
    """A record about one activity: a service and one stage of its value chain."""

    service_id: str
    stage: Stage

    @property
    def key(self) -> ActivityKey:
        return ActivityKey(self.service_id, self.stage)

    @property
    def activity_id(self) -> str:
        """The activity's id as plans and sheets show it: ``ASC01:delivery``."""
        return str(self.key)


class ServiceType(str, Enum):
    """The old scale typology, used only as editable priors, never as a verdict."""

    TRANSACTIONAL = "transactional"
    PERSONAL = "personal"
    INFRASTRUCTURE = "infrastructure-heavy"
    REGULATORY = "regulatory"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Criterion(str, Enum):
    """The four questions asked of every activity."""

    OUTCOMES = "outcomes"
    UNBUNDLING = "unbundling"
    PARTNERSHIP = "partnership"
    RESILIENCE = "resilience"

    @property
    def label(self) -> str:
        return {
            Criterion.OUTCOMES: "Outcomes",
            Criterion.UNBUNDLING: "Unbundling",
            Criterion.PARTNERSHIP: "Partnership configuration",
            Criterion.RESILIENCE: "Resilience",
        }[self]


CRITERIA: tuple[Criterion, ...] = tuple(Criterion)


class Benefit(str, Enum):
    """What a devolved option is worth, in the terms a council weighs (docs/model.md, section 3).

    Three criteria are benefits, each scaled by what it touches: outcomes by the residents
    reached, cost-effectiveness and resilience by the £ a year at stake. The fourth criterion,
    unbundling, is not weighed: it is the chance the activity works locally, and multiplies.
    Volunteer time mobilised (the core economy) is a benefit of its own.
    """

    OUTCOMES = "outcomes"
    PARTNERSHIP = "partnership"
    RESILIENCE = "resilience"
    VOLUNTEER_TIME = "volunteer_time"

    @property
    def criterion(self) -> Criterion | None:
        """The scored criterion behind this benefit (volunteer time has none)."""
        return None if self == Benefit.VOLUNTEER_TIME else Criterion(self.value)

    @property
    def label(self) -> str:
        return {
            Benefit.OUTCOMES: "Outcomes",
            Benefit.PARTNERSHIP: "Cost-effectiveness",
            Benefit.RESILIENCE: "Resilience",
            Benefit.VOLUNTEER_TIME: "Volunteer time",
        }[self]


BENEFITS: tuple[Benefit, ...] = tuple(Benefit)


class ScoreSource(str, Enum):
    ASSESSED = "assessed"
    DEFAULT = "default"


class Consensus(str, Enum):
    """How several assessors' scores for one criterion become the one score the plan uses."""

    MEDIAN = "median"
    """The middle view (the mean of the middle two for an even count): one outlying assessor
    cannot move it far, as in a decision conference."""
    MEAN = "mean"


DISAGREEMENT_LEVELS = 1
"""Assessors who differ by more than this many levels on one criterion are flagged for discussion."""


class Offer(str, Enum):
    """Whether each neighbourhood may get its own arrangement, or all must get the same."""

    DIFFERENTIATED = "differentiated"
    UNIFORM = "uniform"


class SolverName(str, Enum):
    HIGHS = "highs"
    CBC = "cbc"


class Kind(str, Enum):
    """What a cell or a setting holds, which decides how it is read, checked, formatted and offered."""

    ID = "id"
    TEXT = "text"
    CHOICE = "choice"
    MONEY = "money"
    NUMBER = "number"
    SHARE = "share"
    WHOLE = "whole number"
    YES_NO = "yes/no"
    LEVEL = "score level"
    KEYS = "list of keys"


class Unit(str, Enum):
    """The unit a figure is counted in, so that every figure people see carries one."""

    POUNDS = "£"
    HOURS = "hours"
    ACTIVITIES = "activities"
    PARTNERSHIPS = "partnerships"
    NEIGHBOURHOODS = "neighbourhoods"
    SHARE = "share"
    VALUE = "benefit units"
