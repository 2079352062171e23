"""The command line's own contract: exit codes and no tracebacks."""

import pytest

from devolve import cli


def test_usage_error_exits_2(capsys):
    assert cli.main(["assess"]) == 2
    assert "usage" in capsys.readouterr().err


def test_help_exits_0(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in cli.COMMANDS:
        assert command in out


def test_a_bug_exits_1_with_one_line(monkeypatch, capsys):
    def broken(args):
        raise ZeroDivisionError("division by zero")

    monkeypatch.delenv("DEVOLVE_DEBUG", raising=False)
    monkeypatch.setattr("devolve.commands.validate.run", broken)
    assert cli.main(["validate", "anything.xlsx"]) == 1
    err = capsys.readouterr().err
    assert "internal error" in err and "Traceback" not in err
    monkeypatch.setenv("DEVOLVE_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        cli.main(["validate", "anything.xlsx"])
