"""Cases: a covering index for the statistics' scan of a committee's period

The unit statistics read every case of a committee received in a period, with the columns the
figures need; at city scale (200,000 cases a year) those rows lie all over the table, and
fetching them from the heap was most of the time. With this index the scan is index-only.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 12:35:00
"""

from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# What feedback.statistics.repository's figures read of a case (the working days are kept by 0007's trigger).
COLUMNS = ("id", "unit_id", "kind", "channel", "category_code", "status", "rating", "acknowledge_due", "answer_due",
           "acknowledged_working_days", "answered_working_days", "acknowledged_in_time", "answered_in_time")


def upgrade() -> None:
    op.create_index('ix_cases_committee_statistics', 'cases', ['committee_id', 'received_at'], unique=False,
                    postgresql_include=list(COLUMNS))


def downgrade() -> None:
    op.drop_index('ix_cases_committee_statistics', table_name='cases')
