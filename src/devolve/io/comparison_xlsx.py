"""The comparison workbook of ``devolve batch``: many councils side by side, a heat grid of
services × councils, and bar charts of one figure per council.

The sheets are :mod:`devolve.present.comparison`'s DataFrames, each written by
:func:`devolve.io.xlsx.write_table` as every table devolve writes is: text as text with Excel's
quote prefix (a council's or a service's name that looks like a formula stays words), £ and %
formatted by the unit each header names, header frozen, printable, and the workbook saved
atomically. The heat grid is a colour scale (conditional formatting Excel, LibreOffice and Google
Sheets all draw) over figures that are written as figures too, so no meaning rests on colour.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from devolve.io.robustness_xlsx import row_kinds, unit_kind
from devolve.io.xlsx import MONEY_FORMAT, COUNT_FORMAT, frame_table, save_atomically, sheet_title, write_table

WIDEST = 50
"""Columns are as wide as their contents up to this many characters; longer text wraps."""
HEAT_LOW, HEAT_HIGH = "FFFFFF", "63BE7B"
"""The heat grid runs from white (nothing devolved) to Excel's own mid green (the largest share in
the grid): dark text stays readable on every shade."""
BAR_COLOUR = "08519C"
BAR_HEIGHT_CM = 0.7
"""Each council's bar takes this much of a chart's height, so many councils still read."""
CHART_WIDTH_CM = 24
"""Wide enough for a £ axis's labels to lie flat."""
ROW_CM = 0.5
"""About the height of a spreadsheet row, to place one chart below another."""


def write_comparison(sheets: Mapping[str, Any], path: Path, *, heat: Sequence[Any] = (),
                     charts: Sequence[Any] = ()) -> None:
    """Each DataFrame as a styled sheet, in order (the workbook opens on the first), every
    figure formatted by its header's unit; each heat grid shaded; each bar chart placed below its
    sheet's table, one below another; saved atomically."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, frame in sheets.items():
        headers, _, rows = frame_table(frame)
        write_table(workbook.create_sheet(sheet_title(title)), headers, rows, [unit_kind(h) for h in headers],
                    row_kinds=row_kinds(headers), figures=True, widest=WIDEST)
    for grid in heat:
        shade(workbook[sheet_title(grid.sheet)], grid.columns)
    placed: dict[str, int] = {}
    for spec in charts:
        ws = workbook[sheet_title(spec.sheet)]
        k = placed.get(spec.sheet, 0)
        placed[spec.sheet] = k + 1
        bar_chart(ws, spec, k)
    workbook.active = 0
    workbook.worksheets[0].sheet_view.tabSelected = True
    save_atomically(workbook, Path(path))


def shade(ws: Any, columns: Sequence[str]) -> None:
    """A colour scale over the named columns' figures, from 0 (white) to the largest (green)."""
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.utils import get_column_letter

    headers = [c.value for c in ws[1]]
    at = sorted(headers.index(c) + 1 for c in columns if c in headers)
    if not at or ws.max_row < 2:
        return
    cells = f"{get_column_letter(at[0])}2:{get_column_letter(at[-1])}{ws.max_row}"
    # deepest at the largest share in the grid, not at 100%: councils devolve a fifth of a service
    # at most, and a scale to 100% would leave every cell nearly white
    ws.conditional_formatting.add(cells, ColorScaleRule(start_type="num", start_value=0, start_color=HEAT_LOW,
                                                        end_type="max", end_color=HEAT_HIGH))


def bar_chart(ws: Any, spec: Any, k: int = 0) -> None:
    """A horizontal bar for each row's ``spec.value`` against its ``spec.category``, the axis in
    the value's unit (£ formatted as £), titled as ``spec`` says; the ``k``-th chart of its sheet,
    placed below the table and the charts before it. ``spec`` is a
    :class:`devolve.present.comparison.BarChart` or anything with its fields."""
    from openpyxl.chart import BarChart, Reference

    headers = [c.value for c in ws[1]]
    last = ws.max_row
    if last < 2 or spec.value not in headers or spec.category not in headers:
        return
    chart = BarChart()
    chart.type = "bar"  # horizontal: a council's long name reads along its bar
    chart.style = 10
    chart.title = spec.title
    chart.y_axis.title = spec.axis_title
    chart.y_axis.number_format = MONEY_FORMAT if "(£" in spec.value else COUNT_FORMAT
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False  # openpyxl 3.1 hides both axes unless told otherwise
    chart.y_axis.delete = False
    chart.x_axis.scaling.orientation = "maxMin"  # the first council at the top, as in the table
    chart.legend = None
    chart.height = max(6.0, 2.5 + BAR_HEIGHT_CM * (last - 1))
    chart.width = CHART_WIDTH_CM
    data = Reference(ws, min_col=headers.index(spec.value) + 1, min_row=1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=headers.index(spec.category) + 1, min_row=2, max_row=last))
    chart.series[0].graphicalProperties.solidFill = BAR_COLOUR
    chart.series[0].graphicalProperties.line.solidFill = BAR_COLOUR
    rows_down = int(chart.height / ROW_CM) + 2
    ws.add_chart(chart, f"A{last + 3 + k * rows_down}")
