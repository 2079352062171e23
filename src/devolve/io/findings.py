"""Problems found in one file, collected in the order found (see :mod:`devolve.core.problems`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from devolve.core.problems import Problem, ProblemCode, Severity


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
        note: bool = False,
    ) -> None:
        self.problems.append(
            Problem(
                code,
                message,
                file=self.file,
                sheet=sheet,
                row=row,
                column=column,
                value=shorten(value),
                expected=expected,
                severity=Severity.NOTE if note else Severity.WARNING if warning else Severity.ERROR,
            )
        )

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def errors_since(self, mark: int) -> bool:
        return any(p.severity == Severity.ERROR for p in self.problems[mark:])

    @property
    def has_errors(self) -> bool:
        return self.errors_since(0)


def shorten(value: Any) -> Any:
    """A long value cut to a length a problem table can show."""
    if isinstance(value, str) and len(value) > 80:
        return value[:77] + "..."
    if isinstance(value, (dict, list, tuple, set)):
        text = repr(value)
        return text if len(text) <= 80 else text[:77] + "..."
    return value
