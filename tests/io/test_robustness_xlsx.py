"""The robustness workbooks' writer: units named in headers (or in an Item table's rows) decide
the formats, a band column is coloured by its words, text stays text, and the frontier's chart
sits below its table."""

from __future__ import annotations

import openpyxl
import pandas as pd

from devolve.io.robustness_xlsx import write_sheets
from devolve.io.xlsx import (
    COUNT_FORMAT,
    FIGURE_FORMAT,
    FINE_SHARE_FORMAT,
    MARGIN_FORMAT,
    MONEY_FORMAT,
    SHARE_FORMAT,
    number_format,
)
from devolve.present.robustness import LineChart

FORMULA = '=HYPERLINK("http://x","y")'


def test_a_number_is_formatted_by_its_kind_and_else_as_a_figure():
    from devolve.core.terms import Kind
    from devolve.io.xlsx import MARGIN

    assert number_format(1200, Kind.MONEY) == MONEY_FORMAT
    assert number_format(0.25, Kind.SHARE) == SHARE_FORMAT
    assert number_format(0.2345, Kind.SHARE) == FINE_SHARE_FORMAT
    assert number_format(0.139, MARGIN) == MARGIN_FORMAT
    assert number_format(3.0, None, figures=True) == number_format(3, None, figures=True) == COUNT_FORMAT
    assert number_format(2.5, None, figures=True) == FIGURE_FORMAT
    assert number_format(2.5, None, group_digits=True) is None  # the plan workbook leaves fractions as they are
    assert number_format(7, None) is None and number_format("7", Kind.MONEY) is None
    assert number_format(True, None, figures=True) is None


def test_sheets_take_their_formats_from_the_units_they_name(tmp_path):
    summary = pd.DataFrame([("Budget (£)", 5000), ("Stands (%)", 0.5), ("Margin (±%)", 0.1386),
                            ("Chosen in 90% of samples", 3), ("Value", 12.5)], columns=["Item", "Value"])
    points = pd.DataFrame({"Budget (£)": [0, 1000, 2000], "Value": [1.0, 2.5, 3.0], "Bound": [1.5, 3.0, 3.0],
                           "Band": ["robust core", "contested", "never chosen"], "Service": [FORMULA, "b", "c"]})
    colours = {"Band": {"robust core": ("C6EFCE", "006100"), "contested": ("FFEB9C", "7F4F00")}}
    out = tmp_path / "out.xlsx"
    write_sheets({"Summary": summary, "Points": points}, out, colours=colours,
                 charts=(LineChart("Points", "Value", "Budget (£)", ("Value", "Bound"), "Budget (£)", "Value"),))

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Points"] and wb.active.title == "Summary"
    formats = {row[0].value: row[1].number_format for row in wb["Summary"].iter_rows(min_row=2)}
    assert formats == {"Budget (£)": MONEY_FORMAT, "Stands (%)": SHARE_FORMAT, "Margin (±%)": MARGIN_FORMAT,
                       "Chosen in 90% of samples": COUNT_FORMAT, "Value": FIGURE_FORMAT}
    ws = wb["Points"]
    assert ws.freeze_panes == "A2" and ws["A2"].number_format == MONEY_FORMAT
    assert ws["D2"].fill.fgColor.rgb.endswith("C6EFCE") and ws["D3"].fill.fgColor.rgb.endswith("FFEB9C")
    assert ws["D4"].fill.fill_type is None  # no colour given: the words alone
    assert ws["E2"].value == FORMULA and ws["E2"].data_type == "s" and ws["E2"].quotePrefix
    (chart,) = ws._charts
    assert len(chart.series) == 2
