"""Shared fixtures: the default rubric, the bundled sample, a small assessment, and workbooks
written the way a client's spreadsheet arrives (raw cells through openpyxl, not devolve's writer).

Helpers that build councils live in :mod:`devolve.testing`, so tests never import each other.
"""

from __future__ import annotations

import importlib.util
from importlib.resources import as_file
from pathlib import Path
from typing import Any, Callable

import pytest

from devolve.assess.assemble import assemble, default_scenario
from devolve.assess.capacity import default_volunteer_hours
from devolve.assess.decompose import ActivityRecord
from devolve.core import Assessment, Criterion, Neighbourhood, ScoreSource, Service, Stage
from devolve.io.columns import NEIGHBOURHOOD_COLUMNS, SERVICE_COLUMNS
from devolve.io.resources import sample_file
from devolve.io.toml import load_rubric
from devolve.testing import synthetic_assessment

pytest_plugins = ["tests.postgres"]
"""A throwaway PostgreSQL server for the workspace's tests (postgres_server, postgres_url)."""

SERVICE_HEADERS = tuple(c.key for c in SERVICE_COLUMNS)
NEIGHBOURHOOD_HEADERS = tuple(c.key for c in NEIGHBOURHOOD_COLUMNS)
ROOT = Path(__file__).resolve().parents[1]
"""The checkout (for its docs and scripts; the package's own files come through importlib)."""


@pytest.fixture(autouse=True)
def _own_workspace(tmp_path_factory, monkeypatch):
    """No test touches the real user's workspace: the default one is a fresh file per test."""
    monkeypatch.setenv("DEVOLVE_WORKSPACE", str(tmp_path_factory.mktemp("workspace") / "workspace.sqlite"))


@pytest.fixture(scope="session")
def rubric():
    return load_rubric()


@pytest.fixture(scope="session")
def council() -> Assessment:
    """A synthetic council of 12 services and 6 neighbourhoods, small enough to solve exactly."""
    return synthetic_assessment(12, 6, seed=11, relative_gap=0.0, time_limit=30)


@pytest.fixture(scope="session")
def sample_path():
    """The bundled sample workbook, as a file on disk."""
    with as_file(sample_file()) as path:
        yield path


@pytest.fixture(scope="session")
def sample(sample_path) -> Assessment:
    """The bundled sample council, read."""
    from devolve.io.read import read_assessment

    return read_assessment(sample_path)[0]


@pytest.fixture(scope="session")
def explained(sample):
    """The sample and its explained plan (nearest alternatives, fates, the uniform offer's figures),
    made once for every test that reads a plan without changing it."""
    from devolve.usecases import plan_and_explain

    return sample, plan_and_explain(sample)


@pytest.fixture(scope="session")
def checkout() -> Path:
    """The checkout's root, for its scripts, docs and entry point (never for the package's files)."""
    return ROOT


@pytest.fixture(scope="session")
def make_sample():
    """scripts/make_sample.py as a module: it builds the sample council."""
    spec = importlib.util.spec_from_file_location("make_sample", ROOT / "scripts" / "make_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def services_rows() -> list[list[Any]]:
    """A valid Services sheet: header then three services."""
    return [
        list(SERVICE_HEADERS),
        ["ENV01", "Parks and open spaces", "Place", "infrastructure-heavy", 2_000_000, "no",
         "local_environment; public_health", 1, None],
        ["ASC01", "Home care", "Adults", "personal", 9_500_000, "yes", "be_healthy", None, 1_200],
        ["REG01", "Licensing", "Place", "regulatory", 400_000, "no", None, 2, None],
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
    scenario = default_scenario(rubric, services).replace(
        name="Pilot year",
        configurations=("citizen_coproduction", "councillor_forum"),
        running_cost_limit=-25_000.0,
        min_collective_share=0.25,
        extra={"owner": "Strategy team"},
    )
    return assemble(rubric, services, records, neighbourhoods, scenario)


@pytest.fixture()
def devolve() -> Callable[[list[str]], int]:
    """The `devolve` command line, run in-process: devolve(["validate", path]) -> exit code."""
    from devolve.cli import main

    return main
