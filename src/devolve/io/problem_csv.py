"""The problem table as a CSV file a consultant can sort and filter, safe to open in Excel."""

from __future__ import annotations

import csv
from pathlib import Path

from devolve.core.problems import ProblemReport
from devolve.io.safe import neutralise
from devolve.io.xlsx import replacing


def write_problems_csv(report: ProblemReport, path: str | Path) -> None:
    """The same table as a CSV file (with file and problem code), safe to open in Excel."""
    columns = ("severity", "file", "sheet", "row", "column", "value", "expected", "message", "code")
    rows = {id(p): r for p, r in zip(report.problems, report.rows())}
    with replacing(Path(path)) as tmp, tmp.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for p in report.ordered():
            r = rows[id(p)]
            writer.writerow([neutralise("" if r[c] is None else r[c]) for c in columns])
