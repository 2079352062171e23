"""Plan: make the plan with visible progress; what is devolved where, why, and what limits it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from devolve.app.state import PLAN, current, officer, pounds, workspace
from devolve.core.terms import BENEFITS, Stage
from devolve.app.tables import for_people
from devolve.present.charts import devolved_heatmap
from devolve.present.tables import checks_table, fates_table, limits_table, neighbourhoods_table
from devolve.present.words import obstacle_lines, why_no_plan
from devolve.usecases import QUICK_GAP, CannotPlan, WorkerLost, plan_apart, plan_in_workspace, plan_model, try_weights_apart


@st.cache_resource(show_spinner="Building the model…", max_entries=8)
def _model(inputs: str, _assessment):
    """The built model of one set of inputs (by their digest), shared by every session and never
    changed: a re-plan makes a new model from it."""
    return plan_model(_assessment)

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
            plan = plan_apart(assessment, progress=lambda step: status.update(label=step))
        except CannotPlan:
            status.update(label="No plan", state="error")
            st.error("The assessment has no neighbourhoods: add them to the workbook's Neighbourhoods sheet.")
            st.stop()
        except WorkerLost as e:
            status.update(label="No plan", state="error")
            st.error(f"No plan: {e}. The server may be short of memory; try again, and tell whoever runs it if "
                     "this happens again.")
            st.stop()
        record = plan_in_workspace(ws, assessment, plan, name=opened.name, opened=opened, command="app",
                                   by=officer())
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
    why = why_no_plan(planned.scenario.name, plan)
    st.error(f"{why[0].upper()}{why[1:]}:")
    for line in obstacle_lines(planned, plan):
        st.markdown(f"- {line}")
    st.stop()

d = plan.decisions
a, b = st.columns(2)  # two by two: four across truncates the figures at 1024 px
c, e = st.columns(2)
a.metric("Value (benefit units)", f"{plan.objective:,.1f}" if plan.objective is not None else "none",
         help="Benefit units: the weighted outcomes, partnership, resilience and volunteer-time benefits "
         "(docs/model.md, section 3).")
b.metric("Devolved a year", pounds(sum(x.annual_cost for x in d)))
c.metric("Residents reached", f"{plan.residents_reached():,}")
e.metric("Volunteer hours a year", f"{sum(x.volunteer_hours for x in d):,.0f}")
proof = {"optimal": "proven the best possible", "within gap": f"proven within {plan.gap or 0:.2%} of the best possible",
         "feasible": f"within {plan.gap or 0:.2%} of the best possible when the time ran out"}.get(
    plan.status.value, plan.status.value)
st.caption(f"Plan {kept.record.id}: {proof} ({plan.method.value}, {plan.solver}); "
           f"{len(d)} decisions through {len(plan.partnerships)} partnerships." +
           (f" A uniform offer everywhere would cost {plan.price_of_uniformity:,.1f} benefit units."
            if plan.price_of_uniformity is not None else ""))

st.header("Where each activity is devolved")
names = {s.service_id: s.name for s in planned.services}
if not d:
    st.info("The plan devolves nothing: see each activity's fate below.")
else:
    st.altair_chart(devolved_heatmap(planned, plan), width="content")
    st.caption("Each cell counts the neighbourhoods an activity is devolved to; the number is written in it.")

st.header("Try other weights")
st.caption(f"The plan again in under a second, with the weights moved (shares adding up to 1) and the budgets "
           f"and limits as they are. Decisions change only where the new weights make a better plan than plan "
           f"{kept.record.id}; the plan found is proven within {QUICK_GAP:.0%} of the best possible. Nothing is kept "
           "until you save the weights as a scenario and make the plan again.")
total = sum(planned.scenario.weights.values())
words = {"outcomes": "Outcomes", "partnership": "Partnership", "resilience": "Resilience",
         "volunteer_time": "Volunteer time"}
cols = st.columns(len(BENEFITS))
tried = {b: cols[i].slider(words[b.value], 0.0, 1.0, round(planned.scenario.weights[b] / total, 2), 0.05,
                           key=f"try-{b.value}") for i, b in enumerate(BENEFITS)}
if sum(tried.values()) == 0:
    st.warning("Give at least one benefit some weight.")
elif any(abs(tried[b] - planned.scenario.weights[b] / total) > 1e-9 for b in BENEFITS):
    weights = {b: v / sum(tried.values()) for b, v in tried.items()}
    with st.spinner("Re-planning…"):
        waiting = st.empty()
        again = try_weights_apart(_model(kept.record.inputs_digest, planned), weights, plan, progress=waiting.caption)
        waiting.empty()
    if not again.status.has_plan:
        st.warning("No plan was found with these weights in the time allowed: save them as a scenario and make "
                   "the plan to give the solver longer.")
    else:
        before = {(x.activity_id, x.neighbourhood_id, x.configuration) for x in d}
        after = {(x.activity_id, x.neighbourhood_id, x.configuration) for x in again.decisions}
        a, b, c = st.columns(3)
        a.metric("Decisions with these weights", len(again.decisions), len(again.decisions) - len(d),
                 delta_color="off")
        b.metric("Devolved a year", pounds(sum(x.annual_cost for x in again.decisions)))
        c.metric("Decisions that change", len(before ^ after))
        st.caption("Weights used: " + ", ".join(f"{words[b.value]} {w:.2f}" for b, w in weights.items()) +
                   f". Proven within {again.gap or 0:.1%} of the best possible under these weights.")
        if before == after:
            st.success(f"Plan {kept.record.id} stands: no better plan was found under these weights.")
        else:
            places = {h.neighbourhood_id: h.name for h in planned.neighbourhoods}
            arrangements = {cfg.key: cfg.name for cfg in planned.rubric.configurations}

            def row(change: str, key: tuple[str, str, str]) -> dict[str, str]:
                service, stage = key[0].split(":")
                return {"Change": change, "Service": names.get(service, service), "Activity": Stage(stage).label,
                        "Neighbourhood": places.get(key[1], key[1]), "Arrangement": arrangements.get(key[2], key[2])}

            st.dataframe(pd.DataFrame([row("added", k) for k in sorted(after - before)]
                                      + [row("dropped", k) for k in sorted(before - after)]),
                         hide_index=True, width="stretch")

st.header("Neighbourhood by neighbourhood")
per_place = neighbourhoods_table(planned, plan)
st.dataframe(for_people(per_place[[c for c in per_place.columns if ":" not in c and c != "Neighbourhood id"]]),
             hide_index=True, width="stretch")
place = st.selectbox("What one neighbourhood gets", planned.neighbourhoods, format_func=lambda n: n.name)
own = [x for x in d if x.neighbourhood_id == place.neighbourhood_id]
arrangement = {cfg.key: cfg.name for cfg in planned.rubric.configurations}
if own:
    st.dataframe(pd.DataFrame({
        "Service": names[x.service_id], "Activity": x.stage.label, "Arrangement": arrangement[x.configuration],
        "£ a year": pounds(x.annual_cost), "Residents reached": f"{x.residents:,.0f}",
        "Volunteer hours a year": f"{x.volunteer_hours:,.0f}",
    } for x in own), hide_index=True, width="stretch")
else:
    st.info(f"Nothing is devolved in {place.name}.")

st.header("Fate of each activity")
st.dataframe(fates_table(planned, plan).drop(columns=["Service id"]), hide_index=True, width="stretch")
st.header("Checks a cabinet would make")
st.dataframe(checks_table(planned, plan), hide_index=True, width="stretch")
st.header("Limits, and what a little more would be worth")
st.dataframe(for_people(limits_table(planned, plan)), hide_index=True, width="stretch")
