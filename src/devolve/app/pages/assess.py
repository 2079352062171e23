"""Assess: each officer scores activities against the rubric; every score is saved as it is entered."""

from __future__ import annotations

import streamlit as st

from devolve.app import scoring
from devolve.app.state import ASSESSOR, current, remember, remembered, seen, shown_now, workspace
from devolve.core.terms import CRITERIA, Stage
from devolve.usecases import Conflict, ScoreEdit, WorkspaceError

PENDING = "assess_pending"  # session key: scores a conflict refused, and why, to apply again

st.title("Assess")
opened = current()
if opened is None:
    st.stop()
assessment = opened.assessment
rubric = assessment.rubric
ws = workspace()
read = seen(opened)  # what this officer saw when they made the change now being saved

assessor = st.text_input("Your name, as assessor", value=remembered(ASSESSOR) or "",
                         help="Each officer's scores are kept apart; the plan uses their "
                         f"{assessment.scenario.consensus.value}.")
if assessor.strip() != (remembered(ASSESSOR) or ""):
    remember(ASSESSOR, assessor.strip())
assessor = assessor.strip()

full, partly, to_discuss = scoring.progress(assessment.activities)
a, b, c = st.columns(3)
a.metric("Fully assessed", f"{full} of {len(assessment.activities)}",
         help="Activities scored by an assessor on every criterion.")
b.metric("On a default", partly, help="Activities still on the rubric's default for at least one criterion.")
c.metric("Scores to discuss", to_discuss, help="Scores where assessors are more than a level apart.")

left, right = st.columns(2)
directorates = sorted({s.directorate for s in assessment.services})
types = sorted({s.service_type.label for s in assessment.services})
pick_dir = left.multiselect("Directorates", directorates, placeholder="All directorates")
pick_type = right.multiselect("Service types", types, placeholder="All service types")
services = [s for s in assessment.services
            if (not pick_dir or s.directorate in pick_dir) and (not pick_type or s.service_type.label in pick_type)]
if not services:
    st.info("No service matches these filters.")
    st.stop()
service = st.selectbox("Service", services, format_func=lambda s: f"{s.service_id} · {s.name} ({s.directorate})")
activities = [x for x in assessment.activities if x.service_id == service.service_id]


def keep(edits: list[ScoreEdit]) -> None:
    """Save scores now; on a conflict keep them aside and say whose change came first."""
    try:
        ws.record_scores(opened.name, edits, seen=read, by=assessor)
    except Conflict as exc:
        st.session_state[PENDING] = (edits, str(exc))
        shown_now(opened)  # read this run, after their change: applying mine again is a choice made seeing it
        st.rerun()
    except WorkspaceError as exc:
        st.error(str(exc))
    else:
        st.session_state.pop(PENDING, None)
        st.rerun()


if st.session_state.get(PENDING):
    refused, why = st.session_state[PENDING]
    st.warning(f"{why} Their values are shown below; {len(refused)} score(s) of yours are kept aside.")
    if st.button("Apply mine again"):
        keep(refused)

st.header("Everyone's scores")
st.caption(f"The score the plan uses ({assessment.scenario.consensus.value} of the assessors, or the rubric's "
           "default), with the range where assessors differ.")
st.dataframe(scoring.everyone(activities, assessment.scenario.consensus), hide_index=True, width="stretch")

if not assessor:
    st.info("Enter your name above to score.")
    st.stop()
if opened.locked:
    st.info(f"'{opened.name}' is locked, as it went to cabinet: copy it on the History page to change it.")
    st.stop()

st.header(f"Your scores ({assessor})")
grid = scoring.my_grid(activities, assessor)
edited = st.data_editor(
    grid, key=f"grid-{service.service_id}-{assessor}-{opened.revision}", hide_index=True, width="stretch",
    disabled=[scoring.STAGE], placeholder="",
    column_config={c.label: st.column_config.NumberColumn(
        c.label, min_value=rubric.scale_min, max_value=rubric.scale_max, step=1, help=rubric.criteria[c].question)
        for c in CRITERIA},
)
changes = scoring.edits_between(service.service_id, grid, edited, assessor)
if changes:
    keep(changes)

st.header("Score one activity, with the rubric beside it")
stage = st.selectbox("Activity", [x.stage for x in activities], format_func=lambda s: Stage(s).label)
criterion = st.selectbox("Criterion", CRITERIA, format_func=lambda k: k.label)
scale = rubric.criteria[criterion]
st.markdown(f"**{scale.question}**")
for level in scale.levels:
    st.markdown(f"- **{level.value} · {level.label}**: {level.descriptor}" +
                ("".join(f"\n    - {q}" for q in level.guiding_questions)))
mine = next((s for x in activities if x.stage == stage for s in x.scores_for(criterion)
             if s.assessor == assessor), None)
# keyed by what is being scored, and filled once: what the officer has typed is never reset by a
# rerun that finds a new value in the workspace (another officer's, shown above)
target = f"{service.service_id}-{stage}-{criterion.value}-{assessor}"
for field, start in (("level", mine.value if mine else None), ("rationale", (mine.rationale if mine else "") or ""),
                     ("evidence", (mine.evidence if mine else "") or "")):
    st.session_state.setdefault(f"{field}-{target}", start)
with st.form("one-score"):
    values = [lv.value for lv in scale.levels]
    level = st.radio("Level", values, key=f"level-{target}", horizontal=True,
                     format_func=lambda v: f"{v} · {next(lv.label for lv in scale.levels if lv.value == v)}")
    rationale = st.text_area("Rationale", key=f"rationale-{target}",
                             help="Why this level, in words a committee would accept.")
    evidence = st.text_area("Evidence", key=f"evidence-{target}",
                            help="What it rests on: a report, a pilot, a conversation.")
    if st.form_submit_button("Save this score", type="primary"):
        if level is None:
            st.error("Choose a level first.")
        else:
            keep([ScoreEdit(service.service_id, stage, criterion, assessor, level, rationale, evidence)])

shown_now(opened)
