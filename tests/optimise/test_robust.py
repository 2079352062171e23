"""How sure the plan is: stability intervals, acceptability and the frontier on councils small
enough to work out by hand, and the same seed giving the same answer on local processes and Dask."""

from __future__ import annotations

import numpy as np
import pytest

from devolve import usecases
from devolve.core.limits import Family
from devolve.core.robustness import Band, margin
from devolve.core.terms import Benefit, Stage
from devolve.optimise import robust
from devolve.optimise.solve import solve
from devolve.testing import configuration as cfg
from devolve.testing import one_service_council as tiny
from devolve.testing import synthetic_assessment

# One activity (design, outcomes 4) in one neighbourhood; with the weights on outcomes (w) and
# volunteer time (1 − w) alone, its options are worth:
#   solo  (individual, 0.8 on outcomes; the only one that mobilises volunteers: 2 on time) = 0.8w + 2(1 − w)
#   group (collective, 1.2 on outcomes, no volunteers)                                       = 1.2w
# so the group is best from w = 5/6 up. With today's w = 0.9 the plan is the group, and it stays
# within the re-plans' gap g (1%) of the best while 1.2w ≥ (1 − g)(0.8w + 2(1 − w)) = (1 − g)(2 − 1.2w),
# that is while w ≥ 2(1 − g) / (1.2(2 − g)) = 0.8291.
G = robust.SAMPLE_GAP
LOW = 2 * (1 - G) / (1.2 * (2 - G))
TODAY = {Benefit.OUTCOMES: 0.9, Benefit.PARTNERSHIP: 0, Benefit.RESILIENCE: 0, Benefit.VOLUNTEER_TIME: 0.1}


def seesaw(rubric, weights=TODAY):
    configs = (cfg("solo", False, 0, hours=1.0), cfg("group", True, 0, hours=0.0))
    return tiny(rubric, {Stage.DESIGN: 4}, configs=configs, weights=weights, capacity_use=1.0)


def planned(assessment):
    model = usecases.plan_model(assessment)
    return model, solve(model)


def test_the_hand_case_is_what_the_comment_says(rubric):
    model, plan = planned(seesaw(rubric))
    assert [(d.configuration, round(d.value, 6)) for d in plan.decisions] == [("group", 1.08)]
    other = model.with_weights({**TODAY, Benefit.OUTCOMES: 0.8, Benefit.VOLUNTEER_TIME: 0.2})
    assert sorted(np.round(other.value, 6)) == [0.96, 1.04]  # group 1.2 × 0.8; solo 0.64 + 0.4


def test_stability_interval_is_known_by_hand(rubric):
    model, plan = planned(seesaw(rubric))
    found = {s.benefit: s for s in usecases.weight_stability(model, plan)}
    outcomes, time = found[Benefit.OUTCOMES], found[Benefit.VOLUNTEER_TIME]
    assert outcomes.weight == pytest.approx(0.9)
    assert outcomes.low == pytest.approx(LOW, abs=robust.STABILITY_TOLERANCE)
    assert outcomes.high == 1.0 and outcomes.above == ()
    # just below the interval the group gives way to the solo arrangement, and nothing else moves
    assert [(c.activity_id, c.neighbourhood_id, c.before, c.after) for c in outcomes.below] == [
        ("S:design", "N1", "group", "solo")]
    # volunteer time's weight is the other side of the same see-saw: 1 − w
    assert time.high == pytest.approx(1 - LOW, abs=robust.STABILITY_TOLERANCE)
    assert time.low == 0.0 and time.below == ()
    # a weight nobody gave (0) can still move up: here it changes nothing until it takes the
    # others down with it, so its interval starts at 0
    assert found[Benefit.PARTNERSHIP].low == 0.0


def test_acceptability_is_the_share_of_draws_on_the_group_side(rubric):
    model, plan = planned(seesaw(rubric))
    got = usecases.acceptability(model, plan, samples=60, seed=7, scores=False, workers=1)
    how = robust.draws(model, scores=False)
    # by hand: the group stays while a sample's outcomes weight keeps it within the gap
    group = sum(how.sample(7, i)[0][0] >= LOW for i in range(60))
    (row,) = got.decisions
    assert (row.activity_id, row.neighbourhood_id, row.planned) == ("S:design", "N1", "group")
    assert row.share == 1.0  # devolved in every sample, under one arrangement or the other
    assert row.share_as_planned == pytest.approx(group / 60)
    assert got.stands == group and got.plans == 60 and got.samples == 60
    assert got.never == ()
    assert got.margin == pytest.approx(1.96 * 0.5 / np.sqrt(60), rel=1e-3)


def test_a_plan_whose_decisions_are_all_robust_says_so(rubric):
    # the group is best whatever the weights: solo mobilises nobody and is worth less on outcomes
    configs = (cfg("solo", False, 0), cfg("group", True, 0))
    a = tiny(rubric, {Stage.DESIGN: 4, Stage.DELIVERY: 3}, configs=configs)
    model, plan = planned(a)
    got = usecases.acceptability(model, plan, samples=30, uniform=True, workers=1)
    assert got.stands == 30
    assert {d.band for d in got.decisions} == {Band.CORE}
    assert got.band(Band.CONTESTED) == () and len(got.planned) == 2
    assert all(d.share_as_planned == 1.0 and d.margin == 0.0 for d in got.decisions)


def test_margin_is_the_normal_95_percent_interval():
    assert margin(0.5, 1000) == pytest.approx(0.031, abs=5e-4)
    assert margin(1.0, 1000) == 0.0 and margin(0.9, 100) == pytest.approx(0.0588, abs=1e-4)


def test_draws_keep_zero_weights_and_take_scores_from_the_assessors(rubric):
    a = synthetic_assessment(6, 3, seed=3, rubric=rubric)
    model = usecases.plan_model(a)
    how = robust.draws(model)
    w, scores = how.sample(0, 1)
    assert w.sum() == pytest.approx(1.0) and (w[model.weights == 0] == 0).all()
    w2, scores2 = how.sample(0, 1)
    assert (w == w2).all() and (scores == scores2).all()  # its own stream: the same sample anywhere
    # every drawn score is one the activity could take
    for a_i in range(scores.shape[0]):
        for k in range(4):
            assert scores[a_i, k] in how.choices[a_i, k, : how.counts[a_i, k]]
    # today's scores value the options exactly as the model does
    again = model.options.rescored(how.base_scores, model.rubric)
    assert np.array_equal(again.terms, model.options.terms)


def test_frontier_over_the_transition_budget_is_known_by_hand(rubric):
    # design 4 and delivery 3 (see test_solve): nothing below £1,000 of set-up; one solo partnership
    # for both from £1,000 (1.2); one group partnership from £3,000 (1.8), which is everything
    a = tiny(rubric, {Stage.DESIGN: 4, Stage.DELIVERY: 3}, transition_budget=2000)
    model, plan = planned(a)
    front = usecases.value_frontier(model, plan, steps=6, workers=1)
    assert front.family == Family.TRANSITION_BUDGET and front.today == 2000
    by_limit = {p.limit: p for p in front.points}
    assert sorted(by_limit) == [0, 500, 1000, 1500, 2000, 2500, 3000]
    assert [round(by_limit[v].value, 6) for v in sorted(by_limit)] == [0, 0, 1.2, 1.2, 1.2, 1.2, 1.8]
    entered = by_limit[1000].entering
    assert {(c.stage, c.after) for c in entered} == {(Stage.DESIGN, "solo"), (Stage.DELIVERY, "solo")}
    moved = by_limit[3000]
    assert {(c.stage, c.before, c.after) for c in moved.entering} == {
        (Stage.DESIGN, "solo", "group"), (Stage.DELIVERY, "solo", "group")}
    assert all(p.found and p.used <= p.limit + 1e-6 for p in front.points)


def varied(rubric):
    """Three activities in two neighbourhoods, two of them on the see-saw between outcomes and
    volunteer time, the set-up paid once per partnership: plans differ from draw to draw."""
    configs = (cfg("solo", False, 500, hours=1.0), cfg("group", True, 1500, hours=0.0))
    return tiny(rubric, {Stage.DESIGN: 4, Stage.DELIVERY: 3, Stage.ASSESSMENT: 4}, configs=configs, weights=TODAY,
                hoods=(("N1", 10_000, 5_000.0), ("N2", 6_000, 9_000.0)), capacity_use=1.0, transition_budget=4000)


def test_local_processes_give_the_same_answer_as_one_process(rubric):
    model, plan = planned(varied(rubric))
    one = usecases.acceptability(model, plan, samples=60, seed=11, uniform=True, workers=1)
    two = usecases.acceptability(model, plan, samples=60, seed=11, uniform=True, workers=2)
    assert any(0 < d.share_as_planned < 1 for d in one.decisions)  # the draws do move the plan
    assert two.workers == 2 and two.engine == "local processes"
    assert [(d.activity_id, d.neighbourhood_id, d.share, d.share_as_planned) for d in one.decisions] == [
        (d.activity_id, d.neighbourhood_id, d.share, d.share_as_planned) for d in two.decisions]
    assert (one.stands, one.plans, one.never) == (two.stands, two.plans, two.never)


def test_dask_gives_the_same_acceptability_as_local_processes(rubric):
    distributed = pytest.importorskip("distributed")
    model, plan = planned(varied(rubric))
    local = usecases.acceptability(model, plan, samples=60, seed=11, uniform=True, workers=1)
    assert any(0 < d.share_as_planned < 1 for d in local.decisions)  # the draws do move the plan
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = usecases.acceptability(model, plan, samples=60, seed=11, uniform=True,
                                         dask=cluster.scheduler_address)
        frontier_dask = usecases.value_frontier(model, plan, steps=4, dask=cluster.scheduler_address)
    assert on_dask.engine.startswith("Dask cluster at ")
    assert [(d.activity_id, d.neighbourhood_id, d.share, d.share_as_planned) for d in local.decisions] == [
        (d.activity_id, d.neighbourhood_id, d.share, d.share_as_planned) for d in on_dask.decisions]
    assert (local.stands, local.plans, local.never) == (on_dask.stands, on_dask.plans, on_dask.never)
    assert len(frontier_dask.points) >= 5 and all(p.found for p in frontier_dask.points)


def test_a_point_that_stopped_short_takes_the_plan_below_which_still_fits(rubric):
    a = tiny(rubric, {Stage.DESIGN: 4, Stage.DELIVERY: 3}, transition_budget=2000)
    model, plan = planned(a)
    at_3000 = solve(model.with_limit(Family.TRANSITION_BUDGET, 3000))
    empty = solve(model.with_limit(Family.TRANSITION_BUDGET, 0))  # as if the time ran out with nothing better
    carried = robust.carried_forward(model, Family.TRANSITION_BUDGET, [(3000, at_3000), (3500, empty)])
    (_, first), (limit, second) = carried
    assert first is at_3000 and limit == 3500
    assert second.objective == pytest.approx(1.8) and second.decisions == at_3000.decisions
    assert second.limit(Family.TRANSITION_BUDGET).limit == 3500


def test_a_weak_lp_bound_does_not_make_a_steady_plan_look_fragile(rubric):
    # at a budget of £2,999 the LP takes 2,999/3,000 of the group partnership: its bound (1.8) is half
    # as much again as the best plan (1.2, solo). Only outcomes count, and every option's value
    # scales with that weight alike, so no weight can change the plan: the interval is the whole line
    a = tiny(rubric, {Stage.DESIGN: 4, Stage.DELIVERY: 3}, transition_budget=2999)
    model, plan = planned(a)
    assert plan.objective == pytest.approx(1.2)
    found = {s.benefit: s for s in usecases.weight_stability(model, plan)}
    outcomes = found[Benefit.OUTCOMES]
    assert (outcomes.low, outcomes.high, outcomes.below, outcomes.above) == (0.0, 1.0, (), ())
    assert all(s.room is None for s in found.values())


def test_a_sample_starts_from_the_best_known_plan_that_still_keeps_the_rows(rubric):
    from devolve.optimise.presolve import column_upper
    from devolve.optimise.readback import complete

    model, plan = planned(seesaw(rubric))
    rp = robust.Replanner(model, plan)
    solo = model.options.open & ~rp.today  # the other arrangement of the one activity
    both = model.options.open.copy()  # two arrangements at once: breaks one_configuration
    as_columns = [complete(model, flags.astype(float)) for flags in (solo, both)]
    # outcomes and volunteer time even: solo (0.4 + 1.0) is worth more than the group (0.6)
    even = model.with_weights({**TODAY, Benefit.OUTCOMES: 0.5, Benefit.VOLUNTEER_TIME: 0.5})
    upper = column_upper(even, even.options.open)

    def start(known):
        return rp._start(even, upper, known)[: model.matrix.n_x] > 0.5

    assert (start([]) == rp.today).all()
    assert (start(as_columns) == solo).all()  # the plan worth 2.0 is passed over: it breaks a row
    assert (start(as_columns[1:]) == rp.today).all()
    # under today's weights the group is worth more: today's plan stays the plan to beat
    assert (rp._start(model, column_upper(model, model.options.open), as_columns)[: model.matrix.n_x]
            > 0.5).tolist() == rp.today.tolist()
    # and the plan a sample then makes is the one the values call for
    assert (rp.replan(even, as_columns) == solo).all() and (rp.replan(even) == solo).all()


def test_a_piece_gives_the_same_answer_whatever_the_worker_ran_before(rubric):
    model, plan = planned(varied(rubric))
    rp = robust.Replanner(model, plan)
    how = robust.draws(model, uniform=True)
    first = robust.run_samples(rp, how, 11, 0, 25)
    robust.run_samples(rp, how, 11, 25, 25)  # another piece on the same worker
    again = robust.run_samples(rp, how, 11, 0, 25)
    assert 0 < first.stands < 25  # the draws do move the plan
    assert (first.chosen == again.chosen).all()
    assert (first.samples, first.plans, first.stands) == (again.samples, again.plans, again.stands)


def test_pieces_are_fixed_by_the_sample_count_and_cover_every_sample():
    for samples, size in ((1, 25), (60, 25), (200, 25), (400, 50), (1000, 125), (20_000, 125)):
        pieces = robust.sample_pieces(samples)
        assert robust.piece_size(samples) == size
        assert [first for first, _ in pieces] == list(range(0, samples, size))
        assert sum(count for _, count in pieces) == samples and all(0 < c <= size for _, c in pieces)
