"""Input workbooks in, assessments out: the guard, the sheets, then the assessment put together.

Anything unexpected while reading becomes a located FILE_UNREADABLE problem, never a traceback.
"""

from __future__ import annotations

from importlib.resources import as_file
from pathlib import Path
from typing import Mapping

from pydantic import ValidationError

from devolve.assess.assemble import assemble, default_scenario, defaults_in_use
from devolve.assess.decompose import ActivityRecord
from devolve.core.domain import Assessment, Neighbourhood, Priorities, Service
from devolve.core.problems import InvalidInput, ProblemCode, ProblemReport, Severity
from devolve.core.rubric import Rubric
from devolve.core.scenario import Scenario
from devolve.io.columns import ACTIVITIES, NEIGHBOURHOODS, PRIORITIES, SCENARIO, SERVICES
from devolve.io.findings import Findings, shorten
from devolve.io.grid import Table, read_csv, read_xlsx
from devolve.io.guard import check_file
from devolve.io.ods import read_ods
from devolve.io.resources import sample_file
from devolve.io.sheets import (
    SheetReader,
    pydantic_code,
    read_activities,
    read_neighbourhoods,
    read_priorities,
    read_scenario,
    read_services,
)
from devolve.io.toml import load_rubric


def read_assessment(
    path: str | Path, rubric: Rubric | None = None, *, display_name: str | None = None
) -> tuple[Assessment, ProblemReport]:
    """Read an input workbook (.xlsx or LibreOffice's .ods) or service list (.csv) into a validated assessment.

    Returns the assessment and a report of warnings. Raises :class:`InvalidInput` carrying
    every error and warning found when the file cannot become an assessment.
    ``display_name`` is the name problems quote (an upload's own name, not its temporary path).
    """
    rubric = rubric if rubric is not None else load_rubric()
    found = Findings(display_name or Path(path).name)
    assessment: Assessment | None = None
    try:
        checked = check_file(path, found.file)
        found.extend(checked.problems)
        if checked.kind == "csv":
            tables = read_csv(Path(path), found)
        elif checked.kind == "xlsx":
            tables = read_xlsx(Path(path), found)
        elif checked.kind == "ods":
            tables = read_ods(Path(path), found)
        else:
            tables = None
    except Exception as exc:  # a hostile or damaged file must never show a traceback
        found.add(
            ProblemCode.FILE_UNREADABLE,
            f"the file could not be read ({type(exc).__name__}: {shorten(str(exc))})",
            expected="a workbook saved by Excel, LibreOffice or Google Sheets",
        )
        tables = None
    if tables is not None:
        try:
            assessment = assessment_from_tables(tables, rubric, found)
        except Exception as exc:  # the sheets were read: what failed is devolve, not the file
            found.add(
                ProblemCode.FILE_UNREADABLE,
                f"devolve failed on this file's contents, a fault in devolve rather than in the file "
                f"({type(exc).__name__}: {shorten(str(exc))}); please report it with the file",
                expected="the file read without a fault",
            )
    if assessment is None and not found.has_errors:
        found.add(ProblemCode.FILE_UNREADABLE, "the file could not be read as an assessment")
    report = ProblemReport.of(found.problems)
    if assessment is None or not report.ok:
        raise InvalidInput(report)
    return assessment, report


def read_sample(rubric: Rubric | None = None) -> tuple[Assessment, ProblemReport]:
    """The sample council devolve ships with, read like any other workbook."""
    with as_file(sample_file()) as path:
        return read_assessment(path, rubric)


def find_problems(
    path: str | Path, rubric: Rubric | None = None, *, display_name: str | None = None
) -> ProblemReport:
    """Every problem in a file, errors and warnings; never raises for anything in the file."""
    try:
        _, report = read_assessment(path, rubric, display_name=display_name)
    except InvalidInput as exc:
        return exc.report
    return report


def assessment_from_tables(
    tables: Mapping[str, Table], rubric: Rubric, found: Findings
) -> Assessment | None:
    """Check every sheet, collecting problems; the assessment, or None when there are errors."""
    services_table = tables.get(SERVICES)
    if services_table is None:
        if not any(p.sheet == SERVICES and p.severity == Severity.ERROR for p in found.problems):
            found.add(ProblemCode.SHEET_MISSING, "there is no Services sheet", sheet=SERVICES,
                      expected="a sheet named 'Services' listing one service per row")
        inventory: list[Service] = []
        sheet_ids: set[str] | None = None
    else:
        inventory, sheet_ids = read_services(SheetReader(services_table, rubric, found), rubric)

    records: list[ActivityRecord] = []
    if ACTIVITIES in tables:
        records = read_activities(SheetReader(tables[ACTIVITIES], rubric, found), rubric, sheet_ids)

    places: list[Neighbourhood] = []
    if NEIGHBOURHOODS in tables:
        places = read_neighbourhoods(SheetReader(tables[NEIGHBOURHOODS], rubric, found), rubric)
    if not places and NEIGHBOURHOODS not in tables:
        found.add(
            ProblemCode.SHEET_MISSING,
            "there is no Neighbourhoods sheet: the assessment can be checked and scored, but the "
            "optimiser needs at least one neighbourhood to plan for",
            sheet=NEIGHBOURHOODS, expected="a Neighbourhoods sheet (see devolve template)", warning=True,
        )
    elif not places and not found.has_errors:
        found.add(
            ProblemCode.SHEET_EMPTY,
            "the Neighbourhoods sheet lists no neighbourhoods; the optimiser needs at least one",
            sheet=NEIGHBOURHOODS, row=2, expected="one row per neighbourhood", warning=True,
        )

    stated: list[Priorities] = []
    if PRIORITIES in tables:
        stated = read_priorities(SheetReader(tables[PRIORITIES], rubric, found), sheet_ids,
                                 {h.neighbourhood_id for h in places})

    base = default_scenario(rubric, inventory)
    chosen: Scenario | None = base
    if SCENARIO in tables:
        chosen = read_scenario(SheetReader(tables[SCENARIO], rubric, found), rubric, base)

    if found.has_errors or chosen is None:
        return None
    try:
        assessment = assemble(rubric, inventory, records, places, chosen, stated)
    except ValidationError as exc:
        for err in exc.errors():
            found.add(pydantic_code(err["type"]), str(err["msg"]).removeprefix("Value error, "),
                      column=".".join(str(p) for p in err["loc"]) or None, value=err.get("input"))
        return None
    _warn_defaults(found, assessment, ACTIVITIES if ACTIVITIES in tables else SERVICES)
    _warn_disagreements(found, assessment)
    return assessment


def _warn_disagreements(found: Findings, assessment: Assessment) -> None:
    """One warning per activity and criterion where assessors are more than a level apart, as a
    decision conference would stop to discuss it."""
    consensus = assessment.scenario.consensus
    for activity in assessment.activities:
        for criterion in activity.disagreements():
            views = ", ".join(f"{s.assessor or 'unnamed assessor'} {s.value}"
                              for s in activity.scores_for(criterion))
            found.add(
                ProblemCode.ASSESSORS_DISAGREE,
                f"assessors differ by {activity.spread(criterion)} levels on {criterion.value} for "
                f"{activity.service_id} {activity.stage.value} ({views}); the plan uses the {consensus.value}, "
                f"{activity.score(criterion, consensus):g}",
                sheet=ACTIVITIES, column=criterion.value,
                expected="scores within one level of each other, or a discussion that settles them",
                warning=True,
            )


def _warn_defaults(found: Findings, assessment: Assessment, sheet: str) -> None:
    """One readable warning for how much of the assessment is still the rubric's first guess."""
    defaults = defaults_in_use(assessment)
    if not defaults.activities:
        return
    untouched = defaults.untouched
    detail = ""
    if untouched:
        shown = ", ".join(untouched[:5]) + (f" and {len(untouched) - 5} more" if len(untouched) > 5 else "")
        detail = f"; no activity of {len(untouched)} service(s) is assessed yet ({shown})"
    found.add(
        ProblemCode.DEFAULTS_IN_USE,
        f"{defaults.activities} of {defaults.total} activities still use the rubric's default scores for at "
        f"least one criterion: they are first guesses until someone assesses them{detail}",
        sheet=sheet,
        expected="scores on the Activities sheet, one row per assessor",
        warning=True,
    )
