"""History: who changed what and when, the plans made, and versions locked for cabinet."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from devolve.app.state import ASSESSMENT, PLAN, current, officer, remember, workspace
from devolve.present.history import describe
from devolve.usecases import WorkspaceError, local

st.title("History")
opened = current()
if opened is None:
    st.stop()
ws = workspace()

st.header("Plans")
records = ws.plans(opened.name)
if records:
    st.dataframe(pd.DataFrame({
        "Plan": r.id, "Made": local(r.recorded_at), "By": r.recorded_by, "Scenario": r.scenario_name,
        "Revision": r.revision, "Status": r.status, "Decisions": r.decisions,
        "Value (benefit units)": None if r.objective is None else round(r.objective, 1),
    } for r in records), hide_index=True, width="stretch")
    pick = st.selectbox("Open a plan", [r.id for r in records], format_func=lambda i: f"Plan {i}")
    if st.button("Open it on the Plan page"):
        st.session_state[PLAN] = pick
        st.switch_page("pages/plan.py")
else:
    st.info("No plans yet.")

st.header("Changes")
changes = ws.changes(opened.name, limit=500)
st.dataframe(pd.DataFrame({"When": local(c.at), "Who": c.by, "What": describe(c)} for c in changes),
             hide_index=True, width="stretch")

st.header("Versions")
if opened.locked:
    summary = ws.summary(opened.name)
    st.info(f"'{opened.name}' was locked by {summary.locked_by} on {local(summary.locked_at)}"
            + (f" ({summary.lock_note})" if summary.lock_note else "") + ": it can be copied, never changed.")
else:
    with st.form("lock"):
        note = st.text_input("Why it is locked", placeholder="Cabinet, 12 January 2027")
        if st.form_submit_button("Lock this version"):
            try:
                ws.lock(opened.name, note=note or None, by=officer())
            except WorkspaceError as exc:
                st.error(str(exc))
            else:
                st.rerun()
with st.form("copy"):
    new = st.text_input("Name of the copy", placeholder=f"{opened.name} (next version)")
    if st.form_submit_button("Copy to a new version"):
        try:
            summary = ws.copy(opened.name, new or f"{opened.name} (next version)", by=officer())
        except WorkspaceError as exc:
            st.error(str(exc))
        else:
            remember(ASSESSMENT, summary.name)
            st.rerun()
