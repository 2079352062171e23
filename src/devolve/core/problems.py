"""Problems found in a user's input, collected lazily and reported together.

Every check adds a :class:`Problem` instead of raising, so a consultant sees every bad cell at
once, as one tidy table (file, sheet, row, column, value, expected, message), in the command
line, the app and a downloadable file alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterable


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"
    """Not a problem: what devolve did with an unusual but readable sheet (headers found in row 3)."""


class ProblemCode(str, Enum):
    """Kinds of problem, so code and tests can tell them apart without parsing messages."""

    FILE_EMPTY = "file-empty"
    FILE_NOT_WORKBOOK = "file-not-workbook"
    FILE_MACROS = "file-macros"
    FILE_TOO_LARGE = "file-too-large"
    FILE_ZIP_BOMB = "file-zip-bomb"
    FILE_XML_UNSAFE = "file-xml-unsafe"
    FILE_UNREADABLE = "file-unreadable"
    SHEET_MISSING = "sheet-missing"
    SHEET_TOO_LARGE = "sheet-too-large"
    SHEET_EMPTY = "sheet-empty"
    COLUMN_MISSING = "column-missing"
    COLUMN_DUPLICATE = "column-duplicate"
    VALUE_MISSING = "value-missing"
    VALUE_TYPE = "value-type"
    VALUE_RANGE = "value-range"
    VALUE_CHOICE = "value-choice"
    ID_DUPLICATE = "id-duplicate"
    ID_DANGLING = "id-dangling"
    COST_SHARES = "cost-shares"
    CONFLICT = "conflict"
    RUBRIC = "rubric"
    SCENARIO = "scenario"
    DEFAULTS_IN_USE = "defaults-in-use"
    ASSESSORS_DISAGREE = "assessors-disagree"
    NEIGHBOURHOOD_TOO_LARGE = "neighbourhood-too-large"
    UNKNOWN_COLUMN = "unknown-column"
    UNKNOWN_OUTCOME = "unknown-outcome"
    HEADER_ROW = "header-row"
    MERGED_CELLS = "merged-cells"
    FORMULA_UNSAVED = "formula-unsaved"
    ERROR_VALUE = "error-value"
    INVISIBLE_CHARACTER = "invisible-character"
    PLAN_MISSING = "plan-missing"
    PLAN_STALE = "plan-stale"


@dataclass(frozen=True)
class Problem:
    code: ProblemCode
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    """Row number as the spreadsheet shows it (the first row is row 1, wherever the headers are)."""
    column: str | None = None
    value: Any = None
    expected: str | None = None
    severity: Severity = Severity.ERROR

    @property
    def location(self) -> str:
        parts = [p for p in (self.file, self.sheet) if p]
        where = ", ".join(parts)
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return where.lstrip(", ")

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.value is not None and self.value != "":
            text += f" (found {self.value!r})"
        if self.expected:
            text += f"; expected {self.expected}"
        return text


@dataclass(frozen=True)
class ProblemReport:
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, problems: Iterable[Problem]) -> ProblemReport:
        return cls(tuple(problems))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == Severity.WARNING)

    @property
    def notes(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == Severity.NOTE)

    @property
    def ok(self) -> bool:
        return not self.errors

    def ordered(self) -> tuple[Problem, ...]:
        """Errors first, then warnings, then notes, each in the order they were found."""
        return self.errors + self.warnings + self.notes

    def rows(self) -> list[dict[str, Any]]:
        """One dict per problem, the columns of the tidy table."""
        return [
            {
                "severity": p.severity.value,
                "file": p.file,
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column,
                "value": p.value,
                "expected": p.expected,
                "message": p.message,
                "code": p.code.value,
            }
            for p in self.problems
        ]

    def __add__(self, other: ProblemReport) -> ProblemReport:
        return ProblemReport(self.problems + other.problems)


class InvalidInput(Exception):
    """Raised by the shell when input cannot become an Assessment; carries every problem."""

    def __init__(self, report: ProblemReport):
        self.report = report
        first = report.errors[0] if report.errors else None
        super().__init__(
            f"{len(report.errors)} problem(s) in the input" + (f"; first: {first}" if first else "")
        )
