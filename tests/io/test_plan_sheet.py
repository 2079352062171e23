"""The plan kept inside its plan workbook: read back exactly, and refused once its inputs change."""

from __future__ import annotations

import openpyxl
import pytest

from devolve.core.problems import InvalidInput, ProblemCode
from devolve.io.plan_sheet import CHUNK, PLAN_SHEET
from devolve.usecases import read_plan_workbook, write_plan_workbook


@pytest.fixture(scope="module")
def workbook(explained, tmp_path_factory):
    path = tmp_path_factory.mktemp("plan") / "plan.xlsx"
    write_plan_workbook(*explained, path)
    return path


def test_the_plan_reads_back_equal_with_its_assessment(workbook, explained):
    assessment, plan = explained
    again, kept = read_plan_workbook(workbook)
    assert again == assessment and kept == plan


def test_the_plan_is_held_in_cells_excel_can_hold_as_text(workbook):
    ws = openpyxl.load_workbook(workbook)[PLAN_SHEET]
    assert ws.sheet_state == "hidden"
    cells = [row[1] for row in ws.iter_rows(min_row=2) if row[0].value == "plan"]
    assert len(cells) > 1 and all(len(c.value) <= CHUNK and c.data_type == "s" for c in cells)


def test_a_plan_from_a_newer_devolve_is_refused_in_words(workbook, tmp_path):
    wb = openpyxl.load_workbook(workbook)
    wb[PLAN_SHEET]["B2"] = 99
    newer = tmp_path / "newer.xlsx"
    wb.save(newer)
    with pytest.raises(InvalidInput) as exc:
        read_plan_workbook(newer)
    problem = exc.value.report.errors[0]
    assert problem.code == ProblemCode.PLAN_MISSING and (problem.sheet, problem.row) == (PLAN_SHEET, 2)
    assert "newer devolve" in problem.message


def test_a_damaged_plan_is_refused_not_a_traceback(workbook, tmp_path):
    wb = openpyxl.load_workbook(workbook)
    ws = wb[PLAN_SHEET]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "plan":
            row[1].value = row[1].value[:-40]  # cut short, as a careless edit would
    damaged = tmp_path / "damaged.xlsx"
    wb.save(damaged)
    with pytest.raises(InvalidInput) as exc:
        read_plan_workbook(damaged)
    assert "cannot be read" in exc.value.report.errors[0].message


def test_a_changed_score_makes_the_plan_stale(workbook, tmp_path):
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Neighbourhoods"]
    column = [c.value for c in ws[1]].index("population") + 1
    ws.cell(row=2, column=column).value += 1
    changed = tmp_path / "changed.xlsx"
    wb.save(changed)
    with pytest.raises(InvalidInput) as exc:
        read_plan_workbook(changed)
    problem = exc.value.report.errors[0]
    assert problem.code == ProblemCode.PLAN_STALE and problem.file == "changed.xlsx"
