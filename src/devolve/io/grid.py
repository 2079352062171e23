"""Sheets as cells: the header row and the rows below it, from an .xlsx workbook or a .csv file.

The file has already passed :mod:`devolve.io.guard`; a workbook is opened read-only with
formulas as their saved values, and every sheet is read with a cap on rows and columns.
"""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from devolve.core.problems import ProblemCode
from devolve.io import cells
from devolve.io.columns import SERVICES, SHEETS, normalise_header
from devolve.io.findings import Findings
from devolve.io.guard import MAX_COLUMNS, MAX_ROWS


@dataclass(frozen=True)
class Table:
    """One sheet as cells: its header row and its non-blank rows with Excel's row numbers."""

    sheet: str
    headers: tuple[Any, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]


def read_xlsx(path: Path, found: Findings) -> dict[str, Table] | None:
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
