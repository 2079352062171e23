"""Many councils compared: each council's plan in the figures councils are compared by, and the
services they share, matched by Local Government Service List id.

Pure records and functions, from an assessment and its plan (:func:`council_figures`) and from
every council's outcome (:func:`compare_councils`); :mod:`devolve.present.comparison` lays them
out as sheets and lines. A council whose workbook could not be read keeps its problems instead of
figures, so a comparison always accounts for every workbook it was given.

Services are matched across councils by their LGSL id (``lgsl_id`` on the Services sheet), the
national list councils and consultants compare services by; a service without one is matched by
its name, ignoring case and spacing. Within one council, services sharing a key (a council that
splits one LGSL service into two lines) are added together.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import Enum

from devolve.core.domain import Assessment
from devolve.core.limits import Family
from devolve.core.plan import Decision, Plan, PlanStatus
from devolve.core.problems import Problem, ProblemReport
from devolve.core.terms import STAGES, Stage


class Outcome(str, Enum):
    """What became of one council's workbook."""

    PLANNED = "planned"
    NO_PLAN = "no plan"
    """Read, but its scenario cannot be met, or no plan was found in the time allowed."""
    BROKEN = "broken"
    """It could not be read as an assessment: see its problems."""


ServiceKey = tuple[str, int | str]
"""How a service is matched across councils: ("lgsl", its LGSL id) or ("name", its name folded)."""


def service_key(lgsl_id: int | None, name: str) -> ServiceKey:
    """A service's LGSL id when it has one, else its name without case or extra spaces."""
    if lgsl_id is not None:
        return ("lgsl", lgsl_id)
    return ("name", " ".join(name.split()).casefold())


@dataclass(frozen=True)
class ServiceFigures:
    """One service of one council (or the services it lists under one key, added together)."""

    key: ServiceKey
    lgsl_id: int | None
    name: str
    annual_budget: float
    """£ a year: the service's net revenue budget."""
    stages: dict[Stage, int] = field(default_factory=dict)
    """Each stage devolved somewhere, and in how many neighbourhoods."""
    spend_devolved: float = 0.0
    """£ a year devolved: the decisions' annual cost."""
    decisions: int = 0

    @property
    def share_devolved(self) -> float:
        """The share of its budget devolved (0 when it has no budget)."""
        return self.spend_devolved / self.annual_budget if self.annual_budget > 0 else 0.0


@dataclass(frozen=True)
class BindingLimit:
    """A limit that stops a council's plan from improving."""

    family: Family
    neighbourhood_id: str | None = None
    neighbourhood: str | None = None
    """The neighbourhood's name, for a limit set per neighbourhood."""


@dataclass(frozen=True)
class CouncilFigures:
    """One council's plan in the figures councils are compared by (units in each field's note)."""

    scenario: str
    status: PlanStatus
    method: str
    solver: str
    value: float | None
    """Benefit units."""
    best_bound: float | None
    gap: float | None
    """A share: how far the plan may be from the best possible."""
    services: int
    neighbourhoods: int
    budget: float
    """£ a year: every service's budget."""
    decisions: int
    activities_devolved: int
    services_devolved: int
    neighbourhoods_reached: int
    partnerships: int
    spend_devolved: float
    """£ a year."""
    one_off_cost: float
    """£ once, set-up fees included."""
    running_change: float
    """£ a year (negative: a saving)."""
    contingency: float
    """£ held in reserve."""
    residents_reached: int
    volunteer_hours: float
    """Hours a year."""
    volunteer_value: float
    """£ a year: the volunteer hours at the rubric's value of an hour."""
    binding: tuple[BindingLimit, ...]
    by_service: tuple[ServiceFigures, ...]
    """Every service of the council, in its workbook's order (one per key)."""
    seconds: float
    """Seconds to build, solve and read back the plan."""

    @property
    def share_devolved(self) -> float:
        return self.spend_devolved / self.budget if self.budget > 0 else 0.0


@dataclass(frozen=True)
class CouncilResult:
    """What became of one council's workbook: its figures, or why there are none."""

    council: str
    """The council as the comparison names it (its file's name, without the extension)."""
    file: str
    figures: CouncilFigures | None = None
    problems: ProblemReport = field(default_factory=ProblemReport)
    """Every problem in the workbook: errors (it could not be read) and warnings."""
    why_no_plan: tuple[str, ...] = ()
    """In words, when the scenario cannot be met or no plan was found in time."""

    @property
    def outcome(self) -> Outcome:
        if self.figures is None:
            return Outcome.NO_PLAN if self.problems.ok and self.why_no_plan else Outcome.BROKEN
        return Outcome.PLANNED if self.figures.status.has_plan else Outcome.NO_PLAN


def council_figures(assessment: Assessment, plan: Plan, *, seconds: float | None = None) -> CouncilFigures:
    """A council's plan in the figures councils are compared by (all nought when it has no plan)."""
    found = plan.status.has_plan
    d = plan.decisions if found else ()
    hours = sum(x.volunteer_hours for x in d)
    names = {h.neighbourhood_id: h.name for h in assessment.neighbourhoods}
    return CouncilFigures(
        scenario=plan.scenario_name, status=plan.status, method=plan.method.value, solver=plan.solver,
        value=plan.objective if found else None, best_bound=plan.best_bound, gap=plan.gap if found else None,
        services=len(assessment.services), neighbourhoods=len(assessment.neighbourhoods),
        budget=sum(s.annual_budget for s in assessment.services),
        decisions=len(d), activities_devolved=len({x.activity_id for x in d}),
        services_devolved=len({x.service_id for x in d}), neighbourhoods_reached=len({x.neighbourhood_id for x in d}),
        partnerships=len(plan.partnerships) if found else 0,
        spend_devolved=sum(x.annual_cost for x in d),
        one_off_cost=plan.one_off_cost() if found else 0.0,
        running_change=sum(x.running_change for x in d), contingency=sum(x.contingency for x in d),
        residents_reached=plan.residents_reached() if found else 0,
        volunteer_hours=hours, volunteer_value=hours * assessment.rubric.value.volunteer_hour_value,
        binding=tuple(BindingLimit(lim.family, lim.neighbourhood_id, names.get(lim.neighbourhood_id or ""))
                      for lim in plan.limits if lim.binding) if found else (),
        by_service=_by_service(assessment, d),
        seconds=plan.total_seconds if seconds is None else seconds,
    )


def _by_service(assessment: Assessment, decisions: tuple[Decision, ...]) -> tuple[ServiceFigures, ...]:
    """Each service's figures under its comparison key: a council that splits one LGSL service into
    several lines has them added together, so it compares with a council that lists it once."""
    found: dict[ServiceKey, dict] = {}
    key_of = {}
    for s in assessment.services:
        key = service_key(s.lgsl_id, s.name)
        key_of[s.service_id] = key
        row = found.setdefault(key, {"lgsl_id": s.lgsl_id, "name": s.name, "budget": 0.0,
                                     "places": {}, "spend": 0.0, "decisions": 0})
        row["budget"] += s.annual_budget
    for x in decisions:
        row = found[key_of[x.service_id]]
        row["places"].setdefault(x.stage, set()).add(x.neighbourhood_id)
        row["spend"] += x.annual_cost
        row["decisions"] += 1
    return tuple(ServiceFigures(key=key, lgsl_id=r["lgsl_id"], name=r["name"], annual_budget=r["budget"],
                                stages={st: len(r["places"][st]) for st in STAGES if st in r["places"]},
                                spend_devolved=r["spend"], decisions=r["decisions"])
                 for key, r in found.items())


@dataclass(frozen=True)
class ServiceAcross:
    """One service as the councils that list it have it: matched by LGSL id, else by name."""

    key: ServiceKey
    lgsl_id: int | None
    name: str
    """The name most councils give it (the first council's, on a tie)."""
    names: tuple[str, ...]
    """Every name the councils give it, the commonest first."""
    by_council: dict[str, ServiceFigures]
    """Each planned council that lists it, by the council's name, in the comparison's order."""

    @property
    def councils_devolving(self) -> int:
        return sum(1 for f in self.by_council.values() if f.stages)

    def stage_councils(self, stage: Stage) -> tuple[str, ...]:
        """The councils that devolve this stage of the service somewhere."""
        return tuple(c for c, f in self.by_council.items() if stage in f.stages)


@dataclass(frozen=True)
class Comparison:
    """Every council's outcome, in order, and the services the planned ones list."""

    results: tuple[CouncilResult, ...]
    services: tuple[ServiceAcross, ...]

    @property
    def planned(self) -> tuple[CouncilResult, ...]:
        return tuple(r for r in self.results if r.outcome == Outcome.PLANNED)

    def counted(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)


def compare_councils(results: list[CouncilResult] | tuple[CouncilResult, ...]) -> Comparison:
    """The councils in the order given, and every service a planned council lists: those with an
    LGSL id first, by id, then the rest by name."""
    planned = [r for r in results if r.outcome == Outcome.PLANNED]
    gathered: dict[ServiceKey, dict[str, ServiceFigures]] = {}
    for r in planned:
        assert r.figures is not None
        for f in r.figures.by_service:
            gathered.setdefault(f.key, {})[r.council] = f
    services = []
    for key, by_council in gathered.items():
        named = Counter(f.name for f in by_council.values())
        names = tuple(sorted(named, key=lambda n: -named[n]))  # a stable sort: the first council's on a tie
        lgsl = next((f.lgsl_id for f in by_council.values() if f.lgsl_id is not None), None)
        services.append(ServiceAcross(key=key, lgsl_id=lgsl, name=names[0], names=names, by_council=by_council))
    services.sort(key=lambda s: (0, s.lgsl_id, "") if s.lgsl_id is not None else (1, 0, s.name.casefold()))
    return Comparison(results=tuple(results), services=tuple(services))


def council_names(files: list[str]) -> list[str]:
    """Each workbook's council named by its file's name without the extension, or with it where
    two files share a stem (calder.xlsx and calder.csv)."""
    stems = [f.rsplit(".", 1)[0] if "." in f.lstrip(".") else f for f in files]
    counted = Counter(s.casefold() for s in stems)
    return [f if counted[s.casefold()] > 1 else s for s, f in zip(stems, files)]


def broken(file: str, council: str, problems: list[Problem] | tuple[Problem, ...]) -> CouncilResult:
    """A workbook that could not be read, with every problem found in it."""
    return CouncilResult(council=council, file=file, problems=ProblemReport.of(problems))
