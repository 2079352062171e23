"""The blank template: styled, with drop-downs and hints, documented, and valid once filled in."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from devolve.core import Criterion, ScoreSource
from devolve.io.columns import COLUMNS, SHEETS
from devolve.io.template import LISTS, README, markdown_tables, write_template
from devolve.io.read import read_assessment, find_problems
from devolve.io.resources import rubric_file
from devolve.io.toml import load_rubric, rubric_from_dict
from devolve.core.scenario import SETTING_KEYS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "input-format.md"


@pytest.fixture()
def template(tmp_path, rubric) -> Path:
    path = tmp_path / "template.xlsx"
    write_template(path, rubric)
    return path


def _lists(ws) -> dict[str, str]:
    """Column letter of each validated range -> its list formula."""
    return {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1 for dv in ws.data_validations.dataValidation
            if dv.type == "list"}


def test_template_has_every_sheet_header_and_hint(template, rubric):
    wb = openpyxl.load_workbook(template)
    assert wb["Services"].max_row == 1  # rows typed or appended land right under the header
    assert wb["Services"].column_dimensions["E"].number_format.startswith('"£"')
    assert wb.sheetnames == [README, *SHEETS]
    for sheet in SHEETS:
        ws = wb[sheet]
        headers = [c.value for c in ws[1]]
        assert headers == [c.key for c in COLUMNS[sheet]]
        assert all(c.comment and len(c.comment.text) > 20 for c in ws[1])
        assert ws["A1"].font.b and ws.freeze_panes == "A2"
    hint = wb["Activities"]["G1"].comment.text
    assert "0 to 4" in hint and "default score" in hint


def test_template_offers_drop_downs(template, rubric):
    wb = openpyxl.load_workbook(template)
    services = _lists(wb["Services"])
    assert services["D"] == '"transactional,personal,infrastructure-heavy,regulatory"'
    assert services["F"] == '"yes,no"'
    assert "local_environment" in services["G"]
    activities = _lists(wb["Activities"])
    assert activities["B"].startswith('"governance,commissioning')
    assert activities["D"] == '"yes,no"'
    assert {activities[c] for c in "GHIJ"} == {'"0,1,2,3,4"'}
    scenario = {str(dv.sqref): dv.formula1 for dv in wb["Scenario"].data_validations.dataValidation}
    rows = {c.value: c.row for c in wb["Scenario"]["A"]}
    assert scenario[f"B{rows['offer']}"] == '"differentiated,uniform"'
    assert scenario[f"B{rows['solver']}"] == '"highs,cbc"'
    assert "councillor_forum" in scenario[f"B{rows['configurations']}"]


def test_scenario_sheet_is_prefilled_with_the_rubric_defaults(template, rubric):
    ws = openpyxl.load_workbook(template)["Scenario"]
    values = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert list(values) == list(SETTING_KEYS)
    assert values["weight_outcomes"] == rubric.criteria[Criterion.OUTCOMES].default_weight
    assert values["offer"] == "differentiated" and values["solver"] == "highs"
    assert values["time_limit_seconds"] == 60 and values["relative_gap"] == 0.005
    assert values["transition_budget"] is None  # depends on the services: blank means default


def test_readme_explains_every_column_and_setting(template):
    ws = openpyxl.load_workbook(template)[README]
    explained = {(r[0], r[1]) for r in ws.iter_rows(values_only=True) if r[1]}
    for sheet in SHEETS:
        assert {(sheet, c.key) for c in COLUMNS[sheet]} <= explained
    assert {("Scenario setting", k) for k in SETTING_KEYS} <= explained


def test_an_empty_template_says_what_is_missing(template, rubric):
    report = find_problems(template, rubric)
    assert [(p.code.value, p.sheet) for p in report.errors] == [("sheet-empty", "Services")]


def test_a_template_filled_in_by_hand_validates(template, rubric, tmp_path):
    wb = openpyxl.load_workbook(template)
    services = wb["Services"]
    services.append(["ENV01", "Parks and open spaces", "Place", "infrastructure-heavy", 2_000_000, "no",
                     "local_environment", 1])
    services.append(["ASC01", "Home care", "Adults", "personal", 9_500_000, "yes", "be_healthy", None])
    services["A4"], services["B4"], services["C4"] = "REG01", "Licensing", "Place"  # typed cell by cell
    services["D4"], services["E4"] = "Regulatory", "£400,000"
    activities = wb["Activities"]
    for row in (["ENV01", "delivery", 0.6, None, None, "Ana", 4, 3, 3, 2, "Friends groups", "2023 pilot"],
                ["ENV01", "delivery", None, None, None, "Ben", 3, 3, 2, 2, None, None],
                ["ASC01", "governance", None, "yes", "Care Act duties", None, None, None, None, None, None, None]):
        activities.append(row)
    hoods = wb["Neighbourhoods"]
    hoods.append(["N1", "Northfield", 11_000, 0.21, None, 3])
    hoods.append(["N2", "Southmead", 8_500, 0.18, 1_500, None])
    scenario = wb["Scenario"]
    rows = {c.value: c.row for c in scenario["A"]}
    scenario[f"B{rows['transition_budget']}"] = 100_000
    scenario[f"B{rows['offer']}"] = "uniform"
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)

    report = find_problems(filled, rubric)
    assert report.ok, [str(p) for p in report.errors]
    assert {p.code.value for p in report.warnings} == {"defaults-in-use"}
    assessment, _ = read_assessment(filled, rubric)
    assert [s.service_id for s in assessment.services] == ["ENV01", "ASC01", "REG01"]
    assert assessment.scenario.transition_budget == 100_000
    assert assessment.scenario.offer.value == "uniform"
    assert assessment.scenario.contingency_reserve == round(11_900_000 * 0.005)
    assert assessment.neighbourhoods[0].volunteer_hours_source == ScoreSource.DEFAULT
    delivery = next(a for a in assessment.activities if a.activity_id == "ENV01:delivery")
    assert delivery.score(Criterion.OUTCOMES) == 3.5


def test_a_tailored_rubric_shapes_the_template(tmp_path):
    rubric = load_rubric(rubric_file("tailored-example.toml"))
    path = tmp_path / "tailored.xlsx"
    write_template(path, rubric)
    wb = openpyxl.load_workbook(path)
    keys = ",".join(c.key for c in rubric.configurations)
    assert "parish_town_council" in keys  # the tailored rubric's own arrangement is offered
    formulas = {dv.formula1 for dv in wb["Scenario"].data_validations.dataValidation}
    assert f'"{keys}"' in formulas


def test_long_lists_go_on_a_hidden_sheet(tmp_path, rubric):
    import tomllib

    data = tomllib.loads(rubric_file().read_text(encoding="utf-8"))
    data["outcome_frameworks"].append({
        "key": "many", "name": "Many outcomes",
        "outcomes": [{"key": f"a_rather_long_outcome_key_number_{i}", "name": f"Outcome {i}"} for i in range(12)],
    })
    long = rubric_from_dict(data)
    path = tmp_path / "long.xlsx"
    write_template(path, long)
    wb = openpyxl.load_workbook(path)
    assert wb[LISTS].sheet_state == "hidden"
    formula = _lists(wb["Services"])["G"]
    assert formula.startswith(f"{LISTS}!$")
    assert wb[LISTS]["A20"].value == "a_rather_long_outcome_key_number_11"
    assert find_problems(path, long).errors[0].code.value == "sheet-empty"  # the Lists sheet is ignored


def test_docs_show_the_same_column_table_as_the_code(rubric):
    text = DOCS.read_text(encoding="utf-8")
    assert markdown_tables(rubric) in text, (
        "docs/input-format.md is out of date: paste the output of "
        "`python -c 'from devolve.io.template import markdown_tables; print(markdown_tables())'`"
    )
