"""Each scenario setting is declared once, on its field; the settings table is made from that."""

from devolve.core import Benefit, Kind, Offer, Scenario, SolverName
from devolve.core.scenario import SETTING_KEYS, SETTINGS, SETTINGS_BY_KEY, settings_of, template_values


def test_every_field_but_extra_is_a_setting_in_declaration_order():
    fields = [f for f in Scenario.model_fields if f != "extra"]
    expanded = [f"weight_{b.value}" if f == "weights" else f for f in fields for b in
                (Benefit if f == "weights" else [None])]
    assert list(SETTING_KEYS) == expanded
    assert all(s.meaning and s.default for s in SETTINGS)
    assert SETTINGS_BY_KEY["weight_outcomes"].meaning == (
        "Relative weight of the outcomes criterion (counted by residents reached) (weights need not add to 1).")
    assert "weight_unbundling" not in SETTINGS_BY_KEY


def test_choices_come_from_the_enums_and_the_rubric(rubric):
    assert SETTINGS_BY_KEY["offer"].choices(rubric) == tuple(o.value for o in Offer)
    assert SETTINGS_BY_KEY["solver"].choices(rubric) == tuple(s.value for s in SolverName)
    assert SETTINGS_BY_KEY["configurations"].choices(rubric) == tuple(c.key for c in rubric.configurations)
    assert SETTINGS_BY_KEY["consensus"].choices(rubric) == ("median", "mean")
    assert {s.key for s in SETTINGS if s.kind in (Kind.CHOICE, Kind.KEYS)} == {
        "offer", "solver", "configurations", "consensus"}


def test_rows_of_a_scenario_and_of_a_blank_template(rubric):
    scenario = Scenario(weights=rubric.default_weights(), transition_budget=1_000, contingency_reserve=500,
                        configurations=("citizen_coproduction", "councillor_forum"), extra={"owner": "Strategy"})
    rows = dict(settings_of(scenario))
    assert rows["configurations"] == "citizen_coproduction, councillor_forum"
    assert rows["offer"] == "differentiated" and rows["weight_outcomes"] == rubric.default_weights()[Benefit.OUTCOMES]
    assert rows["owner"] == "Strategy"
    blank = template_values(rubric)
    assert blank["transition_budget"] is None and blank["contingency_reserve"] is None  # scaled to the services
    assert blank["configurations"] is None and blank["name"] == "Base scenario"
    assert blank["time_limit_seconds"] == 60 and blank["running_cost_limit"] == 0
