"""Blinding terms: places and organisations besides people

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 13:50:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for column in ('places', 'organisations'):
        op.add_column('blinding_terms', sa.Column(column, postgresql.ARRAY(sa.String(length=200)), server_default='{}', nullable=False))


def downgrade() -> None:
    for column in ('organisations', 'places'):
        op.drop_column('blinding_terms', column)
