"""LP relaxation, fix and repair: a proven bound and a good plan at any scale (docs/model.md).

Solve the LP relaxation (its optimum bounds every plan), fix every variable the LP already set
to 0 or 1, and solve the small MILP left over the activity–neighbourhood groups the LP split,
widening it in rounds to the columns nearest to entering the LP basis while the plan is still
outside the gap asked for. There is no other fallback: when no round finds an integer plan in
the time allowed, the answer is "no plan found", with the LP bound. The gap reported is against
the LP bound, so it is an honest upper bound on the true gap.
"""

from __future__ import annotations

import time

import highspy
import numpy as np

from devolve.core.plan import NoteKind, PlanMethod, PlanStatus, SolveNote
from devolve.optimise.highs import Deadline, dual_bound, highs_name, is_infeasible, new_highs, run_highs
from devolve.optimise.matrix import ModelMatrix
from devolve.optimise.model import DevolutionModel
from devolve.optimise.options import OptionArrays
from devolve.optimise.presolve import feasible, reduce_model
from devolve.optimise.readback import RawSolution, gap_status

SIMPLEX_LIMIT = 1_000_000
"""Largest LP (columns after the presolve) solved by dual simplex rather than interior point. With
partnerships the LP is degenerate and interior point slow: at M (56k columns) simplex takes 2 s
and interior point 15 s; at L (242k columns) 31 s against more than 120 s."""
IPM_OPTIONS = {"solver": "ipm", "run_crossover": "on", "presolve": "off"}
"""How an LP beyond :data:`SIMPLEX_LIMIT` is solved. If interior point stops short of an optimal
vertex before the deadline (it stalled on a 700-service council in 2025, and HiGHS's own clean-up
then ran past the deadline), dual simplex takes over for the time left, and the plan says so."""
SIMPLEX_OPTIONS = {"solver": "simplex", "presolve": "off"}
INTEGRAL_TOL = 1e-9
"""An LP value further than this from 0 or 1 counts as fractional (and is left to the repair)."""
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
LEAN_CUTS = {"mip_lp_age_limit": 0, "mip_pool_age_limit": 0, "mip_pool_soft_limit": 1}
"""HiGHS options for a repair that must be quick rather than thorough (a robustness sample): cuts
leave the LP as soon as they stop binding and are not kept in a pool. At the root, where the repair
spends its time, HiGHS otherwise keeps hundreds of cuts (925 on one sample's 821 columns); on 44
samples' repairs this took 6.5 s against 11.6 s, with values 0.03% lower on average."""


def solve_lp_fix(model: DevolutionModel, upper: np.ndarray, deadline: Deadline,
                 relative_gap: float, start: np.ndarray | None = None,
                 warm: highspy.HighsBasis | None = None, target: float = REPAIR_TARGET,
                 rounds: tuple[int, ...] = REPAIR_SIZES, nodes: int = REPAIR_NODES,
                 mip_options: dict | None = None) -> RawSolution:
    """``warm``: the LP basis of an earlier solve of this model under other values, with the same
    ``upper`` (``RawSolution.lp_basis``): primal simplex starts from it, four to ten times faster
    than cold on the sample (dual simplex from it is no faster than cold once scores move too).
    A basis of another shape (a row the reduction drops under these values) is not used.
    ``target``: the repair stops once the plan is within this share of the gap asked for;
    ``rounds``: the repair's rounds (see :data:`REPAIR_SIZES`); ``nodes``: the branch-and-bound
    nodes each round may use (see :data:`REPAIR_NODES`); ``mip_options``: more HiGHS options for
    the repair's MILP (:data:`LEAN_CUTS`)."""
    mat = model.matrix
    A, N, C = model.options.shape
    cost = model.objective()
    notes: list[SolveNote] = []
    solver = highs_name()
    method = PlanMethod.LP_FIX

    t0 = time.perf_counter()
    red = reduce_model(mat, cost, upper, np.zeros(mat.n_cols), upper > 0, integer=False)
    if red is None:
        return RawSolution(None, PlanStatus.INFEASIBLE, method, solver, None, time.perf_counter() - t0,
                           [SolveNote(kind=NoteKind.FLOOR_UNREACHABLE)])
    # A vertex is wanted: the LP's vertices are nearly integral (docs/model.md). Dual simplex finds
    # one directly; only an LP beyond SIMPLEX_LIMIT goes by interior point then crossover.
    # HiGHS presolve costs more than it saves here; reduce_model did the work.
    lp_options = IPM_OPTIONS if red.lp.num_col_ > SIMPLEX_LIMIT else SIMPLEX_OPTIONS
    fits = (warm is not None and len(warm.col_status) == red.lp.num_col_
            and len(warm.row_status) == red.lp.num_row_)
    if fits:
        lp_options = {**SIMPLEX_OPTIONS, "simplex_strategy": 4}  # primal simplex
    h, x_red = run_highs(red.lp, deadline, None, options=lp_options, basis=warm if fits else None)
    if lp_options is IPM_OPTIONS and not _finished(h) and deadline.remaining() > 0:
        notes.append(SolveNote(kind=NoteKind.IPM_FELL_BACK, figures={"seconds": time.perf_counter() - t0}))
        h, x_red = run_highs(red.lp, deadline, None, options=SIMPLEX_OPTIONS)
    lp_seconds = time.perf_counter() - t0
    if is_infeasible(h):
        return RawSolution(None, PlanStatus.INFEASIBLE, method, solver, None, lp_seconds, notes)
    if x_red is None or h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        # stopped part way: the row multipliers so far still prove a bound, if a loose one
        sol = h.getSolution()
        bound = dual_bound(red.lp, sol.row_dual) if sol.dual_valid else None
        notes += [SolveNote(kind=NoteKind.LP_TIMED_OUT)] + ([] if bound is None else [
            SolveNote(kind=NoteKind.PARTIAL_BOUND, figures={"seconds": lp_seconds, "bound": bound})])
        if start is not None and feasible(mat, start):  # the plan given to beat still stands
            status = PlanStatus.FEASIBLE if bound is None else gap_status(float(cost @ start), bound, relative_gap)
            return RawSolution(start, status, method, solver, bound, lp_seconds,
                               notes + [SolveNote(kind=NoteKind.START_KEPT)])
        return RawSolution(None, PlanStatus.NO_PLAN, method, solver, bound, lp_seconds, notes)
    bound = float(h.getInfo().objective_function_value)
    x_lp = red.fixed.copy()
    x_lp[red.columns] = x_red
    reduced = np.full(mat.n_cols, np.inf)
    reduced[red.columns] = np.abs(np.asarray(h.getSolution().col_dual, dtype=float))
    basis = h.getBasis()
    del h
    notes.append(SolveNote(kind=NoteKind.LP_BOUND, figures={"seconds": lp_seconds, "bound": bound}))

    rounded = mat.settle(np.round(x_lp))
    frac = (np.abs(x_lp - np.round(x_lp)) > INTEGRAL_TOL) & mat.integral
    t1 = time.perf_counter()
    # a previous plan (a re-plan after a change of weights) is the plan to beat, when it still fits
    kept = start if start is not None and feasible(mat, start) else None
    x = None
    repaired_over = 0
    target = bound - target * relative_gap * max(abs(bound), 1e-9)
    wanted = bound - relative_gap * max(abs(bound), 1e-9)
    for size in rounds:
        if kept is not None and cost @ kept >= target:
            break  # the previous plan is already within the gap asked for
        if size > REPAIR_SIZES[1] and max((cost @ v for v in (x, kept) if v is not None), default=-np.inf) >= wanted:
            break  # the wide round only when the plan is still outside the gap asked for
        free = free_columns(model.options, mat, frac, reduced, upper, size)
        base = rounded if x is None else x  # start each round from the best plan so far
        xr = _repair(mat, cost, upper, base, free, deadline, target, nodes, mip_options)
        if xr is not None and (x is None or cost @ xr > cost @ x + 1e-12):
            x = xr
            repaired_over = int(free.sum())
        best = max((cost @ v for v in (x, kept) if v is not None), default=-np.inf)
        if best >= target or free.sum() >= (upper > 0).sum() or deadline.remaining() <= 0:
            break
    if x is not None:
        notes.append(SolveNote(kind=NoteKind.REPAIRED, figures={
            "fractional": int(frac.sum()), "columns": mat.n_cols, "repaired": repaired_over}))
    if kept is not None and (x is None or cost @ kept > cost @ x + 1e-12):
        x = kept
        notes.append(SolveNote(kind=NoteKind.START_KEPT))
    solve_seconds = lp_seconds + (time.perf_counter() - t1)
    if x is None:
        return RawSolution(None, PlanStatus.NO_PLAN, method, solver, bound, solve_seconds,
                           notes + [SolveNote(kind=NoteKind.REPAIR_FAILED)], basis)
    return RawSolution(x, gap_status(float(cost @ x), bound, relative_gap), method, solver, bound,
                       solve_seconds, notes, basis)


def _finished(h: highspy.Highs) -> bool:
    return h.getModelStatus() == highspy.HighsModelStatus.kOptimal or is_infeasible(h)


def free_columns(arr: OptionArrays, mat: ModelMatrix, frac: np.ndarray, reduced: np.ndarray, upper: np.ndarray,
                 size: int) -> np.ndarray:
    """Columns left to the repair MILP: every partnership group the LP split — one service's
    options, offers and partnerships in one neighbourhood (in every neighbourhood under a uniform
    offer) — and the ``size`` columns nearest to entering the LP basis (smallest |reduced cost|),
    each with its whole group. A neighbourhood body the LP split frees every group that uses it;
    a service's reach split by the LP frees all its groups; and a freed group frees its service's
    reach (whether it is devolved, and where)."""
    A, N, C = arr.shape
    S = len(arr.partnership_services)
    allowed = upper > 0
    seed = frac.copy()
    candidates = np.flatnonzero(allowed & ~frac)
    if size < len(candidates):
        # stable order: ties broken by column index
        pick = candidates[np.argsort(reduced[candidates], kind="stable")[:size]]
    else:
        pick = candidates
    seed[pick] = True
    uniform = mat.n_y > 0
    s_of_x = arr.service_of[arr.a].astype(np.int64)
    group_x = s_of_x if uniform else s_of_x * N + arr.n
    s_z, n_z, c_z = (v.ravel() for v in np.indices((S, N, C)))
    group_z = s_z if uniform else s_z * N + n_z
    hit = np.zeros(S if uniform else S * N, dtype=bool)
    hit[group_x[seed[: mat.n_x]]] = True
    if uniform:
        group_y = arr.service_of[np.repeat(np.arange(A), C)].astype(np.int64)
        hit[group_y[seed[mat.y0 : mat.z0]]] = True
    hit[group_z[seed[mat.z0 : mat.b0]]] = True
    split_bodies = seed[mat.b0 : mat.w0].reshape(N, C)
    hit[group_z[split_bodies[n_z, c_z] & allowed[mat.z0 : mat.b0]]] = True
    if mat.n_w:
        split = seed[mat.w0 : mat.h0] | seed[mat.h0 : mat.v0].reshape(S, N).any(axis=1)
        hit[split if uniform else np.repeat(split, N)] = True
    free = np.zeros(mat.n_cols, dtype=bool)
    free[: mat.n_x] = hit[group_x]
    if uniform:
        free[mat.y0 : mat.z0] = hit[group_y]
    free_z = hit[group_z] & allowed[mat.z0 : mat.b0]
    free[mat.z0 : mat.b0] = free_z
    bodies = np.zeros((N, C), dtype=bool)
    np.logical_or.at(bodies, (n_z, c_z), free_z)
    free[mat.b0 : mat.w0] = bodies.reshape(-1)
    if mat.n_w:
        reached = free_z.reshape(S, N * C).any(axis=1)
        free[mat.w0 : mat.h0] = reached
        free[mat.h0 : mat.v0] = np.repeat(reached, N)
    free[mat.v0 :] = free.any()  # the plan's value follows whatever is decided again
    return free & allowed


def _repair(mat: ModelMatrix, cost: np.ndarray, upper: np.ndarray, base: np.ndarray, free: np.ndarray,
            deadline: Deadline, target: float, nodes: int = REPAIR_NODES,
            mip_options: dict | None = None) -> np.ndarray | None:
    """Solve the MILP over the free columns with the rest fixed at ``base`` (LP values or the
    best plan so far), starting from ``base``; stop once the whole plan reaches ``target``."""
    x = np.where(free, 0.0, base)
    if not free.any():
        return x if feasible(mat, x) else None
    reduced = reduce_model(mat, cost, upper, base, free, integer=True)
    if reduced is None:
        return None
    lp_r, free_idx = reduced.lp, reduced.columns
    start = np.where(mat.integral[free_idx], np.where(base[free_idx] > 0.5, 1.0, 0.0), base[free_idx])
    fixed_value = float(cost @ x)

    def improving(event) -> None:
        if fixed_value + event.data_out.objective_function_value >= target:
            deadline.good_enough = True

    h = new_highs(REPAIR_REL_GAP)
    h.setOptionValue("mip_max_nodes", nodes)
    # reduce_model has done the presolve's work; HiGHS's own costs more than it saves here (on the
    # synthetic S council the repair took 10.5 s with it, 5.2 s without it and with pseudocosts
    # trusted at once)
    h.setOptionValue("presolve", "off")
    h.setOptionValue("mip_pscost_minreliable", 0)
    for key, value in (mip_options or {}).items():
        h.setOptionValue(key, value)
    h.passModel(lp_r)
    h.setSolution(len(start), np.arange(len(start), dtype=np.int32), start)
    h.cbMipImprovingSolution += improving
    deadline.run(h)
    deadline.good_enough = False
    sol = h.getSolution()
    if not sol.value_valid:
        return None
    x[free_idx] = np.round(np.asarray(sol.col_value, dtype=float))
    x = mat.settle(x)
    return x if feasible(mat, x) else None
