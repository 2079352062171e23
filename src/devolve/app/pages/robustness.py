"""Robustness: how sure we are of the plan (its weights' stability, its acceptability when weights and
scores are uncertain) and what more money would buy (the value-for-money frontier).

Each piece of work runs on a button, with its progress shown, and its result is kept in the session
under the id of the plan it was worked out from: another plan shows its own results, or none.
"""

from __future__ import annotations

import os
from collections import Counter

import pandas as pd
import streamlit as st

from devolve.app.state import PLAN, ROBUSTNESS, built_model, current, pounds, workspace
from devolve.core.plan import PlanStatus
from devolve.core.limits import CATALOGUE, Family
from devolve.core.robustness import Acceptability, Band, Change, Frontier, WeightDraw
from devolve.present.charts import (
    TODAYS_SCALE,
    acceptability_heatmap,
    acceptability_words,
    change_words,
    frontier_chart,
    frontier_words,
    stability_chart,
    stability_words,
)
from devolve.usecases import QUICK_GAP, acceptability, local, samples_per_piece, value_frontier, weight_stability

# No bare strings below the module's docstring: Streamlit's magic would write them on the page.
SAMPLES = 200  # samples the page draws unless told otherwise: about 40 s on two processes on the sample
COMMAND_LINE_SAMPLES = 1000
STEP = 25  # samples are asked for in steps of the smallest piece of work (devolve.optimise.robust.PIECE_MIN)
LIMITS = (Family.TRANSITION_BUDGET, Family.CONTINGENCY_RESERVE)  # the £ limits a frontier can be drawn against
FRONTIER_STEPS = 12
SHOWN = {"contested": "Activities with a contested decision", "planned": "Activities in today's plan",
         "all": "Every activity chosen in some sample"}


def processes() -> int:
    # the cores this process may use: as many processes as the work may run on
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def progress_bar(text: str, unit: str):
    # a progress bar and the callback that moves it: (done, total) pieces of work
    bar = st.progress(0.0, text=text)

    def moved(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"{text} {done} of {total} {unit} done.")

    return bar, moved


st.title("Robustness")
opened = current()
if opened is None:
    st.stop()
ws = workspace()
records = ws.plans(opened.name)
if not records:
    st.info("No plan yet for this assessment: make one on the **Plan** page first.")
    st.stop()
ids = [r.id for r in records]
chosen = st.session_state.get(PLAN)
pick = st.selectbox("Plan", records, index=ids.index(chosen) if chosen in ids else 0,
                    format_func=lambda r: f"Plan {r.id}: {r.decisions} decisions, {local(r.recorded_at)}")
kept = ws.plan(pick.id)
st.caption(f"Plan {pick.id} was made under the scenario '{pick.scenario_name}' from revision {pick.revision} of the "
           f"assessment ({pick.status}).")
plan, planned = kept.plan, kept.assessment
if plan.diagnosis or not plan.status.has_plan:
    why = "its scenario cannot be met" if plan.status == PlanStatus.INFEASIBLE else "no plan was found in the time allowed"
    st.warning(f"Plan {pick.id} has no decisions to test: {why}. See the **Plan** page.")
    st.stop()
if kept.record.revision != opened.revision or planned.scenario != opened.assessment.scenario:
    st.info(f"Plan {pick.id} was made from revision {kept.record.revision} under '{kept.record.scenario_name}'; the "
            "assessment or its scenario has changed since. This page tests plan "
            f"{pick.id} as it was made: make the plan again on the **Plan** page to test the changes.")
results: dict = st.session_state.setdefault(ROBUSTNESS, {}).setdefault(pick.id, {})
model = built_model(kept.record.inputs_digest, planned)
services = {s.service_id: s.name for s in planned.services}
places = {h.neighbourhood_id: h.name for h in planned.neighbourhoods}
arrangements = {c.key: c.name for c in planned.rubric.configurations}
gap = max(QUICK_GAP, planned.scenario.relative_gap)  # each re-plan's gap, as Try other weights on the Plan page


def activity_words(activity_id: str) -> str:
    service, stage = activity_id.rsplit(":", 1)
    return f"{service} {stage}: {services.get(service, service)}"


# ------------------------------------------------------------------------------------- weight stability

st.header("Weight stability")
st.caption(f"How far each benefit's weight can move, the others rescaled in proportion, before plan {pick.id} is no "
           f"longer within {gap:.1%} of the best plan possible, and which decisions change first beyond each end. "
           "About five seconds.")
if st.button("Work out the weight stability", key="run-stability", type="primary"):
    bar, moved = progress_bar("Moving each weight in turn:", "benefits")
    results["stability"] = weight_stability(model, plan, progress=moved)
    bar.empty()
stabilities = results.get("stability")
if stabilities is not None:
    chart = stability_chart(stabilities)
    st.altair_chart(chart, width="content")
    st.caption(stability_words(stabilities))
    st.subheader("The decisions that change first beyond each end")
    st.caption("Open a benefit to read the decisions that change first when its weight moves past either end.")
    for s in stabilities:
        ends = []
        rows = []
        for end, limit, changes, edge in (("falls below", s.low, s.below, 0.0), ("rises above", s.high, s.above, 1.0)):
            if limit == edge:  # the plan stands all the way there
                ends.append(f"stands all the way {'down' if edge == 0 else 'up'} to {edge:.0%}")
                continue
            ends.append(f"{len(changes)} decision{' changes' if len(changes) == 1 else 's change'} "
                        f"{end.split()[1]} {limit:.0%}")
            rows += [{"When its weight": f"{end} {limit:.0%}", "Decision that changes first": change_words(c, planned)}
                     for c in changes]
        with st.expander(f"{s.benefit.label}: {'; '.join(ends)}"):
            if rows:  # a static table wraps its words: nothing is cut short at 1024 px
                st.table(pd.DataFrame(rows).set_index("When its weight"))
            else:
                st.write("No weight of this benefit changes the plan.")

# ----------------------------------------------------------------------------------------- acceptability

st.header("Acceptability")
st.caption(f"Plan {pick.id} made again for each of many samples, the weights (and, if you choose, the scores) drawn at "
           "random each time: how often each activity is devolved in each neighbourhood. A decision chosen in 90% "
           "or more of the samples is in the robust core; one chosen in some but fewer is contested.")
with st.form("acceptability"):
    left, right = st.columns(2)
    samples = left.number_input("Samples", min_value=STEP, max_value=20_000, value=SAMPLES, step=STEP,
                                key="acc-samples",
                                help=f"The app draws {SAMPLES} to answer in under a minute; the command line draws "
                                f"{COMMAND_LINE_SAMPLES} by default, for shares within ±3 percentage points.")
    seed = right.number_input("Seed", min_value=0, max_value=2**31 - 1, value=0, step=1, key="acc-seed",
                              help="The same seed and settings give the same answer, on any machine.")
    uniform = left.radio("Weights drawn", (False, True), key="acc-uniform",
                         format_func=lambda u: "uniformly: every weighting equally likely" if u
                         else "around today's weights")
    scores = right.radio("Scores", (True, False), key="acc-scores",
                         format_func=lambda s: "drawn too: one assessor's, or a default a level either way" if s
                         else "fixed as they are")
    workers = left.number_input("Processes to run on", min_value=1, max_value=max(processes(), 1),
                                value=max(processes(), 1), step=1, key="acc-workers",
                                help="The samples are planned in pieces of 25 to 125, each on one process; more "
                                "processes finish sooner on a machine with cores to spare.")
    run = st.form_submit_button("Run the samples", type="primary")
st.caption(f"The app draws {SAMPLES} samples unless you ask for more; the command line draws "
           f"{COMMAND_LINE_SAMPLES} by default.")
if run:
    bar, moved = progress_bar(f"Planning {int(samples):,} samples:", f"pieces of {samples_per_piece(int(samples))}")
    results["acceptability"] = acceptability(model, plan, samples=int(samples), seed=int(seed), uniform=uniform,
                                             scores=scores, workers=int(workers), progress=moved)
    bar.empty()
acc: Acceptability | None = results.get("acceptability")
if acc is not None:
    # counted over today's decisions, as the command line, its workbook and the cabinet report count them
    mine = acc.planned
    core = [d for d in mine if d.band == Band.CORE]
    contested = [d for d in mine if d.band == Band.CONTESTED]
    never = [d for d in mine if d.band == Band.NEVER]
    a, b = st.columns(2)  # two by two, as the Plan page: four across truncates at 1024 px
    c, d = st.columns(2)
    a.metric("Robust core", f"{len(core):,} of today's {len(mine):,} decisions",
             help="Decisions of today's plan (an activity in a neighbourhood) devolved in 90% or more of the samples.")
    b.metric("Contested", f"{len(contested) + len(never):,} of today's decisions",
             help="Decisions of today's plan devolved in fewer than 90% of the samples.")
    c.metric("Never chosen", f"{len(acc.never):,} activities",
             help="Activities that could be devolved but that no sample devolves anywhere.")
    d.metric("Today's plan stands", f"in {acc.stands / max(acc.samples, 1):.0%} of samples",
             help="Samples whose re-plan kept today's plan: it was within the gap of the best plan possible under "
             "the values drawn, or no better plan was found.")
    st.caption(
        f"{acc.samples:,} samples, weights drawn {acc.weights.value}"
        + ("" if acc.weights == WeightDraw.UNIFORM else f" (concentration {acc.concentration:g})")
        + (", scores drawn too" if acc.scores else ", scores fixed") + f", seed {acc.seed}; "
        f"{acc.plans:,} found a plan. At this number of samples each share is within "
        f"±{acc.margin * 100:.0f} percentage points (95%). {acc.seconds:.0f} s on "
        f"{acc.workers} {'process' if acc.workers == 1 else 'processes'} ({acc.engine})."
        + (f" {len(never)} decisions of today's plan are chosen in no sample." if never else ""))

    st.subheader("Activity by neighbourhood")
    shown = st.radio("Show", list(SHOWN), format_func=SHOWN.get, horizontal=True, key="acc-shown")
    pick_rows = {
        "contested": {x.activity_id for x in acc.band(Band.CONTESTED)},
        "planned": {x.activity_id for x in acc.planned},
        "all": {x.activity_id for x in acc.decisions},
    }[shown]
    if not pick_rows:
        st.info("No activity to show: " + {"contested": "no decision is contested.",
                                            "planned": "today's plan devolves nothing.",
                                            "all": "no sample devolves anything."}[shown])
    else:
        st.altair_chart(acceptability_heatmap(acc, planned, activities=pick_rows), width="content")
        st.caption(acceptability_words(acc, planned, activities=pick_rows))

    st.subheader("Contested decisions")
    contested = acc.band(Band.CONTESTED)  # today's and any other chosen in some samples but under 90%
    if contested:
        st.dataframe(pd.DataFrame([{
            "Chosen in": 100 * x.share, "± margin": 100 * x.margin,
            "Activity": f"{x.service_id} {x.stage.label.lower()}",
            "Neighbourhood": places.get(x.neighbourhood_id, x.neighbourhood_id),
            "Today's plan": arrangements.get(x.planned, x.planned) if x.planned else TODAYS_SCALE,
            "Chosen as planned in": 100 * x.share_as_planned if x.planned else None,
            "Service": services.get(x.service_id, x.service_id),
        } for x in sorted(contested, key=lambda x: -x.share)]), hide_index=True, width="stretch", column_config={
            "Chosen in": st.column_config.NumberColumn(format="%.0f%%", width="small",
                                                       help="The share of samples devolving it."),
            "± margin": st.column_config.NumberColumn(format="±%.0f", width="small",
                                                      help="The share's 95% margin, in percentage points."),
            "Chosen as planned in": st.column_config.NumberColumn(
                format="%.0f%%", help="The share of samples devolving it under today's arrangement."),
        })
        st.caption("Select a column's heading to sort by it.")
    else:
        st.success("No decision is contested: every one is chosen in 90% or more of the samples, or in none.")
    if acc.never:
        with st.expander(f"The {len(acc.never)} activities no sample devolves anywhere"):
            st.dataframe(pd.DataFrame({"Activity": [activity_words(a) for a in acc.never]}), hide_index=True,
                         width="stretch")

# ------------------------------------------------------------------------------------------- the frontier

st.header("Value for money")
st.caption("The best plan again with one £ limit set at each of a dozen steps, from £0 to what the plan would use "
           "with the limit lifted: what each further pound buys, and where returns fall away. Under a minute.")
with st.form("frontier"):
    left, right = st.columns(2)
    family = left.radio("The limit", LIMITS, key="frontier-family",
                        format_func=lambda f: f"{CATALOGUE[f].label} (today "
                        f"{pounds(getattr(planned.scenario, CATALOGUE[f].setting))})")
    steps = right.number_input("Steps", min_value=2, max_value=40, value=FRONTIER_STEPS, step=1, key="frontier-steps",
                               help="Points on the line besides £0; each is a plan solved in up to six seconds.")
    frontier_workers = right.number_input("Processes to run on", min_value=1, max_value=2, value=min(processes(), 2),
                                          step=1, key="frontier-workers",
                                          help="The points are planned in two chains, each from the one before.")
    go = st.form_submit_button("Work out the frontier", type="primary")
frontiers: dict = results.setdefault("frontiers", {})
if go:
    bar, moved = progress_bar(f"Planning at each value of the {CATALOGUE[family].label.lower()}:", "chains of plans")
    frontiers[family] = results["frontier"] = value_frontier(
        model, plan, family, steps=int(steps), workers=int(frontier_workers), progress=moved)
    bar.empty()


def entering(changes: tuple[Change, ...]) -> str:
    by_activity = Counter(f"{c.service_id} {c.stage.label.lower()}" for c in changes)
    return "; ".join(f"{activity} in {n}" for activity, n in by_activity.most_common()) or "none"


for family in LIMITS:
    frontier: Frontier | None = frontiers.get(family)
    if frontier is None:
        continue
    label = CATALOGUE[family].label
    st.subheader(f"Against the {label.lower()}")
    st.altair_chart(frontier_chart(frontier), width="content")
    st.caption(frontier_words(frontier) + f" Worked out in {frontier.seconds:.0f} s.")
    rows = []
    for i, p in enumerate(frontier.points):
        note = []
        if i == frontier.knee:
            note.append("returns fall away here")
        if abs(p.limit - frontier.today) < 0.5:
            note.append("today's setting")
        rows.append({
            f"{label} (£)": pounds(p.limit), "Value (benefit units)": p.value, "Decisions": p.decisions,
            "Note": ", ".join(note),
            "Activities entering (neighbourhoods)": entering(p.entering) if p.found else "no plan found in time",
            "Leaving": entering(p.leaving) if p.found and p.leaving else "",
            "No plan worth more than": p.bound, "£ of it used": pounds(p.used) if p.used is not None else "",
            "Residents reached": p.residents, "Devolved a year": pounds(p.annual_cost) if p.annual_cost else "",
        })
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", column_config={
        "Value (benefit units)": st.column_config.NumberColumn(format="%.1f"),
        "No plan worth more than": st.column_config.NumberColumn(format="%.1f"),
        "Residents reached": st.column_config.NumberColumn(format="localized"),
    })
    steps_between = [f"{pounds(before.limit)} to {pounds(after.limit)}"
                     for before, after in zip(frontier.points, frontier.points[1:])]
    between = st.selectbox("The decisions that enter and leave at one step", steps_between,
                           key=f"frontier-step-{family.value}")
    step = steps_between.index(between) + 1 if between is not None else None
    if step is not None:
        point = frontier.points[step]
        moves = point.entering + point.leaving
        if not point.found:
            st.info("No plan was found at this limit in the time allowed.")
        elif moves:
            st.table(pd.DataFrame({"Enters or leaves": ["enters" if c.after else "leaves" for c in moves],
                                   "Decision": [change_words(c, planned) for c in moves]})
                     .set_index("Enters or leaves"))
        else:
            st.info("No decision changes at this step.")
