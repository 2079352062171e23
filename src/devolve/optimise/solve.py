"""Solving a model: the route chosen, one wall-clock deadline over it, the plan read back.

Routes (docs/model.md, "Solving"):

* ``auto`` (HiGHS, the default): LP relaxation, fix and repair first — cheap at every scale,
  and it proves its own gap against the LP bound. If that gap is within the one asked for, that
  plan is returned; otherwise, when the model has at most :data:`EXACT_LIMIT` free binaries, the
  exact MILP continues from it in the time left.
* ``exact``: the exact MILP through HiGHS's arrays; ``exact_pulp``: the same through PuLP.
* ``lp_fix``: LP relaxation, fix and repair alone.
* CBC (the fallback solver) always solves the exact MILP through PuLP.
"""

from __future__ import annotations

import time
from enum import Enum
from typing import Callable

import numpy as np

from devolve.core.plan import NoteKind, Plan, PlanMethod, PlanStatus, SolveNote
from devolve.core.terms import SolverName
from devolve.optimise.exact import solve_exact_arrays, solve_exact_pulp
from devolve.optimise.highs import Deadline
from devolve.optimise.model import DevolutionModel
from devolve.optimise.presolve import column_upper, dominance_mask, feasible
from devolve.optimise.readback import RawSolution, extract_plan, plan_vector
from devolve.optimise.repair import solve_lp_fix

EXACT_LIMIT = 30_000
"""Largest number of free binaries (after the dominance presolve) for which ``auto`` lets the
exact MILP continue from a fix-and-repair plan outside the gap asked for."""
ROOT_FACTOR = 4.0
"""The exact MILP starts only with at least this many times the LP relaxation's own time left, and
is asked to stop that LP time before the deadline: HiGHS neither calls back nor reads the clock
in its root LP or between cut rounds, and those phases took 3.5 times the LP relaxation's time
at M (7 s against 2 s; one cut round ran 4.5 s without a check)."""


class SolveRoute(str, Enum):
    AUTO = "auto"
    EXACT = "exact"
    LP_FIX = "lp_fix"
    EXACT_PULP = "exact_pulp"


def solve(
    model: DevolutionModel,
    *,
    time_limit: float | None = None,
    relative_gap: float | None = None,
    solver: SolverName | str | None = None,
    start: Plan | np.ndarray | None = None,
    route: SolveRoute | str = SolveRoute.AUTO,
    presolve: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Plan:
    """Solve ``model`` under one wall-clock deadline; the limits default to the scenario's.

    ``start``: a previous plan (or column vector): the starting solution of the exact routes, and
    the plan fix and repair must beat (it is returned when it is already within the gap). ``presolve=False`` keeps every option
    in play (to check that the dominance presolve never changes the optimum).
    """
    sc = model.scenario
    time_limit = sc.time_limit_seconds if time_limit is None else time_limit
    relative_gap = sc.relative_gap if relative_gap is None else relative_gap
    solver = sc.solver if solver is None else SolverName(solver)
    route = SolveRoute(route)
    if solver == SolverName.CBC and route == SolveRoute.LP_FIX:
        raise ValueError("the LP relaxation, fix and repair method runs on HiGHS only")
    deadline = Deadline.after(time_limit)
    t0 = time.perf_counter()
    offered = model.options.open
    mask = dominance_mask(model) if presolve else offered.copy()
    upper = column_upper(model, mask)
    if progress is not None:
        progress("Solving…")
    raw = _run(model, route, solver, upper, deadline, relative_gap, _start_vector(model, start, upper))
    dropped = int(offered.sum()) - int(mask.sum())
    if dropped:
        raw.notes.append(SolveNote(kind=NoteKind.PRESOLVE, figures={"dropped": dropped, "options": int(offered.sum())}))
    t1 = time.perf_counter()
    # honest accounting: solve = time inside solver runs; everything else before extraction
    # (presolve, reduction, transfer to the solver, fixing) counts as building
    inside = deadline.solver_seconds
    around = (t1 - t0) - inside
    if progress is not None:
        progress("Reading the plan…")
    plan = extract_plan(model, raw, relative_gap=relative_gap, build_seconds=model.build_seconds + around,
                        solve_seconds=inside)
    return plan.replace(extract_seconds=time.perf_counter() - t1)


def _run(model: DevolutionModel, route: SolveRoute, solver: SolverName, upper: np.ndarray, deadline: Deadline,
         relative_gap: float, start: np.ndarray | None) -> RawSolution:
    if not (upper > 0).any():
        # nothing may be devolved, or the presolve proved nothing is worth it: the empty plan is
        # the only plan (worth 0), if it keeps the floors
        empty = np.zeros(model.matrix.n_cols)
        ok = feasible(model.matrix, empty)
        return RawSolution(empty if ok else None, PlanStatus.OPTIMAL if ok else PlanStatus.INFEASIBLE,
                           PlanMethod.EXACT, "none needed", 0.0 if ok else None, 0.0,
                           [SolveNote(kind=NoteKind.NOTHING_TO_DEVOLVE)])
    if solver == SolverName.CBC or route == SolveRoute.EXACT_PULP:
        return solve_exact_pulp(model, upper, deadline, relative_gap, solver, start)
    if route == SolveRoute.EXACT:
        # the LP relaxation first, by simplex that stops on time: its bound, and its time, which
        # says how long the MILP's first steps may run unchecked
        lp = solve_lp_fix(model, upper, deadline, relative_gap, start, rounds=())
        if not _lp_finished(lp):
            lp.method = PlanMethod.EXACT  # what was asked for; the plan, if any, is the start given
            return lp
        lp.notes = [n for n in lp.notes if n.kind != NoteKind.REPAIR_FAILED]  # no repair was tried
        return _exact_after(model, upper, deadline, relative_gap, lp, start, repaired=False)
    raw = solve_lp_fix(model, upper, deadline, relative_gap, start)
    if (
        route == SolveRoute.AUTO
        and raw.status in (PlanStatus.FEASIBLE, PlanStatus.NO_PLAN)
        and int((upper > 0).sum()) <= EXACT_LIMIT
        and deadline.remaining() > 0
        and _lp_finished(raw)
    ):
        return _exact_after(model, upper, deadline, relative_gap, raw, raw.x, repaired=True)
    return raw


def _lp_finished(raw: RawSolution) -> bool:
    return any(n.kind == NoteKind.LP_BOUND for n in raw.notes)


def _exact_after(model: DevolutionModel, upper: np.ndarray, deadline: Deadline, relative_gap: float,
                 before: RawSolution, start: np.ndarray | None, *, repaired: bool) -> RawSolution:
    """The exact MILP after the LP relaxation (``before``; with fix and repair's plan when
    ``repaired``), if there is time for it (:data:`ROOT_FACTOR`); the LP's bound is kept whatever
    the MILP finds."""
    lp_seconds = next(n.figures["seconds"] for n in before.notes if n.kind == NoteKind.LP_BOUND)
    left = deadline.remaining()
    if left < ROOT_FACTOR * lp_seconds:
        before.notes.append(SolveNote(kind=NoteKind.MILP_NOT_STARTED, figures={"seconds": left,
                                                                                "lp_seconds": lp_seconds}))
        if not repaired:
            before.method = PlanMethod.EXACT
        return before
    return continued(before, solve_exact_arrays(model, upper, deadline, relative_gap, start, reserve=lp_seconds),
                     repaired=repaired)


def continued(before: RawSolution, exact: RawSolution, *, repaired: bool = True) -> RawSolution:
    """What the LP relaxation (with fix and repair's plan, when ``repaired``), then the exact MILP
    from its plan, proved together: the better plan and the tighter of the two bounds (the MILP
    may stop before it has one of its own)."""
    bounds = [b for b in (before.best_bound, exact.best_bound) if b is not None]
    best = exact if exact.x is not None or exact.status == PlanStatus.INFEASIBLE or before.x is None else before
    best.best_bound = min(bounds) if bounds and best.status != PlanStatus.INFEASIBLE else best.best_bound
    best.solve_seconds = before.solve_seconds + exact.solve_seconds
    if not repaired:  # the exact route: the LP was its first step
        best.notes = before.notes + exact.notes
        best.method = PlanMethod.EXACT
    elif best is exact:
        exact.notes = before.notes + [SolveNote(
            kind=NoteKind.EXACT_CONTINUED if before.x is not None else NoteKind.EXACT_INSTEAD)] + exact.notes
    return best


def _start_vector(model: DevolutionModel, start: Plan | np.ndarray | None, upper: np.ndarray) -> np.ndarray | None:
    if start is None:
        return None
    if isinstance(start, np.ndarray):
        return np.minimum(start, upper)
    return plan_vector(model, start, upper)
