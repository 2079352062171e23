"""A workspace on each database devolve supports: an SQLite file always, and a real PostgreSQL
server started for the test run (see tests/postgres.py)."""

from __future__ import annotations

import pytest

from devolve.workspace.store import Workspace


@pytest.fixture(params=["sqlite", "postgresql"])
def workspace_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workspace.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def workspace(workspace_url):
    with Workspace(workspace_url) as opened:
        yield opened


@pytest.fixture
def imported(workspace, sample):
    """The sample council kept as 'Calderbridge draft'."""
    workspace.import_assessment(sample, "Calderbridge draft", by="Strategy Officer (KH)", source="sample_services.xlsx")
    return workspace


@pytest.fixture(scope="session")
def tiny_plan(sample):
    """A plan of one decision for the sample, made by hand: keeping a plan needs no solve."""
    from devolve.core.plan import Decision, Plan, PlanMethod, PlanStatus
    from devolve.core.terms import BENEFITS

    where = sample.neighbourhoods[0].neighbourhood_id
    decision = Decision(service_id="ASC02", stage="delivery", neighbourhood_id=where,
                        configuration="citizen_coproduction", value=1.5,
                        contributions={b: 1.5 if i == 0 else 0.0 for i, b in enumerate(BENEFITS)},
                        annual_cost=12_000.0, residents=340.0, transition_cost=3_000.0, running_change=500.0,
                        contingency=1_200.0, volunteer_hours=400.0)
    return Plan(scenario_name=sample.scenario.name, method=PlanMethod.LP_FIX, solver="highs",
                status=PlanStatus.WITHIN_GAP, objective=1.5, best_bound=1.51, gap=0.0066, build_seconds=0.1,
                solve_seconds=0.4, extract_seconds=0.01, decisions=(decision,))
