"""Scenario settings as people write them (a Scenario sheet, a TOML file), checked and applied.

Each value is read by its setting's kind (see :data:`devolve.core.scenario.SETTINGS`); every
problem points back to where the setting was written, and a blank value keeps the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from pydantic import ValidationError

from devolve.core.problems import Problem, ProblemCode, Severity
from devolve.core.rubric import Rubric
from devolve.core.scenario import RETIRED_SETTINGS, SETTING_KEYS, SETTINGS_BY_KEY, Scenario, Setting
from devolve.core.terms import Kind
from devolve.io import cells
from devolve.io.cells import CellError
from devolve.io.columns import normalise_header


@dataclass(frozen=True)
class GivenSetting:
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
    rubric: Rubric, base: Scenario, given: Iterable[GivenSetting], *, keep_unknown: bool = True
) -> tuple[Scenario | None, list[Problem]]:
    """The base scenario with the given settings applied, or None and the problems found.

    Blank values keep the base's value. Unknown settings are kept in ``Scenario.extra`` with a
    warning, or refused when ``keep_unknown`` is false (a typo in a TOML file should not pass).
    """
    problems: list[Problem] = []
    updates: dict[str, Any] = {}
    weights = dict(base.weights)
    extra = dict(base.extra)
    seen: dict[str, GivenSetting] = {}
    weight_settings: list[GivenSetting] = []
    for s in given:
        key = normalise_header(s.key)
        if key in seen:
            first = seen[key]
            problems.append(_problem(
                s, ProblemCode.ID_DUPLICATE, f"setting '{s.key}' is given twice",
                f"each setting once (also given {_place(first)})", s.key,
            ))
            continue
        seen[key] = s
        setting = SETTINGS_BY_KEY.get(key)
        if key in RETIRED_SETTINGS:
            if keep_unknown:
                extra[s.key] = cells.plain(s.value)
            problems.append(_problem(
                s, ProblemCode.UNKNOWN_COLUMN, f"'{s.key}' is no longer used: {RETIRED_SETTINGS[key]}",
                "one of " + ", ".join(SETTING_KEYS), s.key, Severity.WARNING,
            ))
            continue
        if setting is None:
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
            value = read_setting(setting, s.value, rubric)
        except CellError as err:
            problems.append(_problem(s, err.code, f"{setting.key}: {err.message}", err.expected, s.value))
            continue
        if value is None:
            continue
        if setting.benefit is not None:
            weights[setting.benefit] = value
            weight_settings.append(s)
        else:
            updates[setting.field] = value
    if not any(p.severity == Severity.ERROR for p in problems) and sum(weights.values()) <= 0:
        at = weight_settings[-1] if weight_settings else GivenSetting("weights", None)
        problems.append(_problem(
            at, ProblemCode.SCENARIO, "every criterion weight is zero, so no plan could be preferred "
            "to another", "at least one weight above 0", 0,
        ))
    if any(p.severity == Severity.ERROR for p in problems):
        return None, problems
    try:
        return base.replace(**updates, weights=weights, extra=extra), problems
    except ValidationError as exc:
        by_key = {normalise_header(s.key): s for s in seen.values()}
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "scenario"
            s = by_key.get(name, GivenSetting(name, None))
            problems.append(_problem(s, ProblemCode.SCENARIO, f"{name}: {err['msg']}", "", err.get("input")))
        return None, problems


def read_setting(setting: Setting, raw: Any, rubric: Rubric) -> Any:
    """One setting's value read by its kind; None when blank. Raises :class:`CellError`."""
    kind = setting.kind
    if kind == Kind.TEXT:
        return cells.text(raw)
    if kind == Kind.MONEY:
        return cells.money(raw)
    if kind == Kind.SHARE:
        return cells.share(raw)
    if kind == Kind.WHOLE:
        minimum = int(setting.minimum or 0)
        return cells.whole(raw, minimum, f"a whole number, {minimum} or more")
    if kind == Kind.CHOICE:
        return cells.choice(raw, setting.choices(rubric))
    if kind == Kind.KEYS:
        names = cells.items(raw, ",;")
        if not names or [n.lower() for n in names] == ["all"]:
            return None
        keys = setting.choices(rubric)
        return tuple(cells.choice(n, keys) for n in names)
    expected = setting.expected or "a number"
    value = cells.number(raw, expected)
    if setting.minimum is None:
        return value
    return cells.at_least(value, setting.minimum, expected, strict=setting.strict)


def _problem(s: GivenSetting, code: ProblemCode, message: str, expected: str, value: Any,
             severity: Severity = Severity.ERROR) -> Problem:
    return Problem(code, message, value=value, expected=expected or None, severity=severity, **s.where)


def _place(s: GivenSetting) -> str:
    if s.row is not None:
        return f"in row {s.row}"
    return f"as '{s.key}'"
