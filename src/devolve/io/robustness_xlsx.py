"""The robustness workbooks (``devolve sensitivity``, ``frontier`` and ``compare``): sheets of
DataFrames whose headers name their units, and a native line chart beside the frontier's table.

The tables are :mod:`devolve.present.robustness`'s: a money column carries "(£" in its header, a
share "(%", a margin "(±"; a table whose first column is "Item" or "Measure" takes each row's
format from that row's first cell. Each is written by :func:`devolve.io.xlsx.write_table`, as
every table devolve writes is: text as text with Excel's quote prefix, £ and % formatted,
header frozen, printable, and the workbook saved atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from devolve.core.terms import Kind
from devolve.io.xlsx import MARGIN, MONEY_FORMAT, Colours, frame_table, save_atomically, sheet_title, write_table

BY_ROW = ("Item", "Measure")
"""First headers of the tables whose units vary by row, each named in the row's first cell."""
WIDEST = 60
"""Columns are as wide as their contents up to this many characters (wider than the plan
workbook's, as these sheets put an activity's long name beside many short figures); longer text wraps."""
SERIES_COLOURS = ("08519C", "969696")
"""A chart's first line dark blue (the plan's value), the next grey and dashed (the bound), as the
app's frontier chart draws them."""


def unit_kind(label: str) -> Kind | str | None:
    """How a column (or a by-row table's row) is formatted, from the unit its name gives in
    brackets: "(£" money, "(±" a margin, "(%" a share; else None ("90%" in words is not a unit)."""
    h = label.lower()
    if "(±" in h:
        return MARGIN
    if "(£" in h:
        return Kind.MONEY
    if "(%" in h:
        return Kind.SHARE
    return None


def write_sheets(sheets: Mapping[str, Any], path: Path, *, colours: Mapping[str, Colours] | None = None,
                 charts: Sequence[Any] = ()) -> None:
    """Each DataFrame as a styled sheet, in order (the workbook opens on the first), every figure
    formatted, a column named in ``colours`` coloured by what it says (the words stay), each
    chart below its sheet's table; saved atomically."""
    import openpyxl

    colours = colours or {}
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, frame in sheets.items():
        headers, _, rows = frame_table(frame)
        write_table(workbook.create_sheet(sheet_title(title)), headers, rows, [unit_kind(h) for h in headers],
                    row_kinds=row_kinds(headers), colours=[colours.get(h) for h in headers], figures=True,
                    widest=WIDEST)
    for chart in charts:
        line_chart(workbook[sheet_title(chart.sheet)], chart)
    workbook.active = 0
    workbook.worksheets[0].sheet_view.tabSelected = True
    save_atomically(workbook, Path(path))


def row_kinds(headers: Sequence[str]) -> Callable[[Sequence[Any]], list[Kind | str | None]] | None:
    """For an Item or Measure table, each row's figures formatted by the unit its first cell names."""
    if not headers or headers[0] not in BY_ROW:
        return None
    return lambda row: [None] + [unit_kind(str(row[0]))] * (len(headers) - 1)


def line_chart(ws: Any, spec: Any) -> None:
    """A scatter chart with lines: each ``spec.y`` column against the ``spec.x`` column (£ on its
    axis), titled as ``spec`` says, placed below the table so it prints on the table's pages.
    ``spec`` is a :class:`devolve.present.robustness.LineChart` or anything with its fields."""
    from openpyxl.chart import Reference, ScatterChart, Series

    headers = [c.value for c in ws[1]]
    last = ws.max_row
    if last < 2:
        return
    chart = ScatterChart()
    chart.title = spec.title
    chart.style = 13
    chart.height, chart.width = 9, 18
    chart.x_axis.title = spec.x_title
    chart.y_axis.title = spec.y_title
    chart.x_axis.number_format = MONEY_FORMAT
    chart.x_axis.majorGridlines = None
    chart.x_axis.delete = False  # openpyxl 3.1 hides both axes unless told otherwise
    chart.y_axis.delete = False
    chart.legend.position = "b"
    xs = Reference(ws, min_col=headers.index(spec.x) + 1, min_row=2, max_row=last)
    for k, name in enumerate(spec.y):
        ys = Reference(ws, min_col=headers.index(name) + 1, min_row=1, max_row=last)
        series = Series(ys, xs, title_from_data=True)
        colour = SERIES_COLOURS[min(k, len(SERIES_COLOURS) - 1)]
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 28575  # 2.25 pt, in EMU
        series.marker.symbol = "circle" if k == 0 else "none"
        if k == 0:
            series.marker.size = 6
            series.marker.graphicalProperties.solidFill = colour
            series.marker.graphicalProperties.line.solidFill = colour
        else:  # the bound: dashed, so the two lines differ by more than colour
            series.graphicalProperties.line.dashStyle = "dash"
        series.smooth = False
        chart.series.append(series)
    ws.add_chart(chart, f"A{last + 3}")
