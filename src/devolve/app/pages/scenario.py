"""Scenario: the weights, budgets and limits a plan is made under, kept by name."""

from __future__ import annotations

import streamlit as st

from devolve.app.state import current, officer, pounds, seen, shown_now, workspace
from devolve.core.terms import BENEFITS, Consensus, Offer
from devolve.usecases import Conflict, WorkspaceError

st.title("Scenario")
opened = current()
if opened is None:
    st.stop()
ws = workspace()
scenario = opened.assessment.scenario
read = seen(opened)

names = ws.scenarios(opened.name)
chosen = st.selectbox("Scenario in use", names, index=names.index(scenario.name))
if chosen != scenario.name:
    other = ws.open(opened.name, chosen).assessment.scenario
    try:
        ws.save_scenario(opened.name, other, seen=read, use=True, by=officer())
    except (Conflict, WorkspaceError) as exc:
        st.error(str(exc))
    else:
        st.rerun()

WORDS = {
    "outcomes": "Outcomes for residents reached",
    "partnership": "Cost-effective partnership (by £ at stake)",
    "resilience": "Resilience (by £ at stake)",
    "volunteer_time": "Volunteer time mobilised",
}
with st.form("scenario"):
    st.header("Weights")
    st.caption("How much each benefit counts. They are kept as shares adding up to 1.")
    total = sum(scenario.weights.values())
    raw = {b: st.slider(WORDS[b.value], 0.0, 1.0, round(scenario.weights[b] / total, 2), 0.01) for b in BENEFITS}
    st.header("Budgets and limits")
    left, right = st.columns(2)
    transition = left.number_input("One-off transition budget (£)", min_value=0.0, step=10_000.0,
                                   value=float(scenario.transition_budget), format="%.0f")
    reserve = right.number_input("Contingency reserve (£)", min_value=0.0, step=10_000.0,
                                 value=float(scenario.contingency_reserve), format="%.0f")
    running = left.number_input("Largest change in annual running cost (£; negative: a saving required)",
                                step=10_000.0, value=float(scenario.running_cost_limit), format="%.0f")
    capacity = right.slider("Share of each neighbourhood's volunteer hours the plan may call on", 0.0, 1.0,
                            float(scenario.capacity_use), 0.05)
    residents = left.slider("Share of residents' own priorities in a neighbourhood's weights", 0.0, 1.0,
                            float(scenario.residents_share), 0.05)
    offer = right.radio("Offer", list(Offer), index=list(Offer).index(scenario.offer), horizontal=True,
                        format_func=lambda o: {"differentiated": "each neighbourhood its own",
                                               "uniform": "the same everywhere"}[o.value])
    consensus = left.radio("Several assessors' scores become", list(Consensus), horizontal=True,
                           index=list(Consensus).index(scenario.consensus), format_func=lambda c: c.value)
    offered_all = opened.assessment.rubric.configurations
    on_offer = right.multiselect(
        "Partnership arrangements on offer", [c.key for c in offered_all],
        default=list(scenario.configurations) or [c.key for c in offered_all],
        format_func=lambda key: next(c.name for c in offered_all if c.key == key))
    collective = left.slider("Smallest share of devolved activities run by collective arrangements", 0.0, 1.0,
                             float(scenario.min_collective_share), 0.05)
    floor = right.number_input("Equity floor: devolved activities each neighbourhood gets at least", min_value=0,
                               value=int(scenario.min_devolved_per_neighbourhood), step=1)
    st.header("Solver")
    left, right = st.columns(2)
    seconds = left.number_input("Time limit (seconds)", min_value=1.0, max_value=3600.0,
                                value=float(scenario.time_limit_seconds), step=10.0)
    gap = right.number_input("Stop within this share of the best possible", min_value=0.0, max_value=0.5,
                             value=float(scenario.relative_gap), step=0.001, format="%.3f")
    name = st.text_input("Save as", value=scenario.name, help="A new name keeps this as another scenario.")
    if st.form_submit_button("Save and use this scenario", type="primary"):
        shares = sum(raw.values())
        if shares <= 0:
            st.error("At least one weight must be above 0.")
        elif not on_offer:
            st.error("Offer at least one partnership arrangement.")
        elif not name.strip():
            st.error("The scenario needs a name.")
        else:
            try:
                changed = scenario.replace(
                    name=name.strip(), weights={b: raw[b] / shares for b in BENEFITS}, transition_budget=transition,
                    contingency_reserve=reserve, running_cost_limit=running, capacity_use=capacity,
                    residents_share=residents, offer=offer, consensus=consensus, time_limit_seconds=seconds,
                    relative_gap=gap, min_collective_share=collective, min_devolved_per_neighbourhood=int(floor),
                    configurations=() if len(on_offer) == len(offered_all) else tuple(on_offer))
                ws.save_scenario(opened.name, changed, seen=read, use=True, by=officer())
            except (Conflict, WorkspaceError) as exc:
                st.error(str(exc))
            except ValueError as exc:
                st.error(f"That scenario cannot be used: {exc}")
            else:
                st.success(f"Saved '{changed.name}': transition budget {pounds(transition)}, reserve {pounds(reserve)}.")
                st.rerun()

shown_now(opened)
