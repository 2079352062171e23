"""An assessment written back as the five input sheets, after any extra sheets (a plan's tables).

Defaults are written as blank cells, so they read back as defaults: reading the file gives an
assessment equal to the one written.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from devolve.assess.capacity import default_volunteer_hours
from devolve.assess.decompose import default_cost_shares
from devolve.core.domain import Activity, Assessment, Neighbourhood, Priorities, Service
from devolve.core.plan import Plan
from devolve.core.rubric import Rubric
from devolve.core.scenario import SETTINGS_BY_KEY, Scenario, settings_of
from devolve.core.terms import CRITERIA, ActivityKey, Criterion, Kind, ScoreSource
from devolve.io.columns import (
    ACTIVITIES,
    COLUMNS,
    NEIGHBOURHOODS,
    PRIORITIES,
    SCENARIO,
    SERVICES,
    SHEETS,
    normalise_header,
)
from devolve.io.plan_sheet import add_plan_sheet
from devolve.io.xlsx import (
    frame_colours,
    frame_row_kinds,
    frame_table,
    save_atomically,
    sheet_title,
    write_table,
)


def write_workbook(
    assessment: Assessment, path: str | Path, *, extra_sheets: Mapping[str, Any] | None = None,
    plan: Plan | None = None,
) -> None:
    """Write an assessment as the input sheets, after any extra sheets (such as a plan's).

    The extra sheets come first, in their order, and the first of them is the one the workbook
    opens on: a councillor reads the plan, not the data it was made from. The input sheets
    follow, so the workbook still loads (the reader finds them by name). Defaults are written as
    blank cells, so they read back as defaults; reading the file gives an assessment equal to
    this one.
    """
    import openpyxl

    inputs = {normalise_header(s) for s in SHEETS}
    for title in extra_sheets or {}:
        if normalise_header(title) in inputs:
            raise ValueError(f"extra sheet '{title}' would replace one of the input sheets")
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, frame in (extra_sheets or {}).items():
        headers, kinds, rows = frame_table(frame)
        write_table(workbook.create_sheet(sheet_title(title)), headers, rows, kinds,
                    row_kinds=frame_row_kinds(headers, kinds), colours=frame_colours(headers), group_digits=True)
    for sheet, (headers, kinds, rows) in _assessment_tables(assessment).items():
        write_table(workbook.create_sheet(sheet), headers, rows, kinds, _widths(sheet, headers),
                    scenario_row_kinds if sheet == SCENARIO else None)
    workbook.active = 0
    workbook.worksheets[0].sheet_view.tabSelected = True
    if plan is not None:
        add_plan_sheet(workbook, assessment, plan)  # hidden: the plan itself, for devolve report
    save_atomically(workbook, Path(path))


_Tables = dict[str, tuple[list[str], list[Kind | None], list[list[Any]]]]


def _assessment_tables(assessment: Assessment) -> _Tables:
    return {
        SERVICES: _services_table(assessment.services),
        ACTIVITIES: _activities_table(assessment.activities, _shares_to_write(assessment)),
        NEIGHBOURHOODS: _neighbourhoods_table(assessment.neighbourhoods, assessment.rubric),
        PRIORITIES: _priorities_table(assessment.priorities),
        SCENARIO: _scenario_table(assessment.scenario),
    }


def _extra_keys(items: Iterable[Mapping[str, Any]]) -> list[str]:
    keys: dict[str, None] = {}
    for extra in items:
        keys.update(dict.fromkeys(extra))
    return list(keys)


def _known(sheet: str) -> tuple[list[str], list[Kind | None]]:
    columns = COLUMNS[sheet]
    return [c.key for c in columns], [c.kind for c in columns]


def _services_table(services: Sequence[Service]) -> tuple[list[str], list[Kind | None], list[list[Any]]]:
    headers, kinds = _known(SERVICES)
    extras = _extra_keys(s.extra for s in services)
    rows = [
        [s.service_id, s.name, s.directorate, s.service_type.value, s.annual_budget,
         "yes" if s.statutory else "no", "; ".join(s.outcomes) or None, s.lgsl_id, s.users]
        + [s.extra.get(k) for k in extras]
        for s in services
    ]
    return headers + extras, kinds + [None] * len(extras), rows


def _shares_to_write(assessment: Assessment) -> set[ActivityKey]:
    """Activities whose cost share must be written: those given, and every share of a service
    whose default shares are not what the priors would give (hand-edited, so nothing is lost)."""
    by_service: dict[str, list[Activity]] = defaultdict(list)
    for a in assessment.activities:
        by_service[a.service_id].append(a)
    out: set[ActivityKey] = set()
    for sid, acts in by_service.items():
        given = {a.stage: a.cost_share for a in acts if a.cost_share_source == ScoreSource.ASSESSED}
        expected = default_cost_shares(assessment.rubric, assessment.service(sid), given)
        drifted = any(abs(a.cost_share - expected[a.stage]) > 1e-12 for a in acts)
        out |= {a.key for a in acts if drifted or a.stage in given}
    return out


def _activities_table(
    activities: Sequence[Activity], shares: set[ActivityKey]
) -> tuple[list[str], list[Kind | None], list[list[Any]]]:
    headers, kinds = _known(ACTIVITIES)
    extras = _extra_keys(a.extra for a in activities)
    rows: list[list[Any]] = []
    for a in activities:
        assessed = [s for s in a.scores if s.source == ScoreSource.ASSESSED]
        share_given = a.key in shares
        if not (assessed or share_given or a.must_retain or a.retain_reason or a.extra):
            continue  # wholly default: reads back from the priors
        by_assessor: dict[str | None, list] = {}
        for score in assessed:
            by_assessor.setdefault(score.assessor, []).append(score)
        for assessor, scores in (by_assessor or {None: []}).items():
            values = {s.criterion: s.value for s in scores}
            rows.append(
                [a.service_id, a.stage.value, a.cost_share if share_given else None,
                 "yes" if a.must_retain else None, a.retain_reason, assessor]
                + [values.get(c) for c in CRITERIA]
                + [_one_note([(s.criterion, s.rationale) for s in scores]),
                   _one_note([(s.criterion, s.evidence) for s in scores])]
                + [a.extra.get(k) for k in extras]
            )
    return headers + extras, kinds + [None] * len(extras), rows


def _one_note(notes: list[tuple[Criterion, str | None]]) -> str | None:
    """An assessor's rationale (or evidence) for one row: theirs as it is when every criterion
    has the same (as a workbook row gives it), else each criterion's, named, so none is lost or
    credited to another criterion (an app may take one per criterion)."""
    said = [(c, text) for c, text in notes if text]
    if len({text for _, text in said}) <= 1 and len(said) in (0, len(notes)):
        return said[0][1] if said else None
    return "; ".join(f"{c.value}: {text}" for c, text in said)


def _neighbourhoods_table(
    neighbourhoods: Sequence[Neighbourhood], rubric: Rubric
) -> tuple[list[str], list[Kind | None], list[list[Any]]]:
    headers, kinds = _known(NEIGHBOURHOODS)
    extras = _extra_keys(n.extra for n in neighbourhoods)
    rows = [
        [n.neighbourhood_id, n.name, n.population, n.share_aged_65_plus, _hours(n, rubric), n.intermediaries]
        + [n.extra.get(k) for k in extras]
        for n in neighbourhoods
    ]
    return headers + extras, kinds + [None] * len(extras), rows


def _priorities_table(priorities: Sequence[Priorities]) -> tuple[list[str], list[Kind | None], list[list[Any]]]:
    """One row per neighbourhood and benefit or service; cells kept from extra columns go on the
    neighbourhood's first row."""
    headers, kinds = _known(PRIORITIES)
    extras = _extra_keys(p.extra for p in priorities)
    rows = []
    for p in priorities:
        stated = [(b.value, w) for b, w in p.weights.items()] + list(p.services.items())
        for i, (said, weight) in enumerate(stated):
            rows.append([p.neighbourhood_id, said, weight, p.source]
                        + [p.extra.get(k) if i == 0 else None for k in extras])
    return headers + extras, kinds + [None] * len(extras), rows


def _hours(n: Neighbourhood, rubric: Rubric) -> float | None:
    """Blank when the hours are the rubric's estimate, so they read back as a default.

    Hours marked default but not equal to the estimate are written out: the number matters
    more to a plan than its label, and nothing the user entered may be lost.
    """
    derived = default_volunteer_hours(rubric, n.population, n.share_aged_65_plus)
    if n.volunteer_hours_source == ScoreSource.DEFAULT and n.volunteer_hours == derived:
        return None
    return n.volunteer_hours


def _scenario_table(scenario: Scenario) -> tuple[list[str], list[Kind | None], list[list[Any]]]:
    headers, _ = _known(SCENARIO)
    rows = [[key, value, _meaning(key)] for key, value in settings_of(scenario)]
    return headers, [None, None, None], rows


def _meaning(key: str) -> str | None:
    setting = SETTINGS_BY_KEY.get(key)
    return setting.meaning if setting else None


def _widths(sheet: str, headers: list[str]) -> list[int]:
    known = {c.key: c.width for c in COLUMNS[sheet]}
    return [known.get(h, max(12, min(40, len(h) + 4))) for h in headers]


def scenario_row_kinds(row: Sequence[Any]) -> list[Kind | None]:
    """A Scenario sheet row's formats: its value is formatted by its setting's kind (£, %)."""
    setting = SETTINGS_BY_KEY.get(str(row[0])) if row else None
    return [None, setting.kind if setting else None, None]
