"""A scenario: the limits and choices one optimisation run is made under, and its settings.

Each setting is declared once, on its field of :class:`Scenario`, with a :class:`Setting`
beside the type: what kind of value it is, what it means and its default in words. The
Scenario sheet, the TOML loader, the template's drop-downs and README sheet and
``docs/input-format.md`` all read :data:`SETTINGS`, which is made from those declarations.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Annotated, Any, Callable

import annotated_types
from pydantic import Field, field_validator
from pydantic.fields import FieldInfo

from devolve.core.rubric import Rubric
from devolve.core.terms import (
    BENEFITS,
    Benefit,
    Consensus,
    ExtraCells,
    Frozen,
    Kind,
    Money,
    Offer,
    Share,
    SolverName,
)

TRANSITION_BUDGET_SHARE = 0.01
"""Default one-off transition budget: 1% of the services' total annual budget."""
CONTINGENCY_RESERVE_SHARE = 0.005
"""Default contingency reserve: 0.5% of the services' total annual budget."""


@dataclass(frozen=True)
class Setting:
    """How one scenario setting is written, read and explained to people.

    Declared on a :class:`Scenario` field; :data:`SETTINGS` adds the ``key`` people write and
    the ``field`` it sets (the weights field gives one setting per criterion).
    """

    kind: Kind
    meaning: str
    default: str = ""
    """The default in words, as the README sheet and the documentation show it (left out: the
    field's own default, as written)."""
    expected: str | None = None
    """What a number must be, in the words a problem report uses."""
    allowed: str | None = None
    """What to enter, in the README's words, where they differ from ``expected``."""
    minimum: float | None = None
    strict: bool = False
    """The number must be above ``minimum``, not merely at least it (left out: the field's own
    bound, ``ge`` or ``gt``)."""
    choices: Callable[[Rubric], tuple[str, ...]] | None = None
    """The values a drop-down offers (from the rubric where they depend on it)."""
    per_benefit: bool = False
    key: str = ""
    field: str = ""
    benefit: Benefit | None = None

    def value_in(self, scenario: Scenario) -> Any:
        """This setting's value in ``scenario``, as a cell of the Scenario sheet holds it."""
        if self.benefit is not None:
            return scenario.weights[self.benefit]
        return _cell(getattr(scenario, self.field))

    def template_value(self, rubric: Rubric) -> Any:
        """What a blank template shows: the default, or blank where it depends on the services."""
        if self.benefit is not None:
            return rubric.default_weights()[self.benefit]
        if self.field == "residents_share":
            return rubric.value.residents_share
        info = Scenario.model_fields[self.field]
        return None if info.is_required() else _cell(info.default)


def _cell(value: Any) -> Any:
    if isinstance(value, tuple):
        return ", ".join(value) or None
    return getattr(value, "value", value)


def _keys(options: type) -> Callable[[Rubric], tuple[str, ...]]:
    return lambda rubric: tuple(o.value for o in options)


def _configurations(rubric: Rubric) -> tuple[str, ...]:
    return tuple(c.key for c in rubric.configurations)


class Scenario(Frozen):
    """The limits and choices one optimisation run is made under."""

    name: Annotated[str, Setting(Kind.TEXT, "A name for the scenario, shown on the plan.")] = "Base scenario"
    weights: Annotated[dict[Benefit, float], Setting(
        Kind.NUMBER, "Relative weight of {benefit} (weights need not add to 1).",
        "the rubric's default weight", expected="a number, 0 or more", minimum=0, per_benefit=True)]
    transition_budget: Annotated[Money, Setting(
        Kind.MONEY, "One-off £ available to set devolved arrangements up.",
        f"{TRANSITION_BUDGET_SHARE:.0%} of the services' total annual budget")]
    running_cost_limit: Annotated[float, Field(allow_inf_nan=False), Setting(
        Kind.NUMBER, "Largest allowed change in annual running cost in £; negative means the plan must "
        "save at least that much.", "0 (cost-neutral)",
        expected="a number of pounds (negative: a saving is required)",
        allowed="a number of pounds (negative: a saving)")] = 0.0
    contingency_reserve: Annotated[Money, Setting(
        Kind.MONEY, "£ held back to step in where a devolved arrangement fails.",
        f"{CONTINGENCY_RESERVE_SHARE:.1%} of the services' total annual budget")]
    capacity_use: Annotated[Share, Setting(
        Kind.SHARE, "Share of each neighbourhood's volunteer hours the plan may call on.",
        "1 (all of it)")] = 1.0
    residents_share: Annotated[Share, Setting(
        Kind.SHARE, "Share of a neighbourhood's own priorities (the Priorities sheet) in its weights; the "
        "council's weights have the rest.", "the rubric's residents_share")] = 0.5
    consensus: Annotated[Consensus, Setting(
        Kind.CHOICE, "How several assessors' scores for one criterion become the score the plan uses: "
        "median (the middle view; one outlying score cannot move it far) or mean.",
        choices=_keys(Consensus))] = Consensus.MEDIAN
    configurations: Annotated[tuple[str, ...], Setting(
        Kind.KEYS, "Partnership configurations on offer, as rubric keys separated by commas.",
        "every configuration in the rubric", choices=_configurations)] = ()
    offer: Annotated[Offer, Setting(
        Kind.CHOICE, "differentiated: each neighbourhood may get its own arrangement; uniform: all get "
        "the same.", choices=_keys(Offer))] = Offer.DIFFERENTIATED
    min_collective_share: Annotated[Share, Setting(
        Kind.SHARE, "Smallest share of devolved activities run by collective arrangements.")] = 0.0
    min_devolved_per_neighbourhood: Annotated[int, Field(ge=0), Setting(
        Kind.WHOLE, "Equity floor: each neighbourhood gets at least this many devolved activities.")] = 0
    solver: Annotated[SolverName, Setting(
        Kind.CHOICE, "The optimisation solver.", choices=_keys(SolverName))] = SolverName.HIGHS
    time_limit_seconds: Annotated[float, Field(gt=0, allow_inf_nan=False), Setting(
        Kind.NUMBER, "Longest the solver may run, in seconds.", expected="a number of seconds above 0")] = 60
    relative_gap: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False), Setting(
        Kind.SHARE, "Stop when the plan is proven within this share of the best possible "
        "(0.005 = 0.5%).")] = 0.005
    extra: ExtraCells = {}
    """Settings devolve does not use, kept as the user wrote them."""

    @field_validator("weights")
    @classmethod
    def _weights(cls, weights: dict[Benefit, float]) -> dict[Benefit, float]:
        missing = [b.value for b in BENEFITS if b not in weights]
        if missing:
            raise ValueError(f"weights missing for {', '.join(missing)}")
        if any(w < 0 for w in weights.values()):
            raise ValueError("weights cannot be negative")
        if sum(weights.values()) <= 0:
            raise ValueError("at least one weight must be positive")
        return {b: float(weights[b]) for b in BENEFITS}


RETIRED_SETTINGS: dict[str, str] = {
    "weight_unbundling": "unbundling is no longer weighted; it is the chance an activity can work locally "
    "(the rubric's unbundling levels), which scales the other benefits, so this setting is ignored",
}
"""Settings earlier versions read, with why they are ignored now (a warning, not an error)."""


def _settings() -> tuple[Setting, ...]:
    table: list[Setting] = []
    for name, info in Scenario.model_fields.items():
        about = next((m for m in info.metadata if isinstance(m, Setting)), None)
        if about is None:
            continue
        about = dataclasses.replace(about, field=name, **_from_the_field(about, info))
        if about.per_benefit:
            table += [
                dataclasses.replace(about, key=f"weight_{b.value}", benefit=b,
                                    meaning=about.meaning.format(benefit=_benefit_words(b)))
                for b in BENEFITS
            ]
        else:
            table.append(dataclasses.replace(about, key=name))
    return tuple(table)


def _benefit_words(benefit: Benefit) -> str:
    return {
        Benefit.OUTCOMES: "the outcomes criterion (counted by residents reached)",
        Benefit.PARTNERSHIP: "the partnership configuration criterion (cost-effectiveness, counted by the £ at stake)",
        Benefit.RESILIENCE: "the resilience criterion (counted by the £ at stake)",
        Benefit.VOLUNTEER_TIME: "volunteer time mobilised (counted in hours)",
    }[benefit]


def _from_the_field(about: Setting, info: FieldInfo) -> dict[str, Any]:
    """What a setting leaves out, read from its field: the default and the lower bound."""
    found: dict[str, Any] = {}
    if not about.default and not info.is_required():
        found["default"] = f"{_cell(info.default):g}" if isinstance(info.default, (int, float)) \
            else str(_cell(info.default))
    if about.minimum is None:
        for bound in info.metadata:
            if isinstance(bound, annotated_types.Ge):
                found["minimum"] = bound.ge
            elif isinstance(bound, annotated_types.Gt):
                found["minimum"], found["strict"] = bound.gt, True
    return found


SETTINGS: tuple[Setting, ...] = _settings()
"""Every scenario setting, in the order the Scenario sheet lists them."""
SETTING_KEYS: tuple[str, ...] = tuple(s.key for s in SETTINGS)
SETTINGS_BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}


def settings_of(scenario: Scenario) -> list[tuple[str, Any]]:
    """A scenario as (setting, value) rows, the way the Scenario sheet holds it."""
    return [(s.key, s.value_in(scenario)) for s in SETTINGS] + list(scenario.extra.items())


def template_values(rubric: Rubric) -> dict[str, Any]:
    """What a blank template's Scenario sheet shows: every default that needs no services.

    The two budgets depend on the services' total, so they are left blank (blank = default).
    """
    return {s.key: s.template_value(rubric) for s in SETTINGS}
