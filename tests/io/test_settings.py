"""Scenario defaults and scenario files."""

from __future__ import annotations

import pytest

from devolve.core import Benefit, Offer, Service, Severity
from devolve.core.problems import InvalidInput, ProblemCode
from devolve.assess.assemble import default_scenario
from devolve.core.scenario import settings_of, template_values
from devolve.io.settings import GivenSetting, apply_settings
from devolve.io.toml import load_scenario_toml


@pytest.fixture()
def services():
    return [Service(service_id=f"S{i}", name="s", directorate="d", service_type="personal", annual_budget=b)
            for i, b in enumerate((10_000_000, 2_500_000))]


def test_defaults_scale_with_the_council(rubric, services):
    sc = default_scenario(rubric, services)
    assert sc.transition_budget == 125_000 and sc.contingency_reserve == 62_500
    assert sc.running_cost_limit == 0 and sc.capacity_use == 1
    assert sc.weights == rubric.default_weights() and sc.offer == Offer.DIFFERENTIATED
    assert (sc.solver.value, sc.time_limit_seconds, sc.relative_gap) == ("highs", 60, 0.005)


def test_template_values_match_the_defaults(rubric, services):
    sc = default_scenario(rubric, services)
    shown = template_values(rubric)
    for key, value in settings_of(sc):
        if key not in ("transition_budget", "contingency_reserve", "configurations"):
            assert shown[key] == value, key


def test_a_scenario_file_overrides_the_base(rubric, services, tmp_path):
    path = tmp_path / "pilot.toml"
    path.write_text('name = "Pilot"\nrunning_cost_limit = -50000\ncapacity_use = "50%"\n'
                    'configurations = ["citizen_coproduction", "Councillor forum"]\n'
                    "[weights]\noutcomes = 0.5\nresilience = 0\n", encoding="utf-8")
    base = default_scenario(rubric, services)
    sc = load_scenario_toml(path, rubric, base)
    assert sc.name == "Pilot" and sc.running_cost_limit == -50_000 and sc.capacity_use == 0.5
    assert sc.configurations == ("citizen_coproduction", "councillor_forum")
    assert sc.weights[Benefit.OUTCOMES] == 0.5 and sc.weights[Benefit.RESILIENCE] == 0
    assert sc.weights[Benefit.PARTNERSHIP] == base.weights[Benefit.PARTNERSHIP]
    assert sc.transition_budget == base.transition_budget


def test_every_problem_in_a_scenario_file_names_the_file_and_key(rubric, services, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('transition_budgte = 5\noffer = "patchwork"\ntime_limit_seconds = -1\n'
                    "[weights]\nkindness = 1\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_scenario_toml(path, rubric, default_scenario(rubric, services))
    problems = caught.value.report.errors
    assert [(p.file, p.column, p.code) for p in problems] == [
        ("bad.toml", "transition_budgte", ProblemCode.SCENARIO),
        ("bad.toml", "offer", ProblemCode.VALUE_CHOICE),
        ("bad.toml", "time_limit_seconds", ProblemCode.VALUE_RANGE),
        ("bad.toml", "weights.kindness", ProblemCode.SCENARIO),
    ]
    assert "transition_budget" in problems[0].expected


@pytest.mark.parametrize("text, words", [
    ("not = [toml", "not valid TOML"),
    ("[weights]\noutcomes = 0\nvolunteer_time = 0\npartnership = 0\nresilience = 0\n", "every criterion weight is zero"),
    ("solver = { name = 'highs' }\n", "holds a table or list"),
])
def test_unusable_scenario_files(rubric, services, tmp_path, text, words):
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_scenario_toml(path, rubric, default_scenario(rubric, services))
    assert words in str(caught.value.report.errors[0].message)
    assert caught.value.report.errors[0].file == "s.toml"


def test_a_missing_scenario_file(rubric, services, tmp_path):
    with pytest.raises(InvalidInput, match="not found"):
        load_scenario_toml(tmp_path / "none.toml", rubric, default_scenario(rubric, services))


def test_a_retired_weight_is_ignored_with_its_reason(rubric, services, tmp_path):
    path = tmp_path / "old.toml"
    path.write_text("[weights]\nunbundling = 0.3\noutcomes = 0.6\n", encoding="utf-8")
    base = default_scenario(rubric, services)
    sc = load_scenario_toml(path, rubric, base)
    assert sc.weights[Benefit.OUTCOMES] == 0.6 and set(sc.weights) == set(Benefit)
    _, problems = apply_settings(rubric, base, [GivenSetting("Weight unbundling", 0.3, sheet="Scenario", row=4)])
    assert [p.severity for p in problems] == [Severity.WARNING]
    assert "chance an activity can work locally" in problems[0].message and problems[0].row == 4
