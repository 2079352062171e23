"""The plan itself, kept in its plan workbook, so the workbook is a plan devolve can read again.

The people's sheets (Summary, Decisions …) are for reading; a report needs the plan exactly as
made. So the plan workbook also carries a hidden sheet holding the plan and the rubric it was
made under as JSON, and the digest of the inputs it answers. Reading it back checks that digest
against the input sheets beside it: a plan whose scores or budgets were edited afterwards is
refused, in words, rather than reported as if it still held.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from devolve.core.digests import inputs_digests
from devolve.core.domain import Assessment
from devolve.core.plan import Plan
from devolve.core.problems import InvalidInput, Problem, ProblemCode, ProblemReport
from devolve.core.rubric import Rubric
from devolve.io.guard import check_file

PLAN_SHEET = "devolve plan"
FORMAT = 1
"""Bumped when the sheet's layout changes; a newer one is refused in words."""
CHUNK = 32_000
"""Characters per cell: Excel holds at most 32,767 in one."""


def add_plan_sheet(workbook: Any, assessment: Assessment, plan: Plan) -> None:
    """A hidden sheet with the plan, its rubric and its inputs digest, in cells of text."""
    ws = workbook.create_sheet(PLAN_SHEET)
    ws.sheet_state = "hidden"
    ws.append(["What", "Value"])
    ws.append(["format", FORMAT])
    ws.append(["inputs digest", inputs_digests(assessment)["inputs"]])
    for what, text in (("rubric", assessment.rubric.model_dump_json()), ("plan", plan.model_dump_json())):
        for start in range(0, len(text), CHUNK):
            ws.append([what, text[start:start + CHUNK]])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # JSON may begin with characters a spreadsheet would run


def read_plan_sheet(path: str | Path, name: str) -> tuple[Plan, Rubric, str]:
    """The plan, rubric and inputs digest kept in a plan workbook; :class:`InvalidInput` naming the
    file and sheet when there is none or it cannot be read."""
    import openpyxl

    def refuse(message: str, row: int | None = None) -> InvalidInput:
        return InvalidInput(ProblemReport.of([Problem(ProblemCode.PLAN_MISSING, message, file=name,
                                                      sheet=PLAN_SHEET if row else None, row=row,
                                                      column="Value" if row else None)]))

    checked = check_file(path, name)  # the same guard as every workbook devolve opens
    if checked.kind != "xlsx":
        raise InvalidInput(ProblemReport.of(checked.problems or [Problem(
            ProblemCode.FILE_NOT_WORKBOOK, "a plan workbook is an .xlsx file written by devolve assess --out",
            file=name)]))
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if PLAN_SHEET not in workbook.sheetnames:
            raise refuse("this workbook holds no plan; make one with devolve assess FILE --out PLAN.xlsx")
        parts: dict[str, list[str]] = {}
        version = None
        for number, (what, value) in enumerate(workbook[PLAN_SHEET].iter_rows(min_row=2, max_col=2, values_only=True),
                                               start=2):
            if what == "format":
                version = value
                if not isinstance(value, int) or value > FORMAT:
                    raise refuse(f"this plan was written by a newer devolve (plan format {value}); update devolve to read it",
                                 number)
            elif what in ("inputs digest", "rubric", "plan"):
                parts.setdefault(what, []).append(str(value or ""))
        if version is None or not all(k in parts for k in ("inputs digest", "rubric", "plan")):
            raise refuse("this workbook's plan is incomplete; make the plan again with devolve assess")
        try:
            plan = Plan.model_validate(json.loads("".join(parts["plan"])))
            rubric = Rubric.model_validate(json.loads("".join(parts["rubric"])))
        except ValueError as exc:
            raise refuse(f"this workbook's plan cannot be read ({str(exc).splitlines()[0]}); make the plan again "
                         "with devolve assess") from exc
        return plan, rubric, parts["inputs digest"][0]
    finally:
        workbook.close()


def still_answers(assessment: Assessment, digest: str, name: str) -> None:
    """Refuse, naming the file, a plan whose inputs were changed after it was made."""
    if inputs_digests(assessment)["inputs"] != digest:
        raise InvalidInput(ProblemReport.of([Problem(
            ProblemCode.PLAN_STALE,
            "the workbook was changed after its plan was made (its services, scores, neighbourhoods or scenario "
            "differ from those the plan answers); make the plan again with devolve assess",
            file=name, sheet=PLAN_SHEET, row=3, column="Value")]))
