"""The app's navigation: the pages in the order a strategy team works."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from devolve.app.state import in_address_bar

PAGES = Path(__file__).parent / "pages"
ORDER = (
    ("inventory.py", "Inventory", ":material/inventory_2:"),
    ("assess.py", "Assess", ":material/rule:"),
    ("neighbourhoods.py", "Neighbourhoods", ":material/holiday_village:"),
    ("scenario.py", "Scenario", ":material/tune:"),
    ("plan.py", "Plan", ":material/map:"),
    ("robustness.py", "Robustness", ":material/verified:"),
    ("export.py", "Export", ":material/download:"),
    ("history.py", "History", ":material/history:"),
)


def run() -> None:
    st.set_page_config(page_title="devolve", page_icon=":material/account_tree:", layout="wide")
    pages = [st.Page(PAGES / file, title=title, icon=icon, default=i == 0)
             for i, (file, title, icon) in enumerate(ORDER)]
    page = st.navigation(pages)
    in_address_bar()
    page.run()
