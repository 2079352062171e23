"""Neighbourhoods: who lives where, what they could give, and what residents say matters."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from devolve.app.state import current, workspace
from devolve.core.terms import ScoreSource

st.title("Neighbourhoods")
opened = current()
if opened is None:
    st.stop()
assessment = opened.assessment
if not assessment.neighbourhoods:
    st.info("This assessment has no neighbourhoods yet: the plan needs at least one (the workbook's "
            "Neighbourhoods sheet).")
    st.stop()
limit = assessment.rubric.capacity.max_neighbourhood_population
st.dataframe(pd.DataFrame({
    "Neighbourhood": n.name, "Id": n.neighbourhood_id, "Residents": f"{n.population:,}",
    "Aged 65+": f"{n.share_aged_65_plus:.0%}",
    "Volunteer hours a year": f"{n.volunteer_hours:,.0f}" + (" (estimated)" if n.volunteer_hours_source ==
                                                              ScoreSource.DEFAULT else ""),
    "Intermediaries": n.intermediaries,
    "Size": f"too large to be a neighbourhood (over {limit:,})" if n.population > limit else "",
} for n in assessment.neighbourhoods), hide_index=True, width="stretch")

records = workspace().plans(opened.name, limit=1)
if records:
    plan = workspace().plan(records[0].id).plan
    asked = {n.neighbourhood_id: 0.0 for n in assessment.neighbourhoods}
    for d in plan.decisions:
        asked[d.neighbourhood_id] = asked.get(d.neighbourhood_id, 0.0) + d.volunteer_hours
    share = assessment.scenario.capacity_use
    chart = pd.DataFrame([
        {"Neighbourhood": n.name, "Hours a year": n.volunteer_hours * share, "What": "could give (scenario's share)"}
        for n in assessment.neighbourhoods] + [
        {"Neighbourhood": n.name, "Hours a year": asked[n.neighbourhood_id], "What": f"plan {records[0].id} asks"}
        for n in assessment.neighbourhoods])
    st.header("Volunteer capacity against what the latest plan asks")
    st.altair_chart(alt.Chart(chart).mark_bar().encode(
        y=alt.Y("Neighbourhood:N", title=None), x=alt.X("Hours a year:Q"), yOffset="What:N",
        color=alt.Color("What:N", title=None, legend=alt.Legend(orient="top", labelLimit=0)), tooltip=["Neighbourhood", "What", alt.Tooltip("Hours a year:Q",
                                                                                             format=",.0f")]),
        width="stretch")

if assessment.priorities:
    st.header("Residents' own priorities")
    names = {s.service_id: s.name for s in assessment.services}
    places = {n.neighbourhood_id: n.name for n in assessment.neighbourhoods}
    st.dataframe(pd.DataFrame({
        "Neighbourhood": places.get(p.neighbourhood_id, p.neighbourhood_id), "Source": p.source or "",
        "Services residents want most": ", ".join(f"{names.get(s, s)} ({v:g})" for s, v in
                                                  sorted(p.services.items(), key=lambda kv: -kv[1])),
    } for p in assessment.priorities), hide_index=True, width="stretch")
