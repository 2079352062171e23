"""The council as assessed: services, their activities and scores, neighbourhoods, the assessment.

Validated, immutable data (see :class:`~devolve.core.terms.Frozen`): the assessment functions
and the optimiser take these objects and return new ones; files live in ``devolve.io``.
"""

from __future__ import annotations

from enum import Enum

from pydantic import Field, model_validator

from devolve.core.rubric import PartnershipConfiguration, Rubric
from devolve.core.scenario import Scenario
from devolve.core.terms import (
    CRITERIA,
    DISAGREEMENT_LEVELS,
    ActivityKey,
    Benefit,
    Consensus,
    Criterion,
    ExtraCells,
    Frozen,
    Money,
    OfActivity,
    ScoreSource,
    ServiceType,
    Share,
)


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
    users: int | None = Field(default=None, ge=0)
    """Residents who use the service in a year (its caseload); None: the rubric's share of
    residents for its type."""
    extra: ExtraCells = {}


class Score(Frozen):
    """One score for one criterion of one activity, and where it came from."""

    criterion: Criterion
    value: int
    source: ScoreSource
    assessor: str | None = None
    rationale: str | None = None
    evidence: str | None = None


class Activity(OfActivity):
    """One value-chain stage of one service.

    ``scores`` holds every assessor's scores (several assessors may score the same activity);
    a criterion nobody assessed holds one rubric default.
    """

    cost_share: Share
    cost_share_source: ScoreSource = ScoreSource.DEFAULT
    must_retain: bool = False
    retain_reason: str | None = None
    scores: tuple[Score, ...]
    extra: ExtraCells = {}

    def scores_for(self, criterion: Criterion) -> tuple[Score, ...]:
        return tuple(s for s in self.scores if s.criterion == criterion)

    def score(self, criterion: Criterion, consensus: Consensus = Consensus.MEDIAN) -> float:
        """The score the optimiser uses: the assessors' consensus (the scenario chooses median or
        mean), else the rubric's default."""
        found = self.scores_for(criterion)
        assessed = sorted(s.value for s in found if s.source == ScoreSource.ASSESSED)
        if not assessed:
            return float(found[0].value)
        if consensus == Consensus.MEAN:
            return sum(assessed) / len(assessed)
        middle = len(assessed) // 2
        return float(assessed[middle]) if len(assessed) % 2 else (assessed[middle - 1] + assessed[middle]) / 2

    def spread(self, criterion: Criterion) -> int:
        """Highest minus lowest assessed score: how far assessors disagree."""
        assessed = [s.value for s in self.scores_for(criterion) if s.source == ScoreSource.ASSESSED]
        return max(assessed) - min(assessed) if assessed else 0

    def disagreements(self) -> tuple[Criterion, ...]:
        """The criteria on which assessors differ by more than one level: to discuss, not average away."""
        return tuple(c for c in CRITERIA if self.spread(c) > DISAGREEMENT_LEVELS)

    def is_default(self, criterion: Criterion) -> bool:
        return all(s.source == ScoreSource.DEFAULT for s in self.scores_for(criterion))

    @model_validator(mode="after")
    def _every_criterion_scored(self) -> Activity:
        missing = [c.value for c in CRITERIA if not self.scores_for(c)]
        if missing:
            raise ValueError(f"{self.activity_id} has no score for {', '.join(missing)}")
        return self


class RetentionKind(str, Enum):
    """Why an activity stays at today's scale whatever its scores."""

    MUST_RETAIN = "must retain"
    STATUTORY = "statutory duty"
    NOT_SEPARABLE = "cannot be unbundled"


class Retention(OfActivity):
    """An activity kept at today's scale, and why (see :mod:`devolve.assess.retention`)."""

    kind: RetentionKind
    reason: str | None = None
    """The assessment's own words, for an activity marked must retain."""
    unbundling: float | None = None
    """The activity's unbundling score, when that is below the rubric's minimum."""
    minimum: int | None = None


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


class Priorities(Frozen):
    """A neighbourhood's own priorities, from a forum, a workshop or a survey (co-decision).

    They are blended with the council's: the scenario's ``residents_share`` is their share.
    """

    neighbourhood_id: str
    source: str | None = None
    """Where they come from, e.g. "Ward forum, March 2026"."""
    weights: dict[Benefit, float] = {}
    """The benefits' weights as residents put them (empty: none stated)."""
    services: dict[str, float] = {}
    """Service id → how much residents want it (any positive scale; unlisted services count as
    the average of those listed)."""
    extra: ExtraCells = {}

    @model_validator(mode="after")
    def _sensible(self) -> Priorities:
        if self.weights and (any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0):
            raise ValueError("residents' weights must be 0 or more, and not all 0")
        if any(p <= 0 for p in self.services.values()):
            raise ValueError("a service's priority must be above 0")
        return self


class Assessment(Frozen):
    """A whole assessment: the rubric it is scored against, the inventory, and the scenario."""

    rubric: Rubric
    services: tuple[Service, ...]
    activities: tuple[Activity, ...]
    neighbourhoods: tuple[Neighbourhood, ...]
    scenario: Scenario
    priorities: tuple[Priorities, ...] = ()
    """Residents' own priorities, for the neighbourhoods that stated them."""

    @model_validator(mode="after")
    def _ids_resolve(self) -> Assessment:
        problems: list[str] = []
        service_ids = [s.service_id for s in self.services]
        if len(set(service_ids)) != len(service_ids):
            problems.append("service ids repeat")
        known = set(service_ids)
        seen: set[ActivityKey] = set()
        for a in self.activities:
            if a.service_id not in known:
                problems.append(f"activity {a.activity_id} names no known service")
            if a.key in seen:
                problems.append(f"activity {a.activity_id} appears twice")
            seen.add(a.key)
        n_ids = [n.neighbourhood_id for n in self.neighbourhoods]
        if len(set(n_ids)) != len(n_ids):
            problems.append("neighbourhood ids repeat")
        offered = {cfg.key for cfg in self.rubric.configurations}
        for key in self.scenario.configurations:
            if key not in offered:
                problems.append(f"scenario offers configuration {key!r}, not in the rubric")
        places = set(n_ids)
        stated = [p.neighbourhood_id for p in self.priorities]
        if len(set(stated)) != len(stated):
            problems.append("a neighbourhood's priorities are given twice")
        for p in self.priorities:
            if p.neighbourhood_id not in places:
                problems.append(f"priorities name no known neighbourhood {p.neighbourhood_id!r}")
            unknown = sorted(set(p.services) - known)
            if unknown:
                problems.append(f"priorities for {p.neighbourhood_id} name no known service {', '.join(unknown)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def service(self, service_id: str) -> Service:
        return self.services_by_id()[service_id]

    def services_by_id(self) -> dict[str, Service]:
        return {s.service_id: s for s in self.services}

    def activity_cost(self, activity: Activity) -> float:
        """Annual £ cost of an activity across the whole council."""
        return self.service(activity.service_id).annual_budget * activity.cost_share

    def priorities_of(self, neighbourhood_id: str) -> Priorities | None:
        return next((p for p in self.priorities if p.neighbourhood_id == neighbourhood_id), None)

    def offered_configurations(self) -> tuple[PartnershipConfiguration, ...]:
        keys = self.scenario.configurations
        if not keys:
            return self.rubric.configurations
        return tuple(self.rubric.configuration(k) for k in keys)
