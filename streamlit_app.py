"""Entry point for `streamlit run streamlit_app.py`: the pages live in devolve.app."""

from devolve.app.main import run

run()
