"""`devolve report`, `devolve assess --report` and `devolve workspace plan ID --report` on the
bundled sample: a report from a plan workbook, and clean refusals (exit 2) for everything else."""

from __future__ import annotations

import docx
import openpyxl
import pytest

from devolve.cli import main


@pytest.fixture(scope="module")
def plan_workbook(tmp_path_factory, explained):
    from devolve.usecases import write_plan_workbook

    path = tmp_path_factory.mktemp("plan") / "plan.xlsx"
    write_plan_workbook(*explained, path)
    return path


def title_block(path) -> dict[str, str]:
    return {row.cells[0].text: row.cells[1].text for row in docx.Document(str(path)).tables[0].rows}


def test_a_plan_workbook_becomes_a_cabinet_report_with_the_officer_s_details(plan_workbook, tmp_path, capsys):
    out = tmp_path / "report.docx"
    code = main(["report", str(plan_workbook), "--out", str(out), "--date", "2027-01-14", "--report-of",
                 "Director of Communities", "--portfolio", "Neighbourhoods", "--contact", "Jo Bloggs",
                 "--exempt", "paragraph 3"])
    assert code == 0 and f"Cabinet report written to {out}" in capsys.readouterr().out
    block = title_block(out)
    assert block["Meeting"] == "Cabinet, 14 January 2027" and block["Report of"] == "Director of Communities"
    assert block["Classification"] == "Exempt (paragraph 3)"
    assert main(["report", str(plan_workbook), "--out", str(out)]) == 2  # never overwritten by surprise
    assert "already exists" in capsys.readouterr().err


def test_a_workbook_without_a_plan_is_refused_in_words(sample_path, tmp_path, capsys):
    assert main(["report", str(sample_path), "--out", str(tmp_path / "r.docx")]) == 2
    err = capsys.readouterr().err
    assert "sample_services.xlsx" in err and "holds no plan" in err and "devolve assess" in err
    assert not (tmp_path / "r.docx").exists()


def test_a_plan_workbook_edited_after_the_plan_is_refused(plan_workbook, tmp_path, capsys):
    edited = tmp_path / "edited.xlsx"
    wb = openpyxl.load_workbook(plan_workbook)
    ws = wb["Services"]
    budget = [c.value for c in ws[1]].index("annual_budget") + 1
    ws.cell(row=2, column=budget).value = ws.cell(row=2, column=budget).value * 2
    wb.save(edited)
    assert main(["report", str(edited), "--out", str(tmp_path / "r.docx")]) == 2
    err = capsys.readouterr().err
    assert "edited.xlsx" in err and "devolve plan" in err and "changed after its plan was made" in err


@pytest.mark.parametrize("template, said", [("missing.docx", "there is no template"),
                                            ("plan.xlsx", "must be a Word .docx file"),
                                            ("broken.docx", "is not a Word document")])
def test_a_template_that_cannot_be_used_is_named(plan_workbook, tmp_path, capsys, template, said):
    (tmp_path / "broken.docx").write_bytes(b"not a zip at all")
    (tmp_path / "plan.xlsx").write_bytes(plan_workbook.read_bytes())
    code = main(["report", str(plan_workbook), "--out", str(tmp_path / "r.docx"), "--template",
                 str(tmp_path / template)])
    assert code == 2 and said in capsys.readouterr().err


def test_bad_details_are_usage_errors(plan_workbook, tmp_path, capsys):
    assert main(["report", str(plan_workbook), "--out", str(tmp_path / "r.docx"), "--date", "14/01/2027"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["report", str(plan_workbook), "--out", str(tmp_path / "r.txt")]) == 2
    assert "must be a .docx file" in capsys.readouterr().err


def test_assess_writes_the_report_beside_the_plan(sample_path, tmp_path, capsys):
    out, report = tmp_path / "plan.xlsx", tmp_path / "report.docx"
    assert main(["assess", str(sample_path), "--out", str(out), "--report", str(report), "--meeting",
                 "Overview and Scrutiny Committee"]) == 0
    assert title_block(report)["Meeting"] == "Overview and Scrutiny Committee (date not stated)"
    # and the plan workbook it wrote makes the same report again
    again = tmp_path / "again.docx"
    assert main(["report", str(out), "--out", str(again), "--meeting", "Overview and Scrutiny Committee"]) == 0
    def body(path):
        said = [x.text for x in docx.Document(str(path)).paragraphs]
        return said[:said.index("Background papers")]

    assert body(again) == body(report)


def test_a_report_from_the_workspace_names_the_locked_version(sample_path, tmp_path, capsys):
    assert main(["workspace", "import", str(sample_path), "--name", "Calderbridge 2027"]) == 0
    assert main(["workspace", "lock", "Calderbridge 2027", "--note", "for Cabinet on 14 January"]) == 0
    assert main(["assess", "--workspace", "Calderbridge 2027"]) == 0
    report = tmp_path / "report.docx"
    assert main(["workspace", "plan", "1", "--report", str(report)]) == 0
    version = title_block(report)["Version of the assessment"]
    assert version.startswith("'Calderbridge 2027', revision 1 (plan 1), locked by ")
    assert version.endswith("(for Cabinet on 14 January)")


def test_devolve_writes_its_own_word_template_for_a_council_to_restyle(plan_workbook, tmp_path, capsys):
    template = tmp_path / "house.docx"
    assert main(["template", "--report", str(template)]) == 0
    restyled = docx.Document(str(template))
    assert {"Title", "Subtitle", "Heading 1", "Caption", "List Bullet", "Table Grid"} <= {
        s.name for s in restyled.styles}
    restyled.styles["Heading 1"].font.name = "Georgia"
    restyled.save(str(template))
    out = tmp_path / "report.docx"
    assert main(["report", str(plan_workbook), "--out", str(out), "--template", str(template)]) == 0
    assert docx.Document(str(out)).styles["Heading 1"].font.name == "Georgia"
    assert main(["template"]) == 2 and "give OUT.xlsx" in capsys.readouterr().err


@pytest.mark.parametrize("threshold", ["-1", "nan", "lots"])
def test_a_key_decision_threshold_must_be_pounds(plan_workbook, tmp_path, capsys, threshold):
    assert main(["report", str(plan_workbook), "--out", str(tmp_path / "r.docx"), "--key-decision-threshold",
                 threshold]) == 2
    assert "is not a number of pounds" in capsys.readouterr().err
