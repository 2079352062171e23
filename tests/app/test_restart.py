"""A server killed outright (SIGKILL, no chance to tidy up) and started again on the same
workspace: an officer who reloads their address finds the same assessment, their name as
assessor, and the plan they made, as they left them. Real `streamlit run`, real chromium.

Skipped, saying why, where chromium is not installed, unless DEVOLVE_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from devolve.app.state import SAMPLE_NAME
from tests.app.served import CHROMIUM, FLAGS, SERVERS, need_chromium, served

pytestmark = pytest.mark.slow

WHO = "Restart Officer"


def test_a_killed_server_started_again_picks_up_where_the_officer_was(checkout, tmp_path, sample_path):
    need_chromium()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)  # a plan takes seconds, more on a busy machine
    workspace = tmp_path / "workspace.sqlite"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 800})
            page.set_default_timeout(60_000)
            with served(checkout, workspace) as url:
                page.goto(f"{url}/?assessor={WHO.replace(' ', '+')}")
                expect(page.get_by_role("heading", name="Inventory", exact=True)).to_be_visible()
                # a second assessment, changed last; then back to the sample, which the officer plans
                page.get_by_text("Start a new assessment from a workbook").click()
                page.locator("input[type=file]").set_input_files(str(sample_path))
                name = page.get_by_role("textbox", name="Name in the workspace", exact=True)
                name.fill("Restart council")
                name.press("Enter")
                page.get_by_role("button", name="Keep it in the workspace").click()
                in_hand = page.get_by_role("combobox", name="Assessment in hand")
                expect(in_hand).to_have_value("Restart council")
                in_hand.click()
                page.keyboard.type("Calderbridge")
                page.keyboard.press("Enter")
                expect(in_hand).to_have_value(SAMPLE_NAME)
                page.get_by_role("link", name="Plan", exact=True).click()
                page.get_by_role("button", name="Make the plan").click()
                expect(page.get_by_text("Value (benefit units)")).to_be_visible()
                caption = page.get_by_text("decisions through", exact=False).first.inner_text()
                made = caption.split(":")[0]  # "Plan 1"
                page.get_by_role("link", name="Assess", exact=True).click()
                expect(page.get_by_role("heading", name=f"Your scores ({WHO})")).to_be_visible()
                where = urlsplit(page.url)
                SERVERS[url].kill()
                SERVERS[url].wait(10)
            with served(checkout, workspace) as url:
                page.goto(f"{url}{where.path}?{where.query}")
                expect(page.get_by_role("heading", name=f"Your scores ({WHO})")).to_be_visible()
                page.get_by_role("link", name="Inventory", exact=True).click()
                expect(page.get_by_role("combobox", name="Assessment in hand")).to_have_value(SAMPLE_NAME)
                page.get_by_role("link", name="Plan", exact=True).click()
                expect(page.get_by_text(f"{made}:", exact=False).first).to_be_visible()
                assert page.get_by_test_id("stException").count() == 0
        finally:
            browser.close()
            expect.set_options(timeout=5_000)  # Playwright's default, for the tests after
