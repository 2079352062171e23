"""Making the model smaller before a solver sees it, without changing its optimum.

* :func:`dominance_mask` sets aside options no optimal plan needs (docs/model.md, section 8);
* :func:`reduce_model` fixes some columns and keeps only the rows the rest can still break
  (docs/model.md, section 8): pure numpy, no solver.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np

from devolve.core.limits import Resource
from devolve.core.terms import Offer, Stage
from devolve.optimise.highs import highs_lp
from devolve.optimise.matrix import ModelMatrix, coherence_pairs
from devolve.optimise.model import DevolutionModel, implied_columns


def dominance_mask(model: DevolutionModel) -> np.ndarray:
    """Options that may be chosen (True): those on offer, less those provably never needed.

    An option with value ≤ 0 whose every resource coefficient is ≥ 0 can be set to 0 in any
    feasible plan without losing feasibility or value — unless an equity floor, a collective
    share (for collective options), a coherence rule (for a required stage whose dependent is
    still in play) or the rule that an assessment is not devolved alone (for the service's other
    activities, while its assessment is in play) needs it. Under a uniform offer an (activity,
    configuration) is dropped only where it is droppable in every neighbourhood.
    """
    arr, sc = model.options, model.scenario
    A, N, C = arr.shape
    drop = model.value <= 0
    for resource in Resource:
        drop &= arr.use(resource) >= 0
    if sc.min_devolved_per_neighbourhood > 0:
        drop[:] = False
    if sc.min_collective_share > 0:
        drop &= ~arr.collective
    drop3 = (drop | ~arr.open).reshape(A, N, C)
    closed3 = ~arr.open.reshape(A, N, C)
    pairs = [(d, q) for _, d, q in coherence_pairs(arr, model.rubric.coherence) if q >= 0]
    pairs += _assessment_pairs(arr)
    if pairs:
        D = np.array([p[0] for p in pairs])
        Q = np.array([p[1] for p in pairs])
        while True:
            in_play = (~drop3[D]).any(axis=2)  # (P, N): a dependent option is still allowed
            needed = np.zeros((A, N), dtype=bool)
            np.logical_or.at(needed, Q, in_play)
            new = drop3 & ~(needed[:, :, None] & ~closed3)
            if np.array_equal(new, drop3):
                break
            drop3 = new
    if sc.offer == Offer.UNIFORM:
        drop3 = np.broadcast_to(drop3.all(axis=1, keepdims=True), drop3.shape) | closed3
    return ~drop3.reshape(-1)


def _assessment_pairs(arr) -> list[tuple[int, int]]:
    """(the assessment, another activity of the same service), for services whose assessment is
    devolved only beside another of their activities: while the assessment is in play, so is each."""
    by_service: dict[int, list[int]] = {}
    for a in range(len(arr.activity_ids)):
        by_service.setdefault(int(arr.service_of[a]), []).append(a)
    pairs = []
    for s, acts in by_service.items():
        if arr.assessment_not_alone[s]:
            lonely = [a for a in acts if arr.stages[a] == Stage.ASSESSMENT]
            pairs += [(d, q) for d in lonely for q in acts if q != d]
    return pairs


def column_upper(model: DevolutionModel, mask: np.ndarray) -> np.ndarray:
    """Each column's upper bound: 1 where it may be chosen, 0 where it may not. An offer, a
    partnership, a neighbourhood body or a service's reach may be chosen while any option it
    serves may be."""
    mat = model.matrix
    upper = implied_columns(model, mask)
    if mat.n_v:
        upper[mat.v0] = float(np.maximum(model.value, 0.0) @ mask)  # the plan's value, at most all of it
    return upper


@dataclass
class Reduced:
    """A model restricted to some free columns, the others fixed (docs/model.md, section 8)."""

    lp: highspy.HighsLp
    columns: np.ndarray
    """Original index of each reduced column."""
    fixed: np.ndarray
    """Full column vector with the fixed values (free columns at 0)."""


def reduce_model(mat: ModelMatrix, cost: np.ndarray, upper: np.ndarray, fixed_value: np.ndarray,
                 free: np.ndarray, integer: bool) -> Reduced | None:
    """Fix every column outside ``free`` at ``fixed_value``, move its use into the row bounds,
    and drop rows that no longer matter: rows with no free column (returning None if such a row
    is already broken — no completion can exist) and rows no choice of the free columns can
    break (their largest possible use stays within the bound). Pure numpy, no solver.
    """
    x_fixed = np.where(free, 0.0, fixed_value)
    used = mat.row_totals(x_fixed)
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
                   mat.data[keep_entry], lo[kept_rows], hi[kept_rows], integer=mat.integral[free_idx] & integer)
    return Reduced(lp, free_idx, x_fixed)


def feasible(mat: ModelMatrix, x: np.ndarray, tol: float = 1e-6) -> bool:
    """Whether ``x`` keeps every row of ``mat`` (within a tolerance relative to each limit)."""
    act = mat.row_totals(x)
    lo, hi = mat.row_bounds()
    scale = np.maximum(1.0, np.abs(mat.rhs))
    return bool(np.all(act <= hi + tol * scale) and np.all(act >= lo - tol * scale))
