"""Why the plan is what it is: nearest alternatives, near misses, marginal values, uniformity.

Runs after a solve, on the model that produced the plan, and returns the plan with its
explanation filled (docs/model.md, "Explaining a plan"):

* each decision's criteria contributions are already on the :class:`~devolve.core.plan.Decision`;
  here each gets its **nearest alternative** — the best other arrangement for the same activity
  and neighbourhood, or keeping it at today's scale — and the most valuable options left out
  (**near misses**) get the binding limits that kept them out;
* each limit gets a **marginal value**: the dual of that limit in the LP with the plan's
  devolutions fixed and every other option free to be taken fractionally, i.e. how much value a
  little more of that limit would buy beyond this plan;
* the **price of uniformity**: the plan's value with a differentiated offer minus its value
  when every neighbourhood must get the same offer (a second solve).
"""

from __future__ import annotations

import numpy as np

from devolve.core.limits import CATALOGUE, Family, Sense
from devolve.core.plan import Alternative, LeftOut, LimitUse, NearMiss, Plan, PlanStatus
from devolve.core.terms import Offer
from devolve.optimise.highs import Deadline, highs_lp, run_highs
from devolve.optimise.model import DevolutionModel
from devolve.optimise.readback import plan_vector
from devolve.optimise.solve import solve

NEAR_MISSES = 25
"""How many of the most valuable options left out of the plan are explained."""
DUAL_SECONDS = 30.0
"""The marginal-value LP is small and fast; this only guards against the unforeseen."""


def explain(model: DevolutionModel, plan: Plan, *, price_of_uniformity: bool = True) -> Plan:
    """The plan with nearest alternatives, marginal values and (optionally) the price of uniformity."""
    if plan.objective is None:
        return plan
    x = plan_vector(model, plan)
    changes: dict = {
        "alternatives": nearest_alternatives(model, x),
        "near_misses": near_misses(model, plan, x),
        "limits": _with_marginal_values(model, plan, x),
    }
    if price_of_uniformity:
        changes["price_of_uniformity"] = uniformity_price(model, plan)
    return plan.replace(**changes)


def nearest_alternatives(model: DevolutionModel, x: np.ndarray) -> tuple[Alternative, ...]:
    """For each decision, the next best choice for it: another arrangement, or today's scale."""
    arr = model.options
    A, N, C = arr.shape
    value = model.value.reshape(A, N, C)
    chosen = x[: model.matrix.n_x].reshape(A, N, C) > 0.5
    out: list[Alternative] = []
    for a, n, c in zip(*np.nonzero(chosen)):
        others = value[a, n].copy()
        others[c] = -np.inf
        best = int(np.argmax(others)) if C > 1 else -1
        here = float(value[a, n, c])
        if best >= 0 and others[best] > 0:
            alt_value, alt_cfg = float(others[best]), arr.configurations[best]
        else:
            alt_value, alt_cfg = 0.0, None
        out.append(Alternative(service_id=arr.service_ids[a], stage=arr.stages[a],
                               neighbourhood_id=arr.neighbourhood_ids[n], configuration=alt_cfg,
                               value=alt_value, margin=here - alt_value))
    return tuple(out)


def near_misses(model: DevolutionModel, plan: Plan, x: np.ndarray) -> tuple[NearMiss, ...]:
    """The most valuable options for activities not devolved, with the limits that kept them out."""
    arr = model.options
    A, N, C = arr.shape
    if A * N * C == 0:
        return ()
    value = model.value.reshape(A, N, C)
    chosen = x[: model.matrix.n_x].reshape(A, N, C) > 0.5
    open_pair = ~chosen.any(axis=2)
    best_c = value.argmax(axis=2)
    best_v = value.max(axis=2)
    candidates = np.argwhere(open_pair & (best_v > 0))
    order = np.argsort(-best_v[candidates[:, 0], candidates[:, 1]], kind="stable")[:NEAR_MISSES]
    budgets = [(lim, arr.use(CATALOGUE[lim.family].resource)) for lim in plan.limits
               if lim.sense == Sense.AT_MOST and CATALOGUE[lim.family].resource is not None]
    otherwise = {PlanStatus.OPTIMAL: LeftOut.RULE, PlanStatus.WITHIN_GAP: LeftOut.STOPPED_AT_GAP}
    out = []
    for a, n in candidates[order]:
        c = int(best_c[a, n])
        k = arr.index(int(a), int(n), c)
        # the (activity, neighbourhood) is not devolved, so the option would need its whole use
        blockers = tuple(
            (lim.family, lim.neighbourhood_id) for lim, use in budgets
            if use[k] > max(lim.limit - lim.used, 0.0) + 1e-9 * max(1.0, abs(lim.limit))
            and lim.neighbourhood_id in (None, arr.neighbourhood_ids[n])
        )
        reason = LeftOut.LIMITS_FULL if blockers else otherwise.get(plan.status, LeftOut.STOPPED_AT_TIME)
        out.append(NearMiss(service_id=arr.service_ids[a], stage=arr.stages[a],
                            neighbourhood_id=arr.neighbourhood_ids[n], configuration=arr.configurations[c],
                            value=float(value[a, n, c]), reason=reason, blocked_by=blockers))
    return tuple(out)


def marginal_values(model: DevolutionModel, x: np.ndarray) -> np.ndarray | None:
    """Value gained per unit more of each row's limit, beyond the plan ``x`` (one LP solve).

    The plan's devolutions are fixed (lower bound 1); every other option may be taken
    fractionally. The row duals of that LP are the rates at which a little more budget, reserve
    or volunteer time would buy further devolution, per £, hour or activity, and for the
    collective share per unit of share. None if the LP could not be solved.
    """
    mat = model.matrix
    if mat.n_rows == 0:
        return np.zeros(0)
    lo, hi = mat.row_bounds()
    lp = highs_lp(model.objective(), np.ones(mat.n_cols), mat.indptr, mat.indices, mat.data, lo, hi,
                  integer=False)
    lp.col_lower_ = np.where(x > 0.5, 1.0, 0.0)
    h, sol = run_highs(lp, Deadline.after(DUAL_SECONDS), None)
    if sol is None or h.getInfo().dual_solution_status != 2:  # 2: feasible duals
        return None
    # For a maximisation HiGHS's row dual is already d(objective)/d(right-hand side): positive
    # for a binding budget, negative for a binding floor (more of a floor costs value).
    duals = np.asarray(h.getSolution().row_dual, dtype=float)
    share = mat.blocks.get(Family.COLLECTIVE_SHARE)
    if share is not None:
        # The share m sits in the coefficients: Σ (collective − m)·x ≥ 0. Raising m by δ asks
        # for δ·Σx more on the right, so the value per unit of share is the dual times Σx.
        duals[share.start] *= float(sol[: mat.n_x].sum())
    return duals


def _with_marginal_values(model: DevolutionModel, plan: Plan, x: np.ndarray) -> tuple[LimitUse, ...]:
    duals = marginal_values(model, x)
    if duals is None:
        return plan.limits
    rows = {}
    for family, block in model.matrix.blocks.items():
        if CATALOGUE[family].stretchable:
            rows |= {(family, block.neighbourhood(i)): i for i in range(block.start, block.stop)}
    out = []
    for lim in plan.limits:
        i = rows.get((lim.family, lim.neighbourhood_id))
        if i is None:
            out.append(lim)
            continue
        mv = float(duals[i])
        out.append(lim.replace(marginal_value=0.0 if abs(mv) < 1e-12 else mv))
    return tuple(out)


def uniformity_price(model: DevolutionModel, plan: Plan) -> float | None:
    """Value of the differentiated plan minus value of the best uniform one (None if either fails)."""
    other_offer = Offer.UNIFORM if model.scenario.offer == Offer.DIFFERENTIATED else Offer.DIFFERENTIATED
    other_plan = solve(model.with_scenario(model.scenario.replace(offer=other_offer)))
    if other_plan.objective is None:
        return None
    if other_offer == Offer.UNIFORM:
        return plan.objective - other_plan.objective
    return other_plan.objective - plan.objective
