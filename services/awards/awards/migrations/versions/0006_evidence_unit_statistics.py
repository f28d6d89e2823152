"""Evidence read model of feedback's unit statistics

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-01 12:30:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evidence_unit_statistics',
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('statistics', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.PrimaryKeyConstraint('unit_id', 'period', name=op.f('pk_evidence_unit_statistics'))
    )


def downgrade() -> None:
    op.drop_table('evidence_unit_statistics')
