"""The cabinet report's words: the spine of a UK cabinet paper, every figure read from the plan."""

from __future__ import annotations

from datetime import date

import pytest

from devolve.core.document import Bullets, Classification, Figure, Paragraph, ReportDetails, Table
from devolve.core.plan import Plan, PlanMethod, PlanStatus
from devolve.core.terms import Benefit, Offer
from devolve.present.report import cabinet_report, words_in
from devolve.present.words import money

SPINE = ["Summary", "Recommendations", "Background", "Options considered", "Preferred option and reasons",
         "Robustness", "The proposed plan", "Consultation", "Financial implications", "Workforce implications", "Legal implications", "Risk",
         "Equality and community impact", "Timetable for implementation"]


@pytest.fixture(scope="module")
def report(explained):
    assessment, plan = explained
    details = ReportDetails(meeting="Cabinet", meeting_date=date(2027, 1, 14), report_of="Director of Communities",
                            portfolio="Neighbourhoods", contact_officer="Jo Bloggs, 01234 567890")
    return cabinet_report(assessment, plan, details, sources=("sample_services.xlsx",))


def section(report, heading):
    return next(s for s in report.sections if s.heading == heading)


def text(sec) -> str:
    return " ".join(b.text if isinstance(b, Paragraph) else " ".join(b.items) for b in sec.blocks
                    if isinstance(b, (Paragraph, Bullets)))


def test_the_body_follows_a_cabinet_paper_s_spine_then_the_appendices(report):
    body = [s.heading for s in report.sections if s.numbered]
    assert body == SPINE
    appendices = [s.heading for s in report.sections if not s.numbered]
    assert [h.split(":")[0] for h in appendices[:-1]] == [f"Appendix {c}" for c in "ABCDEFG"]
    assert appendices[-1] == "Background papers"


def test_the_title_block_carries_the_meeting_and_a_reasoned_key_decision(report):
    block = dict(report.title_block)
    assert block["Meeting"] == "Cabinet, 14 January 2027"
    assert block["Report of"] == "Director of Communities" and block["Classification"] == "Public"
    assert block["Neighbourhoods (wards) affected"] == "All"
    assert block["Key decision"].startswith("Yes: £") and "£500,000" in block["Key decision"]


def test_recommendations_are_numbered_decisions_with_the_plan_s_own_figures(report, explained):
    _, plan = explained
    decisions = next(b for b in section(report, "Recommendations").blocks if isinstance(b, Bullets))
    assert decisions.numbered and len(decisions.items) == 5
    assert all(item.startswith("That Cabinet") for item in decisions.items)
    activities = len({x.activity_id for x in plan.decisions})
    assert f"{activities} activities" in decisions.items[0]
    assert money(plan.one_off_cost()) in decisions.items[1]
    assert money(sum(x.contingency for x in plan.decisions)) in decisions.items[1]
    assert f"{len(plan.partnerships)} partnership agreements" in decisions.items[3]


def test_the_summary_is_short_and_every_figure_in_it_is_the_plan_s(report, explained):
    _, plan = explained
    said = text(section(report, "Summary"))
    assert 120 <= len(said.split()) <= 200  # "about 150 words"
    for figure in (money(sum(x.annual_cost for x in plan.decisions)), f"{plan.residents_reached():,} residents",
                   f"{len(plan.partnerships)} partnerships", f"{plan.price_of_uniformity:,.1f} benefit units",
                   f"{sum(x.volunteer_hours for x in plan.decisions):,.0f} hours"):
        assert figure in said, figure


def test_options_are_do_nothing_a_uniform_offer_and_the_recommended_plan(report, explained):
    _, plan = explained
    table = next(b for b in section(report, "Options considered").blocks if isinstance(b, Table))
    rows = {row[0][:2]: row for row in table.rows}
    assert list(rows) == ["A.", "B.", "C."]
    assert rows["A."][1:] == ("0.0", "£0", "0", "£0", "0")
    uniform = plan.other_offer
    assert uniform is not None and uniform.offer == Offer.UNIFORM
    assert rows["B."][1:4] == (f"{uniform.value:,.1f}", money(uniform.annual_cost), f"{uniform.residents:,}")
    assert rows["C."][1:4] == (f"{plan.objective:,.1f}", money(sum(x.annual_cost for x in plan.decisions)),
                               f"{plan.residents_reached():,}")
    # the price of uniformity is the difference between C and B, in benefit units, £ and residents
    assert plan.price_of_uniformity == pytest.approx(plan.objective - uniform.value)
    words = text(section(report, "Options considered"))
    assert money(sum(x.annual_cost for x in plan.decisions) - uniform.annual_cost) in words
    assert f"{plan.residents_reached() - uniform.residents:,} residents reached (the price of uniformity)" in words


def test_the_implications_quote_costs_limits_duties_and_risks_from_the_plan(report, explained):
    assessment, plan = explained
    money_words = text(section(report, "Financial implications"))
    hours = sum(x.volunteer_hours for x in plan.decisions)
    rate = assessment.rubric.value.volunteer_hour_value
    assert money(hours * rate) in money_words and money(plan.one_off_cost()) in money_words
    limits = next(b for b in section(report, "Financial implications").blocks if isinstance(b, Table))
    assert [r[0] for r in limits.rows] == ["One-off transition cost", "Change in annual running cost",
                                           "Contingency reserve"]
    legal = text(section(report, "Legal implications"))
    assert f"{len(plan.retained)} activities stay with the council" in legal
    retained = next(b for b in section(report, "Appendix F: activities the council retains, and why").blocks
                    if isinstance(b, Table))
    assert len(retained.rows) == len(plan.retained) and all(row[2] for row in retained.rows)
    risks = next(b for b in section(report, "Appendix E: risk of failure and the last resort").blocks
                 if isinstance(b, Table))
    assert sum(int(r[5].strip("£").replace(",", "")) for r in risks.rows) == pytest.approx(
        sum(x.contingency for x in plan.decisions), abs=len(risks.rows))


def test_the_full_decision_table_accounts_for_every_decision(report, explained):
    _, plan = explained
    appendix = section(report, "Appendix G: every devolution decision")
    table = next(b for b in appendix.blocks if isinstance(b, Table))
    total = sum(int(r[4].strip("£").replace(",", "")) for r in table.rows)
    assert total == pytest.approx(sum(x.annual_cost for x in plan.decisions), abs=len(table.rows))
    neighbourhoods = sum(14 if r[3] == "all" else len(r[3].split(", ")) for r in table.rows)
    assert neighbourhoods == len(plan.decisions)


def test_every_chart_says_in_words_what_it_shows(report):
    figures = [b for s in report.sections for b in s.blocks if isinstance(b, Figure)]
    assert len(figures) == 2
    for figure in figures:
        assert figure.chart["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
        assert len(figure.alt_text.split()) >= 25 and figure.caption
    assert "neighbourhoods" in figures[0].alt_text and "Support for unpaid carers" in figures[0].alt_text


def test_an_exempt_report_names_its_paragraph_and_a_small_one_is_not_a_key_decision(explained):
    assessment, plan = explained
    one_place = plan.replace(decisions=plan.decisions[:1], partnerships=plan.partnerships[:1], bodies=())
    details = ReportDetails(classification=Classification.EXEMPT, exempt_paragraph="paragraph 3",
                            key_decision_threshold=10_000_000)
    block = dict(cabinet_report(assessment, one_place, details).title_block)
    assert block["Classification"] == "Exempt (paragraph 3)"
    assert block["Key decision"].startswith("No: ")


def test_a_scenario_that_cannot_be_met_has_no_report(explained):
    assessment, _ = explained
    none = Plan(scenario_name="x", method=PlanMethod.EXACT, solver="HiGHS", status=PlanStatus.INFEASIBLE,
                objective=None, best_bound=None, gap=None, build_seconds=0, solve_seconds=0, extract_seconds=0)
    with pytest.raises(ValueError, match="needs a plan"):
        cabinet_report(assessment, none)


def test_user_text_is_carried_as_text(explained):
    assessment, plan = explained
    hostile = '=HYPERLINK("http://x","y")'
    services = tuple(s.replace(name=hostile) if s.service_id == plan.decisions[0].service_id else s
                     for s in assessment.services)
    words = list(words_in(cabinet_report(assessment.replace(services=services), plan)))
    assert any(hostile in w for w in words)


def test_a_uniform_scenario_recommends_option_b_and_words_the_difference_by_its_sign(explained):
    from devolve.usecases import plan_and_explain

    sample, _ = explained
    uniform = sample.replace(scenario=sample.scenario.replace(offer=Offer.UNIFORM))
    plan = plan_and_explain(uniform)
    report = cabinet_report(uniform, plan)
    table = next(b for b in section(report, "Options considered").blocks if isinstance(b, Table))
    assert [r[0] for r in table.rows] == ["A. Do nothing: retain every activity",
                                          "B. The same offer in every neighbourhood (recommended)",
                                          "C. Offers differentiated by neighbourhood"]
    assert text(section(report, "Preferred option and reasons")).startswith("Option B is recommended.")
    given_up = [w for w in words_in(report) if "Holding every neighbourhood to one offer gives up" in w]
    assert given_up and not any("-" in w for w in given_up)  # no negative residents or £ given up


def test_a_plan_that_devolves_nothing_has_no_report(explained):
    assessment, plan = explained
    nothing = plan.replace(decisions=(), partnerships=(), bodies=())
    with pytest.raises(ValueError, match="devolves nothing"):
        cabinet_report(assessment, nothing)


def test_the_proposed_plan_counts_the_four_cos_and_leaves_the_chart_to_appendix_c(report, explained):
    from collections import Counter

    _, plan = explained
    assert not any(isinstance(b, Figure) for s in report.sections if s.numbered for b in s.blocks)
    said = text(section(report, "The proposed plan"))
    for co, n in Counter(x.stage.four_co for x in plan.decisions).items():
        assert f"{n:,} {co.lower()}" in said, co
    assert "Appendix C charts where each activity is devolved" in said
    appendix = next(s for s in report.sections if s.heading.startswith("Appendix C"))
    assert isinstance(appendix.blocks[0], Figure) and appendix.blocks[0].caption == "Where each activity is devolved"


def test_appendix_a_names_each_setting_as_an_officer_knows_it_not_by_its_key(report, explained):
    from devolve.core.scenario import SETTINGS_BY_KEY

    assessment, _ = explained
    sc = assessment.scenario
    appendix = section(report, "Appendix A: the scenario's assumptions")
    rows = {row[0]: row[1] for row in next(b for b in appendix.blocks if isinstance(b, Table)).rows}
    assert not set(rows) & set(SETTINGS_BY_KEY), set(rows) & set(SETTINGS_BY_KEY)
    assert rows["One-off transition budget"] == money(sc.transition_budget)
    assert rows["Contingency reserve"] == money(sc.contingency_reserve)
    assert rows["Change in annual running cost"] == money(sc.running_cost_limit)  # £, though it may be negative
    assert rows["Weight of outcomes"] == f"{sc.weights[Benefit.OUTCOMES]:g}"
    assert rows["Scenario name"] == sc.name


def test_a_report_without_robustness_says_it_was_not_tested(report):
    said = text(section(report, "Robustness"))
    assert "has not been tested against other weights or scores" in said
    assert not any(s.heading.startswith("Appendix H") for s in report.sections)


@pytest.fixture(scope="module")
def robust_report(explained):
    from devolve import usecases

    assessment, plan = explained
    found = usecases.robustness_for_report(assessment, plan, samples=25, workers=1)
    return found, cabinet_report(assessment, plan, robustness=found)


def test_the_robustness_section_gives_each_weight_s_range_and_the_samples_figures(robust_report):
    found, report = robust_report
    said = text(section(report, "Robustness"))
    for s in found.stability:
        assert f"{s.benefit.label.lower()} {s.low:.0%} to {s.high:.0%} ({s.weight:.0%} today)" in said
    a = found.acceptability
    assert f"made again {a.samples:,} times" in said
    assert f"Today's plan stood unchanged in {a.stands / a.samples:.0%}" in said
    core = sum(1 for d in a.planned if d.share >= 0.9)
    assert f"Of its {len(a.planned):,} decisions, {core:,} were chosen in at least 90%" in said
    assert f"±{a.margin * 100:.1f} percentage points" in said


def test_appendix_h_charts_the_stability_and_lists_what_changes_first(robust_report):
    found, report = robust_report
    appendix = section(report, "Appendix H: how sure the recommendation is")
    chart = next(b for b in appendix.blocks if isinstance(b, Figure))
    assert "today's plan stands" in chart.alt_text and chart.chart["description"] == chart.alt_text
    stable = next(b for b in appendix.blocks if isinstance(b, Table) and b.caption.startswith("The weights"))
    assert [row[0] for row in stable.rows] == [s.benefit.label for s in found.stability]
    moved = [s for s in found.stability if s.below or s.above]
    assert moved and any("→" in cell for row in stable.rows for cell in row[4:])
    contested = next(b for b in appendix.blocks if isinstance(b, Table) and b.caption.startswith("Contested"))
    assert all(row[-1].endswith(tuple("0123456789")) for row in contested.rows)


def test_the_robustness_section_says_what_more_money_would_buy(explained):
    from devolve.core.limits import Family
    from devolve.core.robustness import Frontier, FrontierPoint, Robustness

    assessment, plan = explained
    points = tuple(FrontierPoint(limit=v, found=True, value=y, bound=y, used=v, residents=0, decisions=1, annual_cost=0)
                   for v, y in ((0, 0.0), (100_000, 80.0), (200_000, 95.0), (300_000, 100.0)))
    front = Frontier(family=Family.TRANSITION_BUDGET, today=200_000, points=points, knee=1, seconds=1.0)
    report = cabinet_report(assessment, plan, robustness=Robustness(frontier=front))
    said = text(section(report, "Robustness"))
    assert ("the one-off transition budget set from £0 to £300,000, the plan is worth most, 100.0 benefit units, at "
            "£300,000; returns fall away beyond £100,000, which buys 80% of that. The proposed £200,000 buys 95.0") in said
    appendix = section(report, "Appendix H: how sure the recommendation is")
    assert [b.caption for b in appendix.blocks] == ["What more or less money would buy"]
