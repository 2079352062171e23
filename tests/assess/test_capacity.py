"""Capacity: volunteer hours estimated from population and age profile when not given."""

import pytest

from devolve.assess.capacity import default_volunteer_hours, neighbourhood
from devolve.core import ScoreSource


def test_capacity_rises_with_age_profile(rubric):
    young = default_volunteer_hours(rubric, 10_000, 0.10)
    old = default_volunteer_hours(rubric, 10_000, 0.30)
    assert old > young
    cap = rubric.capacity
    assert young == pytest.approx(
        10_000 * (0.9 * cap.participation_under_65 + 0.1 * cap.participation_65_plus) * cap.hours_per_volunteer)


def test_given_hours_are_kept_and_missing_ones_estimated_and_marked(rubric):
    given = neighbourhood(rubric, neighbourhood_id="N1", name="Northfield", population=8_000,
                          share_aged_65_plus=0.2, volunteer_hours=1_500.0)
    assert (given.volunteer_hours, given.volunteer_hours_source) == (1_500.0, ScoreSource.ASSESSED)
    estimated = neighbourhood(rubric, neighbourhood_id="N2", name="Southmead", population=8_000,
                              share_aged_65_plus=0.2)
    assert estimated.volunteer_hours == default_volunteer_hours(rubric, 8_000, 0.2)
    assert estimated.volunteer_hours_source == ScoreSource.DEFAULT


def test_a_district_too_large_to_be_a_neighbourhood(rubric):
    largest = rubric.capacity.max_neighbourhood_population
    assert not rubric.capacity.too_large(largest) and rubric.capacity.too_large(largest + 1)
