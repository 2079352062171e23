"""Each sheet's rows checked cell by cell and turned into the records an assessment is made of.

Lazy in pandera's sense: every problem is collected with its sheet, row and column before
anything is refused, so a consultant fixes a client's file in one pass.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from pydantic import ValidationError

from devolve.assess.capacity import neighbourhood
from devolve.assess.decompose import ActivityRecord
from devolve.core.domain import Neighbourhood, Priorities, Service
from devolve.core.problems import ProblemCode
from devolve.core.rubric import Rubric
from devolve.core.scenario import Scenario
from devolve.core.terms import BENEFITS, CRITERIA, STAGES, Kind, ServiceType, Stage
from devolve.io import cells
from devolve.io.cells import CellError
from devolve.io.columns import (
    ACTIVITIES,
    COLUMNS,
    NEIGHBOURHOODS,
    SCENARIO,
    SERVICES,
    allowed_text,
    header_lookup,
    meaning_text,
    normalise_header,
)
from devolve.io.findings import Findings
from devolve.io.grid import Table, cell_ref
from devolve.io.settings import GivenSetting, apply_settings

COST_SHARE_TOLERANCE = 0.005
"""How far nine given cost shares may stray from adding up to 1 (rounding in a spreadsheet)."""

UNSAVED_EXPECTED = ("the formula's value: open the file in Excel or LibreOffice and save it, or paste the "
                    "values over the formulas")


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    """Converted values of the known columns that are filled in and valid."""
    raw: dict[str, Any]
    extra: dict[str, Any]
    ok: bool


class SheetReader:
    """Matches a sheet's headers to its columns and converts its cells, collecting problems."""

    def __init__(self, table: Table, rubric: Rubric, found: Findings):
        self.sheet = table.sheet
        self.table = table
        self.found = found
        self.rubric = rubric
        self.columns = {c.key: c for c in COLUMNS[table.sheet]}
        self.index: dict[str, int] = {}
        self.header_text: dict[str, str] = {}
        self.extras: list[tuple[str, int]] = []
        self.ok = self._match_headers()
        self._flag_unsaved_formulas()

    def _flag_unsaved_formulas(self) -> None:
        """Every formula whose value was never saved is an error naming its cell: read as blank it
        would silently take a default (a budget, volunteer hours) the user never chose."""
        names = {i: key for key, i in self.index.items()} | {i: name for name, i in self.extras}
        for (number, i), formula in sorted(self.table.unsaved.items()):
            column = self.column_name(names[i]) if names.get(i) in self.columns else names.get(i)
            self.found.add(
                ProblemCode.FORMULA_UNSAVED,
                f"cell {cell_ref(number, i + 1)} holds {formula} but no value: the file was written by a program "
                "that does not calculate, so devolve cannot know what it comes to",
                sheet=self.sheet, row=number, column=column or f"column {cell_ref(1, i + 1)[:-1]}",
                expected=UNSAVED_EXPECTED,
            )

    def _match_headers(self) -> bool:
        from openpyxl.utils import get_column_letter

        lookup = header_lookup(COLUMNS[self.sheet])
        width = max([len(self.table.headers)] + [len(v) for _, v in self.table.rows])
        headers = list(self.table.headers) + [None] * (width - len(self.table.headers))
        used = {i for _, values in self.table.rows for i, v in enumerate(values) if not cells.is_blank(v)}
        used |= {i for _, i in self.table.unsaved}
        at = self.table.header_row
        ok = True
        extra_names: dict[str, int] = {}
        # A column headed with the exact name wins; an alias beside it is just another column.
        exact = {normalise_header(h) for h in headers if cells.text(h)} & set(self.columns)
        for i, raw in enumerate(headers):
            letter = get_column_letter(i + 1)
            written = cells.text(raw)
            if written is None and i not in used:
                continue  # an empty column: to the left of a table that starts in column B, or a gap
            normal = normalise_header(written) if written else ""
            key = lookup.get(normal)
            if key in exact and normal != key:
                key = None
            if key is not None:
                if key in self.index:
                    ok = False
                    self.found.add(
                        ProblemCode.COLUMN_DUPLICATE,
                        f"columns {get_column_letter(self.index[key] + 1)} and {letter} are both '{key}'",
                        sheet=self.sheet, row=at, column=written, value=written,
                        expected=f"one '{key}' column",
                    )
                    continue
                self.index[key] = i
                self.header_text[key] = written
                continue
            name = written or f"column {letter}"
            if name.lower() in extra_names:
                ok = False
                self.found.add(
                    ProblemCode.COLUMN_DUPLICATE,
                    f"columns {get_column_letter(extra_names[name.lower()] + 1)} and {letter} have the "
                    "same header",
                    sheet=self.sheet, row=at, column=name, value=written,
                    expected="a different header for each column",
                )
                continue
            extra_names[name.lower()] = i
            self.extras.append((name, i))
            if self.sheet == SCENARIO:
                message = "devolve does not read this column of the Scenario sheet"
            elif written is None:
                message = f"column {letter} has values but no header; they are kept as '{name}'"
            else:
                message = "devolve does not use this column; its values are kept and written back unchanged"
            self.found.add(ProblemCode.UNKNOWN_COLUMN, message, sheet=self.sheet, row=at, column=name,
                           value=written, expected="a documented column (see the README sheet)", warning=True)
        for col in self.columns.values():
            if col.required and col.key not in self.index:
                ok = False
                found_headers = ", ".join(str(h) for h in self.table.headers if h is not None) or "none"
                self.found.add(
                    ProblemCode.COLUMN_MISSING,
                    f"the sheet has no '{col.key}' column (headers found: {found_headers})",
                    sheet=self.sheet, row=at, column=col.key,
                    expected=f"a column headed '{col.key}': {meaning_text(col, self.rubric)}",
                )
        return ok

    def column_name(self, key: str) -> str:
        return self.header_text.get(key, key)

    def rows(self, converters: Mapping[str, Callable[[Any], Any]]) -> list[Row]:
        out: list[Row] = []
        for number, values in self.table.rows:
            row = Row(number, {}, {}, {}, True)
            for key, i in self.index.items():
                raw = values[i] if i < len(values) else None
                row.raw[key] = raw
                col = self.columns[key]
                if (number, i) in self.table.unsaved:
                    row.ok = False  # already reported, cell by cell
                    continue
                if cells.is_blank(raw):
                    if col.required:
                        row.ok = False
                        self.problem(row, key, ProblemCode.VALUE_MISSING, "a value is needed here",
                                     allowed_text(col, self.rubric) or meaning_text(col, self.rubric))
                    continue
                failed = cells.error_value(raw)
                if failed is not None:
                    row.ok = False
                    self.problem(row, key, failed.code, failed.message, failed.expected)
                    continue
                if col.kind == Kind.ID:
                    self._name_invisible(row, key, raw)
                try:
                    value = converters[key](raw)
                except CellError as err:
                    row.ok = False
                    self.problem(row, key, err.code, err.message, err.expected)
                    continue
                if value is not None:
                    row.values[key] = value
            for name, i in self.extras:
                value = cells.plain(values[i]) if i < len(values) else None
                failed = cells.error_value(value)
                if failed is not None:
                    self.found.add(failed.code, failed.message + "; devolve does not use this column, but keeps "
                                   "the error as text", sheet=self.sheet, row=number, column=name, value=value,
                                   expected=failed.expected, warning=True)
                if value is not None:
                    row.extra[name] = value
            out.append(row)
        return out

    def _name_invisible(self, row: Row, key: str, raw: Any) -> None:
        """An id with invisible characters is read without them, and the user is told which:
        'ASC05' and 'ASC05' with a zero-width space look the same but never match."""
        hidden = cells.invisible(raw)
        if hidden:
            self.problem(row, key, ProblemCode.INVISIBLE_CHARACTER,
                         f"the id holds an invisible character ({', '.join(hidden)}), often pasted from a web page "
                         f"or an e-mail; devolve removed it and reads the id as '{cells.text(raw)}'",
                         "the id typed without invisible characters", value=cells.text(raw), warning=True)

    def problem(self, row: Row, key: str, code: ProblemCode, message: str, expected: str | None,
                *, value: Any = None, warning: bool = False) -> None:
        self.found.add(
            code, message, sheet=self.sheet, row=row.number, column=self.column_name(key),
            value=row.raw.get(key) if value is None else value, expected=expected, warning=warning,
        )

    def pydantic(self, row: Row, exc: ValidationError) -> None:
        """Turn a model's complaint into problems at the row and column they concern."""
        row.ok = False
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else ""
            message = str(err["msg"]).removeprefix("Value error, ")
            self.problem(row, key, pydantic_code(err["type"]), message, None, value=err.get("input"))


def pydantic_code(kind: str) -> ProblemCode:
    if kind == "missing":
        return ProblemCode.VALUE_MISSING
    if kind.endswith(("_type", "_parsing")):
        return ProblemCode.VALUE_TYPE
    if kind in ("enum", "literal_error"):
        return ProblemCode.VALUE_CHOICE
    return ProblemCode.VALUE_RANGE


def _id(raw: Any) -> str | None:
    value = cells.text(raw)
    if value is not None and len(value) > 64:
        raise CellError(ProblemCode.VALUE_RANGE, "ids are at most 64 characters", "a shorter id")
    return value


def _whole(sheet: str, key: str, expected: str) -> Callable[[Any], int | None]:
    minimum = next(c.minimum for c in COLUMNS[sheet] if c.key == key)
    return lambda raw: cells.whole(raw, minimum, expected)


def _level(rubric: Rubric) -> Callable[[Any], int | None]:
    return lambda raw: cells.level(raw, rubric.scale_min, rubric.scale_max)


def read_services(reader: SheetReader, rubric: Rubric) -> tuple[list[Service], set[str] | None]:
    """Services, and every id on the sheet (even on broken rows) so Activities can refer to them;
    None when the sheet could not be read, so no id can be called dangling."""
    if not reader.ok:
        return [], None
    types = [t.value for t in ServiceType]
    rows = reader.rows({
        "service_id": _id,
        "name": cells.text,
        "directorate": cells.text,
        "service_type": lambda raw: cells.choice(raw, types),
        "annual_budget": cells.money,
        "users": _whole(SERVICES, "users", "a whole number of residents, 0 or more"),
        "statutory": cells.yes_no,
        "outcomes": cells.items,
        "lgsl_id": _whole(SERVICES, "lgsl_id", "a whole number, 1 or more (the LGSL service identifier)"),
    })
    if not rows:
        reader.found.add(ProblemCode.SHEET_EMPTY, "the Services sheet lists no services", sheet=SERVICES,
                         row=reader.table.header_row + 1, expected="one row per service below the header row")
    known = rubric.outcomes
    by_key = {cells.choice_key(k): k for k in known} | {cells.choice_key(o.name): k for k, o in known.items()}
    first_row: dict[str, int] = {}
    services: list[Service] = []
    for row in rows:
        _claim_id(reader, row, "service_id", first_row, "service")
        outcomes = []
        for item in row.values.get("outcomes", ()):
            key = by_key.get(cells.choice_key(item))
            if key is None:
                reader.problem(row, "outcomes", ProblemCode.UNKNOWN_OUTCOME,
                               f"'{item}' is not an outcome in the rubric; it is kept but lifts no score",
                               "outcome keys from the rubric: " + ", ".join(known), value=item, warning=True)
            outcomes.append(key or item)
        if not row.ok:
            continue
        try:
            services.append(Service(
                service_id=row.values["service_id"],
                name=row.values["name"],
                directorate=row.values["directorate"],
                service_type=row.values["service_type"],
                annual_budget=row.values["annual_budget"],
                users=row.values.get("users"),
                statutory=row.values.get("statutory", False),
                outcomes=tuple(outcomes),
                lgsl_id=row.values.get("lgsl_id"),
                extra=row.extra,
            ))
        except ValidationError as exc:
            reader.pydantic(row, exc)
    return services, set(first_row)


@dataclass
class _ActivityRows:
    """The rows describing one activity, to check they agree with each other."""

    assessors: dict[str, int] = field(default_factory=dict)
    given: dict[str, tuple[Any, int]] = field(default_factory=dict)


_ACTIVITY_LEVEL = ("cost_share", "must_retain", "retain_reason")
"""Fields that describe the activity, not one assessor's view, so every row must agree."""


def _claim_id(reader: SheetReader, row: Row, key: str, first_row: dict[str, int], noun: str) -> None:
    """Record the row an id first appears in; a second use is a located duplicate."""
    value = row.values.get(key)
    if value is None:
        return
    if value in first_row:
        row.ok = False
        reader.problem(row, key, ProblemCode.ID_DUPLICATE,
                       f"{key} '{value}' is already used in row {first_row[value]}",
                       f"a different {key} for each {noun}")
    else:
        first_row[value] = row.number


def read_activities(reader: SheetReader, rubric: Rubric, service_ids: set[str] | None) -> list[ActivityRecord]:
    if not reader.ok:
        return []
    level = _level(rubric)
    stages = [s.value for s in STAGES]
    rows = reader.rows({
        "service_id": _id,
        "stage": lambda raw: cells.choice(raw, stages),
        "cost_share": cells.share,
        "must_retain": cells.yes_no,
        "retain_reason": cells.text,
        "assessor": cells.text,
        **{c.value: level for c in CRITERIA},
        "rationale": cells.text,
        "evidence": cells.text,
    })
    lower_ids = {s.lower(): s for s in service_ids or ()}
    seen: dict[tuple[str, str], _ActivityRows] = defaultdict(_ActivityRows)
    shares: dict[str, dict[Stage, tuple[float, int]]] = defaultdict(dict)
    records: list[ActivityRecord] = []
    for row in rows:
        sid, stage = row.values.get("service_id"), row.values.get("stage")
        if sid is not None and service_ids is not None and sid not in service_ids:
            row.ok = False
            close = lower_ids.get(sid.lower())
            hint = f" (did you mean '{close}'?)" if close else ""
            reader.problem(row, "service_id", ProblemCode.ID_DANGLING,
                           f"no service with id '{sid}' on the Services sheet{hint}",
                           "a service_id listed on the Services sheet")
        if sid is None or stage is None:
            continue
        activity = seen[(sid, stage)]
        assessor = row.values.get("assessor") or ""
        if assessor in activity.assessors:
            row.ok = False
            who = f"assessor '{assessor}'" if assessor else "no assessor"
            reader.problem(row, "assessor", ProblemCode.ID_DUPLICATE,
                           f"{sid} {stage} is already scored by {who} in row {activity.assessors[assessor]}",
                           "one row per assessor for each activity", value=assessor or None)
        else:
            activity.assessors[assessor] = row.number
        for key in _ACTIVITY_LEVEL:
            if key not in row.values:
                continue
            value = row.values[key]
            if key in activity.given and activity.given[key][0] != value:
                row.ok = False
                other, other_row = activity.given[key]
                reader.problem(row, key, ProblemCode.CONFLICT,
                               f"{sid} {stage} has {key} {_show(value)} here but {_show(other)} in row "
                               f"{other_row}", "the same value on every row of one activity, or blank")
            else:
                activity.given.setdefault(key, (value, row.number))
        if "cost_share" in row.values:
            shares[sid].setdefault(Stage(stage), (row.values["cost_share"], row.number))
        if row.ok:
            records.append(ActivityRecord(
                service_id=sid,
                stage=Stage(stage),
                cost_share=row.values.get("cost_share"),
                must_retain=row.values.get("must_retain"),
                retain_reason=row.values.get("retain_reason"),
                assessor=row.values.get("assessor"),
                rationale=row.values.get("rationale"),
                evidence=row.values.get("evidence"),
                scores={c: row.values[c.value] for c in CRITERIA if c.value in row.values},
                extra=row.extra,
            ))
    for sid, given in shares.items():
        _check_cost_shares(reader, sid, given)
    return records


def _check_cost_shares(reader: SheetReader, sid: str, given: dict[Stage, tuple[float, int]]) -> None:
    ordered = sorted(given.values(), key=lambda v: v[1])
    total = sum(v for v, _ in ordered)
    where = ", ".join(str(r) for _, r in ordered)
    last_row = ordered[-1][1]
    if total > 1 + COST_SHARE_TOLERANCE:
        reader.found.add(
            ProblemCode.COST_SHARES,
            f"the cost shares given for {sid} add up to {total:.3f}, more than the whole budget "
            f"(rows {where})",
            sheet=ACTIVITIES, row=last_row, column=reader.column_name("cost_share"), value=round(total, 6),
            expected="shares of one service adding up to at most 1",
        )
    elif len(given) == len(STAGES) and abs(total - 1) > COST_SHARE_TOLERANCE:
        reader.found.add(
            ProblemCode.COST_SHARES,
            f"all nine cost shares of {sid} are given but add up to {total:.3f}, not 1 (rows {where})",
            sheet=ACTIVITIES, row=last_row, column=reader.column_name("cost_share"), value=round(total, 6),
            expected=f"nine shares adding up to 1 (within {COST_SHARE_TOLERANCE})",
        )


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return repr(value) if isinstance(value, str) else f"{value:g}"


def read_neighbourhoods(reader: SheetReader, rubric: Rubric) -> list[Neighbourhood]:
    if not reader.ok:
        return []
    rows = reader.rows({
        "neighbourhood_id": _id,
        "name": cells.text,
        "population": _whole(NEIGHBOURHOODS, "population", "a whole number of residents, 1 or more"),
        "share_aged_65_plus": cells.share,
        "volunteer_hours": lambda raw: cells.at_least(cells.number(raw, "hours a year, 0 or more"), 0,
                                                      "hours a year, 0 or more"),
        "intermediaries": _whole(NEIGHBOURHOODS, "intermediaries", "a whole number, 0 or more"),
    })
    largest = rubric.capacity.max_neighbourhood_population
    first_row: dict[str, int] = {}
    out: list[Neighbourhood] = []
    for row in rows:
        _claim_id(reader, row, "neighbourhood_id", first_row, "neighbourhood")
        population = row.values.get("population")
        if population is not None and rubric.capacity.too_large(population):
            reader.problem(row, "population", ProblemCode.NEIGHBOURHOOD_TOO_LARGE,
                           f"{population:,} residents is larger than any place residents would call a "
                           "neighbourhood (the rubric's capacity.max_neighbourhood_population)",
                           f"at most {largest:,} residents", warning=True)
        if not row.ok:
            continue
        v = row.values
        try:
            out.append(neighbourhood(
                rubric,
                neighbourhood_id=v["neighbourhood_id"],
                name=v["name"],
                population=v["population"],
                share_aged_65_plus=v["share_aged_65_plus"],
                volunteer_hours=v.get("volunteer_hours"),
                intermediaries=v.get("intermediaries", 0),
                extra=row.extra,
            ))
        except ValidationError as exc:
            reader.pydantic(row, exc)
    return out


def read_priorities(reader: SheetReader, service_ids: set[str] | None,
                    neighbourhood_ids: set[str]) -> list[Priorities]:
    """Residents' priorities, one Priorities per neighbourhood from its rows. A priority names a
    benefit (by key or label) or a service (by id); each is stated once per neighbourhood."""
    if not reader.ok:
        return []
    rows = reader.rows({
        "neighbourhood_id": _id,
        "priority": cells.text,
        "weight": lambda raw: cells.at_least(cells.number(raw, "a number, 0 or more"), 0, "a number, 0 or more"),
        "source": cells.text,
    })
    benefits = {cells.choice_key(b.value): b for b in BENEFITS} | {cells.choice_key(b.label): b for b in BENEFITS}
    services = {cells.choice_key(sid): sid for sid in service_ids or ()}
    first_row: dict[tuple[str, str], int] = {}
    stated: dict[str, dict[str, Any]] = {}
    for row in rows:
        hood, said, weight = (row.values.get(k) for k in ("neighbourhood_id", "priority", "weight"))
        if hood is not None and hood not in neighbourhood_ids:
            row.ok = False
            reader.problem(row, "neighbourhood_id", ProblemCode.ID_DANGLING,
                           f"no neighbourhood with id '{hood}' on the Neighbourhoods sheet",
                           "a neighbourhood_id listed on the Neighbourhoods sheet")
        benefit = benefits.get(cells.choice_key(said)) if said is not None else None
        service = services.get(cells.choice_key(said)) if said is not None and benefit is None else None
        if said is not None and benefit is None and service is None and service_ids is not None:
            row.ok = False
            reader.problem(row, "priority", ProblemCode.ID_DANGLING,
                           f"'{said}' is neither a benefit nor a service on the Services sheet",
                           "a benefit (" + ", ".join(b.value for b in BENEFITS) + ") or a service_id")
        if service is not None and weight == 0:
            row.ok = False
            reader.problem(row, "weight", ProblemCode.VALUE_RANGE,
                           "a service's priority must be above 0; leave the service off to give it the average",
                           "a number above 0")
        if not row.ok or hood is None or said is None or weight is None:
            continue
        if benefit is None and service is None:
            continue  # the Services sheet could not be read, so the service it names cannot be checked
        key = benefit.value if benefit is not None else str(service)
        first = first_row.setdefault((hood, key), row.number)
        if first != row.number:
            reader.problem(row, "priority", ProblemCode.ID_DUPLICATE,
                           f"{hood} states its priority for '{said}' twice (first on row {first})",
                           "each benefit or service once per neighbourhood")
            continue
        entry = stated.setdefault(hood, {"weights": {}, "services": {}, "sources": [], "extra": {}})
        if benefit is not None:
            entry["weights"][benefit] = weight
        else:
            entry["services"][service] = weight
        source = row.values.get("source")
        if source and source not in entry["sources"]:
            entry["sources"].append(source)
        entry["extra"].update(row.extra)
    out: list[Priorities] = []
    for hood, entry in stated.items():
        if entry["weights"] and sum(entry["weights"].values()) <= 0:
            reader.found.add(ProblemCode.VALUE_RANGE, f"every benefit weight {hood}'s residents state is 0, so "
                             "they prefer nothing", sheet=reader.sheet, column=reader.column_name("weight"),
                             expected="at least one benefit weight above 0")
            continue
        out.append(Priorities(neighbourhood_id=hood, source="; ".join(entry["sources"]) or None,
                              weights=entry["weights"], services=entry["services"], extra=entry["extra"]))
    return out


def read_scenario(reader: SheetReader, rubric: Rubric, base: Scenario) -> Scenario | None:
    if not reader.ok:
        return None
    settings: list[GivenSetting] = []
    value_column = reader.column_name("value")
    for number, values in reader.table.rows:
        raw_key = values[reader.index["setting"]] if reader.index["setting"] < len(values) else None
        i = reader.index.get("value")
        raw_value = values[i] if i is not None and i < len(values) else None
        if (number, i) in reader.table.unsaved or (number, reader.index["setting"]) in reader.table.unsaved:
            continue  # reported cell by cell; the setting must not quietly keep its default
        failed = cells.error_value(raw_value) or cells.error_value(raw_key)
        if failed is not None:
            column = value_column if cells.error_value(raw_value) else reader.column_name("setting")
            reader.found.add(failed.code, failed.message, sheet=SCENARIO, row=number, column=column,
                             value=raw_value if column == value_column else raw_key, expected=failed.expected)
            continue
        key = cells.text(raw_key)
        if key is None:
            if not cells.is_blank(raw_value):
                reader.found.add(ProblemCode.VALUE_MISSING, "a value without a setting name",
                                 sheet=SCENARIO, row=number, column=reader.column_name("setting"),
                                 expected="the name of a setting, such as transition_budget")
            continue
        settings.append(GivenSetting(key, raw_value, file=reader.found.file, sheet=SCENARIO, row=number,
                                     column=value_column))
    mark = len(reader.found.problems)
    chosen, problems = apply_settings(rubric, base, settings)
    reader.found.extend(problems)
    return None if reader.found.errors_since(mark) else chosen
