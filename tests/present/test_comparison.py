"""The comparison of many councils as sheets, lines and a workbook: units in every figure's
header, a broken workbook's problems located, user text kept as text, and a workbook LibreOffice
opens and prints."""

from __future__ import annotations

import openpyxl
import pytest

from devolve.core.comparison import (
    CouncilFigures,
    CouncilResult,
    ServiceFigures,
    compare_councils,
    service_key,
)
from devolve.core.limits import Family
from devolve.core.comparison import BindingLimit
from devolve.core.plan import PlanStatus
from devolve.core.problems import Problem, ProblemCode, ProblemReport
from devolve.core.terms import Stage
from devolve.io.xlsx import MONEY_FORMAT
from devolve.present.comparison import (
    COUNCIL_COLUMNS,
    FIGURES,
    NONE_DEVOLVED,
    SHOWN_PROBLEMS,
    arrival_line,
    bar_charts,
    comparison_lines,
    comparison_sheets,
    councils_table,
    heat_grid,
    services_table,
)
from tests.libreoffice import to_pdf

FORMULA = "=1+2"


def figures(*services: ServiceFigures, spend: float = 250_000.0) -> CouncilFigures:
    return CouncilFigures(
        scenario="Pilot", status=PlanStatus.WITHIN_GAP, method="m", solver="HiGHS", value=3.25, best_bound=3.27,
        gap=0.006, services=len(services), neighbourhoods=5, budget=1_000_000.0, decisions=7,
        activities_devolved=4, services_devolved=2, neighbourhoods_reached=3, partnerships=3,
        spend_devolved=spend, one_off_cost=40_000.0, running_change=-1_500.0, contingency=12_000.0,
        residents_reached=21_000, volunteer_hours=1_800.0, volunteer_value=27_000.0,
        binding=(BindingLimit(Family.TRANSITION_BUDGET), BindingLimit(Family.CAPACITY, "N2", "Southmead")),
        by_service=services, seconds=2.5)


def svc(name: str, lgsl: int | None = None, stages: dict[Stage, int] | None = None) -> ServiceFigures:
    return ServiceFigures(key=service_key(lgsl, name), lgsl_id=lgsl, name=name, annual_budget=500_000.0,
                          stages=stages or {}, spend_devolved=100_000.0 if stages else 0.0)


@pytest.fixture()
def comparison():
    errors = [Problem(ProblemCode.VALUE_MISSING, "a value is needed here", file="bad.xlsx", sheet="Services",
                      row=r, column="annual_budget") for r in range(2, 10)]
    return compare_councils([
        CouncilResult(council="bad", file="bad.xlsx", problems=ProblemReport.of(errors)),
        CouncilResult(council="calder", file="calder.xlsx",
                      figures=figures(svc("Libraries", 90, {Stage.DELIVERY: 3, Stage.MANAGEMENT: 2}), svc(FORMULA))),
        CouncilResult(council=FORMULA, file=f"{FORMULA}.xlsx", figures=figures(svc("Library service", 90))),
    ])


def test_each_council_is_one_row_with_its_figures_and_units(comparison):
    table = councils_table(comparison)
    assert list(table.columns) == COUNCIL_COLUMNS
    assert all("(" in column for column in FIGURES)  # every figure names its unit
    calder = table.set_index("Council").loc["calder"]
    assert calder["Spend devolved (£ a year)"] == 250_000 and calder["Residents reached (residents)"] == 21_000
    assert calder["Binding limits"] == "One-off transition budget; Volunteer hours in Southmead"
    bad = table.set_index("Council").loc["bad"]
    assert bad["Outcome"] == "broken: 8 errors" and bad["Errors (count)"] == 8


def test_each_service_says_which_stages_each_council_devolves(comparison):
    table = services_table(comparison).set_index("Service")
    assert list(table.columns[-2:]) == ["calder", FORMULA]  # the broken council has no column
    assert table.loc["Libraries", "calder"] == "Management in 2 of 5; Delivery in 3 of 5"  # the chain's order
    assert table.loc["Libraries", FORMULA] == NONE_DEVOLVED
    assert table.loc[FORMULA, FORMULA] == ""  # not a service that council lists
    assert table.loc["Libraries", "Also called"] == "Library service"


def test_the_command_line_shows_a_broken_workbook_s_first_errors_located(comparison):
    lines = comparison_lines(comparison)
    assert lines[0] == "3 workbooks: 2 planned, 0 with no plan, 1 broken"
    shown = [line for line in lines if line.startswith("    - ")]
    assert len(shown) == SHOWN_PROBLEMS and shown[0] == "    - Services, row 2, column 'annual_budget': a value is needed here"
    assert any("and 3 more (sheet Problems" in line for line in lines)


def test_the_workbook_formats_figures_keeps_text_as_text_and_prints(comparison, tmp_path):
    from devolve.usecases import write_comparison_workbook

    out = tmp_path / "comparison.xlsx"
    write_comparison_workbook(comparison_sheets(comparison, [("Folder", "/councils")]), out,
                              heat=(heat_grid(comparison),), charts=bar_charts())
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Councils", "Services", "Heat grid", "Stages", "Charts", "Problems"]
    ws = wb["Councils"]
    headers = [c.value for c in ws[1]]
    assert ws.cell(row=3, column=headers.index("Spend devolved (£ a year)") + 1).number_format == MONEY_FORMAT
    assert ws.cell(row=3, column=headers.index("Gap to the bound (%)") + 1).number_format.endswith("%")
    name = ws.cell(row=4, column=1)
    assert name.value == FORMULA and name.data_type == "s" and name.quotePrefix
    assert len(wb["Charts"]._charts) == 4
    [shaded] = list(wb["Heat grid"].conditional_formatting)
    assert str(shaded.sqref) == "C2:D3"  # the two planned councils' columns, both services
    assert [v.type for v in shaded.rules[0].colorScale.cfvo] == ["num", "max"]  # deepest at the largest share
    pdf, text = to_pdf(out, tmp_path)
    assert pdf.stat().st_size > 0
    for words in ("Workbooks compared", "Spend devolved by council", "a value is needed here", FORMULA):
        assert words in text, words
    assert "#NAME" not in text and "Err:" not in text  # nothing was run as a formula


def test_a_broken_workbook_arrives_with_its_counts_whatever_its_name():
    """A file may be named 'Calder: services.xlsx'; the line still says how many errors, not part of the name."""
    name = "Calder: services 2026.xlsx"
    errors = [Problem(ProblemCode.VALUE_MISSING, "a value is needed here", file=name, sheet="Services", row=2)]
    said = arrival_line(CouncilResult(council="Calder: services 2026", file=name, problems=ProblemReport.of(errors)))
    assert said == f"{name}: broken (1 error, 0 warnings)"
