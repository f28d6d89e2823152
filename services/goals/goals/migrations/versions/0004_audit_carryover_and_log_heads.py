"""Audit's log heads, anchored append-only (the carry-over itself needs no table of its own).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log_heads",
        sa.Column("sequence", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", sa.UUID(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("sequence", "hash", name=op.f("pk_audit_log_heads")),
    )
    # Append-only: an anchor that could be changed or removed would anchor nothing.
    op.execute(
        "CREATE FUNCTION audit_log_heads_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_log_heads is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_log_heads_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log_heads "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_heads_append_only()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_log_heads_append_only ON audit_log_heads")
    op.execute("DROP FUNCTION audit_log_heads_append_only()")
    op.drop_table("audit_log_heads")
