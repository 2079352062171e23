"""The plan workbook as a councillor's appendix: summary first, formatted, coloured in words too,
text shown as typed and never a formula, and still loadable as the assessment it was made from."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from devolve.core.plan import Fate
from devolve.io.columns import SHEETS
from devolve.io.plan_sheet import PLAN_SHEET
from devolve.io.read import read_assessment
from devolve.io.write import write_workbook
from devolve.io.xlsx import (
    FATE_COLOURS,
    FINE_SHARE_FORMAT,
    MONEY_FORMAT,
    PASS_COLOURS,
    SHARE_FORMAT,
    WIDEST,
)
from devolve.present.tables import plan_sheets
from devolve.usecases import plan_and_explain, write_plan_workbook
from tests.libreoffice import keep_pages, to_pdf

HOSTILE = ['=HYPERLINK("http://x","y")', "+44 helpline", "-minus services", "@mention team"]
"""Service names a spreadsheet would take for formulas."""


@pytest.fixture(scope="module")
def written(sample, tmp_path_factory):
    """The sample with four services renamed to formula-like text, planned and written."""
    services = list(sample.services)
    for i, name in enumerate(HOSTILE):
        services[i] = services[i].replace(name=name)
    assessment = sample.replace(services=tuple(services))
    plan = plan_and_explain(assessment, price_of_uniformity=False)
    path = tmp_path_factory.mktemp("plan") / "plan.xlsx"
    write_plan_workbook(assessment, plan, path)
    return assessment, plan, path


@pytest.fixture(scope="module")
def workbook(written):
    return openpyxl.load_workbook(written[2])


def test_formula_like_names_are_text_as_typed_with_a_quote_prefix(written, workbook):
    assessment, _, path = written
    names = {row[1].value: row[1] for row in workbook["Services"].iter_rows(min_row=2)}
    fates = {row[0].value: row[0] for row in workbook["Fate of each activity"].iter_rows(min_row=2)}
    for name in HOSTILE:
        for cell in (names[name], fates[name]):
            assert cell.value == name  # no apostrophe in the value
            assert cell.data_type == "s" and cell.quotePrefix is True
    again, _ = read_assessment(path)
    assert [s.name for s in again.services[:4]] == HOSTILE
    assert again == assessment


def test_no_sheet_holds_a_formula_and_the_quote_prefix_is_in_the_styles(written):
    with zipfile.ZipFile(written[2]) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        xml = {name: archive.read(name).decode("utf-8") for name in sheets}
        styles = archive.read("xl/styles.xml").decode("utf-8")
    assert len(xml) == 14  # the people's 13 and the hidden sheet holding the plan itself
    assert not [name for name, text in xml.items() if "<f>" in text or "<f " in text]
    assert 'quotePrefix="1"' in styles
    # the name is there, as text
    assert any("=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)" in text or '=HYPERLINK("http://x","y")' in text
               for text in xml.values())


def test_the_summary_comes_first_and_the_input_sheets_last(written, workbook):
    assessment, plan, _ = written
    assert workbook.sheetnames == [*plan_sheets(assessment, plan), *SHEETS, PLAN_SHEET]
    assert workbook.sheetnames[0] == "Summary"
    assert workbook.active.title == "Summary"
    assert [ws.title for ws in workbook if ws.sheet_view.tabSelected] == ["Summary"]
    visible = [ws for ws in workbook if ws.sheet_state == "visible"]
    assert [ws.title for ws in workbook if ws not in visible] == [PLAN_SHEET]
    assert all(ws.freeze_panes == "A2" for ws in visible)


def test_money_and_shares_are_formatted_by_row_in_the_summary(workbook):
    rows = {r[0].value: r[1] for r in workbook["Summary"].iter_rows(min_row=2)}
    for item in ("Spend devolved (£ a year)", "One-off transition cost (£, set-up fees included)",
                 "Contingency reserve needed (£)", "Change in annual running cost (£)"):
        assert isinstance(rows[item].value, (int, float)) and rows[item].number_format == MONEY_FORMAT, item
    worth = next(cell for item, cell in rows.items() if item.startswith("Volunteer time's worth"))
    assert worth.number_format == MONEY_FORMAT
    assert rows["Share of the services' annual budget devolved (%)"].number_format in (SHARE_FORMAT,
                                                                                       FINE_SHARE_FORMAT)
    for item in ("Volunteer hours a year", "Devolution decisions (activity × neighbourhood)"):
        assert rows[item].number_format == "#,##0", item  # counts, not £
    assert rows["Value of the plan (benefit units)"].number_format == "General"


def test_every_money_and_share_figure_in_the_plan_sheets_is_formatted(written, workbook):
    assessment, plan, _ = written
    seen = {MONEY_FORMAT: 0, SHARE_FORMAT: 0}
    shares = (SHARE_FORMAT, FINE_SHARE_FORMAT)
    for title in plan_sheets(assessment, plan):
        ws = workbook[title]
        headers = [c.value for c in ws[1]]
        for j, header in enumerate(headers):
            wanted = MONEY_FORMAT if "£" in header else SHARE_FORMAT if "%" in header else None
            if wanted is None:
                continue
            for cell in next(ws.iter_cols(min_col=j + 1, max_col=j + 1, min_row=2), ()):
                if isinstance(cell.value, (int, float)):
                    shown = SHARE_FORMAT if cell.number_format in shares else cell.number_format
                    assert shown == wanted, (title, header, cell.coordinate)
                    seen[wanted] += 1
    assert seen[MONEY_FORMAT] > 100 and seen[SHARE_FORMAT] > 10
    limits = {r[0].value: r for r in workbook["Limits"].iter_rows(min_row=2)}
    budget = limits["One-off transition budget"]
    assert budget[3].value == "£" and budget[1].number_format == budget[2].number_format == MONEY_FORMAT
    hours = next(r for label, r in limits.items() if label.startswith("Volunteer hours in"))
    assert hours[1].number_format == "General"


def test_long_text_wraps_in_a_column_of_sensible_width(written, workbook):
    ws = workbook["Fate of each activity"]
    headers = [c.value for c in ws[1]]
    why, fate = headers.index("Why") + 1, headers.index("Fate") + 1
    letter = ws.cell(row=1, column=why).column_letter
    assert ws.column_dimensions[letter].width == WIDEST
    assert ws.cell(row=2, column=why).alignment.wrap_text is True
    assert ws.cell(row=2, column=why).alignment.vertical == "top"
    assert ws.cell(row=2, column=fate).alignment.wrap_text is not True
    plan = plan_sheets(*written[:2])
    assert all(d.width <= WIDEST for title in plan for d in workbook[title].column_dimensions.values())


def test_fates_are_coloured_and_always_written_in_words(workbook):
    ws = workbook["Fate of each activity"]
    column = [c.value for c in ws[1]].index("Fate")
    fates = [row[column] for row in ws.iter_rows(min_row=2)]
    words = {Fate(c.value) for c in fates}  # every fate is one of the words
    assert len(words) >= 3  # the sample has several, so the colours are really told apart
    for cell in fates:
        fill, ink = FATE_COLOURS[cell.value]
        assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb.endswith(fill)
        assert cell.font.color.rgb.endswith(ink)
    assert set(FATE_COLOURS) == {f.value for f in Fate}
    checks = workbook["Checks"]
    passes = [row[2] for row in checks.iter_rows(min_row=2) if row[2].value == "yes"]
    assert passes and all(c.fill.fgColor.rgb.endswith(PASS_COLOURS["yes"][0]) for c in passes)
    assert checks["A2"].fill.fill_type is None  # only the outcome is coloured


def _luminance(rgb: str) -> float:
    channels = [int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("pair", sorted({*FATE_COLOURS.values(), *PASS_COLOURS.values()}))
def test_coloured_text_is_readable(pair):
    """WCAG AA for normal text: a contrast of at least 4.5:1 between the fill and the text."""
    light, dark = sorted(map(_luminance, pair), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5


def test_a_workbook_with_the_old_visible_apostrophe_still_loads(make_workbook, services_rows):
    """Workbooks devolve wrote before the quote prefix carry an apostrophe in the text itself."""
    services_rows[1][1] = "'=HYPERLINK(\"http://x\")"
    services_rows[2][1] = "'-minus services"
    assessment, _ = read_assessment(make_workbook({"Services": services_rows}))
    assert [s.name for s in assessment.services[:2]] == ['=HYPERLINK("http://x")', "-minus services"]


def test_a_share_just_past_its_limit_never_reads_as_on_it(small_assessment, tmp_path):
    """A limit's figures take its row's unit; a share finer than a tenth of a per cent shows two
    places, so 30.04% of a 30% floor does not read as 30.0%."""
    import pandas as pd

    limits = pd.DataFrame({"Limit": ["Transition budget", "Collective share", "Hours"],
                           "Used": [9_000.0, 0.3004, 120.5], "Limit value": [10_000, 0.3, 200],
                           "Unit": ["£", "share", "hours"]})
    path = tmp_path / "limits.xlsx"
    write_workbook(small_assessment, path, extra_sheets={"Limits": limits})
    ws = openpyxl.load_workbook(path)["Limits"]
    assert [ws[f"B{r}"].number_format for r in (2, 3, 4)] == [MONEY_FORMAT, FINE_SHARE_FORMAT, "General"]
    assert [ws[f"C{r}"].number_format for r in (2, 3, 4)] == [MONEY_FORMAT, SHARE_FORMAT, "General"]


@pytest.mark.slow
def test_libreoffice_calc_opens_it_showing_pounds_and_names_as_typed(written, tmp_path):
    _, plan, path = written
    pdf, words = to_pdf(path, tmp_path)
    assert words.lstrip().startswith("Item")  # it opens on the Summary
    assert f"£{round(sum(x.annual_cost for x in plan.decisions)):,}" in words
    assert HOSTILE[0] in words  # the formula-like name, printed as the text it is
    assert '"scenario_name"' not in words  # the hidden sheet holding the plan is not printed
    keep_pages(pdf, "plan-workbook", tmp_path, pages=3)


def test_sheets_print_across_one_page_with_their_header_and_counts_grouped(workbook):
    summary = workbook["Summary"]
    reached = next(row[1] for row in summary.iter_rows(min_row=2) if str(row[0].value).startswith("Residents"))
    assert isinstance(reached.value, int) and reached.number_format == "#,##0"
    for ws in (workbook["Summary"], workbook["Decisions"], workbook["Services"]):
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0 and ws.print_title_rows == "$1:$1"
    assert workbook["Decisions"].page_setup.orientation == "landscape"
    ids = next(row for row in workbook["Services"].iter_rows(min_row=2) if isinstance(row[0].value, int)) \
        if any(isinstance(c.value, int) for c in workbook["Services"]["A"][1:]) else None
    assert ids is None or ids[0].number_format != "#,##0"  # identifiers are never given separators
