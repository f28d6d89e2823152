"""The handler's assessment of a broken promise of a quality guarantee

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:25:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('broken_promise_assessments',
    sa.Column('case_id', sa.UUID(), nullable=False),
    sa.Column('guarantee_id', sa.UUID(), nullable=False),
    sa.Column('promise_id', sa.UUID(), nullable=False),
    sa.Column('promise_text', sa.Text(), nullable=False),
    sa.Column('broken', sa.Boolean(), nullable=False),
    sa.Column('assessed_by', sa.String(length=200), nullable=False),
    sa.Column('assessed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_broken_promise_assessments_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_broken_promise_assessments'))
    )
    op.create_index('ix_broken_promise_assessments_promise', 'broken_promise_assessments', ['guarantee_id', 'promise_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_broken_promise_assessments_promise', table_name='broken_promise_assessments')
    op.drop_table('broken_promise_assessments')
