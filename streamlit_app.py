"""Entry point for `streamlit run streamlit_app.py`: the pages live in devolve.app.

Streamlit runs this file as ``__main__``; a worker process (devolve.apart, devolve.scale) imports it
again under another name, and must not run the app there (it would open the workspace and draw the
first page with nobody watching)."""

from devolve.app.main import run

if __name__ == "__main__":
    run()
