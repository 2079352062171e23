"""Inventory: start from the sample or a client's workbook; every problem located; the assessment in hand."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from devolve.app import files
from devolve.app.state import ASSESSMENT, SAMPLE_NAME, current, officer, pounds, remember, remembered, workspace
from devolve.present.problems import TABLE_COLUMNS, problem_cells, summary_line
from devolve.usecases import NameTaken, WorkspaceError, import_workbook, sample_assessment

st.title("Inventory")
st.caption("Which parts of the council's services to devolve to neighbourhoods, and how.")
ws = workspace()

if not ws.names():  # a first run (make run): the sample council, so there is something to look at
    try:
        ws.import_assessment(sample_assessment()[0], SAMPLE_NAME, source="sample_services.xlsx")
    except NameTaken:
        pass  # another officer's first run kept it a moment ago: the same sample
    remember(ASSESSMENT, SAMPLE_NAME)

names = ws.names()
chosen = remembered(ASSESSMENT)
picked = st.selectbox("Assessment in hand", names, index=names.index(chosen) if chosen in names else 0,
                      help=f"Kept in the workspace {ws.where}; every change is saved as it is made.")
if picked != chosen:
    remember(ASSESSMENT, picked)

with st.expander("Start a new assessment from a workbook", expanded=False):
    st.download_button("Download the blank template (.xlsx)", files.blank_template(), "devolve-template.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    upload = st.file_uploader("Service workbook (.xlsx or .ods) or Services sheet (.csv)", type=["xlsx", "ods", "csv"])
    if upload is not None:
        content = upload.getvalue()
        report = files.problems_in(upload.name, files.digest(content), content)
        (st.success if report.ok else st.error)(summary_line(upload.name, report))
        if report.problems:
            table = pd.DataFrame([problem_cells(p) for p in report.ordered()], columns=list(TABLE_COLUMNS))
            st.dataframe(table, hide_index=True, width="stretch")
            st.download_button("Download these problems (.csv)", files.problems_csv(report),
                               f"{Path(upload.name).stem}-problems.csv", mime="text/csv")
        if report.ok:
            name = st.text_input("Name in the workspace", value=Path(upload.name).stem)
            if st.button("Keep it in the workspace", type="primary"):
                try:
                    with tempfile.TemporaryDirectory() as folder:
                        summary, _ = import_workbook(ws, files.as_file(upload.name, content, Path(folder)),
                                                     name=name, display_name=upload.name, by=officer())
                except WorkspaceError as exc:
                    st.error(str(exc))
                else:
                    remember(ASSESSMENT, summary.name)
                    st.rerun()

opened = current()
if opened is not None:
    services = opened.assessment.services
    left, mid, right = st.columns(3)
    left.metric("Services", len(services))
    mid.metric("Directorates", len({s.directorate for s in services}))
    right.metric("Annual budget", f"£{sum(s.annual_budget for s in services) / 1e6:,.1f}m")
    st.header("Service inventory")
    st.dataframe(pd.DataFrame({
        "Service": s.name, "Directorate": s.directorate, "Type": s.service_type.label,
        "Annual budget": pounds(s.annual_budget), "Statutory": "yes" if s.statutory else "no",
    } for s in services), hide_index=True, width="stretch")
