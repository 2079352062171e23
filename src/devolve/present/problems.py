"""Showing problems to people: one table (sheet, row, column, value, expected, message).

The terminal gets it aligned (``devolve validate``, and any input the command line refuses);
:mod:`devolve.io.problem_csv` writes the same table as a CSV file.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from devolve.core.problems import Problem, ProblemReport

TABLE_COLUMNS = ("severity", "sheet", "row", "column", "value", "expected", "message")
_WIDEST = {"value": 30, "expected": 60, "column": 30, "sheet": 30}
"""Terminal cells longer than this are shortened; the CSV report keeps them whole."""


def summary_line(name: str, report: ProblemReport) -> str:
    """'sample.xlsx: valid, 3 warnings' or 'sample.xlsx: 7 errors, 2 warnings'."""
    warnings = _count(len(report.warnings), "warning")
    if report.ok:
        return f"{name}: valid" + (f", {warnings}" if report.warnings else "")
    return f"{name}: {_count(len(report.errors), 'error')}, {warnings}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def problem_cells(p: Problem) -> dict[str, Any]:
    """One problem as the table's cells; a problem about a whole file shows the file as its sheet."""
    return {
        "severity": p.severity.value,
        "sheet": p.sheet or p.file or "",
        "row": "" if p.row is None else p.row,
        "column": p.column or "",
        "value": "" if p.value is None else p.value,
        "expected": p.expected or "",
        "message": p.message,
    }


def print_problems(report: ProblemReport, file: TextIO | None = None, *, name: str | None = None) -> None:
    """Print every problem as an aligned table, then a one-line summary."""
    out = file if file is not None else sys.stdout
    problems = report.ordered()
    if problems:
        rows = [[_shorten(str(problem_cells(p)[c]), _WIDEST.get(c)) for c in TABLE_COLUMNS] for p in problems]
        widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(TABLE_COLUMNS)]
        widths[-1] = 0  # the message is last: never padded
        print(_line(TABLE_COLUMNS, widths), file=out)
        print(_line(["-" * w if w else "-------" for w in widths], widths), file=out)
        for r in rows:
            print(_line(r, widths), file=out)
    print(summary_line(name or _name_of(report), report), file=out)


def _line(cells: Any, widths: list[int]) -> str:
    return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()


def _shorten(text: str, limit: int | None) -> str:
    text = " ".join(text.split())
    if limit and len(text) > limit:
        return text[: limit - 1] + "…"
    return text


def _name_of(report: ProblemReport) -> str:
    files = {p.file for p in report.problems if p.file}
    return files.pop() if len(files) == 1 else "input"
