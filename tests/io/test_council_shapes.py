"""Workbooks as councils really send them (issue 12): each test is one shape met in the wild,
made with openpyxl as Excel would save it, and what a council officer should be told about it."""

from __future__ import annotations

import openpyxl
import pytest

from devolve.core.problems import InvalidInput, Problem, ProblemCode, ProblemReport, Severity
from devolve.io.columns import NEIGHBOURHOOD_COLUMNS, SERVICE_COLUMNS
from devolve.io.read import find_problems, read_assessment

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
    from tests.libreoffice import tools

    soffice = tools()[0]
    import subprocess

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Services"
    put(ws, 1, 1, [SERVICE_HEADERS, *SERVICES])
    ws["E3"] = "=E2*2"
    source = tmp_path / "made.xlsx"
    wb.save(source)
    out = tmp_path / "saved"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
                    "xlsx", "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=300)
    assessment, report = read_assessment(out / "made.xlsx", rubric)
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


def test_an_ods_file_is_refused_with_the_save_as_steps(tmp_path, rubric):
    path = tmp_path / "council.ods"
    path.write_bytes(b"PK\x03\x04 an OpenDocument spreadsheet")
    p = one(find_problems(path, rubric), ProblemCode.FILE_NOT_WORKBOOK)
    assert "LibreOffice" in p.message
    assert "File > Save As" in p.expected and "Excel 2007-365 (.xlsx)" in p.expected
