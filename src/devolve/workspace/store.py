"""The workspace: assessments kept in a database, every write one transaction, nothing lost.

Two officers may work on one assessment at once. Each write names the revision its author last
read (``seen``); if someone else has since changed any of the same rows, the write is refused
with a :class:`Conflict` naming who changed what, and nothing is written. Changes to other rows
go through: scores are kept per assessor, so officers scoring side by side never collide.
"""

from __future__ import annotations

import json
import zlib
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Iterator, Sequence

from sqlalchemy import Connection, Table, and_, delete, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from devolve.core.digests import digest, inputs_digests
from devolve.core.domain import Assessment
from devolve.core.plan import Plan
from devolve.core.rubric import Rubric
from devolve.core.scenario import Scenario
from devolve.core.terms import DISAGREEMENT_LEVELS, Criterion, Stage
from devolve.workspace import tables as t
from devolve.workspace.location import WorkspaceError, bring_up_to_date, engine_for, shown, workspace_url
from devolve.workspace.records import (
    Change,
    Conflict,
    Locked,
    NameTaken,
    NotFound,
    Opened,
    PlanRecord,
    RecordedPlan,
    ScoreEdit,
    Summary,
    local,
    now,
    who,
)
from devolve.workspace.rows import (
    KEYS,
    SUBJECTS,
    UNNAMED,
    Key,
    RowChange,
    Rows,
    assessment_rows,
    differences,
    rows_assessment,
    rubric_content,
    scenario_settings,
)

TABLES: dict[str, Table] = {
    "service": t.services, "activity": t.activities, "score": t.scores,
    "neighbourhood": t.neighbourhoods, "priorities": t.priorities, "scenario": t.scenarios,
}


class Workspace:
    """One workspace: open it once, then read and write assessments by name."""

    def __init__(self, url: str | None = None, *, create: bool = True):
        """Open the workspace at ``url`` (see :func:`workspace_url`). ``create`` False refuses a
        workspace file that does not exist yet, so a mistyped path is not taken for an empty one."""
        self.url = workspace_url(url)
        self.engine = engine_for(self.url, create=create)
        try:
            bring_up_to_date(self.engine)
        except WorkspaceError:
            raise
        except Exception as exc:
            cause = getattr(exc, "orig", None) or exc  # the database's own words, not SQLAlchemy's wrapping
            raise WorkspaceError(f"the workspace {self.where} cannot be opened ({type(cause).__name__}: "
                                 f"{str(cause).splitlines()[0]})") from exc
        self._rubrics: dict[str, Rubric] = {}

    @property
    def where(self) -> str:
        return shown(self.url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- reading

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """One consistent view for a read of several tables: PostgreSQL's default would let a
        write committed half-way through show in the later tables (SQLite's transaction already
        sees one snapshot)."""
        c = self.engine.connect()
        if self.engine.dialect.name == "postgresql":
            c = c.execution_options(isolation_level="REPEATABLE READ")
        with c, c.begin():
            yield c

    def names(self) -> list[str]:
        with self._reading() as c:
            return list(c.scalars(select(t.assessments.c.name).order_by(t.assessments.c.name)))

    def summaries(self) -> list[Summary]:
        with self._reading() as c:
            rows = c.execute(select(t.assessments).order_by(t.assessments.c.name)).mappings().all()
            return [self._summary(c, r) for r in rows]

    def summary(self, name: str) -> Summary:
        with self._reading() as c:
            return self._summary(c, self._row(c, name))

    def _summary(self, c: Connection, row) -> Summary:
        aid = row["id"]

        def count(table: Table) -> int:
            return c.scalar(select(func.count()).select_from(table).where(table.c.assessment_id == aid)) or 0

        assessors = tuple(c.scalars(select(t.scores.c.assessor).where(t.scores.c.assessment_id == aid)
                                    .distinct().order_by(t.scores.c.assessor)))
        parent = c.scalar(select(t.assessments.c.name).where(t.assessments.c.id == row["copied_from"])) \
            if row["copied_from"] is not None else None
        last = c.scalar(select(func.max(t.changes.c.at)).where(t.changes.c.assessment_id == aid,
                                                                t.changes.c.action != "planned"))
        spread = func.max(t.scores.c.value) - func.min(t.scores.c.value)
        apart = (select(spread).where(t.scores.c.assessment_id == aid)
                 .group_by(t.scores.c.service_id, t.scores.c.stage, t.scores.c.criterion)
                 .having(spread > DISAGREEMENT_LEVELS))
        return Summary(
            name=row["name"], revision=row["revision"], services=count(t.services),
            neighbourhoods=count(t.neighbourhoods), scores=count(t.scores),
            assessors=tuple(a or "unnamed assessor" for a in assessors),
            to_discuss=c.scalar(select(func.count()).select_from(apart.subquery())) or 0, scenario=row["scenario_name"],
            created_at=row["created_at"], created_by=row["created_by"], source=row["source"],
            copied_from=parent, locked_at=row["locked_at"], locked_by=row["locked_by"], lock_note=row["lock_note"],
            last_change=last or row["created_at"])

    def open(self, name: str, scenario: str | None = None) -> Opened:
        """The assessment called ``name`` read back, planning with its scenario (or the one named)."""
        with self._reading() as c:
            row = self._row(c, name)
            rows = self._rows(c, row["id"])
            rubric = self._rubric(c, row["rubric_digest"])
        chosen = scenario or row["scenario_name"]
        if (chosen,) not in rows["scenario"]:
            raise NotFound(f"'{name}' has no scenario called '{chosen}' (it has: "
                           f"{', '.join(k[0] for k in rows['scenario'])})")
        return Opened(row["name"], row["revision"], rows_assessment(rubric, rows, chosen), row["locked_at"] is not None)

    def scenarios(self, name: str) -> list[str]:
        with self._reading() as c:
            aid = self._row(c, name)["id"]
            return list(c.scalars(select(t.scenarios.c.name).where(t.scenarios.c.assessment_id == aid)
                                  .order_by(t.scenarios.c.name)))

    def changes(self, name: str | None = None, *, since: int | None = None, limit: int | None = None) -> list[Change]:
        """The audit trail, newest first: of one assessment (after revision ``since``) or of all."""
        query = (select(t.changes, t.assessments.c.name.label("assessment"))
                 .join(t.assessments, t.assessments.c.id == t.changes.c.assessment_id)
                 .order_by(t.changes.c.at.desc(), t.changes.c.id.desc()))
        with self._reading() as c:
            if name is not None:
                query = query.where(t.changes.c.assessment_id == self._row(c, name)["id"])
            if since is not None:
                query = query.where(t.changes.c.revision > since)
            if limit is not None:
                query = query.limit(limit)
            return [_change(r) for r in c.execute(query).mappings()]

    def _row(self, c: Connection, name: str, *, for_update: bool = False):
        name = _tidy(name)
        query = select(t.assessments).where(t.assessments.c.name == name)
        if for_update:
            query = query.with_for_update()
        row = c.execute(query).mappings().first()
        if row is None:
            known = list(c.scalars(select(t.assessments.c.name).order_by(t.assessments.c.name)))
            listed = ", ".join(f"'{k}'" for k in known[:10]) or "none yet: import a workbook first"
            raise NotFound(f"the workspace has no assessment called '{name}' (it has: {listed})")
        return row

    def _rows(self, c: Connection, aid: int) -> Rows:
        rows: Rows = {s: {} for s in SUBJECTS}
        for subject in SUBJECTS:
            table = TABLES[subject]
            for r in c.execute(select(table).where(table.c.assessment_id == aid)).mappings():
                key = tuple(str(r[k]) for k in KEYS[subject])
                rows[subject][key] = _from_db(subject, r)
        return rows

    def _rubric(self, c: Connection, found: str) -> Rubric:
        if found not in self._rubrics:
            content = c.scalar(select(t.rubrics.c.content).where(t.rubrics.c.digest == found))
            self._rubrics[found] = Rubric.model_validate(content)
        return self._rubrics[found]

    # --- writing

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """One transaction, queued behind any other writer: all of it is written, or none."""
        with self.engine.connect().execution_options(writing=True) as c, c.begin():
            yield c

    def _changing(self, c: Connection, name: str):
        row = self._row(c, name, for_update=True)
        if row["locked_at"] is not None:
            raise Locked(f"'{name}' was locked by {row['locked_by']} on {local(row['locked_at'])}"
                         f"{' (' + row['lock_note'] + ')' if row['lock_note'] else ''} and cannot change; "
                         f"copy it to a new name to work on it (devolve workspace copy \"{row['name']}\" NEW)")
        return row

    def _keep_rubric(self, c: Connection, rubric: Rubric) -> str:
        content = rubric_content(rubric)
        found = digest(content)
        if c.scalar(select(t.rubrics.c.digest).where(t.rubrics.c.digest == found)) is None:
            c.execute(_insert_once(c, t.rubrics).values(digest=found, name=rubric.name, content=content,
                                                         recorded_at=now()))
        self._rubrics.setdefault(found, rubric)
        return found

    def import_assessment(self, assessment: Assessment, name: str, *, by: str | None = None,
                          source: str | None = None) -> Summary:
        """Keep ``assessment`` as a new assessment called ``name``, all of it or (on any failure) none."""
        by = by or who()
        name = _checked_name(name)
        rows = assessment_rows(assessment)
        at = now()
        try:
            with self._writing() as c:
                if c.scalar(select(t.assessments.c.id).where(t.assessments.c.name == name)) is not None:
                    raise NameTaken(f"the workspace already has an assessment called '{name}'; choose another "
                                    "name (--name), or bring the file's changes into it (--into)")
                aid = c.execute(insert(t.assessments).values(
                    name=name, rubric_digest=self._keep_rubric(c, assessment.rubric),
                    scenario_name=assessment.scenario.name, revision=1, created_at=at, created_by=by,
                    source=source).returning(t.assessments.c.id)).scalar_one()
                for subject in SUBJECTS:
                    batch = [_to_db(subject, aid, key, fields, at, source or by) for key, fields in rows[subject].items()]
                    if batch:
                        c.execute(insert(TABLES[subject]), batch)
                counts = {s: len(rows[s]) for s in SUBJECTS}
                c.execute(insert(t.changes).values(
                    assessment_id=aid, revision=1, at=at, by=by, action="imported", subject="assessment",
                    target=name, new_value={"source": source, **counts}))
                return self._summary(c, self._row(c, name))
        except IntegrityError as exc:  # another officer imported under the same name a moment ago
            if "name" not in str(exc.orig):
                raise
            raise NameTaken(f"the workspace already has an assessment called '{name}'") from exc

    def save(self, opened: Opened, assessment: Assessment, *, by: str | None = None) -> int:
        """Keep the changes made to an assessment since it was ``opened``: only what differs from
        what was read is written, so others' changes to other rows since then stay.

        Returns the new revision (the one read when nothing changed). Raises :class:`Conflict`
        when someone else changed any of the same rows since, :class:`Locked` for a locked one.
        """
        name = opened.name
        found = differences(assessment_rows(opened.assessment), assessment_rows(assessment))
        # a scenario no longer in the assessment is not removed: scenarios are kept by name
        found = [f for f in found if not (f.subject == "scenario" and f.new is None)]
        with self._writing() as c:
            row = self._changing(c, name)
            if self._keep_rubric(c, assessment.rubric) != row["rubric_digest"]:
                raise WorkspaceError(f"'{name}' is scored against another rubric; import it under a new name")
            chosen = assessment.scenario.name
            return self._apply(c, row, found, opened.revision, by or who(),
                               scenario=chosen if chosen != opened.assessment.scenario.name else None)

    def record_scores(self, name: str, edits: Sequence[ScoreEdit], *, seen: int, by: str | None = None) -> int:
        """Keep assessors' scores as they are entered, one or many at once; returns the new revision."""
        with self._writing() as c:
            row = self._changing(c, name)
            aid = row["id"]
            rubric = self._rubric(c, row["rubric_digest"])
            services = set(c.scalars(select(t.services.c.service_id).where(t.services.c.assessment_id == aid)))
            found: list[RowChange] = []
            for e in edits:
                if e.service_id not in services:
                    raise WorkspaceError(f"'{name}' has no service '{e.service_id}'")
                if e.value is not None and not rubric.scale_min <= e.value <= rubric.scale_max:
                    raise WorkspaceError(f"a score is a whole level from {rubric.scale_min} to {rubric.scale_max}, "
                                         f"not {e.value} ({e.service_id} {e.stage.value}, {e.criterion.value})")
                key = (e.service_id, Stage(e.stage).value, Criterion(e.criterion).value, e.assessor or UNNAMED)
                current = c.execute(select(t.scores).where(_key_of(t.scores, "score", aid, key))).mappings().first()
                old = _from_db("score", current) if current is not None else None
                new = None if e.value is None else {
                    "position": old["position"] if old else self._next_position(c, aid, key), "value": e.value,
                    "rationale": _kept(e.rationale, old, "rationale"), "evidence": _kept(e.evidence, old, "evidence")}
                if old != new:
                    found.append(RowChange("score", key, old, new))
            return self._apply(c, row, found, seen, by or who())

    def _next_position(self, c: Connection, aid: int, key: Key) -> int:
        """A new assessor goes after the activity's others; a known one keeps their place."""
        service_id, stage, _, assessor = key
        same = and_(t.scores.c.assessment_id == aid, t.scores.c.service_id == service_id, t.scores.c.stage == stage)
        known = c.scalar(select(t.scores.c.position).where(same, t.scores.c.assessor == assessor).limit(1))
        if known is not None:
            return known
        last = c.scalar(select(func.max(t.scores.c.position)).where(same))
        return 0 if last is None else last + 1

    def _apply(self, c: Connection, row, found: list[RowChange], seen: int, by: str, *,
               scenario: str | None = None) -> int:
        aid = row["id"]
        if not found and scenario is None:
            return row["revision"]
        if seen != row["revision"]:
            theirs = [_change({**r, "assessment": row["name"]}) for r in c.execute(
                select(t.changes).where(t.changes.c.assessment_id == aid, t.changes.c.revision > seen)
                .order_by(t.changes.c.id)).mappings()]
            clash = _clashes(found, theirs, choosing=scenario is not None)
            if clash:
                raise Conflict(row["name"], seen, clash)
        revision, at = row["revision"] + 1, now()
        audit: list[dict[str, Any]] = []
        for f in found:
            table = TABLES[f.subject]
            if f.new is None:
                c.execute(delete(table).where(_key_of(table, f.subject, aid, f.key)))
            elif f.old is None:
                c.execute(insert(table).values(_to_db(f.subject, aid, f.key, f.new, at, by)))
            else:
                c.execute(update(table).where(_key_of(table, f.subject, aid, f.key))
                          .values(_to_db(f.subject, aid, f.key, f.new, at, by)))
            action = "added" if f.old is None else "removed" if f.new is None else "changed"
            audit += [dict(assessment_id=aid, revision=revision, at=at, by=by, action=action, subject=f.subject,
                           target=f.target, field=field, old_value=old, new_value=new)
                      for field, old, new in f.fields()]
        if scenario is not None:
            audit.append(dict(assessment_id=aid, revision=revision, at=at, by=by, action="chose",
                              subject="assessment", target=row["name"], field="scenario",
                              old_value=row["scenario_name"], new_value=scenario))
        if audit:  # a change of order alone is kept, but is not a change of what was said
            c.execute(insert(t.changes), audit)
        c.execute(update(t.assessments).where(t.assessments.c.id == aid)
                  .values(revision=revision, **({"scenario_name": scenario} if scenario else {})))
        return revision

    def save_scenario(self, name: str, scenario: Scenario, *, seen: int, use: bool = False,
                      by: str | None = None) -> int:
        """Keep ``scenario`` under its name (replacing one of that name); ``use`` makes it the one
        the assessment plans with. Returns the new revision."""
        with self._writing() as c:
            row = self._changing(c, name)
            key = (scenario.name,)
            old = c.scalar(select(t.scenarios.c.settings).where(_key_of(t.scenarios, "scenario", row["id"], key)))
            new = scenario_settings(scenario)
            found = [RowChange("scenario", key, old, new)] if old != new else []
            chosen = scenario.name if use and scenario.name != row["scenario_name"] else None
            return self._apply(c, row, found, seen, by or who(), scenario=chosen)

    def record_plan(self, name: str, assessment: Assessment, plan: Plan, *, revision: int | None = None,
                    by: str | None = None, command: str | None = None) -> PlanRecord:
        """Keep a plan made for the assessment called ``name`` as read at ``revision`` (default:
        its revision now), with the exact inputs it came from.

        A locked assessment takes plans too: planning changes nothing in it.
        """
        by = by or who()
        parts = inputs_digests(assessment)
        at = now()
        with self._writing() as c:
            row = self._row(c, name, for_update=True)
            rubric = self._keep_rubric(c, assessment.rubric)
            if c.scalar(select(t.inputs.c.digest).where(t.inputs.c.digest == parts["assessment"])) is None:
                content = assessment.model_dump_json(exclude={"rubric", "scenario"}).encode("utf-8")
                c.execute(_insert_once(c, t.inputs).values(digest=parts["assessment"],
                                                           content=zlib.compress(content), recorded_at=at))
            seconds = plan.build_seconds + plan.solve_seconds + plan.extract_seconds
            pid = c.execute(insert(t.plans).values(
                assessment_id=row["id"], assessment_revision=revision if revision is not None else row["revision"],
                recorded_at=at, recorded_by=by,
                scenario_name=assessment.scenario.name, scenario=scenario_settings(assessment.scenario),
                inputs_digest=parts["inputs"], assessment_digest=parts["assessment"],
                scenario_digest=parts["scenario"], rubric_digest=rubric, method=plan.method.value,
                solver=plan.solver, status=plan.status.value, objective=plan.objective, best_bound=plan.best_bound,
                gap=plan.gap, seconds=seconds, decisions=len(plan.decisions),
                plan=zlib.compress(plan.model_dump_json().encode("utf-8")), command=command,
            ).returning(t.plans.c.id)).scalar_one()
            c.execute(insert(t.changes).values(
                assessment_id=row["id"], revision=row["revision"], at=at, by=by, action="planned", subject="plan",
                target=f"plan {pid}", new_value={"status": plan.status.value, "objective": plan.objective,
                                                 "gap": plan.gap, "decisions": len(plan.decisions),
                                                 "scenario": assessment.scenario.name}))
            return self._plan_record(c, pid)

    def plans(self, name: str | None = None, *, limit: int | None = None) -> list[PlanRecord]:
        """Kept plans, newest first: of one assessment, or of all."""
        with self._reading() as c:
            query = select(t.plans.c.id).order_by(t.plans.c.recorded_at.desc(), t.plans.c.id.desc())
            if name is not None:
                query = query.where(t.plans.c.assessment_id == self._row(c, name)["id"])
            if limit is not None:
                query = query.limit(limit)
            return [self._plan_record(c, pid) for pid in c.scalars(query).all()]

    def plan(self, plan_id: int) -> RecordedPlan:
        """A kept plan, and the assessment exactly as it was planned: it can be shown or re-run."""
        with self._reading() as c:
            row = c.execute(select(t.plans).where(t.plans.c.id == plan_id)).mappings().first()
            if row is None:
                raise NotFound(f"the workspace has no plan {plan_id}")
            content = c.scalar(select(t.inputs.c.content).where(t.inputs.c.digest == row["assessment_digest"]))
            rubric = self._rubric(c, row["rubric_digest"])
            record = self._plan_record(c, plan_id)
        planned = Assessment.model_validate({**json.loads(zlib.decompress(content)), "rubric": rubric,
                                             "scenario": Scenario.model_validate(row["scenario"])})
        return RecordedPlan(record, planned, Plan.model_validate_json(zlib.decompress(row["plan"])))

    def _plan_record(self, c: Connection, plan_id: int) -> PlanRecord:
        r = c.execute(select(t.plans, t.assessments.c.name.label("assessment"))
                      .join(t.assessments, t.assessments.c.id == t.plans.c.assessment_id)
                      .where(t.plans.c.id == plan_id)).mappings().one()
        return PlanRecord(id=r["id"], assessment=r["assessment"], revision=r["assessment_revision"],
                          recorded_at=r["recorded_at"], recorded_by=r["recorded_by"], scenario_name=r["scenario_name"],
                          status=r["status"], objective=r["objective"], best_bound=r["best_bound"], gap=r["gap"],
                          seconds=r["seconds"], decisions=r["decisions"], inputs_digest=r["inputs_digest"],
                          command=r["command"])

    def lock(self, name: str, *, by: str | None = None, note: str | None = None) -> None:
        """Fix the assessment as it stands (as it went to cabinet): it can be copied, never changed."""
        by = by or who()
        with self._writing() as c:
            row = self._row(c, name, for_update=True)
            if row["locked_at"] is not None:
                raise Locked(f"'{row['name']}' is already locked (by {row['locked_by']} on {local(row['locked_at'])})")
            at = now()
            c.execute(update(t.assessments).where(t.assessments.c.id == row["id"])
                      .values(locked_at=at, locked_by=by, lock_note=note))
            c.execute(insert(t.changes).values(
                assessment_id=row["id"], revision=row["revision"], at=at, by=by, action="locked",
                subject="assessment", target=row["name"], new_value=note))

    def copy(self, name: str, new: str, *, by: str | None = None) -> Summary:
        """A new assessment called ``new`` with everything ``name`` holds now, free to change."""
        by = by or who()
        new = _checked_name(new)
        with self._writing() as c:
            row = self._row(c, name)
            if c.scalar(select(t.assessments.c.id).where(t.assessments.c.name == new)) is not None:
                raise NameTaken(f"the workspace already has an assessment called '{new}'")
            at = now()
            aid = c.execute(insert(t.assessments).values(
                name=new, rubric_digest=row["rubric_digest"], scenario_name=row["scenario_name"], revision=1,
                created_at=at, created_by=by, source=row["source"], copied_from=row["id"],
                copied_at_revision=row["revision"]).returning(t.assessments.c.id)).scalar_one()
            for subject in SUBJECTS:
                table = TABLES[subject]
                others = [col for col in table.c if col.name != "assessment_id"]
                c.execute(insert(table).from_select(
                    ["assessment_id", *[col.name for col in others]],
                    select(literal(aid), *others).where(table.c.assessment_id == row["id"])))
            c.execute(insert(t.changes).values(
                assessment_id=aid, revision=1, at=at, by=by, action="copied", subject="assessment", target=new,
                old_value={"from": name, "revision": row["revision"]}))
            return self._summary(c, self._row(c, new))


def _insert_once(c: Connection, table: Table):
    """An insert of content-addressed rows that another writer may have made a moment ago:
    the same digest is the same content, so theirs stands."""
    if c.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as insert_pg

        return insert_pg(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as insert_sqlite

    return insert_sqlite(table).on_conflict_do_nothing()


def _tidy(name: str) -> str:
    """A name as kept: spaces at the ends dropped and runs of spaces made one, so "Draft " finds "Draft"."""
    return " ".join(name.split())


def _checked_name(name: str) -> str:
    name = _tidy(name)
    if not name or len(name) > 200:
        raise WorkspaceError("an assessment needs a name of 1 to 200 characters")
    return name


def _kept(given: str | None, old: dict[str, Any] | None, field: str) -> str | None:
    if given is None:
        return old[field] if old else None
    return given or None


PARENTS = {"activity": "service", "score": "service", "priorities": "neighbourhood"}
"""A row removed with its parent: a service takes its activities and scores with it."""


def _clashes(mine: Sequence[RowChange], theirs: Sequence[Change], *, choosing: bool) -> list[Change]:
    """Their changes since the writer read the assessment that the writer's would overwrite or
    lose: the same row; a parent they removed under a row the writer adds or changes; a row they
    added or changed under a parent the writer removes; the scenario in use, both choosing one."""
    rows = {(f.subject, f.target) for f in mine}
    parents = {(PARENTS[f.subject], f.key[0]) for f in mine if f.subject in PARENTS}
    removing = {(f.subject, f.target) for f in mine if f.new is None}
    found = []
    for ch in theirs:
        parent = (PARENTS[ch.subject], ch.target.split(" · ")[0]) if ch.subject in PARENTS else None
        if ((ch.subject, ch.target) in rows
                or (ch.action == "removed" and (ch.subject, ch.target) in parents)
                or (parent is not None and parent in removing)
                or (choosing and ch.action == "chose")):
            found.append(ch)
    return found


def _key_of(table: Table, subject: str, aid: int, key: Key):
    return and_(table.c.assessment_id == aid, *[table.c[k] == v for k, v in zip(KEYS[subject], key)])


def _to_db(subject: str, aid: int, key: Key, fields: dict[str, Any], at: datetime, by: str) -> dict[str, Any]:
    values: dict[str, Any] = {"assessment_id": aid, **dict(zip(KEYS[subject], key))}
    if subject == "scenario":
        values["settings"] = fields
    else:
        values.update(fields)
    if subject == "score":
        values.update(scored_at=at, scored_by=by)
    return values


def _from_db(subject: str, r) -> dict[str, Any]:
    if subject == "scenario":
        return dict(r["settings"])
    skip = {"assessment_id", "scored_at", "scored_by", *KEYS[subject]}
    return {k: v for k, v in r.items() if k not in skip}


def _change(r) -> Change:
    return Change(assessment=r["assessment"], revision=r["revision"], at=r["at"], by=r["by"], action=r["action"],
                  subject=r["subject"], target=r["target"], field=r["field"], old=r["old_value"], new=r["new_value"])
