"""`devolve template`: writes a blank workbook and never overwrites one by accident."""

from __future__ import annotations

import openpyxl

from devolve.io.read import find_problems


def test_template_is_written(devolve, tmp_path, capsys):
    out = tmp_path / "blank.xlsx"
    assert devolve(["template", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert "Services" in openpyxl.load_workbook(out).sheetnames
    assert [p.code.value for p in find_problems(out).errors] == ["sheet-empty"]


def test_an_existing_file_is_kept_unless_forced(devolve, tmp_path, capsys):
    out = tmp_path / "mine.xlsx"
    out.write_bytes(b"precious work")
    assert devolve(["template", str(out)]) == 2
    assert "already exists; use --force" in capsys.readouterr().err
    assert out.read_bytes() == b"precious work"
    assert devolve(["template", str(out), "--force"]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "README"


def test_template_must_be_xlsx(devolve, tmp_path, capsys):
    assert devolve(["template", str(tmp_path / "blank.csv")]) == 2
    assert ".xlsx" in capsys.readouterr().err


def test_template_for_a_tailored_rubric(devolve, tmp_path):
    from devolve.io.resources import rubric_file

    out = tmp_path / "t.xlsx"
    assert devolve(["template", str(out), "--rubric", str(rubric_file("tailored-example.toml"))]) == 0
    assert out.exists()


def test_an_unwritable_place_exits_2(devolve, tmp_path, capsys):
    assert devolve(["template", str(tmp_path / "missing" / "t.xlsx")]) == 2
    assert "cannot write" in capsys.readouterr().err
