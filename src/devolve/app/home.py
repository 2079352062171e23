"""First page of the app: the bundled sample's inventory, so `make run` shows real data.

The full strategy-team workflow (scoring, weights, the plan) arrives with the app issue; this
page already reads the real sample through the same reader the command line uses.
"""

from __future__ import annotations

from importlib.resources import as_file

import pandas as pd
import streamlit as st

from devolve.io.resources import sample_file


@st.cache_data(show_spinner="Reading the service inventory…")
def _inventory(path: str) -> pd.DataFrame:
    from devolve.io.workbook import read_assessment

    assessment, _ = read_assessment(path)
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
    with as_file(sample_file()) as sample:
        if not sample.exists():
            st.error(f"The bundled sample {sample.name} is missing; run `make sample` to rebuild it.")
            return
        table = _inventory(str(sample))
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
