"""Roll-up: rule versions as data (seeded with equal weights) and the committee's verdict on a goal.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rules = op.create_table(
        "rollup_rules",
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name_sv", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("scores", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("fulfilled_from", sa.Numeric(), nullable=False),
        sa.Column("partly_from", sa.Numeric(), nullable=False),
        sa.Column("min_coverage", sa.Numeric(), nullable=False),
        sa.Column("weighting", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("weighting IN ('equal', 'commitments')", name=op.f("ck_rollup_rules_weighting")),
        sa.CheckConstraint("partly_from <= fulfilled_from", name=op.f("ck_rollup_rules_thresholds")),
        sa.PrimaryKeyConstraint("code", "version", name=op.f("pk_rollup_rules")),
    )
    op.bulk_insert(rules, [{
        "code": "equal-weights", "version": 1, "name_sv": "Lika vikter",
        "description": "Varje underliggande åtagande eller mål väger lika; uppfyllt 1, delvis uppfyllt 0,5, ej uppfyllt 0. "
        "Uppfyllt från 0,75, delvis uppfyllt från 0,4; ingen beräkning under hälften rapporterat.",
        "scores": {"fulfilled": 1, "partly_fulfilled": 0.5, "not_fulfilled": 0},
        "fulfilled_from": 0.75, "partly_from": 0.4, "min_coverage": 0.5, "weighting": "equal", "created_by": "migration-0005",
    }])
    op.create_table(
        "goal_verdicts",
        sa.Column("goal_id", sa.UUID(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("assessment", sa.String(length=20), nullable=False),
        sa.Column("analysis", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "assessment IN ('fulfilled', 'partly_fulfilled', 'not_fulfilled')", name=op.f("ck_goal_verdicts_assessment"),
        ),
        sa.ForeignKeyConstraint(["goal_id"], ["goals.id"], name=op.f("fk_goal_verdicts_goal_id_goals")),
        sa.PrimaryKeyConstraint("goal_id", "period", name=op.f("pk_goal_verdicts")),
    )


def downgrade() -> None:
    op.drop_table("goal_verdicts")
    op.drop_table("rollup_rules")
