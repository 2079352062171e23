"""The use cases the command line and the app stand on."""

import pytest

from devolve.core import Offer
from devolve.core.plan import PlanStatus
from devolve.core.problems import InvalidInput, ProblemCode
from devolve.io.read import read_assessment
from devolve.io.resources import rubric_file
from devolve.usecases import (
    QUICK_GAP,
    CannotPlan,
    plan_and_explain,
    plan_model,
    read_input,
    sample_assessment,
    try_weights,
    validate_file,
    write_blank_template,
    write_plan_workbook,
    write_problem_report,
)


def test_the_bundled_sample_reads_clean():
    sample, warnings = sample_assessment()
    assert len(sample.services) == 49 and warnings.ok


def test_a_scenario_file_overrides_the_workbook(sample_path, tmp_path):
    scenario = tmp_path / "uniform.toml"
    scenario.write_text('offer = "uniform"\nname = "One offer everywhere"\n', encoding="utf-8")
    assessment, _ = read_input(sample_path, scenario=scenario)
    assert (assessment.scenario.offer, assessment.scenario.name) == (Offer.UNIFORM, "One offer everywhere")
    bad = tmp_path / "bad.toml"
    bad.write_text('offer = "nope"\n', encoding="utf-8")
    with pytest.raises(InvalidInput) as exc:
        read_input(sample_path, scenario=bad)
    assert [(p.file, p.column) for p in exc.value.report.errors] == [("bad.toml", "offer")]


def test_plan_and_explain_reports_progress(sample_path):
    said = []
    assessment, _ = read_input(sample_path)
    plan = plan_and_explain(assessment, progress=said.append)
    assert plan.status in (PlanStatus.OPTIMAL, PlanStatus.WITHIN_GAP)
    assert plan.decisions and plan.alternatives and plan.price_of_uniformity is not None
    assert said == ["Building model…", "Solving…", "Reading the plan…", "Explaining the plan…"]


def test_trying_other_weights_keeps_the_plan_unless_a_better_one_is_found(sample):
    from devolve.core.terms import Benefit
    from devolve.optimise.check import check_plan
    from devolve.optimise.solve import solve

    model = plan_model(sample)
    kept = solve(model)
    decisions = lambda plan: {(x.activity_id, x.neighbourhood_id, x.configuration) for x in plan.decisions}  # noqa: E731
    same = try_weights(model, sample.scenario.weights, kept)
    assert decisions(same) == decisions(kept) and same.gap <= QUICK_GAP

    weights = {b: 0.5 if b == Benefit.VOLUNTEER_TIME else w for b, w in sample.scenario.weights.items()}
    moved = try_weights(model, weights, kept)
    changed = model.with_weights(weights)
    assert moved.status in (PlanStatus.OPTIMAL, PlanStatus.WITHIN_GAP) and moved.gap <= QUICK_GAP
    assert decisions(moved) != decisions(kept)  # far more weight on volunteer time moves the plan
    assert check_plan(changed.assessment, moved) == []


def test_the_problem_report_is_a_csv_table(make_workbook, tmp_path):
    bad = make_workbook({"Services": [["service_id"], ["S1"]]})
    out = tmp_path / "problems.csv"
    write_problem_report(validate_file(bad), out)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "severity,file,sheet,row,column,value,expected,message,code"
    assert len(lines) > 1 and all(line.startswith(("error,", "warning,")) for line in lines[1:])


def test_no_neighbourhood_means_nothing_to_plan(make_workbook, services_rows):
    assessment, warnings = read_input(make_workbook({"Services": services_rows}))
    assert ProblemCode.SHEET_MISSING in {p.code for p in warnings.warnings}
    with pytest.raises(CannotPlan):
        plan_and_explain(assessment)


def test_the_plan_workbook_loads_again_as_the_same_assessment(sample_path, tmp_path):
    assessment, _ = read_input(sample_path)
    plan = plan_and_explain(assessment, price_of_uniformity=False)
    out = tmp_path / "plan.xlsx"
    write_plan_workbook(assessment, plan, out)
    assert read_assessment(out)[0] == assessment


def test_validate_and_template_take_a_rubric(tmp_path):
    tailored = rubric_file("tailored-example.toml")
    out = tmp_path / "blank.xlsx"
    write_blank_template(out)
    report = validate_file(out, rubric=tailored)
    assert report.ok is False and {p.code for p in report.errors} == {ProblemCode.SHEET_EMPTY}
