"""An assessment as the rows the workspace keeps, and back; what changed between two of them.

Pure functions: no database here. The rows hold what people entered; reading them back goes
through :func:`devolve.assess.assemble.assemble`, the same path a workbook takes, so a default
stays a default and an import gives back the assessment that was read.
"""

from __future__ import annotations

from dataclasses import dataclass
from graphlib import TopologicalSorter
from typing import Any, Mapping

from devolve.assess.assemble import assemble
from devolve.assess.capacity import neighbourhood
from devolve.assess.decompose import ActivityRecord
from devolve.core.domain import Assessment, Priorities, Service
from devolve.core.rubric import Rubric
from devolve.core.scenario import Scenario
from devolve.core.terms import CRITERIA, Criterion, ScoreSource, Stage

UNNAMED = ""
"""How an unnamed assessor is stored."""

Key = tuple[str, ...]
Rows = dict[str, dict[Key, dict[str, Any]]]
"""Subject (service, activity, score, neighbourhood, priorities, scenario) → key → fields."""

SUBJECTS = ("service", "activity", "score", "neighbourhood", "priorities", "scenario")
"""In the order rows are written (a score needs its service first)."""

KEYS: dict[str, tuple[str, ...]] = {
    "service": ("service_id",),
    "activity": ("service_id", "stage"),
    "score": ("service_id", "stage", "criterion", "assessor"),
    "neighbourhood": ("neighbourhood_id",),
    "priorities": ("neighbourhood_id",),
    "scenario": ("name",),
}
UNAUDITED = {"position", "scored_at", "scored_by"}
"""Fields that say where or when, not what: never reported as a change."""


def assessment_rows(assessment: Assessment) -> Rows:
    """What people entered in ``assessment``, row by row (defaults left out)."""
    rows: Rows = {s: {} for s in SUBJECTS}
    for i, s in enumerate(assessment.services):
        rows["service"][(s.service_id,)] = {
            "position": i, "name": s.name, "directorate": s.directorate, "service_type": s.service_type.value,
            "annual_budget": s.annual_budget, "statutory": s.statutory, "outcomes": list(s.outcomes),
            "lgsl_id": s.lgsl_id, "users": s.users, "extra": dict(s.extra),
        }
    for a in assessment.activities:
        given = a.cost_share if a.cost_share_source == ScoreSource.ASSESSED else None
        if given is not None or a.must_retain or a.retain_reason or a.extra:
            rows["activity"][(a.service_id, a.stage.value)] = {
                "cost_share": given, "must_retain": a.must_retain, "retain_reason": a.retain_reason,
                "extra": dict(a.extra),
            }
        for position, assessor in enumerate(_assessor_order(a.scores)):
            for score in a.scores:
                if score.source == ScoreSource.ASSESSED and (score.assessor or UNNAMED) == assessor:
                    rows["score"][(a.service_id, a.stage.value, score.criterion.value, assessor)] = {
                        "position": position, "value": score.value, "rationale": score.rationale,
                        "evidence": score.evidence,
                    }
    for i, n in enumerate(assessment.neighbourhoods):
        hours = n.volunteer_hours if n.volunteer_hours_source == ScoreSource.ASSESSED else None
        rows["neighbourhood"][(n.neighbourhood_id,)] = {
            "position": i, "name": n.name, "population": n.population,
            "share_aged_65_plus": n.share_aged_65_plus, "volunteer_hours": hours,
            "intermediaries": n.intermediaries, "extra": dict(n.extra),
        }
    for i, p in enumerate(assessment.priorities):
        rows["priorities"][(p.neighbourhood_id,)] = {
            "position": i, "source": p.source, "weights": {b.value: w for b, w in p.weights.items()},
            "services": dict(p.services), "extra": dict(p.extra),
        }
    rows["scenario"][(assessment.scenario.name,)] = scenario_settings(assessment.scenario)
    return rows


def _assessor_order(scores) -> list[str]:
    """The assessors of one activity in an order that keeps each criterion's scores in theirs.

    Every criterion lists its assessors in the order of the rows they came from, so an order
    consistent with all of them exists; rebuilding rows in it gives back the same scores.
    """
    order: TopologicalSorter[str] = TopologicalSorter()
    for c in CRITERIA:
        names = [s.assessor or UNNAMED for s in scores if s.criterion == c and s.source == ScoreSource.ASSESSED]
        for earlier, later in zip([None, *names], names):
            order.add(later, *([earlier] if earlier is not None else []))
    return list(order.static_order())


def scenario_settings(scenario: Scenario) -> dict[str, Any]:
    return scenario.model_dump(mode="json")


def rows_assessment(rubric: Rubric, rows: Rows, scenario: str | None = None) -> Assessment:
    """The assessment the rows describe, read against ``rubric``, planning with ``scenario``
    (by name; the only one kept when None)."""
    services = [Service(service_id=k[0], **{f: v for f, v in r.items() if f != "position"})
                for k, r in _in_order(rows["service"])]
    places = [neighbourhood(rubric, neighbourhood_id=k[0], **{f: v for f, v in r.items() if f != "position"})
              for k, r in _in_order(rows["neighbourhood"])]
    stated = [Priorities(neighbourhood_id=k[0], **{f: v for f, v in r.items() if f != "position"})
              for k, r in _in_order(rows["priorities"])]
    named = {k[0]: r for k, r in rows["scenario"].items()}
    chosen = Scenario.model_validate(named[scenario] if scenario is not None else next(iter(named.values())))
    return assemble(rubric, services, _records(rows), places, chosen, stated)


def _in_order(table: Mapping[Key, dict[str, Any]]) -> list[tuple[Key, dict[str, Any]]]:
    return sorted(table.items(), key=lambda item: item[1]["position"])


def _records(rows: Rows) -> list[ActivityRecord]:
    """Activities sheet rows again: one per assessor and activity (more where an assessor's
    criteria carry different rationales), the activity's own facts on its first."""
    grouped: dict[tuple[str, str, str, str | None, str | None], dict[Criterion, int]] = {}
    for (service_id, stage, criterion, assessor), r in sorted(
            rows["score"].items(), key=lambda item: (item[0][0], item[0][1], item[1]["position"])):
        grouped.setdefault((service_id, stage, assessor, r["rationale"], r["evidence"]), {})[Criterion(criterion)] \
            = r["value"]
    records: list[ActivityRecord] = []
    facts = dict(rows["activity"])
    for (service_id, stage, assessor, rationale, evidence), given in grouped.items():
        own = facts.pop((service_id, stage), None) or {}
        records.append(ActivityRecord(
            service_id=service_id, stage=Stage(stage), assessor=assessor or None, rationale=rationale,
            evidence=evidence, scores=given, **own))
    records += [ActivityRecord(service_id=k[0], stage=Stage(k[1]), **own) for k, own in facts.items()]
    return records


@dataclass(frozen=True)
class RowChange:
    """One row added, removed or changed, in the words the audit trail keeps."""

    subject: str
    key: Key
    old: dict[str, Any] | None
    new: dict[str, Any] | None

    @property
    def target(self) -> str:
        return " · ".join(part or "unnamed assessor" for part in self.key)

    def fields(self) -> list[tuple[str | None, Any, Any]]:
        """(field, old, new) for each field that changed; one (None, old row, new row) when the
        whole row came or went."""
        if self.old is None or self.new is None:
            return [(None, _shown(self.old), _shown(self.new))]
        return [(f, self.old.get(f), self.new.get(f)) for f in self.new
                if f not in UNAUDITED and self.old.get(f) != self.new.get(f)]


def _shown(row: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if row is None else {f: v for f, v in row.items() if f not in UNAUDITED}


def differences(old: Rows, new: Rows) -> list[RowChange]:
    """Every row that differs between two assessments' rows, in writing order."""
    found: list[RowChange] = []
    for subject in SUBJECTS:
        before, after = old.get(subject, {}), new.get(subject, {})
        for key in list(before) + [k for k in after if k not in before]:
            was, now = before.get(key), after.get(key)
            if was != now:
                found.append(RowChange(subject, key, was, now))
    return found


def rubric_content(rubric: Rubric) -> dict[str, Any]:
    return rubric.model_dump(mode="json")
