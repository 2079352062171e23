"""The app's entry script runs the app only when Streamlit runs it, never when a worker process
imports it again (multiprocessing does, under ``__mp_main__``)."""

from __future__ import annotations

import runpy

import pytest


@pytest.mark.parametrize("name, runs", [("__main__", True), ("__mp_main__", False)])
def test_the_entry_script_runs_the_app_only_as_main(checkout, monkeypatch, name, runs):
    ran: list[bool] = []
    monkeypatch.setattr("devolve.app.main.run", lambda: ran.append(True))
    runpy.run_path(str(checkout / "streamlit_app.py"), run_name=name)
    assert ran == ([True] if runs else [])
