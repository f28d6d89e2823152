"""Possible repeats of open cases and the handler's decision

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_repeats',
    sa.Column('case_id', sa.UUID(), nullable=False),
    sa.Column('similar_case_id', sa.UUID(), nullable=False),
    sa.Column('similarity', sa.Float(), nullable=False),
    sa.Column('flagged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=1000), nullable=True),
    sa.CheckConstraint("decision IS NULL OR decision IN ('confirmed', 'dismissed')", name=op.f('ck_case_repeats_repeat_decision')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_repeats_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['similar_case_id'], ['cases.id'], name=op.f('fk_case_repeats_similar_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_repeats'))
    )


def downgrade() -> None:
    op.drop_table('case_repeats')
