"""Read model of the units' published quality guarantees

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:21:49.838182
"""

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('guarantees',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('business_idea', sa.Text(), nullable=False),
    sa.Column('feedback_routine', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guarantees'))
    )
    op.create_index('ix_guarantees_unit', 'guarantees', ['unit_id', 'year'], unique=False)
    op.create_table('guarantee_promises',
    sa.Column('guarantee_id', sa.UUID(), nullable=False),
    sa.Column('promise_id', sa.UUID(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['guarantee_id'], ['guarantees.id'], name=op.f('fk_guarantee_promises_guarantee_id_guarantees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('guarantee_id', 'promise_id', name=op.f('pk_guarantee_promises'))
    )
    op.create_index('ix_guarantee_promises_promise', 'guarantee_promises', ['promise_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_guarantee_promises_promise', table_name='guarantee_promises')
    op.drop_table('guarantee_promises')
    op.drop_index('ix_guarantees_unit', table_name='guarantees')
    op.drop_table('guarantees')
