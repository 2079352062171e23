"""Writing tables people read in Excel: styled headers, £ and % formats, text that stays text.

Every string is written as a text cell with Excel's quote prefix set (see :func:`put_value`), so
nothing a user typed can run as a formula when a councillor opens the file, and it shows exactly
as typed; saving is atomic, so a failed save leaves no half file.
"""

from __future__ import annotations

import math
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from devolve.core.plan import Fate
from devolve.core.terms import Kind, Unit
from devolve.io.columns import normalise_header
from devolve.io.safe import printable

HEADER_FILL = "1F4E78"
HEADER_FONT = "FFFFFF"
MONEY_FORMAT = '"£"#,##0'
SHARE_FORMAT = "0.0%"
FINE_SHARE_FORMAT = "0.00%"
"""For a share finer than a tenth of a per cent, so one just past its floor never reads as on it."""
MARGIN_FORMAT = '"±"0.0%'
"""A margin either side of a share (the acceptability samples' 95% confidence)."""
COUNT_FORMAT = "#,##0"
FIGURE_FORMAT = "#,##0.0##"
"""A figure with a fraction (benefit units, seconds): up to three places, no trailing zeros."""
MARGIN = "margin"
"""The kind of a ± margin on a share, beside the core's :class:`Kind` (only the robustness
workbooks show one)."""
WIDEST = 45
"""Columns are as wide as their contents up to this many characters; longer text wraps."""
LINE_POINTS = 15
"""Height of one line of 11 pt text in a row, in points."""
TALLEST = 409
"""The tallest row a spreadsheet allows, in points."""
PORTRAIT_WIDTH = 100
"""Widest table (in characters) printed on an upright page; wider ones print landscape."""
HEADER_WIDTH = 20
"""The most characters a header alone widens its column by; a longer header wraps."""

Colours = Mapping[str, tuple[str, str]]
"""A cell's words to its (pale fill, dark text) colours."""

_GOOD, _BAD = ("C6EFCE", "006100"), ("FFC7CE", "9C0006")
_NOT_WORTH_IT = ("EDEDED", "3A3A3A")
FATE_COLOURS: Colours = {
    Fate.DEVOLVED.value: _GOOD,
    Fate.PARTLY_DEVOLVED.value: ("E2EFDA", "375623"),
    Fate.RETAINED.value: ("DDEBF7", "1F3864"),
    Fate.ASSESS_FIRST.value: ("FFEB9C", "7F4F00"),
    Fate.KEPT_OUT.value: _BAD,
    Fate.NOT_SUITED.value: _NOT_WORTH_IT,
    Fate.TOO_SMALL.value: _NOT_WORTH_IT,
    Fate.NO_BETTER.value: _NOT_WORTH_IT,
}
"""Each fate's colours: green devolved, blue retained by a duty, amber to assess first, rose kept
out by a limit, grey not worth devolving. Every pair has a contrast of at least 4.5:1 (WCAG AA),
and the fate is always written in words too, so no meaning rests on colour alone."""
PASS_COLOURS: Colours = {"yes": _GOOD, "no": _BAD}
"""A check's answer: passes in green, fails in rose (an unanswered check stays plain)."""
OUTCOME_COLOURS: dict[str, Colours] = {"fate": FATE_COLOURS, "passes": PASS_COLOURS}
"""Columns coloured by what they say, by their normalised header."""


def save_atomically(workbook: Any, path: Path) -> None:
    """Save next to the target then rename, so a failed save never leaves half a file (any
    document with a ``save(path)``: a workbook, a Word document)."""
    with replacing(path) as tmp:
        workbook.save(tmp)


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A file to write next to ``path`` that replaces it in one step once written: a process
    killed part-way (or a failed write) leaves ``path`` as it was, never half a file."""
    fd, tmp = tempfile.mkstemp(suffix=path.suffix, prefix=".devolve-", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        # mkstemp makes the file private; the new file gets the mode any new file would
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def sheet_title(title: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip("'")
    return cleaned[:31] or "Sheet"


def frame_table(frame: Any) -> tuple[list[str], list[Kind | None], list[list[Any]]]:
    """A pandas DataFrame as plain Python rows; money and share columns guessed from names."""
    headers = [str(c) for c in frame.columns]
    kinds = [_guess_kind(h) for h in headers]
    rows = [[_python(v) for v in record] for record in frame.itertuples(index=False, name=None)]
    return headers, kinds, rows


def frame_row_kinds(
    headers: Sequence[str], kinds: Sequence[Kind | None]
) -> Callable[[Sequence[Any]], list[Kind | None]] | None:
    """Formats that follow each row, not the column, for the tables whose units vary by row:
    an Item/Value table (the plan's summary) takes its value's format from the item's name, and a
    table with a Unit column (the limits) formats its plain figures in the row's unit."""
    if list(headers) == ["Item", "Value"]:
        return lambda row: [None, _guess_kind(str(row[0])) if row else None]
    if "Unit" in headers:
        at = list(headers).index("Unit")
        by_unit = {Unit.POUNDS.value: Kind.MONEY, Unit.SHARE.value: Kind.SHARE}

        def unit_kinds(row: Sequence[Any]) -> list[Kind | None]:
            unit = by_unit.get(row[at]) if at < len(row) and isinstance(row[at], str) else None
            return [kind or unit for kind in kinds]

        return unit_kinds
    return None


def frame_colours(headers: Sequence[str]) -> list[Colours | None]:
    """The colours of each column that says an outcome (a fate, a check passed), else None."""
    return [OUTCOME_COLOURS.get(normalise_header(h)) for h in headers]


def _guess_kind(header: str) -> Kind | None:
    """Money or a share, from a header (or a summary's item): a unit it names, £ or %, decides
    ("Set-up share (£)" is pounds); failing that, the words it uses."""
    h = normalise_header(header)
    original = header.lower()
    if "£" in original and "%" not in original:
        return Kind.MONEY
    if any(w in h for w in ("budget", "cost", "saving", "reserve", "spend", "gbp")):
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
    colours: Sequence[Colours | None] | None = None,
    group_digits: bool = False,
    figures: bool = False,
    widest: int = WIDEST,
) -> None:
    """A styled table of inert text: bold filled header, frozen, filterable, formatted numbers,
    long text wrapped, and outcome columns coloured by what they say. Numbers are formatted by
    their kind (see :func:`number_format`); ``group_digits`` groups whole numbers' digits, and
    ``figures`` formats every plain figure, whole or with up to three places. Columns are as
    wide as their contents, up to ``widest`` characters, unless ``widths`` says."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    rows = [list(row) for row in rows]
    kinds = list(kinds or [None] * len(headers))
    font = Font(bold=True, color=HEADER_FONT)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for j, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=j)
        put_value(cell, header)
        cell.font = font
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    # sized from the first rows, as a long table's widths are settled by then; a long header
    # wraps onto a second line rather than widening a column of short figures
    longest = [min(HEADER_WIDTH, len(str(h))) for h in headers]
    longest_text = [0] * len(headers)
    for row in rows[:500]:
        these = row_kinds(row) if row_kinds else kinds
        for j, value in enumerate(row[:len(headers)]):
            if value is not None:
                shown = number_format(value, these[j] if j < len(these) else None, group_digits=group_digits,
                                      figures=figures)
                longest[j] = max(longest[j], len(_shown(value, shown)))
                if isinstance(value, str):
                    longest_text[j] = max(longest_text[j], len(value))
    sizes = list(widths) if widths else [min(widest, max(10, n + 2)) for n in longest]
    wrap = [longest_text[j] > sizes[j] for j in range(len(headers))]
    # a wrapped row grows taller: every cell in it reads from the top
    aligned = [Alignment(vertical="top", wrap_text=w) for w in wrap] if any(wrap) else None
    painted = _paints(colours)
    for i, row in enumerate(rows, start=2):
        these = row_kinds(row) if row_kinds else kinds
        for j, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=i, column=j)
            put_value(cell, value)
            shown = number_format(value, these[j - 1] if j - 1 < len(these) else None, group_digits=group_digits,
                                  figures=figures)
            if shown:
                cell.number_format = shown
            if aligned and j <= len(aligned):
                cell.alignment = aligned[j - 1]
            paint = painted[j - 1] if j <= len(painted) and isinstance(value, str) else None
            if paint and value.strip().lower() in paint:
                cell.fill, cell.font = paint[value.strip().lower()]  # the words stay: colour only adds
        if aligned:
            lines = max((math.ceil(len(value) / max(sizes[j] - 1, 1)) for j, value in enumerate(row[:len(sizes)])
                         if isinstance(value, str) and wrap[j]), default=1)
            if lines > 1:  # spreadsheets do not always grow a row for wrapped text they did not wrap themselves
                ws.row_dimensions[i].height = min(TALLEST, LINE_POINTS * lines)
    for j, size in enumerate(sizes, start=1):
        ws.column_dimensions[get_column_letter(j)].width = size
    header_lines = max((math.ceil(len(str(h)) / max(sizes[j] - 1, 1)) for j, h in enumerate(headers)), default=1)
    if header_lines > 1:  # a long header wraps (see above): its row grows to show it whole
        ws.row_dimensions[1].height = min(TALLEST, LINE_POINTS * header_lines)
    ws.freeze_panes = "A2"
    if headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(rows) + 1)}"
    _printable(ws, sum(sizes))


def _printable(ws: Any, width: float) -> None:
    """Printed as members will print it: every column across one page (landscape when wide), as
    many pages down as it takes, the header row repeated on each."""
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if width > PORTRAIT_WIDTH else "portrait"
    ws.print_title_rows = "1:1"


def _tenths(share: float) -> bool:
    """Whether a share is whole in tenths of a per cent (0.215 is; 0.3004 is not)."""
    return abs(share * 1000 - round(share * 1000)) < 1e-9


def number_format(value: Any, kind: Kind | str | None, *, group_digits: bool = False,
                  figures: bool = False) -> str | None:
    """The format a number is shown in, or None (text, or a figure left as typed).

    Money in whole £, a share to a tenth of a per cent (a hundredth when finer), a margin as
    ±, by the column's (or the row's) kind; else, with ``figures``, every figure with its digits
    grouped, to up to three places when it has a fraction; with ``group_digits``, a whole number
    with its digits grouped (residents, hours: 168,616; never asked for on an id column).
    """
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    if kind == Kind.MONEY:
        return MONEY_FORMAT
    if kind == Kind.SHARE:
        return SHARE_FORMAT if _tenths(value) else FINE_SHARE_FORMAT
    if kind == MARGIN:
        return MARGIN_FORMAT
    if figures:
        return COUNT_FORMAT if isinstance(value, int) or value.is_integer() else FIGURE_FORMAT
    if group_digits and isinstance(value, int):
        return COUNT_FORMAT
    return None


_SHOWN: dict[str, Callable[[float], str]] = {
    MONEY_FORMAT: lambda v: f"£{v:,.0f}",
    SHARE_FORMAT: lambda v: f"{v:.1%}",
    FINE_SHARE_FORMAT: lambda v: f"{v:.2%}",
    MARGIN_FORMAT: lambda v: f"±{v:.1%}",
    COUNT_FORMAT: lambda v: f"{v:,.0f}",
    FIGURE_FORMAT: lambda v: f"{v:,.3f}",
}


def _shown(value: Any, number: str | None) -> str:
    """About what a cell shows, to size its column: a number as its format shows it."""
    return _SHOWN[number](value) if number in _SHOWN else str(value)


def _paints(colours: Sequence[Colours | None] | None) -> list[dict[str, tuple[Any, Any]] | None]:
    """Each coloured column's fills and fonts, made once, keyed by its words in lower case.

    Plain cell fills rather than conditional formatting: the plan's sheets are read, not edited,
    so a rule that recolours an edited cell buys nothing, while plain fills look the same in
    every spreadsheet (LibreOffice and Google Sheets included), survive sorting and filtering,
    and print as they show.
    """
    from openpyxl.styles import Font, PatternFill

    return [
        {words.lower(): (PatternFill("solid", fgColor=back), Font(color=ink)) for words, (back, ink) in c.items()}
        if c else None
        for c in (colours or [])
    ]


def put_value(cell: Any, value: Any) -> None:
    """Write one value; text always as text, so it can never become a formula or an error code.

    Text is a string cell with Excel's quote prefix set (the ``quotePrefix`` of the cell's
    style, what Excel itself records when someone types a leading apostrophe): the cell shows
    exactly what was typed, with no apostrophe in its value, and Excel and LibreOffice keep it
    as text even when someone edits it (``=`` stays text, ``007`` stays 007). CSV files cannot
    carry a style; their writers use :func:`devolve.io.safe.neutralise` instead.
    """
    if isinstance(value, str):
        cell.value = printable(value)
        cell.data_type = "s"  # after the value: openpyxl takes text beginning "=" for a formula
        cell.quotePrefix = True
    else:
        cell.value = value
