"""A rubric: everything a council's method is tailored by, as one validated object.

Loaded from ``rubrics/*.toml`` by :mod:`devolve.io.toml`; a team copies one and edits it, so
every rule here names what is wrong in words the editor of that file would understand.
"""

from __future__ import annotations

import math

from pydantic import Field, field_validator, model_validator

from devolve.core.terms import (
    BENEFITS,
    CRITERIA,
    STAGES,
    Benefit,
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
    chance: Share | None = None
    """For unbundling only: the chance an activity scored at this level works locally."""


class CriterionRubric(Frozen):
    """How one criterion is scored: its question and its anchored levels."""

    criterion: Criterion
    question: str
    default_weight: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    """How much this criterion's benefit weighs (unbundling has none: it is a chance)."""
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
    area_setup_cost: Money = 0.0
    """One-off £ to set up a body that serves a whole neighbourhood (a forum, an intermediary),
    paid once however many services it takes on there."""
    partnership_setup_cost: Money
    """One-off £ to set up one service's partnership in one neighbourhood (agreements, induction)."""
    setup_rate: Share
    """Further one-off cost as a share of each devolved activity's annual cost in the neighbourhood."""
    running_cost_factor: float = Field(gt=0, le=3, allow_inf_nan=False)
    """Annual paid cost after devolution relative to today (0.9 = ten per cent cheaper)."""
    volunteer_hours_per_1000: float = Field(ge=0, allow_inf_nan=False)
    """Co-production effort: volunteer hours a year per £1,000 of the activity's annual cost."""
    risk_of_failure: Share
    """Chance a year that the arrangement fails and the council must step back in."""
    spillover: Share = 0.0
    """Share of the residents who do not use the service that a collective arrangement also
    benefits (the wider good of collective co-production); 0 for individual co-production."""
    suited_stages: tuple[Stage, ...] = ()
    """The stages this arrangement has a track record at: the only ones it is offered for."""


class ServiceTypePrior(Frozen):
    """First guesses for a service type, marked as defaults until someone assesses them."""

    service_type: ServiceType
    cost_split: dict[Stage, Share]
    default_scores: dict[Criterion, int]
    lost_economies_of_scale: float = Field(ge=0, le=1, allow_inf_nan=False)
    """Extra annual cost, as a share of the devolved cost, of running at neighbourhood scale."""
    user_share: Share
    """Share of residents who use a service of this type in a year, where the inventory does not
    give its users."""

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

    def areas(self, population: int) -> int:
        """How many partnership areas of plausible size a place of this population makes: one
        for a neighbourhood, more for a district drawn by an agency (docs/model.md)."""
        return max(1, math.ceil(population / self.max_neighbourhood_population))


class RetentionRules(Frozen):
    """When an activity is kept at today's scale whatever its scores."""

    min_unbundling: int
    """Activities scored below this cannot be separated from the chain, so are retained."""
    statutory_stages: tuple[Stage, ...]
    """Stages a statutory duty keeps with the council (accountability cannot be devolved)."""


class ValueAssumptions(Frozen):
    """How an option's value is counted beyond the scores (docs/model.md, section 3)."""

    volunteer_hour_value: Money
    """£ an hour of volunteer time is worth when it is reported (the replacement cost of the work)."""
    volunteer_time_weight: float = Field(ge=0, allow_inf_nan=False)
    """Default weight of volunteer time mobilised, beside the three criteria's."""
    residents_share: Share
    """Default share of a neighbourhood's own priorities in its weights, where it states them."""


class EvidenceRule(Frozen):
    """How far a plan may rest on the rubric's first guesses."""

    default_factor: Share
    """Share of its value an option keeps while any of its activity's scores is a default."""
    assess_first_above: Money
    """£ a year: an activity this large, scored on defaults alone, is never recommended; it is
    listed as "assess first"."""


class PartnershipRules(Frozen):
    """What makes a plan one a council can run: partnerships, not fragments."""

    max_per_neighbourhood: int = Field(gt=0)
    """Most service partnerships one neighbourhood team can hold (manageability)."""
    max_arrangements_per_service: int = Field(gt=0)
    """Most arrangements one service may use in one neighbourhood."""
    min_annual_at_stake: Money
    """£ a year: an activity spending less than this in a neighbourhood is not worth a partnership."""
    assessment_not_alone: tuple[ServiceType, ...] = ()
    """Service types whose assessment is devolved only beside another of their activities."""
    min_neighbourhoods_per_service: int = Field(default=1, ge=1)
    """A service devolved at all is devolved in at least this many neighbourhoods (or in every one,
    where the council has fewer): no one-off that nobody can compare with or learn from."""


class BalanceRules(Frozen):
    """How the plan's value is spread: after residents, and into the work itself.

    Both are shares of the plan's positive value (what options worth more than today add), so a
    plan that devolves nothing meets them; 0 switches a rule off.
    """

    fair_share: Share = 0.0
    """Each neighbourhood's share of the value is at least this fraction of its share of
    residents (0.5: no neighbourhood gets less than half its fair share)."""
    co_delivery_share: Share = 0.0
    """Management and delivery (the Four Co's co-delivery) carry at least this share of the value:
    the work itself devolved, not only the talking about it."""


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
    value: ValueAssumptions
    evidence: EvidenceRule
    partnerships: PartnershipRules
    balance: BalanceRules = BalanceRules()

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
            weighed = self.criteria[c].default_weight is not None
            if c == Criterion.UNBUNDLING:
                if weighed:
                    problems.append("unbundling has no default_weight: it is the chance an activity works "
                                    "locally, which multiplies the other criteria's value")
                chances = [lv.chance for lv in self.criteria[c].levels]
                if None in chances:
                    problems.append("every unbundling level needs its chance of working locally")
                elif chances != sorted(chances):
                    problems.append("unbundling chances must not fall as the level rises")
            elif not weighed:
                problems.append(f"criterion {c.value} needs a default_weight")
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

    def default_weights(self) -> dict[Benefit, float]:
        """The weights of the benefits when a scenario states none."""
        return {b: self.value.volunteer_time_weight if b.criterion is None else self.criteria[b.criterion].default_weight
                for b in BENEFITS}

    def chance(self, unbundling: float) -> float:
        """The chance an activity with this unbundling score (a mean of several assessors') works
        locally, read between the anchored levels."""
        levels = self.criteria[Criterion.UNBUNDLING].levels
        low = max(self.scale_min, min(self.scale_max, int(unbundling)))
        high = min(self.scale_max, low + 1)
        at = {lv.value: lv.chance for lv in levels}
        return at[low] + (at[high] - at[low]) * (unbundling - low)
