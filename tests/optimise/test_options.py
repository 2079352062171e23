"""The option table: values, contributions and resource use by the formulas of docs/model.md."""

import numpy as np
import pytest

from devolve.testing import synthetic_assessment
from devolve.core.limits import Resource
from devolve.optimise.check import Witness
from devolve.assess.decompose import ActivityRecord, decompose
from devolve.core import (
    CRITERIA,
    Assessment,
    Criterion,
    Neighbourhood,
    PartnershipConfiguration,
    Scenario,
    Service,
    RetentionKind,
    Stage,
)
from devolve.assess.retention import retained_activities
from devolve.optimise.options import option_arrays, option_table

STAGES_USED = (Stage.DESIGN, Stage.DELIVERY)


def config(key, collective, risk, suited=(), **kw):
    base = dict(key=key, name=key, description=key, collective=collective, setup_cost=1000,
                setup_rate=0.05, running_cost_factor=0.9, volunteer_hours_per_1000=4.0,
                risk_of_failure=risk, suited_stages=suited)
    return PartnershipConfiguration(**{**base, **kw})


def two_hood_assessment(rubric, weights=None):
    """One personal service, design and delivery assessed, two neighbourhoods, two configurations."""
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
                               Criterion.PARTNERSHIP: 0, Criterion.RESILIENCE: 3}),
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
    w = weights or {Criterion.OUTCOMES: 4, Criterion.UNBUNDLING: 3, Criterion.PARTNERSHIP: 2,
                    Criterion.RESILIENCE: 1}
    sc = Scenario(weights=w, transition_budget=1e6, running_cost_limit=1e6, contingency_reserve=1e6)
    return Assessment(rubric=r, services=(svc,), activities=decompose(r, [svc], records),
                      neighbourhoods=hoods, scenario=sc)


def test_hand_computed_value(rubric):
    a = two_hood_assessment(rubric)
    t = option_table(a).set_index(["activity_id", "neighbourhood_id", "configuration"])
    # weights 4:3:2:1 → 0.4, 0.3, 0.2, 0.1; scale 0..4 so each level is a quarter.
    # Delivery in A under "group" (collective, suited, risk 0.15 vs mean 0.10):
    #  outcomes 4 + 0.5 → clamped 4          → 0.4 × (4-2)/4   = 0.2
    #  unbundling 2                           → 0
    #  partnership 0 + 0.5·clip((10-5)/5)=+0.5 → 0.2 × (0.5-2)/4 = -0.075
    #  resilience 3 + 0.5·clip((2-1)/1) − 0.5·clip((0.15-0.1)/0.1) = 3 + 0.5 − 0.25 = 3.25
    #                                          → 0.1 × 1.25/4    = 0.03125
    row = t.loc[("P1:delivery", "A", "group")]
    assert row["outcomes"] == pytest.approx(0.2)
    assert row["unbundling"] == pytest.approx(0.0)
    assert row["partnership"] == pytest.approx(-0.075)
    assert row["resilience"] == pytest.approx(0.03125)
    assert row["value"] == pytest.approx(0.2 - 0.075 + 0.03125)
    # Design in B under "solo" (not collective, not suited to design, risk 0.05):
    #  outcomes 3 → 0.1; unbundling 3 → 0.075; partnership 2 − 1 (unsuited) → -0.05
    #  resilience 2 + 0.5·clip((0.5-1)/1) + 0.5·0.5 = 2 − 0.25 + 0.25 = 2 → 0
    row = t.loc[("P1:design", "B", "solo")]
    assert [row[c.value] for c in CRITERIA] == pytest.approx([0.1, 0.075, -0.05, 0.0])


def test_contributions_add_up_and_match_scalar_formula():
    a = synthetic_assessment(6, 4, seed=3)
    t = option_table(a)
    assert len(t) > 0
    np.testing.assert_allclose(t[[c.value for c in CRITERIA]].sum(axis=1), t["value"], atol=1e-12)
    rng = np.random.default_rng(0)
    witness = Witness(a)
    for i in rng.choice(len(t), size=40, replace=False):
        r = t.iloc[i]
        v, contrib = witness.value(r.activity_id, r.neighbourhood_id, r.configuration)
        assert r.value == pytest.approx(v, abs=1e-12)
        for c in CRITERIA:
            assert r[c.value] == pytest.approx(contrib[c], abs=1e-12)
        res = witness.resources(r.activity_id, r.neighbourhood_id, a.rubric.configuration(r.configuration))
        for resource in Resource:
            assert r[resource.value] == pytest.approx(res[resource], rel=1e-12)


def test_resource_formulas(rubric):
    a = two_hood_assessment(rubric)
    t = option_table(a).set_index(["activity_id", "neighbourhood_id", "configuration"])
    row = t.loc[("P1:delivery", "B", "solo")]
    cost = 1_000_000 * 0.6 * 12000 / 18000  # budget × share × population share = £400,000
    assert row["annual_cost"] == pytest.approx(cost)
    assert row["transition_cost"] == pytest.approx(1000 + 0.05 * cost)
    # personal services lose 3% economies of scale; the configuration runs at 0.9
    assert row["running_change"] == pytest.approx(cost * (0.9 - 1 + 0.03))
    assert row["contingency"] == pytest.approx(0.05 * cost)
    assert row["volunteer_hours"] == pytest.approx(4.0 * cost / 1000)


def test_weights_are_normalised_and_default_to_scenario(rubric):
    a = two_hood_assessment(rubric)
    t1 = option_table(a)
    t2 = option_table(a, {c: 10 * w for c, w in a.scenario.weights.items()})
    np.testing.assert_allclose(t1["value"], t2["value"])
    only_outcomes = option_table(a, {Criterion.OUTCOMES: 1, Criterion.UNBUNDLING: 0,
                                     Criterion.PARTNERSHIP: 0, Criterion.RESILIENCE: 0})
    assert (only_outcomes["unbundling"] == 0).all()
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
    assert list(t.columns[:7]) == ["activity_id", "service_id", "stage", "neighbourhood_id",
                                   "configuration", "collective", "annual_cost"]
    for col in ("value", "outcomes", "unbundling", "partnership", "resilience", "transition_cost",
                "running_change", "contingency", "volunteer_hours"):
        assert col in t.columns
