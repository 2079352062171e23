"""The workspace's tables, as SQLAlchemy Core sees them.

An assessment is kept as people entered it: the services, the activity facts and scores they
gave, the neighbourhoods, priorities and named scenarios. Defaults are not stored; they come
from the rubric (kept by content) when the assessment is read back, exactly as when a workbook
is read. The migrations in ``migrations/versions`` build these tables; a test checks the two
agree, so a change here without a migration fails.

Times are UTC. An unnamed assessor is stored as '' (a key column cannot be NULL everywhere).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

METADATA = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

ID = 64
"""Longest id people may give (the readers enforce the same)."""

rubrics = Table(
    "rubrics", METADATA,
    Column("digest", String(64), primary_key=True, comment="SHA-256 of the rubric's content"),
    Column("name", Text, nullable=False),
    Column("content", JSON, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
)

assessments = Table(
    "assessments", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("rubric_digest", ForeignKey("rubrics.digest"), nullable=False),
    Column("scenario_name", Text, nullable=False, comment="the scenario the assessment plans with"),
    Column("revision", Integer, nullable=False, comment="raised by one with every change"),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("source", Text, comment="the file it was imported from"),
    Column("copied_from", ForeignKey("assessments.id", ondelete="SET NULL")),
    Column("copied_at_revision", Integer),
    Column("locked_at", DateTime),
    Column("locked_by", Text),
    Column("lock_note", Text),
)


def _of_assessment() -> Column:
    return Column("assessment_id", ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)


services = Table(
    "services", METADATA,
    _of_assessment(),
    Column("service_id", String(ID), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("directorate", Text, nullable=False),
    Column("service_type", String(40), nullable=False),
    Column("annual_budget", Float, nullable=False),
    Column("statutory", Boolean, nullable=False),
    Column("outcomes", JSON, nullable=False),
    Column("lgsl_id", Integer),
    Column("users", Integer),
    Column("extra", JSON, nullable=False),
)

activities = Table(
    "activities", METADATA,
    _of_assessment(),
    Column("service_id", String(ID), primary_key=True),
    Column("stage", String(20), primary_key=True),
    Column("cost_share", Float, comment="NULL: the rubric's prior"),
    Column("must_retain", Boolean, nullable=False),
    Column("retain_reason", Text),
    Column("extra", JSON, nullable=False),
    ForeignKeyConstraint(["assessment_id", "service_id"], ["services.assessment_id", "services.service_id"],
                         ondelete="CASCADE"),
)

scores = Table(
    "scores", METADATA,
    _of_assessment(),
    Column("service_id", String(ID), primary_key=True),
    Column("stage", String(20), primary_key=True),
    Column("criterion", String(20), primary_key=True),
    Column("assessor", Text, primary_key=True, comment="'' for an unnamed assessor"),
    Column("position", Integer, nullable=False, comment="the assessor's place among the activity's assessors"),
    Column("value", Integer, nullable=False),
    Column("rationale", Text),
    Column("evidence", Text),
    Column("scored_at", DateTime, nullable=False),
    Column("scored_by", Text, nullable=False, comment="who entered it (an import names its file)"),
    ForeignKeyConstraint(["assessment_id", "service_id"], ["services.assessment_id", "services.service_id"],
                         ondelete="CASCADE"),
)

neighbourhoods = Table(
    "neighbourhoods", METADATA,
    _of_assessment(),
    Column("neighbourhood_id", String(ID), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("population", Integer, nullable=False),
    Column("share_aged_65_plus", Float, nullable=False),
    Column("volunteer_hours", Float, comment="NULL: estimated from population and age"),
    Column("intermediaries", Integer, nullable=False),
    Column("extra", JSON, nullable=False),
)

priorities = Table(
    "priorities", METADATA,
    _of_assessment(),
    Column("neighbourhood_id", String(ID), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("source", Text),
    Column("weights", JSON, nullable=False),
    Column("services", JSON, nullable=False),
    Column("extra", JSON, nullable=False),
    ForeignKeyConstraint(["assessment_id", "neighbourhood_id"],
                         ["neighbourhoods.assessment_id", "neighbourhoods.neighbourhood_id"], ondelete="CASCADE"),
)

scenarios = Table(
    "scenarios", METADATA,
    _of_assessment(),
    Column("name", Text, primary_key=True),
    Column("settings", JSON, nullable=False, comment="every setting, as the Scenario sheet holds it"),
)

changes = Table(
    "changes", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assessment_id", ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False),
    Column("revision", Integer, nullable=False, comment="the assessment's revision this change made"),
    Column("at", DateTime, nullable=False),
    Column("by", Text, nullable=False),
    Column("action", String(20), nullable=False, comment="imported, added, changed, removed, copied, locked, planned"),
    Column("subject", String(20), nullable=False, comment="which table: service, score, scenario…"),
    Column("target", Text, nullable=False, comment="which row, in words"),
    Column("field", Text),
    Column("old_value", JSON),
    Column("new_value", JSON),
    Index(None, "assessment_id", "revision"),
)

inputs = Table(
    "inputs", METADATA,
    Column("digest", String(64), primary_key=True, comment="SHA-256 of the assessment's content as planned"),
    Column("content", LargeBinary, nullable=False,
           comment="the assessment as planned, zlib-compressed JSON (its rubric and scenario kept apart)"),
    Column("recorded_at", DateTime, nullable=False),
)

plans = Table(
    "plans", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assessment_id", ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False),
    Column("assessment_revision", Integer, nullable=False, comment="the assessment's revision when planned"),
    Column("recorded_at", DateTime, nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("scenario_name", Text, nullable=False),
    Column("scenario", JSON, nullable=False, comment="every setting the plan was made under"),
    Column("inputs_digest", String(64), nullable=False, comment="SHA-256 of the three digests below"),
    Column("assessment_digest", ForeignKey("inputs.digest"), nullable=False),
    Column("scenario_digest", String(64), nullable=False),
    Column("rubric_digest", ForeignKey("rubrics.digest"), nullable=False),
    Column("method", Text, nullable=False),
    Column("solver", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("objective", Float),
    Column("best_bound", Float),
    Column("gap", Float),
    Column("seconds", Float, nullable=False, comment="build, solve and read-back"),
    Column("decisions", Integer, nullable=False),
    Column("plan", LargeBinary, nullable=False, comment="the whole plan, zlib-compressed JSON"),
    Column("command", Text, comment="how it was made, e.g. the command line"),
    Index(None, "assessment_id", "recorded_at"),
)
