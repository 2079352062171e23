"""Assessments as people entered them, rubrics by content, named scenarios and the audit trail.

Revision ID: 0001
Revises:
Created: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rubrics",
        sa.Column("digest", sa.String(64), comment="SHA-256 of the rubric's content"),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name="pk_rubrics"),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("rubric_digest", sa.String(64), nullable=False),
        sa.Column("scenario_name", sa.Text(), nullable=False, comment="the scenario the assessment plans with"),
        sa.Column("revision", sa.Integer(), nullable=False, comment="raised by one with every change"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), comment="the file it was imported from"),
        sa.Column("copied_from", sa.Integer()),
        sa.Column("copied_at_revision", sa.Integer()),
        sa.Column("locked_at", sa.DateTime()),
        sa.Column("locked_by", sa.Text()),
        sa.Column("lock_note", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
        sa.UniqueConstraint("name", name="uq_assessments_name"),
        sa.ForeignKeyConstraint(["rubric_digest"], ["rubrics.digest"], name="fk_assessments_rubric_digest_rubrics"),
        sa.ForeignKeyConstraint(["copied_from"], ["assessments.id"], ondelete="SET NULL",
                                name="fk_assessments_copied_from_assessments"),
    )
    op.create_table(
        "services",
        sa.Column("assessment_id", sa.Integer()),
        sa.Column("service_id", sa.String(64)),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("directorate", sa.Text(), nullable=False),
        sa.Column("service_type", sa.String(40), nullable=False),
        sa.Column("annual_budget", sa.Float(), nullable=False),
        sa.Column("statutory", sa.Boolean(), nullable=False),
        sa.Column("outcomes", sa.JSON(), nullable=False),
        sa.Column("lgsl_id", sa.Integer()),
        sa.Column("users", sa.Integer()),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("assessment_id", "service_id", name="pk_services"),
        _assessment_key("services"),
    )
    op.create_table(
        "activities",
        sa.Column("assessment_id", sa.Integer()),
        sa.Column("service_id", sa.String(64)),
        sa.Column("stage", sa.String(20)),
        sa.Column("cost_share", sa.Float(), comment="NULL: the rubric's prior"),
        sa.Column("must_retain", sa.Boolean(), nullable=False),
        sa.Column("retain_reason", sa.Text()),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("assessment_id", "service_id", "stage", name="pk_activities"),
        _assessment_key("activities"),
        _service_key("activities"),
    )
    op.create_table(
        "scores",
        sa.Column("assessment_id", sa.Integer()),
        sa.Column("service_id", sa.String(64)),
        sa.Column("stage", sa.String(20)),
        sa.Column("criterion", sa.String(20)),
        sa.Column("assessor", sa.Text(), comment="'' for an unnamed assessor"),
        sa.Column("position", sa.Integer(), nullable=False,
                  comment="the assessor's place among the activity's assessors"),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("rationale", sa.Text()),
        sa.Column("evidence", sa.Text()),
        sa.Column("scored_at", sa.DateTime(), nullable=False),
        sa.Column("scored_by", sa.Text(), nullable=False, comment="who entered it (an import names its file)"),
        sa.PrimaryKeyConstraint("assessment_id", "service_id", "stage", "criterion", "assessor", name="pk_scores"),
        _assessment_key("scores"),
        _service_key("scores"),
    )
    op.create_table(
        "neighbourhoods",
        sa.Column("assessment_id", sa.Integer()),
        sa.Column("neighbourhood_id", sa.String(64)),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("share_aged_65_plus", sa.Float(), nullable=False),
        sa.Column("volunteer_hours", sa.Float(), comment="NULL: estimated from population and age"),
        sa.Column("intermediaries", sa.Integer(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("assessment_id", "neighbourhood_id", name="pk_neighbourhoods"),
        _assessment_key("neighbourhoods"),
    )
    op.create_table(
        "priorities",
        sa.Column("assessment_id", sa.Integer()),
        sa.Column("neighbourhood_id", sa.String(64)),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text()),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("assessment_id", "neighbourhood_id", name="pk_priorities"),
        _assessment_key("priorities"),
        sa.ForeignKeyConstraint(["assessment_id", "neighbourhood_id"],
                                ["neighbourhoods.assessment_id", "neighbourhoods.neighbourhood_id"],
                                ondelete="CASCADE", name="fk_priorities_assessment_id_neighbourhoods"),
    )
    op.create_table(
        "scenarios",
        sa.Column("assessment_id", sa.Integer()),
        sa.Column("name", sa.Text()),
        sa.Column("settings", sa.JSON(), nullable=False, comment="every setting, as the Scenario sheet holds it"),
        sa.PrimaryKeyConstraint("assessment_id", "name", name="pk_scenarios"),
        _assessment_key("scenarios"),
    )
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), autoincrement=True),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False, comment="the assessment's revision this change made"),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False,
                  comment="imported, added, changed, removed, copied, locked, planned"),
        sa.Column("subject", sa.String(20), nullable=False, comment="which table: service, score, scenario…"),
        sa.Column("target", sa.Text(), nullable=False, comment="which row, in words"),
        sa.Column("field", sa.Text()),
        sa.Column("old_value", sa.JSON()),
        sa.Column("new_value", sa.JSON()),
        sa.PrimaryKeyConstraint("id", name="pk_changes"),
        _assessment_key("changes"),
    )
    op.create_index("ix_changes_assessment_id_revision", "changes", ["assessment_id", "revision"])


def _assessment_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], ondelete="CASCADE",
                                   name=f"fk_{table}_assessment_id_assessments")


def _service_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["assessment_id", "service_id"], ["services.assessment_id", "services.service_id"],
                                   ondelete="CASCADE", name=f"fk_{table}_assessment_id_services")


def downgrade() -> None:
    for table in ("changes", "scenarios", "priorities", "neighbourhoods", "scores", "activities", "services",
                  "assessments", "rubrics"):
        op.drop_table(table)
