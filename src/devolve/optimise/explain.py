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
from devolve.core.plan import (ActivityFate, Alternative, Fate, LeftOut, LimitUse, NearMiss, OfferFigures, Plan,
                               PlanStatus)
from devolve.core.terms import Offer, Stage
from devolve.optimise.highs import Deadline, highs_lp, run_highs
from devolve.optimise.model import DevolutionModel
from devolve.optimise.options import CLOSED, Closed
from devolve.optimise.presolve import column_upper
from devolve.optimise.readback import needs, plan_vector
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
        "fates": activity_fates(model, plan, x),
        "limits": _with_marginal_values(model, plan, x),
    }
    if price_of_uniformity:
        changes["price_of_uniformity"], changes["other_offer"] = uniformity_price(model, plan)
    return plan.replace(**changes)


def nearest_alternatives(model: DevolutionModel, x: np.ndarray) -> tuple[Alternative, ...]:
    """For each decision, the next best choice for it: another arrangement, or today's scale."""
    arr = model.options
    A, N, C = arr.shape
    value = offered_values(model)
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
    value = offered_values(model)
    chosen = x[: model.matrix.n_x].reshape(A, N, C) > 0.5
    open_pair = ~chosen.any(axis=2)
    best_c = value.argmax(axis=2)
    best_v = value.max(axis=2)
    candidates = np.argwhere(open_pair & (best_v > 0))
    order = np.argsort(-best_v[candidates[:, 0], candidates[:, 1]], kind="stable")[:NEAR_MISSES]
    why = _LeftOutReasons(model, plan, x)
    return tuple(why.of(int(a), int(n), int(best_c[a, n])) for a, n in candidates[order])


class _LeftOutReasons:
    """Why an option is not in the plan: the budgets it cannot fit, else the rule that keeps it
    out (where one can be told), else the solve stopping before it reached it."""

    def __init__(self, model: DevolutionModel, plan: Plan, x: np.ndarray):
        self.model, self.plan, self.x = model, plan, x
        arr, mat = model.options, model.matrix
        A, N, C = arr.shape
        S = len(arr.partnership_services)
        self.value = offered_values(model)
        self.budgets = [(lim, needs(model, x, CATALOGUE[lim.family].resource)) for lim in plan.limits
                        if lim.sense == Sense.AT_MOST and CATALOGUE[lim.family].resource is not None]
        self.chosen = x[: mat.n_x].reshape(A, N, C) > 0.5
        self.z = x[mat.z0 : mat.b0].reshape(S, N, C) > 0.5
        self.devolved_an = self.chosen.any(axis=2)  # (A, N)
        self.service_n = np.zeros((S, N), dtype=bool)
        np.logical_or.at(self.service_n, arr.service_of, self.devolved_an)
        self.where = {(st, s): a for a, (s, st) in enumerate(zip(arr.service_ids, arr.stages))}
        self.otherwise = {PlanStatus.OPTIMAL: LeftOut.RULE, PlanStatus.WITHIN_GAP: LeftOut.STOPPED_AT_GAP}
        self.balance = _balance_slack(mat, x)

    def of(self, a: int, n: int, c: int) -> NearMiss:
        arr = self.model.options
        k = arr.index(a, n, c)
        hood = arr.neighbourhood_ids[n]
        # the (activity, neighbourhood) is not devolved, so the option would need its whole use
        blockers = tuple(
            (lim.family, lim.neighbourhood_id) for lim, use in self.budgets
            if use[k] > max(lim.limit - lim.used, 0.0) + 1e-9 * max(1.0, abs(lim.limit))
            and lim.neighbourhood_id in (None, hood)
        )
        rule = None if blockers else self.rule(a, n, c)
        reason = LeftOut.LIMITS_FULL if blockers else (
            LeftOut.RULE if rule is not None else self.otherwise.get(self.plan.status, LeftOut.STOPPED_AT_TIME))
        return NearMiss(service_id=arr.service_ids[a], stage=arr.stages[a], neighbourhood_id=hood,
                        configuration=arr.configurations[c], value=float(self.value[a, n, c]), reason=reason,
                        blocked_by=blockers, rule=rule)

    def rule(self, a: int, n: int, c: int) -> Family | None:
        """The rule that keeps option (a, n, c) out of the plan, if one can be told."""
        model, arr = self.model, self.model.options
        rules = model.rubric.partnerships
        s = int(arr.service_of[a])
        if model.scenario.offer == Offer.UNIFORM:
            return Family.UNIFORM_OFFER
        if not self.z[s, n, c]:
            if self.z[:, n, :].sum() >= rules.max_per_neighbourhood:
                return Family.PARTNERSHIPS_PER_NEIGHBOURHOOD
            if self.z[s, n, :].sum() >= rules.max_arrangements_per_service:
                return Family.ARRANGEMENTS_PER_SERVICE
        if model.matrix.n_w and self.service_n[s].sum() == 0:
            return Family.SEVERAL_NEIGHBOURHOODS
        if arr.stages[a] == Stage.ASSESSMENT and arr.assessment_not_alone[s] and not self.service_n[s, n]:
            return Family.ASSESSMENT_NOT_ALONE
        for rule in model.rubric.coherence:
            if rule.stage == arr.stages[a]:
                required = self.where.get((rule.requires, arr.service_ids[a]))
                if required is None or not self.devolved_an[required, n]:
                    return Family.COHERENCE
        m = model.scenario.min_collective_share
        if m > 0 and not arr.collective_configs[c]:
            chosen = self.chosen.reshape(-1, len(arr.configurations))
            total = chosen.sum()
            if (chosen * arr.collective_configs).sum() / (total + 1) < m:
                return Family.COLLECTIVE_SHARE
        if self.balance is not None:
            gain, rows = self.balance
            k = arr.index(a, n, c)
            for family, slack, counted, v_coefficient in rows:
                # the option adds its gain to V, and to the row's own sum where the row counts it
                at = int(np.searchsorted(counted, k))
                own = at < len(counted) and counted[at] == k
                if slack + gain[k] * (own + v_coefficient) < -1e-9:
                    return family
        return None


def _balance_slack(mat, x: np.ndarray):
    """For the balance rules: each option's gain v⁺, and for each balance row its slack in the
    plan, the options its own sum counts (sorted), and its coefficient on V (docs/model.md, section 6)."""
    if not mat.n_v:
        return None
    totals = mat.row_totals(x)
    gain = np.zeros(mat.n_x)
    rows = []
    for family in (Family.TOTAL_VALUE, Family.FAIR_SHARE, Family.CO_DELIVERY_SHARE):
        block = mat.blocks.get(family)
        for i in range(block.start, block.stop) if block is not None else ():
            cols = mat.indices[mat.indptr[i] : mat.indptr[i + 1]]
            vals = mat.data[mat.indptr[i] : mat.indptr[i + 1]]
            on_x = cols < mat.n_x
            if family == Family.TOTAL_VALUE:
                gain[cols[on_x]] = vals[on_x]
                continue
            rows.append((family, float(totals[i]), np.sort(cols[on_x]), float(vals[cols == mat.v0].sum())))
    return gain, rows


def activity_fates(model: DevolutionModel, plan: Plan, x: np.ndarray | None = None) -> tuple[ActivityFate, ...]:
    """Every activity's fate: retained (why), devolved (where and how), or why not devolved."""
    arr = model.options
    A, N, C = arr.shape
    x = plan_vector(model, plan) if x is None else x
    chosen = x[: model.matrix.n_x].reshape(A, N, C) > 0.5
    value = offered_values(model)
    closed = arr.closed_because.reshape(A, N, C)
    open3 = arr.open.reshape(A, N, C)
    why = _LeftOutReasons(model, plan, x) if plan.objective is not None else None
    index = {(sid, st): a for a, (sid, st) in enumerate(zip(arr.service_ids, arr.stages))}
    retained = {r.key: r for r in plan.retained}
    out = []
    for act in model.assessment.activities:
        if act.key in retained:
            out.append(ActivityFate(service_id=act.service_id, stage=act.stage, fate=Fate.RETAINED))
            continue
        a = index[(act.service_id, act.stage)]
        here = [n for n in range(N) if chosen[a, n].any()]
        others = [n for n in range(N) if n not in here]
        reasons = [_reason_not(closed[a, n], open3[a, n], value[a, n]) for n in others]
        elsewhere = max(set(reasons), key=lambda f: (reasons.count(f), f == Fate.KEPT_OUT)) if reasons else None
        left_out = None
        if why is not None and Fate.KEPT_OUT in reasons:
            n = max((n for n, f in zip(others, reasons) if f == Fate.KEPT_OUT), key=lambda n: value[a, n].max())
            left_out = why.of(a, n, int(value[a, n].argmax()))
        if here:
            fate = Fate.DEVOLVED if not others else Fate.PARTLY_DEVOLVED
        else:
            fate, elsewhere = elsewhere or Fate.NOT_SUITED, None
        out.append(ActivityFate(
            service_id=act.service_id, stage=act.stage, fate=fate,
            neighbourhoods=tuple(arr.neighbourhood_ids[n] for n in here),
            arrangements=tuple(dict.fromkeys(arr.configurations[int(np.argmax(chosen[a, n]))] for n in here)),
            elsewhere=elsewhere if here else None, left_out=left_out,
        ))
    return tuple(out)


def _reason_not(closed: np.ndarray, is_open: np.ndarray, value: np.ndarray) -> Fate:
    """Why one activity is not devolved in one neighbourhood, from its options there."""
    if is_open.any():
        return Fate.KEPT_OUT if value[is_open].max() > 0 else Fate.NO_BETTER
    codes = {CLOSED[int(k)] for k in closed}
    if Closed.ASSESS_FIRST in codes:
        return Fate.ASSESS_FIRST
    if codes == {Closed.UNSUITED}:
        return Fate.NOT_SUITED
    return Fate.TOO_SMALL


def offered_values(model: DevolutionModel) -> np.ndarray:
    """(A, N, C) option values, −∞ where the rubric does not offer the option."""
    return np.where(model.options.open, model.value, -np.inf).reshape(model.options.shape)


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
    lp = highs_lp(model.objective(), column_upper(model, model.options.open), mat.indptr, mat.indices, mat.data, lo, hi,
                  integer=False)
    lp.col_lower_ = np.where((x > 0.5) & mat.integral, 1.0, 0.0)
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


def uniformity_price(model: DevolutionModel, plan: Plan) -> tuple[float | None, OfferFigures | None]:
    """Value of the differentiated plan minus value of the best uniform one, and the best plan
    under the other offer in figures (None, None if it fails)."""
    other_offer = Offer.UNIFORM if model.scenario.offer == Offer.DIFFERENTIATED else Offer.DIFFERENTIATED
    other_plan = solve(model.with_scenario(model.scenario.replace(offer=other_offer)))
    if other_plan.objective is None:
        return None, None
    figures = other_plan.figures(other_offer)
    if other_offer == Offer.UNIFORM:
        return plan.objective - other_plan.objective, figures
    return other_plan.objective - plan.objective, figures
