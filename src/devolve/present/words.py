"""Plans in plain English: one sentence for each kind of explanation, diagnosis and remark.

The optimiser returns records (:mod:`devolve.core.plan`); the command line, the plan workbook
and its JSON say them through these functions, and so must anything that shows a plan, so a
reason reads the same wherever it appears.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import groupby

from devolve.core.domain import Assessment, Retention, RetentionKind
from devolve.core.limits import CATALOGUE, LIMITS, ConstraintFamily, Family
from devolve.core.plan import (
    ActivityFate,
    Alternative,
    Fate,
    LeftOut,
    NearMiss,
    NoteKind,
    Obstacle,
    ObstacleKind,
    Plan,
    PlanStatus,
    SolveNote,
)
from devolve.core.scenario import SETTINGS_BY_KEY
from devolve.core.terms import Unit

GROUPED = 3
"""More neighbourhoods than this short on one limit are reported on one line."""
VALUE_UNIT = "benefit units"
"""What a plan's value is counted in. One benefit unit is what an average option on offer
(its residents reached, its £ a year, its volunteer hours) gains when raised from today's level
to the rubric's best on every weighed benefit (docs/model.md, section 3)."""


def money(value: float) -> str:
    """£ with thousands separators, a minus sign before the £: "£1,234", "-£31"."""
    return f"-£{-value:,.0f}" if value < 0 else f"£{value:,.0f}"


def figure(value: float, unit: Unit) -> str:
    """A figure in its unit, as a summary table shows it."""
    if unit == Unit.POUNDS:
        return money(value)
    if unit == Unit.SHARE:
        return f"{value:.1%}"
    return f"{value:,.0f}"


def count(n: int, one: str, many: str | None = None) -> str:
    """"1 decision", "7 decisions"."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def share_beside(value: float, floor: float) -> str:
    """A share shown beside the floor it is held to, with as many places as it takes not to
    look like the floor when it is not on it ("30.04%", not "30.0%")."""
    for places in (1, 2, 3):
        if f"{value:.{places}%}" != f"{floor:.{places}%}" or abs(value - floor) < 1e-12:
            return f"{value:.{places}%}"
    return f"just {'over' if value > floor else 'under'} {floor:.1%}"


def marginal_text(per_step: float, step: str, objective: float | None) -> str:
    """What a little more of a limit would buy: in benefit units per step, and as a share of the
    plan's value so that it reads without knowing the unit."""
    said = f"{per_step:.4f} {VALUE_UNIT} per {step}"
    if objective and objective > 0 and per_step != 0:
        said += f" ({per_step / objective:+.2%} of the plan's value)"
    return said


def retention_reason(r: Retention) -> str:
    """Why an activity stays at today's scale."""
    if r.kind == RetentionKind.MUST_RETAIN:
        return r.reason or "marked must retain"
    if r.kind == RetentionKind.STATUTORY:
        return f"statutory duty: {r.stage.value} stays with the council"
    return f"unbundling score {r.unbundling:g} is below the rubric's minimum of {r.minimum}"


def limit_label(family: Family, neighbourhood_id: str | None, names: Mapping[str, str]) -> str:
    """A limit in plain words: "One-off transition budget", "Volunteer hours in Holmefield"."""
    label = CATALOGUE[family].label
    return label if neighbourhood_id is None else f"{label} in {names[neighbourhood_id]}"


_SETTING_WORDS = {
    "name": "Scenario name",
    "residents_share": "Share of residents' priorities in the weights",
    "consensus": "Several assessors' scores combined by",
    "configurations": "Partnership arrangements on offer",
    "offer": "Offer to neighbourhoods",
    "solver": "Solver",
    "time_limit_seconds": "Solver's time limit (seconds)",
    "relative_gap": "Stop within this share of the best possible",
}
"""The settings that set no limit, by the names an officer knows them (the limits' own labels
are in :data:`~devolve.core.limits.CATALOGUE`, the benefits' in :class:`~devolve.core.terms.Benefit`)."""


def limit_set_by(key: str) -> ConstraintFamily | None:
    """The limit a scenario setting sets (``transition_budget``: the one-off transition budget), if any."""
    return next((c for c in LIMITS if c.setting == key), None)


def setting_label(key: str) -> str:
    """A scenario setting by its name in words ("One-off transition budget"), not its key
    (``transition_budget``); a key devolve does not use is shown as written."""
    limit = limit_set_by(key)
    if limit is not None:
        return limit.label
    setting = SETTINGS_BY_KEY.get(key)
    if setting is not None and setting.benefit is not None:
        return f"Weight of {setting.benefit.label.lower()}"
    return _SETTING_WORDS.get(key, key)


def alternative_reason(alt: Alternative, arrangements: Mapping[str, str]) -> str:
    """Why the plan's choice beats its nearest alternative (or does not, and why)."""
    if alt.configuration is None:
        return f"keeping it at today's scale would be worth {alt.margin:.3f} less"
    other = arrangements[alt.configuration]
    if abs(alt.margin) < 1e-9:
        return f"{other} would be worth the same; the tie is broken by the order of arrangements"
    if alt.margin > 0:
        return f"{other} would be worth {alt.margin:.3f} less"
    return f"{other} would be worth {-alt.margin:.3f} more, but the plan's limits leave no room for it"


_RULE_WORDS = {
    Family.UNIFORM_OFFER: "the offer must be the same in every neighbourhood",
    Family.PARTNERSHIPS_PER_NEIGHBOURHOOD: "the neighbourhood already has as many partnerships as the rubric "
                                           "allows",
    Family.ARRANGEMENTS_PER_SERVICE: "the service already has as many arrangements in the neighbourhood as "
                                     "the rubric allows",
    Family.SEVERAL_NEIGHBOURHOODS: "a service is devolved in several neighbourhoods or none, and no other "
                                   "neighbourhood takes it",
    Family.ASSESSMENT_NOT_ALONE: "the service's assessment is devolved only beside another of its activities",
    Family.COHERENCE: "the stage it depends on is not devolved there",
    Family.COLLECTIVE_SHARE: "the plan must keep its share of collective arrangements",
    Family.FAIR_SHARE: "a neighbourhood would fall below its fair share of the plan's value",
    Family.CO_DELIVERY_SHARE: "management and delivery would fall below their share of the plan's value",
}


def left_out_reason(miss: NearMiss, names: Mapping[str, str]) -> str:
    """What kept an option out of the plan, without naming the option."""
    if miss.reason == LeftOut.LIMITS_FULL:
        needs = [limit_label(family, hood, names) for family, hood in miss.blocked_by]
        needs = [label[:1].lower() + label[1:] for label in needs]
        listed = needs[0] if len(needs) == 1 else ", ".join(needs[:-1]) + " and " + needs[-1]
        return f"the plan has too little left of the {listed}"
    if miss.reason == LeftOut.RULE:
        if miss.rule is not None:
            return _RULE_WORDS[miss.rule]
        return "a rule of the plan keeps it out"
    if miss.reason == LeftOut.STOPPED_AT_GAP:
        return "the solver stopped within the gap asked for before reaching it"
    return "the solver stopped at the time limit before reaching it"


def near_miss_reason(miss: NearMiss, arrangements: Mapping[str, str], names: Mapping[str, str]) -> str:
    """What kept a valuable option out of the plan."""
    return f"{arrangements[miss.configuration]}: left out: {left_out_reason(miss, names)}"


_FATE_WORDS = {
    Fate.ASSESS_FIRST: "assess first: it is scored on the rubric's first guesses alone and has too much at "
                       "stake to move on them",
    Fate.NOT_SUITED: "no arrangement on offer is suited to this stage",
    Fate.TOO_SMALL: "too small to hand over: it spends less than the rubric's minimum a year in the "
                    "neighbourhood",
    Fate.NO_BETTER: "no better than today: no arrangement on offer is worth devolving it for",
}


def fate_reason(fate: ActivityFate, assessment: Assessment, plan: Plan) -> str:
    """Why an activity is devolved where it is, kept at today's scale, or not devolved."""
    names = {h.neighbourhood_id: h.name for h in assessment.neighbourhoods}
    arrangements = {c.key: c.name for c in assessment.rubric.configurations}
    if fate.fate == Fate.RETAINED:
        kept = next(r for r in plan.retained if r.key == fate.key)
        return retention_reason(kept)
    if fate.fate in (Fate.DEVOLVED, Fate.PARTLY_DEVOLVED):
        how = " and ".join(arrangements[c] for c in fate.arrangements)
        where = ("every neighbourhood" if fate.fate == Fate.DEVOLVED
                 else f"{len(fate.neighbourhoods)} of {len(names)} neighbourhoods")
        said = f"devolved in {where}, through {how}"
        if fate.elsewhere is None:
            return said
        return f"{said}; elsewhere {_not_here(fate, fate.elsewhere, names)}"
    return _not_here(fate, fate.fate, names)


def _not_here(fate: ActivityFate, reason: Fate, names: Mapping[str, str]) -> str:
    if reason == Fate.KEPT_OUT and fate.left_out is not None:
        miss = fate.left_out
        return f"worth devolving, but {left_out_reason(miss, names)} (in {names[miss.neighbourhood_id]}, say)"
    if reason == Fate.KEPT_OUT:
        return "worth devolving, but kept out by the plan's limits or rules"
    return _FATE_WORDS[reason]


_NOTES = {
    NoteKind.LP_BOUND: "LP relaxation solved in {seconds:.1f} s; its optimum {bound:.4f} bounds every plan",
    NoteKind.REPAIRED: "{fractional:.0f} of {columns:.0f} variables fractional in the LP; repair MILP over "
                       "{repaired:.0f} variables",
    NoteKind.PRESOLVE: "{dropped:.0f} of {options:.0f} options set aside by the dominance presolve (no value, "
                       "no saving, not needed by any rule)",
    NoteKind.CBC_BOUND_FROM_TOLERANCE: "CBC stopped within its gap tolerance and printed no bound; the bound "
                                       "shown is the one that tolerance implies",
    NoteKind.EXACT_CONTINUED: "the fix-and-repair plan was outside the gap asked for; the exact MILP continued "
                              "from it",
    NoteKind.EXACT_INSTEAD: "fix and repair found no plan; the exact MILP was solved instead",
    NoteKind.NOTHING_TO_DEVOLVE: "no activity may be devolved",
    NoteKind.FLOOR_UNREACHABLE: "a floor cannot be met by any option on offer",
    NoteKind.LP_TIMED_OUT: "the LP relaxation did not finish within the time limit",
    NoteKind.REPAIR_FAILED: "no integer plan was found by fixing and repairing in the time allowed",
    NoteKind.START_KEPT: "the plan before the change is still the best found, and is kept",
    NoteKind.PARTIAL_BOUND: "the LP relaxation was stopped after {seconds:.1f} s; its dual values so far prove no "
                            "plan is worth more than {bound:.4f} (the LP's own optimum would be lower)",
    NoteKind.IPM_FELL_BACK: "interior point stopped short of an optimal vertex after {seconds:.1f} s; dual simplex "
                            "solved the LP relaxation instead",
    NoteKind.MILP_TIMED_OUT: "the exact MILP found no plan within the time limit",
    NoteKind.MILP_NOT_STARTED: "the exact MILP was not started: {seconds:.1f} s were left, and its first steps "
                               "cannot be stopped part way (they take up to about four times the LP relaxation's "
                               "{lp_seconds:.1f} s)",
    NoteKind.STOPPED: "the solver did not stop at its deadline and was stopped {over:.1f} s after it, "
                      "{seconds:.1f} s into the work; no plan was kept",
}


def note_text(note: SolveNote) -> str:
    return _NOTES[note.kind].format(**note.figures)


def why_no_plan(scenario_name: str, plan: Plan) -> str:
    """The heading over a plan's obstacles: the scenario cannot be met, or time ran out first."""
    if plan.status == PlanStatus.INFEASIBLE:
        return f"the scenario '{scenario_name}' cannot be met"
    return f"no plan was found for the scenario '{scenario_name}' in the time allowed"


def obstacle_lines(assessment: Assessment, plan: Plan) -> list[str]:
    """Why no plan meets the scenario, one line per reason; a limit short in more than
    :data:`GROUPED` neighbourhoods on one line."""
    lines: list[str] = []
    for (kind, family), group in groupby(plan.diagnosis, key=lambda o: (o.kind, o.family)):
        group = list(group)
        if kind == ObstacleKind.LIMIT_SHORT and CATALOGUE[family].per_neighbourhood and len(group) > GROUPED:
            lines.append(_grouped(assessment, family, group))
        else:
            lines.extend(_obstacle(assessment, plan, o) for o in group)
    return list(dict.fromkeys(lines))


def _obstacle(assessment: Assessment, plan: Plan, o: Obstacle) -> str:
    sc = assessment.scenario
    names = {h.neighbourhood_id: h.name for h in assessment.neighbourhoods}
    e = sc.min_devolved_per_neighbourhood
    if o.kind == ObstacleKind.FLOOR_ABOVE_DEVOLVABLE and o.neighbourhood_id is not None:
        return (f"{names[o.neighbourhood_id]}: the equity floor asks for {e} devolved activities, but only "
                f"{o.available:.0f} may be devolved there (the rest are retained, too small to be worth a "
                "partnership there, or to be assessed first)")
    if o.kind == ObstacleKind.FLOOR_ABOVE_DEVOLVABLE:
        return (f"the equity floor asks for {e} devolved activities in every neighbourhood, but only "
                f"{o.available:.0f} activities may be devolved at all ({len(plan.retained)} are retained at "
                "today's scale)")
    if o.kind == ObstacleKind.SAVING_OUT_OF_REACH:
        return (f"a saving of {money(o.needed)} a year in running cost is required, but devolving every "
                f"activity that saves money would save at most {money(o.available)}")
    if o.kind == ObstacleKind.FLOOR_WITHOUT_COLLECTIVE:
        return ("the equity floor needs devolved activities, but the minimum collective share can only be "
                "met by collective arrangements and none is offered")
    if o.kind == ObstacleKind.FLOOR_NEEDS_HOURS:
        return (f"{names[o.neighbourhood_id]}: the {e} least demanding activities need {o.needed:,.0f} "
                f"volunteer hours a year, but only {o.available:,.0f} are available")
    if o.kind == ObstacleKind.FLOOR_NEEDS_SETUP:
        return (f"meeting the equity floor everywhere costs at least {money(o.needed)} to set up, but the "
                f"transition budget is {money(o.available)}")
    if o.kind == ObstacleKind.NO_PLAN_IN_TIME and any(n.kind == NoteKind.STOPPED for n in plan.notes):
        return (f"the solver did not stop at its time limit of {sc.time_limit_seconds:g} seconds and was stopped, "
                "so no plan was kept; allow more time (time_limit_seconds in the Scenario sheet)")
    if o.kind == ObstacleKind.NO_PLAN_IN_TIME:
        return (f"no plan was found within the time limit of {sc.time_limit_seconds:g} seconds; allow more "
                "time (time_limit_seconds in the Scenario sheet)")
    if o.kind == ObstacleKind.STRETCH_FAILED:
        return "no plan meets every limit, and stretching the limits found no plan within the time limit"
    return _shortfall(assessment, o, names)


def _shortfall(assessment: Assessment, o: Obstacle, names: Mapping[str, str]) -> str:
    sc, s = assessment.scenario, o.short_by
    if o.family == Family.TRANSITION_BUDGET:
        return f"transition budget short by {money(s)} (it is {money(sc.transition_budget)})"
    if o.family == Family.RUNNING_COST:
        if sc.running_cost_limit < 0:
            return (f"the required running-cost saving of {money(-sc.running_cost_limit)} a year is out "
                    f"of reach by {money(s)}")
        return f"annual running-cost limit short by {money(s)} (it is {money(sc.running_cost_limit)})"
    if o.family == Family.CONTINGENCY_RESERVE:
        return f"contingency reserve short by {money(s)} (it is {money(sc.contingency_reserve)})"
    if o.family == Family.CAPACITY:
        return f"{names[o.neighbourhood_id]} capacity short by {s:,.0f} volunteer hours"
    if o.family == Family.EQUITY:
        return (f"{names[o.neighbourhood_id]} cannot reach the equity floor of "
                f"{sc.min_devolved_per_neighbourhood} devolved activities: short by {math.ceil(s - 1e-6)}")
    return (f"the minimum collective share of {sc.min_collective_share:.0%} cannot be met: short by the "
            f"equivalent of {s:,.1f} collective decisions")


def _grouped(assessment: Assessment, family: Family, group: list[Obstacle]) -> str:
    names = {h.neighbourhood_id: h.name for h in assessment.neighbourhoods}
    if family == Family.CAPACITY:
        each = ", ".join(f"{names[o.neighbourhood_id]} by {o.short_by:,.0f} hours" for o in group)
        what = "volunteer capacity is short"
    else:
        each = ", ".join(f"{names[o.neighbourhood_id]} by {math.ceil(o.short_by - 1e-6)}" for o in group)
        what = (f"the equity floor of {assessment.scenario.min_devolved_per_neighbourhood} devolved "
                "activities cannot be reached")
    return f"in {len(group)} neighbourhoods {what}: {each}"
