"""Rate limits per API key.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Requests per minute for this key; NULL: the gateway's global default.
    op.add_column("api_keys", sa.Column("rate_limit_per_minute", sa.Integer))
    op.create_check_constraint("api_keys_rate_limit_positive", "api_keys", "rate_limit_per_minute > 0")


def downgrade() -> None:
    op.drop_constraint("api_keys_rate_limit_positive", "api_keys", type_="check")
    op.drop_column("api_keys", "rate_limit_per_minute")
