"""Explanations worked out by hand on one-service councils (see devolve.testing.one_service_council)."""

import numpy as np
import pytest

from devolve.core import ActivityKey, Offer, Stage
from devolve.core.limits import CATALOGUE, Family
from devolve.core.plan import Fate, LeftOut
from devolve.core.rubric import BalanceRules
from devolve.optimise.explain import activity_fates, explain
from devolve.optimise.highs import Deadline, highs_lp, run_highs
from devolve.optimise.model import build_model
from devolve.optimise.presolve import column_upper
from devolve.optimise.readback import needs, plan_vector
from devolve.optimise.solve import solve
from devolve.present.words import left_out_reason
from devolve.testing import configuration as cfg
from devolve.testing import one_service_council as tiny
from devolve.usecases import plan_and_explain

DELIVERY, DESIGN = ActivityKey("S", Stage.DELIVERY), ActivityKey("S", Stage.DESIGN)


TWO_HOODS = (("N1", 10_000, 5_000.0), ("N2", 10_000, 5_000.0))


def test_nearest_alternative_and_what_a_little_more_budget_buys(rubric):
    # In each of two equal neighbourhoods: delivery 4 → solo 0.8, group 1.2; design 3 → solo 0.4,
    # group 0.6. £1,000 buys one solo partnership, which takes both activities in N1: 1.2.
    a = tiny(rubric, {Stage.DELIVERY: 4, Stage.DESIGN: 3}, hoods=TWO_HOODS, transition_budget=1000)
    model = build_model(a)
    plan = explain(model, solve(model), price_of_uniformity=False)
    assert {(d.key, d.neighbourhood_id, d.configuration) for d in plan.decisions} == {
        (DESIGN, "N1", "solo"), (DELIVERY, "N1", "solo")}
    assert plan.objective == pytest.approx(1.2)
    alt = next(alt for alt in plan.alternatives if alt.key == DELIVERY)
    assert (alt.neighbourhood_id, alt.configuration) == ("N1", "group")
    assert alt.margin == pytest.approx(-0.4)  # the group is worth more, but costs £3,000
    # N2 was left out for want of budget, and the explanation says which limit
    miss = plan.near_misses[0]
    assert (miss.key, miss.neighbourhood_id, miss.configuration, miss.reason) == (
        DELIVERY, "N2", "group", LeftOut.LIMITS_FULL)
    assert miss.value == pytest.approx(1.2)
    assert miss.blocked_by == ((Family.TRANSITION_BUDGET, None),)
    # beyond the plan, the best use of more budget is a solo partnership in N2: 1.2 per £1,000 …
    budget = plan.limit(Family.TRANSITION_BUDGET)
    assert budget.binding
    assert budget.marginal_value == pytest.approx(1.2 / 1000)
    assert plan.limit(Family.CONTINGENCY_RESERVE).marginal_value == 0
    # … which a second £1,000 buys
    assert solve(model.with_limit(Family.TRANSITION_BUDGET, 2000)).objective == pytest.approx(
        plan.objective + budget.marginal_value * 1000)


def test_price_of_uniformity_by_hand(rubric):
    # Both configurations need volunteer hours; N2 has none. Differentiated: delivery and design
    # devolved in N1 only, group for both: 1.2 + 0.6. Uniform: nothing can go everywhere, 0.
    configs = (cfg("solo", False, 1000, hours=10.0), cfg("group", True, 3000, hours=10.0))
    a = tiny(rubric, {Stage.DELIVERY: 4, Stage.DESIGN: 3}, configs=configs,
             hoods=(("N1", 10_000, 5_000.0), ("N2", 10_000, 0.0)))
    plan = plan_and_explain(a)
    assert plan.objective == pytest.approx(1.8)
    assert plan.price_of_uniformity == pytest.approx(1.8)
    uniform = plan_and_explain(a.replace(scenario=a.scenario.replace(offer=Offer.UNIFORM)))
    assert uniform.objective == pytest.approx(0)
    assert uniform.price_of_uniformity == pytest.approx(1.8)


def test_a_worse_alternative_has_a_positive_margin_and_keeping_today_scale_is_named(rubric):
    # design 3: group 0.6 beats solo 0.4 by 0.2; with one arrangement only (which then reaches
    # the average: 0.5), the alternative is keeping today's scale, worth the whole value less
    a = tiny(rubric, {Stage.DESIGN: 3})
    plan = plan_and_explain(a, price_of_uniformity=False)
    (alt,) = plan.alternatives
    assert (alt.configuration, alt.margin) == ("solo", pytest.approx(0.2))
    only_group = tiny(rubric, {Stage.DESIGN: 3}, configs=(cfg("group", True, 3000),))
    (alt,) = plan_and_explain(only_group, price_of_uniformity=False).alternatives
    assert alt.configuration is None and alt.margin == pytest.approx(0.5)


@pytest.fixture(scope="module")
def explained(council):
    model = build_model(council)
    return model, explain(model, solve(model), price_of_uniformity=False)


def test_a_near_miss_is_blocked_exactly_by_the_limits_it_cannot_fit(explained):
    model, plan = explained
    arr = model.options
    x = plan_vector(model, plan)
    left = {(lim.family, lim.neighbourhood_id): lim.limit - lim.used for lim in plan.limits}
    assert plan.near_misses
    for miss in plan.near_misses:
        k = arr.index(arr.activity_ids.index(miss.activity_id), arr.neighbourhood_ids.index(miss.neighbourhood_id),
                      arr.configurations.index(miss.configuration))
        # what it would need: its own use, and its partnership's and body's set-up if not yet paid
        fits = {(lim.family, lim.neighbourhood_id): needs(model, x, CATALOGUE[lim.family].resource)[k] <= left[
            (lim.family, lim.neighbourhood_id)] + 1e-9 for lim in plan.limits if CATALOGUE[lim.family].resource
            and lim.neighbourhood_id in (None, miss.neighbourhood_id)}
        assert set(miss.blocked_by) == {key for key, ok in fits.items() if not ok}
        assert miss.reason == (LeftOut.LIMITS_FULL if miss.blocked_by else LeftOut.RULE)  # the plan is optimal


def test_the_collective_share_is_priced_per_unit_of_share(rubric):
    """Design 4 (group 1.2), planning and delivery 3 (solo 0.4, group 0.6); the group needs 10
    volunteer hours per £1,000 and N1 has 200: design and planning as a group use them all. With
    70% collective asked for, delivery solo cannot join (two of three is less). Beyond the plan,
    the LP adds delivery solo up to t = 2·0.3/0.7, worth 0.4·t, so the share floor binds; its
    price per unit of share must match the LP solved again with the share a little lower and higher."""
    configs = (cfg("solo", False, 1000), cfg("group", True, 3000, hours=10.0))
    a = tiny(rubric, {Stage.DESIGN: 4, Stage.PLANNING: 3, Stage.DELIVERY: 3}, configs=configs,
             shares={Stage.DESIGN: 0.1, Stage.PLANNING: 0.1, Stage.DELIVERY: 0.6},
             hoods=(("N1", 10_000, 200.0),), min_collective_share=0.7)
    model = build_model(a)
    plan = explain(model, solve(model), price_of_uniformity=False)
    assert plan.objective == pytest.approx(1.8)
    x = plan_vector(model, plan)

    def lp_value(m):
        changed = model.with_limit(Family.COLLECTIVE_SHARE, m)
        mat = changed.matrix
        lo, hi = mat.row_bounds()
        lp = highs_lp(changed.objective(), column_upper(changed, changed.options.open), mat.indptr, mat.indices,
                      mat.data, lo, hi, integer=False)
        lp.col_lower_ = np.where(x > 0.5, 1.0, 0.0)
        h, _ = run_highs(lp, Deadline.after(30), None)
        return h.getInfo().objective_function_value

    share = plan.limit(Family.COLLECTIVE_SHARE)
    assert share.binding and share.used == pytest.approx(1.0)
    assert lp_value(0.7) == pytest.approx(1.8 + 0.4 * 2 * 0.3 / 0.7)
    assert share.marginal_value == pytest.approx(-0.8 / 0.7**2, rel=1e-3)
    for step in (-1e-4, 1e-4):
        assert share.marginal_value == pytest.approx((lp_value(0.7 + step) - lp_value(0.7)) / step, rel=1e-3)


def test_an_option_the_balance_rules_keep_out_is_said_to_be(rubric):
    # two neighbourhoods alike, and money to set up in one: devolving there alone would leave the
    # other with none of the value, below the fair share this rubric asks (its whole share)
    hoods = (("N1", 10_000, 5_000.0), ("N2", 10_000, 5_000.0))
    a = tiny(rubric, {Stage.DESIGN: 4}, hoods=hoods, configs=(cfg("group", True, 3000, 0.9),))
    both = solve(build_model(a))
    assert {d.neighbourhood_id for d in both.decisions} == {"N1", "N2"}
    a = a.replace(scenario=a.scenario.replace(
        transition_budget=0.75 * both.limit(Family.TRANSITION_BUDGET).used))
    assert len(solve(build_model(a)).decisions) == 1  # without the rule, one neighbourhood gets it
    a = a.replace(rubric=a.rubric.replace(balance=BalanceRules(fair_share=1.0)))
    model = build_model(a)
    plan = solve(model)
    assert plan.decisions == () and plan.objective == 0
    (design,) = [f for f in activity_fates(model, plan) if f.stage == Stage.DESIGN]
    assert design.fate == Fate.KEPT_OUT and design.left_out.rule == Family.FAIR_SHARE
    assert left_out_reason(design.left_out, {"N1": "N1", "N2": "N2"}) == (
        "a neighbourhood would fall below its fair share of the plan's value")
