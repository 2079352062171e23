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
    assert names == ["Summary", "Checks", "Fate of each activity", "Decisions", "Partnerships", "Limits",
                     "Neighbourhoods summary", "Retained", "Services", "Activities", "Neighbourhoods",
                     "Priorities", "Scenario", "devolve plan"]  # the last hidden: the plan itself, for a report
    again, _ = read_assessment(out)
    original, _ = read_assessment(sample_path)
    assert again == original
    overview = dict(sheet_rows(out, "Summary")[1:])
    assert overview["Status"] in ("optimal", "within gap")
    assert float(overview["Best possible value (benefit units, bound)"]) >= float(
        overview["Value of the plan (benefit units)"])
    # every activity of every service is accounted for, once
    fates = sheet_rows(out, "Fate of each activity")
    assert len(fates) - 1 == len(original.activities)
    checks = sheet_rows(out, "Checks")
    assert [row[2] for row in checks[1:]] == ["yes"] * 9


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


def from_template(tmp_path, services, hoods):
    """A council filled into the blank template, as a consultant would."""
    path = tmp_path / "council.xlsx"
    assert main(["template", str(path)]) == 0
    wb = openpyxl.load_workbook(path)
    for row in services:
        wb["Services"].append(row)
    for row in hoods:
        wb["Neighbourhoods"].append(row)
    wb.save(path)
    return path


HOODS = [["N1", "North", 9000, 0.2, None, 3], ["N2", "South", 12000, 0.15, None, 1]]


def test_a_council_made_from_the_template_gets_a_plan(tmp_path, capsys):
    path = from_template(tmp_path, [["LIB", "Libraries", "Place", "infrastructure-heavy", 3_000_000, "no"],
                                    ["YTH", "Youth services", "Children", "personal", 1_500_000, "no"]], HOODS)
    capsys.readouterr()
    assert main(["assess", str(path), "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["decisions"] and plan["partnerships"]
    assert len(plan["activities"]) == 18 and all(a["reason"] for a in plan["activities"])


def test_a_council_with_nothing_to_devolve_is_told_why(tmp_path, capsys):
    # licensing (£60k) under a statutory duty: governance and financing retained, small stages too
    # small to hand over, and the rest needing more than the default budgets leave
    path = from_template(tmp_path, [["REG", "Licensing", "Place", "regulatory", 60_000, "yes"]], HOODS)
    capsys.readouterr()
    assert main(["assess", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Devolved: 0 decisions" in out
    assert "Why so little: 4 activities: too small to hand over in any neighbourhood" in out
    assert "Why so little: 2 activities: retained at today's scale" in out
    assert ("Why so little: most often kept out because the plan has too little left of the one-off transition "
            "budget") in out
