"""Why a scenario has no plan (docs/model.md, "Diagnosing an infeasible scenario").

Two steps. Quick checks on the data find the common impossibilities without a solver (a saving
larger than every saving on offer, an equity floor above the number of activities that may be
devolved). Then an *elastic* re-solve: every limit gets a named slack, and the smallest
normalised stretch of the limits that admits a plan is found — by the LP relaxation first, then
for whole decisions in the groups the LP split — and each stretched limit is reported with its
amount. The results are :class:`~devolve.core.plan.Obstacle` records;
:mod:`devolve.present.words` says them in plain words.

Rules (one arrangement per activity, coherence, a uniform offer) are never stretched: on their
own they always admit the empty plan.
"""

from __future__ import annotations

import highspy
import numpy as np

from devolve.core.limits import CATALOGUE
from devolve.core.plan import Obstacle, ObstacleKind
from devolve.optimise.highs import Deadline, highs_lp, run_highs
from devolve.optimise.matrix import LE
from devolve.optimise.model import DevolutionModel
from devolve.optimise.presolve import column_upper
from devolve.optimise.repair import INTEGRAL_TOL, REPAIR_NODES, REPAIR_SIZES, free_columns

SLACK_TOL = 1e-6
WIDE_ROUND_GAP = 0.01
"""The widest repair round runs only while the stretch found is this far above the least one."""
ELASTIC_SECONDS = 15.0
ELASTIC_GAP = 1e-4
"""How near the smallest stretch must be proven. Not looser: the empty plan with every limit
stretched to fit is the starting point, and a required saving of £5m of which £50k is within
reach is only 1% better than it — a loose gap would report the whole £5m as out of reach."""


def diagnose(model: DevolutionModel) -> tuple[Obstacle, ...]:
    """Why the scenario cannot be met: the pre-checks first, then the stretched limits."""
    found = list(prechecks(model))
    stretched = elastic_diagnosis(model)
    if stretched is None and not found:
        return (Obstacle(kind=ObstacleKind.STRETCH_FAILED),)
    found += [o for o in stretched or () if o not in found]
    return tuple(found)


def prechecks(model: DevolutionModel) -> list[Obstacle]:
    """Impossibilities visible in the data alone, before any solve (options the rubric does not
    offer count as absent)."""
    arr, sc = model.options, model.scenario
    A, N, C = arr.shape
    out: list[Obstacle] = []
    offered = arr.open.reshape(A, N, C)

    def cheapest(use: np.ndarray) -> np.ndarray:
        """(A, N) the least any offered arrangement uses; ∞ where none is offered."""
        return np.where(offered, use.reshape(A, N, C), np.inf).min(axis=2) if A * N * C else np.zeros((A, N))

    e = sc.min_devolved_per_neighbourhood
    devolvable = offered.any(axis=2)  # (A, N)
    if e > 0 and e > int(devolvable.any(axis=1).sum()):
        out.append(Obstacle(kind=ObstacleKind.FLOOR_ABOVE_DEVOLVABLE, needed=e,
                            available=int(devolvable.any(axis=1).sum())))
    elif e > 0:
        for n in np.flatnonzero(devolvable.sum(axis=0) < e):
            out.append(Obstacle(kind=ObstacleKind.FLOOR_ABOVE_DEVOLVABLE, neighbourhood_id=arr.neighbourhood_ids[n],
                                needed=e, available=int(devolvable[:, n].sum())))
    if sc.running_cost_limit < 0:
        saving = cheapest(arr.running_change)
        best = float(np.minimum(np.where(np.isfinite(saving), saving, 0.0), 0).sum())
        if best > sc.running_cost_limit:
            out.append(Obstacle(kind=ObstacleKind.SAVING_OUT_OF_REACH, needed=-sc.running_cost_limit,
                                available=-best))
    if e > 0 and sc.min_collective_share > 0 and not arr.collective_configs.any():
        out.append(Obstacle(kind=ObstacleKind.FLOOR_WITHOUT_COLLECTIVE))
    if e > 0 and A * N * C and not out:
        hours = np.sort(cheapest(arr.volunteer_hours), axis=0)[:e].sum(axis=0)
        cap = sc.capacity_use * arr.hours_available
        for n in np.flatnonzero(hours > cap + SLACK_TOL):
            out.append(Obstacle(kind=ObstacleKind.FLOOR_NEEDS_HOURS, neighbourhood_id=arr.neighbourhood_ids[n],
                                needed=float(hours[n]), available=float(cap[n])))
        # every neighbourhood needs at least one partnership, set up with its body if it has one
        partnership = (arr.partnership_setup + arr.area_setup).min() * arr.partnership_areas
        setup = float(np.sort(cheapest(arr.transition_cost), axis=0)[:e].sum() + partnership.sum())
        if setup > sc.transition_budget:
            out.append(Obstacle(kind=ObstacleKind.FLOOR_NEEDS_SETUP, needed=setup, available=sc.transition_budget))
    return out


def elastic_diagnosis(model: DevolutionModel) -> list[Obstacle] | None:
    """Stretch each limit by a penalised slack and report the smallest stretch that admits a plan.

    None when the stretched model could not be solved in the time allowed.
    """
    mat = model.matrix
    rows = [i for family, b in mat.blocks.items() if CATALOGUE[family].stretchable for i in range(b.start, b.stop)]
    if not rows:
        return []
    rows_arr = np.array(rows, dtype=np.int64)
    n_cols = mat.n_cols + len(rows)
    # rebuild the CSR matrix with one slack column per elastic row
    row_of = np.repeat(np.arange(mat.n_rows), np.diff(mat.indptr))
    slack_cols = mat.n_cols + np.arange(len(rows))
    slack_sign = np.where(mat.sense[rows_arr] == LE, -1.0, 1.0)
    all_rows = np.concatenate([row_of, rows_arr])
    order = np.argsort(all_rows, kind="stable")
    indices = np.concatenate([mat.indices, slack_cols])[order]
    data = np.concatenate([mat.data, slack_sign])[order]
    indptr = np.zeros(mat.n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(all_rows, minlength=mat.n_rows), out=indptr[1:])
    # a unit of stretch is measured against the size of the limit, so £ and hours compare fairly
    scale = np.maximum(np.abs(mat.rhs[rows_arr]), _typical_coefficient(mat, rows_arr))
    cost = np.zeros(n_cols)
    cost[mat.n_cols :] = -1.0 / scale  # maximise minus the normalised stretch
    upper = np.concatenate([column_upper(model, model.options.open), np.full(len(rows), np.inf)])
    lo, hi = mat.row_bounds()
    deadline = Deadline.after(min(ELASTIC_SECONDS, model.scenario.time_limit_seconds))
    # 1. the LP relaxation: the least stretch any plan, even a fractional one, needs
    h, x_lp = run_highs(highs_lp(cost, upper, indptr, indices, data, lo, hi, integer=False), deadline, None)
    if x_lp is None:
        return None
    least = float(cost @ x_lp)
    nearness = np.abs(np.asarray(h.getSolution().col_dual, dtype=float))[: mat.n_cols]
    # 2. whole decisions, as fix and repair finds them (repair.py): keep what the LP took or left
    #    whole and decide the rest in small MILPs — the groups the LP split, then also the
    #    options nearest to entering its basis — each round starting from the best plan so far
    decisions = x_lp[: mat.n_cols]
    split = (np.abs(decisions - np.round(decisions)) > INTEGRAL_TOL) & mat.integral
    best = None
    for size in REPAIR_SIZES:
        if size == REPAIR_SIZES[-1] and best is not None and cost @ best >= least - WIDE_ROUND_GAP * abs(least):
            break  # the widest round, costly at the root, only for a stretch still far from the least
        free = free_columns(model.options, mat, split, nearness, upper[: mat.n_cols], size)
        whole = mat.settle(np.where(free, 0.0, np.round(decisions) if best is None else best[: mat.n_cols]))
        sol = _whole_decisions(mat, rows_arr, cost, upper, indptr, indices, data, lo, hi, whole, free, deadline)
        if sol is not None and (best is None or cost @ sol > cost @ best):
            best = sol
        if best is not None and cost @ best >= least - ELASTIC_GAP * max(abs(least), 1e-9):
            break
        if deadline.remaining() <= 0:
            break
    if best is None:
        return None
    sol = best
    slack = sol[mat.n_cols :]
    out = []
    for i, s, size in zip(rows_arr, slack, scale):
        if s > SLACK_TOL * size:
            block = mat.block_of(int(i))
            out.append(Obstacle(kind=ObstacleKind.LIMIT_SHORT, family=block.family,
                                neighbourhood_id=block.neighbourhood(int(i)), short_by=float(s)))
    return out


def _whole_decisions(mat, rows: np.ndarray, cost, upper, indptr, indices, data, lo, hi, whole: np.ndarray,
                     free: np.ndarray, deadline: Deadline) -> np.ndarray | None:
    """The stretched model with the decisions outside ``free`` fixed at ``whole``, the rest whole
    numbers to choose and the slacks continuous; started from the free decisions at 0 and the
    limits stretched to fit."""
    lp = highs_lp(cost, upper, indptr, indices, data, lo, hi, integer=True)
    lp.col_lower_ = np.concatenate([np.where(free, 0.0, whole), np.zeros(len(rows))])
    lp.col_upper_ = np.concatenate([np.where(free, upper[: mat.n_cols], whole), np.full(len(rows), np.inf)])
    kinds = np.full(len(cost), highspy.HighsVarType.kContinuous)
    kinds[: mat.n_cols][mat.integral] = highspy.HighsVarType.kInteger
    lp.integrality_ = kinds
    use = mat.row_totals(whole)[rows]
    rhs = mat.rhs[rows]
    start = np.concatenate([whole, np.where(mat.sense[rows] == LE, np.maximum(use - rhs, 0), np.maximum(rhs - use, 0))])
    _, sol = run_highs(lp, deadline, ELASTIC_GAP, start, options={"mip_max_nodes": REPAIR_NODES})
    return sol


def _typical_coefficient(mat, rows: np.ndarray) -> np.ndarray:
    out = np.ones(len(rows))
    for j, i in enumerate(rows):
        vals = np.abs(mat.data[mat.indptr[i] : mat.indptr[i + 1]])
        vals = vals[vals > 0]
        if vals.size:
            out[j] = float(np.median(vals))
    return out
