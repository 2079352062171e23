"""The Streamlit app for strategy teams: thin pages over :mod:`devolve.usecases`, on the workspace.

``streamlit_app.py`` calls :func:`devolve.app.main.run`; the pages are the files in ``pages/``,
in the order a team works. Session-state keys and the shared workspace live in ``state``.
"""
