"""A process killed in the middle of a workspace write leaves the workspace as it was before the
write or as it is after it, never half-written, on SQLite and PostgreSQL alike.

The writer is a real process that kills itself (SIGKILL: no clean-up, no rollback of its own)
after a chosen number of SQL statements, so the kill lands inside the transaction every time.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest

from devolve.workspace.store import Workspace

WRITER = textwrap.dedent("""
    import os, signal, sys
    from sqlalchemy import event
    from devolve.core.terms import Criterion, Stage
    from devolve.io.read import read_sample
    from devolve.workspace.store import ScoreEdit, Workspace

    url, name, what, after = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    assessment, _ = read_sample()
    ws = Workspace(url)
    seen = [0]

    @event.listens_for(ws.engine, "after_cursor_execute")
    def _count(*_):
        seen[0] += 1
        if seen[0] == after:
            os.kill(os.getpid(), signal.SIGKILL)

    if what == "import":
        ws.import_assessment(assessment, name, by="crash test")
    else:  # score edits: twenty services' delivery outcomes, all set to the level given
        edits = [ScoreEdit(s.service_id, Stage.DELIVERY, Criterion.OUTCOMES, "Crash tester", int(what))
                 for s in assessment.services[:20]]
        ws.record_scores(name, edits, seen=ws.open(name).revision, by="crash test")
    print(seen[0])
""")


def _write(url: str, name: str, what: str, after: int = 10**9) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WRITER, url, name, what, str(after)], capture_output=True,
                          text=True, timeout=300)


def _whole(url: str, name: str, what: str) -> int:
    """Run the write to the end (it commits); how many statements it took."""
    done = _write(url, name, what)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


@pytest.mark.slow
def test_an_import_killed_part_way_leaves_no_trace(workspace_url, sample):
    total = _whole(workspace_url, "Whole import", "import")
    assert total > 10  # many statements in one transaction
    kept = {"Whole import"}
    for after in (2, total // 2, total - 1):
        name = f"Killed import {after}"
        killed = _write(workspace_url, name, "import", after)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        with Workspace(workspace_url) as ws:
            assert set(ws.names()) == kept  # nothing of the killed one
            ws.import_assessment(sample, name, by="crash test")  # its name is free: no row of it is left
            assert ws.open(name).assessment == sample
        kept.add(name)


@pytest.mark.slow
def test_score_edits_killed_part_way_leave_the_assessment_as_it_was(workspace_url):
    _whole(workspace_url, "Calderbridge draft", "import")
    _whole(workspace_url, "Counting copy", "import")
    total = _whole(workspace_url, "Counting copy", "3")  # the same write, on a twin, to count it
    with Workspace(workspace_url) as ws:
        before = ws.open("Calderbridge draft")
        changes = len(ws.changes("Calderbridge draft"))
    for after in (1, total // 2, total - 1):
        killed = _write(workspace_url, "Calderbridge draft", "3", after)  # 3 would change every one
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        with Workspace(workspace_url) as ws:
            now = ws.open("Calderbridge draft")
            assert now.revision == before.revision
            assert now.assessment == before.assessment
            assert len(ws.changes("Calderbridge draft")) == changes
    assert _whole(workspace_url, "Calderbridge draft", "3") == total  # and the workspace takes the write after
