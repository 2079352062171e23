"""Writing tables people read in Excel: styled headers, £ and % formats, text that stays text.

Every string goes through :func:`devolve.io.safe.neutralise`, so nothing a user typed can run as
a formula when a councillor opens the file; saving is atomic, so a failed save leaves no half file.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from devolve.core.terms import Kind
from devolve.io.columns import normalise_header
from devolve.io.safe import neutralise, printable

HEADER_FILL = "1F4E78"
HEADER_FONT = "FFFFFF"
MONEY_FORMAT = '"£"#,##0'
SHARE_FORMAT = "0.0%"


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


def sheet_title(title: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip("'")
    return cleaned[:31] or "Sheet"


def frame_table(frame: Any) -> tuple[list[str], list[Kind | None], list[list[Any]]]:
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


def put_value(cell: Any, value: Any) -> None:
    """Write one value; text always as text, so it can never become a formula or an error code."""
    if isinstance(value, str):
        cell.value = neutralise(printable(value))
        cell.data_type = "s"
    else:
        cell.value = value
