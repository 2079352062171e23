"""Every validation rule: each bad input gives a problem naming file, sheet, row, column, the
value found and what was expected, and every problem in a file is reported at once."""

from __future__ import annotations

import pytest

from devolve.core import Benefit, Criterion, ScoreSource, Stage
from devolve.io.read import read_assessment, find_problems
from devolve.core.problems import InvalidInput, Problem, ProblemCode, ProblemReport, Severity

from devolve.io.columns import SERVICE_COLUMNS

SERVICE_HEADERS = tuple(c.key for c in SERVICE_COLUMNS)

ACTIVITY_HEADERS = ["service_id", "stage", "cost_share", "must_retain", "retain_reason", "assessor",
                    "outcomes", "unbundling", "partnership", "resilience", "rationale", "evidence"]


def only(report: ProblemReport, code: ProblemCode, severity: Severity = Severity.ERROR) -> Problem:
    found = [p for p in report.problems if p.code == code and p.severity == severity]
    assert len(found) == 1, [str(p) for p in report.problems]
    return found[0]


def located(p: Problem, sheet: str, row: int | None, column: str | None, value=None) -> None:
    assert (p.file, p.sheet, p.row, p.column) == ("input.xlsx", sheet, row, column), str(p)
    assert p.expected, str(p)
    if value is not None:
        assert p.value == value, str(p)


def activity(sid="ENV01", stage="delivery", share=None, retain=None, reason=None, assessor=None,
             scores=(None, None, None, None), rationale=None):
    return [sid, stage, share, retain, reason, assessor, *scores, rationale, None]


# --------------------------------------------------------------------------- the happy path


def test_a_valid_workbook_reads_with_forgiving_headers_and_values(make_workbook, rubric):
    path = make_workbook({
        "services": [
            ["Service ID", "Name", "Directorate", "Service type", "Annual Budget (£)", "Statutory?",
             "Outcomes", "LGSL"],
            ["ENV01", "Parks", "Place", "Infrastructure heavy", "£2,000,000", "Y", "Local environment", "1"],
            [None, None, None, None, None, None, None, None],
            ["ASC01", "Home care", "Adults", "PERSONAL", 9_500_000.0, True, None, None],
        ],
        "Neighborhoods": [
            ["Neighbourhood-ID", "name", "Population", "Share aged 65+ (%)", "Volunteer hours", "intermediaries"],
            ["N1", "Northfield", 11000, "21%", None, None],
        ],
        "activities": [ACTIVITY_HEADERS, activity(stage="Delivery", share="55%", scores=(4, 3, None, None))],
    })
    assessment, report = read_assessment(path, rubric)
    parks, care = assessment.services
    assert parks.annual_budget == 2_000_000 and parks.service_type.value == "infrastructure-heavy"
    assert parks.statutory and parks.outcomes == ("local_environment",) and parks.lgsl_id == 1
    assert care.statutory and care.service_type.value == "personal"
    hood = assessment.neighbourhoods[0]
    assert hood.share_aged_65_plus == pytest.approx(0.21) and hood.intermediaries == 0
    assert hood.volunteer_hours_source == ScoreSource.DEFAULT and hood.volunteer_hours > 0
    delivery = next(a for a in assessment.activities if a.activity_id == "ENV01:delivery")
    assert delivery.cost_share == pytest.approx(0.55)
    assert delivery.score(Criterion.OUTCOMES) == 4 and delivery.is_default(Criterion.PARTNERSHIP)
    assert report.ok and {p.code for p in report.problems} == {ProblemCode.DEFAULTS_IN_USE}


def test_unknown_sheets_are_ignored_so_plan_workbooks_load_again(make_workbook, services_rows, rubric):
    path = make_workbook({"README": [["hello"]], "Services": services_rows, "Plan": [["x"], ["=1+1"]]})
    assessment, _ = read_assessment(path, rubric)
    assert len(assessment.services) == 3


def test_without_a_scenario_sheet_the_defaults_apply(make_workbook, services_rows, rubric):
    assessment, _ = read_assessment(make_workbook({"Services": services_rows}), rubric)
    total = 2_000_000 + 9_500_000 + 400_000
    assert assessment.scenario.transition_budget == round(total * 0.01)
    assert assessment.scenario.weights == rubric.default_weights()


def test_read_assessment_raises_with_every_error_and_warning(make_workbook, services_rows, rubric):
    services_rows[1][4] = -5
    services_rows.append(["X1", "Extra", "Place", "transactional", 1, "no", "made_up_outcome", None])
    with pytest.raises(InvalidInput) as caught:
        read_assessment(make_workbook({"Services": services_rows}), rubric)
    codes = {(p.code, p.severity) for p in caught.value.report.problems}
    assert (ProblemCode.VALUE_RANGE, Severity.ERROR) in codes
    assert (ProblemCode.UNKNOWN_OUTCOME, Severity.WARNING) in codes
    assert (ProblemCode.SHEET_MISSING, Severity.WARNING) in codes  # no Neighbourhoods


# --------------------------------------------------------------------------- file and sheet level


def test_wrong_file_type(tmp_path, rubric):
    path = tmp_path / "inventory.pdf"
    path.write_bytes(b"%PDF-1.7 not a workbook")
    p = only(find_problems(path, rubric), ProblemCode.FILE_NOT_WORKBOOK)
    assert p.file == "inventory.pdf" and ".xlsx, .ods or .csv" in p.expected


def test_empty_file(tmp_path, rubric):
    path = tmp_path / "input.xlsx"
    path.write_bytes(b"")
    p = only(find_problems(path, rubric), ProblemCode.FILE_EMPTY)
    assert p.file == "input.xlsx" and "0 bytes" in p.message


def test_missing_services_sheet_names_the_sheets_found(make_workbook, rubric):
    path = make_workbook({"Sheet1": [["service_id"], ["A"]], "Neighbourhoods": [["neighbourhood_id"]]})
    p = only(find_problems(path, rubric), ProblemCode.SHEET_MISSING)
    located(p, "Services", None, None)
    assert "Sheet1" in p.message


def test_services_sheet_without_services(make_workbook, rubric):
    p = only(find_problems(make_workbook({"Services": [SERVICE_HEADERS]}), rubric), ProblemCode.SHEET_EMPTY)
    located(p, "Services", 2, None)


def test_missing_required_column(make_workbook, services_rows, rubric):
    rows = [r[:4] + r[5:] for r in services_rows]  # no annual_budget
    report = find_problems(make_workbook({"Services": rows}), rubric)
    p = only(report, ProblemCode.COLUMN_MISSING)
    located(p, "Services", 1, "annual_budget")
    assert "service_id, name" in p.message  # the headers it did find
    assert not [q for q in report.errors if q.code == ProblemCode.VALUE_MISSING]


def test_duplicate_column(make_workbook, services_rows, rubric):
    rows = [r + [r[4]] for r in services_rows]
    rows[0][-1] = "Budget"
    rows[0][4] = "budget (£)"
    p = only(find_problems(make_workbook({"Services": rows}), rubric), ProblemCode.COLUMN_DUPLICATE)
    located(p, "Services", 1, "Budget")
    assert "E and J" in p.message


def test_an_alias_beside_the_exact_header_is_just_another_column(make_workbook, services_rows, rubric):
    rows = [r + ["Parks team"] for r in services_rows]
    rows[0][-1] = "Service"  # an alias of name, but 'name' is there too
    assessment, report = read_assessment(make_workbook({"Services": rows}), rubric)
    assert assessment.services[0].extra == {"Service": "Parks team"}
    located(only(report, ProblemCode.UNKNOWN_COLUMN, Severity.WARNING), "Services", 1, "Service")


def test_a_blank_first_row_is_passed_over_with_a_note(make_workbook, services_rows, rubric):
    report = find_problems(make_workbook({"Services": [[None]] + services_rows}), rubric)
    assert report.ok
    located(only(report, ProblemCode.HEADER_ROW, Severity.NOTE), "Services", 2, None)


# --------------------------------------------------------------------------- cells


def test_missing_value(make_workbook, services_rows, rubric):
    services_rows[2][2] = "   "
    p = only(find_problems(make_workbook({"Services": services_rows}), rubric), ProblemCode.VALUE_MISSING)
    located(p, "Services", 3, "directorate")


def test_text_in_a_number(make_workbook, services_rows, rubric):
    services_rows[1][4] = "two million"
    p = only(find_problems(make_workbook({"Services": services_rows}), rubric), ProblemCode.VALUE_TYPE)
    located(p, "Services", 2, "annual_budget", "two million")
    assert "number" in p.expected


@pytest.mark.parametrize(
    "sheet, row, column, value, expected_words",
    [
        ("Services", 2, "annual_budget", -5, "0 or more"),
        ("Activities", 2, "resilience", 7, "from 0 to 4"),
        ("Activities", 2, "cost_share", 1.4, "from 0 to 1"),
        ("Neighbourhoods", 2, "share_aged_65_plus", 23, "0.23 or 23%"),
        ("Neighbourhoods", 2, "population", 0, "1 or more"),
        ("Services", 2, "lgsl_id", 0, "1 or more"),
    ],
)
def test_out_of_range(make_workbook, services_rows, neighbourhood_rows, rubric, sheet, row, column, value,
                      expected_words):
    sheets = {"Services": services_rows, "Neighbourhoods": neighbourhood_rows,
              "Activities": [ACTIVITY_HEADERS, activity()]}
    rows = sheets[sheet]
    rows[row - 1][rows[0].index(column)] = value
    p = only(find_problems(make_workbook(sheets), rubric), ProblemCode.VALUE_RANGE)
    located(p, sheet, row, column, value)
    assert expected_words in p.expected + p.message


def test_fractional_score_is_a_type_problem(make_workbook, services_rows, rubric):
    sheets = {"Services": services_rows,
              "Activities": [ACTIVITY_HEADERS, activity(scores=(2.5, None, None, None))]}
    located(only(find_problems(make_workbook(sheets), rubric), ProblemCode.VALUE_TYPE),
            "Activities", 2, "outcomes", 2.5)


def test_yes_no_accepts_the_usual_words_only(make_workbook, services_rows, rubric):
    services_rows[1][5] = "1"
    services_rows[2][5] = "FALSE"
    services_rows[3][5] = "maybe"
    p = only(find_problems(make_workbook({"Services": services_rows}), rubric), ProblemCode.VALUE_CHOICE)
    located(p, "Services", 4, "statutory", "maybe")


@pytest.mark.parametrize(
    "sheet, column, value, allowed",
    [
        ("Services", "service_type", "bespoke", "transactional, personal, infrastructure-heavy, regulatory"),
        ("Activities", "stage", "delivering", "governance, commissioning"),
    ],
)
def test_bad_choice_lists_the_allowed_values(make_workbook, services_rows, rubric, sheet, column, value,
                                             allowed):
    sheets = {"Services": services_rows, "Activities": [ACTIVITY_HEADERS, activity()]}
    sheets[sheet][1][sheets[sheet][0].index(column)] = value
    p = only(find_problems(make_workbook(sheets), rubric), ProblemCode.VALUE_CHOICE)
    located(p, sheet, 2, column, value)
    assert allowed in p.expected


@pytest.mark.parametrize(
    "setting, value, allowed",
    [
        ("offer", "patchwork", "differentiated, uniform"),
        ("solver", "gurobi", "highs, cbc"),
        ("configurations", "citizen_coproduction, parish_council", "third_sector_intermediary"),
    ],
)
def test_bad_scenario_choice_lists_the_allowed_values(make_workbook, services_rows, rubric, setting, value,
                                                      allowed):
    sheets = {"Services": services_rows,
              "Scenario": [["setting", "value", "notes"], ["name", "Test", None], [setting, value, None]]}
    p = only(find_problems(make_workbook(sheets), rubric), ProblemCode.VALUE_CHOICE)
    located(p, "Scenario", 3, "value", value)
    assert allowed in p.expected


def test_formula_without_a_saved_value_names_its_cell(make_workbook, services_rows, rubric):
    services_rows[1][4] = "=1000*2000"  # openpyxl saves formulas without a cached value
    report = find_problems(make_workbook({"Services": services_rows}), rubric)
    p = only(report, ProblemCode.FORMULA_UNSAVED)
    located(p, "Services", 2, "annual_budget")
    assert "cell E2 holds =1000*2000" in p.message and "save it" in p.expected
    assert not [q for q in report.problems if q.code == ProblemCode.VALUE_MISSING]


# --------------------------------------------------------------------------- ids and rows together


def test_duplicate_service_id_names_the_first_row(make_workbook, services_rows, rubric):
    services_rows[3][0] = "ENV01"
    p = only(find_problems(make_workbook({"Services": services_rows}), rubric), ProblemCode.ID_DUPLICATE)
    located(p, "Services", 4, "service_id", "ENV01")
    assert "row 2" in p.message


def test_duplicate_neighbourhood_id(make_workbook, services_rows, neighbourhood_rows, rubric):
    neighbourhood_rows[2][0] = "N1"
    p = only(find_problems(make_workbook({"Services": services_rows, "Neighbourhoods": neighbourhood_rows}),
                           rubric), ProblemCode.ID_DUPLICATE)
    located(p, "Neighbourhoods", 3, "neighbourhood_id", "N1")


def test_dangling_service_id_suggests_a_near_match(make_workbook, services_rows, rubric):
    sheets = {"Services": services_rows,
              "Activities": [ACTIVITY_HEADERS, activity(), activity(sid="env01"), activity(sid="HIGHWAYS")]}
    report = find_problems(make_workbook(sheets), rubric)
    dangling = [p for p in report.errors if p.code == ProblemCode.ID_DANGLING]
    assert [p.row for p in dangling] == [3, 4]
    located(dangling[0], "Activities", 3, "service_id", "env01")
    assert "did you mean 'ENV01'" in dangling[0].message


def test_a_broken_service_row_does_not_make_its_activities_dangle(make_workbook, services_rows, rubric):
    services_rows[1][4] = "lots"
    sheets = {"Services": services_rows, "Activities": [ACTIVITY_HEADERS, activity()]}
    assert [p.code for p in find_problems(make_workbook(sheets), rubric).errors] == [ProblemCode.VALUE_TYPE]


def test_cost_shares_above_the_whole_budget(make_workbook, services_rows, rubric):
    sheets = {"Services": services_rows,
              "Activities": [ACTIVITY_HEADERS, activity(share=0.7), activity(stage="management", share="40%")]}
    p = only(find_problems(make_workbook(sheets), rubric), ProblemCode.COST_SHARES)
    located(p, "Activities", 3, "cost_share", 1.1)
    assert "ENV01" in p.message and "rows 2, 3" in p.message


def test_all_nine_cost_shares_must_make_the_whole(make_workbook, services_rows, rubric):
    rows = [ACTIVITY_HEADERS] + [activity(stage=s.value, share=0.1) for s in Stage]
    p = only(find_problems(make_workbook({"Services": services_rows, "Activities": rows}), rubric),
             ProblemCode.COST_SHARES)
    located(p, "Activities", 10, "cost_share")
    assert "0.900" in p.message


def test_nine_shares_within_rounding_of_one_are_accepted(make_workbook, services_rows, rubric):
    shares = [0.11] * 8 + [0.123]  # 1.003
    rows = [ACTIVITY_HEADERS] + [activity(stage=s.value, share=v) for s, v in zip(Stage, shares)]
    assert find_problems(make_workbook({"Services": services_rows, "Activities": rows}), rubric).ok


def test_conflicting_rows_of_one_activity_name_both_rows(make_workbook, services_rows, rubric):
    rows = [ACTIVITY_HEADERS,
            activity(share=0.6, assessor="Ana", scores=(3, None, None, None)),
            activity(share=0.6, retain="yes", assessor="Ben", scores=(2, None, None, None)),
            activity(share=0.5, retain="no", assessor="Cy")]
    report = find_problems(make_workbook({"Services": services_rows, "Activities": rows}), rubric)
    conflicts = [p for p in report.errors if p.code == ProblemCode.CONFLICT]
    assert [(p.row, p.column) for p in conflicts] == [(4, "cost_share"), (4, "must_retain")]
    assert "row 2" in conflicts[0].message and "row 3" in conflicts[1].message
    located(conflicts[0], "Activities", 4, "cost_share", 0.5)


def test_one_row_per_assessor_for_each_activity(make_workbook, services_rows, rubric):
    rows = [ACTIVITY_HEADERS, activity(assessor="Ana", scores=(3, None, None, None)),
            activity(assessor="Ana", scores=(1, None, None, None)), activity(stage="design"),
            activity(stage="design")]
    report = find_problems(make_workbook({"Services": services_rows, "Activities": rows}), rubric)
    dupes = [p for p in report.errors if p.code == ProblemCode.ID_DUPLICATE]
    assert [(p.row, p.value) for p in dupes] == [(3, "Ana"), (5, None)]
    assert "row 2" in dupes[0].message and "no assessor" in dupes[1].message


# --------------------------------------------------------------------------- scenario


def test_scenario_weights_all_zero(make_workbook, services_rows, rubric):
    rows = [["setting", "value"]] + [[f"weight_{b.value}", 0] for b in Benefit]
    p = only(find_problems(make_workbook({"Services": services_rows, "Scenario": rows}), rubric),
             ProblemCode.SCENARIO)
    located(p, "Scenario", 5, "value")
    assert "zero" in p.message


def test_scenario_settings_apply_over_defaults(make_workbook, services_rows, rubric):
    rows = [["Setting", "Value", "Notes"], ["Transition budget (£)", "£50,000", "agreed at SMT"],
            ["capacity_use", "50%", None], ["configurations", "All", None], ["offer", "Uniform", None],
            ["relative_gap", None, "left blank: default"], [None, None, "a note on its own"],
            ["sponsor", "Cllr Patel", None]]
    assessment, report = read_assessment(make_workbook({"Services": services_rows, "Scenario": rows}), rubric)
    sc = assessment.scenario
    assert sc.transition_budget == 50_000 and sc.capacity_use == 0.5 and sc.configurations == ()
    assert sc.offer.value == "uniform" and sc.relative_gap == 0.005
    assert sc.extra == {"sponsor": "Cllr Patel"}
    located(only(report, ProblemCode.UNKNOWN_COLUMN, Severity.WARNING), "Scenario", 8, "Value", "sponsor")


@pytest.mark.parametrize(
    "setting, value, code",
    [
        ("weight_outcomes", -1, ProblemCode.VALUE_RANGE),
        ("time_limit_seconds", 0, ProblemCode.VALUE_RANGE),
        ("min_devolved_per_neighbourhood", 1.5, ProblemCode.VALUE_TYPE),
        ("contingency_reserve", "plenty", ProblemCode.VALUE_TYPE),
    ],
)
def test_bad_scenario_values(make_workbook, services_rows, rubric, setting, value, code):
    rows = [["setting", "value"], [setting, value]]
    p = only(find_problems(make_workbook({"Services": services_rows, "Scenario": rows}), rubric), code)
    located(p, "Scenario", 2, "value", value)
    assert setting in p.message


def test_a_setting_given_twice(make_workbook, services_rows, rubric):
    rows = [["setting", "value"], ["offer", "uniform"], ["Offer", "differentiated"]]
    p = only(find_problems(make_workbook({"Services": services_rows, "Scenario": rows}), rubric),
             ProblemCode.ID_DUPLICATE)
    located(p, "Scenario", 3, "value")
    assert "row 2" in p.expected


# --------------------------------------------------------------------------- warnings


def test_warnings_are_located_and_readable(make_workbook, services_rows, neighbourhood_rows, rubric):
    services_rows[0].append("Cost centre")
    for r in services_rows[1:]:
        r.append("C1")
    services_rows[2][6] = "be_healthy; happiness"
    neighbourhood_rows[1][2] = 250_000
    sheets = {"Services": services_rows, "Neighbourhoods": neighbourhood_rows,
              "Activities": [ACTIVITY_HEADERS, activity(scores=(3, 3, 3, 3))]}
    assessment, report = read_assessment(make_workbook(sheets), rubric)
    assert assessment.services[1].outcomes == ("be_healthy", "happiness")
    assert assessment.services[0].extra == {"Cost centre": "C1"}
    outcome = only(report, ProblemCode.UNKNOWN_OUTCOME, Severity.WARNING)
    located(outcome, "Services", 3, "outcomes", "happiness")
    assert "stay_safe" in outcome.expected
    large = only(report, ProblemCode.NEIGHBOURHOOD_TOO_LARGE, Severity.WARNING)
    located(large, "Neighbourhoods", 2, "population", 250_000)
    assert "larger than any place residents would call a neighbourhood" in large.message
    located(only(report, ProblemCode.UNKNOWN_COLUMN, Severity.WARNING), "Services", 1, "Cost centre")
    defaults = only(report, ProblemCode.DEFAULTS_IN_USE, Severity.WARNING)
    assert defaults.sheet == "Activities" and defaults.message.startswith("26 of 27 activities")
    assert "ASC01, REG01" in defaults.message


def test_missing_neighbourhoods_sheet_is_a_warning(make_workbook, services_rows, rubric):
    p = only(find_problems(make_workbook({"Services": services_rows}), rubric), ProblemCode.SHEET_MISSING,
             Severity.WARNING)
    assert p.sheet == "Neighbourhoods" and "optimiser needs" in p.message


# --------------------------------------------------------------------------- laziness and CSV


def test_every_problem_in_a_file_is_reported_at_once(make_workbook, services_rows, neighbourhood_rows, rubric):
    services_rows[1][4] = "lots"
    services_rows[2][3] = "bespoke"
    services_rows[3][0] = "ENV01"
    neighbourhood_rows[1][3] = 1.4
    rows = [ACTIVITY_HEADERS, activity(scores=(9, None, None, None)), activity(sid="NOPE")]
    scenario = [["setting", "value"], ["solver", "excel"]]
    report = find_problems(make_workbook({"Services": services_rows, "Neighbourhoods": neighbourhood_rows,
                                          "Activities": rows, "Scenario": scenario}), rubric)
    assert [(p.sheet, p.row, p.code) for p in report.errors] == [
        ("Services", 2, ProblemCode.VALUE_TYPE),
        ("Services", 3, ProblemCode.VALUE_CHOICE),
        ("Services", 4, ProblemCode.ID_DUPLICATE),
        ("Activities", 2, ProblemCode.VALUE_RANGE),
        ("Activities", 3, ProblemCode.ID_DANGLING),
        ("Neighbourhoods", 2, ProblemCode.VALUE_RANGE),
        ("Scenario", 2, ProblemCode.VALUE_CHOICE),
    ]
    for p in report.problems:
        assert p.file == "input.xlsx" and p.message and p.expected
        assert "validation error" not in p.message.lower() and "pydantic" not in p.message.lower()


def test_a_csv_is_read_as_the_services_sheet(tmp_path, rubric):
    path = tmp_path / "services.csv"
    path.write_bytes(
        "Service ID;Name;Directorate;Service type;Annual budget (£);Statutory\r\n"
        "ENV01;Parks;Place;infrastructure-heavy;£2,000,000;no\r\n"
        ";;;;;\r\n"
        "ASC01;Home care;Adults;personal;oops;yes\r\n".encode("cp1252")
    )
    report = find_problems(path, rubric)
    p = only(report, ProblemCode.VALUE_TYPE)
    assert (p.file, p.sheet, p.row, p.column, p.value) == ("services.csv", "Services", 4, "Annual budget (£)",
                                                          "oops")


def test_a_csv_reads_into_an_assessment(tmp_path, rubric):
    path = tmp_path / "services.csv"
    path.write_text("service_id,name,directorate,service_type,annual_budget\n"
                    "ENV01,\"Parks, gardens\",Place,infrastructure-heavy,2000000\n", encoding="utf-8-sig")
    assessment, _ = read_assessment(path, rubric, display_name="client list.csv")
    assert assessment.services[0].name == "Parks, gardens"
    assert len(assessment.activities) == 9


def test_display_name_is_what_problems_quote(make_workbook, rubric):
    path = make_workbook({"Sheet1": [["x"]]}, name="tmp123.xlsx")
    report = find_problems(path, rubric, display_name="Client A services.xlsx")
    assert {p.file for p in report.problems} == {"Client A services.xlsx"}


def test_a_tab_separated_csv_with_semicolon_lists(tmp_path, rubric):
    path = tmp_path / "services.csv"
    path.write_text("service_id\tname\tdirectorate\tservice_type\tannual_budget\toutcomes\n"
                    "ENV01\tParks; gardens\tPlace\tpersonal\t1\tbe_healthy; stay_safe\n", encoding="utf-8")
    service = read_assessment(path, rubric)[0].services[0]
    assert service.name == "Parks; gardens" and service.outcomes == ("be_healthy", "stay_safe")


def test_model_complaints_become_located_problems(rubric):
    """Checks the models make beyond the cell readers still arrive as plain, located problems."""
    from pydantic import ValidationError

    from devolve.core import Service
    from devolve.io.findings import Findings
    from devolve.io.grid import Table
    from devolve.io.sheets import Row, SheetReader

    table = Table("Services", tuple(["Service ID", "Annual budget (£)"]), ((7, ("S1", -1)),))
    found = Findings("input.xlsx")
    reader = SheetReader(table, rubric, found)
    row = Row(7, {}, {"annual_budget": -1}, {}, True)
    with pytest.raises(ValidationError) as caught:
        Service(service_id="S1", name="n", directorate="d", service_type="personal", annual_budget=-1)
    reader.pydantic(row, caught.value)
    problem = next(p for p in found.problems if p.row == 7)
    assert not row.ok
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("Services", 7, "Annual budget (£)", -1)
    assert problem.code == ProblemCode.VALUE_RANGE
    assert problem.message == "Input should be greater than or equal to 0"


def test_a_fault_in_devolve_after_the_sheets_are_read_is_not_blamed_on_the_file(sample_path, monkeypatch):
    from devolve.io import read

    def broken(*_args, **_kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(read, "assessment_from_tables", broken)
    with pytest.raises(InvalidInput) as caught:
        read.read_assessment(sample_path)
    (problem,) = caught.value.report.errors
    assert "a fault in devolve rather than in the file" in problem.message and "KeyError" in problem.message
