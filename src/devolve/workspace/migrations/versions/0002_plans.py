"""Plans, each with the exact inputs it came from and its solver report.

Revision ID: 0002
Revises: 0001
Created: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inputs",
        sa.Column("digest", sa.String(64), comment="SHA-256 of the assessment's content as planned"),
        sa.Column("content", sa.LargeBinary(), nullable=False,
                  comment="the assessment as planned, zlib-compressed JSON (its rubric and scenario kept apart)"),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name="pk_inputs"),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), autoincrement=True),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("assessment_revision", sa.Integer(), nullable=False,
                  comment="the assessment's revision when planned"),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("scenario_name", sa.Text(), nullable=False),
        sa.Column("scenario", sa.JSON(), nullable=False, comment="every setting the plan was made under"),
        sa.Column("inputs_digest", sa.String(64), nullable=False, comment="SHA-256 of the three digests below"),
        sa.Column("assessment_digest", sa.String(64), nullable=False),
        sa.Column("scenario_digest", sa.String(64), nullable=False),
        sa.Column("rubric_digest", sa.String(64), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("solver", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("objective", sa.Float()),
        sa.Column("best_bound", sa.Float()),
        sa.Column("gap", sa.Float()),
        sa.Column("seconds", sa.Float(), nullable=False, comment="build, solve and read-back"),
        sa.Column("decisions", sa.Integer(), nullable=False),
        sa.Column("plan", sa.LargeBinary(), nullable=False, comment="the whole plan, zlib-compressed JSON"),
        sa.Column("command", sa.Text(), comment="how it was made, e.g. the command line"),
        sa.PrimaryKeyConstraint("id", name="pk_plans"),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], ondelete="CASCADE",
                                name="fk_plans_assessment_id_assessments"),
        sa.ForeignKeyConstraint(["assessment_digest"], ["inputs.digest"], name="fk_plans_assessment_digest_inputs"),
        sa.ForeignKeyConstraint(["rubric_digest"], ["rubrics.digest"], name="fk_plans_rubric_digest_rubrics"),
    )
    op.create_index("ix_plans_assessment_id_recorded_at", "plans", ["assessment_id", "recorded_at"])


def downgrade() -> None:
    op.drop_index("ix_plans_assessment_id_recorded_at", table_name="plans")
    op.drop_table("plans")
    op.drop_table("inputs")
