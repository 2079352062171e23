"""What the workspace hands back and refuses with: records of assessments, changes and plans,
the edits people make, and the errors they can act on. Plain data; the store makes them.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Sequence

from devolve.core.domain import Assessment
from devolve.core.plan import Plan
from devolve.core.terms import Criterion, Stage
from devolve.workspace.location import WorkspaceError


class NotFound(WorkspaceError):
    pass


class NameTaken(WorkspaceError):
    pass


class Locked(WorkspaceError):
    pass


@dataclass(frozen=True)
class Change:
    """One entry of the audit trail: who changed what, when, from which value to which."""

    assessment: str
    revision: int
    at: datetime
    by: str
    action: str
    subject: str
    target: str
    field: str | None = None
    old: Any = None
    new: Any = None


class Conflict(WorkspaceError):
    """Someone else changed the same rows since the writer last read them; nothing was written.

    ``changes`` are theirs; read the assessment again (its new revision) and re-apply.
    """

    def __init__(self, assessment: str, seen: int, changes: Sequence[Change]):
        self.assessment, self.seen, self.changes = assessment, seen, tuple(changes)
        first = self.changes[0]
        more = f" and {len(self.changes) - 1} more change(s)" if len(self.changes) > 1 else ""
        what = f"{first.subject} {first.target}" + (f" ({first.field})" if first.field else "")
        super().__init__(
            f"{first.by} changed {what} in '{assessment}' on {local(first.at)}{more} since you "
            f"read it (revision {seen}); nothing of yours was saved. Open it again to see their change, then "
            "apply yours again.")


@dataclass(frozen=True)
class Summary:
    """An assessment as the workspace lists it."""

    name: str
    revision: int
    services: int
    neighbourhoods: int
    scores: int
    assessors: tuple[str, ...]
    to_discuss: int
    """Scores (activity and criterion) on which assessors are more than one level apart."""
    scenario: str
    created_at: datetime
    created_by: str
    source: str | None
    copied_from: str | None
    locked_at: datetime | None
    locked_by: str | None
    lock_note: str | None
    last_change: datetime


@dataclass(frozen=True)
class Opened:
    """An assessment read back, with the revision to name when writing changes to it."""

    name: str
    revision: int
    assessment: Assessment
    locked: bool


@dataclass(frozen=True)
class ScoreEdit:
    """One assessor's score for one criterion of one activity; ``value`` None withdraws it.

    A rationale or evidence left None keeps what the assessor wrote before; "" clears it.
    """

    service_id: str
    stage: Stage
    criterion: Criterion
    assessor: str
    value: int | None
    rationale: str | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class PlanRecord:
    """A plan as the workspace keeps it: what it came from and how the solver did."""

    id: int
    assessment: str
    revision: int
    recorded_at: datetime
    recorded_by: str
    scenario_name: str
    status: str
    objective: float | None
    best_bound: float | None
    gap: float | None
    seconds: float
    decisions: int
    inputs_digest: str
    command: str | None


@dataclass(frozen=True)
class RecordedPlan:
    """A kept plan with the exact assessment (rubric and scenario included) it was made from."""

    record: PlanRecord
    assessment: Assessment
    plan: Plan


def now() -> datetime:
    """Now in UTC, as the workspace keeps times (to the second)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def local(at: datetime) -> str:
    """A kept time as people read it: in their own time zone, named."""
    return at.replace(tzinfo=UTC).astimezone().strftime("%d %b %Y %H:%M %Z")


def who() -> str:
    """The person at the keyboard: ``DEVOLVE_USER`` where set (a shared account), else the login name."""
    if os.environ.get("DEVOLVE_USER"):
        return os.environ["DEVOLVE_USER"]
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container, a service account)
        return "unknown user"
