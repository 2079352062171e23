"""`devolve workspace …`, `devolve history` and `devolve assess --workspace` from a user's chair."""

from __future__ import annotations

import pytest

from devolve.io.read import read_assessment


@pytest.fixture
def own_workspace(tmp_path, monkeypatch):
    """The user's default workspace, in a fresh folder: no --workspace flag anywhere."""
    where = tmp_path / "home" / "workspace.sqlite"
    monkeypatch.setenv("DEVOLVE_WORKSPACE", str(where))
    monkeypatch.setenv("DEVOLVE_USER", "Strategy Officer (KH)")
    return where


def test_every_command_works_with_no_flags(devolve, own_workspace, sample_path, tmp_path, capsys):
    assert devolve(["workspace", "init"]) == 0
    assert f"Workspace ready: {own_workspace}" in capsys.readouterr().out
    assert devolve(["workspace", "import", str(sample_path), "--name", "Calderbridge draft"]) == 0
    assert "Kept 'Calderbridge draft'" in capsys.readouterr().out
    assert devolve(["workspace", "copy", "Calderbridge draft", "Calderbridge cabinet"]) == 0
    assert devolve(["workspace", "lock", "Calderbridge cabinet", "--note", "Cabinet, 12 January 2027"]) == 0
    out = tmp_path / "cabinet.xlsx"
    assert devolve(["workspace", "export", "Calderbridge cabinet", str(out)]) == 0
    assert read_assessment(out)[0] == read_assessment(sample_path)[0]
    capsys.readouterr()
    assert devolve(["workspace", "list"]) == 0
    listed = capsys.readouterr().out
    assert "Calderbridge cabinet (revision 1, locked by Strategy Officer (KH) on " in listed
    assert "(Cabinet, 12 January 2027)): 49 services, 14 neighbourhoods" in listed
    assert "by 6 assessor(s): Community Development Manager (AS), Consultant in Public Health" in listed
    assert "3 score(s) where assessors are more than a level apart, to discuss" in listed
    assert "copied from 'Calderbridge draft'" in listed
    assert devolve(["history"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "Strategy Officer (KH): [Calderbridge cabinet] locked it (Cabinet, 12 January 2027)" in lines[0]
    assert "imported sample_services.xlsx (49 services" in lines[-1]


def test_an_import_is_named_after_its_file_and_a_bad_file_keeps_nothing(devolve, own_workspace, sample_path,
                                                                          tmp_path, capsys):
    assert devolve(["workspace", "import", str(sample_path)]) == 0
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    assert devolve(["workspace", "import", str(broken)]) == 2
    assert "broken.xlsx" in capsys.readouterr().err
    devolve(["workspace", "list"])
    listed = capsys.readouterr().out
    assert "sample_services (revision 1)" in listed and "broken" not in listed


@pytest.mark.parametrize(("args", "said"), [
    (["workspace", "export", "Nowhere", "out.xlsx"], "no assessment called 'Nowhere'"),
    (["workspace", "lock", "Nowhere"], "no assessment called 'Nowhere'"),
    (["workspace", "copy", "Nowhere", "Else"], "no assessment called 'Nowhere'"),
    (["history", "Nowhere"], "no assessment called 'Nowhere'"),
    (["assess", "Nowhere", "--workspace"], "no assessment called 'Nowhere'"),
    (["workspace", "list", "--workspace", "mysql://server/db"], "SQLite or PostgreSQL, not mysql"),
    (["workspace", "list", "--workspace", "postgresql://nobody@127.0.0.1:1/devolve"], "cannot be opened"),
    (["workspace", "list", "--workspace", "not-a-database.sqlite"], "cannot be opened (DatabaseError: file is not a database)"),
    (["workspace", "list", "--workspace", "typo/workspace.sqlite"], "there is no workspace at"),
    (["history", "--workspace", "typo/workspace.sqlite"], "there is no workspace at"),
    (["assess", "sample_services"], "there is no file 'sample_services'; to plan an assessment kept in your "
                                    "workspace, add --workspace"),
])
def test_workspace_trouble_is_one_plain_line_and_exit_2(devolve, own_workspace, tmp_path, monkeypatch, capsys,
                                                        args, said):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "not-a-database.sqlite").write_text("a note, not a workspace")
    assert devolve(args) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_locked_assessment_says_how_to_carry_on(devolve, own_workspace, sample_path, capsys):
    devolve(["workspace", "import", str(sample_path), "--name", "Cabinet"])
    devolve(["workspace", "lock", "Cabinet"])
    capsys.readouterr()
    assert devolve(["workspace", "lock", "Cabinet"]) == 2
    assert "already locked" in capsys.readouterr().err


def test_an_import_never_overwrites_an_assessment(devolve, own_workspace, sample_path, capsys):
    devolve(["workspace", "import", str(sample_path), "--name", "Draft"])
    capsys.readouterr()
    assert devolve(["workspace", "import", str(sample_path), "--name", "Draft"]) == 2
    assert "already has an assessment called 'Draft'" in capsys.readouterr().err


@pytest.mark.slow
def test_assess_keeps_the_run_and_its_plan(devolve, own_workspace, sample_path, tmp_path, capsys):
    from devolve.workspace.store import Workspace

    assert devolve(["assess", str(sample_path), "--workspace"]) == 0
    assert "Kept as plan 1 of 'sample_services'" in capsys.readouterr().err
    assert devolve(["assess", "--workspace", "sample_services", "--out", str(tmp_path / "plan.xlsx")]) == 0
    assert "Kept as plan 2 of 'sample_services'" in capsys.readouterr().err
    with Workspace() as workspace:
        plans = workspace.plans("sample_services")
        assert [p.id for p in plans] == [2, 1]
        assert plans[0].inputs_digest == plans[1].inputs_digest  # the same inputs, the same digest
        assert workspace.names() == ["sample_services"]  # the same content is not imported twice
        kept = workspace.plan(1)
        assert kept.assessment == read_assessment(sample_path)[0] and kept.plan.decisions
    devolve(["history", "sample_services"])
    assert "plan 2: " in capsys.readouterr().out
    again = tmp_path / "again.xlsx"
    assert devolve(["workspace", "plan", "1", "--rerun", "--out", str(again)]) == 0
    said = capsys.readouterr().out
    assert "Plan 1 of 'sample_services' (revision 1)" in said and "Made again as plan 3: " in said
    assert "the same decisions" in said  # the same inputs give the same plan
    assert read_assessment(again)[0] == read_assessment(sample_path)[0]


def test_history_limit_must_be_a_count(devolve, own_workspace, capsys):
    assert devolve(["history", "--limit", "-3"]) == 2
    assert "'-3' is not a whole number of changes of 0 or more" in capsys.readouterr().err


def test_a_kept_assessment_is_planned_with_its_own_rubric(devolve, own_workspace, sample_path, capsys):
    devolve(["workspace", "import", str(sample_path), "--name", "Draft"])
    capsys.readouterr()
    assert devolve(["assess", "Draft", "--workspace", "--rubric", "tailored.toml"]) == 2
    assert "--rubric is for planning a workbook" in capsys.readouterr().err


def test_a_revised_workbook_brought_into_an_assessment_is_audited_change_by_change(devolve, own_workspace,
                                                                                   sample_path, tmp_path, capsys):
    import openpyxl

    devolve(["workspace", "import", str(sample_path), "--name", "Draft"])
    revised = tmp_path / "revised.xlsx"
    book = openpyxl.load_workbook(sample_path)
    headers = [c.value for c in book["Activities"][1]]
    row = next(r for r in range(2, book["Activities"].max_row + 1)
               if book["Activities"].cell(r, headers.index("outcomes") + 1).value not in (None, 0))
    before = book["Activities"].cell(row, headers.index("outcomes") + 1).value
    book["Activities"].cell(row, headers.index("outcomes") + 1).value = 0
    book.save(revised)
    capsys.readouterr()
    assert devolve(["workspace", "import", str(revised), "--into", "Draft"]) == 0
    assert "Brought revised.xlsx into 'Draft' (now revision 2): changed 1 score." in capsys.readouterr().out
    devolve(["history", "Draft"])
    assert "outcomes · " in (latest := capsys.readouterr().out.splitlines()[0])
    assert f"value: {before} → 0" in latest
    assert devolve(["workspace", "import", str(revised), "--into", "Draft"]) == 0
    assert "nothing changed" in capsys.readouterr().out
