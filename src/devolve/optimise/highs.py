"""Running HiGHS on arrays, under a wall-clock deadline it cannot overrun unnoticed.

HiGHS gets the time remaining as its ``time_limit`` *and* interrupt callbacks (simplex, interior
point, MIP) that stop it as soon as the deadline passes, because its own limit is not always
honoured inside a large root node. Every run is single-threaded with a fixed seed: the same
input gives the same plan, and the machine's other core is left to the caller.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from functools import cache
from typing import Callable, Iterator

import highspy
import numpy as np

from devolve.core.plan import PlanStatus

SOLVER_THREADS = 1
DEADLINE_MARGIN_SECONDS = 3.0
"""How far past its deadline a solver run may go before it is stopped from outside
(:mod:`devolve.apart`): HiGHS answers its interrupt callbacks within milliseconds, but a phase that
neither calls back nor reads the clock (a clean-up after interior point, a large presolve) is
stopped only by ending the process it runs in."""

_watcher: Callable[[float | None], None] | None = None


def watch_deadlines(watcher: Callable[[float | None], None] | None) -> None:
    """Tell ``watcher`` each solver run's deadline (``time.monotonic()``, the same clock in every
    process) as the run starts, and ``None`` when it ends: a worker process's way of letting its
    parent stop it if a run overruns."""
    global _watcher
    _watcher = watcher


class Deadline:
    """Stops HiGHS runs at a wall-clock deadline, and counts the time spent inside them."""

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.good_enough = False
        """Set (e.g. by an improving-solution callback) to stop the current run early."""
        self.solver_seconds = 0.0
        """Wall-clock time spent inside solver runs (not building, transferring or reading)."""

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + float(seconds))

    def run(self, h: highspy.Highs) -> None:
        """Run HiGHS under this deadline, counting the time spent inside it."""
        self.attach(h)
        t = time.perf_counter()
        try:
            with self.watched():
                h.run()
        finally:
            self.solver_seconds += time.perf_counter() - t

    @contextmanager
    def watched(self) -> Iterator[None]:
        """A solver run under this deadline, told to the watcher, if any (:func:`watch_deadlines`)."""
        if _watcher is not None:
            _watcher(self.deadline)
        try:
            yield
        finally:
            if _watcher is not None:
                _watcher(None)

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def attach(self, h: highspy.Highs) -> None:
        h.setOptionValue("time_limit", max(self.remaining(), 0.01))
        h.cbSimplexInterrupt += self._check
        h.cbIpmInterrupt += self._check
        h.cbMipInterrupt += self._check

    def _check(self, event) -> None:
        if self.good_enough or time.monotonic() >= self.deadline:
            event.interrupt()


def new_highs(relative_gap: float | None = None) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", SOLVER_THREADS)
    h.setOptionValue("random_seed", 0)
    if relative_gap is not None:
        h.setOptionValue("mip_rel_gap", float(relative_gap))
    return h


def highs_lp(
    cost: np.ndarray,
    upper: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    integer: bool | np.ndarray,
) -> highspy.HighsLp:
    """A maximisation over columns in [0, upper] with row bounds, in HiGHS's own form; ``integer``
    says which columns must be whole (all of them, none, or a mask)."""
    lp = highspy.HighsLp()
    lp.num_col_ = len(cost)
    lp.num_row_ = len(row_lower)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(len(cost))
    lp.col_upper_ = upper
    lp.row_lower_ = row_lower
    lp.row_upper_ = row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = indptr.astype(np.int32)
    lp.a_matrix_.index_ = indices.astype(np.int32)
    lp.a_matrix_.value_ = data
    mask = np.broadcast_to(np.asarray(integer, dtype=bool), (len(cost),))
    if mask.any():
        lp.integrality_ = np.where(mask, highspy.HighsVarType.kInteger, highspy.HighsVarType.kContinuous)
    return lp


def run_highs(lp: highspy.HighsLp, deadline: Deadline, relative_gap: float | None,
              start: np.ndarray | None = None, options: dict | None = None,
              basis: highspy.HighsBasis | None = None):
    """Pass the arrays in one call and run under the deadline; returns (Highs, x or None).
    ``basis``: an LP's starting basis (the same columns and rows, other values)."""
    h = new_highs(relative_gap)
    for key, value in (options or {}).items():
        h.setOptionValue(key, value)
    h.passModel(lp)
    if basis is not None:
        h.setBasis(basis)
    if start is not None:
        h.setSolution(int(len(start)), np.arange(len(start), dtype=np.int32), start.astype(float))
    deadline.run(h)
    sol = h.getSolution()
    has = bool(sol.value_valid)
    x = np.asarray(sol.col_value, dtype=float) if has else None
    return h, x


def dual_bound(lp: highspy.HighsLp, row_dual: np.ndarray) -> float:
    """A bound on a maximisation in :func:`highs_lp`'s form from any row multipliers ``y`` — an LP
    stopped part way, before or without crossover: c·x = (c − Aᵀy)·x + y·Ax, and each part is at most
    its largest over the column and row bounds. A multiplier that would need an infinite row bound
    is left out (set to 0), so the bound holds whatever ``y`` is; it is as tight as ``y`` is good
    (equal to the LP optimum at the optimal duals)."""
    y = np.asarray(row_dual, dtype=float).copy()
    lo, hi = np.asarray(lp.row_lower_, dtype=float), np.asarray(lp.row_upper_, dtype=float)
    y[~np.isfinite(y) | ((y > 0) & (hi >= 1e30)) | ((y < 0) & (lo <= -1e30))] = 0.0
    start = np.asarray(lp.a_matrix_.start_)
    rows = np.repeat(np.arange(len(lo)), np.diff(start))
    used = np.bincount(np.asarray(lp.a_matrix_.index_), weights=np.asarray(lp.a_matrix_.value_) * y[rows],
                       minlength=lp.num_col_)
    reduced = np.asarray(lp.col_cost_, dtype=float) - used
    side = np.where(y > 0, hi, np.where(y < 0, lo, 0.0))  # finite wherever y is not 0
    return float(np.maximum(reduced, 0.0) @ np.asarray(lp.col_upper_, dtype=float) + y @ side)


def status_of(h: highspy.Highs, has_solution: bool) -> PlanStatus:
    ms = h.getModelStatus()
    if ms == highspy.HighsModelStatus.kOptimal:
        return PlanStatus.OPTIMAL
    if ms in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return PlanStatus.INFEASIBLE
    return PlanStatus.FEASIBLE if has_solution else PlanStatus.NO_PLAN


def is_infeasible(h: highspy.Highs) -> bool:
    return h.getModelStatus() in (highspy.HighsModelStatus.kInfeasible,
                                  highspy.HighsModelStatus.kUnboundedOrInfeasible)


def finite(v: float | None) -> float | None:
    """A bound HiGHS reports, or None where it reports infinity (no bound known)."""
    if v is None or not np.isfinite(v) or abs(v) >= 1e30:
        return None
    return float(v)


@cache
def highs_version() -> str:
    h = highspy.Highs()
    return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"


def highs_name() -> str:
    return "HiGHS " + highs_version()
