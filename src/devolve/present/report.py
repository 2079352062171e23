"""The cabinet report: a plan written the way UK councils write cabinet papers.

The spine is the one committee templates share (Maidstone's, Brighton & Hove's, Lambeth's
single template, Gloucester's guide): a title block, a short summary, numbered recommendations,
background, options considered with "do nothing" among them, the preferred option and why,
consultation, financial, legal, risk and equality implications, a timetable, appendices and
background papers. Every figure is read from the plan and the assessment it was made from; the
officer supplies only what no plan knows (the meeting, who presents it, the contact officer).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Sequence

from devolve.core.document import Bullets, Classification, Document, Figure, Paragraph, ReportDetails, Section, Table
from devolve.core.domain import Assessment, RetentionKind
from devolve.core.limits import CATALOGUE, Family
from devolve.core.plan import Fate, Plan
from devolve.core.robustness import CORE_SHARE, Band, Robustness, WeightDraw
from devolve.core.scenario import SETTINGS_BY_KEY, settings_of
from devolve.core.terms import BENEFITS, CRITERIA, FOUR_CO_ORDER, STAGES, Offer, ScoreSource, Stage
from devolve.present.checks import plan_checks
from devolve.present.words import VALUE_UNIT, count, figure, limit_set_by, money, retention_reason, setting_label

PHASES = (
    ("Months 1-3", "set up neighbourhood bodies (forums, intermediaries)"),
    ("Months 4-6", "agree the partnership agreements"),
    ("Months 7-12", "hand over activities: planning and design first, delivery last"),
    ("Month 12", "progress report to Cabinet"),
    ("Month 24", "review outcomes; decide what to extend or end"),
)
"""The order of implementation. The months are a planning assumption for officers to confirm;
what happens in each phase is counted from the plan."""


def cabinet_report(assessment: Assessment, plan: Plan, details: ReportDetails | None = None,
                   *, sources: Sequence[str] = (), robustness: Robustness | None = None) -> Document:
    """The report on ``plan``: the body (about five A4 sides) and appendices with the detail.
    ``sources`` names the background papers (the workbook, the rubric file); ``robustness`` is
    what is known of how sure the plan is (its section says so when nothing is)."""
    details = details or ReportDetails()
    if not plan.status.has_plan:
        raise ValueError("a cabinet report needs a plan: this scenario has none (see its diagnosis)")
    if not plan.decisions:
        raise ValueError("the plan devolves nothing, so there is no devolution to recommend (its Summary sheet "
                         "says why)")
    facts = _Facts(assessment, plan)
    body = [
        _summary(facts),
        _recommendations(facts, details),
        _background(facts),
        _options(facts),
        _preferred(facts),
        _robustness(facts, robustness or Robustness()),
        _proposed_plan(facts),
        _consultation(facts),
        _financial(facts),
        _workforce(facts),
        _legal(facts),
        _risk(facts),
        _equality(facts),
        _timetable(facts),
    ]
    appendices = [
        _appendix_assumptions(facts),
        _appendix_rubric(facts),
        _appendix_neighbourhoods(facts),
        _appendix_checks(facts),
        _appendix_risks(facts),
        _appendix_retained(facts),
        _appendix_decisions(facts),
        *([_appendix_robustness(facts, robustness)] if robustness is not None and robustness.tested else []),
        Section(heading="Background papers", numbered=False, blocks=(Bullets(items=tuple(
            list(sources) + [f"Rubric: {assessment.rubric.name}",
                             "docs/model.md in devolve: the mathematics of the plan"])),)),
    ]
    return Document(
        title="Devolving council services to neighbourhoods: the recommended plan",
        subtitle=plan.scenario_name,
        title_block=_title_block(facts, details),
        sections=tuple(body + appendices),
    )


class _Facts:
    """The plan's figures, counted once, for every section to quote."""

    def __init__(self, assessment: Assessment, plan: Plan):
        self.a, self.p = assessment, plan
        d = plan.decisions
        self.services = assessment.services_by_id()
        self.places = {h.neighbourhood_id: h.name for h in assessment.neighbourhoods}
        self.arrangements = {c.key: c for c in assessment.rubric.configurations}
        self.budget = sum(s.annual_budget for s in assessment.services)
        self.devolved = sum(x.annual_cost for x in d)
        self.activities = {x.key for x in d}
        self.devolved_services = {x.service_id for x in d}
        self.hoods = {x.neighbourhood_id for x in d}
        self.residents = plan.residents_reached()
        self.population = sum(h.population for h in assessment.neighbourhoods)
        self.one_off = plan.one_off_cost()
        self.running = sum(x.running_change for x in d)
        self.contingency = sum(x.contingency for x in d)
        self.hours = sum(x.volunteer_hours for x in d)
        self.hour_value = assessment.rubric.value.volunteer_hour_value
        self.fates = Counter(f.fate for f in plan.fates)
        self.offer = assessment.scenario.offer
        mine, other = plan.figures(self.offer), plan.other_offer
        self.uniform = mine if self.offer == Offer.UNIFORM else other
        self.differentiated = mine if self.offer == Offer.DIFFERENTIATED else other

    def limit(self, family: Family):
        return next((lim for lim in self.p.limits if lim.family == family and lim.neighbourhood_id is None), None)

    def share(self, part: float, whole: float) -> str:
        return f"{part / whole:.1%}" if whole else "0%"


def _title_block(f: _Facts, details: ReportDetails) -> tuple[tuple[str, str], ...]:
    key, why = _key_decision(f, details)
    wards = ("All" if len(f.hoods) == len(f.a.neighbourhoods)
             else ", ".join(sorted(f.places[h] for h in f.hoods)) or "None")
    classification = ("Public" if details.classification == Classification.PUBLIC
                      else f"Exempt ({details.exempt_paragraph or 'paragraph of Schedule 12A to be stated'})")
    rows = [
        ("Meeting", details.meeting + (f", {details.meeting_date.day} {details.meeting_date:%B %Y}" if details.meeting_date
                                     else " (date not stated)")),
        ("Report of", details.report_of or "Not stated"),
        ("Cabinet portfolio", details.portfolio or "Not stated"),
        ("Contact officer", details.contact_officer or "Not stated"),
        ("Neighbourhoods (wards) affected", wards),
        ("Key decision", f"{'Yes' if key else 'No'}: {why}"),
        ("Classification", classification),
    ]
    if details.version:
        rows.append(("Version of the assessment", details.version))
    return tuple(rows)


def _key_decision(f: _Facts, details: ReportDetails) -> tuple[bool, str]:
    """A key decision spends or saves more than the council's threshold, or significantly affects
    communities in two or more wards (Local Authorities (Executive Arrangements) (Meetings and
    Access to Information) (England) Regulations 2012, regulation 8)."""
    money_at_stake = max(f.devolved, f.one_off)
    if money_at_stake >= details.key_decision_threshold:
        return True, (f"{money(money_at_stake)} is above the key decision threshold of "
                      f"{money(details.key_decision_threshold)}")
    if len(f.hoods) >= 2:
        return True, f"it affects communities in {len(f.hoods)} neighbourhoods"
    return False, (f"{money(money_at_stake)} is below the threshold of {money(details.key_decision_threshold)} "
                   "and it affects at most one neighbourhood")


def _summary(f: _Facts) -> Section:
    p, a = f.p, f.a
    text = [
        (f"This report recommends devolving {count(len(f.activities), 'activity', 'activities')} of "
         f"{count(len(f.devolved_services), 'council service')} to {_of_neighbourhoods(f)}, through {count(len(p.partnerships), 'partnership')} with "
         f"residents and local organisations. {money(f.devolved)} a year of spending "
         f"({f.share(f.devolved, f.budget)} of the {money(f.budget)} a year the {len(a.services)} services in the inventory cost) would be managed "
         f"or delivered with neighbourhoods, reaching {f.residents:,} residents and asking {f.hours:,.0f} hours a "
         "year of volunteers' time."),
        (f"The change costs {money(f.one_off)} once to set up and {_running_words(f.running)}; a contingency reserve of {money(f.contingency)} covers stepping back in where an arrangement "
         f"fails. {count(len(p.retained), 'activity', 'activities')} stay with the council, statutory duties "
         "among them."),
        (f"The plan is {_proof(p)}. "
         + _uniform_words(f)),
    ]
    return Section(heading="Summary", blocks=tuple(Paragraph(text=t) for t in text))


def _of_neighbourhoods(f: _Facts) -> str:
    every = len(f.a.neighbourhoods)
    if len(f.hoods) == every:
        return f"all {every} neighbourhoods" if every > 1 else "the neighbourhood"
    return f"{len(f.hoods)} of the {every} neighbourhoods"


MATERIAL = 1_000.0
"""£ a year below which a change in running cost is reported as no change: the plan is cost-neutral
to within rounding, not making a saving."""


def _running_words(change: float) -> str:
    """A change in annual running cost in words; one below :data:`MATERIAL` is no change."""
    if abs(change) < MATERIAL:
        return "leaves running costs unchanged (within £1,000 a year)"
    return f"{'lowers' if change < 0 else 'raises'} running costs by {money(abs(change))} a year"


def _proof(p: Plan) -> str:
    if p.gap is None or p.gap <= 1e-9:
        return "proven the best possible under the scenario"
    return f"proven within {p.gap:.1%} of the best possible under the scenario"


def _uniform_words(f: _Facts) -> str:
    """What holding every neighbourhood to one offer gives up (or gains), each figure by its sign."""
    if f.uniform is None or f.differentiated is None:
        return "The two offers were not compared for this plan."
    d, u = f.differentiated, f.uniform
    parts = [f"{d.value - u.value:,.1f} {VALUE_UNIT} of value ({f.share(d.value - u.value, d.value)} of the "
             "differentiated plan's)"]
    for more, unit in ((d.annual_cost - u.annual_cost, "a year of devolved spending"),
                       (d.residents - u.residents, "residents reached")):
        amount = money(abs(more)) if "spending" in unit else f"{abs(more):,.0f}"
        parts.append(f"{amount} {unit}" if more >= 0 else f"(though it reaches {amount} more {unit.split()[0]})"
                     if "residents" in unit else f"(though it devolves {amount} more {unit.removeprefix('a year of ')} "
                     "a year)")
    gained = [p for p in parts if not p.startswith("(")]
    said = "Holding every neighbourhood to one offer gives up " + ", ".join(gained[:-1]) + \
        (" and " if len(gained) > 1 else "") + gained[-1]
    return said + "".join(f" {p}" for p in parts if p.startswith("(")) + " (the price of uniformity)."


def _recommendations(f: _Facts, details: ReportDetails) -> Section:
    p = f.p
    who = details.report_of or "the responsible chief officer"
    if not who.lower().startswith(("the ", "mr", "ms", "mrs", "dr")) and who[:1].isupper() and " of " in who:
        who = f"the {who}"  # "the Director of Communities"
    portfolio = f"the Cabinet Member for {details.portfolio}" if details.portfolio else "the portfolio holder"
    items = [
        (f"That Cabinet approves the devolution of the {count(len(f.activities), 'activity', 'activities')} set out "
         f"in Appendix G to the {len(f.hoods)} neighbourhoods and partnership arrangements shown there."),
        (f"That Cabinet approves one-off transition funding of {money(f.one_off)} and a contingency reserve of "
         f"{money(f.contingency)} against an arrangement failing."),
        (f"That Cabinet notes that {count(len(p.retained), 'activity', 'activities')} are retained by the council, "
         "including statutory duties, as set out in Appendix F."),
        (f"That Cabinet delegates to {who}, in consultation with {portfolio}, authority to agree the "
         f"{count(len(p.partnerships), 'partnership agreement')} within the funding in recommendation 2.2."),
        ("That Cabinet receives a progress report after twelve months, on spending, volunteer time and any "
         "arrangement that has failed, and a review of outcomes after two years."),
    ]
    return Section(heading="Recommendations", blocks=(Bullets(items=tuple(items), numbered=True),))


def _background(f: _Facts) -> Section:
    a = f.a
    text = [
        (f"The council's {count(len(a.services), 'service')} were each unbundled into the nine activities of "
         f"their value chain, from governance to assessment: {count(len(a.activities), 'activity', 'activities')}, "
         "each scored on an anchored rubric for the outcomes devolving it would bring, how far it can be "
         "separated from its service, the partnership arrangement suited to it and its resilience, by officers "
         "or from the rubric's defaults (see consultation)."),
        (f"Of every way of devolving these activities to the {len(a.neighbourhoods)} neighbourhoods under the "
         "arrangements on offer, optimisation found the one worth most to residents within the council's budgets "
         f"and volunteer capacity. Value is counted in {VALUE_UNIT}, weighing outcomes for residents reached, "
         "cost-effective partnership, resilience and volunteer time."),
    ]
    return Section(heading="Background", blocks=tuple(Paragraph(text=t) for t in text))


def _options(f: _Facts) -> Section:
    def row(label: str, o) -> tuple[str, ...]:
        return (label, f"{o.value:,.1f}", money(o.annual_cost), f"{o.residents:,}", money(o.one_off_cost),
                f"{o.volunteer_hours:,.0f}")

    rows = [("A. Do nothing: retain every activity", "0.0", money(0), "0", money(0), "0")]
    for letter, offer, figures, what in (("B", Offer.UNIFORM, f.uniform, "The same offer in every neighbourhood"),
                                         ("C", Offer.DIFFERENTIATED, f.differentiated,
                                          "Offers differentiated by neighbourhood")):
        if figures is not None:
            rows.append(row(f"{letter}. {what}" + (" (recommended)" if offer == f.offer else ""), figures))
    blocks: list = [
        Paragraph(text=(f"{_NUMBERS.get(len(rows), str(len(rows))).capitalize()} options were considered under "
                        "the same budgets and limits: doing nothing, and the best plan of each other kind.")),
        Table(caption="Options considered",
              headers=("Option", f"Value ({VALUE_UNIT})", "Devolved (£ a year)", "Residents reached",
                       "One-off cost (£)", "Volunteer hours a year"),
              rows=tuple(rows), numeric=(False, True, True, True, True, True)),
    ]
    if f.uniform is not None and f.differentiated is not None:
        blocks.append(Paragraph(text=(
            "The same offer everywhere is simpler to explain, but neighbourhoods differ in size, age profile, "
            "volunteer capacity and the organisations already working in them. " + _uniform_words(f))))
    return Section(heading="Options considered", blocks=tuple(blocks))


_NUMBERS = {2: "two", 3: "three"}


def _recommended_letter(f: _Facts) -> str:
    return "B" if f.offer == Offer.UNIFORM else "C"


def _preferred(f: _Facts) -> Section:
    checks = [c for c in plan_checks(f.a, f.p) if c.passed is not None]
    passed = sum(1 for c in checks if c.passed)
    letter = _recommended_letter(f)
    if f.offer == Offer.DIFFERENTIATED:
        why = "It is worth the most to residents within the council's limits"
    else:
        why = ("The scenario asks for one offer everywhere, and it is the best such plan; a differentiated plan "
               "(option C) would be worth more, as the options show, and members may wish to weigh that")
    unmet = [c for c in checks if not c.passed]
    met = f"all {len(checks)} of devolve's" if not unmet else f"{passed} of devolve's {len(checks)}"
    said = (f"Option {letter} is recommended. {why}, and it is {_proof(f.p)}. It meets {met} checks of a "
            "devolution plan (Appendix D)")
    said += "." if not unmet else "; it does not meet these: " + "; ".join(f"{c.question} ({c.answer})" for c in unmet)
    return Section(heading="Preferred option and reasons", blocks=(Paragraph(text=said),))


def _robustness(f: _Facts, r: Robustness) -> Section:
    if not r.tested:
        return Section(heading="Robustness", blocks=(Paragraph(text=(
            "The recommendation has not been tested against other weights or scores for this report. Members may "
            "wish to see that test before deciding.")),))
    text = []
    if r.stability:
        stands = "; ".join(f"{s.benefit.label.lower()} {s.low:.0%} to {s.high:.0%} ({s.weight:.0%} today)"
                           for s in r.stability)
        said = ("The recommendation was tested against changes in the weight given to each benefit, the others "
                f"moved in proportion. It stands while each weight, moved on its own, stays in its range: {stands}.")
        moved = [s for s in r.stability if s.room is not None]
        if moved:
            s = min(moved, key=lambda s: s.room)
            first = s.below if s.below and s.weight - s.low == s.room else s.above
            said += (f" It is most sensitive to {s.benefit.label.lower()}: a move of {s.room * 100:.0f} percentage "
                     f"points would first change {count(len(first), 'decision')} (Appendix H).")
        else:
            said += " No weight, moved on its own, changes the plan."
        text.append(said)
    a = r.acceptability
    if a is not None:
        drawn = "around those the council chose" if a.weights == WeightDraw.AROUND else "at random, every weighting alike"
        scores = ("each score drawn from its assessors' range, or a level either side of a default"
                  if a.scores else "the scores as assessed")
        planned = a.planned
        core = sum(1 for d in planned if d.band == Band.CORE)
        missed = (f" In {a.samples - a.plans:,} of them no plan was found in time; the shares are of the "
                  f"{a.plans:,} that found one." if a.plans < a.samples else "")
        text.append(
            f"The plan was also made again {a.samples:,} times, with the weights drawn {drawn} and {scores}.{missed} "
            f"Today's plan stood unchanged in {a.stands / max(a.samples, 1):.0%} of them; with so many decisions, "
            "a few changing is the rule, so what matters is how often each decision is chosen. Of its "
            f"{len(planned):,} decisions, {core:,} were chosen in at least {CORE_SHARE:.0%} of the samples (the "
            f"robust core) and {len(planned) - core:,} less often (contested); "
            f"{count(len(a.never), 'activity', 'activities')} that could be devolved never were. At this number of "
            f"samples each share is within ±{a.margin * 100:.1f} percentage points (95% confidence).")
    fr = r.frontier
    if fr is not None:
        text.append(_value_for_money(fr))
    return Section(heading="Robustness", blocks=tuple(Paragraph(text=t) for t in text))


def _value_for_money(fr) -> str:
    label = CATALOGUE[fr.family].label.lower()
    found = [p for p in fr.points if p.found]
    if not found:
        return f"No plan was found at any value of the {label} tested."
    best = max(found, key=lambda p: p.value or 0.0)
    said = (f"Value for money: planned again with the {label} set from {money(found[0].limit)} to "
            f"{money(found[-1].limit)}, the plan is worth most, {best.value:,.1f} {VALUE_UNIT}, at {money(best.limit)}")
    if fr.knee is not None:
        k = fr.points[fr.knee]
        said += (f"; returns fall away beyond {money(k.limit)}, which buys {(k.value or 0) / (best.value or 1):.0%} "
                 "of that")
    today = [p for p in found if abs(p.limit - fr.today) < 0.5]
    if today:
        said += f". The proposed {money(fr.today)} buys {today[0].value:,.1f}"
    elif fr.today > found[-1].limit:
        said += f". The proposed {money(fr.today)} is more than any plan uses"
    return said + " (Appendix H)."


def _appendix_robustness(f: _Facts, r: Robustness) -> Section:
    from devolve.present.charts import change_words, frontier_chart, frontier_words, stability_chart, stability_words

    blocks: list = []
    if r.stability:
        blocks.append(Figure(chart=stability_chart(r.stability).to_dict(), caption="How far each weight can move "
                             "before the plan changes", alt_text=stability_words(r.stability), width_cm=14.0))

        def first(changes) -> str:
            if not changes:
                return "none: the plan stands to the end"
            shown = "; ".join(change_words(c, f.a) for c in changes[:3])
            return shown + (f"; and {len(changes) - 3:,} more" if len(changes) > 3 else "")

        blocks.append(Table(
            caption="The weights at which the plan stands, and what changes first beyond them",
            headers=("Benefit", "Today", "Stands from", "Stands to", "First to change below", "First to change above"),
            rows=tuple((s.benefit.label, f"{s.weight:.0%}", f"{s.low:.0%}", f"{s.high:.0%}", first(s.below),
                        first(s.above)) for s in r.stability),
            numeric=(False, True, True, True, False, False)))
    a = r.acceptability
    if a is not None:
        contested = sorted((d for d in a.decisions if d.band == Band.CONTESTED),
                           key=lambda d: (d.planned is None, -d.share))
        names = {s.service_id: s.name for s in f.a.services}
        blocks.append(Table(
            caption=f"Contested decisions: chosen in fewer than {CORE_SHARE:.0%} of {a.samples:,} samples",
            headers=("Service", "Stage", "Neighbourhood", "In today's plan", "Chosen in"),
            rows=tuple((names.get(d.service_id, d.service_id), d.stage.label, f.places.get(d.neighbourhood_id,
                        d.neighbourhood_id), f.arrangements[d.planned].name if d.planned else "no",
                        f"{d.share:.0%} ± {d.margin * 100:.0f}") for d in contested[:40]),
            numeric=(False, False, False, False, True)))
        if len(contested) > 40:
            blocks.append(Paragraph(text=f"The table shows the first 40, today's plan's first; "
                                         f"{len(contested) - 40:,} more are contested."))
    fr = r.frontier
    if fr is not None:
        blocks.append(Figure(chart=frontier_chart(fr).to_dict(), caption="What more or less money would buy",
                             alt_text=frontier_words(fr), width_cm=14.0))
    return Section(heading="Appendix H: how sure the recommendation is", numbered=False, blocks=tuple(blocks))


def _proposed_plan(f: _Facts) -> Section:
    p = f.p
    services = sorted(f.devolved_services, key=lambda s: f.services[s].name)
    most = Counter(x.neighbourhood_id for x in p.decisions).most_common(1)
    return Section(heading="The proposed plan", blocks=(
        Paragraph(text=(
            f"The plan devolves activities of {count(len(services), 'service')}: "
            + "; ".join(f.services[s].name for s in services) + " (Appendix G lists every decision).")),
        Paragraph(text=(f"Of the council's {count(len(f.a.activities), 'activity', 'activities')}, "
                        + "; ".join(f"{n:,} {_FATE_WORDS[fate]}" for fate, n in _fates_in_order(f))
                        + " (Appendix F and the Excel appendix give the reasons).")),
        Paragraph(text=(f"Counted in the Four Co's, the {count(len(p.decisions), 'decision')} (one activity in one "
                        f"neighbourhood each) are {_four_co_words(p)}. {f.places[most[0][0]]} takes on the most "
                        f"({count(most[0][1], 'decision')}). Appendix C charts where each activity is devolved and "
                        "sets out each neighbourhood's part.")
                  if most else "Nothing is devolved."),
    ))


_FATE_WORDS = {
    Fate.DEVOLVED: "are devolved in every neighbourhood",
    Fate.PARTLY_DEVOLVED: "are devolved in some neighbourhoods",
    Fate.RETAINED: "are retained (a statutory duty, officers' judgement, or not separable)",
    Fate.ASSESS_FIRST: "should be assessed first, resting on the rubric's first guesses with much at stake",
    Fate.NOT_SUITED: "have no arrangement on offer suited to them",
    Fate.TOO_SMALL: "are too small to hand over",
    Fate.NO_BETTER: "would be no better devolved than today",
    Fate.KEPT_OUT: "are worth devolving but kept out by the plan's limits",
}
"""Each fate as the end of a sentence that starts with a number of activities."""


def _fates_in_order(f: _Facts) -> list[tuple[Fate, int]]:
    return [(fate, f.fates[fate]) for fate in Fate if f.fates.get(fate)]


def _by_four_cos(p: Plan) -> list[tuple[str, str, str, str]]:
    rows = []
    for co in FOUR_CO_ORDER:
        under = [x for x in p.decisions if x.stage.four_co == co]
        if under:
            rows.append((co, f"{len(under):,}", money(sum(x.annual_cost for x in under)),
                         f"{p.replace(decisions=tuple(under)).residents_reached():,}"))
    return rows


def _four_co_words(p: Plan) -> str:
    """The plan's decisions counted in the Four Co's, in the order the value chain runs: "3
    co-governance, 151 co-commissioning and 158 co-delivery"."""
    counted = Counter(x.stage.four_co for x in p.decisions)
    said = [f"{counted[co]:,} {co.lower()}" for co in FOUR_CO_ORDER if counted.get(co)]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]


def _appendix_neighbourhoods(f: _Facts) -> Section:
    from devolve.present.charts import devolved_heatmap, value_beside_residents

    p = f.p
    cos = [co for co in FOUR_CO_ORDER if any(x.stage.four_co == co for x in p.decisions)]
    hood_rows, co_rows = [], []
    for h in f.a.neighbourhoods:
        mine = [x for x in p.decisions if x.neighbourhood_id == h.neighbourhood_id]
        hood_rows.append((h.name, f"{h.population:,}", f"{h.share_aged_65_plus:.0%}", f"{len(mine):,}",
                          f"{sum(q.neighbourhood_id == h.neighbourhood_id for q in p.partnerships):,}",
                          money(sum(x.annual_cost for x in mine)), f"{sum(x.volunteer_hours for x in mine):,.0f}"))
        counted = Counter(x.stage.four_co for x in mine)
        co_rows.append((h.name, *(f"{counted.get(co, 0):,}" for co in cos)))
    return Section(heading="Appendix C: the plan by activity and by neighbourhood", numbered=False, blocks=(
        Figure(chart=devolved_heatmap(f.a, p, label_limit=260).to_dict(), caption="Where each activity is devolved",
               alt_text=_heatmap_words(f), width_cm=14.0),
        Table(caption="What each neighbourhood takes on",
              headers=("Neighbourhood", "Residents", "Aged 65+", "Decisions", "Partnerships",
                       "Spending devolved (£ a year)", "Volunteer hours a year"),
              rows=tuple(hood_rows), numeric=(False, True, True, True, True, True, True)),
        Table(caption="The plan by the Four Co's", headers=("Four Co's", "Decisions", "Spending devolved (£ a year)",
                                                           "Residents reached"),
              rows=tuple(_by_four_cos(p)), numeric=(False, True, True, True)),
        Table(caption="Decisions in each neighbourhood by the Four Co's", headers=("Neighbourhood", *cos),
              rows=tuple(co_rows), numeric=(False, *(True for _ in cos))),
        Figure(chart=value_beside_residents(f.a, p).to_dict(), caption="Each neighbourhood's share of the value "
               "beside its share of residents", alt_text=_shares_words(f)),
    ))


def _appendix_checks(f: _Facts) -> Section:
    checks = plan_checks(f.a, f.p)
    return Section(heading="Appendix D: devolve's checks of the plan", numbered=False, blocks=(
        Table(caption="The questions members ask of a devolution plan, and the plan's answers",
              headers=("Question", "The plan", "Met"),
              rows=tuple((c.question, c.answer, {True: "yes", False: "no", None: "does not arise"}[c.passed])
                         for c in checks)),
    ))


def _heatmap_words(f: _Facts) -> str:
    counts = defaultdict(int)
    for x in f.p.decisions:
        counts[(x.service_id, x.stage)] += 1
    widest = sorted(counts.items(), key=lambda kv: -kv[1])[:3]
    said = "; ".join(f"{f.services[s].name}, {stage.label.lower()}, in {n} neighbourhoods" for (s, stage), n in widest)
    return (f"A grid of the {len(f.devolved_services)} services with devolved activities (rows) against the nine "
            f"activities of the value chain (columns). Each filled cell gives the number of neighbourhoods the "
            f"activity is devolved to, written in the cell. The widest spread: {said}.")


def _shares_words(f: _Facts) -> str:
    total = sum(x.value for x in f.p.decisions) or 1.0
    gaps = []
    for h in f.a.neighbourhoods:
        value = sum(x.value for x in f.p.decisions if x.neighbourhood_id == h.neighbourhood_id) / total
        gaps.append((value - h.population / (f.population or 1), h.name, value))
    gaps.sort()
    low, high = gaps[0], gaps[-1]
    people = {h.name: h.population / (f.population or 1) for h in f.a.neighbourhoods}
    return (f"Paired bars for each of the {len(f.a.neighbourhoods)} neighbourhoods: its share of residents and its "
            f"share of the plan's value, with each share written beside its bar. {high[1]} has the most value "
            f"compared with its residents ({high[2]:.0%} of the value, {people[high[1]]:.0%} of residents); "
            f"{low[1]} the least ({low[2]:.0%} of the value, {people[low[1]]:.0%} of residents).")


def _consultation(f: _Facts) -> Section:
    a = f.a
    scores = [(x, c) for x in a.activities for c in CRITERIA]
    assessed = [(x, c) for x, c in scores if not x.is_default(c)]
    assessors = {s.assessor for x in a.activities for s in x.scores if s.source == ScoreSource.ASSESSED and s.assessor}
    several = sum(1 for x, c in assessed
                  if len({s.assessor for s in x.scores_for(c) if s.source == ScoreSource.ASSESSED}) > 1)
    to_discuss = sum(len(x.disagreements()) for x in a.activities)
    devolved_defaults = sum(1 for x in a.activities if x.key in f.activities for c in CRITERIA if x.is_default(c))
    with_priorities = len({p.neighbourhood_id for p in a.priorities})
    text = [
        (f"{len(assessed):,} of the {len(scores):,} scores ({f.share(len(assessed), len(scores))}) were given by "
         f"{count(len(assessors), 'named assessor')}; {several:,} of them by more than one, combined by the "
         f"{a.scenario.consensus.value}. {count(to_discuss, 'score')} where assessors were more than a level "
         "apart should be discussed before the plan is final."),
        (f"The rest are the rubric's defaults for the type of service, {devolved_defaults:,} of them behind the "
         "devolved activities. An activity scored on defaults alone with much at stake is held back to be "
         "assessed first (" + count(f.fates.get(Fate.ASSESS_FIRST, 0), 'activity', 'activities')
         + " in this plan). "
         + (f"Residents' own priorities were gathered in {with_priorities} of the {len(a.neighbourhoods)} "
            "neighbourhoods and weigh the value of what is devolved there." if with_priorities else
            "No residents' priorities were recorded; gathering them before implementation is advised.")),
    ]
    return Section(heading="Consultation", blocks=tuple(Paragraph(text=t) for t in text))


def _financial(f: _Facts) -> Section:
    rows = []
    for family, label in ((Family.TRANSITION_BUDGET, "One-off transition cost"),
                          (Family.RUNNING_COST, "Change in annual running cost"),
                          (Family.CONTINGENCY_RESERVE, "Contingency reserve")):
        lim = f.limit(family)
        if lim is not None:
            rows.append((label, figure(lim.used, lim.unit), figure(lim.limit, lim.unit),
                         "yes" if lim.binding else "no"))
    worth = f.hours * f.hour_value
    return Section(heading="Financial implications", blocks=(
        Paragraph(text=(
            f"Set-up costs {money(f.one_off)} once: agreements and induction for the "
            f"{count(len(f.p.partnerships), 'partnership')} and "
            f"{count(len(f.p.bodies), 'neighbourhood body', 'neighbourhood bodies')}, and a share of each devolved "
            f"activity's annual cost while it is handed over. The plan {_running_words(f.running)}: neighbourhood "
            "arrangements run some activities for less and lose economies of scale on others.")),
        Paragraph(text=(
            f"Volunteers would give {f.hours:,.0f} hours a year, worth {money(worth)} at £{f.hour_value:,.2f} an "
            "hour: residents' time, not a saving to the council, counted so that it is not taken for granted.")),
        Table(caption="Costs against the scenario's limits", headers=("", "The plan", "Limit", "At the limit"),
              rows=tuple(rows), numeric=(False, True, True, False)),
    ))


def _workforce(f: _Facts) -> Section:
    running = {Stage.MANAGEMENT, Stage.DELIVERY}
    hands_on = sum(x.annual_cost for x in f.p.decisions if x.stage in running)
    return Section(heading="Workforce implications", blocks=(
        Paragraph(text=(
            f"{money(hands_on)} a year of the spending devolved ({f.share(hands_on, f.devolved)}) is in managing and "
            "delivering services, work done today by council staff or contractors. Where partners take on work "
            "staff now do, HR must advise on the effect on posts, consultation with staff and trade unions, and "
            "whether the Transfer of Undertakings (Protection of Employment) Regulations 2006 apply.")),
    ))


def _legal(f: _Facts) -> Section:
    by_kind: dict[RetentionKind, list] = defaultdict(list)
    for r in f.p.retained:
        by_kind[r.kind].append(r)
    statutory = {r.service_id for r in by_kind[RetentionKind.STATUTORY]}
    return Section(heading="Legal implications", blocks=(
        Paragraph(text=(
            f"{count(len(f.p.retained), 'activity', 'activities')} stay with the council whatever their scores "
            f"(Appendix F): {len(by_kind[RetentionKind.STATUTORY])} discharge a statutory duty of "
            f"{count(len(statutory), 'service')}, {len(by_kind[RetentionKind.MUST_RETAIN])} were marked by officers "
            f"to be retained and {len(by_kind[RetentionKind.NOT_SEPARABLE])} cannot be "
            "separated from the rest of their service. Where neighbourhoods take part in other activities of a "
            "service with a statutory duty, the council remains accountable for the duty.")),
        Paragraph(text=(
            "The council cannot hand its decisions to residents' forums or voluntary bodies: where governance, "
            "commissioning or prioritisation is devolved, the council (a ward or area committee, or an officer "
            "under delegated powers) decides with the neighbourhood as the agreement sets out. Each agreement "
            "needs legal review before signature: its scope, standards, data protection and the council's right "
            "to step back in.")),
    ))


def _appendix_retained(f: _Facts) -> Section:
    rows = tuple((f.services[r.service_id].name, r.stage.label, retention_reason(r))
                 for r in sorted(f.p.retained, key=lambda r: (f.services[r.service_id].name, STAGES.index(r.stage))))
    return Section(heading="Appendix F: activities the council retains, and why", numbered=False, blocks=(
        Table(caption=f"{count(len(rows), 'activity', 'activities')} retained", headers=("Service", "Activity", "Why"),
              rows=rows),
    ))


def _risk(f: _Facts) -> Section:
    configs = Counter(x.configuration for x in f.p.decisions)
    riskiest = max(configs, key=lambda k: f.arrangements[k].risk_of_failure) if configs else None
    text = [
        ("Any arrangement can fail: a forum loses its volunteers, a partner withdraws. The chance of failure in a "
         "year is the rubric's for each arrangement"
         + (_risk_range(f, configs) if riskiest else "")
         + ". The last resort is the same for every devolved activity: the council takes it back and runs it as "
         f"today, paid from the contingency reserve of {money(f.contingency)}, the expected cost of doing so "
         "(Appendix E, by service and arrangement)."),
    ]
    return Section(heading="Risk", blocks=tuple(Paragraph(text=t) for t in text))


def _risk_range(f: _Facts, configs) -> str:
    chances = sorted({(f.arrangements[k].risk_of_failure, f.arrangements[k].name) for k in configs})
    (low, low_name), (high, high_name) = chances[0], chances[-1]
    if low == high:
        return f", {low:.0%} for every arrangement the plan uses"
    return f", from {low:.0%} ({low_name}) to {high:.0%} ({high_name})"


def _appendix_risks(f: _Facts) -> Section:
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for x in f.p.decisions:
        groups[(x.service_id, x.configuration)].append(x)
    rows = []
    for (service_id, key), ds in sorted(groups.items(), key=lambda kv: -sum(x.contingency for x in kv[1])):
        cfg = f.arrangements[key]
        rows.append((f.services[service_id].name, cfg.name,
                     ", ".join(sorted({x.stage.label for x in ds}, key=[s.label for s in STAGES].index)),
                     f"{len({x.neighbourhood_id for x in ds})}", f"{cfg.risk_of_failure:.0%}",
                     money(sum(x.contingency for x in ds))))
    return Section(heading="Appendix E: risk of failure and the last resort", numbered=False, blocks=(
        Paragraph(text=("The last resort for every activity below is the same: the council takes it back and runs it "
                        "as today, paid from the contingency reserve held for it."), numbered=False),
        Table(caption="By service and arrangement, largest reserve first",
              headers=("Service", "Arrangement", "Activities", "Neighbourhoods", "Chance of failure a year",
                       "Reserve held (£)"),
              rows=tuple(rows), numeric=(False, False, False, True, True, True)),
    ))


def _equality(f: _Facts) -> Section:
    a, p = f.a, f.p
    total = sum(x.value for x in p.decisions) or 1.0
    older = sorted(a.neighbourhoods, key=lambda h: -h.share_aged_65_plus)[:min(3, max(1, len(a.neighbourhoods) - 1))]
    older_share = sum(sum(x.value for x in p.decisions if x.neighbourhood_id == h.neighbourhood_id) for h in older) / total
    older_people = sum(h.population for h in older) / (f.population or 1)
    left = [h.name for h in a.neighbourhoods if h.neighbourhood_id not in f.hoods]
    fair = f.limit(Family.FAIR_SHARE)
    text = [
        (f"The plan reaches {f.residents:,} residents ({f.share(f.residents, f.population)} of the "
         f"{f.population:,} who live in the {len(a.neighbourhoods)} neighbourhoods). "
         + ("Every neighbourhood has something devolved. " if not left else
            f"{count(len(left), 'neighbourhood')} {'has' if len(left) == 1 else 'have'} nothing devolved: "
            f"{', '.join(left)}. ") + _oldest_words(older, older_people, older_share)
         + " Arrangements that rely on volunteers must not leave out residents who cannot volunteer; each "
         "partnership agreement should say how it will reach them."),
    ]
    if fair is not None:
        text.append(f"The scenario holds each neighbourhood to a fair share of the value (the equity floor); "
                    f"the plan {'meets it exactly in at least one neighbourhood' if fair.binding else 'meets it'}.")
    text.append("Members must have due regard to the public sector equality duty (Equality Act 2010, section 149); "
                "these figures inform the equality impact assessment that must accompany this report. Community "
                "safety: agreements must bind partners to the council's safeguarding and antisocial behaviour "
                "policies, and partners must be vetted as contractors are.")
    return Section(heading="Equality and community impact", blocks=tuple(Paragraph(text=t) for t in text))


def _oldest_words(older, people: float, share: float) -> str:
    ages = ", ".join(f"{h.name} {h.share_aged_65_plus:.0%}" for h in older)
    if len(older) == 1:
        return (f"The neighbourhood with the oldest population ({ages} aged 65 or over) holds {people:.0%} of "
                f"residents and receives {share:.0%} of the plan's value.")
    return (f"The {_NUMBERS.get(len(older), str(len(older)))} neighbourhoods with the oldest populations ({ages} aged "
            f"65 or over) hold {people:.0%} of residents and receive {share:.0%} of the plan's value.")


def _timetable(f: _Facts) -> Section:
    p = f.p
    counts = (f"{count(len(p.bodies), 'body', 'bodies')} in "
              f"{count(len({b.neighbourhood_id for b in p.bodies}), 'neighbourhood')}",
              count(len(p.partnerships), "agreement"),
              f"{count(len(p.decisions), 'decision')} in {count(len(f.hoods), 'neighbourhood')}",
              "spending and volunteer hours",
              f"outcomes for {f.residents:,} residents")
    return Section(heading="Timetable for implementation", blocks=(
        Table(caption="Proposed timetable (months from the decision; for officers to confirm)",
              headers=("When", "What", "How much"),
              rows=tuple((when, what, n) for (when, what), n in zip(PHASES, counts))),
    ))


def _appendix_assumptions(f: _Facts) -> Section:
    rows = []
    for key, value in settings_of(f.a.scenario):
        setting = SETTINGS_BY_KEY.get(key)
        meaning = setting.meaning if setting else "kept as written; devolve does not use it"
        shown = _setting_value(value, setting)
        if key == "configurations":
            shown = ", ".join(f.arrangements[k].name if k in f.arrangements else k
                              for k in shown.replace(",", " ").split())
        rows.append((setting_label(key), shown, meaning))
    return Section(heading="Appendix A: the scenario's assumptions", numbered=False, blocks=(
        Paragraph(text="The budgets, limits and weights the plan was made under, as set in the scenario.",
                  numbered=False),
        Table(caption="Scenario settings", headers=("Setting", "Value", "What it means"), rows=tuple(rows)),
    ))


def _setting_value(value, setting) -> str:
    from devolve.core.terms import Kind, Unit

    if isinstance(value, (int, float)) and not isinstance(value, bool) and setting is not None:
        limit = limit_set_by(setting.key)
        if setting.kind == Kind.MONEY or (limit is not None and limit.unit == Unit.POUNDS):
            return money(value)  # the running-cost limit too: a number because it may be negative
        if setting.kind == Kind.SHARE:
            return f"{value:.1%}"
    if isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value)
    return str(getattr(value, "value", value))


def _appendix_rubric(f: _Facts) -> Section:
    r = f.a.rubric
    total = sum(f.a.scenario.weights.values()) or 1.0
    blocks: list = [Table(caption="Weights of the benefits", headers=("Benefit", "Weight"),
                          rows=tuple((b.label, f"{f.a.scenario.weights[b] / total:.2f}") for b in BENEFITS),
                          numeric=(False, True))]
    for c in CRITERIA:
        scale = r.criteria[c]
        blocks.append(Table(caption=f"{c.label}: {scale.question}", headers=("Level", "Descriptor"),
                            rows=tuple((f"{lv.value} {lv.label}", lv.descriptor) for lv in scale.levels)))
    blocks.append(Table(caption="Partnership arrangements on offer",
                        headers=("Arrangement", "What it is", "Chance of failure a year"),
                        rows=tuple((c.name, c.description, f"{c.risk_of_failure:.0%}") for c in r.configurations
                                   if c.key in f.a.scenario.configurations or not f.a.scenario.configurations)))
    return Section(heading=f"Appendix B: the rubric ({r.name})", numbered=False, blocks=tuple(blocks))


def _appendix_decisions(f: _Facts) -> Section:
    groups: dict[tuple[str, object, str], list] = defaultdict(list)
    for x in f.p.decisions:
        groups[(x.service_id, x.stage, x.configuration)].append(x)
    rows = []
    for (service_id, stage, key), ds in sorted(groups.items(), key=lambda kv: (
            f.services[kv[0][0]].name, STAGES.index(kv[0][1]), f.arrangements[kv[0][2]].name)):
        places = sorted(f.places[x.neighbourhood_id] for x in ds)
        rows.append((f.services[service_id].name, stage.label, f.arrangements[key].name,
                     "all" if len(places) == len(f.a.neighbourhoods) else ", ".join(places),
                     money(sum(x.annual_cost for x in ds)), f"{sum(x.volunteer_hours for x in ds):,.0f}"))
    return Section(heading="Appendix G: every devolution decision", numbered=False, blocks=(
        Paragraph(text=(f"The plan's {count(len(f.p.decisions), 'decision')}, one activity in one neighbourhood each, "
                        "grouped by service, activity and arrangement. The Excel appendix has them one by one, with "
                        "the nearest alternative to each, and the fate of every activity not devolved."),
                  numbered=False),
        Table(caption=f"{count(len(rows), 'group')} of decisions",
              headers=("Service", "Activity", "Arrangement", "Neighbourhoods", "£ a year", "Volunteer hours a year"),
              rows=tuple(rows), numeric=(False, False, False, False, True, True)),
    ))


def words_in(document: Document) -> Iterable[str]:
    """Every piece of text in a document, in order (for tests and word counts)."""
    yield document.title
    yield document.subtitle
    for label, value in document.title_block:
        yield label
        yield value
    for section in document.sections:
        yield section.heading
        for block in section.blocks:
            if isinstance(block, Paragraph):
                yield block.text
            elif isinstance(block, Bullets):
                yield from block.items
            elif isinstance(block, Table):
                yield block.caption
                yield from block.headers
                for row in block.rows:
                    yield from row
            elif isinstance(block, Figure):
                yield block.caption
                yield block.alt_text
