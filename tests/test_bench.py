"""The benchmark council is seeded and realistic, and the bench command reports honestly."""

import json

import pytest

from devolve import bench
from devolve.check import check_plan
from devolve.decompose import retention_reason
from devolve.optimise import DevolutionModel


def test_synthetic_council_is_seeded_and_structured():
    a = bench.synthetic_assessment(40, 12, seed=5)
    b = bench.synthetic_assessment(40, 12, seed=5)
    c = bench.synthetic_assessment(40, 12, seed=6)
    assert a == b and a != c
    assert len(a.services) == 40 and len(a.neighbourhoods) == 12 and len(a.activities) == 360
    assert len({s.service_type for s in a.services}) == 4
    assert any(s.statutory for s in a.services) and not all(s.statutory for s in a.services)
    assessed = sum(any(s.source.value == "assessed" for s in act.scores) for act in a.activities)
    assert 0 < assessed < len(a.activities)
    pops = [h.population for h in a.neighbourhoods]
    assert max(pops) > 1.5 * min(pops)
    assert len(a.offered_configurations()) == 3
    assert a.scenario.running_cost_limit < 0  # a required saving
    retained = [act for act in a.activities
                if retention_reason(a.rubric, a.service(act.service_id), act) is not None]
    assert 0 < len(retained) < len(a.activities)


def test_limits_bind_on_the_small_council():
    a = bench.synthetic_assessment(40, 12, seed=0)
    plan = DevolutionModel(a).solve()
    assert check_plan(a, plan, check_values=False) == []
    binding = {lim.name for lim in plan.limits if lim.binding}
    assert "transition_budget" in binding
    # the required saving is met, with room to spare: not every limit binds
    assert plan.limit("running_cost").used <= a.scenario.running_cost_limit
    assert "running_cost" not in binding


def test_run_reports_timings_and_gap():
    r = bench.run("S", seed=0)
    for key in ("build_seconds", "solve_seconds", "extract_seconds", "total_seconds", "outside_over_inside",
                "objective", "best_bound", "gap", "method"):
        assert r[key] is not None, key
    assert r["status"] in ("optimal", "within gap")
    assert r["gap"] <= 0.01
    assert r["best_bound"] >= r["objective"]
    assert r["total_seconds"] >= r["solve_seconds"]


def test_cli_json(capsys):
    assert bench.main(["--scale", "S", "--seed", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scale"] == "S" and out["binaries"] > 0


@pytest.mark.slow
def test_cli_text_with_cbc(capsys):
    assert bench.main(["--scale", "S", "--solver", "cbc", "--time-limit", "60"]) == 0
    text = capsys.readouterr().out
    assert "CBC" in text and "time outside the solver" in text
