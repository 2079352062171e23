import pytest

"""Decomposition: nine activities per service, the user's records over the rubric's priors."""


from devolve.assess.decompose import ActivityRecord, decompose, default_scores
from devolve.core import CRITERIA, STAGES, Criterion, ScoreSource, Service, Stage


def parks(**kw):
    base = dict(
        service_id="ENV01",
        name="Parks and open spaces",
        directorate="Place",
        service_type="infrastructure-heavy",
        annual_budget=2_000_000,
        outcomes=("local_environment",),
    )
    return Service(**{**base, **kw})


def test_inventory_alone_becomes_nine_default_activities(rubric):
    acts = decompose(rubric, [parks()])
    assert [a.stage for a in acts] == list(STAGES)
    assert sum(a.cost_share for a in acts) == pytest.approx(1)
    prior = rubric.service_types[parks().service_type].cost_split
    for a in acts:
        assert a.cost_share == pytest.approx(prior[a.stage])
        assert a.cost_share_source == ScoreSource.DEFAULT
        assert all(a.is_default(c) for c in CRITERIA)


def test_defaults_follow_type_stage_and_outcome_lift(rubric):
    # infrastructure prior 2; design adds +1 outcomes; local_environment lifts outcomes by 1
    assert default_scores(rubric, parks(), Stage.DESIGN)[Criterion.OUTCOMES] == 4
    assert default_scores(rubric, parks(outcomes=()), Stage.DESIGN)[Criterion.OUTCOMES] == 3
    assert default_scores(rubric, parks(), Stage.GOVERNANCE)[Criterion.UNBUNDLING] == 1


def test_given_shares_kept_rest_share_remainder_by_prior(rubric):
    acts = decompose(rubric, [parks()], [ActivityRecord("ENV01", Stage.DELIVERY, cost_share=0.8)])
    by = {a.stage: a for a in acts}
    assert by[Stage.DELIVERY].cost_share == 0.8
    assert by[Stage.DELIVERY].cost_share_source == ScoreSource.ASSESSED
    assert sum(a.cost_share for a in acts) == pytest.approx(1)
    # management keeps its prior proportion of what is left: 0.10 / 0.40 of 0.2
    assert by[Stage.MANAGEMENT].cost_share == pytest.approx(0.2 * 0.10 / 0.40)


def test_several_assessors_keep_their_scores_and_spread(rubric):
    recs = [
        ActivityRecord("ENV01", Stage.DELIVERY, assessor="A", rationale="r1", scores={Criterion.OUTCOMES: 4}),
        ActivityRecord("ENV01", Stage.DELIVERY, assessor="B", rationale="r2", scores={Criterion.OUTCOMES: 1}),
    ]
    delivery = next(a for a in decompose(rubric, [parks()], recs) if a.stage == Stage.DELIVERY)
    assert delivery.score(Criterion.OUTCOMES) == 2.5
    assert delivery.spread(Criterion.OUTCOMES) == 3
    assert {s.assessor for s in delivery.scores_for(Criterion.OUTCOMES)} == {"A", "B"}
    assert delivery.is_default(Criterion.RESILIENCE)
