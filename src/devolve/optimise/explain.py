"""Why the plan is what it is: contributions, nearest alternatives, marginal values, uniformity.

Runs after a solve, on the model that produced the plan, and returns the plan with its
explanation fields filled (docs/model.md, "Explaining a plan"):

* each decision's criteria contributions are already on the :class:`~devolve.plan.Decision`;
  here each gets its **nearest alternative** — the best other arrangement for the same activity
  and neighbourhood, or keeping it at today's scale — and the best options left out get the
  limits that kept them out;
* each limit gets a **marginal value**: the dual of that limit in the LP with the plan's
  devolutions fixed and every other option free to be taken fractionally, i.e. how much value a
  little more of that limit would buy beyond this plan;
* the **price of uniformity**: the plan's value with a differentiated offer minus its value
  when every neighbourhood must get the same offer.
"""

from __future__ import annotations

import numpy as np

import time

from devolve.domain import Offer
from devolve.optimise.model import LIMIT_FAMILIES, DevolutionModel
from devolve.optimise.solve import Deadline, highs_lp, objective_vector, run_highs, start_vector
from devolve.plan import Alternative, Plan

NEAR_MISSES = 25
"""How many of the most valuable options left out of the plan are explained."""
DUAL_SECONDS = 30.0


def explain(model: DevolutionModel, plan: Plan, *, price_of_uniformity: bool = True) -> Plan:
    """The plan with nearest alternatives, marginal values and (optionally) the price of uniformity."""
    if plan.objective is None:
        return plan
    x = plan_vector(model, plan)
    update: dict = {
        "alternatives": nearest_alternatives(model, plan, x),
        "limits": _with_marginal_values(model, plan, x),
    }
    if price_of_uniformity:
        update["price_of_uniformity"] = uniformity_price(model, plan)
    return plan.model_copy(update=update)


def plan_vector(model: DevolutionModel, plan: Plan) -> np.ndarray:
    """The plan as the model's column vector (x, then y under a uniform offer)."""
    return start_vector(model, plan, np.ones(model.matrix.n_cols))


def nearest_alternatives(model: DevolutionModel, plan: Plan, x: np.ndarray) -> tuple[Alternative, ...]:
    """For each decision, the next best choice for it; then the best options left out, and why."""
    arr = model.options
    A, N, C = arr.shape
    names = {cfg.key: cfg.name for cfg in model.assessment.rubric.configurations}
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
            reason = _compared(names[alt_cfg], here - alt_value)
        else:
            alt_value, alt_cfg = 0.0, None
            reason = f"keeping it at today's scale would be worth {here:.3f} less"
        out.append(Alternative(activity_id=arr.activity_ids[a], neighbourhood_id=arr.neighbourhood_ids[n],
                               configuration=alt_cfg, value=alt_value, reason=reason))
    out.extend(_near_misses(model, plan, chosen, value, names))
    return tuple(out)


def _compared(alternative: str, margin: float) -> str:
    if abs(margin) < 1e-9:
        return f"{alternative} would be worth the same; the tie is broken by the order of arrangements"
    if margin > 0:
        return f"{alternative} would be worth {margin:.3f} less"
    return f"{alternative} would be worth {-margin:.3f} more, but the plan's limits leave no room for it"


def _near_misses(model, plan, chosen, value, names) -> list[Alternative]:
    """The most valuable options for activities not devolved, with the limits that kept them out."""
    arr = model.options
    A, N, C = arr.shape
    if A * N * C == 0:
        return []
    open_pair = ~chosen.any(axis=2)
    best_c = value.argmax(axis=2)
    best_v = value.max(axis=2)
    candidates = np.argwhere(open_pair & (best_v > 0))
    order = np.argsort(-best_v[candidates[:, 0], candidates[:, 1]], kind="stable")[:NEAR_MISSES]
    full = [lim for lim in plan.limits if lim.binding and lim.sense == "<="]
    coefficient = {"transition_budget": arr.transition, "running_cost": arr.running,
                   "contingency_reserve": arr.contingency, "capacity": arr.hours}
    hood_index = {h: i for i, h in enumerate(arr.neighbourhood_ids)}
    out = []
    for a, n in candidates[order]:
        c = int(best_c[a, n])
        k = arr.index(int(a), int(n), c)
        blockers = [
            lim.label for lim in full
            if lim.name in coefficient and coefficient[lim.name][k] > 0
            and (lim.scope is None or hood_index.get(lim.scope) == n)
        ]
        why = ("left out: it would need more of " + ", ".join(blockers) + ", which the plan uses in full"
               if blockers else "left out: a rule of the plan (coherence, uniform offer or a floor) keeps it out"
               if plan.status == "optimal" else
               "left out: the solver stopped within the gap asked for before reaching it")
        out.append(Alternative(activity_id=arr.activity_ids[a], neighbourhood_id=arr.neighbourhood_ids[n],
                               configuration=arr.configurations[c], value=float(value[a, n, c]),
                               reason=f"{names[arr.configurations[c]]}: {why}"))
    return out


def marginal_values(model: DevolutionModel, x: np.ndarray) -> np.ndarray | None:
    """Value gained per unit more of each row's limit, beyond the plan ``x`` (one LP solve).

    The plan's devolutions are fixed (lower bound 1); every other option may be taken
    fractionally. The row duals of that LP are the rates at which a little more budget, reserve
    or volunteer time would buy further devolution. None if the LP could not be solved.
    """
    mat = model.matrix
    if mat.n_rows == 0:
        return np.zeros(0)
    lo, hi = mat.row_bounds()
    lp = highs_lp(objective_vector(model), np.ones(mat.n_cols), mat.indptr, mat.indices, mat.data, lo, hi,
                   integer=False)
    lp.col_lower_ = np.where(x > 0.5, 1.0, 0.0)
    h, sol = run_highs(lp, Deadline(time.monotonic() + DUAL_SECONDS), None)
    if sol is None or h.getInfo().dual_solution_status != 2:  # 2: feasible duals
        return None
    # For a maximisation HiGHS's row dual is already d(objective)/d(limit): positive for a
    # binding budget, negative for a binding floor (more of a floor costs value).
    return np.asarray(h.getSolution().row_dual, dtype=float)


def _with_marginal_values(model: DevolutionModel, plan: Plan, x: np.ndarray):
    duals = marginal_values(model, x)
    if duals is None:
        return plan.limits
    mat = model.matrix
    index: dict[tuple[str, str | None], int] = {}
    for family in LIMIT_FAMILIES:
        block = mat.blocks.get(family)
        if block is None:
            continue
        for i in range(block.start, block.stop):
            scope = block.scopes[i - block.start]
            index[(family, scope[0] if scope else None)] = i
    out = []
    for lim in plan.limits:
        i = index.get((lim.name, lim.scope))
        if i is None:
            out.append(lim)
            continue
        mv = float(duals[i])
        if abs(mv) < 1e-12:
            mv = 0.0
        out.append(lim.model_copy(update={"marginal_value": mv}))
    return tuple(out)


def uniformity_price(model: DevolutionModel, plan: Plan) -> float | None:
    """Value of the differentiated plan minus value of the best uniform one (None if either fails)."""
    other_offer = Offer.UNIFORM if model.scenario.offer == Offer.DIFFERENTIATED else Offer.DIFFERENTIATED
    other = DevolutionModel(
        model.assessment.model_copy(
            update={"scenario": model.scenario.model_copy(update={"offer": other_offer})}
        )
    )
    other.set_weights(model.scenario.weights)
    other_plan = other.solve()
    if other_plan.objective is None:
        return None
    if other_offer == Offer.UNIFORM:
        return plan.objective - other_plan.objective
    return other_plan.objective - plan.objective
