"""`devolve validate`: an aligned table of every problem, a summary line, exit 0 or 2."""

from __future__ import annotations

import csv


def test_a_valid_file_exits_0_with_its_warnings(make_workbook, services_rows, neighbourhood_rows, devolve, capsys):
    path = make_workbook({"Services": services_rows, "Neighbourhoods": neighbourhood_rows})
    assert devolve(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["severity", "sheet", "row", "column", "value", "expected", "message"]
    assert out.strip().splitlines()[-1] == "input.xlsx: valid, 1 warning"


def test_an_invalid_file_lists_errors_before_warnings(make_workbook, services_rows, devolve, capsys):
    services_rows[1][4] = "two million"
    services_rows[2][6] = "happiness"
    services_rows[3][3] = "bespoke"
    assert devolve(["validate", str(make_workbook({"Services": services_rows}))]) == 2
    lines = capsys.readouterr().out.strip().splitlines()
    body = lines[2:-1]
    assert [line.split()[0] for line in body] == ["error", "error", "warning", "warning"]
    assert lines[-1] == "input.xlsx: 2 errors, 2 warnings"
    # aligned: every column starts at the same place on every line
    starts = {line.index(line.split()[1], len(line.split()[0])) for line in lines[:-1]}
    assert len(starts) == 1
    budget = next(line for line in body if "two million" in line)
    assert "Services" in budget and " 2 " in budget and "annual_budget" in budget and "number" in budget


def test_csv_report_holds_the_same_problems_neutralised(make_workbook, services_rows, devolve, tmp_path, capsys):
    services_rows[1][0] = "=HYPERLINK(\"http://evil\")"
    services_rows[1][4] = "-lots"
    out = tmp_path / "report.csv"
    assert devolve(["validate", str(make_workbook({"Services": services_rows})), "--csv-report", str(out)]) == 2
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["severity"] for r in rows][:1] == ["error"]
    bad = next(r for r in rows if r["column"] == "annual_budget")
    assert bad["value"] == "'-lots" and bad["row"] == "2" and bad["file"] == "input.xlsx"
    assert bad["code"] == "value-type"
    assert not [v for r in rows for v in r.values() if v and v[0] in "=+-@"]


def test_csv_report_that_cannot_be_written(make_workbook, services_rows, devolve, tmp_path, capsys):
    path = make_workbook({"Services": services_rows})
    assert devolve(["validate", str(path), "--csv-report", str(tmp_path / "no" / "such" / "dir.csv")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_a_broken_rubric_is_reported_not_raised(make_workbook, services_rows, devolve, tmp_path, capsys):
    rubric = tmp_path / "r.toml"
    rubric.write_text("scale_min = [", encoding="utf-8")
    assert devolve(["validate", str(make_workbook({"Services": services_rows})), "--rubric", str(rubric)]) == 2
    err = capsys.readouterr().err
    assert "r.toml" in err and "Traceback" not in err


def test_a_missing_file_exits_2(devolve, tmp_path, capsys):
    assert devolve(["validate", str(tmp_path / "nope.xlsx")]) == 2
    assert "nope.xlsx: 1 error, 0 warnings" in capsys.readouterr().out
