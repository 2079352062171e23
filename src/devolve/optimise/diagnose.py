"""Why a scenario has no plan, in plain words (docs/model.md, "Diagnosing an infeasible scenario").

Two steps. Quick checks on the data find the common impossibilities without a solver (a saving
larger than every saving on offer, an equity floor above the number of activities that may be
devolved). Then an *elastic* re-solve: every limit gets a named slack, the solver finds the
smallest normalised stretch of the limits that admits a plan, and each stretched limit is
reported with its amount ("transition budget short by £120,000").

Structural rules (one arrangement per activity, coherence, a uniform offer) are never stretched:
on their own they always admit the empty plan.
"""

from __future__ import annotations

import math
import time

import highspy
import numpy as np

from devolve.optimise.model import LE, DevolutionModel
from devolve.optimise.solve import Deadline, highs_lp, run_highs

ELASTIC = ("transition_budget", "running_cost", "contingency_reserve", "capacity", "equity",
           "collective_share")
SLACK_TOL = 1e-6
ELASTIC_SECONDS = 15.0
ELASTIC_GAP = 0.02
"""The stretch is a diagnosis, not a plan: a near-smallest stretch found quickly is enough."""
GROUPED = 3
"""More neighbourhoods than this short on one limit are reported on one line."""


def diagnose(model: DevolutionModel) -> tuple[str, ...]:
    """Plain-words reasons the scenario cannot be met: pre-checks first, then stretched limits."""
    found = list(prechecks(model))
    stretched = elastic_diagnosis(model)
    if stretched is None and not found:
        return ("no plan meets every limit, and stretching the limits found no plan within the time limit",)
    found += [line for line in stretched or () if line not in found]
    return tuple(found)


def prechecks(model: DevolutionModel) -> list[str]:
    """Impossibilities visible in the data alone, before any solve."""
    arr, sc = model.options, model.scenario
    A, N, C = arr.shape
    out: list[str] = []
    e = sc.min_devolved_per_neighbourhood
    if e > 0 and e > A:
        out.append(
            f"the equity floor asks for {e} devolved activities in every neighbourhood, but only {A} "
            f"activities may be devolved at all ({len(arr.retained)} are retained at today's scale)"
        )
    if sc.running_cost_limit < 0:
        best = float(np.minimum(arr.running.reshape(A, N, C).min(axis=2), 0).sum()) if A * N * C else 0.0
        if best > sc.running_cost_limit:
            out.append(
                f"a saving of {_money(-sc.running_cost_limit)} a year in running cost is required, but "
                f"devolving every activity that saves money would save at most {_money(-best)}"
            )
    if e > 0 and sc.min_collective_share > 0 and not arr.collective_configs.any():
        out.append(
            "the equity floor needs devolved activities, but the minimum collective share can only be "
            "met by collective arrangements and none is offered"
        )
    if e > 0 and A * N * C and e <= A:
        names = {h.neighbourhood_id: h.name for h in model.assessment.neighbourhoods}
        hours = np.sort(arr.hours.reshape(A, N, C).min(axis=2), axis=0)[:e].sum(axis=0)
        cap = sc.capacity_use * arr.volunteer_hours
        for n in np.flatnonzero(hours > cap + SLACK_TOL):
            out.append(
                f"{names[arr.neighbourhood_ids[n]]}: the {e} least demanding activities need "
                f"{hours[n]:,.0f} volunteer hours a year, but only {cap[n]:,.0f} are available"
            )
        setup = np.sort(arr.transition.reshape(A, N, C).min(axis=2), axis=0)[:e].sum()
        if setup > sc.transition_budget:
            out.append(
                f"meeting the equity floor everywhere costs at least {_money(setup)} to set up, but the "
                f"transition budget is {_money(sc.transition_budget)}"
            )
    return out


def elastic_diagnosis(model: DevolutionModel) -> list[str] | None:
    """Stretch each limit by a penalised slack and report the smallest stretch that admits a plan.

    None when the stretched model could not be solved in the time allowed.
    """
    mat = model.matrix
    rows = [i for fam in ELASTIC if (b := mat.blocks.get(fam)) for i in range(b.start, b.stop)]
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
    deadline = Deadline(time.monotonic() + min(ELASTIC_SECONDS, model.scenario.time_limit_seconds))
    # devolving nothing, with every floor and required saving stretched to fit, is always a
    # solution: starting there, the solver only has to improve on it
    start = np.zeros(n_cols)
    rhs = mat.rhs[rows_arr]
    start[mat.n_cols :] = np.where(mat.sense[rows_arr] == LE, np.maximum(-rhs, 0), np.maximum(rhs, 0))
    _, sol = run_highs(lp, deadline, ELASTIC_GAP, start)
    if sol is None:
        return None
    slack = sol[mat.n_cols :]
    stretched = [(int(i), float(s)) for i, s, size in zip(rows_arr, slack, scale) if s > SLACK_TOL * size]
    return _grouped(model, stretched)


def _grouped(model: DevolutionModel, stretched: list[tuple[int, float]]) -> list[str]:
    """One line per stretched limit, but one line for a family short in many neighbourhoods."""
    mat = model.matrix
    lines: list[str] = []
    for family, block in mat.blocks.items():
        mine = [(i, s) for i, s in stretched if block.start <= i < block.stop]
        if family in ("capacity", "equity") and len(mine) > GROUPED:
            names = {h.neighbourhood_id: h.name for h in model.assessment.neighbourhoods}
            each = ", ".join(
                f"{names[block.scopes[i - block.start][0]]} {_amount(family, s)}" for i, s in mine
            )
            what = ("volunteer capacity is short" if family == "capacity" else
                    f"the equity floor of {model.scenario.min_devolved_per_neighbourhood} devolved "
                    "activities cannot be reached")
            lines.append(f"in {len(mine)} neighbourhoods {what}: {each}")
        else:
            lines.extend(_say(model, i, s) for i, s in mine)
    return lines


def _amount(family: str, slack: float) -> str:
    if family == "capacity":
        return f"by {slack:,.0f} hours"
    return f"by {math.ceil(slack - 1e-6)}"


def _typical_coefficient(mat, rows: np.ndarray) -> np.ndarray:
    out = np.ones(len(rows))
    for j, i in enumerate(rows):
        vals = np.abs(mat.data[mat.indptr[i] : mat.indptr[i + 1]])
        vals = vals[vals > 0]
        if vals.size:
            out[j] = float(np.median(vals))
    return out


def _say(model: DevolutionModel, row: int, slack: float) -> str:
    """One stretched limit in plain words."""
    mat = model.matrix
    family = next(f for f, b in mat.blocks.items() if b.start <= row < b.stop)
    block = mat.blocks[family]
    scope = block.scopes[row - block.start]
    names = {h.neighbourhood_id: h.name for h in model.assessment.neighbourhoods}
    sc = model.scenario
    if family == "transition_budget":
        return f"transition budget short by {_money(slack)} (it is {_money(sc.transition_budget)})"
    if family == "running_cost":
        if sc.running_cost_limit < 0:
            return (f"the required running-cost saving of {_money(-sc.running_cost_limit)} a year is out "
                    f"of reach by {_money(slack)}")
        return f"annual running-cost limit short by {_money(slack)} (it is {_money(sc.running_cost_limit)})"
    if family == "contingency_reserve":
        return f"contingency reserve short by {_money(slack)} (it is {_money(sc.contingency_reserve)})"
    if family == "capacity":
        return f"{names[scope[0]]} capacity short by {slack:,.0f} volunteer hours"
    if family == "equity":
        return (f"{names[scope[0]]} cannot reach the equity floor of {sc.min_devolved_per_neighbourhood} "
                f"devolved activities: short by {math.ceil(slack - 1e-6)}")
    if family == "collective_share":
        return (f"the minimum collective share of {sc.min_collective_share:.0%} cannot be met: "
                f"short by the equivalent of {slack:,.1f} collective decisions")
    return f"{family} stretched by {slack:,.2f}"  # pragma: no cover - every elastic family is named above


def _money(value: float) -> str:
    return f"£{value:,.0f}"

