"""Export: the cabinet report and the plan workbook for people, and the assessment as a workbook."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from devolve.app import files
from devolve.app.state import PLAN, ROBUSTNESS, built_model, current, workspace
from devolve.core.document import Classification, ReportDetails
from devolve.core.robustness import Robustness
from devolve.usecases import (
    export_workbook,
    report_version,
    template_problem,
    weight_stability,
    write_cabinet_report,
    write_plan_workbook,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REPORT = "export_report"  # session key: the last report made, as (plan id, bytes)

st.title("Export")
opened = current()
if opened is None:
    st.stop()
ws = workspace()

st.header("A plan")
records = ws.plans(opened.name)
if not records:
    st.info("No plan yet: make one on the Plan page.")
else:
    ids = [r.id for r in records]
    chosen = st.session_state.get(PLAN)
    pick = st.selectbox("Plan", records, index=ids.index(chosen) if chosen in ids else 0,
                        format_func=lambda r: f"Plan {r.id}: {r.status}, {r.decisions} decisions, scenario "
                        f"'{r.scenario_name}' (revision {r.revision})")
    kept = ws.plan(pick.id)
    stem = f"{opened.name} - plan {pick.id}"
    st.download_button(f"Download plan {pick.id} as an Excel appendix (.xlsx)",
                       files.written(lambda path: write_plan_workbook(kept.assessment, kept.plan, path), ".xlsx"),
                       files.download_name(stem, ".xlsx"), mime=XLSX)
    st.caption("Opens on a summary for members; the assessment it was made from follows, so devolve reads it back, "
               "and devolve report can write the cabinet report from it later.")

    st.header("The cabinet report")
    if not kept.plan.status.has_plan:
        st.info(f"Plan {pick.id} has no decisions to report: its scenario could not be met (see the Plan page).")
    else:
        template = st.file_uploader("Council template (.docx, optional)", type=["docx"],
                                    help="Its styles, page set-up, header and footer are used; without one, "
                                    "devolve's own (A4, Arial 12 pt).")
        tested = st.session_state.get(ROBUSTNESS, {}).get(pick.id, {})
        if tested.get("acceptability") is not None:
            st.caption(f"The report's Robustness section includes the {tested['acceptability'].samples:,} samples "
                       "run on the Robustness page for this plan.")
        else:
            st.caption("The report's Robustness section tests each weight alone (a few seconds). Run samples of "
                       "the weights and scores on the Robustness page first to include them too.")
        with st.form("report-details"):
            st.caption("What no plan knows, for the report's title block. Anything left blank is printed as "
                       "'Not stated' for you to complete.")
            left, right = st.columns(2)
            meeting = left.text_input("Meeting", value="Cabinet")
            when = right.date_input("Date of the meeting", value=None, format="DD/MM/YYYY")
            report_of = left.text_input("Report of", placeholder="Director of Communities")
            portfolio = right.text_input("Cabinet portfolio", placeholder="Neighbourhoods and Communities")
            contact = left.text_input("Contact officer", placeholder="Name, telephone, e-mail")
            exempt = right.text_input("Exempt under (leave blank if public)", placeholder="paragraph 3")
            threshold = left.number_input("Key decision threshold (£)", min_value=0, value=500_000, step=50_000,
                                          help="The £ above which your constitution makes a decision a key decision.")
            made = st.form_submit_button("Make the cabinet report", type="primary")
        if made:
            details = ReportDetails(
                meeting=meeting.strip() or "Cabinet", meeting_date=when, report_of=report_of.strip() or None,
                portfolio=portfolio.strip() or None, contact_officer=contact.strip() or None,
                classification=Classification.EXEMPT if exempt.strip() else Classification.PUBLIC,
                exempt_paragraph=exempt.strip() or None, key_decision_threshold=float(threshold),
                version=report_version(ws, pick))
            if not tested.get("stability"):
                with st.spinner("Testing the plan against other weights…"):
                    tested["stability"] = weight_stability(
                        built_model(kept.record.inputs_digest, kept.assessment), kept.plan)
                st.session_state.setdefault(ROBUSTNESS, {})[pick.id] = tested
            robustness = Robustness(stability=tested["stability"], acceptability=tested.get("acceptability"),
                                    frontier=tested.get("frontier"))
            with tempfile.TemporaryDirectory() as folder, st.spinner("Writing the report…"):
                council = None
                if template is not None:
                    council = files.as_file(template.name, template.getvalue(), Path(folder))
                    trouble = template_problem(council, display_name=template.name)
                    if trouble:
                        st.error(trouble[0].upper() + trouble[1:] + ".")
                        st.stop()
                document = files.written(lambda path: write_cabinet_report(
                    kept.assessment, kept.plan, path, details=details, template=council, robustness=robustness,
                    sources=(f"The devolve workspace: assessment '{opened.name}', plan {pick.id}",)), ".docx")
            st.session_state[REPORT] = (pick.id, document)
        made_for, document = st.session_state.get(REPORT, (None, None))
        if made_for == pick.id and document is not None:
            st.download_button(f"Download the cabinet report on plan {pick.id} (.docx)", document,
                               files.download_name(f"{stem} - cabinet report", ".docx"), mime=DOCX)
            st.success("Written from the plan's own figures. Check the title block and the timetable's months "
                       "before it goes to members.")

st.header("The assessment")
st.download_button(f"Download '{opened.name}' as a workbook (.xlsx)",
                   files.written(lambda path: export_workbook(ws, opened.name, path), ".xlsx"),
                   files.download_name(opened.name, ".xlsx"), mime=XLSX)
