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


@pytest.mark.slow
def test_batch_times_one_worker_against_two_on_councils_of_mixed_sizes(monkeypatch, capsys):
    monkeypatch.setattr(bench, "BATCH_SIZES", ((6, 3), (4, 2)))
    assert bench.main(["--batch", "--councils", "3", "--workers", "2"]) == 0
    text = capsys.readouterr().out
    assert "3 synthetic councils (6 x 3, 4 x 2, 6 x 3 services x neighbourhoods), 3 planned (" in text
    assert "councils a minute per worker" in text and "speed-up" in text and "efficiency" in text
    assert "as the longest council alone takes" in text and "what the workers lose to sharing" in text
    assert "the same plans on both: yes" in text


def test_batch_reports_ratios_that_follow_from_its_timings(monkeypatch):
    """The ratios are worked out from the two runs' seconds, whatever they were."""
    from devolve import usecases
    from devolve.core.comparison import compare_councils

    seconds = iter([0.0, 12.0, 12.0, 20.0])  # one worker 12 s, two workers 8 s
    monkeypatch.setattr(bench.time, "perf_counter", lambda: next(seconds))
    monkeypatch.setattr(usecases, "plan_councils", lambda files, **how: compare_councils([]))
    r = bench.batch(councils=2, workers=2, sizes=((3, 2),))
    assert (r["one_worker_seconds"], r["many_workers_seconds"]) == (12.0, 8.0)
    assert (r["speed_up"], r["efficiency"]) == (1.5, 0.75) and r["same_answers"]
    assert r["best_speed_up"] == 2  # no council took any time: only the workers bound it


def test_capacity_use_sets_the_councils_share_of_volunteer_hours():
    council = bench.council("S", capacity_use=0.01)
    assert council.scenario.capacity_use == 0.01
    assert bench.council("S").scenario.capacity_use == 0.5
    assert bench.with_capacity_use(council, 0.2).scenario.capacity_use == 0.2
    with pytest.raises(ValueError):
        bench.with_capacity_use(council, 1.5)


def test_capacity_use_must_be_a_share(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--capacity-use", "2"])
    assert "2 is not a share between 0 and 1" in capsys.readouterr().err


def test_peak_memory_is_measured_per_process():
    import sys

    small = bench._peak([sys.executable, "-c", "print('done')"])
    big = bench._peak([sys.executable, "-c", "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096]); "
                                            "print('done')"])
    assert small["exit_code"] == big["exit_code"] == 0 and small["last_line"] == "done"
    assert small["peak_mb"] < 100 < 200 <= big["peak_mb"] < 400
    assert big["peak_together_mb"] is None or 150 < big["peak_together_mb"] < 400


@pytest.mark.slow
def test_memory_measures_validate_assess_and_the_app_each_in_a_fresh_process(capsys):
    assert bench.main(["--memory", "--scale", "S", "--time-limit", "5"]) == 0
    text = capsys.readouterr().out
    assert "scale S: 40 services x 12 neighbourhoods, a workbook of" in text and "MB of memory" in text
    for said in ("devolve validate: peak", "devolve assess --out plan.xlsx: peak",
                 "the app (upload, keep, plan): peak"):
        assert said in text
    assert "exit code 0): council.xlsx: valid" in text and "Plan written to" in text
    assert '"errors": [], "exceptions": []' in text and '"in_hand": "council"' in text
