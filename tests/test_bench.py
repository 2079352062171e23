"""The benchmark council is seeded and realistic, and the bench command reports honestly."""

import json

import pytest

from devolve import bench


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


@pytest.mark.slow
def test_replan_times_what_the_app_does_against_a_full_re_plan():
    r = bench.replan(samples=2)
    assert r["samples"] == 2 and "fictional" in r["council"]
    assert 0 < r["tried_median_seconds"] <= r["tried_worst_seconds"]
    assert 0 < r["full_median_seconds"] <= r["full_worst_seconds"]
    assert r["full_over_tried_median"] > 0 and r["decisions_changed_most"] >= r["decisions_changed_median"] >= 0
    assert r["plan_and_explain_seconds"] > 0


def test_workspace_times_keeping_and_reading_back(capsys):
    assert bench.main(["--workspace", "--scale", "S", "--repeats", "1"]) == 0
    text = capsys.readouterr().out
    assert "sample (49 services x 14 neighbourhoods): import" in text and "S (40 services" in text
    assert "x reading its workbook" in text
