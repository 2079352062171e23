"""The answer: which activities are devolved where, under which arrangement, what it uses, and why.

A :class:`Plan` is what the optimiser returns and what the explanation, the reports and the
workbook writer read. It is immutable and carries everything needed to judge it honestly: how it
was found, its status, its value, the best bound the solver proved, the gap between them, and
the time spent building, solving and reading the answer back.

Explanations and diagnoses are records, not sentences: an app page or a cabinet report lays
them out as it needs, and :mod:`devolve.present.words` says each one in plain English.
"""

from __future__ import annotations

from enum import Enum

from devolve.core.domain import Retention
from devolve.core.limits import CATALOGUE, Family, Sense
from devolve.core.terms import ActivityKey, Benefit, Frozen, OfActivity, Offer, Unit


class PlanStatus(str, Enum):
    OPTIMAL = "optimal"
    """Proven best (within the solver's tolerance)."""
    WITHIN_GAP = "within gap"
    """Proven within the relative gap the scenario asked for."""
    FEASIBLE = "feasible"
    """A plan that keeps every limit, stopped (by the time limit) outside the gap asked for."""
    INFEASIBLE = "infeasible"
    """No plan keeps every limit: see the diagnosis."""
    NO_PLAN = "no plan found"
    """The time limit ran out before any plan was found."""

    @property
    def has_plan(self) -> bool:
        return self in (PlanStatus.OPTIMAL, PlanStatus.WITHIN_GAP, PlanStatus.FEASIBLE)


class PlanMethod(str, Enum):
    """How a plan was found (docs/model.md, "Solving")."""

    EXACT = "exact MILP"
    LP_FIX = "LP relaxation, fix and repair"


class Decision(OfActivity):
    """One activity devolved in one neighbourhood under one partnership configuration."""

    neighbourhood_id: str
    configuration: str
    """Key of the partnership configuration (see the rubric)."""
    value: float
    """The option's value v[a,n,c], in benefit points (docs/model.md, section 3)."""
    contributions: dict[Benefit, float]
    """Each benefit's part of ``value``; they add up to it."""
    annual_cost: float
    """£ a year devolved: the activity's spending in the neighbourhood."""
    residents: float
    """Residents reached."""
    transition_cost: float
    """The one-off cost of this activity itself (its partnership's set-up is the partnership's)."""
    running_change: float
    contingency: float
    volunteer_hours: float


class LimitUse(Frozen):
    """How much of one limit the plan uses."""

    family: Family
    neighbourhood_id: str | None = None
    """The neighbourhood, for limits set per neighbourhood."""
    used: float
    limit: float
    binding: bool
    """True when the limit stops the plan from improving (docs/model.md, section 10, "Limits in a plan")."""
    marginal_value: float | None = None
    """Value gained per unit more of this limit (filled by the explanation step)."""

    @property
    def unit(self) -> Unit:
        return CATALOGUE[self.family].unit

    @property
    def sense(self) -> Sense:
        return CATALOGUE[self.family].sense


class Partnership(Frozen):
    """One service's arrangement in one neighbourhood: what the plan sets up, once."""

    service_id: str
    neighbourhood_id: str
    configuration: str
    activities: int
    """How many of the service's activities it takes on."""
    setup_cost: float
    """£ once, for the partnership (every partnership area of the neighbourhood)."""


class NeighbourhoodBody(Frozen):
    """A body that serves a whole neighbourhood (a forum, an intermediary), set up once there."""

    neighbourhood_id: str
    configuration: str
    setup_cost: float


class Alternative(OfActivity):
    """The next best choice for a decision: another arrangement, or keeping today's scale."""

    neighbourhood_id: str
    configuration: str | None
    """The other arrangement; None means keeping the activity at today's scale."""
    value: float
    margin: float
    """The decision's value minus this alternative's: how much better the plan's choice is."""


class LeftOut(str, Enum):
    """Why a valuable option is not in the plan."""

    LIMITS_FULL = "limits full"
    """It needs more of a limit than the plan has left."""
    RULE = "rule"
    """It fits every limit, but a rule (named in ``rule`` where it can be told) keeps it out."""
    STOPPED_AT_GAP = "stopped within gap"
    """The solver stopped within the gap asked for before reaching it."""
    STOPPED_AT_TIME = "stopped at the time limit"
    """The solver stopped at the time limit before reaching it."""


class NearMiss(OfActivity):
    """One of the most valuable options the plan leaves out, and what kept it out."""

    neighbourhood_id: str
    configuration: str
    value: float
    reason: LeftOut
    blocked_by: tuple[tuple[Family, str | None], ...] = ()
    """The limits it would need more of than the plan has left, as (family, neighbourhood_id)."""
    rule: Family | None = None
    """For a rule, the one that keeps it out, where it can be told."""


class Fate(str, Enum):
    """What the plan does with an activity, or why it does not devolve it."""

    DEVOLVED = "devolved everywhere"
    PARTLY_DEVOLVED = "devolved in some neighbourhoods"
    RETAINED = "retained"
    """Kept at today's scale by a duty, the assessment or the rubric (see ``Plan.retained``)."""
    ASSESS_FIRST = "assess first"
    """Scored on the rubric's first guesses alone, with too much at stake to move on them."""
    NOT_SUITED = "no suited arrangement"
    """No arrangement on offer has a track record at this stage."""
    TOO_SMALL = "too small to hand over"
    """It spends less than the rubric's minimum a year in each neighbourhood."""
    NO_BETTER = "no better than today"
    """Every arrangement on offer is worth nothing or less at this stage."""
    KEPT_OUT = "kept out"
    """Worth devolving, but the plan's limits or rules (or the solve stopping) keep it out."""


class ActivityFate(OfActivity):
    """Every activity's fate in the plan: devolved (where and how), retained, or why not."""

    fate: Fate
    neighbourhoods: tuple[str, ...] = ()
    """Where it is devolved."""
    arrangements: tuple[str, ...] = ()
    """The arrangements it is devolved under."""
    elsewhere: Fate | None = None
    """For an activity devolved in some neighbourhoods, why not in the others (the commonest
    reason there)."""
    left_out: NearMiss | None = None
    """For one kept out (here or elsewhere), its most valuable option left out, with what kept
    it out."""


class ObstacleKind(str, Enum):
    """A reason no plan meets the scenario (docs/model.md, "Diagnosing an infeasible scenario")."""

    FLOOR_ABOVE_DEVOLVABLE = "equity floor above the activities that may be devolved"
    SAVING_OUT_OF_REACH = "required saving out of reach"
    FLOOR_WITHOUT_COLLECTIVE = "equity floor with no collective arrangement for the collective share"
    FLOOR_NEEDS_HOURS = "equity floor needs more volunteer hours than a neighbourhood has"
    FLOOR_NEEDS_SETUP = "equity floor costs more to set up than the transition budget"
    LIMIT_SHORT = "a limit would have to stretch"
    NO_PLAN_IN_TIME = "no plan found within the time limit"
    STRETCH_FAILED = "stretching the limits found no plan within the time limit"


class Obstacle(Frozen):
    """One reason a scenario cannot be met, with its figures (in the family's unit)."""

    kind: ObstacleKind
    family: Family | None = None
    neighbourhood_id: str | None = None
    needed: float | None = None
    available: float | None = None
    short_by: float | None = None


class NoteKind(str, Enum):
    """A remark from the solve, worth keeping beside the plan."""

    LP_BOUND = "the LP relaxation bounds every plan"
    REPAIRED = "fractional variables repaired"
    PRESOLVE = "options set aside by the dominance presolve"
    CBC_BOUND_FROM_TOLERANCE = "CBC's bound implied by its gap tolerance"
    EXACT_CONTINUED = "the exact MILP continued from the repaired plan"
    EXACT_INSTEAD = "the exact MILP was solved instead"
    NOTHING_TO_DEVOLVE = "no activity may be devolved"
    FLOOR_UNREACHABLE = "a floor cannot be met by any option on offer"
    LP_TIMED_OUT = "the LP relaxation did not finish in time"
    REPAIR_FAILED = "no integer plan found by fixing and repairing"
    START_KEPT = "the previous plan is still the best found"
    STOPPED = "the solver overran its deadline and was stopped"
    PARTIAL_BOUND = "a bound from the LP relaxation stopped part way"
    IPM_FELL_BACK = "interior point stopped short; dual simplex took over"
    MILP_TIMED_OUT = "the exact MILP found no plan in time"
    MILP_NOT_STARTED = "too little time left to start the exact MILP"


class SolveNote(Frozen):
    kind: NoteKind
    figures: dict[str, float] = {}
    """The numbers the remark is about, by name (e.g. ``seconds``, ``bound``, ``dropped``)."""


class OfferFigures(Frozen):
    """The best plan under the other offer (uniform everywhere, when the plan is differentiated),
    in the figures a cabinet weighs options by."""

    offer: Offer
    value: float
    """In benefit units, under the same weights."""
    decisions: int
    annual_cost: float
    """£ a year devolved."""
    residents: int
    """Residents reached (see :meth:`Plan.residents_reached`)."""
    one_off_cost: float
    volunteer_hours: float


class Plan(Frozen):
    """An optimised devolution plan and how it was reached."""

    scenario_name: str
    method: PlanMethod
    solver: str
    """The solver and its version, e.g. "HiGHS 1.15.1"."""
    status: PlanStatus
    objective: float | None
    """Total value of the plan, Σ v·x."""
    best_bound: float | None
    """No plan can be worth more than this (proved by the solver or the LP relaxation)."""
    gap: float | None
    """(best_bound − objective) / max(|objective|, 1e-9); 0 when proved optimal."""
    build_seconds: float
    solve_seconds: float
    extract_seconds: float
    decisions: tuple[Decision, ...] = ()
    partnerships: tuple[Partnership, ...] = ()
    bodies: tuple[NeighbourhoodBody, ...] = ()
    limits: tuple[LimitUse, ...] = ()
    retained: tuple[Retention, ...] = ()
    """Activities kept at today's scale, with the reason."""
    notes: tuple[SolveNote, ...] = ()
    # Filled by the explanation or the diagnosis after the solve.
    price_of_uniformity: float | None = None
    other_offer: OfferFigures | None = None
    """The best plan under the other offer, found when the price of uniformity is."""
    alternatives: tuple[Alternative, ...] = ()
    near_misses: tuple[NearMiss, ...] = ()
    fates: tuple[ActivityFate, ...] = ()
    """One per activity of the assessment, in its order."""
    diagnosis: tuple[Obstacle, ...] = ()

    @property
    def devolved(self) -> int:
        return len(self.decisions)

    def residents_reached(self) -> int:
        """Residents reached, without counting anyone twice within a neighbourhood: the largest
        reach of any decision there (a service's users are the same people whichever activity is
        devolved)."""
        most: dict[str, float] = {}
        for x in self.decisions:
            most[x.neighbourhood_id] = max(most.get(x.neighbourhood_id, 0.0), x.residents)
        return round(sum(most.values()))

    def one_off_cost(self) -> float:
        """£ once: every decision's own part, every partnership's and every body's set-up."""
        return (sum(x.transition_cost for x in self.decisions) + sum(p.setup_cost for p in self.partnerships)
                + sum(b.setup_cost for b in self.bodies))

    def figures(self, offer: Offer) -> OfferFigures:
        """This plan in the figures options are compared by."""
        return OfferFigures(offer=offer, value=self.objective or 0.0, decisions=len(self.decisions),
                            annual_cost=sum(x.annual_cost for x in self.decisions),
                            residents=self.residents_reached(), one_off_cost=self.one_off_cost(),
                            volunteer_hours=sum(x.volunteer_hours for x in self.decisions))

    @property
    def total_seconds(self) -> float:
        return self.build_seconds + self.solve_seconds + self.extract_seconds

    def chosen(self) -> dict[tuple[ActivityKey, str], str]:
        """(activity, neighbourhood_id) → configuration key, for every decision."""
        return {(d.key, d.neighbourhood_id): d.configuration for d in self.decisions}

    def limit(self, family: Family | str, neighbourhood_id: str | None = None) -> LimitUse:
        for lim in self.limits:
            if lim.family == family and lim.neighbourhood_id == neighbourhood_id:
                return lim
        raise KeyError((family, neighbourhood_id))

    def retained_keys(self) -> set[ActivityKey]:
        return {r.key for r in self.retained}
