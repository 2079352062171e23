"""The app served for real: `streamlit run` on a free local port (loopback only), on a workspace of
its own, and Debian's chromium to drive it (no browser download). Shared by the browser test and
the load test; both are skipped, saying why, where chromium is missing, unless
DEVOLVE_REQUIRE_BROWSER=1 (CI)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MISSING = ("the browser test needs Debian's chromium (apt-get install chromium) and Playwright for Python "
           "(pip install playwright; no browser download)")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
"""As root, chromium needs --no-sandbox; the rest keep it from calling out of this closed network."""


def need_chromium() -> None:
    """Skip (or, in CI, fail) when there is no chromium or no Playwright to drive it."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        found = False
    else:
        found = Path(CHROMIUM).exists()
    if not found:
        if os.environ.get("DEVOLVE_REQUIRE_BROWSER") == "1":
            pytest.fail(MISSING, pytrace=False)
        pytest.skip(MISSING)


SERVERS: dict[str, subprocess.Popen] = {}
"""The server behind each address :func:`served` gives, for a test that stops it the hard way."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(checkout: Path, workspace: Path) -> Iterator[str]:
    """The app's address while `streamlit run` serves it on a free local port; what the server
    prints goes to ``streamlit.log`` beside the workspace (a pipe nobody read could fill and stall it)."""
    port = _free_port()
    env = {**os.environ, "DEVOLVE_WORKSPACE": str(workspace)}
    log = (workspace.parent / "streamlit.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(checkout / "streamlit_app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=checkout, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(f"streamlit did not start:\n{(workspace.parent / 'streamlit.log').read_text()}")
                time.sleep(0.3)
        SERVERS[url] = server
        yield url
    finally:
        SERVERS.pop(url, None)
        server.terminate()
        server.wait(20)
        log.close()
