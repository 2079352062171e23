"""Workbooks as councils really send them (issue 12): each test is one shape met in the wild,
made with openpyxl as Excel would save it, and what a council officer should be told about it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from devolve.core.problems import InvalidInput, Problem, ProblemCode, ProblemReport, Severity
from devolve.io.columns import NEIGHBOURHOOD_COLUMNS, SERVICE_COLUMNS
from devolve.io.read import find_problems, read_assessment
from tests.libreoffice import saved_by_libreoffice

SERVICE_HEADERS = [c.key for c in SERVICE_COLUMNS]
NEIGHBOURHOOD_HEADERS = [c.key for c in NEIGHBOURHOOD_COLUMNS]
SERVICES = [
    ["ASC05", "Meals at home", "Adult social care", "personal", 1_200_000, "yes", None, None, None],
    ["ASC06", "Day centres", "Adult social care", "personal", 800_000, "no", None, None, None],
    ["ENV01", "Parks", "Place", "infrastructure-heavy", 2_000_000, "no", None, None, None],
]
TITLE = "Calderbridge MBC - Service inventory 2026/27"


def of(report: ProblemReport, code: ProblemCode, severity: Severity = Severity.ERROR) -> list[Problem]:
    return [p for p in report.problems if p.code == code and p.severity == severity]


def one(report: ProblemReport, code: ProblemCode, severity: Severity = Severity.ERROR) -> Problem:
    found = of(report, code, severity)
    assert len(found) == 1, [str(p) for p in report.problems]
    return found[0]


def put(ws, top: int, left: int, rows: list[list]) -> None:
    """Rows of cells written with their first cell at (top, left), as a user lays out a table."""
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                ws.cell(top + i, left + j, value)


@pytest.fixture()
def workbook(tmp_path):
    """A workbook to shape by hand; ``save()`` writes it and returns its path."""
    wb = openpyxl.Workbook()
    wb.active.title = "Services"

    def save(name: str = "council.xlsx"):
        path = tmp_path / name
        wb.save(path)
        return path

    wb.save_to = save
    return wb


# --------------------------------------------------------------------------- where the table is


def test_a_title_and_a_merged_banner_above_the_headers(workbook, rubric):
    ws = workbook["Services"]
    ws["A1"] = TITLE
    ws.merge_cells("A1:I1")
    ws["A2"] = "Prepared by the strategy team"
    put(ws, 3, 1, [SERVICE_HEADERS, *SERVICES])
    assessment, report = read_assessment(workbook.save_to(), rubric)
    assert [s.service_id for s in assessment.services] == ["ASC05", "ASC06", "ENV01"]
    note = one(report, ProblemCode.HEADER_ROW, Severity.NOTE)
    assert (note.sheet, note.row) == ("Services", 3)
    assert "row 3" in note.message and TITLE in note.message
    assert not of(report, ProblemCode.MERGED_CELLS, Severity.WARNING)  # the banner is above the table


def test_a_table_starting_at_b2_keeps_its_real_rows_and_letters(workbook, rubric):
    put(workbook["Services"], 1, 1, [SERVICE_HEADERS, *SERVICES])
    hoods = workbook.create_sheet("Neighbourhoods")
    put(hoods, 2, 2, [NEIGHBOURHOOD_HEADERS, ["N1", "Northfield", 9000, 0.2, None, 1],
                      ["N2", "Southgate", "lots", 0.25, None, 0]])
    report = find_problems(workbook.save_to(), rubric)
    assert not of(report, ProblemCode.SHEET_MISSING, Severity.WARNING)
    note = one(report, ProblemCode.HEADER_ROW, Severity.NOTE)
    assert (note.sheet, note.row) == ("Neighbourhoods", 2) and "column B" in note.message
    bad = one(report, ProblemCode.VALUE_TYPE)
    assert (bad.sheet, bad.row, bad.column, bad.value) == ("Neighbourhoods", 4, "population", "lots")
    assert not of(report, ProblemCode.UNKNOWN_COLUMN, Severity.WARNING)  # the empty column A is no column


def test_column_letters_after_a_table_at_b2_are_the_real_ones(workbook, rubric):
    headers = [*SERVICE_HEADERS, "Annual budget"]  # annual_budget twice: column F and column K
    put(workbook["Services"], 2, 2, [headers, *[row + [1] for row in SERVICES]])
    p = one(find_problems(workbook.save_to(), rubric), ProblemCode.COLUMN_DUPLICATE)
    assert p.row == 2 and "F and K" in p.message


def test_headers_below_twenty_blank_rows_are_not_guessed(workbook, rubric):
    put(workbook["Services"], 25, 1, [SERVICE_HEADERS, *SERVICES])
    p = one(find_problems(workbook.save_to(), rubric), ProblemCode.COLUMN_MISSING)
    assert p.row == 25 and "first 20 rows" in p.message


def test_a_scenario_sheet_without_headers_is_not_read_from_a_row_that_names_one_column(workbook, rubric):
    """'name' is both a setting and another name for the setting column: that row alone is no header."""
    put(workbook["Services"], 1, 1, [SERVICE_HEADERS, *SERVICES])
    put(workbook.create_sheet("Scenario"), 1, 1, [["transition_budget", 250_000], ["name", "Budget 2026"]])
    p = one(find_problems(workbook.save_to(), rubric), ProblemCode.COLUMN_MISSING)
    assert (p.sheet, p.row, p.column) == ("Scenario", 1, "setting")


def test_a_csv_with_a_title_line(tmp_path, rubric):
    path = tmp_path / "services.csv"
    lines = [TITLE, "", ",".join(SERVICE_HEADERS), *(",".join("" if v is None else str(v) for v in r) for r in SERVICES)]
    path.write_text("\n".join(lines), encoding="utf-8")
    assessment, report = read_assessment(path, rubric)
    assert len(assessment.services) == 3
    assert one(report, ProblemCode.HEADER_ROW, Severity.NOTE).row == 3


# --------------------------------------------------------------------------- merged cells


def test_a_directorate_merged_down_its_rows_is_read_on_every_row(workbook, rubric):
    ws = workbook["Services"]
    rows = [list(r) for r in SERVICES] + [["ENV02", "Street cleaning", None, "transactional", 900_000, "no",
                                            None, None, None]]
    rows[1][2] = None  # ASC06's directorate is merged into ASC05's
    put(ws, 1, 1, [SERVICE_HEADERS, *rows])
    ws.merge_cells("C2:C3")
    ws.merge_cells("C4:C5")
    assessment, report = read_assessment(workbook.save_to(), rubric)
    assert [s.directorate for s in assessment.services] == ["Adult social care"] * 2 + ["Place"] * 2
    assert not of(report, ProblemCode.VALUE_MISSING)
    note = one(report, ProblemCode.MERGED_CELLS, Severity.NOTE)
    assert (note.column, note.row) == ("directorate", 2) and "C2:C3, C4:C5" in note.message


def test_cells_merged_across_columns_are_named(workbook, rubric):
    ws = workbook["Services"]
    put(ws, 1, 1, [SERVICE_HEADERS, *SERVICES])
    ws["C3"] = None
    ws.merge_cells("B3:C3")  # name and directorate merged: only the name is there
    report = find_problems(workbook.save_to(), rubric)
    merged = one(report, ProblemCode.MERGED_CELLS, Severity.WARNING)
    assert "B3:C3" in merged.message and merged.row == 3
    missing = one(report, ProblemCode.VALUE_MISSING)
    assert (missing.row, missing.column) == (3, "directorate")


# --------------------------------------------------------------------------- formulas and error values


def _with_scenario_and_hoods(workbook, budget, hours):
    put(workbook["Services"], 1, 1, [SERVICE_HEADERS, *SERVICES])
    put(workbook.create_sheet("Neighbourhoods"), 1, 1,
        [NEIGHBOURHOOD_HEADERS, ["N1", "Northfield", 9000, 0.2, hours, 1]])
    put(workbook.create_sheet("Scenario"), 1, 1,
        [["setting", "value", "notes"], ["transition_budget", budget, "three times last year's"]])


def test_formulas_never_calculated_are_errors_not_defaults(workbook, rubric):
    _with_scenario_and_hoods(workbook, "=B5*3", "=C2*0.1")  # written by a script, never opened in Excel
    with pytest.raises(InvalidInput) as caught:
        read_assessment(workbook.save_to(), rubric)
    report = caught.value.report
    found = {(p.sheet, p.row, p.column) for p in of(report, ProblemCode.FORMULA_UNSAVED)}
    assert found == {("Scenario", 2, "value"), ("Neighbourhoods", 2, "volunteer_hours")}
    budget = next(p for p in report.problems if p.sheet == "Scenario")
    assert "cell B2 holds =B5*3" in budget.message and "save it" in budget.expected


def test_a_formula_without_a_value_in_an_unused_column_is_named_too(workbook, rubric):
    put(workbook["Services"], 1, 1, [[*SERVICE_HEADERS, "cost centre"], *[r + ["=A2"] for r in SERVICES]])
    report = find_problems(workbook.save_to(), rubric)
    cells = [(p.row, p.column) for p in of(report, ProblemCode.FORMULA_UNSAVED)]
    assert cells == [(2, "cost centre"), (3, "cost centre"), (4, "cost centre")]


def test_formulas_with_saved_values_read_as_their_values(tmp_path, rubric):
    """Excel saves each formula's result beside it; LibreOffice makes such a file here."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Services"
    put(ws, 1, 1, [SERVICE_HEADERS, *SERVICES])
    ws["E3"] = "=E2*2"
    source = tmp_path / "made.xlsx"
    wb.save(source)
    assessment, report = read_assessment(saved_by_libreoffice(source, "xlsx", tmp_path), rubric)
    assert assessment.services[1].annual_budget == 2_400_000
    assert not of(report, ProblemCode.FORMULA_UNSAVED)


@pytest.mark.parametrize("error, cause", [
    ("#N/A", "#N/A: usually a failed lookup"), ("#REF!", "deleted"), ("#DIV/0!", "divides by zero"),
    ("#VALUE!", "wrong kind of value"), ("#NAME?", "does not know"), ("#NUM!", "not a number"),
    ("#NULL!", "do not meet"),
])
def test_excel_error_values_are_errors_named_as_such(workbook, rubric, error, cause):
    rows = [list(r) for r in SERVICES]
    rows[1][2] = error  # a directorate looked up from another sheet
    put(workbook["Services"], 1, 1, [SERVICE_HEADERS, *rows])
    workbook.save_to()
    assert workbook["Services"]["C3"].data_type == "e"  # a real error cell, as Excel saves it
    p = one(find_problems(workbook.save_to(), rubric), ProblemCode.ERROR_VALUE)
    assert (p.row, p.column, p.value) == (3, "directorate", error)
    assert p.message.startswith(error) and cause in p.message


def test_an_error_value_in_a_setting_or_an_extra_column(workbook, rubric):
    _with_scenario_and_hoods(workbook, "#N/A", 500)
    services = workbook["Services"]
    services["J1"], services["J2"] = "cost centre", "#REF!"
    report = find_problems(workbook.save_to(), rubric)
    setting = one(report, ProblemCode.ERROR_VALUE)
    assert (setting.sheet, setting.row, setting.column) == ("Scenario", 2, "value")
    extra = one(report, ProblemCode.ERROR_VALUE, Severity.WARNING)
    assert (extra.sheet, extra.row, extra.column) == ("Services", 2, "cost centre")


# --------------------------------------------------------------------------- text people cannot see


def test_a_zero_width_space_in_an_id_is_removed_and_named(workbook, rubric):
    rows = [list(r) for r in SERVICES]
    rows[0][0] = "ASC\u200b05"
    put(workbook["Services"], 1, 1, [SERVICE_HEADERS, *rows])
    put(workbook.create_sheet("Activities"), 1, 1, [["service_id", "stage", "outcomes"], ["ASC05", "delivery", 3]])
    assessment, report = read_assessment(workbook.save_to(), rubric)
    assert assessment.services[0].service_id == "ASC05"
    assert not of(report, ProblemCode.ID_DANGLING)
    p = one(report, ProblemCode.INVISIBLE_CHARACTER, Severity.WARNING)
    assert (p.sheet, p.row, p.column) == ("Services", 2, "service_id")
    assert "zero width space (U+200B)" in p.message and "'ASC05'" in p.message


# --------------------------------------------------------------------------- percentages


def test_a_percentage_over_100_is_more_than_the_whole(make_workbook, services_rows, neighbourhood_rows, rubric):
    neighbourhood_rows[1][3] = "135%"
    neighbourhood_rows[2][3] = 1.35  # what Excel stores for a cell formatted to show 135%
    report = find_problems(make_workbook({"Services": services_rows, "Neighbourhoods": neighbourhood_rows}), rubric)
    typed, formatted = of(report, ProblemCode.VALUE_RANGE)
    assert "135% is more than the whole" in typed.message and "1.35 per cent" not in typed.message
    assert "135%" in formatted.message and "more than the whole" in formatted.message


# --------------------------------------------------------------------------- the command line


def test_validate_exits_2_on_a_council_shape_without_a_traceback(workbook, devolve, capsys):
    _with_scenario_and_hoods(workbook, "=B5*3", "#N/A")
    workbook["Services"].insert_rows(1, 2)
    workbook["Services"]["A1"] = TITLE
    assert devolve(["validate", str(workbook.save_to())]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert "formula-unsaved" not in captured.out  # codes are for programs; people read the message
    assert "cell B2 holds =B5*3" in captured.out and "#N/A: usually a failed lookup" in captured.out
    assert "headers were found in row 3" in captured.out


# --------------------------------------------------------------------------- LibreOffice's own format


@pytest.fixture(scope="module")
def council_shapes(tmp_path_factory) -> Path:
    """One workbook with every shape above: a title and banner, a table from B3, a directorate
    merged down, a calculated budget, a failed lookup and a zero-width space in an id."""
    folder = tmp_path_factory.mktemp("shapes")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Services"
    ws["A1"] = TITLE
    ws.merge_cells("A1:J1")
    rows = [list(r) for r in SERVICES]
    rows[0][0] = "ASC\u200b05"
    rows[1][2] = None
    rows[1][4] = "=F4*2"
    rows[2][8] = "=NA()"
    put(ws, 3, 2, [SERVICE_HEADERS, *rows])
    ws.merge_cells("D4:D5")
    put(wb.create_sheet("Neighbourhoods"), 2, 1, [NEIGHBOURHOOD_HEADERS, ["N1", "Northfield", 9000, "135%", 100, 1]])
    source = folder / "council.xlsx"
    wb.save(source)
    return source


def _seen(report: ProblemReport) -> list[tuple]:
    return [(p.code, p.severity, p.sheet, p.row, p.column, p.value, p.message) for p in report.problems]


def test_an_ods_reads_as_the_same_workbook_saved_as_xlsx(council_shapes, rubric):
    """LibreOffice saves the same sheets as .ods and as .xlsx; devolve reports the same problems,
    at the same cells, for both."""
    ods = saved_by_libreoffice(council_shapes, "ods", council_shapes.parent)
    xlsx = saved_by_libreoffice(council_shapes, "xlsx", council_shapes.parent)
    from_ods, from_xlsx = find_problems(ods, rubric), find_problems(xlsx, rubric)
    assert _seen(from_ods) == _seen(from_xlsx)
    codes = {(p.code, p.row) for p in from_ods.problems}
    assert {(ProblemCode.HEADER_ROW, 3), (ProblemCode.MERGED_CELLS, 4), (ProblemCode.INVISIBLE_CHARACTER, 4),
            (ProblemCode.ERROR_VALUE, 6), (ProblemCode.VALUE_RANGE, 3)} <= codes
    lookup = one(from_ods, ProblemCode.ERROR_VALUE)
    assert (lookup.column, lookup.value) == ("users", "#N/A") and "failed lookup" in lookup.message
    assert not of(from_ods, ProblemCode.VALUE_MISSING)  # the merged directorate is read on both rows
    assert not of(from_ods, ProblemCode.FORMULA_UNSAVED)  # LibreOffice saved the budget it calculated


def test_a_valid_ods_becomes_an_assessment(tmp_path, rubric):
    wb = openpyxl.Workbook()
    wb.active.title = "Services"
    put(wb.active, 1, 1, [SERVICE_HEADERS, *SERVICES])
    put(wb.create_sheet("Scenario"), 1, 1, [["setting", "value"], ["transition_budget", 250_000]])
    source = tmp_path / "valid.xlsx"
    wb.save(source)
    assessment, report = read_assessment(saved_by_libreoffice(source, "ods", tmp_path), rubric)
    assert [s.annual_budget for s in assessment.services] == [1_200_000, 800_000, 2_000_000]
    assert assessment.services[0].statutory and assessment.scenario.transition_budget == 250_000
    assert report.ok and report.problems[0].file == "valid.ods"


def _ods(path: Path, content: bytes, **parts: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", b"application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
        for name, data in parts.items():
            z.writestr(name.replace("__", "/"), data)
    return path


_CONTENT = (b'<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
            b'office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:'
            b'tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Services">'
            b'%s</table:table></office:spreadsheet></office:body></office:document-content>')


def _row(*cells: bytes) -> bytes:
    return b"<table:table-row>" + b"".join(cells) + b"</table:table-row>"


def _text_cell(text: str) -> bytes:
    return b'<table:table-cell office:value-type="string"><text:p>' + text.encode() + b"</text:p></table:table-cell>"


def test_an_ods_formula_without_a_saved_value_and_a_million_blank_rows(tmp_path, rubric):
    """What a script writes: a formula with no value, and LibreOffice's repeat of blank rows to the sheet's end."""
    header = _row(*(_text_cell(h) for h in SERVICE_HEADERS[:5]))
    body = _row(_text_cell("ASC05"), _text_cell("Meals"), _text_cell("Adults"), _text_cell("personal"),
                b'<table:table-cell table:formula="of:=[.F9]*3"/>')
    blank = b'<table:table-row table:number-rows-repeated="1048570"><table:table-cell/></table:table-row>'
    path = _ods(tmp_path / "script.ods", _CONTENT % (header + body + blank))
    p = one(find_problems(path, rubric), ProblemCode.FORMULA_UNSAVED)
    assert (p.row, p.column) == (2, "annual_budget") and "cell E2 holds =[.F9]*3" in p.message


@pytest.mark.parametrize("parts, code, words", [
    ({"content.xml": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'}, ProblemCode.FILE_XML_UNSAFE, "DOCTYPE"),
    ({"Basic__Standard__Module1.xml": b"<module/>"}, ProblemCode.FILE_MACROS, "macros"),
    ({"META-INF__manifest.xml": b"<manifest><encryption-data/></manifest>"}, ProblemCode.FILE_NOT_WORKBOOK,
     "password"),
])
def test_a_hostile_ods_is_refused_by_the_same_guard(tmp_path, rubric, parts, code, words):
    content = parts.pop("content.xml", _CONTENT % _row(_text_cell("service_id")))
    p = one(find_problems(_ods(tmp_path / "x.ods", content, **parts), rubric), code)
    assert words in p.message


def test_an_ods_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, rubric):
    path = tmp_path / "bomb.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", b"application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("content.xml", b"<x>" + b" " * (3 * 1024 * 1024) + b"</x>")
    assert one(find_problems(path, rubric), ProblemCode.FILE_ZIP_BOMB)


def test_a_flat_ods_or_a_renamed_file_is_refused_with_the_save_as_steps(tmp_path, rubric):
    flat = tmp_path / "council.fods"
    flat.write_text("<office:document/>")
    p = one(find_problems(flat, rubric), ProblemCode.FILE_NOT_WORKBOOK)
    assert "File > Save As" in p.expected and "Excel 2007-365 (.xlsx)" in p.expected
    renamed = tmp_path / "council.ods"
    renamed.write_bytes(b"%PDF-1.7")
    assert "a PDF document" in one(find_problems(renamed, rubric), ProblemCode.FILE_NOT_WORKBOOK).message


# --------------------------------------------------------------------------- text that looks like a formula


def test_text_that_looks_like_a_formula_reads_as_typed_without_an_apostrophe(workbook, rubric):
    """Excel keeps a typed '=Friends of the park' as text with its quote prefix, not in the value;
    an earlier devolve wrote the quote into the text. Both read as the user typed it."""
    rows = [list(r) for r in SERVICES]
    rows[0][1], rows[1][1] = "=Friends of the park", "'-Community meals"
    put(workbook["Services"], 1, 1, [SERVICE_HEADERS, *rows])
    typed = workbook["Services"]["B2"]
    typed.data_type, typed.quotePrefix = "s", True
    assessment, _ = read_assessment(workbook.save_to(), rubric)
    assert [s.name for s in assessment.services[:2]] == ["=Friends of the park", "-Community meals"]


def test_a_damaged_ods_is_a_located_problem_not_a_traceback(tmp_path, rubric, devolve, capsys):
    path = _ods(tmp_path / "cut.ods", (_CONTENT % _row(_text_cell("service_id")))[:-60])
    p = one(find_problems(path, rubric), ProblemCode.FILE_UNREADABLE)
    assert p.file == "cut.ods"
    assert devolve(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err and "could not be read" in captured.out
