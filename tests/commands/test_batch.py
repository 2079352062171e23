"""`devolve batch` on a folder of three small councils, one broken workbook and a stray file:
every workbook reported, the comparison's figures those of a run of each on its own, the same on
a Dask cluster as on local processes, and clean failures (exit 2, no traceback)."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import openpyxl
import pytest

from devolve.cli import main
from devolve.core.comparison import service_key
from devolve.io.write import write_workbook
from devolve.present.comparison import COUNCIL_COLUMNS, FIGURES
from devolve.testing import synthetic_assessment

FORMULA = '=HYPERLINK("http://x","y")'
"""A service's name that a spreadsheet would run, were it not written as text."""
COUNCILS = {"calder": (6, 3, 1), "holme": (7, 2, 2), "moss": (5, 3, 3)}
"""Each good council's services, neighbourhoods and seed."""
SHARED_LGSL = 58
"""An LGSL id every council gives its first service, each under its own name."""


def run(argv: list) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def council(name: str):
    services, hoods, seed = COUNCILS[name]
    a = synthetic_assessment(services, hoods, seed=seed)
    renamed = []
    for i, s in enumerate(a.services):
        if i == 0:
            s = s.replace(lgsl_id=SHARED_LGSL, name=f"{name.capitalize()} libraries")
        elif i == 1 and name == "calder":
            s = s.replace(name=FORMULA)
        renamed.append(s)
    return a.replace(services=tuple(renamed))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Three good councils, one whose Services sheet has a missing budget and a bad service type,
    a note that is not a spreadsheet and Excel's lock file of an open workbook."""
    folder = tmp_path_factory.mktemp("councils")
    for name in COUNCILS:
        write_workbook(council(name), folder / f"{name}.xlsx")
    wb = openpyxl.load_workbook(folder / "calder.xlsx")
    ws = wb["Services"]
    headers = [c.value for c in ws[1]]
    ws.cell(row=3, column=headers.index("annual_budget") + 1).value = None
    ws.cell(row=4, column=headers.index("service_type") + 1).value = "magical"
    wb.save(folder / "broken.xlsx")
    (folder / "notes.txt").write_text("call the client on Monday")
    (folder / "~$calder.xlsx").write_bytes(b"\x00" * 165)
    return folder


@pytest.fixture(scope="module")
def local(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "comparison.xlsx"
    return run(["batch", folder, "--out", out, "--workers", 2]), out


def sheet(path: Path, title: str) -> list[list]:
    ws = openpyxl.load_workbook(path)[title]
    return [[c.value for c in row] for row in ws.iter_rows()]


def rows_by_council(path: Path) -> dict[str, dict]:
    table = sheet(path, "Councils")
    assert table[0] == COUNCIL_COLUMNS
    return {row[0]: dict(zip(table[0], row)) for row in table[1:]}


@pytest.mark.slow
def test_every_workbook_is_reported_and_a_broken_one_stops_none(local, folder):
    (code, out, err), path = local
    assert code == 2, err  # one workbook was broken
    assert "Traceback" not in err and "exit code 2" in err
    assert "left out, as they are not spreadsheets: notes.txt" in err and "~$" not in err
    for name in ("calder", "holme", "moss", "broken"):
        assert f"{name}.xlsx: " in err  # each shown as it arrives
    assert "4 workbooks: 3 planned, 0 with no plan, 1 broken" in out
    councils = rows_by_council(path)
    assert list(councils) == ["broken", "calder", "holme", "moss"]
    assert councils["broken"]["Outcome"] == "broken: 2 errors"
    assert all(councils[c]["Outcome"] == "planned" for c in COUNCILS)
    problems = sheet(path, "Problems")
    errors = [dict(zip(problems[0], row)) for row in problems[1:] if row[2] == "error"]
    assert {(p["Council"], p["Sheet"], p["Row"], p["Column"]) for p in errors} == {
        ("broken", "Services", 3, "annual_budget"), ("broken", "Services", 4, "service_type")}
    assert "broken.xlsx: 2 errors" in out and "Services, row 3, column 'annual_budget'" in out


@pytest.mark.slow
def test_the_comparison_s_figures_are_those_of_each_council_planned_on_its_own(local, folder):
    from devolve.usecases import plan_and_explain, read_input

    (_, _, _), path = local
    councils = rows_by_council(path)
    services = {(row[0], row[1]): row for row in sheet(path, "Services")[1:]}
    heads = sheet(path, "Services")[0]
    for name in COUNCILS:
        assessment, _ = read_input(folder / f"{name}.xlsx")  # as `devolve assess FILE` reads and plans it
        plan = plan_and_explain(assessment)
        d = plan.decisions
        row = councils[name]
        assert row["Solver status"] == plan.status.value
        assert row["Gap to the bound (%)"] == pytest.approx(plan.gap, abs=1e-6)
        assert row["Devolution decisions (activity × neighbourhood)"] == len(d)
        assert row["Spend devolved (£ a year)"] == round(sum(x.annual_cost for x in d))
        assert row["One-off transition cost (£)"] == round(plan.one_off_cost())
        assert row["Change in annual running cost (£ a year)"] == round(sum(x.running_change for x in d))
        assert row["Contingency reserve needed (£)"] == round(sum(x.contingency for x in d))
        assert row["Residents reached (residents)"] == plan.residents_reached()
        assert row["Volunteer hours (hours a year)"] == round(sum(x.volunteer_hours for x in d))
        assert row["Value (benefit units)"] == pytest.approx(plan.objective, abs=1e-4)
        binding = [lim for lim in plan.limits if lim.binding]
        assert len(row["Binding limits"].split("; ")) == len(binding) or (not binding
                                                                         and row["Binding limits"] == "none")
        # the services sheet says which stages each council devolves, and where
        for s in assessment.services:
            key = service_key(s.lgsl_id, s.name)
            mine = [x for x in d if x.service_id == s.service_id]
            found = next(r for (lgsl, service), r in services.items()
                         if service_key(lgsl, service) == key or (key[0] == "lgsl" and lgsl == key[1]))
            said = found[heads.index(name)]
            if not mine:
                assert said == "none devolved"
            for stage in {x.stage for x in mine}:
                places = len({x.neighbourhood_id for x in mine if x.stage == stage})
                assert f"{stage.label} in {places} of {len(assessment.neighbourhoods)}" in said


@pytest.mark.slow
def test_services_are_keyed_by_lgsl_id_and_user_text_stays_text(local):
    (_, _, _), path = local
    rows = sheet(path, "Services")
    shared = next(r for r in rows[1:] if r[0] == SHARED_LGSL)
    assert shared[1] == "Calder libraries" and set(shared[2].split("; ")) == {"Holme libraries", "Moss libraries"}
    assert shared[3] == 3  # listed by every council
    ws = openpyxl.load_workbook(path)["Services"]
    cell = next(c for row in ws.iter_rows(min_col=2, max_col=2) for c in row if c.value == FORMULA)
    assert cell.data_type == "s" and cell.quotePrefix  # shown as typed, never run
    heat = openpyxl.load_workbook(path)["Heat grid"]
    assert heat.conditional_formatting and heat.cell(row=1, column=3).value == "calder (% of its budget)"
    charts = openpyxl.load_workbook(path)["Charts"]
    assert len(charts._charts) == 4
    headers = sheet(path, "Councils")[0]
    assert all("(" in h for h in headers if h in FIGURES)  # every figure names its unit


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_comparison_as_local_processes(local, folder, tmp_path):
    distributed = pytest.importorskip("distributed")
    (_, _, _), here = local
    out = tmp_path / "on-dask.xlsx"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        code, _, err = run(["batch", folder, "--out", out, "--dask", cluster.scheduler_address])
    assert code == 2 and "Traceback" not in err and "on the Dask cluster at" in err
    timed = COUNCIL_COLUMNS.index("Seconds to read and plan (s)")
    for title in ("Councils", "Services", "Heat grid", "Stages", "Charts", "Problems"):
        mine, theirs = sheet(here, title), sheet(out, title)
        if title == "Councils":
            mine, theirs = ([r[:timed] for r in t] for t in (mine, theirs))
        assert mine == theirs, title
    where = {row[0]: row[1] for row in sheet(out, "Summary")}
    assert where["Where the plans were made"].startswith("the Dask cluster at tcp://")


@pytest.mark.slow
def test_a_folder_of_good_workbooks_exits_0(tmp_path):
    write_workbook(council("moss"), tmp_path / "moss.xlsx")
    code, out, err = run(["batch", tmp_path, "--workers", 1])
    assert code == 0, err
    assert "1 workbook: 1 planned, 0 with no plan, 0 broken" in out and "in this process" in err
    assert "No comparison workbook was written: give --out" in out  # without --out, it says so


def test_what_cannot_be_done_at_all_exits_2_before_any_work(folder, tmp_path):
    code, _, err = run(["batch", tmp_path / "nowhere"])
    assert code == 2 and "does not exist" in err
    code, _, err = run(["batch", tmp_path])
    assert code == 2 and "there is no workbook" in err
    taken = tmp_path / "taken.xlsx"
    taken.write_bytes(b"")
    code, _, err = run(["batch", folder, "--out", taken])
    assert code == 2 and "--force" in err
    code, _, err = run(["batch", folder, "--out", tmp_path / "comparison.csv"])
    assert code == 2 and "must be a .xlsx file" in err
    code, _, err = run(["batch", folder, "--dask", "nonsense"])
    assert code == 2 and "nonsense" in err and "Traceback" not in err
    code, _, err = run(["batch", folder, "--workers", 0])
    assert code == 2 and "whole number of workers" in err
    bad = tmp_path / "bad.toml"
    bad.write_text("transition_budget = 'lots'\n")
    code, _, err = run(["batch", folder, "--scenario", bad])
    assert code == 2 and "bad.toml" in err and "Traceback" not in err


def test_a_workbook_too_large_to_read_is_listed_as_broken_without_being_loaded(tmp_path):
    from devolve.io.guard import MAX_FILE_BYTES

    folder = tmp_path / "councils"
    folder.mkdir()
    with (folder / "huge.xlsx").open("wb") as fh:  # sparse: takes no room on disk
        fh.truncate(MAX_FILE_BYTES + 1)
    out = tmp_path / "comparison.xlsx"
    code, stdout, err = run(["batch", folder, "--out", out])
    assert code == 2 and "Traceback" not in err
    assert "huge.xlsx: broken (1 error" in err and "larger than the 25 MB devolve reads" in stdout
    assert rows_by_council(out)["huge"]["Outcome"] == "broken: 1 error"
