"""Every page of the app through Streamlit's AppTest, on a workspace of its own (see conftest):
the sample on a first run, uploads good and bad, scoring, a conflict, a scenario, a plan,
the exports and the history."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from devolve.app.state import SAMPLE_NAME
from devolve.core.terms import Criterion, Stage
from devolve.usecases import ScoreEdit, Workspace
from tests.libreoffice import saved_by_libreoffice

PAGES = "src/devolve/app/pages"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def app(checkout):
    at = AppTest.from_file(str(checkout / "streamlit_app.py"), default_timeout=120)
    at.run()
    return at


def page(at: AppTest, name: str) -> AppTest:
    at.switch_page(f"{PAGES}/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_first_run_opens_on_the_sample_council(app, make_sample):
    sample = make_sample.build_sample()
    assert not app.exception and not app.error
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Services"] == str(len(sample.services))
    assert metrics["Annual budget"].startswith("£") and metrics["Annual budget"].endswith("m")
    table = app.dataframe[0].value
    assert set(table["Service"]) == {s.name for s in sample.services}
    assert all(b.startswith("£") and "," in b for b in table["Annual budget"] if len(b) > 4)
    assert app.selectbox[0].value == SAMPLE_NAME


@pytest.mark.parametrize("name", ["inventory", "assess", "neighbourhoods", "scenario", "plan", "robustness", "export",
                                  "history"])
def test_every_page_draws_without_an_error(app, name):
    page(app, name)
    assert not app.error, [e.value for e in app.error]


def test_a_bad_upload_lists_every_problem_and_keeps_nothing(app, tmp_path):
    uploader = app.file_uploader[0]
    uploader.set_value(("council.csv", b"service_id,name\nS1,\n", "text/csv")).run()
    assert not app.exception
    assert any("council.csv:" in e.value and "error" in e.value for e in app.error)
    problems = app.dataframe[0].value
    assert {"sheet", "row", "column", "message"} <= set(problems.columns) and len(problems) >= 1
    assert not any(b.label == "Keep it in the workspace" for b in app.button)
    with Workspace() as ws:
        assert ws.names() == [SAMPLE_NAME]


def test_a_good_upload_becomes_the_assessment_in_hand(app, sample_path):
    app.file_uploader[0].set_value(("client.xlsx", sample_path.read_bytes(),
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).run()
    assert any("client.xlsx: valid" in s.value for s in app.success)
    app.text_input[0].input("Client council")
    next(b for b in app.button if b.label == "Keep it in the workspace").click().run()
    assert not app.exception
    assert app.selectbox[0].value == "Client council"
    with Workspace() as ws:
        assert sorted(ws.names()) == sorted([SAMPLE_NAME, "Client council"])


def test_a_libreoffice_ods_upload_reads_like_the_xlsx(app, sample_path, tmp_path):
    """A council working in LibreOffice uploads its own .ods: the same sample, the same verdict."""
    ods = saved_by_libreoffice(sample_path, "ods", tmp_path)
    app.file_uploader[0].set_value(("client.ods", ods.read_bytes(),
                                    "application/vnd.oasis.opendocument.spreadsheet")).run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("client.ods: valid" in s.value for s in app.success)


def score_one(at: AppTest, level: int, rationale: str) -> AppTest:
    at.radio[0].set_value(level)
    at.text_area[0].input(rationale)
    next(b for b in at.button if b.label == "Save this score").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_score_is_saved_as_it_is_entered_and_survives_a_fresh_session(app, checkout):
    page(app, "assess")
    app.text_input[0].input("Jo Bloggs").run()
    score_one(app, 3, "seen it work in Eastfield")
    assert app.dataframe[0].value.iloc[0]["Outcomes"] == "3 (Jo Bloggs)"
    fresh = AppTest.from_file(str(checkout / "streamlit_app.py"), default_timeout=120)  # a refresh, a new tab
    fresh.run()
    page(fresh, "assess")
    assert fresh.dataframe[0].value.iloc[0]["Outcomes"] == "3 (Jo Bloggs)"
    with Workspace() as ws:
        (change,) = [c for c in ws.changes(SAMPLE_NAME) if c.action == "added"]
        assert change.by == "Jo Bloggs" and change.new["rationale"] == "seen it work in Eastfield"


def test_another_officer_s_change_is_shown_not_overwritten(app):
    page(app, "assess")
    app.text_input[0].input("Jo Bloggs").run()
    first = app.selectbox[0].value.service_id
    with Workspace() as ws:  # someone else enters Jo's score from another tab, after Jo's screen was drawn
        ws.record_scores(SAMPLE_NAME, [ScoreEdit(first, Stage.GOVERNANCE, Criterion.OUTCOMES, "Jo Bloggs", 1)],
                         seen=ws.open(SAMPLE_NAME).revision, by="Jo Bloggs (laptop)")
    score_one(app, 4, "from the workshop")
    assert any("Jo Bloggs (laptop) changed score" in w.value for w in app.warning)
    assert app.dataframe[0].value.iloc[0]["Outcomes"] == "1 (Jo Bloggs)"  # theirs stands, on screen
    next(b for b in app.button if b.label == "Apply mine again").click().run()
    assert app.dataframe[0].value.iloc[0]["Outcomes"] == "4 (Jo Bloggs)"


def test_a_scenario_is_saved_by_name_with_weights_adding_to_one(app):
    page(app, "scenario")
    app.slider[0].set_value(0.8)
    app.text_input[0].input("Outcomes first")
    next(b for b in app.button if b.label == "Save and use this scenario").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    with Workspace() as ws:
        scenario = ws.open(SAMPLE_NAME).assessment.scenario
        assert scenario.name == "Outcomes first"
        assert sum(scenario.weights.values()) == pytest.approx(1.0)
        assert "Outcomes first" in ws.scenarios(SAMPLE_NAME)


@pytest.mark.slow
def test_plan_export_and_history(app):
    page(app, "assess")
    app.text_input[0].input("Jo Bloggs").run()  # the officer's name goes with what they do
    page(app, "plan")
    next(b for b in app.button if b.label == "Make the plan").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Devolved a year"].startswith("£") and float(metrics["Value (benefit units)"]) > 0
    assert len(app.dataframe) >= 3  # fates, checks, limits
    page(app, "export")
    labels = [b.label for b in app.get("download_button")]
    assert any(label.startswith("Download plan 1") for label in labels)
    page(app, "history")
    assert app.dataframe[0].value.iloc[0]["Plan"] == 1 and app.dataframe[0].value.iloc[0]["By"] == "Jo Bloggs"
    next(b for b in app.button if b.label == "Lock this version").click().run()
    assert any("was locked by" in i.value for i in app.info)
    page(app, "assess")
    app.text_input[0].input("Jo Bloggs").run()
    assert any("is locked" in i.value for i in app.info)


@pytest.mark.slow
def test_moving_a_weight_re_plans_from_the_built_model(app):
    page(app, "plan")
    next(b for b in app.button if b.label == "Make the plan").click().run()
    app.slider(key="try-outcomes").set_value(0.5).run()  # a small move: the plan stands
    assert not app.exception and not app.error, [e.value for e in app.error]
    metrics = {m.label: m for m in app.metric}
    assert int(metrics["Decisions that change"].value) == 0 and any("stands" in s.value for s in app.success)
    app.slider(key="try-volunteer_time").set_value(0.5).run()  # a big one: it moves
    metrics = {m.label: m for m in app.metric}
    assert int(metrics["Decisions that change"].value) > 0


@pytest.mark.slow
def test_the_whole_path_upload_assess_scenario_plan_export(app, sample_path):
    app.file_uploader[0].set_value(("client.xlsx", sample_path.read_bytes(),
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).run()
    app.text_input[0].input("Client council")
    next(b for b in app.button if b.label == "Keep it in the workspace").click().run()
    page(app, "assess")
    app.text_input[0].input("Jo Bloggs").run()
    score_one(app, 4, "residents run it already")
    page(app, "scenario")
    app.number_input[0].set_value(600_000.0)  # the transition budget
    next(b for b in app.button if b.label == "Save and use this scenario").click().run()
    assert not app.error, [e.value for e in app.error]
    page(app, "plan")
    next(b for b in app.button if b.label == "Make the plan").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    page(app, "export")
    assert any(b.label.startswith("Download plan 1") for b in app.get("download_button"))
    next(t for t in app.text_input if t.label == "Report of").input("Director of Communities")
    next(b for b in app.button if b.label == "Make the cabinet report").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert any(b.label == "Download the cabinet report on plan 1 (.docx)" for b in app.get("download_button"))
    assert any("Written from the plan's own figures" in m.value for m in app.success)
    with Workspace() as ws:
        (record,) = ws.plans("Client council")
        kept = ws.plan(record.id)
        assert kept.assessment.scenario.transition_budget == 600_000
        assert any(s.assessor == "Jo Bloggs" and s.value == 4 for a in kept.assessment.activities for s in a.scores)
        assert sum(x.transition_cost for x in kept.plan.decisions) <= 600_000


@pytest.mark.slow
def test_a_council_template_that_is_not_a_word_file_is_named_not_a_traceback(app):
    page(app, "plan")
    next(b for b in app.button if b.label == "Make the plan").click().run()
    page(app, "export")
    app.file_uploader[0].set_value(("council.docx", b"not a zip", DOCX)).run()
    next(b for b in app.button if b.label == "Make the cabinet report").click().run()
    assert not app.exception
    assert [e.value for e in app.error] == ["The template 'council.docx' is not a Word document devolve can read "
                                            "(a .docx is a zip package)."]
    assert not any(b.label.startswith("Download the cabinet report") for b in app.get("download_button"))


def test_a_plan_stopped_for_time_says_so_not_that_the_scenario_cannot_be_met(app):
    from devolve import apart
    from devolve.usecases import plan_in_workspace

    with Workspace() as ws:
        opened = ws.open(SAMPLE_NAME)
        stopped = apart.stopped_plan(opened.assessment.scenario, apart.Overran(63.2, 3.1))
        plan_in_workspace(ws, opened.assessment, stopped, name=SAMPLE_NAME, opened=opened, command="test")
    page(app, "plan")
    [said] = [e.value for e in app.error]
    assert said.startswith("No plan was found for the scenario") and "cannot be met" not in said
    assert any("did not stop at its time limit" in m.value for m in app.markdown)
    page(app, "robustness")
    assert any("no plan was found in the time allowed" in w.value for w in app.warning)
