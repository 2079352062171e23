"""Keeping user text inert in the spreadsheets and CSV files we write.

A cell that begins with ``= + - @``, a tab or a carriage return is read by Excel (and by
LibreOffice, Google Sheets) as the start of a formula: text a user typed, or a value from a
client's file, could then run when a councillor opens our export (OWASP "CSV injection",
CWE-1236). A workbook keeps such text inert with Excel's quote prefix, a cell style
(:func:`devolve.io.xlsx.put_value`), so it shows as typed. A CSV file cannot carry a style: its
writers pass user text through :func:`neutralise`, which puts a single quote in front. Our
readers take that exact quote off again with :func:`restore`, so a workbook written by an
earlier devolve, which put the quote into the text too, still loads back to the same assessment.
"""

from __future__ import annotations

import re
from typing import TypeVar

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat text as a formula."""

QUOTE = "'"

_ILLEGAL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f]")
"""Control characters an xlsx file cannot hold at all (the XML would be invalid)."""

T = TypeVar("T")


def neutralise(value: T) -> T | str:
    """Text that a spreadsheet would run as a formula gets a leading quote; anything else is
    returned unchanged (numbers, booleans, dates and None are never formulas)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return QUOTE + value
    return value


def restore(text: str) -> str:
    """Undo :func:`neutralise`: drop a quote only where it guards a formula trigger."""
    if len(text) > 1 and text[0] == QUOTE and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text


def printable(text: str) -> str:
    """Remove the control characters an xlsx cell cannot store (they can arrive from CSV)."""
    return _ILLEGAL.sub("", text)
