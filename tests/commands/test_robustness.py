"""`devolve sensitivity`, `frontier` and `compare` on a council of two services and two
neighbourhoods: the workbooks they write, what they print, and clean failures (exit 2, no
traceback) for everything a user could get wrong."""

from __future__ import annotations

import io
import socket
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import openpyxl
import pytest

from devolve.cli import main
from devolve.commands.robustness import Pieces
from devolve.io.xlsx import MARGIN_FORMAT, MONEY_FORMAT, SHARE_FORMAT
from devolve.present.robustness import BAND_COLOURS, scenario_names

FORMULA = '=HYPERLINK("http://x","y")'
"""A service's name that a spreadsheet would run, were it not written as text."""
HOODS = [["N1", "North", 9000, 0.2, None, 3], ["N2", "South", 12000, 0.15, None, 1]]
SERVICES = [["LIB", FORMULA, "Place", "infrastructure-heavy", 3_000_000, "no"],
            ["YTH", "Youth services", "Children", "personal", 1_500_000, "no"]]


def run(argv: list[str]) -> tuple[int, str, str]:
    """The command line run in-process: its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("robustness")


@pytest.fixture(scope="module")
def council(folder) -> Path:
    """Two services (one named like a formula) in two neighbourhoods, filled into the template."""
    path = folder / "council.xlsx"
    assert run(["template", path])[0] == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["Services"]
    for row in SERVICES:
        ws.append(row)
        name = ws.cell(row=ws.max_row, column=2)
        name.value, name.data_type = row[1], "s"  # as typed, not as a formula
    for row in HOODS:
        wb["Neighbourhoods"].append(row)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def sensitivity(council, folder):
    out = folder / "robustness.xlsx"
    return run(["sensitivity", council, "--samples", 50, "--workers", 1, "--out", out]), out


def rows(path: Path, title: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in wb[title].iter_rows(values_only=True)]
    finally:
        wb.close()


def column(ws, header: str) -> list:
    at = [c.value for c in ws[1]].index(header)
    return [row[at] for row in ws.iter_rows(min_row=2)]


def test_sensitivity_writes_its_workbook_and_says_how_sure_the_plan_is(sensitivity):
    (code, said, err), out = sensitivity
    assert code == 0, err
    assert "Today's plan stands, unchanged, in" in said and " of 50)" in said
    assert "in the robust core (chosen in 90% or more of the samples)" in said
    assert "±13.9 percentage points (95% confidence) at 50 samples" in said
    assert "for the samples in this process" in said
    assert "Outcomes" in said and "the plan stands from" in said
    assert "pieces of the samples done (100%)" in err and "Traceback" not in err

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Weight stability", "Changes at the edges", "Acceptability", "Never chosen"]
    summary = dict(rows(out, "Summary")[1:])
    assert summary["Samples"] == 50 and summary["Where the samples ran"] == "this process"
    assert len([k for k in summary if str(k).startswith("Weight of ")]) == 4
    formats = {row[0].value: row[1].number_format for row in wb["Summary"].iter_rows(min_row=2)}
    assert formats["Samples in which today's plan stands unchanged (%)"] == SHARE_FORMAT
    assert formats["Margin of any share at this number of samples, 95% confidence (±%)"] == MARGIN_FORMAT
    # a count whose words mention a percentage is still a count
    assert formats["Today's decisions in the robust core (chosen in 90% or more of the samples)"] == "#,##0"

    stability = wb["Weight stability"]
    assert stability.freeze_panes == "A2"
    assert [c.value for c in stability["A"][1:]] == ["Outcomes", "Cost-effectiveness", "Resilience", "Volunteer time"]
    assert stability["B2"].number_format == SHARE_FORMAT
    counted = sum(c.value for header in ("Decisions that change below the lowest",
                                         "Decisions that change above the highest") for c in column(stability, header))
    assert len(rows(out, "Changes at the edges")) - 1 == counted

    sheet = wb["Acceptability"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    bands = column(sheet, "Band")
    assert bands and set(c.value for c in bands) <= set(BAND_COLOURS)
    order = ["robust core", "contested", "never chosen"]
    assert [order.index(c.value) for c in bands] == sorted(order.index(c.value) for c in bands)
    for cell in bands:  # written in words, and coloured besides
        assert cell.fill.fgColor.rgb.endswith(BAND_COLOURS[cell.value][0])
    assert all(c.number_format == SHARE_FORMAT for c in column(sheet, "Chosen in (% of samples)"))
    assert all(c.number_format == MARGIN_FORMAT for c in column(sheet, "Margin (±%)"))
    for today, as_planned in zip(column(sheet, "Today's plan"), column(sheet, "Chosen under today's arrangement (%)")):
        assert (today.value == "kept at today's scale") == (as_planned.value is None)

    services = [c for c in column(sheet, "Service") + column(wb["Never chosen"], "Service") if c.value == FORMULA]
    assert services, "the formula-like service should appear"
    for cell in services:  # text, shown as typed, never a formula
        assert cell.data_type == "s" and cell.quotePrefix


def test_two_workers_give_the_same_shares_as_one(sensitivity, council, folder):
    (code, _, _), one = sensitivity
    two = folder / "two.xlsx"
    code, said, err = run(["sensitivity", council, "--samples", 50, "--workers", 2, "--out", two])
    assert code == 0, err
    assert "on 2 local processes" in said
    assert rows(two, "Acceptability") == rows(one, "Acceptability")
    assert rows(two, "Never chosen") == rows(one, "Never chosen")


def test_frontier_writes_the_points_a_chart_and_what_enters(council, folder):
    out = folder / "frontier.xlsx"
    code, said, err = run(["frontier", council, "--steps", 4, "--workers", 1, "--out", out])
    assert code == 0, err
    assert "the plan's value against the one-off transition budget" in said
    assert "Limit" in said and "Entering" in said and "<- today's setting" in said
    assert "Returns fall away after" in said or "No point where returns clearly fall away" in said

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Frontier", "Entering"]
    points = wb["Frontier"]
    limits = column(points, "One-off transition budget (£)")
    assert len(limits) >= 5 and limits[0].value == 0
    assert all(c.number_format == MONEY_FORMAT for c in limits)
    (chart,) = points._charts
    assert chart.x_axis.title is not None and chart.y_axis.title is not None
    assert len(chart.series) == 2
    entering = rows(out, "Entering")
    assert entering[0][:3] == ("One-off transition budget (£)", "Change", "Service")
    assert {r[1] for r in entering[1:]} <= {"enters", "changes arrangement", "leaves"}
    assert sum(r[1] == "enters" for r in entering[1:]) >= 1


def test_frontier_over_the_reserve(council, folder):
    out = folder / "reserve.xlsx"
    code, said, err = run(["frontier", council, "--limit", "reserve", "--steps", 2, "--workers", 1, "--out", out])
    assert code == 0, err
    assert "against the contingency reserve" in said
    assert rows(out, "Frontier")[0][0] == "Contingency reserve (£)"


@pytest.fixture(scope="module")
def scenarios(folder) -> list[Path]:
    generous, tight, impossible = folder / "generous.toml", folder / "tight.toml", folder / "impossible.toml"
    generous.write_text('name = "Generous"\ntransition_budget = 100000\n', encoding="utf-8")
    tight.write_text("transition_budget = 15000\n", encoding="utf-8")  # no name: known by its file's
    impossible.write_text('name = "Everything"\nmin_devolved_per_neighbourhood = 20\n', encoding="utf-8")
    return [generous, tight, impossible]


def test_compare_shows_the_scenarios_side_by_side_and_every_decision_that_differs(council, folder, scenarios):
    out = folder / "compare.xlsx"
    argv = ["compare", council, "--out", out]
    for path in scenarios:
        argv += ["--scenario", path]
    code, said, err = run(argv)
    assert code == 0, err
    lines = said.splitlines()
    assert lines[0].split() == ["Generous", "tight", "Everything"]
    assert any(line.startswith("One-off transition cost (£)") for line in lines)
    assert "One-off transition budget: Generous: £100,000 | tight: £15,000 | Everything: £45,000" in said
    assert "  Everything: no plan" in said and "equity floor" in said

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Decisions that differ", "Settings"]
    side = wb["Summary"]
    assert [c.value for c in side[1]] == ["Measure", "Generous", "tight", "Everything"]
    measures = {row[0].value: row for row in side.iter_rows(min_row=2)}
    assert measures["One-off transition cost (£)"][1].number_format == MONEY_FORMAT
    assert measures["Status"][3].value == "infeasible"
    assert measures["Why no plan"][3].value

    differ = rows(out, "Decisions that differ")
    assert differ[0] == ("Service", "Activity", "Neighbourhood", "Generous", "tight", "Activity id",
                         "Neighbourhood id")
    assert len(differ) > 1
    assert f"Decisions that differ ({len(differ) - 1:,}):" in said
    for row in differ[1:]:
        assert row[3] != row[4]
        decision = f"  {row[5].split(':')[0]} {row[1].lower()} in {row[2]} "
        assert any(line.startswith(decision) and line.split()[-len(row[4].split()):] == row[4].split()
                   and row[3] in line for line in lines)


def test_compare_needs_two_scenarios(council, scenarios):
    code, said, err = run(["compare", council, "--scenario", scenarios[0]])
    assert code == 2 and "usage: devolve compare" in err and "at least two scenarios" in err


@pytest.mark.parametrize("argv, words", [
    (["sensitivity", "{council}", "--samples", "0", "--out", "{out}"], "'0' is not a whole number of samples"),
    (["sensitivity", "{council}", "--samples", "-5", "--out", "{out}"], "'-5' is not a whole number of samples"),
    (["sensitivity", "{council}", "--samples", "lots", "--out", "{out}"], "'lots' is not a whole number"),
    (["sensitivity", "{council}", "--workers", "0", "--out", "{out}"], "'0' is not a whole number of workers"),
    (["sensitivity", "{council}", "--workers", "1", "--dask", "tcp://h:1", "--out", "{out}"], "not allowed with"),
    (["sensitivity", "{council}"], "the following arguments are required: --out"),
    (["frontier", "{council}", "--limit", "everything", "--out", "{out}"], "invalid choice: 'everything'"),
    (["frontier", "{council}", "--steps", "1", "--out", "{out}"], "'1' is not a whole number of steps"),
])
def test_bad_options_are_usage_errors(argv, words, council, tmp_path):
    out = tmp_path / "out.xlsx"
    code, _, err = run([a.format(council=council, out=out) for a in argv])
    assert code == 2 and words in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("command", ["sensitivity", "frontier", "compare"])
def test_a_missing_or_broken_scenario_file_is_named(command, council, tmp_path, scenarios):
    broken = tmp_path / "broken.toml"
    broken.write_text("transition_budget = = 3\n", encoding="utf-8")
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("transition_budget = -5\n", encoding="utf-8")
    for bad in (tmp_path / "missing.toml", broken, unknown):
        argv = [command, council, "--scenario", bad]
        argv += ["--scenario", scenarios[0]] if command == "compare" else ["--out", tmp_path / "out.xlsx"]
        code, _, err = run(argv)
        assert code == 2, err
        assert bad.name in err and "Traceback" not in err
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.parametrize("command", ["sensitivity", "frontier", "compare"])
def test_a_workbook_with_errors_exits_2(command, tmp_path, scenarios):
    broken = tmp_path / "services.csv"
    broken.write_text("service_id,name,directorate,service_type,annual_budget\nS1,Parks,Place,parks,-5\n",
                      encoding="utf-8")
    argv = [command, broken] + (["--scenario", scenarios[0], "--scenario", scenarios[1]] if command == "compare"
                                else ["--out", tmp_path / "out.xlsx"])
    code, said, err = run(argv)
    assert code == 2 and "service_type" in err and "annual_budget" in err and "Traceback" not in err
    assert not said


def test_an_impossible_scenario_has_no_plan_to_test(council, tmp_path, scenarios):
    out = tmp_path / "out.xlsx"
    code, _, err = run(["sensitivity", council, "--scenario", scenarios[2], "--out", out])
    assert code == 2 and "cannot be met, so there is no plan to test" in err and "equity floor" in err
    assert not out.exists()


def test_nothing_is_overwritten_by_surprise(council, tmp_path):
    existing = tmp_path / "robustness.xlsx"
    existing.write_bytes(b"keep me")
    code, _, err = run(["sensitivity", council, "--out", existing])
    assert code == 2 and "already exists; use --force" in err
    assert existing.read_bytes() == b"keep me"
    code, _, err = run(["frontier", council, "--out", tmp_path / "frontier.csv"])
    assert code == 2 and "must be a .xlsx file" in err
    code, _, err = run(["frontier", council, "--out", tmp_path / "no" / "such" / "folder.xlsx"])
    assert code == 2 and "there is no folder" in err


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("command", ["sensitivity", "frontier"])
def test_a_dask_cluster_that_cannot_be_reached_is_named(command, council, tmp_path):
    out = tmp_path / "out.xlsx"
    for address in ("nonsense", f"tcp://127.0.0.1:{closed_port()}"):
        code, _, err = run([command, council, "--dask", address, "--out", out])
        assert code == 2 and address in err and "Traceback" not in err
    assert not out.exists()


def test_a_cluster_lost_during_the_run_is_named(council, tmp_path, monkeypatch):
    def lost(*args, **kwargs):
        raise OSError("Timed out trying to connect to tcp://10.0.0.9:8786 after 10 s")

    monkeypatch.setattr("devolve.commands.output.dask_trouble", lambda address: None)
    monkeypatch.setattr("devolve.usecases.acceptability", lost)
    monkeypatch.setattr("devolve.usecases.weight_stability", lambda model, plan, progress=None: ())
    code, _, err = run(["sensitivity", council, "--dask", "tcp://10.0.0.9:8786", "--out", tmp_path / "out.xlsx"])
    assert code == 2 and "cannot use the Dask cluster at tcp://10.0.0.9:8786: Timed out" in err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_a_line_a_tenth_elsewhere():
    shown = Terminal()
    bar = Pieces("pieces of the samples", stream=shown)
    for done in range(5):
        bar(done, 4)
    assert shown.getvalue().count("\r") == 5 and shown.getvalue().endswith("4 of 4 pieces of the samples, 0 s\n")
    assert "[" + "#" * Pieces.WIDTH + "]" in shown.getvalue()
    log = io.StringIO()
    lines = Pieces("pieces", stream=log)
    for done in range(41):
        lines(done, 40)
    assert len(log.getvalue().splitlines()) == 11  # 0%, 10%, … 100%


def test_scenarios_get_distinct_names():
    assert scenario_names(["Base", "Base", "Tight"], ["a", "b", "c"]) == ["Base (a)", "Base (b)", "Tight"]
    assert scenario_names(["Service", "x"], ["s", "x"], taken=["Service"]) == ["Service (s)", "x"]
    assert scenario_names(["same", "same"], ["same", "same"]) == ["same", "same (2)"]


def test_a_weight_s_row_names_the_first_changes_and_the_next_sheet_lists_them_all(council):
    from devolve.core.robustness import Change, WeightStability
    from devolve.core.terms import Benefit, Stage
    from devolve.io.read import read_assessment
    from devolve.present.robustness import changes_table, stability_table

    assessment, _ = read_assessment(council)
    moves = tuple(Change(service_id="YTH", stage=stage, neighbourhood_id="N1", before=None,
                         after="community_organisation") for stage in (Stage.PLANNING, Stage.DESIGN, Stage.MANAGEMENT,
                                                                       Stage.DELIVERY, Stage.ASSESSMENT))
    stable = (WeightStability(benefit=Benefit.OUTCOMES, weight=0.45, low=0.3, high=1.0, below=moves),
              WeightStability(benefit=Benefit.VOLUNTEER_TIME, weight=0.1, low=0.0, high=0.1, above=moves[:1]))
    table = stability_table(assessment, stable)
    assert list(table["Decisions that change below the lowest"]) == [5, 0]
    assert table["First to change below"][0].endswith("; and 2 more (sheet Changes at the edges)")
    assert table["First to change below"][0].startswith("YTH planning in North: kept at today's scale → ")
    assert table["First to change above"][0] == "none: the plan stands all the way to 100%"
    assert table["First to change below"][1] == "none: the plan stands all the way to 0%"
    assert table["First to change above"][1].count("→") == 1
    every = changes_table(assessment, stable)
    assert len(every) == 6 and list(every["When its weight goes"]) == ["below 30%"] * 5 + ["above 10%"]
    assert list(every["Service"].unique()) == ["Youth services"] and every["Today's plan"][0] == "kept at today's scale"
