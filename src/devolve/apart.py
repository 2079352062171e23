"""Plans made in a worker process of their own, watched from outside.

HiGHS is given each run's deadline and polled by interrupt callbacks (:mod:`devolve.optimise.highs`),
but a phase that neither calls back nor reads the clock would run on; and in the app's server,
every session's solve would queue for Python's lock on every callback. Here the work runs in a
process of its own, forked from a server that has devolve imported already (so a start costs
milliseconds): each solver run's deadline is sent to this side as the run starts, and a worker
still inside a run :data:`~devolve.optimise.highs.DEADLINE_MARGIN_SECONDS` after its deadline is
ended with everything it started (CBC runs as a process of its own). At most one worker a core runs
at once; the others wait their turn and say so.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import traceback
from typing import Any, Callable

from devolve.core.plan import NoteKind, Obstacle, ObstacleKind, Plan, PlanMethod, PlanStatus, SolveNote
from devolve.core.scenario import Scenario
from devolve.core.terms import SolverName
from devolve.optimise.highs import DEADLINE_MARGIN_SECONDS, highs_name, watch_deadlines
from devolve.scale import default_workers, one_thread

Progress = Callable[[str], None]

_PRELOAD = ["__main__", "devolve.usecases", "devolve.optimise.solve", "devolve.optimise.explain",
            "devolve.optimise.diagnose"]
"""Imported once by the fork server, so that a worker starts in milliseconds (``__main__``: the
program that asked, which every worker would otherwise import again)."""
_context = None
_context_lock = threading.Lock()


class Queue:
    """Turns at the solvers, first come first served, at most ``slots`` at once (a semaphore would
    let a late arrival overtake one that has waited long)."""

    def __init__(self, slots: int):
        self.slots = slots
        self._turns = threading.Condition()
        self._waiting: list[object] = []
        self._running = 0

    def wait_turn(self, say: Progress) -> None:
        me = object()
        with self._turns:
            self._waiting.append(me)
        try:
            while True:
                with self._turns:
                    ahead = self._waiting.index(me)
                    if ahead < self.slots - self._running:
                        self._waiting.remove(me)
                        self._running += 1
                        return
                say(f"Waiting for a free solver: {ahead} plan(s) before this one in the queue…")  # not holding the lock
                with self._turns:
                    self._turns.wait(0.5)
        except BaseException:
            with self._turns:
                if me in self._waiting:
                    self._waiting.remove(me)
                    self._turns.notify_all()
            raise

    def done(self) -> None:
        with self._turns:
            self._running -= 1
            self._turns.notify_all()


_queue = Queue(default_workers())


class Overran(Exception):
    """A worker was still inside a solver run past its deadline and the margin, and was stopped."""

    def __init__(self, seconds: float, over: float):
        super().__init__(f"stopped {over:.1f} s past a solver deadline, {seconds:.1f} s into the work")
        self.seconds = seconds
        self.over = over


class WorkerLost(RuntimeError):
    """A worker process ended without an answer (killed from outside, or out of memory)."""


def _forkserver():
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(_PRELOAD)
            _context = ctx
        return _context


def _child(conn, task: Callable, args: tuple, kwargs: dict, relay: bool) -> None:
    os.setpgrp()  # so that stopping this worker also stops a CBC it started
    watch_deadlines(lambda until: conn.send(("until", until)))
    if relay:
        kwargs = {**kwargs, "progress": lambda step: conn.send(("progress", step))}
    try:
        with one_thread():
            answer = task(*args, **kwargs)
        conn.send(("done", answer))
    except BaseException as e:  # noqa: BLE001 - sent to the parent, which raises it
        try:
            conn.send(("failed", e))
        except Exception:  # the error itself would not pickle
            conn.send(("failed", RuntimeError("".join(traceback.format_exception(e)))))
    finally:
        conn.close()


def run_apart(task: Callable, args: tuple, kwargs: dict | None = None, *, progress: Progress | None = None,
              relay: bool = True) -> Any:
    """``task(*args, **kwargs)`` in a worker process: its answer, or its error raised here.
    ``progress`` hears the wait for a free solver and, when ``relay``, the task's own steps (it
    is given a ``progress`` of its own). Raises :class:`Overran` if a solver run in it overruns,
    :class:`WorkerLost` if it dies."""
    say = progress or (lambda step: None)
    _queue.wait_turn(say)
    try:
        return _watch(task, args, kwargs or {}, say, relay and progress is not None)
    finally:
        _queue.done()


def _watch(task: Callable, args: tuple, kwargs: dict, say: Progress, relay: bool) -> Any:
    ctx = _forkserver()
    receive, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_child, args=(send, task, args, kwargs, relay), daemon=True)
    started = time.monotonic()
    worker.start()
    send.close()
    until: float | None = None
    try:
        while True:
            wait = 0.5 if until is None else max(0.0, until + DEADLINE_MARGIN_SECONDS - time.monotonic())
            if receive.poll(min(wait, 0.5)):
                try:
                    kind, value = receive.recv()
                except EOFError:
                    raise WorkerLost(f"the solver's process ended without an answer (exit code {_ended(worker)})")
                if kind == "until":
                    until = value
                elif kind == "progress":
                    say(value)
                elif kind == "done":
                    return value
                else:
                    raise value
            elif until is not None and time.monotonic() > until + DEADLINE_MARGIN_SECONDS:
                now = time.monotonic()
                raise Overran(now - started, now - until)
            elif not worker.is_alive() and not receive.poll(0):
                raise WorkerLost(f"the solver's process ended without an answer (exit code {_ended(worker)})")
    finally:
        _stop(worker)
        receive.close()


def _ended(worker) -> int | None:
    worker.join(1)
    return worker.exitcode


def _stop(worker) -> None:
    if worker.is_alive():
        try:
            os.killpg(worker.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            worker.kill()
    worker.join(5)


def stopped_plan(scenario: Scenario, error: Overran) -> Plan:
    """What a plan that overran and was stopped leaves: no decisions, and why."""
    cbc = scenario.solver == SolverName.CBC
    return Plan(scenario_name=scenario.name, method=PlanMethod.EXACT if cbc else PlanMethod.LP_FIX,
                solver="CBC" if cbc else highs_name(), status=PlanStatus.NO_PLAN,
                objective=None, best_bound=None, gap=None, build_seconds=0.0, solve_seconds=error.seconds,
                extract_seconds=0.0,
                notes=(SolveNote(kind=NoteKind.STOPPED, figures={"seconds": error.seconds, "over": error.over}),),
                diagnosis=(Obstacle(kind=ObstacleKind.NO_PLAN_IN_TIME),))
