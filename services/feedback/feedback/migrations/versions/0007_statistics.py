"""Statistics: the working-day calendar, dirty marks by trigger, published unit statistics, reports

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:00:00
"""

from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)

MARK_FUNCTION = """
CREATE FUNCTION feedback_mark_statistics() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.committee_id IS NOT NULL THEN
        INSERT INTO statistics_dirty (committee_id, received_on)
        VALUES (NEW.committee_id, (NEW.received_at AT TIME ZONE 'Europe/Stockholm')::date);
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.committee_id IS NOT NULL AND OLD.committee_id IS DISTINCT FROM NEW.committee_id THEN
        INSERT INTO statistics_dirty (committee_id, received_on)
        VALUES (OLD.committee_id, (OLD.received_at AT TIME ZONE 'Europe/Stockholm')::date);
    END IF;
    RETURN NULL;
END $$
"""


def _calendar() -> list[dict]:
    from feedback.deadlines.calendar import is_working_day

    rows, ordinal, day = [], 0, FIRST_DAY
    while day <= LAST_DAY:
        ordinal += is_working_day(day)
        rows.append({"day": day, "ordinal": ordinal})
        day += timedelta(days=1)
    return rows


def upgrade() -> None:
    working_days = op.create_table('working_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_working_days'))
    )
    op.bulk_insert(working_days, _calendar())
    op.create_table('statistics_dirty',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('committee_id', sa.UUID(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('marked_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statistics_dirty'))
    )
    op.create_table('unit_statistics',
    sa.Column('unit_id', sa.UUID(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('committee_id', sa.UUID(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('figures', sa.dialects.postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('unit_id', 'period', name=op.f('pk_unit_statistics'))
    )
    op.create_index('ix_unit_statistics_committee', 'unit_statistics', ['committee_id', 'period'], unique=False)
    op.create_table('statistics_reports',
    sa.Column('id', sa.UUID(), nullable=False),
    sa.Column('committee_id', sa.UUID(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('registration_number', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('snapshot', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('submitted_by', sa.String(length=200), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('corrects_id', sa.UUID(), nullable=True),
    sa.Column('correction_reason', sa.String(length=1000), nullable=True),
    sa.Column('superseded_by_id', sa.UUID(), nullable=True),
    sa.CheckConstraint("status IN ('submitted', 'superseded')", name=op.f('ck_statistics_reports_report_status')),
    sa.ForeignKeyConstraint(['corrects_id'], ['statistics_reports.id'], name=op.f('fk_statistics_reports_corrects_id_statistics_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statistics_reports')),
    sa.UniqueConstraint('registration_number', name=op.f('uq_statistics_reports_registration_number'))
    )
    op.create_index('ix_statistics_reports_committee', 'statistics_reports', ['committee_id', 'period', 'submitted_at'], unique=False)
    op.create_index('uq_statistics_reports_current', 'statistics_reports', ['committee_id', 'period'], unique=True,
                    postgresql_where=sa.text("status = 'submitted'"))
    op.execute(MARK_FUNCTION)
    op.execute("CREATE TRIGGER cases_mark_statistics AFTER INSERT OR UPDATE ON cases "
               "FOR EACH ROW EXECUTE FUNCTION feedback_mark_statistics()")


def downgrade() -> None:
    op.execute("DROP TRIGGER cases_mark_statistics ON cases")
    op.execute("DROP FUNCTION feedback_mark_statistics()")
    op.drop_index('uq_statistics_reports_current', table_name='statistics_reports', postgresql_where=sa.text("status = 'submitted'"))
    op.drop_index('ix_statistics_reports_committee', table_name='statistics_reports')
    op.drop_table('statistics_reports')
    op.drop_index('ix_unit_statistics_committee', table_name='unit_statistics')
    op.drop_table('unit_statistics')
    op.drop_table('statistics_dirty')
    op.drop_table('working_days')
