"""Other services' figures as read models: feedback's unit statistics, audit's lex Sarah yearly summaries,
awards' round decisions and good examples (highest revision wins).

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0005"
branch_labels = None
depends_on = None


def _received_at() -> sa.Column:
    return sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "foreign_unit_statistics",
        sa.Column("unit_id", sa.UUID(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("committee_id", sa.UUID(), nullable=True),
        sa.Column("unit_kind", sa.String(length=30), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("statistics", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        _received_at(),
        sa.PrimaryKeyConstraint("unit_id", "period", name=op.f("pk_foreign_unit_statistics")),
    )
    op.create_index(
        "ix_foreign_unit_statistics_committee_period", "foreign_unit_statistics", ["committee_id", "period"], unique=False,
    )
    op.create_table(
        "foreign_lex_sarah_summaries",
        sa.Column("committee_id", sa.UUID(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("summary", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        _received_at(),
        sa.PrimaryKeyConstraint("committee_id", "year", name=op.f("pk_foreign_lex_sarah_summaries")),
    )
    op.create_table(
        "foreign_award_rounds",
        sa.Column("round_id", sa.UUID(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("decision", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        _received_at(),
        sa.PrimaryKeyConstraint("round_id", name=op.f("pk_foreign_award_rounds")),
    )
    op.create_index(op.f("ix_foreign_award_rounds_year"), "foreign_award_rounds", ["year"], unique=False)
    op.create_table(
        "foreign_good_examples",
        sa.Column("example_id", sa.UUID(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.UUID(), nullable=False),
        sa.Column("committee_id", sa.UUID(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("example", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        _received_at(),
        sa.PrimaryKeyConstraint("example_id", name=op.f("pk_foreign_good_examples")),
    )
    op.create_index(op.f("ix_foreign_good_examples_unit_id"), "foreign_good_examples", ["unit_id"], unique=False)
    op.create_index(op.f("ix_foreign_good_examples_committee_id"), "foreign_good_examples", ["committee_id"], unique=False)


def downgrade() -> None:
    op.drop_table("foreign_good_examples")
    op.drop_table("foreign_award_rounds")
    op.drop_table("foreign_lex_sarah_summaries")
    op.drop_table("foreign_unit_statistics")
