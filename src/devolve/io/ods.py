"""LibreOffice's own spreadsheets (.ods) read into the same rows as an .xlsx workbook.

An .ods file is a zip holding one XML part, ``content.xml``, with every sheet's rows. It is
streamed with defusedxml (no DOCTYPE, no entities; the guard has already checked the zip and
refused both), one row at a time, and each row is dropped once read. Merged ranges, formulas
with no saved value and error values come from the file itself, so :func:`devolve.io.grid.table_of`
treats them exactly as in a workbook.

Why not a ready-made reader: python-calamine reads an .ods error cell (#N/A) as blank and does not
report its merged ranges, so a failed lookup would quietly take a default; odfpy builds the whole
document in memory and has had no release since 2020. The OpenDocument table format itself is
small: rows and cells, each possibly repeated, spanned or covered.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

from devolve.io.columns import SHEETS, normalise_header
from devolve.io.findings import Findings
from devolve.io.grid import HEADER_SEARCH_ROWS, RawSheet, Span, Table, tables_of
from devolve.io.guard import MAX_COLUMNS, MAX_ROWS

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_ROW_CAP = MAX_ROWS + HEADER_SEARCH_ROWS + 2
"""Rows kept per sheet: enough for :func:`table_of` to say the sheet is too large."""


def read_ods(path: Path, found: Findings) -> dict[str, Table]:
    """The sheets devolve reads, from an .ods file that has passed the guard."""
    titles, sheets = _sheets(path)
    return tables_of(titles, lambda title, _: sheets.get(title, RawSheet(())), found)


def _sheets(path: Path) -> tuple[list[str], dict[str, RawSheet]]:
    """Every sheet's name in order, and the rows of the sheets devolve reads."""
    from defusedxml.ElementTree import iterparse

    wanted = {normalise_header(s) for s in SHEETS}
    titles: list[str] = []
    sheets: dict[str, _Sheet] = {}
    current: _Sheet | None = None
    open_elements: list[Any] = []
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as part:
        for event, element in iterparse(part, events=("start", "end")):
            if event == "start":
                open_elements.append(element)
                if element.tag == _TABLE + "table" and current is None:
                    title = element.get(_TABLE + "name", f"Sheet{len(titles) + 1}")
                    titles.append(title)
                    current = _Sheet() if normalise_header(title) in wanted else None
                    if current is not None:
                        sheets[title] = current
                continue
            open_elements.pop()
            if element.tag == _TABLE + "table-row":
                if current is not None:
                    current.add_row(element)
                element.clear()
                if open_elements:
                    open_elements[-1].remove(element)  # a read row is dropped: memory stays flat
            elif element.tag == _TABLE + "table":
                current = None
    return titles, {t: RawSheet(s.rows, tuple(s.merged), s.unsaved) for t, s in sheets.items()}


class _Sheet:
    """Rows of one sheet as they stream past, expanded from OpenDocument's repeats and spans."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, tuple[Any, ...]]] = []
        self.merged: list[Span] = []
        self.unsaved: dict[tuple[int, int], str] = {}
        self.number = 0

    def add_row(self, row: Any) -> None:
        repeat = _count(row, "number-rows-repeated")
        values: list[Any] = []
        unsaved: dict[int, str] = {}
        col = 0
        for cell in row:
            if cell.tag not in (_TABLE + "table-cell", _TABLE + "covered-table-cell") or col >= MAX_COLUMNS:
                continue
            across = min(_count(cell, "number-columns-repeated"), MAX_COLUMNS - col)
            # a covered cell may keep a value LibreOffice hides under the merge: read what is shown
            value = None if cell.tag == _TABLE + "covered-table-cell" else _value(cell)
            formula = cell.get(_TABLE + "formula")
            rows_spanned, cols_spanned = _count(cell, "number-rows-spanned"), _count(cell, "number-columns-spanned")
            if rows_spanned > 1 or cols_spanned > 1:
                self.merged.append(Span(self.number + 1, col + 1, self.number + rows_spanned, col + cols_spanned))
            if formula is not None and cell.get(_OFFICE + "value-type") is None:
                unsaved[col] = "=" + formula.split(":", 1)[-1].lstrip("=")
            if value is not None:
                values.extend([None] * (col - len(values)))
                values.extend([value] * across)
            col += across
        if not values and not unsaved:
            self.number += repeat  # blank rows, often a million of them to the sheet's end
            return
        kept = max(0, min(repeat, _ROW_CAP - len(self.rows)))
        for _ in range(kept):
            self.number += 1
            self.rows.append((self.number, tuple(values)))
            self.unsaved.update({(self.number, c): f for c, f in unsaved.items()})
        self.number += repeat - kept


def _count(element: Any, attribute: str) -> int:
    try:
        return max(1, int(element.get(_TABLE + attribute, "1")))
    except ValueError:
        return 1


def _value(cell: Any) -> Any:
    """A cell's saved value as openpyxl would give it: a number, text, a boolean, a date, an
    error value's text (#N/A), or None."""
    if cell.get(_CALCEXT + "value-type") == "error":
        return _text(cell) or "#N/A"
    kind = cell.get(_OFFICE + "value-type")
    if kind in ("float", "percentage", "currency"):
        try:
            return float(cell.get(_OFFICE + "value", ""))
        except ValueError:
            return _text(cell)
    if kind == "boolean":
        return cell.get(_OFFICE + "boolean-value", "").lower() == "true"
    if kind == "date":
        written = cell.get(_OFFICE + "date-value", "")
        try:
            return dt.datetime.fromisoformat(written)
        except ValueError:
            return written or None
    if kind == "string":
        given = cell.get(_OFFICE + "string-value")
        return given if given else _text(cell)
    if kind is not None:
        return _text(cell)
    return None


def _text(cell: Any) -> str | None:
    """The text of a cell's paragraphs, with OpenDocument's space, tab and line-break marks."""
    paragraphs = ["".join(_inline(p)) for p in cell if p.tag == _TEXT + "p"]
    return "\n".join(paragraphs) or None


def _inline(element: Any) -> list[str]:
    parts = [element.text or ""]
    for child in element:
        if child.tag == _TEXT + "s":
            parts.append(" " * _spaces(child))
        elif child.tag == _TEXT + "tab":
            parts.append("\t")
        elif child.tag == _TEXT + "line-break":
            parts.append("\n")
        else:
            parts.extend(_inline(child))
        parts.append(child.tail or "")
    return parts


def _spaces(element: Any) -> int:
    try:
        return max(1, int(element.get(_TEXT + "c", "1")))
    except ValueError:
        return 1
