"""The Priorities sheet: residents' own weights and service priorities, read, located when wrong,
written back unchanged; and what they do to an option's value."""

from __future__ import annotations

import numpy as np
import pytest

from devolve.core import Benefit, Priorities, Severity
from devolve.core.problems import InvalidInput, ProblemCode
from devolve.io.read import find_problems, read_assessment
from devolve.io.write import write_workbook
from devolve.optimise.options import option_arrays

HEADERS = ["Neighbourhood ID", "Priority", "Weight", "Source"]


def sheets(services_rows, neighbourhood_rows, *rows):
    return {"Services": services_rows, "Neighbourhoods": neighbourhood_rows, "Priorities": [HEADERS, *rows]}


def test_priorities_read_by_benefit_label_or_service_id(make_workbook, services_rows, neighbourhood_rows, rubric):
    path = make_workbook(sheets(
        services_rows, neighbourhood_rows,
        ["N1", "Outcomes", 3, "Northfield forum, March 2026"],
        ["N1", "volunteer time", 1, "Northfield forum, March 2026"],
        ["N1", "asc01", 5, "Residents' survey 2026"],
        ["N2", "ENV01", 2, None],
    ))
    assessment, report = read_assessment(path, rubric)
    north, south = assessment.priorities
    assert north == Priorities(neighbourhood_id="N1", source="Northfield forum, March 2026; Residents' survey 2026",
                               weights={Benefit.OUTCOMES: 3, Benefit.VOLUNTEER_TIME: 1}, services={"ASC01": 5})
    assert (south.weights, south.services, south.source) == ({}, {"ENV01": 2}, None)
    assert not report.errors


def test_a_workbook_with_priorities_round_trips(make_workbook, services_rows, neighbourhood_rows, rubric, tmp_path):
    path = make_workbook(sheets(services_rows, neighbourhood_rows, ["N1", "resilience", 2, "Ward forum"],
                               ["N1", "REG01", 4, "Ward forum"], ["N2", "outcomes", 1, "Survey"]))
    first, _ = read_assessment(path, rubric)
    write_workbook(first, tmp_path / "again.xlsx")
    again, _ = read_assessment(tmp_path / "again.xlsx", rubric)
    assert again == first and len(again.priorities) == 2


@pytest.mark.parametrize("row, column, code, words", [
    (["N9", "outcomes", 1, None], "Neighbourhood ID", ProblemCode.ID_DANGLING, "no neighbourhood with id 'N9'"),
    (["N1", "happiness", 1, None], "Priority", ProblemCode.ID_DANGLING, "neither a benefit nor a service"),
    (["N1", "ENV01", 0, None], "Weight", ProblemCode.VALUE_RANGE, "must be above 0"),
    (["N1", "outcomes", -1, None], "Weight", ProblemCode.VALUE_RANGE, "at least 0"),
    (["N1", "outcomes", "lots", None], "Weight", ProblemCode.VALUE_TYPE, None),
    (["N1", None, 1, None], "Priority", ProblemCode.VALUE_MISSING, None),
])
def test_each_bad_priority_is_located(make_workbook, services_rows, neighbourhood_rows, rubric, row, column, code,
                                      words):
    path = make_workbook(sheets(services_rows, neighbourhood_rows, ["N2", "outcomes", 2, None], row))
    (p,) = [p for p in find_problems(path, rubric).problems if p.severity == Severity.ERROR]
    assert (p.file, p.sheet, p.row, p.column, p.code) == ("input.xlsx", "Priorities", 3, column, code), str(p)
    assert p.expected
    if words:
        assert words in p.message


def test_a_priority_stated_twice_and_all_zero_weights(make_workbook, services_rows, neighbourhood_rows, rubric):
    path = make_workbook(sheets(services_rows, neighbourhood_rows, ["N1", "outcomes", 0, None],
                               ["N1", "Outcomes", 0, None], ["N1", "resilience", 0, None]))
    with pytest.raises(InvalidInput) as caught:
        read_assessment(path, rubric)
    found = caught.value.report.errors
    assert [(p.row, p.code) for p in found if p.row] == [(3, ProblemCode.ID_DUPLICATE)]
    assert any("N1's residents state is 0" in p.message for p in found)


def test_residents_weights_are_blended_by_the_residents_share(rubric, make_workbook, services_rows,
                                                               neighbourhood_rows):
    path = make_workbook(sheets(services_rows, neighbourhood_rows, ["N1", "resilience", 1, "Forum"]))
    assessment, _ = read_assessment(path, rubric)
    arr = option_arrays(assessment)
    council = np.array([assessment.scenario.weights[b] for b in Benefit])
    council = council / council.sum()
    # N1's residents weigh resilience alone; at the rubric's share of one half, N1 weighs half the
    # council's weights and half resilience; N2 states nothing and keeps the council's.
    blended = arr.weights_by_neighbourhood(assessment.scenario)
    assert blended[0] == pytest.approx(0.5 * council + 0.5 * np.array([0, 0, 1, 0]))
    assert blended[1] == pytest.approx(council)
    none = arr.weights_by_neighbourhood(assessment.scenario.replace(residents_share=0))
    assert none[0] == pytest.approx(council)


def test_service_priorities_re_rank_services_without_changing_the_area_total(rubric, make_workbook, services_rows,
                                                                             neighbourhood_rows):
    # N1 wants home care (ASC01) three times as much as parks (ENV01); licensing unlisted counts 2
    path = make_workbook(sheets(services_rows, neighbourhood_rows, ["N1", "ASC01", 3, None], ["N1", "ENV01", 1, None]))
    assessment, _ = read_assessment(path, rubric)
    arr = option_arrays(assessment)
    n1 = arr.n == 0
    by_service = {arr.service_ids[a]: p for a, p in zip(arr.a[n1], arr.service_priority[n1])}
    assert by_service["ASC01"] == pytest.approx(3 * by_service["ENV01"])
    assert by_service["REG01"] == pytest.approx(2 * by_service["ENV01"])
    assert (arr.service_priority[~n1] == 1).all()


def test_priorities_for_services_when_the_services_sheet_cannot_be_read(make_workbook, services_rows,
                                                                       neighbourhood_rows, rubric):
    """Without the service_id column no service can be checked; the one located problem is the missing
    column, not 'stated twice' for every service priority nor a validation error naming None."""
    no_ids = [row[1:] for row in services_rows]
    path = make_workbook(sheets(no_ids, neighbourhood_rows, ["N1", "ASC01", 5, None], ["N1", "ENV01", 2, None],
                               ["N1", "outcomes", 1, None]))
    report = find_problems(path, rubric)
    assert [(p.sheet, p.column) for p in report.errors] == [("Services", "service_id")]
