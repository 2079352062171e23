"""The problem table on the terminal: errors first, aligned, long values cut short, one summary."""

from devolve.core.problems import Problem, ProblemCode, ProblemReport, Severity
from devolve.present.problems import print_problems, summary_line


def test_summary_lines():
    warn = Problem(ProblemCode.UNKNOWN_COLUMN, "w", severity=Severity.WARNING)
    err = Problem(ProblemCode.VALUE_TYPE, "e")
    assert summary_line("a.xlsx", ProblemReport()) == "a.xlsx: valid"
    assert summary_line("a.xlsx", ProblemReport((warn, warn, warn))) == "a.xlsx: valid, 3 warnings"
    assert summary_line("a.xlsx", ProblemReport((err,) * 7 + (warn,) * 2)) == "a.xlsx: 7 errors, 2 warnings"


def test_long_values_are_shortened_on_screen_only(capsys):
    long = "x" * 200
    print_problems(ProblemReport((Problem(ProblemCode.VALUE_TYPE, "the message", file="f.xlsx", value=long),)))
    out = capsys.readouterr().out
    assert "x" * 29 + "…" in out and "x" * 31 not in out
    assert out.strip().endswith("f.xlsx: 1 error, 0 warnings")




def test_errors_come_before_warnings_in_the_order_found(capsys):
    first_warning = Problem(ProblemCode.UNKNOWN_COLUMN, "first warning", severity=Severity.WARNING)
    first_error, second_error = Problem(ProblemCode.VALUE_TYPE, "first error"), Problem(ProblemCode.VALUE_RANGE, "second")
    report = ProblemReport((first_warning, first_error, second_error))
    assert report.ordered() == (first_error, second_error, first_warning)
    print_problems(report)
    body = capsys.readouterr().out.strip().splitlines()[2:-1]
    assert [line.rsplit("  ", 1)[-1].strip() for line in body] == ["first error", "second", "first warning"]
