"""The Robustness page through Streamlit's AppTest: with no plan it points to the Plan page; with a
plan kept, each piece of work runs on its button and its chart, figures and table appear, and stay
with the plan they were worked out from."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from devolve.app.state import ROBUSTNESS, SAMPLE_NAME
from devolve.core.limits import Family
from devolve.usecases import Workspace, plan_in_workspace

PAGE = "src/devolve/app/pages/robustness.py"


@pytest.fixture
def app(checkout):
    at = AppTest.from_file(str(checkout / "streamlit_app.py"), default_timeout=180)
    at.run()  # a first run: the sample council in the workspace
    return at


@pytest.fixture
def planned(app, explained):
    """The app with the sample's plan kept in its workspace (made once for the session, as the
    Plan page would make it), on the Robustness page."""
    _, plan = explained
    with Workspace() as ws:
        opened = ws.open(SAMPLE_NAME)
        plan_in_workspace(ws, opened.assessment, plan, name=SAMPLE_NAME, opened=opened, command="test")
    return visit(app)


def visit(at: AppTest) -> AppTest:
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def test_with_no_plan_the_page_points_to_the_plan_page(app):
    visit(app)
    assert not app.error
    assert any("make one on the **Plan** page" in i.value for i in app.info)
    assert not app.button and not charts(app)


def test_the_page_opens_on_its_three_buttons_with_nothing_worked_out(planned):
    labels = [b.label for b in planned.button]
    assert {"Work out the weight stability", "Run the samples", "Work out the frontier"} <= set(labels)
    assert planned.number_input(key="acc-samples").value == 200
    assert any("command line draws 1000" in c.value for c in planned.caption)
    assert not charts(planned) and not planned.metric


@pytest.mark.slow
def test_weight_stability_draws_its_chart_and_the_decisions_that_change(planned):
    click(planned, "Work out the weight stability")
    assert len(charts(planned)) == 1
    assert any(c.value.startswith("A bar for each of the 4 benefits' weights") for c in planned.caption)
    opened = [e.label for e in planned.expander]
    assert [label.split(":")[0] for label in opened] == ["Outcomes", "Cost-effectiveness", "Resilience",
                                                          "Volunteer time"]
    assert any("stands all the way down to 0%" in label for label in opened)
    table = planned.table[0].value  # the outcomes weight: changes at both ends on the sample
    assert list(table.columns) == ["Decision that changes first"] and table.index.name == "When its weight"
    assert {i.split()[0] for i in table.index} == {"falls", "rises"}
    assert table["Decision that changes first"].str.contains(" → ").all()
    assert table["Decision that changes first"].str.contains("kept at today's scale").any()
    planned.run()  # a rerun (any widget) keeps the result
    assert len(charts(planned)) == 1


@pytest.mark.slow
def test_results_stay_with_the_plan_they_were_worked_out_from(planned, explained):
    click(planned, "Work out the weight stability")
    with Workspace() as ws:  # a second plan is kept (made again on the Plan page, say)
        opened = ws.open(SAMPLE_NAME)
        plan_in_workspace(ws, opened.assessment, explained[1], name=SAMPLE_NAME, opened=opened, command="test")
    planned.run()
    assert planned.selectbox[0].value.id == 2
    assert not charts(planned)  # plan 2 has nothing worked out yet
    planned.selectbox[0].select_index(1).run()
    assert planned.selectbox[0].value.id == 1 and len(charts(planned)) == 1


@pytest.mark.slow
def test_a_small_acceptability_run_shows_its_figures_heatmap_and_contested_decisions(planned):
    planned.number_input(key="acc-samples").set_value(25)
    planned.number_input(key="acc-workers").set_value(1)
    click(planned, "Run the samples")
    metrics = {m.label: m.value for m in planned.metric}
    assert set(metrics) == {"Robust core", "Contested", "Never chosen", "Today's plan stands"}
    assert metrics["Robust core"].endswith(" decisions") and metrics["Today's plan stands"].endswith("% of samples")
    assert any("25 samples, weights drawn around the chosen weights" in c.value and "±20 percentage points" in c.value
               for c in planned.caption)
    assert len(charts(planned)) == 1
    table = planned.dataframe[0].value
    assert {"Service", "Activity", "Neighbourhood", "Chosen in", "± margin", "Today's plan"} <= set(table.columns)
    assert ((table["Chosen in"] > 0) & (table["Chosen in"] < 90)).all()  # percentages
    planned.radio(key="acc-shown").set_value("all").run()
    assert not planned.exception and len(charts(planned)) == 1
    results = planned.session_state[ROBUSTNESS]
    assert list(results) == [1] and results[1]["acceptability"].samples == 25


@pytest.mark.slow
def test_the_frontier_against_the_contingency_reserve_with_few_steps(planned):
    planned.radio(key="frontier-family").set_value(Family.CONTINGENCY_RESERVE)
    planned.number_input(key="frontier-steps").set_value(2)
    planned.number_input(key="frontier-workers").set_value(1)
    click(planned, "Work out the frontier")
    assert any(s.value == "Against the contingency reserve" for s in planned.subheader)
    assert len(charts(planned)) == 1
    table = planned.dataframe[0].value
    assert table.iloc[0]["Contingency reserve (£)"] == "£0"
    assert "today's setting" in set(table["Note"])  # £750,000 is among the steps
    assert any(c.value.startswith("A line of the plan's value (benefit units) against the contingency reserve")
               for c in planned.caption)
    kept = planned.session_state[ROBUSTNESS][1]  # the last frontier is the one the cabinet report carries
    assert kept["frontier"].family == Family.CONTINGENCY_RESERVE
    assert list(kept["frontiers"]) == [Family.CONTINGENCY_RESERVE]


@pytest.mark.slow
def test_what_the_page_worked_out_goes_into_the_cabinet_report(planned):
    planned.number_input(key="acc-samples").set_value(25)
    planned.number_input(key="acc-workers").set_value(1)
    click(planned, "Run the samples")
    planned.number_input(key="frontier-steps").set_value(2)
    planned.number_input(key="frontier-workers").set_value(1)
    click(planned, "Work out the frontier")
    planned.switch_page("src/devolve/app/pages/export.py").run()
    assert not planned.exception, [e.value for e in planned.exception]
    assert any("includes the 25 samples run on the Robustness page" in c.value for c in planned.caption)
    click(planned, "Make the cabinet report")
    assert any(b.label == "Download the cabinet report on plan 1 (.docx)" for b in planned.get("download_button"))
