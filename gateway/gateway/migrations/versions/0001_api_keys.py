"""API keys.

Revision ID: 0001
Revises:
Create Date: 2025-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("secret_sha256", sa.LargeBinary, nullable=False),
        sa.Column("scopes", postgresql.ARRAY(sa.Text), nullable=False),
        sa.Column("actor_kind", sa.Text, nullable=False),
        sa.Column("org_scope", postgresql.ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("created_at", sa.TIMESTAMP(timezone=True), nullable=False, server_default=sa.func.now()),
        # In the future while a rotated key's grace period runs.
        sa.Column("revoked_at", sa.TIMESTAMP(timezone=True)),
        sa.Column("rotated_from", sa.Text, sa.ForeignKey("api_keys.key_id")),
        sa.CheckConstraint("actor_kind IN ('system', 'portal')", name="api_keys_actor_kind"),
        sa.CheckConstraint("length(secret_sha256) = 32", name="api_keys_secret_sha256"),
    )


def downgrade() -> None:
    op.drop_table("api_keys")
