"""The bundled sample council: realistic enough to demonstrate every part of the method, and
exactly what scripts/make_sample.py builds, so a stale or hand-edited workbook is caught."""

from __future__ import annotations

import csv
import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from devolve.assess.capacity import default_volunteer_hours
from devolve.assess.retention import retention
from devolve.core import CRITERIA, Offer, ScoreSource, ServiceType, SolverName, Stage
from devolve.core.problems import ProblemCode

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_services.xlsx"
"""The committed workbook at the top of the checkout (the package ships the same file)."""
LGSL = ROOT / "data" / "lgsl_local_services.csv"


@pytest.fixture(scope="module")
def sample(make_sample):
    return make_sample.build_sample()


def _assessed(activity):
    return any(s.source == ScoreSource.ASSESSED for s in activity.scores)


def test_build_is_deterministic(make_sample, sample, checkout):
    assert make_sample.build_sample() == sample
    spec = importlib.util.spec_from_file_location("make_sample_again", checkout / "scripts" / "make_sample.py")
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    assert fresh.build_sample() == sample  # a fresh import, so no hidden module state


def test_inventory_looks_like_a_metropolitan_borough(sample):
    assert len(sample.services) >= 40
    assert len({s.directorate for s in sample.services}) >= 6
    assert {s.service_type for s in sample.services} == set(ServiceType)
    total = sum(s.annual_budget for s in sample.services)
    assert 300e6 <= total <= 1e9
    budgets = {s.name: s.annual_budget for s in sample.services}
    assert budgets["Residential and nursing care for older people"] > 10e6
    assert 1e6 < budgets["Libraries and community hubs"] < 10e6
    assert 100e3 < budgets["Pest control"] < 1e6
    assert any(s.statutory for s in sample.services)
    assert any(not s.statutory for s in sample.services)


def test_outcomes_are_the_rubrics(sample):
    known = set(sample.rubric.outcomes)
    used = {o for s in sample.services for o in s.outcomes}
    assert used <= known
    for framework in sample.rubric.outcome_frameworks:
        assert used & {o.key for o in framework.outcomes}, f"no service serves {framework.name}"


def test_lgsl_ids_are_real_national_ids(sample):
    with LGSL.open(newline="", encoding="utf-8") as fh:
        real = {int(row["LGSL"]) for row in csv.DictReader(fh)}
    ids = [s.lgsl_id for s in sample.services if s.lgsl_id is not None]
    assert len(ids) >= len(sample.services) // 2
    assert set(ids) <= real
    assert len(set(ids)) == len(ids)


def test_neighbourhoods_vary_and_some_are_too_big(sample):
    hoods = sample.neighbourhoods
    limit = sample.rubric.capacity.max_neighbourhood_population
    assert len(hoods) >= 12
    oversized = [n for n in hoods if n.population > limit]
    assert 2 <= len(oversized) <= 3
    assert all(25_000 <= n.population <= 60_000 for n in oversized)
    assert all(4_000 <= n.population <= 15_000 for n in hoods if n not in oversized)
    shares = [n.share_aged_65_plus for n in hoods]
    assert all(0.08 <= s <= 0.32 for s in shares) and max(shares) - min(shares) > 0.15
    assert all(0 <= n.intermediaries <= 18 for n in hoods)
    assert len({n.intermediaries for n in hoods}) > 4


def test_volunteer_hours_audited_for_some_derived_for_the_rest(sample):
    rubric = sample.rubric
    by_source = Counter(n.volunteer_hours_source for n in sample.neighbourhoods)
    assert by_source[ScoreSource.ASSESSED] >= 3 and by_source[ScoreSource.DEFAULT] >= 3
    for n in sample.neighbourhoods:
        derived = default_volunteer_hours(rubric, n.population, n.share_aged_65_plus)
        if n.volunteer_hours_source == ScoreSource.DEFAULT:
            assert n.volunteer_hours == derived
        else:
            assert n.volunteer_hours != derived


def test_activities_mix_assessed_and_default(sample):
    assert len(sample.activities) == 9 * len(sample.services)
    assessed = [a for a in sample.activities if _assessed(a)]
    assert 20 <= len(assessed) < len(sample.activities) // 2
    for a in assessed:
        for s in a.scores:
            if s.source == ScoreSource.ASSESSED:
                assert s.assessor and s.rationale and len(s.rationale) > 40
    assert len({s.assessor for a in assessed for s in a.scores if s.assessor}) >= 4
    disputed = [a for a in assessed if any(a.spread(c) > 0 for c in CRITERIA)]
    assert len(disputed) >= 3
    assert any(a.cost_share_source == ScoreSource.ASSESSED for a in sample.activities)
    assert any(a.cost_share_source == ScoreSource.DEFAULT for a in sample.activities)
    for service in sample.services:
        shares = [a.cost_share for a in sample.activities if a.service_id == service.service_id]
        assert sum(shares) == pytest.approx(1)


def test_some_activities_must_be_retained_for_a_reason(sample):
    retained = [a for a in sample.activities if a.must_retain]
    assert len(retained) >= 5
    assert all(a.retain_reason for a in retained)
    assert any(a.service_id == "ASC01" and a.stage == Stage.DELIVERY for a in retained)
    # the method still leaves plenty that could be devolved
    free = [
        a
        for a in sample.activities
        if retention(sample.rubric, sample.service(a.service_id), a) is None
    ]
    assert len(free) > len(sample.activities) // 2


def test_scenario_is_labelled_fictional_and_complete(sample):
    sc = sample.scenario
    assert "fictional" in sc.name.lower()
    assert sc.weights == sample.rubric.default_weights()
    assert len(sc.configurations) == 3
    assert sc.offer == Offer.DIFFERENTIATED
    assert sc.solver == SolverName.HIGHS
    assert sc.time_limit_seconds == 60 and sc.relative_gap == 0.005
    assert sc.transition_budget > 0 and sc.contingency_reserve > 0
    # a first programme, not a transformation: the set-up fund and the reserve are each well under
    # 1% of the net revenue budget (the user guide justifies each figure)
    total = sum(s.annual_budget for s in sample.services)
    assert 0.001 * total < sc.transition_budget < 0.01 * total
    assert 0.001 * total < sc.contingency_reserve < 0.01 * total
    assert sc.running_cost_limit == 0 and 0 < sc.capacity_use < 1


# --------------------------------------------------------------------------- the committed workbook


@pytest.fixture(scope="module")
def committed():
    from devolve.io.read import read_assessment

    return read_assessment(SAMPLE)


def test_committed_workbook_is_what_the_script_builds(committed, sample):
    assessment, _ = committed
    assert assessment == sample, "sample_services.xlsx is stale: run `make sample`"


def test_oversized_districts_are_flagged_on_reading(committed, sample):
    _, report = committed
    flagged = [p for p in report.warnings if p.code == ProblemCode.NEIGHBOURHOOD_TOO_LARGE]
    limit = sample.rubric.capacity.max_neighbourhood_population
    oversized = [n for n in sample.neighbourhoods if n.population > limit]
    assert len(flagged) == len(oversized)
    assert {p.value for p in flagged} == {n.population for n in oversized}
    assert all(p.sheet == "Neighbourhoods" for p in flagged)
    assert report.ok


def test_sample_validates_clean():
    from devolve.io.read import find_problems

    report = find_problems(SAMPLE)
    assert report.ok, [str(p) for p in report.errors]
    assert {p.code for p in report.warnings} <= {
        ProblemCode.NEIGHBOURHOOD_TOO_LARGE,
        ProblemCode.DEFAULTS_IN_USE,
        ProblemCode.ASSESSORS_DISAGREE,
    }


def test_sample_flags_the_scores_its_assessors_should_discuss():
    from devolve.io.read import find_problems

    flagged = [p for p in find_problems(SAMPLE).warnings if p.code == ProblemCode.ASSESSORS_DISAGREE]
    assert [(p.sheet, p.column) for p in flagged] == [
        ("Activities", "resilience"), ("Activities", "partnership"), ("Activities", "partnership")]
    assert "ASC02 delivery" in flagged[0].message and "the plan uses the median" in flagged[0].message


def test_devolve_validate_accepts_the_sample(capsys):
    from devolve.cli import main

    assert main(["validate", str(SAMPLE)]) == 0


def test_script_writes_the_same_assessment_every_time(make_sample, sample, tmp_path, capsys):
    """Equal on reading back, not byte for byte: the workbook records when it was saved."""
    from devolve.io.read import read_assessment

    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert make_sample.main([str(first)]) == 0
    assert make_sample.main([str(second)]) == 0
    assert read_assessment(first)[0] == read_assessment(second)[0] == sample
    assert "fictional" in capsys.readouterr().out
    assert make_sample.main([]) == 2


def test_the_package_ships_the_committed_sample(sample_path):
    assert sample_path.read_bytes() == SAMPLE.read_bytes()
