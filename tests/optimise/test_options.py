"""The option table: values, contributions and resource use by the formulas of docs/model.md."""

import numpy as np
import pytest

from devolve.testing import synthetic_assessment
from devolve.core.limits import Resource
from devolve.optimise.check import Witness
from devolve.assess.decompose import ActivityRecord, decompose
from devolve.core import (
    BENEFITS,
    Assessment,
    Benefit,
    Criterion,
    Neighbourhood,
    PartnershipConfiguration,
    Scenario,
    Service,
    RetentionKind,
    Stage,
)
from devolve.assess.retention import retained_activities
from devolve.optimise.options import CLOSED, Closed, option_arrays, option_table

STAGES_USED = (Stage.DESIGN, Stage.DELIVERY)


def config(key, collective, risk, suited, **kw):
    base = dict(key=key, name=key, description=key, collective=collective, partnership_setup_cost=1000,
                setup_rate=0.05, running_cost_factor=0.9, volunteer_hours_per_1000=4.0,
                risk_of_failure=risk, spillover=0.25 if collective else 0.0, suited_stages=suited)
    return PartnershipConfiguration(**{**base, **kw})


def two_hood_assessment(rubric, weights=None, delivery_assessed=True):
    """One personal service (3% of residents use it), design and delivery assessed, two
    neighbourhoods, two configurations: solo (delivery only) and group (design and delivery)."""
    r = rubric.replace(
        configurations=(
            config("solo", False, 0.05, suited=(Stage.DELIVERY,)),
            config("group", True, 0.15, suited=(Stage.DESIGN, Stage.DELIVERY)),
        ),
        coherence=(),
    )
    svc = Service(service_id="P1", name="Play", directorate="Children", service_type="personal",
                  annual_budget=1_000_000)
    records = [
        ActivityRecord("P1", Stage.DESIGN, cost_share=0.1,
                       scores={Criterion.OUTCOMES: 3, Criterion.UNBUNDLING: 3,
                               Criterion.PARTNERSHIP: 2, Criterion.RESILIENCE: 2}),
        ActivityRecord("P1", Stage.DELIVERY, cost_share=0.6,
                       scores={Criterion.OUTCOMES: 4, Criterion.UNBUNDLING: 2,
                               Criterion.PARTNERSHIP: 0, Criterion.RESILIENCE: 3} if delivery_assessed else {}),
    ]
    records += [ActivityRecord("P1", s, must_retain=True, retain_reason="not in this test")
                for s in Stage if s not in STAGES_USED]
    hoods = (
        # intermediaries per 10k: 10 and 2.5; council rate 5. hours per resident: 2 and 0.5; mean 1
        Neighbourhood(neighbourhood_id="A", name="Ashby", population=6000, share_aged_65_plus=0.2,
                      volunteer_hours=12000, intermediaries=6),
        Neighbourhood(neighbourhood_id="B", name="Brook", population=12000, share_aged_65_plus=0.2,
                      volunteer_hours=6000, intermediaries=3),
    )
    w = weights or {Benefit.OUTCOMES: 4, Benefit.PARTNERSHIP: 3, Benefit.RESILIENCE: 2, Benefit.VOLUNTEER_TIME: 1}
    sc = Scenario(weights=w, transition_budget=1e6, running_cost_limit=1e6, contingency_reserve=1e6)
    return Assessment(rubric=r, services=(svc,), activities=decompose(r, [svc], records),
                      neighbourhoods=hoods, scenario=sc)


def test_hand_computed_value(rubric):
    a = two_hood_assessment(rubric)
    t = option_table(a).set_index(["activity_id", "neighbourhood_id", "configuration"])
    # Open options: design under group (solo is unsuited to design), delivery under both; all six
    # have more than £5,000 a year at stake. Weights 4:3:2:1 → 0.4, 0.3, 0.2, 0.1.
    # £ a year: design £100k, delivery £600k, split by population (A a third, B two thirds):
    #   design 33,333 and 66,667; delivery 200,000 and 400,000 → the average open option
    #   (design twice under group, delivery under both) 1,300,000 / 6 = £216,667.
    # Residents reached: users are 3% of residents (A 180, B 360); group adds a quarter of the
    #   rest: A 180 + 0.25·5,820 = 1,635, B 360 + 0.25·11,640 = 3,270 → average
    #   (1,635 + 3,270 + 180 + 360 + 1,635 + 3,270) / 6 = 1,725.
    # Neighbourhood modifiers: intermediaries A +1, B −0.5; hours A +1, B −0.5; risk solo −0.5,
    #   group +0.5 (relative to the mean, clipped to ±1), each half a level.
    #
    # Delivery in A under group (chance to work locally at unbundling 2: 0.6; assessed: evidence 1):
    #   outcomes 4                    → change (4−2)/2 = 1      × 1,635/1,725       × 0.6 = 0.568696
    #   partnership 0 + 0.5 = 0.5     → change −0.75            × 200,000/216,667   × 0.6 = −0.415385
    #   resilience 3 + 0.5 − 0.25     → change 0.625            × 200,000/216,667   × 0.6 = 0.346154
    #   volunteer hours 4 per £1,000  → 800 h over the average 866.7 h                   = 0.923077
    row = t.loc[("P1:delivery", "A", "group")]
    assert row["residents"] == pytest.approx(1635) and row["annual_cost"] == pytest.approx(200_000)
    expected = [0.4 * 0.568696, 0.3 * -0.415385, 0.2 * 0.346154, 0.1 * 0.923077]
    assert [row[b.value] for b in BENEFITS] == pytest.approx(expected, abs=1e-6)
    assert row["value"] == pytest.approx(sum(expected), abs=1e-6)
    # Design in B under group (chance at unbundling 3: 0.8):
    #   outcomes 3                    → 0.5    × 3,270/1,725        × 0.8 = 0.758261
    #   partnership 2 − 0.25 = 1.75   → −0.125 × 66,667/216,667     × 0.8 = −0.030769
    #   resilience 2 − 0.25 − 0.25    → −0.25  × 66,667/216,667     × 0.8 = −0.061538
    #   volunteer hours                                                   = 0.307692
    row = t.loc[("P1:design", "B", "group")]
    assert [row[b.value] for b in BENEFITS] == pytest.approx(
        [0.4 * 0.758261, 0.3 * -0.030769, 0.2 * -0.061538, 0.1 * 0.307692], abs=1e-6)
    assert ("P1:design", "B", "solo") not in t.index


def test_why_an_option_is_closed(rubric):
    a = two_hood_assessment(rubric)
    arr = option_arrays(a)
    reason = {(arr.activity_ids[arr.a[k]], arr.neighbourhood_ids[arr.n[k]], arr.configurations[arr.c[k]]):
              CLOSED[arr.closed_because[k]] for k in range(arr.size)}
    assert reason[("P1:design", "A", "solo")] == Closed.UNSUITED
    assert reason[("P1:delivery", "A", "solo")] == Closed.OPEN
    # £100,000 at stake in A is too little under a £150,000 minimum
    small = a.replace(rubric=a.rubric.replace(partnerships=a.rubric.partnerships.replace(min_annual_at_stake=150_000)))
    arr = option_arrays(small)
    closed = {(arr.activity_ids[arr.a[k]], arr.neighbourhood_ids[arr.n[k]]) for k in range(arr.size)
              if CLOSED[arr.closed_because[k]] == Closed.TOO_SMALL}
    assert closed == {("P1:design", "A"), ("P1:design", "B")}
    # scored on defaults alone with more than the rubric's threshold at stake: assess first
    arr = option_arrays(two_hood_assessment(rubric, delivery_assessed=False))
    first = {arr.activity_ids[arr.a[k]] for k in range(arr.size) if CLOSED[arr.closed_because[k]] == Closed.ASSESS_FIRST}
    assert first == {"P1:delivery"}


def test_contributions_add_up_and_match_scalar_formula():
    a = synthetic_assessment(6, 4, seed=3)
    t = option_table(a)
    assert len(t) > 0
    np.testing.assert_allclose(t[[b.value for b in BENEFITS]].sum(axis=1), t["value"], atol=1e-12)
    rng = np.random.default_rng(0)
    witness = Witness(a)
    for i in rng.choice(len(t), size=40, replace=False):
        r = t.iloc[i]
        v, contrib = witness.value(r.activity_id, r.neighbourhood_id, r.configuration)
        assert r.value == pytest.approx(v, abs=1e-12)
        for b in BENEFITS:
            assert r[b.value] == pytest.approx(contrib[b], abs=1e-12)
        res = witness.resources(r.activity_id, r.neighbourhood_id, a.rubric.configuration(r.configuration))
        for resource in Resource:
            assert r[resource.value] == pytest.approx(res[resource], rel=1e-12)


def test_resource_formulas(rubric):
    a = two_hood_assessment(rubric)
    t = option_table(a).set_index(["activity_id", "neighbourhood_id", "configuration"])
    row = t.loc[("P1:delivery", "B", "solo")]
    cost = 1_000_000 * 0.6 * 12000 / 18000  # budget × share × population share = £400,000
    assert row["annual_cost"] == pytest.approx(cost)
    # the partnership's fee is paid once, by the partnership: the activity pays its rate
    assert row["transition_cost"] == pytest.approx(0.05 * cost)
    # personal services lose 3% economies of scale; the configuration runs at 0.9
    assert row["running_change"] == pytest.approx(cost * (0.9 - 1 + 0.03))
    assert row["contingency"] == pytest.approx(0.05 * cost)
    assert row["volunteer_hours"] == pytest.approx(4.0 * cost / 1000)


def test_weights_are_normalised_and_default_to_scenario(rubric):
    a = two_hood_assessment(rubric)
    t1 = option_table(a)
    t2 = option_table(a, a.scenario.replace(weights={b: 10 * w for b, w in a.scenario.weights.items()}))
    np.testing.assert_allclose(t1["value"], t2["value"])
    only_outcomes = option_table(a, a.scenario.replace(weights={
        Benefit.OUTCOMES: 1, Benefit.PARTNERSHIP: 0, Benefit.RESILIENCE: 0, Benefit.VOLUNTEER_TIME: 0}))
    assert (only_outcomes["volunteer_time"] == 0).all()
    np.testing.assert_allclose(only_outcomes["value"], only_outcomes["outcomes"])


def test_retained_activities_are_absent_with_reasons(rubric):
    svc = Service(service_id="R1", name="Registrars", directorate="Resources",
                  service_type="regulatory", annual_budget=500_000, statutory=True)
    records = [ActivityRecord("R1", Stage.DESIGN, must_retain=True, retain_reason="contract ends 2027"),
               ActivityRecord("R1", Stage.DELIVERY, scores={Criterion.UNBUNDLING: 0})]
    hood = Neighbourhood(neighbourhood_id="N", name="N", population=5000, share_aged_65_plus=0.2,
                         volunteer_hours=1000)
    sc = Scenario(weights=rubric.default_weights(), transition_budget=1, running_cost_limit=0,
                  contingency_reserve=1)
    a = Assessment(rubric=rubric, services=(svc,), activities=decompose(rubric, [svc], records),
                   neighbourhoods=(hood,), scenario=sc)
    kept = {str(r.key): r for r in retained_activities(a)}
    assert kept["R1:design"].kind == RetentionKind.MUST_RETAIN and kept["R1:design"].reason == "contract ends 2027"
    assert kept["R1:governance"].kind == kept["R1:financing"].kind == RetentionKind.STATUTORY
    assert (kept["R1:delivery"].kind, kept["R1:delivery"].unbundling) == (RetentionKind.NOT_SEPARABLE, 0)
    assert len(kept) == 4
    t = option_table(a)
    assert not set(kept) & set(t["activity_id"])
    assert set(t["activity_id"]) | set(kept) == {act.activity_id for act in a.activities}


def test_option_order_is_activity_neighbourhood_configuration(rubric):
    a = two_hood_assessment(rubric)
    arr = option_arrays(a)
    A, N, C = arr.shape
    assert (A, N, C) == (2, 2, 2)
    k = arr.index(1, 0, 1)
    assert (arr.a[k], arr.n[k], arr.c[k]) == (1, 0, 1)
    t = option_table(a)
    assert list(t.columns[:8]) == ["activity_id", "service_id", "stage", "neighbourhood_id",
                                   "configuration", "collective", "annual_cost", "residents"]
    for col in ("value", "outcomes", "volunteer_time", "partnership", "resilience", "transition_cost",
                "running_change", "contingency", "volunteer_hours"):
        assert col in t.columns
