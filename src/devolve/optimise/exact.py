"""The exact MILP: the whole model with binaries, the bound and gap the solver's own.

Two ways in. :func:`solve_exact_arrays` passes the (reduced) arrays to HiGHS in one call, for
speed; :func:`solve_exact_pulp` solves the PuLP problem of :func:`~devolve.optimise.model.pulp_problem`
through ``pulp.HiGHS`` (guarded by the same deadline) or CBC, the fallback solver, which runs as
a subprocess under its own ``-sec`` limit.
"""

from __future__ import annotations

import re
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pulp

from devolve.core.plan import NoteKind, PlanMethod, PlanStatus, SolveNote
from devolve.core.terms import SolverName
from devolve.optimise.highs import SOLVER_THREADS, Deadline, finite, highs_name, run_highs, status_of
from devolve.optimise.model import DevolutionModel, PulpModel, pulp_problem
from devolve.optimise.presolve import reduce_model
from devolve.optimise.readback import RawSolution

EXACT = PlanMethod.EXACT


def solve_exact_arrays(model: DevolutionModel, upper: np.ndarray, deadline: Deadline, relative_gap: float,
                       start: np.ndarray | None, reserve: float = 0.0) -> RawSolution:
    """``reserve``: seconds before the deadline at which HiGHS is asked to stop, for the phases in
    which it neither calls back nor reads the clock (see :data:`devolve.optimise.solve.ROOT_FACTOR`)."""
    mat = model.matrix
    t0 = time.perf_counter()
    reduced = reduce_model(mat, model.objective(), upper, np.zeros(mat.n_cols), upper > 0, integer=True)
    if reduced is None:
        return RawSolution(None, PlanStatus.INFEASIBLE, EXACT, highs_name(), None, time.perf_counter() - t0,
                           [SolveNote(kind=NoteKind.FLOOR_UNREACHABLE)])
    early = Deadline(deadline.deadline - reserve)
    h, xr = run_highs(reduced.lp, early, relative_gap, None if start is None else start[reduced.columns])
    deadline.solver_seconds += early.solver_seconds
    seconds = time.perf_counter() - t0
    status = status_of(h, xr is not None)
    x = None
    if xr is not None and status.has_plan:
        x = reduced.fixed.copy()
        x[reduced.columns] = np.round(xr)
        x = mat.settle(x)
    bound = h.getInfo().mip_dual_bound if x is not None else None
    notes = [] if x is not None or status == PlanStatus.INFEASIBLE else [SolveNote(kind=NoteKind.MILP_TIMED_OUT)]
    return RawSolution(x, status, EXACT, highs_name(), finite(bound), seconds, notes)


class _GuardedHiGHS(pulp.HiGHS):
    """pulp.HiGHS with the wall-clock guard, one thread, a fixed seed and a starting solution."""

    def __init__(self, deadline: Deadline, start: np.ndarray | None = None, **kw):
        super().__init__(**kw)
        self._deadline = deadline
        self._start = start

    def createAndConfigureSolver(self, lp):
        super().createAndConfigureSolver(lp)
        lp.solverModel.setOptionValue("threads", SOLVER_THREADS)
        lp.solverModel.setOptionValue("random_seed", 0)
        self._deadline.attach(lp.solverModel)

    def callSolver(self, lp):
        if self._start is not None:
            n = len(self._start)
            lp.solverModel.setSolution(n, np.arange(n, dtype=np.int32), self._start)
        super().callSolver(lp)


def solve_exact_pulp(model: DevolutionModel, upper: np.ndarray, deadline: Deadline, relative_gap: float,
                     solver: SolverName, start: np.ndarray | None) -> RawSolution:
    """The PuLP problem, with the dominance presolve as column bounds, solved by HiGHS or CBC."""
    pm = pulp_problem(model, upper)
    t0 = time.perf_counter()
    if solver == SolverName.CBC:
        return _solve_cbc(model, pm, start, deadline, relative_gap, t0)
    # pulp.HiGHS adds columns in the order of prob.variables(); give the start in that order
    position = {v.name: i for i, v in enumerate(pm.variables)}
    start_vec = None
    if start is not None:
        start_vec = np.array([start[position[v.name]] for v in pm.problem.variables()], dtype=float)
    engine = _GuardedHiGHS(deadline, start_vec, msg=False, timeLimit=max(deadline.remaining(), 0.01),
                           gapRel=relative_gap)
    with deadline.watched():
        pm.problem.solve(engine)
    seconds = time.perf_counter() - t0
    h = pm.problem.solverModel
    deadline.solver_seconds += h.getRunTime()  # PuLP's own column-by-column transfer is not solver time
    x = _values(pm)
    x = None if x is None else model.matrix.settle(x)
    status = status_of(h, x is not None)
    if not status.has_plan:
        x = None
    # pulp.HiGHS minimises −objective, so the bound changes sign
    bound = -h.getInfo().mip_dual_bound if status.has_plan else None
    return RawSolution(x, status, EXACT, highs_name() + " via PuLP", finite(bound), seconds)


def _solve_cbc(model: DevolutionModel, pm: PulpModel, start: np.ndarray | None, deadline: Deadline,
               relative_gap: float, t0: float) -> RawSolution:
    if start is not None:
        for var, val in zip(pm.variables, start.tolist()):
            var.setInitialValue(val)
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        # PuLP 3.3 marks its bundled CBC deprecated (PuLP 4 unbundles it); it is our fallback
        warnings.simplefilter("ignore", DeprecationWarning)
        log = Path(tmp) / "cbc.log"
        engine = pulp.PULP_CBC_CMD(msg=False, timeLimit=max(deadline.remaining(), 0.01), gapRel=relative_gap,
                                   warmStart=start is not None, threads=1, logPath=str(log),
                                   options=["randomSeed 1", "randomCbcSeed 1"])
        t_run = time.perf_counter()
        with deadline.watched():
            pm.problem.solve(engine)
        deadline.solver_seconds += time.perf_counter() - t_run  # includes CBC's MPS exchange
        text = log.read_text(errors="replace") if log.exists() else ""
    seconds = time.perf_counter() - t0
    prob = pm.problem
    x = _values(pm) if prob.sol_status in (1, 2) else None
    x = None if x is None else model.matrix.settle(x)
    if pulp.LpStatus[prob.status] == "Infeasible":
        status = PlanStatus.INFEASIBLE
    elif x is None:
        status = PlanStatus.NO_PLAN
    else:
        status = PlanStatus.OPTIMAL if prob.sol_status == 1 else PlanStatus.FEASIBLE
    notes: list[SolveNote] = []
    bound = None
    if x is not None:
        bound, from_tolerance = _cbc_bound(text, float(model.value @ x[: model.matrix.n_x]), relative_gap)
        if from_tolerance:
            notes.append(SolveNote(kind=NoteKind.CBC_BOUND_FROM_TOLERANCE))
    return RawSolution(x, status, EXACT, "CBC via PuLP", bound, seconds, notes)


def _cbc_bound(log: str, objective: float, relative_gap: float) -> tuple[float | None, bool]:
    """The best bound CBC's log supports, and whether it was implied by the gap tolerance.

    PuLP hands CBC the minimisation of −objective, so CBC's "Lower bound" is minus our bound.
    When CBC stops because its gap tolerance is met it prints no bound; the tolerance itself then
    bounds the optimum (objective · (1 + relative_gap)), which is what we report, and say so.
    """
    m = re.findall(r"Lower bound:\s*(-?[0-9.eE+-]+)", log)
    if m:
        return max(objective, -float(m[-1])), False
    if re.search(r"Result - Optimal solution found", log):
        if relative_gap <= 0:
            return objective, False
        return objective + relative_gap * abs(objective), True
    return None, False


def _values(pm: PulpModel) -> np.ndarray | None:
    """The solution's column vector, or None without one. A column in no row and not in the
    objective (a service's reach where it has nothing on offer) never reaches the solver: 0."""
    used = {v.name for v in pm.problem.variables()}
    vals = [v.varValue if v.name in used else 0.0 for v in pm.variables]
    if any(v is None for v in vals):
        return None
    return np.round(np.array(vals, dtype=float))
