"""The words of the method, as validated, immutable data.

Everything here is checked once on construction and never mutated afterwards: to change an
assessment, build a new one with ``model_copy(update=...)``. The core functions (decompose,
score, optimise, explain) take these objects and return new ones; files live in ``devolve.io``.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
ExtraCells = dict[str, str | float | int | bool | None]
"""Unknown columns a user added to a row, kept in order so they survive a round trip."""


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


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

STAGES: tuple[Stage, ...] = tuple(Stage)


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


class ScoreSource(str, Enum):
    ASSESSED = "assessed"
    DEFAULT = "default"


class Offer(str, Enum):
    """Whether each neighbourhood may get its own arrangement, or all must get the same."""

    DIFFERENTIATED = "differentiated"
    UNIFORM = "uniform"


class SolverName(str, Enum):
    HIGHS = "highs"
    CBC = "cbc"


# --------------------------------------------------------------------------- rubric


class Level(Frozen):
    """One anchored point of a criterion's scale."""

    value: int
    label: str
    descriptor: str
    guiding_questions: tuple[str, ...] = ()


class CriterionRubric(Frozen):
    """How one criterion is scored: its question and its anchored levels."""

    criterion: Criterion
    question: str
    default_weight: float = Field(ge=0, allow_inf_nan=False)
    levels: tuple[Level, ...]

    @field_validator("levels")
    @classmethod
    def _levels_distinct(cls, levels: tuple[Level, ...]) -> tuple[Level, ...]:
        values = [lv.value for lv in levels]
        if len(set(values)) != len(values):
            raise ValueError(f"level values repeat: {values}")
        return tuple(sorted(levels, key=lambda lv: lv.value))


class PartnershipConfiguration(Frozen):
    """An arrangement of council, councillors, intermediaries and citizens that could run an activity.

    Costs are relative to the activity's share of cost in the neighbourhood, so one configuration
    serves a £20k activity and a £2m one alike.
    """

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    description: str
    collective: bool
    setup_cost: Money
    """One-off transition cost in £ for each activity devolved in one neighbourhood."""
    setup_rate: Share
    """Further one-off cost as a share of the activity's annual cost in that neighbourhood."""
    running_cost_factor: float = Field(gt=0, le=3, allow_inf_nan=False)
    """Annual paid cost after devolution relative to today (0.9 = ten per cent cheaper)."""
    volunteer_hours_per_1000: float = Field(ge=0, allow_inf_nan=False)
    """Co-production effort: volunteer hours a year per £1,000 of the activity's annual cost."""
    risk_of_failure: Share
    """Chance a year that the arrangement fails and the council must step back in."""
    suited_stages: tuple[Stage, ...] = ()
    """Stages where this arrangement has a track record; elsewhere its fit is one level lower."""


class ServiceTypePrior(Frozen):
    """First guesses for a service type, marked as defaults until someone assesses them."""

    service_type: ServiceType
    cost_split: dict[Stage, Share]
    default_scores: dict[Criterion, int]
    lost_economies_of_scale: float = Field(ge=0, le=1, allow_inf_nan=False)
    """Extra annual cost, as a share of the devolved cost, of running at neighbourhood scale."""

    @field_validator("cost_split")
    @classmethod
    def _split_is_whole(cls, split: dict[Stage, float]) -> dict[Stage, float]:
        missing = [s.value for s in STAGES if s not in split]
        if missing:
            raise ValueError(f"cost_split has no share for {', '.join(missing)}")
        total = sum(split.values())
        if abs(total - 1) > 1e-6:
            raise ValueError(f"cost_split shares add up to {total:.4f}, not 1")
        return {s: split[s] for s in STAGES}

    @field_validator("default_scores")
    @classmethod
    def _all_criteria(cls, scores: dict[Criterion, int]) -> dict[Criterion, int]:
        missing = [c.value for c in CRITERIA if c not in scores]
        if missing:
            raise ValueError(f"default_scores has no score for {', '.join(missing)}")
        return {c: scores[c] for c in CRITERIA}


class StageGuide(Frozen):
    """What a stage means and how its first-guess scores differ from the service type's."""

    stage: Stage
    description: str
    score_adjustments: dict[Criterion, int] = {}


class CoherenceRule(Frozen):
    """Devolving one stage of a service in a neighbourhood needs another devolved there too."""

    stage: Stage
    requires: Stage
    reason: str

    @model_validator(mode="after")
    def _not_self(self) -> CoherenceRule:
        if self.stage == self.requires:
            raise ValueError(f"a stage cannot require itself ({self.stage.value})")
        return self


class Outcome(Frozen):
    key: str
    name: str
    neighbourhood_lift: int = Field(default=0, ge=0, le=2)
    """Levels added to the default outcomes score of a service that serves this outcome."""


class OutcomeFramework(Frozen):
    key: str
    name: str
    outcomes: tuple[Outcome, ...]


class CapacityAssumptions(Frozen):
    """How co-production capacity is estimated when a neighbourhood does not give its own.

    Editable assumptions, not facts: willingness to co-produce rises with age, so the share of
    residents aged 65 and over gets its own participation rate.
    """

    participation_under_65: Share
    participation_65_plus: Share
    hours_per_volunteer: float = Field(gt=0, allow_inf_nan=False)
    max_neighbourhood_population: int = Field(gt=0)
    """Above this a 'neighbourhood' is bigger than any place residents would call one."""


class RetentionRules(Frozen):
    """When an activity is kept at today's scale whatever its scores."""

    min_unbundling: int
    """Activities scored below this cannot be separated from the chain, so are retained."""
    statutory_stages: tuple[Stage, ...]
    """Stages a statutory duty keeps with the council (accountability cannot be devolved)."""


class Rubric(Frozen):
    """Everything a council's method is tailored by, loaded from ``rubrics/*.toml``."""

    name: str
    description: str = ""
    scale_min: int
    scale_max: int
    neutral: int
    """The level meaning "no better or worse than today's scale"."""
    criteria: dict[Criterion, CriterionRubric]
    configurations: tuple[PartnershipConfiguration, ...]
    service_types: dict[ServiceType, ServiceTypePrior]
    stages: dict[Stage, StageGuide]
    coherence: tuple[CoherenceRule, ...] = ()
    outcome_frameworks: tuple[OutcomeFramework, ...]
    capacity: CapacityAssumptions
    retention: RetentionRules

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        if not self.scale_min < self.neutral < self.scale_max:
            raise ValueError(
                f"neutral level {self.neutral} must lie strictly between "
                f"{self.scale_min} and {self.scale_max}"
            )
        problems: list[str] = []
        for c in CRITERIA:
            if c not in self.criteria:
                problems.append(f"criterion {c.value} is missing")
                continue
            values = [lv.value for lv in self.criteria[c].levels]
            if values != list(range(self.scale_min, self.scale_max + 1)):
                problems.append(
                    f"criterion {c.value} must anchor every level {self.scale_min}..{self.scale_max}"
                )
        for t in ServiceType:
            if t not in self.service_types:
                problems.append(f"service type {t.value} has no priors")
            else:
                for c, v in self.service_types[t].default_scores.items():
                    if not self.scale_min <= v <= self.scale_max:
                        problems.append(f"{t.value} default {c.value} score {v} is off the scale")
        for s in STAGES:
            if s not in self.stages:
                problems.append(f"stage {s.value} has no guide")
        keys = [cfg.key for cfg in self.configurations]
        if not keys:
            problems.append("at least one partnership configuration is needed")
        if len(set(keys)) != len(keys):
            problems.append(f"partnership configuration keys repeat: {keys}")
        outcome_keys = [o.key for f in self.outcome_frameworks for o in f.outcomes]
        if len(set(outcome_keys)) != len(outcome_keys):
            problems.append("outcome keys repeat across frameworks")
        if not self.scale_min <= self.retention.min_unbundling <= self.scale_max:
            problems.append("retention.min_unbundling is off the scale")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def levels(self) -> range:
        return range(self.scale_min, self.scale_max + 1)

    def configuration(self, key: str) -> PartnershipConfiguration:
        for cfg in self.configurations:
            if cfg.key == key:
                return cfg
        raise KeyError(key)

    @property
    def outcomes(self) -> dict[str, Outcome]:
        return {o.key: o for f in self.outcome_frameworks for o in f.outcomes}

    def default_weights(self) -> dict[Criterion, float]:
        return {c: self.criteria[c].default_weight for c in CRITERIA}


# --------------------------------------------------------------------------- inventory


class Service(Frozen):
    """A service as the council's inventory lists it."""

    service_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1)
    directorate: str = Field(min_length=1)
    service_type: ServiceType
    annual_budget: Money
    """Net annual revenue budget in £."""
    statutory: bool = False
    outcomes: tuple[str, ...] = ()
    lgsl_id: int | None = Field(default=None, ge=1)
    """Local Government Service List identifier, for comparing services across councils."""
    extra: ExtraCells = {}


class Score(Frozen):
    """One score for one criterion of one activity, and where it came from."""

    criterion: Criterion
    value: int
    source: ScoreSource
    assessor: str | None = None
    rationale: str | None = None
    evidence: str | None = None


class Activity(Frozen):
    """One value-chain stage of one service.

    ``scores`` holds every assessor's scores (several assessors may score the same activity);
    a criterion nobody assessed holds one rubric default.
    """

    service_id: str
    stage: Stage
    cost_share: Share
    cost_share_source: ScoreSource = ScoreSource.DEFAULT
    must_retain: bool = False
    retain_reason: str | None = None
    scores: tuple[Score, ...]
    extra: ExtraCells = {}

    @property
    def activity_id(self) -> str:
        return activity_id(self.service_id, self.stage)

    def scores_for(self, criterion: Criterion) -> tuple[Score, ...]:
        return tuple(s for s in self.scores if s.criterion == criterion)

    def score(self, criterion: Criterion) -> float:
        """The score the optimiser uses: the mean of assessed scores, else the default."""
        found = self.scores_for(criterion)
        assessed = [s.value for s in found if s.source == ScoreSource.ASSESSED]
        if assessed:
            return sum(assessed) / len(assessed)
        return float(found[0].value)

    def spread(self, criterion: Criterion) -> int:
        """Highest minus lowest assessed score: how far assessors disagree."""
        assessed = [s.value for s in self.scores_for(criterion) if s.source == ScoreSource.ASSESSED]
        return max(assessed) - min(assessed) if assessed else 0

    def is_default(self, criterion: Criterion) -> bool:
        return all(s.source == ScoreSource.DEFAULT for s in self.scores_for(criterion))

    @model_validator(mode="after")
    def _every_criterion_scored(self) -> Activity:
        missing = [c.value for c in CRITERIA if not self.scores_for(c)]
        if missing:
            raise ValueError(f"{self.activity_id} has no score for {', '.join(missing)}")
        return self


def activity_id(service_id: str, stage: Stage) -> str:
    return f"{service_id}:{stage.value}"


class Neighbourhood(Frozen):
    neighbourhood_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1)
    population: int = Field(gt=0)
    share_aged_65_plus: Share
    volunteer_hours: float = Field(ge=0, allow_inf_nan=False)
    """Co-production capacity: volunteer hours a year residents could give."""
    volunteer_hours_source: ScoreSource = ScoreSource.DEFAULT
    intermediaries: int = Field(default=0, ge=0)
    """Third-sector intermediaries active here: street representatives, community groups."""
    extra: ExtraCells = {}


class Scenario(Frozen):
    """The limits and choices one optimisation run is made under."""

    name: str = "Base scenario"
    weights: dict[Criterion, float]
    transition_budget: Money
    """One-off £ available to set devolved arrangements up."""
    running_cost_limit: float = Field(allow_inf_nan=False)
    """Largest allowed change in annual running cost in £ (negative: a saving is required)."""
    contingency_reserve: Money
    """£ held back to step in where a devolved arrangement fails."""
    capacity_use: Share = 1.0
    """Share of each neighbourhood's volunteer hours the plan may call on."""
    configurations: tuple[str, ...] = ()
    """Partnership configurations on offer; empty means every one in the rubric."""
    offer: Offer = Offer.DIFFERENTIATED
    min_collective_share: Share = 0.0
    """Smallest share of devolved activities run by collective arrangements."""
    min_devolved_per_neighbourhood: int = Field(default=0, ge=0)
    """Equity floor: each neighbourhood gets at least this many devolved activities."""
    solver: SolverName = SolverName.HIGHS
    time_limit_seconds: float = Field(default=60, gt=0, allow_inf_nan=False)
    relative_gap: float = Field(default=0.005, ge=0, le=1, allow_inf_nan=False)
    extra: ExtraCells = {}

    @field_validator("weights")
    @classmethod
    def _weights(cls, weights: dict[Criterion, float]) -> dict[Criterion, float]:
        missing = [c.value for c in CRITERIA if c not in weights]
        if missing:
            raise ValueError(f"weights missing for {', '.join(missing)}")
        if any(w < 0 for w in weights.values()):
            raise ValueError("weights cannot be negative")
        if sum(weights.values()) <= 0:
            raise ValueError("at least one weight must be positive")
        return {c: float(weights[c]) for c in CRITERIA}


class Assessment(Frozen):
    """A whole assessment: the rubric it is scored against, the inventory, and the scenario."""

    rubric: Rubric
    services: tuple[Service, ...]
    activities: tuple[Activity, ...]
    neighbourhoods: tuple[Neighbourhood, ...]
    scenario: Scenario

    @model_validator(mode="after")
    def _ids_resolve(self) -> Assessment:
        problems: list[str] = []
        service_ids = [s.service_id for s in self.services]
        if len(set(service_ids)) != len(service_ids):
            problems.append("service ids repeat")
        known = set(service_ids)
        seen: set[tuple[str, Stage]] = set()
        for a in self.activities:
            if a.service_id not in known:
                problems.append(f"activity {a.activity_id} names no known service")
            if (a.service_id, a.stage) in seen:
                problems.append(f"activity {a.activity_id} appears twice")
            seen.add((a.service_id, a.stage))
        n_ids = [n.neighbourhood_id for n in self.neighbourhoods]
        if len(set(n_ids)) != len(n_ids):
            problems.append("neighbourhood ids repeat")
        offered = {cfg.key for cfg in self.rubric.configurations}
        for key in self.scenario.configurations:
            if key not in offered:
                problems.append(f"scenario offers configuration {key!r}, not in the rubric")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def service(self, service_id: str) -> Service:
        return self.services_by_id()[service_id]

    def services_by_id(self) -> dict[str, Service]:
        """Built on each call, not cached: ``model_copy(update=...)`` would leave a cache stale."""
        return {s.service_id: s for s in self.services}

    def activity_cost(self, activity: Activity) -> float:
        """Annual £ cost of an activity across the whole council."""
        return self.service(activity.service_id).annual_budget * activity.cost_share

    def offered_configurations(self) -> tuple[PartnershipConfiguration, ...]:
        keys = self.scenario.configurations
        if not keys:
            return self.rubric.configurations
        return tuple(self.rubric.configuration(k) for k in keys)


SheetName = Literal["Services", "Activities", "Neighbourhoods", "Scenario"]
