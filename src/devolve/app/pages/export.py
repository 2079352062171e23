"""Export: the plan workbook for people and for devolve, and the assessment as a workbook."""

from __future__ import annotations

import streamlit as st

from devolve.app import files
from devolve.app.state import PLAN, current, workspace
from devolve.usecases import export_workbook, write_plan_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

st.title("Export")
opened = current()
if opened is None:
    st.stop()
ws = workspace()

st.header("The assessment")
st.download_button(f"Download '{opened.name}' as a workbook (.xlsx)",
                   files.written(lambda path: export_workbook(ws, opened.name, path), ".xlsx"),
                   f"{opened.name}.xlsx", mime=XLSX)

st.header("A plan")
records = ws.plans(opened.name)
if not records:
    st.info("No plan yet: make one on the Plan page.")
    st.stop()
ids = [r.id for r in records]
chosen = st.session_state.get(PLAN)
pick = st.selectbox("Plan", records, index=ids.index(chosen) if chosen in ids else 0,
                    format_func=lambda r: f"Plan {r.id}: {r.status}, {r.decisions} decisions, scenario "
                    f"'{r.scenario_name}' (revision {r.revision})")
kept = ws.plan(pick.id)
st.download_button(f"Download plan {pick.id} (.xlsx)",
                   files.written(lambda path: write_plan_workbook(kept.assessment, kept.plan, path), ".xlsx"),
                   f"{opened.name} - plan {pick.id}.xlsx", mime=XLSX, type="primary")
st.caption("The plan workbook holds the assessment it was made from and the plan's sheets; devolve reads it "
           "back as the same assessment.")
