"""`devolve assess` end to end on the bundled sample: a plan, the same plan twice, clean failures."""

import json

import openpyxl
import pytest

from devolve.cli import main
from devolve.io.read import read_assessment



def sheet_rows(path, title):
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [row for row in wb[title].iter_rows(values_only=True)]
    finally:
        wb.close()


@pytest.fixture(scope="module")
def two_plans(tmp_path_factory, sample_path):
    tmp = tmp_path_factory.mktemp("plans")
    outs = [tmp / "plan1.xlsx", tmp / "plan2.xlsx"]
    codes = [main(["assess", str(sample_path), "--out", str(out)]) for out in outs]
    return codes, outs


def test_sample_gives_a_plan_workbook_that_loads_again(two_plans, sample_path):
    codes, (out, _) = two_plans
    assert codes == [0, 0]
    wb = openpyxl.load_workbook(out, read_only=True)
    names = wb.sheetnames
    wb.close()
    for sheet in ("Services", "Activities", "Neighbourhoods", "Scenario", "Plan", "Decisions", "Limits",
                  "Neighbourhoods summary", "Retained"):
        assert sheet in names
    again, _ = read_assessment(out)
    original, _ = read_assessment(sample_path)
    assert again == original
    overview = dict(sheet_rows(out, "Plan")[1:])
    assert overview["Status"] in ("optimal", "within gap")
    assert float(overview["Best possible value (bound)"]) >= float(overview["Value of the plan"])


def test_same_input_same_plan(two_plans):
    _, (first, second) = two_plans
    assert sheet_rows(first, "Decisions") == sheet_rows(second, "Decisions")
    assert sheet_rows(first, "Limits") == sheet_rows(second, "Limits")


def test_summary_and_json(capsys, tmp_path, sample_path):
    assert main(["assess", str(sample_path)]) == 0
    out = capsys.readouterr().out
    assert "Status:" in out and "One-off transition budget" in out and "Four Co's" in out
    assert main(["assess", str(sample_path), "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["decisions"] and plan["gap"] is not None and plan["best_bound"] >= plan["objective"]


def test_infeasible_scenario_is_diagnosed_and_exits_2(tmp_path, capsys, sample_path):
    scenario = tmp_path / "tight.toml"
    scenario.write_text(
        'name = "Everything everywhere on no money"\n'
        "min_devolved_per_neighbourhood = 20\n"
        "transition_budget = 1000\n",
        encoding="utf-8",
    )
    out = tmp_path / "plan.xlsx"
    assert main(["assess", str(sample_path), "--scenario", str(scenario), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "cannot be met" in err
    assert "meeting the equity floor everywhere costs at least £" in err
    assert "in 14 neighbourhoods the equity floor of 20 devolved activities cannot be reached" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_bad_input_and_refused_overwrite_exit_2(tmp_path, capsys, sample_path):
    broken = tmp_path / "services.csv"
    broken.write_text("service_id,name,directorate,service_type,annual_budget\nS1,Parks,Place,parks,-5\n",
                      encoding="utf-8")
    assert main(["assess", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "service_type" in err and "annual_budget" in err and "Traceback" not in err
    existing = tmp_path / "plan.xlsx"
    existing.write_bytes(b"keep me")
    assert main(["assess", str(sample_path), "--out", str(existing)]) == 2
    assert existing.read_bytes() == b"keep me"
    assert "already exists" in capsys.readouterr().err
