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
    assert "Calderbridge cabinet: 49 services, 14 neighbourhoods" in listed
    assert "(3 where assessors are more than a level apart: to discuss)" in listed
    assert "locked by Strategy Officer (KH)" in listed and "copied from 'Calderbridge draft'" in listed
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
    assert "sample_services:" in listed and "broken" not in listed


@pytest.mark.parametrize(("args", "said"), [
    (["workspace", "export", "Nowhere", "out.xlsx"], "no assessment called 'Nowhere'"),
    (["workspace", "lock", "Nowhere"], "no assessment called 'Nowhere'"),
    (["workspace", "copy", "Nowhere", "Else"], "no assessment called 'Nowhere'"),
    (["history", "Nowhere"], "no assessment called 'Nowhere'"),
    (["assess", "Nowhere", "--workspace"], "no assessment called 'Nowhere'"),
    (["workspace", "list", "--workspace", "mysql://server/db"], "SQLite or PostgreSQL, not mysql"),
    (["workspace", "list", "--workspace", "postgresql://nobody@127.0.0.1:1/devolve"], "cannot be opened"),
    (["workspace", "list", "--workspace", "not-a-database.sqlite"], "cannot be opened (DatabaseError: file is not a database)"),
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
    assert devolve(["assess", "sample_services", "--workspace", "--out", str(tmp_path / "plan.xlsx")]) == 0
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
