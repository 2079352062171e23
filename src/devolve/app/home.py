"""First page of the app: the bundled sample's inventory, so `make run` shows real data.

The full strategy-team workflow (scoring, weights, the plan) arrives with the app issue; this
page already reads the real sample through the same reader the command line uses.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from devolve.core.problems import InvalidInput
from devolve.usecases import sample_assessment


@st.cache_data(show_spinner="Reading the service inventory…")
def _inventory() -> pd.DataFrame:
    assessment, _ = sample_assessment()
    return pd.DataFrame(
        {
            "Service": s.name,
            "Directorate": s.directorate,
            "Type": s.service_type.label,
            "Annual budget (£)": s.annual_budget,
            "Statutory": s.statutory,
        }
        for s in assessment.services
    )


def main() -> None:
    st.set_page_config(page_title="devolve", layout="wide")
    st.title("devolve")
    st.caption("Which parts of the council's services to devolve to neighbourhoods, and how.")
    try:
        table = _inventory()
    except InvalidInput as exc:
        st.error(f"The bundled sample cannot be read ({exc}); run `make sample` to rebuild it.")
        return
    left, mid, right = st.columns(3)
    left.metric("Services", len(table))
    mid.metric("Directorates", table["Directorate"].nunique())
    right.metric("Annual budget", f"£{table['Annual budget (£)'].sum() / 1e6:,.1f}m")
    st.subheader("Service inventory")
    st.dataframe(
        table,
        hide_index=True,
        column_config={"Annual budget (£)": st.column_config.NumberColumn(format="£%d")},
    )
