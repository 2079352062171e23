"""Councils compared: services matched by LGSL id (else by name), a plan's figures as the plan
itself counts them, and every workbook accounted for, planned or not."""

from __future__ import annotations

import pytest

from devolve.core.comparison import (
    CouncilFigures,
    CouncilResult,
    Outcome,
    ServiceFigures,
    compare_councils,
    council_figures,
    council_names,
    service_key,
)
from devolve.core.plan import PlanStatus
from devolve.core.problems import Problem, ProblemCode, ProblemReport, Severity
from devolve.core.terms import Stage


def service(name: str, lgsl: int | None = None, stages: dict[Stage, int] | None = None, budget: float = 100_000,
            spend: float = 0.0) -> ServiceFigures:
    return ServiceFigures(key=service_key(lgsl, name), lgsl_id=lgsl, name=name, annual_budget=budget,
                          stages=stages or {}, spend_devolved=spend, decisions=sum((stages or {}).values()))


def planned(council: str, *services: ServiceFigures, status: PlanStatus = PlanStatus.OPTIMAL) -> CouncilResult:
    figures = CouncilFigures(
        scenario="s", status=status, method="m", solver="HiGHS", value=1.0, best_bound=1.0, gap=0.0,
        services=len(services), neighbourhoods=4, budget=sum(s.annual_budget for s in services),
        decisions=sum(s.decisions for s in services), activities_devolved=0, services_devolved=0,
        neighbourhoods_reached=0, partnerships=0, spend_devolved=sum(s.spend_devolved for s in services),
        one_off_cost=0.0, running_change=0.0, contingency=0.0, residents_reached=0, volunteer_hours=0.0,
        volunteer_value=0.0, binding=(), by_service=services, seconds=1.0)
    return CouncilResult(council=council, file=f"{council}.xlsx", figures=figures)


def test_a_service_is_keyed_by_its_lgsl_id_else_by_its_name_without_case_or_spacing():
    assert service_key(58, "Parks") == service_key(58, "Parks and open spaces") == ("lgsl", 58)
    assert service_key(None, "  Parks  and Open spaces") == service_key(None, "parks and open spaces")
    assert service_key(None, "Parks") != service_key(58, "Parks")


def test_services_are_matched_across_councils_by_lgsl_id_then_name():
    calder = planned("Calder", service("Libraries", 90, {Stage.DELIVERY: 2}), service("Youth clubs"))
    holme = planned("Holme", service("Library service", 90), service("youth  clubs", stages={Stage.DESIGN: 1}),
                    service("Allotments", 12))
    comparison = compare_councils([calder, holme])
    assert [(s.lgsl_id, s.name) for s in comparison.services] == [(12, "Allotments"), (90, "Libraries"),
                                                                  (None, "Youth clubs")]
    libraries = comparison.services[1]
    assert libraries.names == ("Libraries", "Library service")  # on a tie, the first council's name heads
    assert list(libraries.by_council) == ["Calder", "Holme"]
    assert libraries.councils_devolving == 1 and libraries.stage_councils(Stage.DELIVERY) == ("Calder",)
    youth = comparison.services[2]
    assert youth.stage_councils(Stage.DESIGN) == ("Holme",) and len(youth.by_council) == 2


def test_every_workbook_is_kept_whatever_became_of_it():
    bad = Problem(ProblemCode.VALUE_MISSING, "a value is needed here", file="bad.xlsx", sheet="Services", row=3,
                  column="annual_budget")
    warning = Problem(ProblemCode.DEFAULTS_IN_USE, "defaults", severity=Severity.WARNING)
    broken = CouncilResult(council="bad", file="bad.xlsx", problems=ProblemReport.of([bad, warning]))
    stuck = CouncilResult(council="stuck", file="stuck.xlsx", problems=ProblemReport.of([warning]),
                          why_no_plan=("it has no Neighbourhoods sheet",))
    infeasible = planned("tight", service("Parks"), status=PlanStatus.INFEASIBLE)
    good = planned("good", service("Parks", stages={Stage.DELIVERY: 1}))
    comparison = compare_councils([broken, stuck, infeasible, good])
    assert [r.outcome for r in comparison.results] == [Outcome.BROKEN, Outcome.NO_PLAN, Outcome.NO_PLAN,
                                                       Outcome.PLANNED]
    assert comparison.counted(Outcome.NO_PLAN) == 2 and [r.council for r in comparison.planned] == ["good"]
    # only planned councils' services are compared
    assert [list(s.by_council) for s in comparison.services] == [["good"]]


def test_councils_are_named_by_their_files_and_told_apart_when_stems_clash():
    assert council_names(["calder.xlsx", "holme.csv", "Calder.csv", "moss"]) == \
        ["calder.xlsx", "holme", "Calder.csv", "moss"]


@pytest.mark.slow
def test_a_councils_figures_are_its_plans_own(rubric):
    from devolve.testing import one_service_council
    from devolve.usecases import plan_and_explain

    assessment = one_service_council(rubric, {Stage.DESIGN: 4, Stage.DELIVERY: 3},
                                     hoods=(("N1", 10_000, 5_000.0), ("N2", 8_000, 4_000.0)))
    services = tuple(s.replace(lgsl_id=58) for s in assessment.services)
    assessment = assessment.replace(services=services)
    plan = plan_and_explain(assessment, price_of_uniformity=False)
    assert plan.decisions
    f = council_figures(assessment, plan)
    assert (f.decisions, f.status, f.value, f.gap) == (len(plan.decisions), plan.status, plan.objective, plan.gap)
    assert f.spend_devolved == pytest.approx(sum(x.annual_cost for x in plan.decisions))
    assert f.one_off_cost == pytest.approx(plan.one_off_cost())
    assert f.residents_reached == plan.residents_reached()
    assert f.volunteer_hours == pytest.approx(sum(x.volunteer_hours for x in plan.decisions))
    assert f.volunteer_value == pytest.approx(f.volunteer_hours * rubric.value.volunteer_hour_value)
    assert [b.family for b in f.binding] == [lim.family for lim in plan.limits if lim.binding]
    [only] = f.by_service
    assert only.key == ("lgsl", 58)
    assert only.stages == {st: len({x.neighbourhood_id for x in plan.decisions if x.stage == st})
                           for st in (Stage.DESIGN, Stage.DELIVERY) if any(x.stage == st for x in plan.decisions)}
    assert only.share_devolved == pytest.approx(f.spend_devolved / 100_000)
