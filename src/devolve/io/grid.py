"""Sheets as cells: the header row and the rows below it, from an .xlsx or .ods workbook or a .csv file.

The file has already passed :mod:`devolve.io.guard`. Councils rarely start a table in A1: a
title, a merged banner or a blank row often sits above the headers, and a directorate is
often merged down its services. So every format is first read as plain rows with Excel's row
numbers (plus the sheet's merged ranges and any formula whose value was never saved), and then
one function finds the header row, fills merged cells down and says what it did.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from devolve.core.problems import ProblemCode
from devolve.io import cells
from devolve.io.columns import COLUMNS, SERVICES, SHEETS, header_lookup, normalise_header
from devolve.io.findings import Findings
from devolve.io.guard import MAX_COLUMNS, MAX_ROWS

HEADER_SEARCH_ROWS = 20
"""How far down a sheet devolve looks for its header row (below titles, banners and notes)."""
MAX_MERGED_RANGES = 10_000
"""Most merged ranges filled down on one sheet; a real inventory has tens."""


@dataclass(frozen=True)
class Span:
    """A merged range of cells, by Excel's row and column numbers (1-based, inclusive)."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int

    @property
    def ref(self) -> str:
        return f"{cell_ref(self.first_row, self.first_col)}:{cell_ref(self.last_row, self.last_col)}"


@dataclass(frozen=True)
class Table:
    """One sheet as cells: its header row and the non-blank rows below it, with Excel's row
    numbers. Values sit at their real column positions (index 0 is column A), so a table that
    starts in column B keeps its real column letters."""

    sheet: str
    headers: tuple[Any, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]
    header_row: int = 1
    unsaved: Mapping[tuple[int, int], str] = field(default_factory=dict)
    """Formulas whose value was never saved, by (row, column index), with the formula's text."""


@dataclass
class RawSheet:
    """A sheet as a format reader gives it: rows numbered as in the spreadsheet, from column A."""

    rows: Iterable[tuple[int, Sequence[Any]]]
    merged: tuple[Span, ...] = ()
    unsaved: dict[tuple[int, int], str] = field(default_factory=dict)


def cell_ref(row: int, col: int) -> str:
    """'C7' for row 7, column 3."""
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


# --------------------------------------------------------------------------- .xlsx


def read_xlsx(path: Path, found: Findings) -> dict[str, Table] | None:
    import openpyxl

    with path.open("rb") as fh, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        try:
            def sheet(title: str, name: str) -> RawSheet | None:
                return _xlsx_sheet(workbook[title], name, found)

            return tables_of(list(workbook.sheetnames), sheet, found)
        finally:
            workbook.close()


def tables_of(titles: list[str], open_sheet: Any, found: Findings) -> dict[str, Table]:
    """The sheets devolve reads, found by name whatever their case and spacing; ``open_sheet(title,
    sheet)`` gives a sheet's raw rows (or None, having said why it cannot)."""
    by_name = {normalise_header(t): t for t in titles}
    if normalise_header(SERVICES) not in by_name:
        found.add(
            ProblemCode.SHEET_MISSING,
            "there is no Services sheet (sheets found: " + ", ".join(titles) + ")",
            sheet=SERVICES,
            expected="a sheet named 'Services' listing one service per row",
        )
    tables: dict[str, Table] = {}
    for sheet in SHEETS:
        title = by_name.get(normalise_header(sheet))
        if title is None:
            continue
        raw = open_sheet(title, sheet)
        table = None if raw is None else table_of(sheet, raw, found)
        if table is not None:
            tables[sheet] = table
    return tables


def _xlsx_sheet(ws: Any, sheet: str, found: Findings) -> RawSheet | None:
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
    merged, unsaved = _xlsx_merges_and_formulas(ws)
    ws.reset_dimensions()  # some programs write a wrong size; read the cells actually present
    rows = ws.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    return RawSheet(enumerate(rows, start=1), merged, unsaved)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _xlsx_merges_and_formulas(ws: Any) -> tuple[tuple[Span, ...], dict[tuple[int, int], str]]:
    """The sheet's merged ranges and its formulas with no saved value, which openpyxl's
    read-only, values-only reader cannot report (a valueless formula reads as blank).

    The part is streamed twice only when its bytes mention a merge or a formula at all; the
    guard has already refused DOCTYPEs and entities, and defusedxml refuses them again.
    """
    from defusedxml.ElementTree import iterparse
    from openpyxl.utils import column_index_from_string

    with ws._get_source() as src:  # openpyxl's own handle on the sheet's part
        wanted = _mentions(src, (b"mergeCell", b"<f>", b"<f ", b":f>", b":f "))
    if not wanted:
        return (), {}
    merged: list[Span] = []
    unsaved: dict[tuple[int, int], str] = {}
    with ws._get_source() as src:
        for _, element in iterparse(src, events=("end",)):
            tag = element.tag
            if tag == _MAIN + "c":
                formula = element.find(_MAIN + "f")
                if formula is not None and _unsaved(element):
                    where = _REF.match(element.get("r", ""))
                    if where and len(unsaved) < MAX_ROWS:
                        key = (int(where.group(2)), column_index_from_string(where.group(1)) - 1)
                        unsaved[key] = "=" + formula.text if formula.text else "a formula"
            elif tag == _MAIN + "row":
                element.clear()
            elif tag == _MAIN + "mergeCell" and len(merged) <= MAX_MERGED_RANGES:
                span = _span(element.get("ref", ""))
                if span is not None:
                    merged.append(span)
    return tuple(merged), unsaved


def _unsaved(cell: Any) -> bool:
    """A formula cell with no value: no <v>, or an empty one that is not a text result (Excel
    writes a formula giving "" as an empty text value; openpyxl writes every formula's <v> empty)."""
    value = cell.find(_MAIN + "v")
    return value is None or (not value.text and cell.get("t") not in ("str", "s", "inlineStr"))


def _mentions(stream: Any, needles: tuple[bytes, ...]) -> bool:
    tail = b""
    while chunk := stream.read(1024 * 1024):
        window = tail + chunk
        if any(n in window for n in needles):
            return True
        tail = window[-16:]
    return False


def _span(ref: str) -> Span | None:
    from openpyxl.utils import range_boundaries

    try:
        first_col, first_row, last_col, last_row = range_boundaries(ref)
    except (ValueError, TypeError):
        return None
    if None in (first_col, first_row, last_col, last_row):
        return None
    return Span(first_row, first_col, last_row, last_col)


# --------------------------------------------------------------------------- .csv


def read_csv(path: Path, found: Findings) -> dict[str, Table]:
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
    table = table_of(SERVICES, RawSheet(enumerate(rows, start=1)), found)
    return {SERVICES: table} if table is not None else {}


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel in much of Europe) or tab, whichever the header row uses most.

    The first line with any separator decides (a title line above the headers may have none),
    not the rows below, because their cells may hold semicolon-separated lists of outcomes.
    """
    head = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    line = next((h for h in head if any(d in h for d in (",", ";", "\t"))), head[0])
    return max((",", ";", "\t"), key=lambda d: (line.count(d), d == ","))


# --------------------------------------------------------------------------- one table from raw rows


def table_of(sheet: str, raw: RawSheet, found: Findings) -> Table | None:
    """The sheet's header row found, merged cells filled down, blank rows dropped, rows capped."""
    rows = iter(raw.rows)
    top: list[tuple[int, tuple[Any, ...]]] = []
    for number, values in rows:
        top.append((number, _trim(values)))
        if len(top) == HEADER_SEARCH_ROWS:
            break
    header_at = _header_index(sheet, top)
    if header_at is None:
        later = next(((n, v) for n, v in rows if _trim(v)), None)
        if later is not None:
            found.add(ProblemCode.COLUMN_MISSING, f"the first {HEADER_SEARCH_ROWS} rows are blank, so devolve "
                      f"found no header row (the first value is in row {later[0]})", sheet=sheet, row=later[0],
                      expected=f"the column headers within the first {HEADER_SEARCH_ROWS} rows")
            return None
        return Table(sheet, (), ())
    header_row, header = top[header_at]
    _say_where_headers_are(sheet, top[:header_at], header_row, header, found)
    fill = _Filler(sheet, header_row, header, raw.merged, found)
    body: list[tuple[int, tuple[Any, ...]]] = []
    for number, values in itertools.chain(top[header_at + 1:], rows):
        if number > header_row + MAX_ROWS:
            found.add(
                ProblemCode.SHEET_TOO_LARGE,
                f"the sheet has more than {MAX_ROWS:,} rows below its headers; devolve stopped reading at "
                f"row {number - 1:,}",
                sheet=sheet,
                row=number,
                expected=f"at most {MAX_ROWS:,} rows",
            )
            return None
        trimmed = _trim(fill.row(number, values))
        if trimmed:
            body.append((number, trimmed))
    fill.report()
    unsaved = {k: v for k, v in raw.unsaved.items() if k[0] >= header_row}
    return Table(sheet, header, tuple(body), header_row, unsaved)


def _header_index(sheet: str, top: list[tuple[int, tuple[Any, ...]]]) -> int | None:
    """The row among the first few that names most of the sheet's columns, at least two of them
    (one could be a value: a Scenario row 'name | Budget 2026' names the setting column); failing
    that the first non-blank row, so a sheet without known headers is reported against them."""
    lookup = header_lookup(COLUMNS[sheet])
    best, best_score = None, 1
    for i, (_, values) in enumerate(top):
        names = {normalise_header(t) for t in map(cells.text, values) if t}
        score = len({lookup[n] for n in names if n in lookup})
        if score > best_score:
            best, best_score = i, score
    if best is not None:
        return best
    return next((i for i, (_, values) in enumerate(top) if values), None)


def _say_where_headers_are(sheet: str, above: list[tuple[int, tuple[Any, ...]]], header_row: int,
                           header: tuple[Any, ...], found: Findings) -> None:
    """A note, not an error, when the headers are not in row 1 or the table does not start in
    column A: the user should know which rows were read and which were passed over."""
    first_col = next((i for i, v in enumerate(header) if not cells.is_blank(v)), 0)
    if header_row == 1 and first_col == 0:
        return
    where = f"row {header_row}"
    if first_col:
        where += f", from column {cell_ref(header_row, first_col + 1).rstrip('0123456789')}"
    skipped = [cells.text(v) for _, values in above for v in values if not cells.is_blank(v)]
    rows = "row 1 above them" if header_row == 2 else f"rows 1 to {header_row - 1} above them"
    if header_row == 1:
        passed = ""
    elif skipped:
        others = f" and {len(skipped) - 1} other cell(s)" if len(skipped) > 1 else ""
        passed = f"; {rows} {'is' if header_row == 2 else 'are'} not read (holding '{skipped[0]}'{others})"
    else:
        passed = f"; {rows} {'is' if header_row == 2 else 'are'} blank"
    found.add(ProblemCode.HEADER_ROW, f"the column headers were found in {where}{passed}", sheet=sheet,
              row=header_row, expected="nothing to change: this says which rows devolve read",
              note=True)


class _Filler:
    """Fills cells merged down a column with the value of the range's first cell, as the user
    sees it, and names merged ranges it will not fill (across columns, or joined to the header)."""

    def __init__(self, sheet: str, header_row: int, header: tuple[Any, ...], merged: tuple[Span, ...],
                 found: Findings):
        self.sheet, self.header, self.found = sheet, header, found
        self.down = sorted((s for s in merged if s.first_col == s.last_col and s.first_row > header_row
                            and s.last_row > s.first_row), key=lambda s: s.first_row)
        self.across = [s for s in merged if s.last_row >= header_row and s not in self.down
                       and (s.first_row, s.first_col) != (s.last_row, s.last_col)]
        self.top: dict[Span, Any] = {}
        self.filled: dict[int, list[Span]] = {}
        self.next = 0
        self.active: list[Span] = []

    def row(self, number: int, values: Sequence[Any]) -> Sequence[Any]:
        while self.next < len(self.down) and self.down[self.next].first_row <= number:
            self.active.append(self.down[self.next])
            self.next += 1
        self.active = [s for s in self.active if s.last_row >= number]
        if not self.active:
            return values
        out = list(values)
        for span in self.active:
            i = span.first_col - 1
            if span.first_row == number:
                self.top[span] = out[i] if i < len(out) else None
            elif not cells.is_blank(self.top.get(span)) and (i >= len(out) or cells.is_blank(out[i])):
                out.extend([None] * (i + 1 - len(out)))
                out[i] = self.top[span]
                self.filled.setdefault(i, [])
                if span not in self.filled[i]:
                    self.filled[i].append(span)
        return out

    def report(self) -> None:
        for i, spans in sorted(self.filled.items()):
            shown = ", ".join(s.ref for s in spans[:5]) + (f" and {len(spans) - 5} more" if len(spans) > 5 else "")
            self.found.add(
                ProblemCode.MERGED_CELLS,
                f"merged cells {shown} were read as the value of their first cell on every row they cover",
                sheet=self.sheet, row=spans[0].first_row, column=self._column(i),
                expected="nothing to change: this says how the merged cells were read", note=True,
            )
        for span in self.across[:20]:
            self.found.add(
                ProblemCode.MERGED_CELLS,
                f"cells {span.ref} are merged: devolve reads the value of "
                f"{cell_ref(span.first_row, span.first_col)} only, and the other cells as blank",
                sheet=self.sheet, row=span.first_row, column=self._column(span.first_col - 1),
                expected="unmerged cells, one value in each (Format > Merge cells > Unmerge)", warning=True,
            )

    def _column(self, i: int) -> str:
        written = cells.text(self.header[i]) if i < len(self.header) else None
        return written or f"column {cell_ref(1, i + 1)[:-1]}"


def _trim(values: Sequence[Any]) -> tuple[Any, ...]:
    end = len(values)
    while end and cells.is_blank(values[end - 1]):
        end -= 1
    return tuple(values[:end])
