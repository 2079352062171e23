"""Scenarios: sensible defaults, and settings (from a sheet or a TOML file) applied to them.

A consultant often has only a service list. The defaults below let the optimiser run on that
alone, with limits scaled to the council's size, and every default is written down in
``docs/input-format.md`` so a committee can see what was assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from pydantic import ValidationError

from devolve.domain import CRITERIA, Criterion, Offer, Rubric, Scenario, Service, SolverName
from devolve.io import cells
from devolve.io.cells import CellError
from devolve.io.columns import Kind, normalise_header
from devolve.problems import InvalidInput, Problem, ProblemCode, ProblemReport, Severity
from devolve.rubric import read_toml

TRANSITION_BUDGET_SHARE = 0.01
"""Default one-off transition budget: 1% of the services' total annual budget."""
CONTINGENCY_RESERVE_SHARE = 0.005
"""Default contingency reserve: 0.5% of the services' total annual budget."""


@dataclass(frozen=True)
class SettingSpec:
    key: str
    kind: Kind
    meaning: str
    default: str
    """The default in words, as the README sheet and the documentation show it."""


def _weight(c: Criterion) -> SettingSpec:
    return SettingSpec(
        f"weight_{c.value}",
        Kind.NUMBER,
        f"Relative weight of the {c.label.lower()} criterion (weights need not add to 1).",
        "the rubric's default weight",
    )


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("name", Kind.TEXT, "A name for the scenario, shown on the plan.", "Base scenario"),
    *(_weight(c) for c in CRITERIA),
    SettingSpec("transition_budget", Kind.MONEY, "One-off £ available to set devolved arrangements up.",
                f"{TRANSITION_BUDGET_SHARE:.0%} of the services' total annual budget"),
    SettingSpec("running_cost_limit", Kind.NUMBER, "Largest allowed change in annual running cost in £; "
                "negative means the plan must save at least that much.", "0 (cost-neutral)"),
    SettingSpec("contingency_reserve", Kind.MONEY, "£ held back to step in where a devolved arrangement "
                "fails.", f"{CONTINGENCY_RESERVE_SHARE:.1%} of the services' total annual budget"),
    SettingSpec("capacity_use", Kind.SHARE, "Share of each neighbourhood's volunteer hours the plan may "
                "call on.", "1 (all of it)"),
    SettingSpec("configurations", Kind.KEYS, "Partnership configurations on offer, as rubric keys "
                "separated by commas.", "every configuration in the rubric"),
    SettingSpec("offer", Kind.CHOICE, "differentiated: each neighbourhood may get its own arrangement; "
                "uniform: all get the same.", Offer.DIFFERENTIATED.value),
    SettingSpec("min_collective_share", Kind.SHARE, "Smallest share of devolved activities run by "
                "collective arrangements.", "0"),
    SettingSpec("min_devolved_per_neighbourhood", Kind.WHOLE, "Equity floor: each neighbourhood gets at "
                "least this many devolved activities.", "0"),
    SettingSpec("solver", Kind.CHOICE, "The optimisation solver.", SolverName.HIGHS.value),
    SettingSpec("time_limit_seconds", Kind.NUMBER, "Longest the solver may run, in seconds.", "60"),
    SettingSpec("relative_gap", Kind.SHARE, "Stop when the plan is proven within this share of the best "
                "possible (0.005 = 0.5%).", "0.005"),
)
SETTING_KEYS = tuple(s.key for s in SETTINGS)
_SPECS = {s.key: s for s in SETTINGS}


def default_scenario(rubric: Rubric, services: Iterable[Service]) -> Scenario:
    """The scenario used when the input has none: the rubric's weights, a cost-neutral plan,
    and budgets scaled to the council (1% to set up, 0.5% held in reserve)."""
    total = sum(s.annual_budget for s in services)
    return Scenario(
        weights=rubric.default_weights(),
        transition_budget=round(total * TRANSITION_BUDGET_SHARE),
        running_cost_limit=0.0,
        contingency_reserve=round(total * CONTINGENCY_RESERVE_SHARE),
    )


def template_values(rubric: Rubric) -> dict[str, Any]:
    """What a blank template's Scenario sheet shows: every default that needs no services.

    The two budgets depend on the services' total, so they are left blank (blank = default).
    """
    fields = Scenario.model_fields
    values: dict[str, Any] = {"name": fields["name"].default}
    values |= {f"weight_{c.value}": w for c, w in rubric.default_weights().items()}
    values |= {"transition_budget": None, "running_cost_limit": 0, "contingency_reserve": None}
    for key in ("capacity_use", "offer", "min_collective_share", "min_devolved_per_neighbourhood",
                "solver", "time_limit_seconds", "relative_gap"):
        default = fields[key].default
        values[key] = default.value if hasattr(default, "value") else default
    values["configurations"] = None
    return values


def settings_of(scenario: Scenario) -> list[tuple[str, Any]]:
    """A scenario as (setting, value) rows, the way the Scenario sheet holds it."""
    rows: list[tuple[str, Any]] = [("name", scenario.name)]
    rows += [(f"weight_{c.value}", scenario.weights[c]) for c in CRITERIA]
    rows += [
        ("transition_budget", scenario.transition_budget),
        ("running_cost_limit", scenario.running_cost_limit),
        ("contingency_reserve", scenario.contingency_reserve),
        ("capacity_use", scenario.capacity_use),
        ("configurations", ", ".join(scenario.configurations) or None),
        ("offer", scenario.offer.value),
        ("min_collective_share", scenario.min_collective_share),
        ("min_devolved_per_neighbourhood", scenario.min_devolved_per_neighbourhood),
        ("solver", scenario.solver.value),
        ("time_limit_seconds", scenario.time_limit_seconds),
        ("relative_gap", scenario.relative_gap),
    ]
    rows += list(scenario.extra.items())
    return rows


@dataclass(frozen=True)
class Setting:
    """One setting as the user wrote it, and where, so a problem can point back to it."""

    key: str
    value: Any
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    @property
    def where(self) -> dict[str, Any]:
        return dict(file=self.file, sheet=self.sheet, row=self.row, column=self.column)


def apply_settings(
    rubric: Rubric, base: Scenario, settings: Iterable[Setting], *, keep_unknown: bool = True
) -> tuple[Scenario | None, list[Problem]]:
    """The base scenario with the given settings applied, or None and the problems found.

    Blank values keep the base's value. Unknown settings are kept in ``Scenario.extra`` with a
    warning, or refused when ``keep_unknown`` is false (a typo in a TOML file should not pass).
    """
    problems: list[Problem] = []
    updates: dict[str, Any] = {}
    weights = dict(base.weights)
    extra = dict(base.extra)
    seen: dict[str, Setting] = {}
    weight_settings: list[Setting] = []
    for s in settings:
        key = normalise_header(s.key)
        if key in seen:
            first = seen[key]
            problems.append(_problem(
                s, ProblemCode.ID_DUPLICATE, f"setting '{s.key}' is given twice",
                f"each setting once (also given {_place(first)})", s.key,
            ))
            continue
        seen[key] = s
        spec = _SPECS.get(key)
        if spec is None:
            if keep_unknown:
                extra[s.key] = cells.plain(s.value)
                problems.append(_problem(
                    s, ProblemCode.UNKNOWN_COLUMN, f"'{s.key}' is not a setting devolve uses; it is kept as "
                    "written", "one of " + ", ".join(SETTING_KEYS), s.key, Severity.WARNING,
                ))
            else:
                problems.append(_problem(
                    s, ProblemCode.SCENARIO, f"'{s.key}' is not a scenario setting",
                    "one of " + ", ".join(SETTING_KEYS), s.key,
                ))
            continue
        try:
            value = _convert(spec, s.value, rubric)
        except CellError as err:
            problems.append(_problem(s, err.code, f"{spec.key}: {err.message}", err.expected, s.value))
            continue
        if value is None:
            continue
        if key.startswith("weight_"):
            weights[Criterion(key.removeprefix("weight_"))] = value
            weight_settings.append(s)
        else:
            updates[key] = value
    if not any(p.severity == Severity.ERROR for p in problems) and sum(weights.values()) <= 0:
        at = weight_settings[-1] if weight_settings else Setting("weights", None, file=None)
        problems.append(_problem(
            at, ProblemCode.SCENARIO, "every criterion weight is zero, so no plan could be preferred "
            "to another", "at least one weight above 0", 0,
        ))
    if any(p.severity == Severity.ERROR for p in problems):
        return None, problems
    data = base.model_dump() | updates | {"weights": weights, "extra": extra}
    try:
        return Scenario.model_validate(data), problems
    except ValidationError as exc:
        by_key = {normalise_header(s.key): s for s in seen.values()}
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "scenario"
            s = by_key.get(name, Setting(name, None))
            problems.append(_problem(s, ProblemCode.SCENARIO, f"{name}: {err['msg']}", "", err.get("input")))
        return None, problems


def _convert(spec: SettingSpec, raw: Any, rubric: Rubric) -> Any:
    key = spec.key
    if spec.kind == Kind.TEXT:
        return cells.text(raw)
    if spec.kind == Kind.MONEY:
        return cells.money(raw)
    if spec.kind == Kind.SHARE:
        return cells.share(raw)
    if spec.kind == Kind.WHOLE:
        return cells.whole(raw, 0, "a whole number, 0 or more")
    if spec.kind == Kind.CHOICE:
        allowed = [o.value for o in Offer] if key == "offer" else [s.value for s in SolverName]
        return cells.choice(raw, allowed)
    if spec.kind == Kind.KEYS:
        names = cells.items(raw, ",;")
        if not names or [n.lower() for n in names] == ["all"]:
            return None
        keys = [c.key for c in rubric.configurations]
        return tuple(cells.choice(n, keys) for n in names)
    if key == "running_cost_limit":
        return cells.number(raw, "a number of pounds (negative: a saving is required)")
    if key == "time_limit_seconds":
        expected = "a number of seconds above 0"
        return cells.at_least(cells.number(raw, expected), 0, expected, strict=True)
    expected = "a number, 0 or more"
    return cells.at_least(cells.number(raw, expected), 0, expected)


def _problem(s: Setting, code: ProblemCode, message: str, expected: str, value: Any,
             severity: Severity = Severity.ERROR) -> Problem:
    return Problem(code, message, value=value, expected=expected or None, severity=severity, **s.where)


def _place(s: Setting) -> str:
    if s.row is not None:
        return f"in row {s.row}"
    return f"as '{s.key}'"


def load_scenario_toml(path: str | Path, rubric: Rubric, base: Scenario) -> Scenario:
    """Settings from a TOML file (``devolve assess --scenario FILE.toml``) applied to ``base``.

    Keys are the Scenario sheet's setting names; weights may also sit in a ``[weights]`` table
    keyed by criterion, and ``configurations`` may be a list. Raises :class:`InvalidInput`
    naming the file and key of every problem.
    """
    name = Path(path).name
    data = read_toml(path, "scenario", ProblemCode.SCENARIO)

    settings: list[Setting] = []
    shape: list[Problem] = []
    for key, value in data.items():
        if key == "weights" and isinstance(value, dict):
            settings += [Setting(f"weight_{k}", v, file=name, column=f"weights.{k}") for k, v in value.items()]
        elif isinstance(value, list) and normalise_header(key) == "configurations":
            settings.append(Setting(key, ", ".join(str(v) for v in value), file=name, column=key))
        elif isinstance(value, (dict, list)):
            shape.append(Problem(ProblemCode.SCENARIO, f"'{key}' holds a table or list", file=name,
                                 column=key, expected="a single value"))
        else:
            settings.append(Setting(key, value, file=name, column=key))
    scenario, problems = apply_settings(rubric, base, settings, keep_unknown=False)
    problems = shape + problems
    if scenario is None or any(p.severity == Severity.ERROR for p in problems):
        raise InvalidInput(ProblemReport.of(problems))
    return scenario

