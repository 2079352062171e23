"""Writing an assessment and reading it back gives an equal assessment, styled and inert."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from devolve.assess.decompose import decompose
from devolve.core import Assessment, ScoreSource
from devolve.io.read import read_assessment
from devolve.io.write import write_workbook
from devolve.io.xlsx import MONEY_FORMAT, SHARE_FORMAT
from devolve.core.problems import ProblemCode
from devolve.assess.assemble import default_scenario


def test_round_trip_is_exact(small_assessment, rubric, tmp_path):
    path = tmp_path / "assessment.xlsx"
    write_workbook(small_assessment, path)
    again, report = read_assessment(path, rubric)
    assert again == small_assessment
    assert report.ok
    # and a second trip changes nothing either
    write_workbook(again, tmp_path / "second.xlsx")
    assert read_assessment(tmp_path / "second.xlsx", rubric)[0] == small_assessment


def test_round_trip_keeps_what_makes_the_assessment(small_assessment, rubric, tmp_path):
    """Guards against an `==` that holds trivially: the features are really there."""
    path = tmp_path / "assessment.xlsx"
    write_workbook(small_assessment, path)
    again, _ = read_assessment(path, rubric)
    env = again.service("ENV01")
    assert env.name.startswith("=HYPERLINK")
    assert env.extra == {"Cost centre": "-C100", "Headcount": 12, "Notes": "@risk", "Flag": True}
    assert again.service("007").service_id == "007"
    delivery = next(a for a in again.activities if a.activity_id == "ENV01:delivery")
    assert delivery.cost_share == 0.55 and delivery.cost_share_source == ScoreSource.ASSESSED
    assert {s.assessor for s in delivery.scores if s.source == ScoreSource.ASSESSED} == {"Ana", "Ben"}
    assert delivery.spread(delivery.scores[0].criterion) == 2
    assert again.neighbourhoods[0].volunteer_hours_source == ScoreSource.DEFAULT
    assert again.neighbourhoods[1].volunteer_hours == 1_234.5
    assert again.scenario.extra == {"owner": "Strategy team"}
    assert again.scenario.running_cost_limit == -25_000


def test_defaults_are_written_as_blank_cells(small_assessment, tmp_path):
    path = tmp_path / "assessment.xlsx"
    write_workbook(small_assessment, path)
    wb = openpyxl.load_workbook(path)
    activities = list(wb["Activities"].iter_rows(values_only=True))
    header = activities[0]
    rows = activities[1:]
    # one row per assessor, and only for activities with something assessed or given
    keyed = [(r[0], r[1], r[header.index("assessor")]) for r in rows]
    assert keyed == [("ENV01", "design", None), ("ENV01", "delivery", "Ana"), ("ENV01", "delivery", "Ben"),
                     ("007", "governance", None), ("007", "assessment", None)]
    design = rows[0]
    assert design[header.index("cost_share")] == 0.1
    assert all(design[header.index(c)] is None for c in ("outcomes", "unbundling", "partnership", "resilience"))
    hours = [r[4] for r in wb["Neighbourhoods"].iter_rows(min_row=2, values_only=True)]
    assert hours == [None, 1_234.5]


def test_user_text_is_text_as_typed_and_never_a_formula(small_assessment, tmp_path):
    path = tmp_path / "assessment.xlsx"
    write_workbook(small_assessment, path)
    wb = openpyxl.load_workbook(path)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value: c for c in cells if isinstance(c.value, str)}
    assert {"=HYPERLINK(\"http://x\")", "-C100", "@risk", "+2019 pilot"} <= set(texts)
    assert not [t for t in texts if t.startswith("'")]  # no visible apostrophe
    assert all(c.data_type == "s" and c.quotePrefix for c in texts.values())


def test_sheets_are_styled_for_people(small_assessment, tmp_path):
    path = tmp_path / "assessment.xlsx"
    write_workbook(small_assessment, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Services", "Activities", "Neighbourhoods", "Priorities", "Scenario"]
    assert wb.active.title == "Services"
    for ws in wb:
        assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("1F4E78")
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert ws.column_dimensions["B"].width >= 10
    assert wb["Services"]["E2"].number_format == MONEY_FORMAT
    assert wb["Neighbourhoods"]["D2"].number_format == SHARE_FORMAT
    scenario = {r[0].value: r[1] for r in wb["Scenario"].iter_rows(min_row=2)}
    assert scenario["transition_budget"].number_format == MONEY_FORMAT
    assert scenario["capacity_use"].number_format == SHARE_FORMAT


def test_extra_sheets_are_styled_neutralised_and_ignored_on_reading(small_assessment, rubric, tmp_path):
    plan = pd.DataFrame({
        "activity": ["ENV01:delivery", "=cmd|' /C calc'!A0"],
        "annual cost (£)": [1_100_000.0, float("nan")],
        "collective share": [0.5, 0.25],
        "devolved": [True, False],
    })
    path = tmp_path / "plan.xlsx"
    write_workbook(small_assessment, path, extra_sheets={"Summary": plan, "Decisions": plan.head(1)})
    wb = openpyxl.load_workbook(path)
    # what the workbook is for first, and open at it; the input sheets after, to load again
    assert wb.sheetnames == ["Summary", "Decisions", "Services", "Activities", "Neighbourhoods", "Priorities",
                             "Scenario"]
    assert wb.active.title == "Summary"
    ws = wb["Summary"]
    assert ws["A3"].value == "=cmd|' /C calc'!A0" and ws["A3"].data_type == "s" and ws["A3"].quotePrefix
    assert ws["B2"].number_format == MONEY_FORMAT and ws["B3"].value is None
    assert ws["C2"].number_format == SHARE_FORMAT
    assert ws["D2"].value is True
    assert ws["A1"].font.b and ws.freeze_panes == "A2"
    again, _ = read_assessment(path, rubric)
    assert again == small_assessment


def test_an_extra_sheet_may_not_replace_an_input_sheet(small_assessment, tmp_path):
    with pytest.raises(ValueError, match="replace"):
        write_workbook(small_assessment, tmp_path / "x.xlsx", extra_sheets={"services": pd.DataFrame()})


def test_inventory_only_round_trip_writes_no_activity_rows(rubric, tmp_path, small_assessment):
    services = small_assessment.services
    bare = Assessment(rubric=rubric, services=services, activities=decompose(rubric, services),
                      neighbourhoods=(), scenario=default_scenario(rubric, services))
    path = tmp_path / "bare.xlsx"
    write_workbook(bare, path)
    assert openpyxl.load_workbook(path)["Activities"].max_row == 1
    again, report = read_assessment(path, rubric)
    assert again == bare
    assert ProblemCode.SHEET_EMPTY in {p.code for p in report.warnings}


def test_a_sample_sized_workbook_round_trips(rubric, tmp_path):
    """About 40 services, 100 activity rows and 12 neighbourhoods (how fast: python -m devolve.bench)."""
    from devolve.assess.decompose import ActivityRecord
    from devolve.core import CRITERIA, STAGES, Neighbourhood, Service

    services = tuple(
        Service(service_id=f"S{i:02}", name=f"Service {i}", directorate="Place", service_type="personal",
                annual_budget=1_000_000 + i) for i in range(40)
    )
    records = [
        ActivityRecord(f"S{i:02}", STAGES[i % 9], assessor=who, scores={c: 3 for c in CRITERIA})
        for i in range(40) for who in ("A", "B", "C")
    ][:100]
    hoods = tuple(Neighbourhood(neighbourhood_id=f"N{i}", name=f"Ward {i}", population=9000,
                                share_aged_65_plus=0.2, volunteer_hours=1000,
                                volunteer_hours_source="assessed") for i in range(12))
    big = Assessment(rubric=rubric, services=services, activities=decompose(rubric, services, records),
                     neighbourhoods=hoods, scenario=default_scenario(rubric, services))
    path = tmp_path / "sample-sized.xlsx"
    write_workbook(big, path)
    again, _ = read_assessment(path, rubric)
    assert again == big


def test_hours_labelled_default_but_not_the_estimate_are_kept(small_assessment, rubric, tmp_path):
    """The number matters more than its label: it is written, and reads back as given."""
    odd = small_assessment.neighbourhoods[0].replace(volunteer_hours=999.0)
    assessment = small_assessment.replace(neighbourhoods=(odd,))
    write_workbook(assessment, tmp_path / "odd.xlsx")
    again, _ = read_assessment(tmp_path / "odd.xlsx", rubric)
    assert again.neighbourhoods[0].volunteer_hours == 999.0
    assert again.neighbourhoods[0].volunteer_hours_source == ScoreSource.ASSESSED


def test_cost_shares_labelled_default_but_edited_are_kept(small_assessment, rubric, tmp_path):
    acts = list(small_assessment.activities)
    care = [i for i, a in enumerate(acts) if a.service_id == "007"]
    acts[care[0]] = acts[care[0]].replace(cost_share=acts[care[0]].cost_share + 0.01)
    acts[care[1]] = acts[care[1]].replace(cost_share=acts[care[1]].cost_share - 0.01)
    edited = small_assessment.replace(activities=tuple(acts))
    write_workbook(edited, tmp_path / "edited.xlsx")
    again, _ = read_assessment(tmp_path / "edited.xlsx", rubric)
    shares = [a.cost_share for a in again.activities if a.service_id == "007"]
    assert shares == pytest.approx([acts[i].cost_share for i in care])
    assert {a.cost_share_source for a in again.activities if a.service_id == "007"} == {ScoreSource.ASSESSED}


def test_saved_workbook_is_readable_like_any_new_file(small_assessment, tmp_path):
    import os
    import stat

    from devolve.io.write import write_workbook

    out = tmp_path / "shared.xlsx"
    old = os.umask(0o022)
    try:
        write_workbook(small_assessment, out)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_an_assessor_s_rationale_per_criterion_is_kept_named_on_their_row(small_assessment, tmp_path):
    """An app may take one rationale per criterion; a workbook row has one: each is written
    named by its criterion, never one credited to all."""
    from devolve.core.domain import Score
    from devolve.core.terms import ScoreSource

    first = small_assessment.activities[0]
    scores = tuple(s for s in first.scores if s.source == ScoreSource.DEFAULT or s.criterion.value not in (
        "outcomes", "partnership"))
    scores += (Score(criterion="outcomes", value=3, source=ScoreSource.ASSESSED, assessor="Jo",
                     rationale="residents know the streets"),
               Score(criterion="partnership", value=1, source=ScoreSource.ASSESSED, assessor="Jo",
                     rationale="no partner yet"))
    scores = tuple(s for s in scores if not (s.source == ScoreSource.DEFAULT and s.criterion.value in (
        "outcomes", "partnership")))
    changed = small_assessment.replace(activities=(first.replace(scores=scores), *small_assessment.activities[1:]))
    path = tmp_path / "notes.xlsx"
    write_workbook(changed, path)
    back = read_assessment(path)[0].activities[0]
    assert {s.criterion.value: s.rationale for s in back.scores if s.assessor == "Jo"} == {
        "outcomes": "outcomes: residents know the streets; partnership: no partner yet",
        "partnership": "outcomes: residents know the streets; partnership: no partner yet"}
