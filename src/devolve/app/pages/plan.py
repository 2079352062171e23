"""Plan: make the plan with visible progress; what is devolved where, why, and what limits it."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from devolve.app.state import PLAN, current, pounds, workspace
from devolve.core.terms import STAGES
from devolve.present.tables import checks_table, fates_table, limits_table, reached
from devolve.present.words import obstacle_lines
from devolve.usecases import CannotPlan, plan_and_explain, plan_in_workspace

st.title("Plan")
opened = current()
if opened is None:
    st.stop()
ws = workspace()
assessment = opened.assessment

if st.button("Make the plan", type="primary",
             help=f"Solves within {assessment.scenario.time_limit_seconds:g} s under '{assessment.scenario.name}'."):
    with st.status("Making the plan…", expanded=True) as status:
        try:
            plan = plan_and_explain(assessment, progress=lambda step: status.update(label=step))
        except CannotPlan:
            status.update(label="No plan", state="error")
            st.error("The assessment has no neighbourhoods: add them to the workbook's Neighbourhoods sheet.")
            st.stop()
        record = plan_in_workspace(ws, assessment, plan, name=opened.name, opened=opened, command="app")
        st.session_state[PLAN] = record.id
        status.update(label=f"Plan {record.id} made and kept", state="complete", expanded=False)

kept_id = st.session_state.get(PLAN)
records = ws.plans(opened.name)
if kept_id not in {r.id for r in records}:
    kept_id = records[0].id if records else None
if kept_id is None:
    st.info("No plan yet for this assessment: make one above.")
    st.stop()
kept = ws.plan(kept_id)
plan, planned = kept.plan, kept.assessment
if kept.record.revision != opened.revision or planned.scenario != assessment.scenario:
    st.warning(f"Plan {kept.record.id} was made from revision {kept.record.revision} under "
               f"'{kept.record.scenario_name}'; the assessment or its scenario has changed since. Make the plan again "
               "to see the difference.")

if plan.diagnosis:
    st.error(f"The scenario '{planned.scenario.name}' cannot be met:")
    for line in obstacle_lines(planned, plan):
        st.markdown(f"- {line}")
    st.stop()

d = plan.decisions
a, b, c, e = st.columns(4)
a.metric("Value of the plan", f"{plan.objective:,.1f} benefit units" if plan.objective is not None else "none")
b.metric("Devolved a year", pounds(sum(x.annual_cost for x in d)))
c.metric("Residents reached", f"{reached(plan):,}")
e.metric("Volunteer hours a year", f"{sum(x.volunteer_hours for x in d):,.0f}")
gap = "" if plan.gap is None else f", within {plan.gap:.2%} of the best possible"
st.caption(f"Plan {kept.record.id}: {plan.status.value}{gap} ({plan.method.value}, {plan.solver}); "
           f"{len(d)} decisions through {len(plan.partnerships)} partnerships." +
           (f" A uniform offer everywhere would cost {plan.price_of_uniformity:,.1f} benefit units."
            if plan.price_of_uniformity is not None else ""))

st.subheader("Where each activity is devolved")
names = {s.service_id: s.name for s in planned.services}
counts = pd.DataFrame([{"Service": f"{x.service_id} {names[x.service_id]}", "Activity": x.stage.label,
                        "Neighbourhood": x.neighbourhood_id} for x in d])
if counts.empty:
    st.info("The plan devolves nothing: see each activity's fate below.")
else:
    grid = counts.groupby(["Service", "Activity"]).size().reset_index(name="Neighbourhoods")
    base = alt.Chart(grid).encode(
        x=alt.X("Activity:N", sort=[s.label for s in STAGES], title=None),
        y=alt.Y("Service:N", title=None),
        tooltip=["Service", "Activity", "Neighbourhoods"],
    )
    heat = base.mark_rect().encode(color=alt.Color("Neighbourhoods:Q", scale=alt.Scale(scheme="blues"),
                                                   title="Neighbourhoods"))
    labels = base.mark_text(fontSize=11).encode(
        text="Neighbourhoods:Q",
        color=alt.condition(alt.datum.Neighbourhoods > grid["Neighbourhoods"].max() / 2,
                            alt.value("white"), alt.value("black")))
    st.altair_chart((heat + labels).properties(height=max(200, 22 * grid["Service"].nunique())),
                    width="stretch")
    st.caption("Each cell counts the neighbourhoods an activity is devolved to; the number is written in it.")

st.subheader("Fate of each activity")
st.dataframe(fates_table(planned, plan), hide_index=True, width="stretch")
st.subheader("Checks a cabinet would make")
st.dataframe(checks_table(planned, plan), hide_index=True, width="stretch")
st.subheader("Limits")
st.dataframe(limits_table(planned, plan), hide_index=True, width="stretch")
