"""A rubric: everything a council's method is tailored by, as one validated object.

Loaded from ``rubrics/*.toml`` by :mod:`devolve.io.toml`; a team copies one and edits it, so
every rule here names what is wrong in words the editor of that file would understand.
"""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from devolve.core.terms import (
    CRITERIA,
    STAGES,
    Criterion,
    Frozen,
    Money,
    ServiceType,
    Share,
    Stage,
)


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

    def too_large(self, population: int) -> bool:
        """More residents than any place they would call a neighbourhood."""
        return population > self.max_neighbourhood_population


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
