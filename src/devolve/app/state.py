"""What every page shares: the workspace, the assessment and assessor in hand, and £ in words.

Session-state keys are the constants below, never string literals on pages. The chosen
assessment and assessor are mirrored in the address bar (query parameters), so a refresh, a
restart or a second tab opens the same work; everything else is read back from the workspace.
"""

from __future__ import annotations

import os

import streamlit as st

from devolve.usecases import Opened, Workspace, open_workspace

ASSESSMENT = "assessment"
"""Session key and query parameter: the name of the assessment in hand."""
ASSESSOR = "assessor"
"""Session key and query parameter: whose scores the Assess page records."""
PLAN = "plan_id"
"""Session key: the kept plan the Plan and Export pages show."""
SEEN = "seen_revisions"
"""Session key: per assessment, the revision this officer's screen was drawn from. Writes name it,
so a change another officer made after that is a conflict, not silently overwritten (a rerun
reads the newest revision before the write runs, so that one cannot be used)."""
ROBUSTNESS = "robustness"
"""Session key: the Robustness page's results, by the id of the plan they were worked out from;
each a dict of what was run: "stability" (tuple of WeightStability), "acceptability"
(Acceptability), "frontier" (the Frontier worked out last, which the cabinet report carries) and
"frontiers" (every Frontier worked out, by its Family)."""
SAMPLE_NAME = "Calderbridge MBC (sample)"


@st.cache_resource(show_spinner=False)
def _workspace(url: str | None) -> Workspace:
    """One workspace (its database engine) shared by every session: the engine is thread-safe and
    the object holds nothing of any one session."""
    return open_workspace(url)


def workspace() -> Workspace:
    return _workspace(os.environ.get("DEVOLVE_WORKSPACE"))


def remembered(key: str) -> str | None:
    """A choice from this session, else from the address bar (a refresh or a new tab)."""
    if key not in st.session_state and key in st.query_params:
        st.session_state[key] = st.query_params[key]
    value = st.session_state.get(key)
    return value or None


def remember(key: str, value: str | None) -> None:
    st.session_state[key] = value
    if value:
        st.query_params[key] = value
    elif key in st.query_params:
        del st.query_params[key]


def in_address_bar() -> None:
    """Put the assessment and the assessor back in the address bar on every page: Streamlit clears
    it when another page is chosen, and a refresh or a copied link there would forget who and what."""
    for key in (ASSESSMENT, ASSESSOR):
        value = remembered(key)
        if value and st.query_params.get(key) != value:
            st.query_params[key] = value


def current() -> Opened | None:
    """The assessment in hand, read back from the workspace (another officer's edit shows at
    once): the one chosen, else the one changed last; None, with a pointer, when there is none."""
    name = remembered(ASSESSMENT)
    ws = workspace()
    if not (name and name in ws.names()):
        latest = sorted(ws.summaries(), key=lambda s: s.last_change, reverse=True)
        if not latest:
            st.info("Choose or start an assessment on the **Inventory** page first.")
            return None
        name = latest[0].name
        remember(ASSESSMENT, name)
    return ws.open(name)


def seen(opened: Opened) -> int:
    """The revision this officer last saw of ``opened`` (its own, the first time): the one to
    write against."""
    return st.session_state.setdefault(SEEN, {}).get(opened.name, opened.revision)


def shown_now(opened: Opened) -> None:
    """Record that this officer's screen now shows ``opened`` as read (call after drawing it)."""
    st.session_state.setdefault(SEEN, {})[opened.name] = opened.revision


@st.cache_resource(show_spinner="Building the model…", max_entries=8)
def _model(inputs: str, _assessment):
    from devolve.usecases import plan_model

    return plan_model(_assessment)


def built_model(inputs: str, assessment):
    """The built model of one set of inputs (by their digest), shared by every session and never
    changed: re-planning and the robustness work start from it."""
    return _model(inputs, assessment)


def officer() -> str | None:
    """Who is at the keyboard, as they gave their name on the Assess page (else the login name)."""
    return remembered(ASSESSOR)


def pounds(value: float) -> str:
    """£ with thousands separators, as a council paper writes it."""
    sign = "−" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}"
