"""Work spread out: here, on local processes, or on an existing Dask cluster.

Each worker is given what every piece shares once (a process pool's initializer; Dask's
``scatter``) and keeps it for every piece it runs: for the robustness analysis (:func:`run`), the
built model and today's plan, with its :class:`~devolve.optimise.robust.Replanner` once made; for
work not tied to one model (:func:`run_each`, e.g. planning a folder of councils), whatever the
caller shares, such as the rubric. Pieces are fixed by the work, not by the workers
(:func:`~devolve.optimise.robust.sample_pieces`), and each answer depends only on its piece, so the
same seed gives the same answer anywhere.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from threadpoolctl import OpenBLASController, threadpool_limits

from devolve.core.limits import Family
from devolve.core.plan import Plan
from devolve.optimise.model import DevolutionModel
from devolve.optimise.robust import Draws, Replanner, Tally, run_samples

Progress = Callable[[int, int], None]
"""Called with (pieces done, pieces in all) as pieces finish."""
Arrived = Callable[[int, Any], None]
"""Called with (the piece's place in the list, its answer) as each piece finishes."""

_held = 0
"""Pieces of work in this process inside :func:`one_thread` now."""
_held_lock = threading.Lock()
_limiter: Any = None


@contextmanager
def one_thread() -> Iterator[None]:
    """Hold numpy's BLAS library to one thread while a piece of work runs.

    Work is spread one process a core already; BLAS's own threads, started for every dot product
    over a model's columns, only spin against the other processes: on the sample one worker used
    1.6 cores for one core's work, and two workers ran at half speed each. One thread also adds up
    in the same order on every machine, so the same seed gives the same plans to the last digit.

    BLAS's thread count is the whole process's, and several pieces can run in one process at once
    (app sessions sharing a server, a Dask worker with several threads): the limit is set by the
    first piece in and lifted by the last one out, never by one piece under another's feet."""
    global _held, _limiter
    with _held_lock:
        if _held == 0:
            _limiter = _as_any_thread(lambda: threadpool_limits(limits=1, user_api="blas"))
        _held += 1
    try:
        yield
    finally:
        with _held_lock:
            _held -= 1
            if _held == 0:
                _as_any_thread(_limiter.restore_original_limits)
                _limiter = None


def _as_any_thread(change: Callable[[], Any]) -> Any:
    # threadpoolctl lets only the thread that last changed OpenBLAS's limit change it again (others
    # are silently ignored); the count above already says who may, so any thread is let through
    OpenBLASController.clear_controlling_thread(force=True)
    try:
        return change()
    finally:
        OpenBLASController.clear_controlling_thread(force=True)


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


_WORKERS: dict[str, dict[str, Any]] = {}
"""This process's shared state for each run (a model, a plan and its re-planner; a rubric), by
the run's token: two runs in one process (two app sessions; a Dask worker with several threads)
never see each other's."""
KEPT_RUNS = 4
"""Runs a process keeps (a Dask worker outlives its runs); the oldest is dropped."""


def _install(token: str, shared: dict[str, Any]) -> None:
    while len(_WORKERS) >= KEPT_RUNS:
        _WORKERS.pop(next(iter(_WORKERS)))
    _WORKERS[token] = dict(shared)


def _replanner(state: dict[str, Any]) -> Replanner:
    if "replanner" not in state:
        state["replanner"] = Replanner(state["model"], state["plan"])
    return state["replanner"]


def samples_piece(state: dict[str, Any], how: Draws, seed: int, first: int, count: int) -> Tally:
    return run_samples(_replanner(state), how, seed, first, count)


def frontier_piece(state: dict[str, Any], family: Family, limits: tuple[float, ...]) -> list[Plan]:
    """The plans with one limit at each of ``limits`` (increasing), each solved like any plan but
    under :data:`~devolve.optimise.robust.FRONTIER_SECONDS`, from the plan before it (which still
    fits, as the limit only grows). Tight limits leave the LP relaxation far from whole, so fix
    and repair alone does badly there; the exact MILP carries on from it."""
    from devolve.optimise.robust import FRONTIER_SECONDS
    from devolve.optimise.solve import solve

    plans, start = [], None
    for limit in limits:
        plan = solve(state["model"].with_limit(family, limit), start=start, time_limit=FRONTIER_SECONDS)
        if plan.status.has_plan:
            start = plan
        plans.append(plan)
    return plans


def _call(token: str, task: Callable, *args: Any) -> Any:
    with one_thread():
        return task(_WORKERS[token], *args)


def _on_dask(token: str, shared: dict[str, Any], task: Callable, *args: Any) -> Any:
    if token not in _WORKERS:
        _install(token, shared)
    with one_thread():
        return task(_WORKERS[token], *args)


def run(task: Callable, pieces: list[tuple], model: DevolutionModel, plan: Plan, *, workers: int | None = None,
        dask: str | None = None, progress: Progress | None = None) -> list:
    """``task(state, *piece)`` for every piece, in the pieces' order, ``state`` holding the model,
    the plan and (once made) the re-planner where it runs: in this process (one worker), on a pool
    of local processes, or on the Dask cluster whose scheduler is at ``dask``."""
    return run_each(task, pieces, {"model": model, "plan": plan}, workers=workers, dask=dask, progress=progress)


def run_each(task: Callable, pieces: list[tuple], shared: dict[str, Any] | None = None, *,
             workers: int | None = None, dask: str | None = None, progress: Progress | None = None,
             arrived: Arrived | None = None) -> list:
    """``task(state, *piece)`` for every piece, answers in the pieces' order, ``state`` a copy of
    ``shared`` sent once to each worker (a task may keep more in it, for the pieces after): in
    this process (one worker), on a pool of local processes, or on the Dask cluster whose
    scheduler is at ``dask``. Pieces start in the order given (put the longest first), and
    ``arrived`` hears each answer as it comes, in whatever order they finish."""
    token = uuid.uuid4().hex
    shared = dict(shared or {})
    done = [0]

    def tick(i: int, answer: Any) -> None:
        done[0] += 1
        if arrived is not None:
            arrived(i, answer)
        if progress is not None:
            progress(done[0], len(pieces))

    if progress is not None:
        progress(0, len(pieces))
    if dask is not None:
        return _run_dask(task, pieces, shared, token, dask, tick)
    workers = min(workers or default_workers(), len(pieces)) or 1
    if workers == 1:
        state: dict[str, Any] = shared
        out = []
        for i, piece in enumerate(pieces):
            with one_thread():
                out.append(task(state, *piece))
            tick(i, out[-1])
        return out
    # spawn, not fork: the app runs threads, and a forked copy of a threaded process can hang
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_install, initargs=(token, shared))
    try:
        futures = {pool.submit(_call, token, task, *piece): i for i, piece in enumerate(pieces)}
        results: list = [None] * len(pieces)
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            tick(futures[future], results[futures[future]])
    except BaseException:
        # stopped part way (an app page left mid-run, Ctrl-C): drop the pieces not yet started
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def _run_dask(task: Callable, pieces: list[tuple], shared: dict[str, Any], token: str, address: str,
              tick: Callable[[int, Any], None]) -> list:
    try:
        from distributed import Client, as_completed as dask_completed
    except ImportError as e:  # pragma: no cover - the dev and dask extras bring it
        raise RuntimeError("--dask needs Dask's distributed scheduler: pip install 'devolve[dask]'") from e
    with Client(address, set_as_default=False, timeout="10s") as client:
        # sent once to every worker, then passed by reference with each piece (in a list, as
        # scatter would take a dict for many named pieces of data)
        [sent] = client.scatter([shared], broadcast=True)
        futures = [client.submit(_on_dask, token, sent, task, *piece, pure=False) for piece in pieces]
        order = {f.key: i for i, f in enumerate(futures)}
        results: list = [None] * len(pieces)
        with client.as_current():  # as_completed asks for the current client
            for future in dask_completed(futures):
                results[order[future.key]] = future.result()
                tick(order[future.key], results[order[future.key]])
        return results


def dask_engine(address: str | None) -> str:
    return f"Dask cluster at {address}" if address else "local processes"
