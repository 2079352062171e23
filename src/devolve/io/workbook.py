"""Input workbooks in, assessments out, and back again.

Reading is lazy in pandera's sense: every sheet, row and cell is checked and every problem is
collected before anything is refused, so a consultant fixes a client's file in one pass. The
file is first passed by :mod:`devolve.io.guard`, then opened read-only with formulas as their
saved values; anything unexpected while reading becomes a located FILE_UNREADABLE problem,
never a traceback.

Writing produces the same four sheets, styled for people, with user text neutralised against
formula injection, so that reading the result gives back an equal :class:`Assessment`.
"""

from __future__ import annotations

import csv
import io
import math
import os
import tempfile
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from pydantic import ValidationError

from devolve.decompose import ActivityRecord, decompose, default_cost_shares, default_volunteer_hours
from devolve.domain import (
    CRITERIA,
    STAGES,
    Activity,
    Assessment,
    Criterion,
    Neighbourhood,
    Rubric,
    Scenario,
    ScoreSource,
    Service,
    ServiceType,
    Stage,
)
from devolve.io import cells
from devolve.io.cells import CellError
from devolve.io.columns import (
    ACTIVITIES,
    COLUMNS,
    NEIGHBOURHOODS,
    SCENARIO,
    SERVICES,
    SHEETS,
    Kind,
    allowed_text,
    header_lookup,
    normalise_header,
)
from devolve.io.guard import MAX_COLUMNS, MAX_ROWS, check_file
from devolve.io.safe import neutralise, printable
from devolve.problems import InvalidInput, Problem, ProblemCode, ProblemReport, Severity
from devolve.rubric import load_rubric
from devolve.scenario import SETTINGS, Setting, apply_settings, default_scenario, settings_of

COST_SHARE_TOLERANCE = 0.005
"""How far nine given cost shares may stray from adding up to 1 (rounding in a spreadsheet)."""

_FORMULA_HINT = (
    "; this workbook has formulas, and a formula's value is only stored when a spreadsheet "
    "program saves the file: open and save it, or paste the values"
)


# --------------------------------------------------------------------------- collecting problems


@dataclass
class Findings:
    """Every problem found in one file, in the order found."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        code: ProblemCode,
        message: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        expected: str | None = None,
        warning: bool = False,
    ) -> None:
        self.problems.append(
            Problem(
                code,
                message,
                file=self.file,
                sheet=sheet,
                row=row,
                column=column,
                value=_short(value),
                expected=expected,
                severity=Severity.WARNING if warning else Severity.ERROR,
            )
        )

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def errors_since(self, mark: int) -> bool:
        return any(p.severity == Severity.ERROR for p in self.problems[mark:])

    @property
    def has_errors(self) -> bool:
        return self.errors_since(0)


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 80:
        return value[:77] + "..."
    if isinstance(value, (dict, list, tuple, set)):
        text = repr(value)
        return text if len(text) <= 80 else text[:77] + "..."
    return value


# --------------------------------------------------------------------------- public entry points


def read_assessment(
    path: str | Path, rubric: Rubric | None = None, *, display_name: str | None = None
) -> tuple[Assessment, ProblemReport]:
    """Read an input workbook (.xlsx) or service list (.csv) into a validated assessment.

    Returns the assessment and a report of warnings. Raises :class:`InvalidInput` carrying
    every error and warning found when the file cannot become an assessment.
    ``display_name`` is the name problems quote (an upload's own name, not its temporary path).
    """
    rubric = rubric if rubric is not None else load_rubric()
    found = Findings(display_name or Path(path).name)
    assessment: Assessment | None = None
    try:
        checked = check_file(path, found.file)
        found.extend(checked.problems)
        if checked.kind == "csv":
            tables = _read_csv(Path(path), found)
        elif checked.kind == "xlsx":
            tables = _read_xlsx(Path(path), found)
        else:
            tables = None
        if tables is not None:
            hint = _FORMULA_HINT if checked.has_formulas else ""
            assessment = assessment_from_tables(tables, rubric, found, formula_hint=hint)
    except Exception as exc:  # a hostile or damaged file must never show a traceback
        found.add(
            ProblemCode.FILE_UNREADABLE,
            f"the file could not be read ({type(exc).__name__}: {_short(str(exc))})",
            expected="a workbook saved by Excel, LibreOffice or Google Sheets",
        )
        assessment = None
    if assessment is None and not found.has_errors:
        found.add(ProblemCode.FILE_UNREADABLE, "the file could not be read as an assessment")
    report = ProblemReport.of(found.problems)
    if assessment is None or not report.ok:
        raise InvalidInput(report)
    return assessment, report


def validate_file(
    path: str | Path, rubric: Rubric | None = None, *, display_name: str | None = None
) -> ProblemReport:
    """Every problem in a file, errors and warnings; never raises for anything in the file."""
    try:
        _, report = read_assessment(path, rubric, display_name=display_name)
    except InvalidInput as exc:
        return exc.report
    return report


# --------------------------------------------------------------------------- raw tables


@dataclass(frozen=True)
class Table:
    """One sheet as cells: its header row and its non-blank rows with Excel's row numbers."""

    sheet: str
    headers: tuple[Any, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]


def _read_xlsx(path: Path, found: Findings) -> dict[str, Table] | None:
    import openpyxl

    with path.open("rb") as fh, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        try:
            titles = {normalise_header(t): t for t in workbook.sheetnames}
            if normalise_header(SERVICES) not in titles:
                found.add(
                    ProblemCode.SHEET_MISSING,
                    "there is no Services sheet (sheets found: " + ", ".join(workbook.sheetnames) + ")",
                    sheet=SERVICES,
                    expected="a sheet named 'Services' listing one service per row",
                )
            tables: dict[str, Table] = {}
            for sheet in SHEETS:
                title = titles.get(normalise_header(sheet))
                if title is None:
                    continue
                table = _sheet_table(workbook[title], sheet, found)
                if table is not None:
                    tables[sheet] = table
            return tables
        finally:
            workbook.close()


def _sheet_table(ws: Any, sheet: str, found: Findings) -> Table | None:
    if not hasattr(ws, "iter_rows"):
        found.add(ProblemCode.SHEET_EMPTY, f"'{ws.title}' is a chart, not a sheet of cells", sheet=sheet,
                  expected="a sheet of cells with a header row")
        return None
    declared_rows, declared_cols = ws.max_row or 0, ws.max_column or 0
    if declared_rows > MAX_ROWS + 1 or declared_cols > MAX_COLUMNS:
        found.add(
            ProblemCode.SHEET_TOO_LARGE,
            f"the sheet declares {declared_rows:,} rows and {declared_cols:,} columns, more than devolve "
            f"reads ({MAX_ROWS:,} rows, {MAX_COLUMNS} columns)",
            sheet=sheet,
            expected="delete unused rows and columns, or split the file",
        )
        return None
    ws.reset_dimensions()  # some programs write a wrong size; read the cells actually present
    return _table(sheet, ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), found)


def _read_csv(path: Path, found: Findings) -> dict[str, Table]:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = ([v if v.strip() else None for v in record] for record in reader)
    table = _table(SERVICES, rows, found)
    return {SERVICES: table} if table is not None else {}


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel in much of Europe) or tab, whichever the header row uses most.

    The header decides because cells below may hold semicolon-separated lists of outcomes.
    """
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=lambda d: (header.count(d), d == ","))


def _table(sheet: str, rows: Iterable[Sequence[Any]], found: Findings) -> Table | None:
    """Header row and non-blank rows, trimmed of empty trailing cells, with a row cap."""
    iterator = iter(rows)
    header = _trim(next(iterator, ()))
    body: list[tuple[int, tuple[Any, ...]]] = []
    for number, values in enumerate(iterator, start=2):
        if number > MAX_ROWS + 1:
            found.add(
                ProblemCode.SHEET_TOO_LARGE,
                f"the sheet has more than {MAX_ROWS:,} rows; devolve stopped reading at row {number - 1:,}",
                sheet=sheet,
                row=number,
                expected=f"at most {MAX_ROWS:,} rows",
            )
            return None
        if values.count(None) == len(values):
            continue
        trimmed = _trim(values)
        if trimmed:
            body.append((number, trimmed))
    if not header and body:
        found.add(
            ProblemCode.COLUMN_MISSING,
            "row 1 is blank; devolve reads the column headers from row 1",
            sheet=sheet,
            row=1,
            expected="column headers in row 1",
        )
        return None
    return Table(sheet, header, tuple(body))


def _trim(values: Sequence[Any]) -> tuple[Any, ...]:
    end = len(values)
    while end and cells.is_blank(values[end - 1]):
        end -= 1
    return tuple(values[:end])


# --------------------------------------------------------------------------- from tables to rows


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

    def __init__(self, table: Table, rubric: Rubric, found: Findings, formula_hint: str = ""):
        self.sheet = table.sheet
        self.table = table
        self.found = found
        self.rubric = rubric
        self.formula_hint = formula_hint
        self.columns = {c.key: c for c in COLUMNS[table.sheet]}
        self.index: dict[str, int] = {}
        self.header_text: dict[str, str] = {}
        self.extras: list[tuple[str, int]] = []
        self.ok = self._match_headers()

    def _match_headers(self) -> bool:
        from openpyxl.utils import get_column_letter

        lookup = header_lookup(COLUMNS[self.sheet])
        width = max([len(self.table.headers)] + [len(v) for _, v in self.table.rows])
        headers = list(self.table.headers) + [None] * (width - len(self.table.headers))
        ok = True
        extra_names: dict[str, int] = {}
        # A column headed with the exact name wins; an alias beside it is just another column.
        exact = {normalise_header(h) for h in headers if cells.text(h)} & set(self.columns)
        for i, raw in enumerate(headers):
            letter = get_column_letter(i + 1)
            written = cells.text(raw)
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
                        sheet=self.sheet, row=1, column=written, value=written,
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
                    sheet=self.sheet, row=1, column=name, value=written,
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
            self.found.add(ProblemCode.UNKNOWN_COLUMN, message, sheet=self.sheet, row=1, column=name,
                           value=written, expected="a documented column (see the README sheet)", warning=True)
        for col in self.columns.values():
            if col.required and col.key not in self.index:
                ok = False
                found_headers = ", ".join(str(h) for h in self.table.headers if h is not None) or "none"
                self.found.add(
                    ProblemCode.COLUMN_MISSING,
                    f"the sheet has no '{col.key}' column (headers found: {found_headers})",
                    sheet=self.sheet, row=1, column=col.key,
                    expected=f"a column headed '{col.key}': {col.meaning}",
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
                if cells.is_blank(raw):
                    if col.required:
                        row.ok = False
                        self.problem(row, key, ProblemCode.VALUE_MISSING, "a value is needed here" +
                                     self.formula_hint, allowed_text(col, self.rubric) or col.meaning)
                    continue
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
                if value is not None:
                    row.extra[name] = value
            out.append(row)
        return out

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
            self.problem(row, key, _pydantic_code(err["type"]), message, None, value=err.get("input"))


def _pydantic_code(kind: str) -> ProblemCode:
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


def _whole(minimum: int, expected: str) -> Callable[[Any], int | None]:
    return lambda raw: cells.whole(raw, minimum, expected)


def _level(rubric: Rubric) -> Callable[[Any], int | None]:
    return lambda raw: cells.level(raw, rubric.scale_min, rubric.scale_max)


# --------------------------------------------------------------------------- from rows to an assessment


def assessment_from_tables(
    tables: Mapping[str, Table], rubric: Rubric, found: Findings, *, formula_hint: str = ""
) -> Assessment | None:
    """Check every sheet, collecting problems; the assessment, or None when there are errors."""
    services_table = tables.get(SERVICES)
    if services_table is None:
        if not any(p.sheet == SERVICES and p.severity == Severity.ERROR for p in found.problems):
            found.add(ProblemCode.SHEET_MISSING, "there is no Services sheet", sheet=SERVICES,
                      expected="a sheet named 'Services' listing one service per row")
        services: list[Service] = []
        sheet_ids: set[str] | None = None
    else:
        services, sheet_ids = _services(SheetReader(services_table, rubric, found, formula_hint), rubric)

    records: list[ActivityRecord] = []
    if ACTIVITIES in tables:
        records = _activities(SheetReader(tables[ACTIVITIES], rubric, found, formula_hint), rubric, sheet_ids)

    neighbourhoods: list[Neighbourhood] = []
    if NEIGHBOURHOODS in tables:
        neighbourhoods = _neighbourhoods(SheetReader(tables[NEIGHBOURHOODS], rubric, found, formula_hint),
                                         rubric)
    if not neighbourhoods and NEIGHBOURHOODS not in tables:
        found.add(
            ProblemCode.SHEET_MISSING,
            "there is no Neighbourhoods sheet: the assessment can be checked and scored, but the "
            "optimiser needs at least one neighbourhood to plan for",
            sheet=NEIGHBOURHOODS, expected="a Neighbourhoods sheet (see devolve template)", warning=True,
        )
    elif not neighbourhoods and not found.has_errors:
        found.add(
            ProblemCode.SHEET_EMPTY,
            "the Neighbourhoods sheet lists no neighbourhoods; the optimiser needs at least one",
            sheet=NEIGHBOURHOODS, row=2, expected="one row per neighbourhood", warning=True,
        )

    base = default_scenario(rubric, services)
    scenario: Scenario | None = base
    if SCENARIO in tables:
        scenario = _scenario(SheetReader(tables[SCENARIO], rubric, found, formula_hint), rubric, base)

    if found.has_errors or scenario is None:
        return None
    _warn_defaults(found, rubric, services, records, ACTIVITIES if ACTIVITIES in tables else SERVICES)
    try:
        return Assessment(
            rubric=rubric,
            services=tuple(services),
            activities=decompose(rubric, services, records),
            neighbourhoods=tuple(neighbourhoods),
            scenario=scenario,
        )
    except ValidationError as exc:
        for err in exc.errors():
            found.add(_pydantic_code(err["type"]), str(err["msg"]).removeprefix("Value error, "),
                      column=".".join(str(p) for p in err["loc"]) or None, value=err.get("input"))
        return None


def _services(reader: SheetReader, rubric: Rubric) -> tuple[list[Service], set[str] | None]:
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
        "statutory": cells.yes_no,
        "outcomes": cells.items,
        "lgsl_id": _whole(1, "a whole number, 1 or more (the LGSL service identifier)"),
    })
    if not rows:
        reader.found.add(ProblemCode.SHEET_EMPTY, "the Services sheet lists no services", sheet=SERVICES,
                         row=2, expected="one row per service below the header row")
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


def _activities(reader: SheetReader, rubric: Rubric, service_ids: set[str] | None) -> list[ActivityRecord]:
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


def _neighbourhoods(reader: SheetReader, rubric: Rubric) -> list[Neighbourhood]:
    if not reader.ok:
        return []
    rows = reader.rows({
        "neighbourhood_id": _id,
        "name": cells.text,
        "population": _whole(1, "a whole number of residents, 1 or more"),
        "share_aged_65_plus": cells.share,
        "volunteer_hours": lambda raw: cells.at_least(cells.number(raw, "hours a year, 0 or more"), 0,
                                                      "hours a year, 0 or more"),
        "intermediaries": _whole(0, "a whole number, 0 or more"),
    })
    largest = rubric.capacity.max_neighbourhood_population
    first_row: dict[str, int] = {}
    out: list[Neighbourhood] = []
    for row in rows:
        _claim_id(reader, row, "neighbourhood_id", first_row, "neighbourhood")
        population = row.values.get("population")
        if population is not None and population > largest:
            reader.problem(row, "population", ProblemCode.NEIGHBOURHOOD_TOO_LARGE,
                           f"{population:,} residents is larger than any place residents would call a "
                           "neighbourhood (the rubric's capacity.max_neighbourhood_population)",
                           f"at most {largest:,} residents", warning=True)
        if not row.ok:
            continue
        v = row.values
        given_hours = v.get("volunteer_hours")
        try:
            out.append(Neighbourhood(
                neighbourhood_id=v["neighbourhood_id"],
                name=v["name"],
                population=v["population"],
                share_aged_65_plus=v["share_aged_65_plus"],
                volunteer_hours=given_hours if given_hours is not None else default_volunteer_hours(
                    rubric, v["population"], v["share_aged_65_plus"]),
                volunteer_hours_source=ScoreSource.DEFAULT if given_hours is None else ScoreSource.ASSESSED,
                intermediaries=v.get("intermediaries", 0),
                extra=row.extra,
            ))
        except ValidationError as exc:
            reader.pydantic(row, exc)
    return out


def _scenario(reader: SheetReader, rubric: Rubric, base: Scenario) -> Scenario | None:
    if not reader.ok:
        return None
    settings: list[Setting] = []
    value_column = reader.column_name("value")
    for number, values in reader.table.rows:
        raw_key = values[reader.index["setting"]] if reader.index["setting"] < len(values) else None
        i = reader.index.get("value")
        raw_value = values[i] if i is not None and i < len(values) else None
        key = cells.text(raw_key)
        if key is None:
            if not cells.is_blank(raw_value):
                reader.found.add(ProblemCode.VALUE_MISSING, "a value without a setting name",
                                 sheet=SCENARIO, row=number, column=reader.column_name("setting"),
                                 expected="the name of a setting, such as transition_budget")
            continue
        settings.append(Setting(key, raw_value, file=reader.found.file, sheet=SCENARIO, row=number,
                                column=value_column))
    mark = len(reader.found.problems)
    scenario, problems = apply_settings(rubric, base, settings)
    reader.found.extend(problems)
    return None if reader.found.errors_since(mark) else scenario


def _warn_defaults(found: Findings, rubric: Rubric, services: list[Service], records: list[ActivityRecord],
                   sheet: str) -> None:
    """One readable warning for how much of the assessment is still the rubric's first guess."""
    assessed: dict[tuple[str, Stage], set[Criterion]] = defaultdict(set)
    for rec in records:
        assessed[(rec.service_id, rec.stage)].update(rec.scores)
    unassessed = 0
    untouched: list[str] = []
    for s in services:
        counts = [len(assessed.get((s.service_id, stage), ())) for stage in STAGES]
        unassessed += sum(1 for n in counts if n < len(CRITERIA))
        if not any(counts):
            untouched.append(s.service_id)
    if not unassessed:
        return
    total = len(services) * len(STAGES)
    detail = ""
    if untouched:
        shown = ", ".join(untouched[:5]) + (f" and {len(untouched) - 5} more" if len(untouched) > 5 else "")
        detail = f"; no activity of {len(untouched)} service(s) is assessed yet ({shown})"
    found.add(
        ProblemCode.DEFAULTS_IN_USE,
        f"{unassessed} of {total} activities still use the rubric's default scores for at least one "
        f"criterion: they are first guesses until someone assesses them{detail}",
        sheet=sheet,
        expected="scores on the Activities sheet, one row per assessor",
        warning=True,
    )


# --------------------------------------------------------------------------- writing


HEADER_FILL = "1F4E78"
HEADER_FONT = "FFFFFF"
MONEY_FORMAT = '"£"#,##0'
SHARE_FORMAT = "0.0%"


def write_workbook(
    assessment: Assessment, path: str | Path, *, extra_sheets: Mapping[str, Any] | None = None
) -> None:
    """Write an assessment as the four input sheets (then any extra sheets, such as a plan).

    Defaults are written as blank cells, so they read back as defaults; reading the file gives
    an assessment equal to this one.
    """
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet, (headers, kinds, rows) in _assessment_tables(assessment).items():
        write_table(workbook.create_sheet(sheet), headers, rows, kinds, _widths(sheet, headers),
                    scenario_row_kinds if sheet == SCENARIO else None)
    for title, frame in (extra_sheets or {}).items():
        if normalise_header(title) in {normalise_header(s) for s in SHEETS}:
            raise ValueError(f"extra sheet '{title}' would replace one of the input sheets")
        headers, kinds, rows = _frame_table(frame)
        write_table(workbook.create_sheet(_sheet_title(title)), headers, rows, kinds)
    save_atomically(workbook, Path(path))


def save_atomically(workbook: Any, path: Path) -> None:
    """Save next to the target then rename, so a failed save never leaves half a file."""
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", prefix=".devolve-", dir=path.parent)
    os.close(fd)
    try:
        workbook.save(tmp)
        # mkstemp makes the file private; a saved workbook gets the mode any new file would
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_Tables = dict[str, tuple[list[str], list[Kind | None], list[list[Any]]]]


def _assessment_tables(assessment: Assessment) -> _Tables:
    return {
        SERVICES: _services_table(assessment.services),
        ACTIVITIES: _activities_table(assessment.activities, _shares_to_write(assessment)),
        NEIGHBOURHOODS: _neighbourhoods_table(assessment.neighbourhoods, assessment.rubric),
        SCENARIO: _scenario_table(assessment.scenario),
    }


def _extra_keys(items: Iterable[Mapping[str, Any]]) -> list[str]:
    keys: dict[str, None] = {}
    for extra in items:
        keys.update(dict.fromkeys(extra))
    return list(keys)


def _known(sheet: str) -> tuple[list[str], list[Kind | None]]:
    columns = COLUMNS[sheet]
    return [c.key for c in columns], [c.kind for c in columns]


def _services_table(services: Sequence[Service]) -> tuple[list[str], list[Kind | None], list[list[Any]]]:
    headers, kinds = _known(SERVICES)
    extras = _extra_keys(s.extra for s in services)
    rows = [
        [s.service_id, s.name, s.directorate, s.service_type.value, s.annual_budget,
         "yes" if s.statutory else "no", "; ".join(s.outcomes) or None, s.lgsl_id]
        + [s.extra.get(k) for k in extras]
        for s in services
    ]
    return headers + extras, kinds + [None] * len(extras), rows


def _shares_to_write(assessment: Assessment) -> set[tuple[str, Stage]]:
    """Activities whose cost share must be written: those given, and every share of a service
    whose default shares are not what the priors would give (hand-edited, so nothing is lost)."""
    by_service: dict[str, list[Activity]] = defaultdict(list)
    for a in assessment.activities:
        by_service[a.service_id].append(a)
    out: set[tuple[str, Stage]] = set()
    for sid, acts in by_service.items():
        given = {a.stage: a.cost_share for a in acts if a.cost_share_source == ScoreSource.ASSESSED}
        expected = default_cost_shares(assessment.rubric, assessment.service(sid), given)
        drifted = any(abs(a.cost_share - expected[a.stage]) > 1e-12 for a in acts)
        out |= {(sid, a.stage) for a in acts if drifted or a.stage in given}
    return out


def _activities_table(
    activities: Sequence[Activity], shares: set[tuple[str, Stage]]
) -> tuple[list[str], list[Kind | None], list[list[Any]]]:
    headers, kinds = _known(ACTIVITIES)
    extras = _extra_keys(a.extra for a in activities)
    rows: list[list[Any]] = []
    for a in activities:
        assessed = [s for s in a.scores if s.source == ScoreSource.ASSESSED]
        share_given = (a.service_id, a.stage) in shares
        if not (assessed or share_given or a.must_retain or a.retain_reason or a.extra):
            continue  # wholly default: reads back from the priors
        by_assessor: dict[str | None, list] = {}
        for score in assessed:
            by_assessor.setdefault(score.assessor, []).append(score)
        for assessor, scores in (by_assessor or {None: []}).items():
            values = {s.criterion: s.value for s in scores}
            rows.append(
                [a.service_id, a.stage.value, a.cost_share if share_given else None,
                 "yes" if a.must_retain else None, a.retain_reason, assessor]
                + [values.get(c) for c in CRITERIA]
                + [scores[0].rationale if scores else None, scores[0].evidence if scores else None]
                + [a.extra.get(k) for k in extras]
            )
    return headers + extras, kinds + [None] * len(extras), rows


def _neighbourhoods_table(
    neighbourhoods: Sequence[Neighbourhood], rubric: Rubric
) -> tuple[list[str], list[Kind | None], list[list[Any]]]:
    headers, kinds = _known(NEIGHBOURHOODS)
    extras = _extra_keys(n.extra for n in neighbourhoods)
    rows = [
        [n.neighbourhood_id, n.name, n.population, n.share_aged_65_plus, _hours(n, rubric), n.intermediaries]
        + [n.extra.get(k) for k in extras]
        for n in neighbourhoods
    ]
    return headers + extras, kinds + [None] * len(extras), rows


def _hours(n: Neighbourhood, rubric: Rubric) -> float | None:
    """Blank when the hours are the rubric's estimate, so they read back as a default.

    Hours marked default but not equal to the estimate are written out: the number matters
    more to a plan than its label, and nothing the user entered may be lost.
    """
    derived = default_volunteer_hours(rubric, n.population, n.share_aged_65_plus)
    if n.volunteer_hours_source == ScoreSource.DEFAULT and n.volunteer_hours == derived:
        return None
    return n.volunteer_hours


def _scenario_table(scenario: Scenario) -> tuple[list[str], list[Kind | None], list[list[Any]]]:
    headers, _ = _known(SCENARIO)
    specs = {s.key: s for s in SETTINGS}
    rows = [
        [key, value, specs[key].meaning if key in specs else None] for key, value in settings_of(scenario)
    ]
    return headers, [None, None, None], rows


def setting_kind(key: str) -> Kind | None:
    for spec in SETTINGS:
        if spec.key == key:
            return spec.kind
    return None


def _widths(sheet: str, headers: list[str]) -> list[int]:
    known = {c.key: c.width for c in COLUMNS[sheet]}
    return [known.get(h, max(12, min(40, len(h) + 4))) for h in headers]


def _sheet_title(title: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip("'")
    return cleaned[:31] or "Sheet"


def _frame_table(frame: Any) -> tuple[list[str], list[Kind | None], list[list[Any]]]:
    """A pandas DataFrame as plain Python rows; money and share columns guessed from names."""
    headers = [str(c) for c in frame.columns]
    kinds = [_guess_kind(h) for h in headers]
    rows = [[_python(v) for v in record] for record in frame.itertuples(index=False, name=None)]
    return headers, kinds, rows


def _guess_kind(header: str) -> Kind | None:
    h = normalise_header(header)
    original = header.lower()
    if "£" in original or any(w in h for w in ("budget", "cost", "saving", "reserve", "spend", "gbp")):
        if "share" not in h and "hours" not in h and "factor" not in h:
            return Kind.MONEY
    if "share" in h or "%" in original or h.endswith(("_pct", "percent", "rate")):
        return Kind.SHARE
    return None


def _python(value: Any) -> Any:
    """numpy and pandas scalars to plain Python; missing values to blank cells."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, float) and math.isnan(value):
        return None
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "value") and not isinstance(value, (str, int, float, bool)):
        return value.value  # enums
    return value


def write_table(
    ws: Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    kinds: Sequence[Kind | None] | None = None,
    widths: Sequence[int] | None = None,
    row_kinds: Callable[[Sequence[Any]], Sequence[Kind | None]] | None = None,
) -> None:
    """A styled, neutralised table: bold filled header, frozen, filterable, formatted numbers."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    kinds = list(kinds or [None] * len(headers))
    font = Font(bold=True, color=HEADER_FONT)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for j, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=j)
        put_value(cell, header)
        cell.font = font
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    longest = [len(str(h)) for h in headers]
    last = 1
    for i, row in enumerate(rows, start=2):
        last = i
        these = row_kinds(row) if row_kinds else kinds
        for j, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=i, column=j)
            put_value(cell, value)
            kind = these[j - 1] if j - 1 < len(these) else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if kind == Kind.MONEY:
                    cell.number_format = MONEY_FORMAT
                elif kind == Kind.SHARE:
                    cell.number_format = SHARE_FORMAT
            if i < 500:
                longest[j - 1] = max(longest[j - 1], len(str(value)))
    for j, header in enumerate(headers, start=1):
        width = widths[j - 1] if widths else min(50, max(10, longest[j - 1] + 2))
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "A2"
    if headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"


def scenario_row_kinds(row: Sequence[Any]) -> list[Kind | None]:
    return [None, setting_kind(str(row[0])) if row else None, None]


def put_value(cell: Any, value: Any) -> None:
    """Write one value; text always as text, so it can never become a formula or an error code."""
    if isinstance(value, str):
        cell.value = neutralise(printable(value))
        cell.data_type = "s"
    else:
        cell.value = value
