"""Plans made in a worker process: answers and errors come back, progress is passed on, and a
worker past its deadline and the margin is stopped, with whatever it started."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from devolve import apart, usecases
from devolve.core.plan import NoteKind, ObstacleKind, PlanStatus
from devolve.optimise.highs import DEADLINE_MARGIN_SECONDS
from devolve.present.words import note_text
from devolve.testing import OVERRUN_DEADLINE as DEADLINE
from devolve.testing import answer, die, overrun, refuse, sleep_then_answer

def test_the_answer_comes_back_from_another_process_with_its_progress():
    steps: list[str] = []
    got = apart.run_apart(answer, (21,), progress=steps.append)
    assert got["twice"] == 42 and got["pid"] != os.getpid()
    assert steps == ["working on 21"]


def test_the_workers_error_is_raised_here():
    with pytest.raises(ValueError, match="refused on purpose"):
        apart.run_apart(refuse, ())


def test_steps_are_not_relayed_to_a_task_that_takes_none():
    steps: list[str] = []
    assert apart.run_apart(sleep_then_answer, (0.1,), progress=steps.append, relay=False) == 0.1
    assert steps == []


def test_a_worker_that_dies_is_named_not_waited_for():
    with pytest.raises(apart.WorkerLost, match="exit code 9"):
        apart.run_apart(die, ())


def test_a_run_past_its_deadline_is_stopped_within_the_margin_with_what_it_started(tmp_path):
    pid_file = tmp_path / "started"
    t = time.monotonic()
    with pytest.raises(apart.Overran) as stopped:
        apart.run_apart(overrun, (str(pid_file),))
    took = time.monotonic() - t
    assert took < DEADLINE + DEADLINE_MARGIN_SECONDS + 1.5
    assert stopped.value.over >= DEADLINE_MARGIN_SECONDS
    grandchild = int(pid_file.read_text())
    time.sleep(0.2)
    assert not Path(f"/proc/{grandchild}").exists() or "Z" in Path(f"/proc/{grandchild}/stat").read_text().split()[2]


def test_work_outside_a_solver_run_is_not_stopped():
    assert apart.run_apart(sleep_then_answer, (DEADLINE_MARGIN_SECONDS + 1,)) == DEADLINE_MARGIN_SECONDS + 1


def test_a_stopped_plan_says_so_and_why(sample):
    plan = apart.stopped_plan(sample.scenario, apart.Overran(63.2, 3.1))
    assert plan.status == PlanStatus.NO_PLAN and plan.objective is None and not plan.decisions
    assert [o.kind for o in plan.diagnosis] == [ObstacleKind.NO_PLAN_IN_TIME]
    [note] = plan.notes
    assert note.kind == NoteKind.STOPPED
    assert note_text(note) == ("the solver did not stop at its deadline and was stopped 3.1 s after it, 63.2 s into "
                               "the work; no plan was kept")


def test_work_beyond_the_free_solvers_waits_and_says_so(monkeypatch):
    monkeypatch.setattr(apart, "_queue", apart.Queue(1))
    first = threading.Thread(target=apart.run_apart, args=(sleep_then_answer, (1.5,)))
    first.start()
    time.sleep(0.3)
    steps: list[str] = []
    assert apart.run_apart(answer, (1,), progress=steps.append)["twice"] == 2
    first.join()
    assert steps[0].startswith("Waiting for a free solver") and steps[-1] == "working on 1"


def test_the_plan_made_apart_is_the_plan_made_here(sample):
    steps: list[str] = []
    here = usecases.plan_and_explain(sample)
    there = usecases.plan_apart(sample, progress=steps.append)
    assert there.decisions == here.decisions and there.fates == here.fates
    assert there.objective == pytest.approx(here.objective) and there.status == here.status
    assert steps[0] == "Building model…" and "Explaining the plan…" in steps


def test_an_assessment_with_no_neighbourhoods_is_refused_before_any_process(make_workbook, services_rows):
    assessment, _ = usecases.read_input(make_workbook({"Services": services_rows}))
    with pytest.raises(usecases.CannotPlan):
        usecases.plan_apart(assessment)


def test_turns_are_taken_in_the_order_asked_for():
    queue = apart.Queue(1)
    queue.wait_turn(lambda step: None)  # the one slot is taken
    order: list[int] = []
    heard: dict[int, list[str]] = {1: [], 2: [], 3: []}

    def wait(i: int) -> None:
        queue.wait_turn(heard[i].append)
        order.append(i)
        time.sleep(0.05)
        queue.done()

    threads = []
    for i in (1, 2, 3):
        threads.append(threading.Thread(target=wait, args=(i,)))
        threads[-1].start()
        time.sleep(0.2)  # each arrives after the one before has started waiting
    time.sleep(0.6)
    queue.done()
    for t in threads:
        t.join(5)
    assert order == [1, 2, 3]
    assert heard[3][0] == "Waiting for a free solver: 2 plan(s) before this one in the queue…"
