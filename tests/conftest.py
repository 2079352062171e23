"""Shared fixtures: the default rubric, a small assessment, and workbooks written the way a
client's spreadsheet arrives (raw cells through openpyxl, not through devolve's writer)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from devolve.decompose import ActivityRecord, decompose, default_volunteer_hours
from devolve.domain import Assessment, Criterion, Neighbourhood, Scenario, ScoreSource, Service, Stage
from devolve.rubric import load_rubric
from devolve.scenario import default_scenario

SERVICE_HEADERS = ("service_id", "name", "directorate", "service_type", "annual_budget", "statutory",
                   "outcomes", "lgsl_id")
NEIGHBOURHOOD_HEADERS = ("neighbourhood_id", "name", "population", "share_aged_65_plus", "volunteer_hours",
                         "intermediaries")


@pytest.fixture(scope="session")
def rubric():
    return load_rubric()


@pytest.fixture()
def services_rows() -> list[list[Any]]:
    """A valid Services sheet: header then three services."""
    return [
        list(SERVICE_HEADERS),
        ["ENV01", "Parks and open spaces", "Place", "infrastructure-heavy", 2_000_000, "no",
         "local_environment; public_health", 1],
        ["ASC01", "Home care", "Adults", "personal", 9_500_000, "yes", "be_healthy", None],
        ["REG01", "Licensing", "Place", "regulatory", 400_000, "no", None, 2],
    ]


@pytest.fixture()
def neighbourhood_rows() -> list[list[Any]]:
    return [
        list(NEIGHBOURHOOD_HEADERS),
        ["N1", "Northfield", 11_000, 0.21, None, 3],
        ["N2", "Southmead", 8_500, "18%", 1200, 1],
    ]


@pytest.fixture()
def make_workbook(tmp_path: Path) -> Callable[..., Path]:
    """Write sheets of raw cells to an .xlsx, as a client's spreadsheet would hold them."""
    import openpyxl

    def make(sheets: dict[str, list[list[Any]]], name: str = "input.xlsx") -> Path:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for title, rows in sheets.items():
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
        path = tmp_path / name
        wb.save(path)
        return path

    return make


@pytest.fixture()
def small_assessment(rubric) -> Assessment:
    """An assessment using every feature a round trip must keep: several assessors, given and
    default cost shares, retained activities, extras, formula-like text, default and given
    volunteer hours, and scenario settings away from their defaults."""
    services = (
        Service(service_id="ENV01", name="=HYPERLINK(\"http://x\")", directorate="Place",
                service_type="infrastructure-heavy", annual_budget=2_000_000.5,
                outcomes=("local_environment", "not_in_rubric"), lgsl_id=7,
                extra={"Cost centre": "-C100", "Headcount": 12, "Notes": "@risk", "Flag": True}),
        Service(service_id="007", name="Home care", directorate="Adults", service_type="personal",
                annual_budget=9_500_000, statutory=True),
    )
    records = [
        ActivityRecord("ENV01", Stage.DELIVERY, cost_share=0.55, assessor="Ana", rationale="Friends groups",
                       evidence="+2019 pilot", scores={Criterion.OUTCOMES: 4, Criterion.UNBUNDLING: 3},
                       extra={"Workshop": "March"}),
        ActivityRecord("ENV01", Stage.DELIVERY, cost_share=0.55, assessor="Ben",
                       scores={Criterion.OUTCOMES: 2, Criterion.RESILIENCE: 1}, extra={"Workshop": "March"}),
        ActivityRecord("ENV01", Stage.DESIGN, cost_share=0.1),
        ActivityRecord("007", Stage.GOVERNANCE, must_retain=True, retain_reason="Care Act duties"),
        ActivityRecord("007", Stage.ASSESSMENT, scores={Criterion.PARTNERSHIP: 0}, rationale="No partner yet"),
    ]
    neighbourhoods = (
        Neighbourhood(neighbourhood_id="N1", name="Northfield", population=11_000, share_aged_65_plus=0.21,
                      volunteer_hours=default_volunteer_hours(rubric, 11_000, 0.21)),
        Neighbourhood(neighbourhood_id="N2", name="Southmead", population=8_500, share_aged_65_plus=0.18,
                      volunteer_hours=1_234.5, volunteer_hours_source=ScoreSource.ASSESSED, intermediaries=2,
                      extra={"Ward": "Southmead & Henbury"}),
    )
    scenario = Scenario.model_validate(default_scenario(rubric, services).model_dump() | {
        "name": "Pilot year",
        "configurations": ("citizen_coproduction", "councillor_forum"),
        "running_cost_limit": -25_000.0,
        "min_collective_share": 0.25,
        "extra": {"owner": "Strategy team"},
    })
    return Assessment(rubric=rubric, services=services, activities=decompose(rubric, services, records),
                      neighbourhoods=neighbourhoods, scenario=scenario)


@pytest.fixture()
def devolve() -> Callable[[list[str]], int]:
    """The `devolve` command line, run in-process: devolve(["validate", path]) -> exit code."""
    from devolve.cli import main

    return main
