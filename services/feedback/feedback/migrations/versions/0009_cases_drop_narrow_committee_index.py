"""Cases: drop ix_cases_committee_received, which 0008's covering index makes redundant

``ix_cases_committee_statistics`` has the same keys (committee_id, received_at) and serves every
look-up the narrow index served; each case inserted kept both up to date. One index fewer to
write per case at intake.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 15:30:00
"""

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_cases_committee_received', table_name='cases')


def downgrade() -> None:
    op.create_index('ix_cases_committee_received', 'cases', ['committee_id', 'received_at'], unique=False)
