"""The input workbook's columns: one table that the reader, the writer, the template, its
README sheet and ``docs/input-format.md`` are all generated from or checked against.

Change a column here and every one of those follows; ``tests/io/test_template.py`` fails until
the documentation shows the same table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from devolve.core.rubric import Rubric
from devolve.core.terms import BENEFITS, Kind, ServiceType, Stage


@dataclass(frozen=True)
class Column:
    key: str
    kind: Kind
    meaning: str
    required: bool = False
    blank: str = ""
    """What a blank cell means; empty for required columns."""
    allowed: str = ""
    """The values accepted, in words (rubric-dependent lists are filled in from the rubric)."""
    aliases: tuple[str, ...] = ()
    width: int = 14
    minimum: int = 0
    """The smallest whole number accepted, for whole-number columns."""


SERVICES = "Services"
ACTIVITIES = "Activities"
NEIGHBOURHOODS = "Neighbourhoods"
PRIORITIES = "Priorities"
SCENARIO = "Scenario"
SHEETS = (SERVICES, ACTIVITIES, NEIGHBOURHOODS, PRIORITIES, SCENARIO)
"""The sheets devolve reads, in the order it writes them. Any other sheet is ignored."""

_SCORE_ALLOWED = "a whole number on the rubric's scale ({levels})"

SERVICE_COLUMNS: tuple[Column, ...] = (
    Column("service_id", Kind.ID, "Your reference for the service; unique on this sheet.", required=True,
           allowed="text up to 64 characters", aliases=("id", "service_ref", "service_reference", "ref"), width=12),
    Column("name", Kind.TEXT, "The service's name as officers know it.", required=True,
           aliases=("service", "service_name"), width=36),
    Column("directorate", Kind.TEXT, "The directorate or department that runs it.", required=True,
           aliases=("department",), width=24),
    Column("service_type", Kind.CHOICE, "The old scale typology, used only for first-guess costs and scores.",
           required=True, allowed=", ".join(t.value for t in ServiceType), aliases=("type",), width=20),
    Column("annual_budget", Kind.MONEY, "Net annual revenue budget in pounds.", required=True,
           allowed="a number of pounds, 0 or more (£ signs and commas are fine)",
           aliases=("budget", "net_budget", "net_annual_budget", "annual_budget_gbp"), width=16),
    Column("statutory", Kind.YES_NO, "Does a statutory duty cover the service? Its {statutory_stages} then "
           "stay with the council.", blank="no", allowed="yes or no",
           aliases=("statutory_duty",), width=11),
    Column("outcomes", Kind.KEYS, "The outcomes the service serves, from the rubric's outcome frameworks.",
           blank="none", allowed="outcome keys separated by semicolons ({outcomes})", aliases=("outcome",),
           width=30),
    Column("lgsl_id", Kind.WHOLE, "Local Government Service List identifier, to compare services across "
           "councils.", blank="none", allowed="a whole number, 1 or more",
           aliases=("lgsl", "lgsl_code", "lgsl_number"), width=10, minimum=1),
    Column("users", Kind.WHOLE, "Residents who use the service in a year (users, caseload or households "
           "served), council-wide: the outcomes benefit follows them.",
           blank="the rubric's usual share of residents for the service type", allowed="a whole number, 0 or more",
           aliases=("service_users", "caseload", "clients", "residents_served"), width=11, minimum=0),
)

ACTIVITY_COLUMNS: tuple[Column, ...] = (
    Column("service_id", Kind.ID, "The service this activity belongs to (its id on the Services sheet).",
           required=True, allowed="a service_id from the Services sheet", aliases=("id", "service_ref", "service"),
           width=12),
    Column("stage", Kind.CHOICE, "Which of the nine value-chain activities of the service.", required=True,
           allowed=", ".join(s.value for s in Stage), aliases=("activity", "value_chain_stage"), width=16),
    Column("cost_share", Kind.SHARE, "Share of the service's annual budget spent on this activity.",
           blank="the service type's prior, scaled to what the given shares leave",
           allowed="0 to 1, or a percentage like 12%", aliases=("share_of_cost", "share_of_budget"), width=12),
    Column("must_retain", Kind.YES_NO, "Keep this activity at today's scale whatever its scores.",
           blank="no", allowed="yes or no", aliases=("retain",), width=12),
    Column("retain_reason", Kind.TEXT, "Why it must be retained, in words a committee would accept.",
           blank="none", aliases=("reason", "retention_reason"), width=30),
    Column("assessor", Kind.TEXT, "Who gave the scores on this row. Several rows may score the same "
           "activity, one per assessor.", blank="anonymous (only one such row per activity)",
           aliases=("assessed_by", "scorer"), width=16),
    Column("outcomes", Kind.LEVEL, "Criterion 1: would the outcomes improve with neighbourhood input?",
           blank="the rubric's default score, marked as not yet assessed", allowed=_SCORE_ALLOWED,
           aliases=("outcomes_score", "outcome"), width=11),
    Column("unbundling", Kind.LEVEL, "Criterion 2: separated from the chain, can it be done locally?",
           blank="the rubric's default score, marked as not yet assessed", allowed=_SCORE_ALLOWED,
           aliases=("unbundling_score",), width=11),
    Column("partnership", Kind.LEVEL, "Criterion 3: is there a cost-effective local partnership for it?",
           blank="the rubric's default score, marked as not yet assessed", allowed=_SCORE_ALLOWED,
           aliases=("partnership_score", "partnership_configuration"), width=11),
    Column("resilience", Kind.LEVEL, "Criterion 4: how does local involvement change the risk of failure?",
           blank="the rubric's default score, marked as not yet assessed", allowed=_SCORE_ALLOWED,
           aliases=("resilience_score",), width=11),
    Column("rationale", Kind.TEXT, "Why the assessor gave these scores.", blank="none", width=40),
    Column("evidence", Kind.TEXT, "What the scores rest on: a report, a pilot, a conversation.",
           blank="none", width=30),
)

NEIGHBOURHOOD_COLUMNS: tuple[Column, ...] = (
    Column("neighbourhood_id", Kind.ID, "Your reference for the neighbourhood; unique on this sheet.",
           required=True, allowed="text up to 64 characters", aliases=("id", "ward_id", "area_id"), width=14),
    Column("name", Kind.TEXT, "The name residents use for the place.", required=True,
           aliases=("neighbourhood", "neighbourhood_name", "ward", "area"), width=24),
    Column("population", Kind.WHOLE, "Residents living there.", required=True,
           allowed="a whole number, 1 or more", aliases=("residents",), width=12, minimum=1),
    Column("share_aged_65_plus", Kind.SHARE, "Share of residents aged 65 and over (willingness to "
           "co-produce rises with age).", required=True, allowed="0 to 1, or a percentage like 23%",
           aliases=("aged_65_plus", "share_65_plus", "share_aged_65", "over_65s", "share_over_65"), width=14),
    Column("volunteer_hours", Kind.NUMBER, "Co-production capacity: volunteer hours a year residents "
           "could give.", blank="estimated from population and age profile with the rubric's "
           "participation rates, marked as a default", allowed="a number, 0 or more",
           aliases=("volunteer_hours_a_year", "volunteer_hours_per_year", "capacity"), width=14),
    Column("intermediaries", Kind.WHOLE, "Third-sector intermediaries active here: street "
           "representatives, community organisations.", blank="0", allowed="a whole number, 0 or more",
           aliases=("number_of_intermediaries", "intermediary_count"), width=13),
)

PRIORITY_COLUMNS: tuple[Column, ...] = (
    Column("neighbourhood_id", Kind.ID, "The neighbourhood whose residents stated this priority (its id on "
           "the Neighbourhoods sheet).", required=True, allowed="a neighbourhood_id from the Neighbourhoods sheet",
           aliases=("neighbourhood", "area_id", "ward_id"), width=14),
    Column("priority", Kind.TEXT, "What residents weighed: a benefit ({benefits}) or a service, by its "
           "service_id.", required=True, allowed="a benefit key or a service_id from the Services sheet",
           aliases=("benefit", "service_id", "about"), width=22),
    Column("weight", Kind.NUMBER, "How much residents weigh it. Benefits' weights are relative to each other "
           "(they need not add to 1; benefits left off count 0). A service's weight is its priority on any "
           "scale; services left off count as the average of those listed.", required=True,
           allowed="a number, 0 or more (above 0 for a service)", aliases=("score", "rank_weight"), width=10),
    Column("source", Kind.TEXT, "Where the priority comes from: a forum, a workshop, a survey, and when.",
           blank="none", aliases=("from", "evidence"), width=34),
)

SCENARIO_COLUMNS: tuple[Column, ...] = (
    Column("setting", Kind.TEXT, "The name of a scenario setting (see the table of settings).",
           required=True, aliases=("parameter", "name"), width=30),
    Column("value", Kind.TEXT, "Its value for this scenario.", blank="the default in the table of settings",
           width=18),
    Column("notes", Kind.TEXT, "Anything you want to remember about the setting; not read.", blank="",
           width=70),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    SERVICES: SERVICE_COLUMNS,
    ACTIVITIES: ACTIVITY_COLUMNS,
    NEIGHBOURHOODS: NEIGHBOURHOOD_COLUMNS,
    PRIORITIES: PRIORITY_COLUMNS,
    SCENARIO: SCENARIO_COLUMNS,
}

SHEET_PURPOSE: dict[str, str] = {
    SERVICES: "The service inventory, one row per service. Required; often all a consultant has at first.",
    ACTIVITIES: "Scores for the nine value-chain activities of each service, one row per activity and "
    "assessor. Optional: activities not listed use the rubric's first guesses.",
    NEIGHBOURHOODS: "The places a plan devolves to, one row per neighbourhood. Optional for "
    "validation; the optimiser needs at least one.",
    PRIORITIES: "Residents' own priorities, one row per neighbourhood and benefit or service, from a "
    "forum, workshop or survey. Optional: blended with the council's weights by the residents_share setting.",
    SCENARIO: "The limits and choices of one optimisation run, one row per setting. Optional: "
    "missing settings take their defaults.",
}

_UNIT = re.compile(r"\s*(\([^()]{0,16}\)|£|%)\s*$")
_SEPARATORS = re.compile(r"[\W_]+")


def normalise_header(text: object) -> str:
    """Headers as people write them to one form: 'Annual budget (£)' -> 'annual_budget'."""
    s = str(text).strip().lower().replace("neighborhood", "neighbourhood")
    s = s.replace("+", " plus ")
    s = _UNIT.sub("", s)
    return _SEPARATORS.sub("_", s).strip("_")


def header_lookup(columns: tuple[Column, ...]) -> dict[str, str]:
    """Every accepted spelling of a sheet's headers, normalised, to the column key."""
    lookup: dict[str, str] = {}
    for col in columns:
        for name in (*col.aliases, col.key):
            lookup[normalise_header(name)] = col.key
    return lookup


def allowed_text(column: Column, rubric: Rubric) -> str:
    """The column's accepted values in words, with the rubric's own lists filled in."""
    levels = f"{rubric.scale_min} to {rubric.scale_max}"
    return column.allowed.format(levels=levels, outcomes=", ".join(rubric.outcomes))


def meaning_text(column: Column, rubric: Rubric) -> str:
    """What the column means, with the rubric's own rules filled in."""
    stages = [s.value for s in rubric.retention.statutory_stages] or ["no stage"]
    named = stages[0] if len(stages) == 1 else ", ".join(stages[:-1]) + " and " + stages[-1]
    return column.meaning.format(statutory_stages=named, benefits=", ".join(b.value for b in BENEFITS))


def choices(sheet: str, column: Column, rubric: Rubric) -> tuple[str, ...]:
    """Values a drop-down should offer for a column (empty: free entry)."""
    if column.kind == Kind.YES_NO:
        return ("yes", "no")
    if column.kind == Kind.LEVEL:
        return tuple(str(v) for v in rubric.levels)
    if column.key == "service_type":
        return tuple(t.value for t in ServiceType)
    if column.key == "stage":
        return tuple(s.value for s in Stage)
    if sheet == SERVICES and column.key == "outcomes":
        return tuple(rubric.outcomes)
    return ()
