"""Solving the devolution model: exact MILP when small, LP relaxation, fix and repair when large.

Every call into a solver is guarded by one wall-clock deadline: HiGHS gets the remaining time as
its ``time_limit`` *and* interrupt callbacks (simplex, interior point, MIP) that stop it as soon
as the deadline passes, because HiGHS's own limit is not always honoured inside a large root
node (DESIGN.md §8). CBC runs as a subprocess under its own ``-sec`` limit.

Methods (docs/model.md, "Solving"):

* **exact MILP** — the whole model with binaries; the bound and gap are the solver's own.
* **LP relaxation, fix and repair** — solve the LP relaxation (its optimum is the best bound),
  fix every variable the LP already set to 0 or 1, and solve the small MILP left over the
  activity–neighbourhood groups the LP split; if that fails, round down where that is feasible.
  The gap reported is against the LP bound, so it is an honest upper bound on the true gap.
"""

from __future__ import annotations

import re
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import highspy
import numpy as np
import pulp

from devolve.domain import CRITERIA, Offer, SolverName
from devolve.optimise.model import EQ, GE, LE, FAMILIES, LIMIT_FAMILIES, coherence_pairs
from devolve.plan import Decision, LimitUse, Plan

if TYPE_CHECKING:
    from devolve.optimise.model import DevolutionModel

EXACT = "exact MILP"
LP_FIX = "LP relaxation, fix and repair"
EXACT_LIMIT = 30_000
"""Largest number of free binaries (after the dominance presolve) solved as one exact MILP by
``method="auto"``; above it the LP relaxation, fix and repair method is used (DESIGN.md §8)."""
SIMPLEX_LIMIT = 50_000
"""Largest LP (columns after the presolve) solved by dual simplex rather than interior point."""
INTEGRAL_TOL = 1e-9
"""An LP value further than this from 0 or 1 counts as fractional (and is left to the repair)."""
BINDING_SHARE = 0.005
"""A budget counts as binding when less than this share of it is left (or too little is left
to pay for any option still worth having)."""
REPAIR_SIZES = (0, 300, 3_000)
"""Rounds of the repair: the groups the LP split, plus this many columns nearest to entering
the LP basis (smallest |reduced cost|). Each round starts from the best plan so far; the repair
stops at the first round whose plan is within ``REPAIR_TARGET`` of the gap asked for; the last,
widest round runs only if the plan is still outside the gap asked for."""
REPAIR_NODES = 10
"""Branch-and-bound nodes the repair MILP may use: a limit of work, not of time, so that the same
input gives the same plan on a busy machine and an idle one (the deadline is only a guard)."""
REPAIR_REL_GAP = 1e-4
REPAIR_TARGET = 0.5
"""The repair stops early once the plan is within this fraction of the gap asked for."""
"""Columns nearest to entering the LP basis handed to the repair MILP (with their groups)."""
SOLVER_THREADS = 1
"""One thread: deterministic, and the machine's other core is left to the caller."""


@dataclass
class RawSolution:
    """What a solve produced, before it becomes a Plan."""

    x: np.ndarray | None
    status: str
    method: str
    solver: str
    best_bound: float | None
    solve_seconds: float
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- presolve


def dominance_mask(model: DevolutionModel) -> np.ndarray:
    """Options that may be chosen (True); the rest are provably never needed.

    An option with value ≤ 0 whose every resource coefficient is ≥ 0 can be set to 0 in any
    feasible plan without losing feasibility or value — unless an equity floor, a collective
    share (for collective options) or a coherence rule (for a required stage whose dependent is
    still in play) needs it. Under a uniform offer an (activity, configuration) is dropped only
    where it is droppable in every neighbourhood.
    """
    arr, sc = model.options, model.scenario
    A, N, C = arr.shape
    drop = (
        (model.value <= 0)
        & (arr.transition >= 0)
        & (arr.running >= 0)
        & (arr.contingency >= 0)
        & (arr.hours >= 0)
    )
    if sc.min_devolved_per_neighbourhood > 0:
        drop[:] = False
    if sc.min_collective_share > 0:
        drop &= ~arr.collective
    drop3 = drop.reshape(A, N, C)
    pairs = [(d, q) for _, d, q in coherence_pairs(arr, model.rules) if q >= 0]
    if pairs:
        D = np.array([p[0] for p in pairs])
        Q = np.array([p[1] for p in pairs])
        while True:
            in_play = (~drop3[D]).any(axis=2)  # (P, N): a dependent option is still allowed
            needed = np.zeros((A, N), dtype=bool)
            np.logical_or.at(needed, Q, in_play)
            new = drop3 & ~needed[:, :, None]
            if np.array_equal(new, drop3):
                break
            drop3 = new
    if sc.offer == Offer.UNIFORM:
        drop3 = np.broadcast_to(drop3.all(axis=1, keepdims=True), drop3.shape)
    return ~drop3.reshape(-1)


def _column_upper(model: DevolutionModel, mask: np.ndarray) -> np.ndarray:
    upper = np.ones(model.matrix.n_cols)
    upper[: model.matrix.n_x] = mask
    if model.matrix.n_y:
        A, N, C = model.options.shape
        upper[model.matrix.n_x :] = mask.reshape(A, N, C).any(axis=1).reshape(-1)
    return upper


def objective_vector(model: DevolutionModel) -> np.ndarray:
    cost = np.zeros(model.matrix.n_cols)
    cost[: model.matrix.n_x] = model.value
    return cost


# --------------------------------------------------------------------------- HiGHS, arrays


class Deadline:
    """Stops a HiGHS run at a wall-clock deadline through its interrupt callbacks."""

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.good_enough = False
        """Set (e.g. by an improving-solution callback) to stop the current run early."""
        self.solver_seconds = 0.0
        """Wall-clock time spent inside solver runs (not building, transferring or reading)."""

    def run(self, h: highspy.Highs) -> None:
        """Run HiGHS under this deadline, counting the time spent inside it."""
        self.attach(h)
        t = time.perf_counter()
        try:
            h.run()
        finally:
            self.solver_seconds += time.perf_counter() - t

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def sooner(self, seconds: float) -> Deadline:
        """A deadline no later than this one, ``seconds`` from now."""
        return Deadline(min(self.deadline, time.monotonic() + seconds))

    def attach(self, h: highspy.Highs) -> None:
        h.setOptionValue("time_limit", max(self.remaining(), 0.01))
        h.cbSimplexInterrupt += self._check
        h.cbIpmInterrupt += self._check
        h.cbMipInterrupt += self._check

    def _check(self, event) -> None:
        if self.good_enough or time.monotonic() >= self.deadline:
            event.interrupt()


def _new_highs(relative_gap: float | None = None) -> highspy.Highs:
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
    integer: bool,
) -> highspy.HighsLp:
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
    if integer:
        lp.integrality_ = np.full(len(cost), highspy.HighsVarType.kInteger)
    return lp


def _status_of(h: highspy.Highs, has_solution: bool) -> str:
    ms = h.getModelStatus()
    if ms == highspy.HighsModelStatus.kOptimal:
        return "optimal"
    if ms in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return "infeasible"
    return "feasible" if has_solution else "no plan found"


def run_highs(lp: highspy.HighsLp, deadline: Deadline, relative_gap: float | None,
               start: np.ndarray | None = None, options: dict | None = None):
    """Pass the arrays in one call and run under the deadline; returns (Highs, x or None)."""
    h = _new_highs(relative_gap)
    for key, value in (options or {}).items():
        h.setOptionValue(key, value)
    h.passModel(lp)
    if start is not None:
        h.setSolution(int(len(start)), np.arange(len(start), dtype=np.int32), start.astype(float))
    deadline.run(h)
    sol = h.getSolution()
    has = bool(sol.value_valid)
    x = np.asarray(sol.col_value, dtype=float) if has else None
    return h, x


def start_vector(model: DevolutionModel, start, upper: np.ndarray) -> np.ndarray | None:
    """A previous plan (or a column vector) as a full column vector, or None."""
    if start is None:
        return None
    if isinstance(start, np.ndarray):
        return np.minimum(start, upper)
    arr = model.options
    A, N, C = arr.shape
    a_of = {a: i for i, a in enumerate(arr.activity_ids)}
    n_of = {n: i for i, n in enumerate(arr.neighbourhood_ids)}
    c_of = {c: i for i, c in enumerate(arr.configurations)}
    x = np.zeros(model.matrix.n_cols)
    for d in start.decisions:
        if d.activity_id in a_of and d.neighbourhood_id in n_of and d.configuration in c_of:
            x[arr.index(a_of[d.activity_id], n_of[d.neighbourhood_id], c_of[d.configuration])] = 1
    if model.matrix.n_y:
        x[model.matrix.n_x :] = x[: model.matrix.n_x].reshape(A, N, C).max(axis=1).reshape(-1)
    return np.minimum(x, upper)


def solve_exact_arrays(model, upper, deadline, relative_gap, start) -> RawSolution:
    mat = model.matrix
    cost = objective_vector(model)
    t0 = time.perf_counter()
    reduced = reduce_model(mat, cost, upper, np.zeros(mat.n_cols), upper > 0, integer=True)
    if reduced is None:
        return RawSolution(None, "infeasible", EXACT, "HiGHS " + _highs_version(), None,
                           time.perf_counter() - t0, ["a floor cannot be met by any option on offer"])
    h, xr = run_highs(reduced.lp, deadline, relative_gap, None if start is None else start[reduced.columns])
    seconds = time.perf_counter() - t0
    status = _status_of(h, xr is not None)
    x = None
    if xr is not None and status not in ("infeasible", "no plan found"):
        x = reduced.fixed.copy()
        x[reduced.columns] = np.round(xr)
    bound = h.getInfo().mip_dual_bound if x is not None else None
    return RawSolution(x, status, EXACT, "HiGHS " + _highs_version(), _finite(bound), seconds)


# --------------------------------------------------------------------------- LP relaxation, fix and repair


def solve_lp_fix(model, upper, deadline, relative_gap, start) -> RawSolution:
    mat = model.matrix
    arr = model.options
    A, N, C = arr.shape
    cost = objective_vector(model)
    notes: list[str] = []
    solver = "HiGHS " + _highs_version()

    t0 = time.perf_counter()
    red = reduce_model(mat, cost, upper, np.zeros(mat.n_cols), upper > 0, integer=False)
    if red is None:
        return RawSolution(None, "infeasible", LP_FIX, solver, None, time.perf_counter() - t0,
                           ["a floor cannot be met by any option on offer"])
    # A vertex is wanted: the LP's vertices are nearly integral (docs/model.md). Large LPs go by
    # interior point then crossover, small ones by dual simplex (half the time on the sample).
    # HiGHS presolve costs more than it saves here; reduce_model did the work.
    lp_options = ({"solver": "ipm", "run_crossover": "on", "presolve": "off"}
                  if red.lp.num_col_ > SIMPLEX_LIMIT else {"solver": "simplex", "presolve": "off"})
    h, x_red = run_highs(red.lp, deadline, None, options=lp_options)
    ms = h.getModelStatus()
    lp_seconds = time.perf_counter() - t0
    if ms in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return RawSolution(None, "infeasible", LP_FIX, solver, None, lp_seconds)
    if ms != highspy.HighsModelStatus.kOptimal or x_red is None:
        return RawSolution(None, "no plan found", LP_FIX, solver, None, lp_seconds,
                           ["the LP relaxation did not finish within the time limit"])
    bound = float(h.getInfo().objective_function_value)
    x_lp = red.fixed.copy()
    x_lp[red.columns] = x_red
    reduced = np.full(mat.n_cols, np.inf)
    reduced[red.columns] = np.abs(np.asarray(h.getSolution().col_dual, dtype=float))
    del h
    notes.append(f"LP relaxation solved in {lp_seconds:.1f} s; its optimum {bound:.4f} bounds every plan")

    rounded = np.round(x_lp)
    frac = np.abs(x_lp - rounded) > INTEGRAL_TOL
    t1 = time.perf_counter()
    x = None
    target = bound - REPAIR_TARGET * relative_gap * max(abs(bound), 1e-9)
    wanted = bound - relative_gap * max(abs(bound), 1e-9)
    for size in REPAIR_SIZES:
        if size > REPAIR_SIZES[1] and x is not None and cost @ x >= wanted:
            break  # the wide round only when the plan is still outside the gap asked for
        free = _free_columns(mat, (A, N, C), frac, reduced, upper, size)
        base = rounded if x is None else x  # start each round from the best plan so far
        xr = _repair(mat, cost, upper, base, free, deadline, target)
        if xr is not None and (x is None or cost @ xr > cost @ x + 1e-12):
            x = xr
            rounds = f"repair MILP over {int(free.sum())} variables"
        if (x is not None and cost @ x >= target) or free.sum() >= (upper > 0).sum() or deadline.remaining() <= 0:
            break
    if x is not None:
        notes.append(f"{int(frac.sum())} of {mat.n_cols} variables fractional in the LP; {rounds}")
    solve_seconds = lp_seconds + (time.perf_counter() - t1)
    if x is None:
        return RawSolution(None, "no plan found", LP_FIX, solver, bound, solve_seconds,
                           notes + ["no integer plan was found by fixing and repairing in the time allowed"])
    return RawSolution(x, _gap_status(float(cost @ x), bound, relative_gap), LP_FIX, solver, bound,
                       solve_seconds, notes)


def _gap_status(objective: float, bound: float, relative_gap: float) -> str:
    gap = (bound - objective) / max(abs(objective), 1e-9)
    if gap <= 1e-9:
        return "optimal"
    return "within gap" if gap <= relative_gap * (1 + 1e-9) + 1e-12 else "feasible"


def _free_columns(mat, shape, frac, reduced, upper, size) -> np.ndarray:
    """Columns left to the repair MILP: every group the LP split, and the ``size`` columns
    nearest to entering the LP basis (smallest |reduced cost|), each with its whole group."""
    A, N, C = shape
    allowed = upper > 0
    seed = frac.copy()
    candidates = np.flatnonzero(allowed & ~frac)
    if size < len(candidates):
        # stable order: ties broken by column index
        pick = candidates[np.argsort(reduced[candidates], kind="stable")[:size]]
    else:
        pick = candidates
    seed[pick] = True
    free = np.zeros(mat.n_cols, dtype=bool)
    if mat.n_y:
        # under a uniform offer an activity is one decision across all neighbourhoods
        by_a = seed[: mat.n_x].reshape(A, N * C).any(axis=1) | seed[mat.n_x :].reshape(A, C).any(axis=1)
        free[: mat.n_x] = np.repeat(by_a, N * C)
        free[mat.n_x :] = np.repeat(by_a, C)
    else:
        free[: mat.n_x] = np.repeat(seed[: mat.n_x].reshape(A * N, C).any(axis=1), C)
    return free & allowed


def _repair(mat, cost, upper, base, free, deadline, target) -> np.ndarray | None:
    """Solve the MILP over the free columns with the rest fixed at ``base`` (LP values or the
    best plan so far), starting from ``base``; stop once the whole plan reaches ``target``."""
    x = np.where(free, 0.0, base)
    if not free.any():
        return x if _feasible(mat, x) else None
    reduced = reduce_model(mat, cost, upper, base, free, integer=True)
    if reduced is None:
        return None
    lp_r, free_idx = reduced.lp, reduced.columns
    start = np.where(base[free_idx] > 0.5, 1.0, 0.0)
    fixed_value = float(cost @ x)

    def improving(event) -> None:
        if fixed_value + event.data_out.objective_function_value >= target:
            deadline.good_enough = True

    h = _new_highs(REPAIR_REL_GAP)
    h.setOptionValue("mip_max_nodes", REPAIR_NODES)
    h.passModel(lp_r)
    h.setSolution(len(start), np.arange(len(start), dtype=np.int32), start)
    h.cbMipImprovingSolution += improving
    deadline.run(h)
    deadline.good_enough = False
    sol = h.getSolution()
    if not sol.value_valid:
        return None
    x[free_idx] = np.round(np.asarray(sol.col_value, dtype=float))
    return x if _feasible(mat, x) else None


@dataclass
class Reduced:
    """A model restricted to some free columns, the others fixed (docs/model.md, "Reduction")."""

    lp: highspy.HighsLp
    columns: np.ndarray
    """Original index of each reduced column."""
    fixed: np.ndarray
    """Full column vector with the fixed values (free columns at 0)."""


def reduce_model(mat, cost, upper, fixed_value, free, integer: bool) -> Reduced | None:
    """Fix every column outside ``free`` at ``fixed_value``, move its use into the row bounds,
    and drop rows that no longer matter: rows with no free column (returning None if such a row
    is already broken — no completion can exist) and rows no choice of the free columns can
    break (their largest possible use stays within the bound). Pure numpy, no solver.
    """
    x_fixed = np.where(free, 0.0, fixed_value)
    used = mat.activity(x_fixed)
    lo, hi = mat.row_bounds()
    lo, hi = lo - used, hi - used
    free = free & (upper > 0)
    row_of_entry = np.repeat(np.arange(mat.n_rows), np.diff(mat.indptr))
    entry_free = free[mat.indices]
    a = np.where(entry_free, mat.data * upper[mat.indices], 0.0)
    most = np.bincount(row_of_entry, weights=np.maximum(a, 0), minlength=mat.n_rows)
    least = np.bincount(row_of_entry, weights=np.minimum(a, 0), minlength=mat.n_rows)
    tol = 1e-9 * np.maximum(1.0, np.abs(mat.rhs))
    if np.any(most < lo - tol) or np.any(least > hi + tol):
        return None  # some row cannot be met whatever the free columns do
    needed = (most > hi + tol) | (least < lo - tol)
    keep_entry = entry_free & needed[row_of_entry]
    kept_rows = np.flatnonzero(needed)
    free_idx = np.flatnonzero(free)
    new_col = np.full(mat.n_cols, -1, dtype=np.int64)
    new_col[free_idx] = np.arange(len(free_idx))
    counts = np.bincount(row_of_entry[keep_entry], minlength=mat.n_rows)[kept_rows]
    indptr = np.zeros(len(kept_rows) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    lp = highs_lp(cost[free_idx], upper[free_idx], indptr, new_col[mat.indices[keep_entry]],
                   mat.data[keep_entry], lo[kept_rows], hi[kept_rows], integer=integer)
    return Reduced(lp, free_idx, x_fixed)


def _feasible(mat, x: np.ndarray, tol: float = 1e-6) -> bool:
    act = mat.activity(x)
    lo, hi = mat.row_bounds()
    scale = np.maximum(1.0, np.abs(mat.rhs))
    return bool(np.all(act <= hi + tol * scale) and np.all(act >= lo - tol * scale))


# --------------------------------------------------------------------------- PuLP (definition and CBC)


class _GuardedHiGHS(pulp.HiGHS):
    """pulp.HiGHS with the wall-clock guard and a starting solution."""

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


def solve_exact_pulp(model, upper, deadline, relative_gap, solver, start) -> RawSolution:
    prob = model.problem
    # the dominance presolve as bounds for this solve only (restored below, so the PuLP problem
    # stays the plain model for anyone adding slacks or reading duals)
    for var, ub in zip(model.variables, upper.tolist()):
        var.upBound = ub
    try:
        return _solve_pulp(model, prob, upper, deadline, relative_gap, solver, start)
    finally:
        for var in model.variables:
            var.upBound = 1


def _solve_pulp(model, prob, upper, deadline, relative_gap, solver, start) -> RawSolution:
    x0 = start
    t0 = time.perf_counter()
    if solver == SolverName.CBC:
        return _solve_cbc(model, prob, x0, deadline, relative_gap, t0)
    # pulp.HiGHS adds columns in the order of prob.variables(); give the start in that order
    position = {v.name: i for i, v in enumerate(model.variables)}
    start_vec = None
    if x0 is not None:
        start_vec = np.array([x0[position[v.name]] for v in prob.variables()], dtype=float)
    engine = _GuardedHiGHS(deadline, start_vec, msg=False, timeLimit=max(deadline.remaining(), 0.01),
                           gapRel=relative_gap)
    prob.solve(engine)
    seconds = time.perf_counter() - t0
    h = prob.solverModel
    deadline.solver_seconds += h.getRunTime()  # PuLP's own column-by-column transfer is not solver time
    x = _pulp_values(model)
    status = _status_of(h, x is not None)
    if status in ("infeasible", "no plan found"):
        x = None
    info = h.getInfo()
    # pulp.HiGHS minimises −objective, so the bound changes sign
    bound = -info.mip_dual_bound if status in ("optimal", "feasible") else None
    return RawSolution(x, status, EXACT, "HiGHS " + _highs_version() + " via PuLP", _finite(bound), seconds)


def _solve_cbc(model, prob, x0, deadline, relative_gap, t0) -> RawSolution:
    if x0 is not None:
        for var, val in zip(model.variables, x0.tolist()):
            var.setInitialValue(val)
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        # PuLP 3.3 marks its bundled CBC deprecated (PuLP 4 unbundles it); it is our fallback
        warnings.simplefilter("ignore", DeprecationWarning)
        log = Path(tmp) / "cbc.log"
        engine = pulp.PULP_CBC_CMD(msg=False, timeLimit=max(deadline.remaining(), 0.01), gapRel=relative_gap,
                                   warmStart=x0 is not None, threads=1, logPath=str(log),
                                   options=["randomSeed 1", "randomCbcSeed 1"])
        t_run = time.perf_counter()
        prob.solve(engine)
        deadline.solver_seconds += time.perf_counter() - t_run  # includes CBC's MPS exchange
        text = log.read_text(errors="replace") if log.exists() else ""
    seconds = time.perf_counter() - t0
    st = pulp.LpStatus[prob.status]
    x = _pulp_values(model) if prob.sol_status in (1, 2) else None
    if st == "Infeasible":
        status = "infeasible"
    elif x is None:
        status = "no plan found"
    else:
        status = "optimal" if prob.sol_status == 1 else "feasible"
    bound, note = _cbc_bound(text, x, model, relative_gap) if x is not None else (None, None)
    return RawSolution(x, status, EXACT, "CBC via PuLP", bound, seconds, [note] if note else [])


def _cbc_bound(log: str, x: np.ndarray, model, relative_gap: float) -> tuple[float | None, str | None]:
    """The best bound CBC's log supports, and a note saying where it came from.

    PuLP hands CBC the minimisation of −objective, so CBC's "Lower bound" is minus our bound.
    When CBC stops because its gap tolerance is met it prints no bound; the tolerance itself then
    bounds the optimum (objective · (1 + relative_gap)), which is what we report, and say so.
    """
    objective = float(model.value @ x[: model.matrix.n_x])
    m = re.findall(r"Lower bound:\s*(-?[0-9.eE+-]+)", log)
    if m:
        return max(objective, -float(m[-1])), None
    if re.search(r"Result - Optimal solution found", log):
        if relative_gap <= 0:
            return objective, None
        return objective + relative_gap * abs(objective), (
            "CBC stopped within its gap tolerance and printed no bound; the bound shown is the one "
            "that tolerance implies")
    return None, None


def _pulp_values(model) -> np.ndarray | None:
    vals = [v.varValue for v in model.variables]
    if any(v is None for v in vals):
        return None
    return np.round(np.array(vals, dtype=float))


# --------------------------------------------------------------------------- dispatch and extraction


def solve_model(model: DevolutionModel, *, time_limit: float, relative_gap: float, solver: SolverName,
                start, method: str = "auto") -> Plan:
    """Solve with the chosen method under one wall-clock deadline; see the module docstring.

    ``auto`` (HiGHS): the LP relaxation, fix and repair method first — it is cheap at every
    scale and proves its own gap against the LP bound. If that gap is already within
    ``relative_gap`` the plan is returned; otherwise, when the model is small enough, the exact
    MILP continues from that plan in the time left. CBC always solves the exact MILP via PuLP.
    """
    deadline = Deadline(time.monotonic() + float(time_limit))
    t0 = time.perf_counter()
    mask = dominance_mask(model)
    upper = _column_upper(model, mask)
    free_binaries = int((upper > 0).sum())
    if method not in ("auto", "exact", "lp_fix", "exact_pulp"):
        raise ValueError(f"unknown method {method!r}")
    if solver == SolverName.CBC and method == "lp_fix":
        raise ValueError("the LP relaxation, fix and repair method runs on HiGHS only")
    model.say("Solving…")
    if model.matrix.n_cols == 0:
        # nothing may be devolved: the empty plan is the only plan, if it keeps the floors
        empty = np.zeros(0)
        ok = _feasible(model.matrix, empty)
        raw = RawSolution(empty if ok else None, "optimal" if ok else "infeasible", EXACT, "none needed",
                          0.0 if ok else None, 0.0, ["no activity may be devolved"])
    elif solver == SolverName.CBC or method == "exact_pulp":
        raw = solve_exact_pulp(model, upper, deadline, relative_gap, solver, start_vector(model, start, upper))
    elif method == "exact":
        raw = solve_exact_arrays(model, upper, deadline, relative_gap, start_vector(model, start, upper))
    else:
        raw = solve_lp_fix(model, upper, deadline, relative_gap, start)
        if (
            method == "auto"
            and raw.status in ("feasible", "no plan found")
            and free_binaries <= EXACT_LIMIT
            and deadline.remaining() > 0
        ):
            exact = solve_exact_arrays(model, upper, deadline, relative_gap, raw.x)
            exact.solve_seconds += raw.solve_seconds
            exact.notes = raw.notes + [
                "the fix-and-repair plan was outside the gap asked for; the exact MILP continued from it"
                if raw.x is not None else "fix and repair found no plan; the exact MILP was solved instead"
            ]
            if exact.x is not None or exact.status == "infeasible" or raw.x is None:
                raw = exact
            else:
                raw.solve_seconds = exact.solve_seconds
    dropped = model.matrix.n_x - int(mask.sum())
    if dropped:
        raw.notes.append(f"{dropped} of {model.matrix.n_x} options set aside by the dominance presolve "
                         "(no value, no saving, not needed by any rule)")
    t1 = time.perf_counter()
    # honest accounting: solve = time inside solver runs; everything else before extraction
    # (presolve, reduction, transfer to the solver, fixing) counts as building
    inside = deadline.solver_seconds
    around = (t1 - t0) - inside
    model.say("Reading the plan…")
    plan = extract_plan(model, raw, relative_gap=relative_gap, build_seconds=model.build_seconds + around,
                        solve_seconds=inside)
    extract = time.perf_counter() - t1
    model.build_seconds = 0.0  # charged once, to the first plan
    return plan.model_copy(update={"extract_seconds": extract})


def extract_plan(model: DevolutionModel, raw: RawSolution, *, relative_gap: float, build_seconds: float,
                 solve_seconds: float) -> Plan:
    arr, mat = model.options, model.matrix
    objective = gap = None
    decisions: tuple[Decision, ...] = ()
    limits: tuple[LimitUse, ...] = ()
    if raw.status in ("infeasible", "no plan found"):
        raw.x = None
    if raw.x is not None:
        x = raw.x[: mat.n_x]
        chosen = np.flatnonzero(x > 0.5)
        objective = float(model.value[chosen].sum())
        decisions = _decisions(model, chosen)
        limits = limit_uses(model, raw.x)
    bound = raw.best_bound
    status = raw.status
    if objective is not None and bound is not None:
        bound = max(bound, objective)
        gap = (bound - objective) / max(abs(objective), 1e-9)
        if gap <= 1e-9:
            gap = 0.0
        status = _gap_status(objective, bound, relative_gap)
    elif objective is not None:
        status = "feasible"
    return Plan(
        scenario_name=model.scenario.name,
        method=raw.method,
        solver=raw.solver,
        status=status,
        objective=objective,
        best_bound=bound,
        gap=gap,
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        extract_seconds=0.0,
        decisions=decisions,
        limits=limits,
        retained=dict(arr.retained),
        notes=tuple(raw.notes),
    )


def _decisions(model: DevolutionModel, chosen: np.ndarray) -> tuple[Decision, ...]:
    arr = model.options
    contrib = arr.deviation[chosen] * model.weights
    a, n, c = arr.a[chosen].tolist(), arr.n[chosen].tolist(), arr.c[chosen].tolist()
    cols = [arr.transition[chosen].tolist(), arr.running[chosen].tolist(),
            arr.contingency[chosen].tolist(), arr.hours[chosen].tolist()]
    values = contrib.sum(axis=1).tolist()
    contrib_rows = contrib.tolist()
    out = []
    for i in range(len(chosen)):
        ai = a[i]
        # model_construct: the numbers come straight from validated arrays; skip re-validation
        out.append(Decision.model_construct(
            activity_id=arr.activity_ids[ai],
            service_id=arr.service_ids[ai],
            stage=arr.stages[ai].value,
            neighbourhood_id=arr.neighbourhood_ids[n[i]],
            configuration=arr.configurations[c[i]],
            value=values[i],
            contributions=dict(zip(CRITERIA, contrib_rows[i])),
            transition_cost=cols[0][i],
            running_change=cols[1][i],
            contingency=cols[2][i],
            volunteer_hours=cols[3][i],
        ))
    return tuple(out)


def limit_uses(model: DevolutionModel, x: np.ndarray) -> tuple[LimitUse, ...]:
    """How much of every limit the plan uses, and whether it binds.

    A budget binds when almost none of it is left, or what is left could not pay for any
    improvement still worth having: devolving another activity in a neighbourhood, or moving a
    devolved one to an arrangement worth more (which needs only the difference in resources).
    A floor binds when it stops the plan from going one step lower.
    """
    arr, mat = model.options, model.matrix
    A, N, C = arr.shape
    act = mat.activity(x)
    xs = x[: mat.n_x]
    chosen = (xs > 0.5).reshape(A * N, C) if C else np.zeros((0, 0), bool)
    current_value = np.repeat((model.value.reshape(A * N, C) * chosen).sum(axis=1), C) if C else xs
    open_option = (model.value > current_value + 1e-12) & ~chosen.reshape(-1)
    names = {h.neighbourhood_id: h.name for h in model.assessment.neighbourhoods}
    coefficient = {"transition_budget": arr.transition, "running_cost": arr.running,
                   "contingency_reserve": arr.contingency, "capacity": arr.hours}

    def extra_need(coef: np.ndarray) -> np.ndarray:
        """What each option needs beyond what its activity and neighbourhood already use."""
        if not C:
            return coef
        return coef - np.repeat((coef.reshape(A * N, C) * chosen).sum(axis=1), C)

    out: list[LimitUse] = []
    for family in LIMIT_FAMILIES:
        block = mat.blocks.get(family)
        if block is None:
            continue
        label, unit = FAMILIES[family]
        for i in range(block.start, block.stop):
            scope = block.scopes[i - block.start]
            hood = scope[0] if scope else None
            limit, used = float(mat.rhs[i]), float(act[i])
            sense = "<=" if mat.sense[i] == LE else ">="
            if family == "collective_share":
                total = float(xs.sum())
                used = float((xs * arr.collective).sum() / total) if total else 0.0
                limit = model.scenario.min_collective_share
            tol = 1e-6 * max(1.0, abs(limit))
            if family == "collective_share":
                total = float(xs.sum())
                # the floor binds when it would stop one more non-collective decision
                binding = float((xs * arr.collective).sum()) / (total + 1) < limit - tol
            elif sense == ">=":
                binding = used - 1 < limit - tol
            else:
                coef = extra_need(coefficient[family])
                pool = open_option & (coef > 0)
                if hood is not None:
                    pool &= arr.n == arr.neighbourhood_ids.index(hood)
                slack = limit - used
                # with no option left that needs this limit, only running out makes it bind
                short = pool.any() and slack < float(coef[pool].min())
                binding = slack <= max(tol, BINDING_SHARE * abs(limit)) or short
            out.append(LimitUse.model_construct(
                name=family, scope=hood,
                label=label if hood is None else f"{label} in {names[hood]}",
                used=used, limit=limit, unit=unit, sense=sense, binding=bool(binding),
                marginal_value=None,
            ))
    return tuple(out)


def _finite(v: float | None) -> float | None:
    if v is None or not np.isfinite(v) or abs(v) >= 1e30:
        return None
    return float(v)


_VERSION: list[str] = []


def _highs_version() -> str:
    if not _VERSION:
        h = highspy.Highs()
        _VERSION.append(f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}")
    return _VERSION[0]
