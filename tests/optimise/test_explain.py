"""Explanations worked out by hand on one-service councils (see devolve.testing.one_service_council)."""

import numpy as np
import pytest

from devolve.core import ActivityKey, Offer, Stage
from devolve.core.limits import CATALOGUE, Family
from devolve.core.plan import LeftOut
from devolve.optimise.explain import explain, marginal_values
from devolve.optimise.highs import Deadline, highs_lp, run_highs
from devolve.optimise.model import build_model
from devolve.optimise.readback import plan_vector
from devolve.optimise.solve import solve
from devolve.testing import configuration as cfg
from devolve.testing import one_service_council as tiny
from devolve.usecases import plan_and_explain

DELIVERY, DESIGN = ActivityKey("S", Stage.DELIVERY), ActivityKey("S", Stage.DESIGN)


def test_nearest_alternative_and_what_a_little_more_budget_buys(rubric):
    # delivery scores 4 → 0.5 either way; design scores 3 → solo 0.25, group 0.375.
    # £1,000 buys one solo set-up: the plan devolves delivery (solo, 0.5).
    a = tiny(rubric, {Stage.DELIVERY: 4, Stage.DESIGN: 3}, transition_budget=1000)
    model = build_model(a)
    plan = explain(model, solve(model), price_of_uniformity=False)
    (decision,) = plan.decisions
    assert (decision.key, decision.configuration) == (DELIVERY, "solo")
    (alt,) = plan.alternatives
    assert (alt.key, alt.neighbourhood_id, alt.configuration) == (DELIVERY, "N1", "group")
    assert alt.margin == pytest.approx(0)  # worth the same: the tie goes to the first arrangement
    # design was left out for want of budget, and the explanation says which limit
    (miss,) = plan.near_misses
    assert (miss.key, miss.configuration, miss.reason) == (DESIGN, "group", LeftOut.LIMITS_FULL)
    assert miss.value == pytest.approx(0.375)
    assert miss.blocked_by == ((Family.TRANSITION_BUDGET, None),)
    # beyond the plan, the best use of more budget is design solo: 0.25 value per £1,000
    budget = plan.limit(Family.TRANSITION_BUDGET)
    assert budget.binding
    assert budget.marginal_value == pytest.approx(0.25 / 1000)
    assert plan.limit(Family.CONTINGENCY_RESERVE).marginal_value == 0


def test_marginal_value_matches_a_resolve_with_more_budget(rubric):
    a = tiny(rubric, {Stage.DELIVERY: 4, Stage.DESIGN: 3, Stage.PLANNING: 3},
             hoods=(("N1", 10_000, 5_000.0), ("N2", 10_000, 5_000.0)), transition_budget=3000)
    model = build_model(a)
    plan = solve(model)
    rate = marginal_values(model, plan_vector(model, plan))[model.matrix.blocks[Family.TRANSITION_BUDGET].start]
    # one more solo set-up (£1,000) at the plan's margin buys a 0.25 option
    assert rate * 1000 == pytest.approx(0.25)
    assert solve(model.with_limit(Family.TRANSITION_BUDGET, 4000)).objective == pytest.approx(
        plan.objective + rate * 1000)


def test_price_of_uniformity_by_hand(rubric):
    # Both configurations need volunteer hours; N2 has none. Differentiated: delivery and design
    # devolved in N1 only, group for both: 0.5 + 0.375. Uniform: nothing can go everywhere, 0.
    configs = (cfg("solo", False, 1000, hours=10.0), cfg("group", True, 3000, hours=10.0))
    a = tiny(rubric, {Stage.DELIVERY: 4, Stage.DESIGN: 3}, configs=configs,
             hoods=(("N1", 10_000, 5_000.0), ("N2", 10_000, 0.0)))
    plan = plan_and_explain(a)
    assert plan.objective == pytest.approx(0.875)
    assert plan.price_of_uniformity == pytest.approx(0.875)
    uniform = plan_and_explain(a.replace(scenario=a.scenario.replace(offer=Offer.UNIFORM)))
    assert uniform.objective == pytest.approx(0)
    assert uniform.price_of_uniformity == pytest.approx(0.875)


def test_a_worse_alternative_has_a_positive_margin_and_keeping_today_scale_is_named(rubric):
    # design 3: group 0.375 beats solo 0.25 by 0.125; with one arrangement only, the
    # alternative is keeping today's scale, worth the whole value less
    a = tiny(rubric, {Stage.DESIGN: 3})
    plan = plan_and_explain(a, price_of_uniformity=False)
    (alt,) = plan.alternatives
    assert (alt.configuration, alt.margin) == ("solo", pytest.approx(0.125))
    only_group = tiny(rubric, {Stage.DESIGN: 3}, configs=(cfg("group", True, 3000),))
    (alt,) = plan_and_explain(only_group, price_of_uniformity=False).alternatives
    assert alt.configuration is None and alt.margin == pytest.approx(0.375)


@pytest.fixture(scope="module")
def explained(council):
    model = build_model(council)
    return model, explain(model, solve(model), price_of_uniformity=False)


def test_a_near_miss_is_blocked_exactly_by_the_limits_it_cannot_fit(explained):
    model, plan = explained
    arr = model.options
    left = {(lim.family, lim.neighbourhood_id): lim.limit - lim.used for lim in plan.limits}
    assert plan.near_misses
    for miss in plan.near_misses:
        k = arr.index(arr.activity_ids.index(miss.activity_id), arr.neighbourhood_ids.index(miss.neighbourhood_id),
                      arr.configurations.index(miss.configuration))
        fits = {(lim.family, lim.neighbourhood_id): arr.use(CATALOGUE[lim.family].resource)[k] <= left[
            (lim.family, lim.neighbourhood_id)] + 1e-9 for lim in plan.limits if CATALOGUE[lim.family].resource
            and lim.neighbourhood_id in (None, miss.neighbourhood_id)}
        assert set(miss.blocked_by) == {key for key, ok in fits.items() if not ok}
        assert miss.reason == (LeftOut.LIMITS_FULL if miss.blocked_by else LeftOut.RULE)  # the plan is optimal


def test_the_collective_share_is_priced_per_unit_of_share(rubric):
    """Design, delivery and planning each 0.25 solo (£1,000) or 0.375 as a group (£3,000); £4,500 and
    half collective: the plan is one group and one solo. Beyond it, the LP adds planning solo and
    group an eighth each (t_group ≥ t_solo keeps the share), so the share floor binds; its price per
    unit of share must match the LP solved again with the share a little lower and higher."""
    a = tiny(rubric, {Stage.DESIGN: 3, Stage.DELIVERY: 3, Stage.PLANNING: 3}, transition_budget=4500,
             min_collective_share=0.5)
    model = build_model(a)
    plan = explain(model, solve(model), price_of_uniformity=False)
    x = plan_vector(model, plan)

    def lp_value(m):
        mat = (changed := model.with_limit(Family.COLLECTIVE_SHARE, m)).matrix
        lo, hi = mat.row_bounds()
        lp = highs_lp(changed.objective(), np.ones(mat.n_cols), mat.indptr, mat.indices, mat.data, lo, hi,
                      integer=False)
        lp.col_lower_ = np.where(x > 0.5, 1.0, 0.0)
        h, _ = run_highs(lp, Deadline.after(30), None)
        return h.getInfo().objective_function_value

    share = plan.limit(Family.COLLECTIVE_SHARE)
    assert share.binding and share.used == pytest.approx(0.5)
    assert lp_value(0.5) == pytest.approx(plan.objective + 0.125 * (0.25 + 0.375))  # and an eighth of each
    for step in (-1e-4, 1e-4):
        assert share.marginal_value == pytest.approx((lp_value(0.5 + step) - lp_value(0.5)) / step, rel=1e-3)
