"""A report as plain data: headings, numbered paragraphs, tables and charts, in reading order.

:mod:`devolve.present.report` writes a cabinet report as a :class:`Document` (every figure taken
from the plan); :mod:`devolve.io.docx` lays it out in a council's Word styles. Keeping the words
apart from the layout lets the words be tested without Word, and a council's template change
the look without touching them.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any, Literal, Union

from pydantic import Field

from devolve.core.terms import Frozen


class Classification(str, Enum):
    PUBLIC = "public"
    EXEMPT = "exempt"
    """Not for publication (Local Government Act 1972, Schedule 12A): the paragraph is stated."""


class ReportDetails(Frozen):
    """The title block a council's cabinet papers carry: the facts only an officer knows."""

    meeting: str = "Cabinet"
    meeting_date: date | None = None
    report_of: str | None = None
    """The chief officer presenting it, e.g. "Director of Communities"."""
    portfolio: str | None = None
    """The cabinet member's portfolio, e.g. "Neighbourhoods and Communities"."""
    contact_officer: str | None = None
    """Name and telephone or e-mail of the officer to ask."""
    classification: Classification = Classification.PUBLIC
    exempt_paragraph: str | None = None
    """For an exempt report: the paragraph of Schedule 12A it falls under."""
    key_decision_threshold: float = Field(default=500_000, ge=0, allow_inf_nan=False)
    """£ above which a decision is a key decision (the council's constitution sets it)."""
    version: str | None = None
    """The locked version of the assessment the plan was made from, when there is one."""


class Paragraph(Frozen):
    kind: Literal["paragraph"] = "paragraph"
    text: str
    numbered: bool = True
    """Numbered within its section (3.1, 3.2 …), as committee papers are, so members can cite it."""
    keep_with_next: bool = False
    """Kept on the page of what follows it (an introduction to a list)."""


class Bullets(Frozen):
    kind: Literal["bullets"] = "bullets"
    items: tuple[str, ...]
    numbered: bool = False
    """Numbered for decisions members vote on (the recommendations)."""


class Table(Frozen):
    kind: Literal["table"] = "table"
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    """Cells as they are to be read: figures already in £, %, residents or hours."""
    numeric: tuple[bool, ...] = ()
    """Columns of figures, set right-aligned."""


class Figure(Frozen):
    kind: Literal["figure"] = "figure"
    chart: dict[str, Any]
    """A Vega-Lite specification, the same language the app draws its charts in."""
    alt_text: str
    """What the chart shows, in words, for a reader who cannot see it."""
    caption: str
    width_cm: float = 16.0


Block = Union[Paragraph, Bullets, Table, Figure]


class Section(Frozen):
    heading: str
    blocks: tuple[Block, ...] = ()
    numbered: bool = True
    """Sections of the body are numbered (1, 2 …); appendices are lettered in their heading."""


class Document(Frozen):
    title: str
    subtitle: str
    title_block: tuple[tuple[str, str], ...]
    """The cover's rows: meeting and date, report of, portfolio, wards, key decision …"""
    sections: tuple[Section, ...]
