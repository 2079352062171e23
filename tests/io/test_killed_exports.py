"""An export killed part-way leaves the file it was replacing as it was, never half a file.

Each writer is a real process that kills itself (SIGKILL: no clean-up) in the middle of writing:
the workbook and the Word document after their first parts are in the zip, the problems CSV
after its first rows.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest

WRITER = textwrap.dedent("""
    import os, signal, sys, zipfile
    from pathlib import Path

    what, path = sys.argv[1], Path(sys.argv[2])
    calls = [0]

    def dying(real, at):
        def wrapped(*args, **kwargs):
            calls[0] += 1
            if calls[0] == at:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        return wrapped

    if what == "workbook":
        from devolve.io.read import read_sample
        from devolve.io.write import write_workbook
        assessment, _ = read_sample()
        zipfile.ZipFile.writestr = dying(zipfile.ZipFile.writestr, 4)
        write_workbook(assessment, path)
    elif what == "report":
        import docx
        from devolve.io.xlsx import save_atomically
        document = docx.Document()
        for i in range(200):
            document.add_paragraph(f"Paragraph {i} of the cabinet report")
        zipfile.ZipFile.writestr = dying(zipfile.ZipFile.writestr, 3)
        save_atomically(document, path)  # as write_report saves
    else:
        from devolve.io import problem_csv
        from devolve.io.read import find_problems
        bad = Path(sys.argv[3])
        report = find_problems(bad)
        problem_csv.neutralise = dying(problem_csv.neutralise, 30)
        problem_csv.write_problems_csv(report, path)
""")

BEFORE = b"the file as it was before the export"


@pytest.mark.parametrize("what, name", [("workbook", "plan.xlsx"), ("report", "cabinet report.docx"),
                                        ("problems", "problems.csv")])
def test_an_export_killed_part_way_leaves_the_old_file(tmp_path, what, name):
    target = tmp_path / name
    target.write_bytes(BEFORE)
    bad = tmp_path / "broken.csv"
    bad.write_text("service_id,service_name\n" + "".join(f",nameless {i}\n" for i in range(20)), encoding="utf-8")
    killed = subprocess.run([sys.executable, "-c", WRITER, what, str(target), str(bad)], capture_output=True,
                            text=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert target.read_bytes() == BEFORE
    # what was being written is left aside under a hidden name, never under the export's own
    assert {p.name for p in tmp_path.iterdir()} - {name, "broken.csv"} <= {
        p.name for p in tmp_path.glob(".devolve-*")}
