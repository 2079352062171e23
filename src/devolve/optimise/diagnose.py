"""Why a scenario has no plan (docs/model.md, "Diagnosing an infeasible scenario").

Two steps. Quick checks on the data find the common impossibilities without a solver (a saving
larger than every saving on offer, an equity floor above the number of activities that may be
devolved). Then an *elastic* re-solve: every limit gets a named slack, the solver finds the
smallest normalised stretch of the limits that admits a plan, and each stretched limit is
reported with its amount. The results are :class:`~devolve.core.plan.Obstacle` records;
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

SLACK_TOL = 1e-6
ELASTIC_SECONDS = 15.0
ELASTIC_GAP = 0.02
"""The stretch is a diagnosis, not a plan: a near-smallest stretch found quickly is enough."""


def diagnose(model: DevolutionModel) -> tuple[Obstacle, ...]:
    """Why the scenario cannot be met: the pre-checks first, then the stretched limits."""
    found = list(prechecks(model))
    stretched = elastic_diagnosis(model)
    if stretched is None and not found:
        return (Obstacle(kind=ObstacleKind.STRETCH_FAILED),)
    found += [o for o in stretched or () if o not in found]
    return tuple(found)


def prechecks(model: DevolutionModel) -> list[Obstacle]:
    """Impossibilities visible in the data alone, before any solve."""
    arr, sc = model.options, model.scenario
    A, N, C = arr.shape
    out: list[Obstacle] = []
    e = sc.min_devolved_per_neighbourhood
    if e > 0 and e > A:
        out.append(Obstacle(kind=ObstacleKind.FLOOR_ABOVE_DEVOLVABLE, needed=e, available=A))
    if sc.running_cost_limit < 0:
        best = float(np.minimum(arr.running_change.reshape(A, N, C).min(axis=2), 0).sum()) if A * N * C else 0.0
        if best > sc.running_cost_limit:
            out.append(Obstacle(kind=ObstacleKind.SAVING_OUT_OF_REACH, needed=-sc.running_cost_limit,
                                available=-best))
    if e > 0 and sc.min_collective_share > 0 and not arr.collective_configs.any():
        out.append(Obstacle(kind=ObstacleKind.FLOOR_WITHOUT_COLLECTIVE))
    if e > 0 and A * N * C and e <= A:
        hours = np.sort(arr.volunteer_hours.reshape(A, N, C).min(axis=2), axis=0)[:e].sum(axis=0)
        cap = sc.capacity_use * arr.hours_available
        for n in np.flatnonzero(hours > cap + SLACK_TOL):
            out.append(Obstacle(kind=ObstacleKind.FLOOR_NEEDS_HOURS, neighbourhood_id=arr.neighbourhood_ids[n],
                                needed=float(hours[n]), available=float(cap[n])))
        setup = float(np.sort(arr.transition_cost.reshape(A, N, C).min(axis=2), axis=0)[:e].sum())
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
    upper = np.concatenate([np.ones(mat.n_cols), np.full(len(rows), np.inf)])
    lo, hi = mat.row_bounds()
    lp = highs_lp(cost, upper, indptr, indices, data, lo, hi, integer=True)
    kinds = np.full(n_cols, highspy.HighsVarType.kInteger)
    kinds[mat.n_cols :] = highspy.HighsVarType.kContinuous
    lp.integrality_ = kinds
    deadline = Deadline.after(min(ELASTIC_SECONDS, model.scenario.time_limit_seconds))
    # devolving nothing, with every floor and required saving stretched to fit, is always a
    # solution: starting there, the solver only has to improve on it
    start = np.zeros(n_cols)
    rhs = mat.rhs[rows_arr]
    start[mat.n_cols :] = np.where(mat.sense[rows_arr] == LE, np.maximum(-rhs, 0), np.maximum(rhs, 0))
    _, sol = run_highs(lp, deadline, ELASTIC_GAP, start)
    if sol is None:
        return None
    slack = sol[mat.n_cols :]
    out = []
    for i, s, size in zip(rows_arr, slack, scale):
        if s > SLACK_TOL * size:
            block = mat.block_of(int(i))
            out.append(Obstacle(kind=ObstacleKind.LIMIT_SHORT, family=block.family,
                                neighbourhood_id=block.neighbourhood(int(i)), short_by=float(s)))
    return out


def _typical_coefficient(mat, rows: np.ndarray) -> np.ndarray:
    out = np.ones(len(rows))
    for j, i in enumerate(rows):
        vals = np.abs(mat.data[mat.indptr[i] : mat.indptr[i + 1]])
        vals = vals[vals > 0]
        if vals.size:
            out[j] = float(np.median(vals))
    return out
