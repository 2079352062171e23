"""The app's entry point runs headless on the bundled sample, as `make run` would start it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def test_home_page_shows_the_sample_inventory(checkout, make_sample):
    sample = make_sample.build_sample()
    at = AppTest.from_file(str(checkout / "streamlit_app.py"), default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Services"] == str(len(sample.services))
    assert metrics["Directorates"] == str(len({s.directorate for s in sample.services}))
    table = at.dataframe[0].value
    assert len(table) == len(sample.services)
    assert set(table["Service"]) == {s.name for s in sample.services}
