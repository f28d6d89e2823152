"""Local read model of the organisation tree (organisationsträdet), fed by goals' events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from alembic import op

from servicekit.orgtree.migrations import create_read_model_tables_v1, drop_read_model_tables_v1

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_read_model_tables_v1(op)


def downgrade() -> None:
    drop_read_model_tables_v1(op)
