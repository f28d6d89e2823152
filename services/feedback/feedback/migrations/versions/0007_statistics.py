"""Statistics: the working-day calendar and each case's working days, dirty marks by trigger, published unit statistics, reports

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


WORKING_DAYS_FUNCTION = """
CREATE FUNCTION feedback_case_working_days() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    received integer;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.received_at = OLD.received_at
       AND NEW.acknowledged_at IS NOT DISTINCT FROM OLD.acknowledged_at AND NEW.answered_at IS NOT DISTINCT FROM OLD.answered_at
       AND NEW.acknowledge_due = OLD.acknowledge_due AND NEW.answer_due = OLD.answer_due THEN
        RETURN NEW;
    END IF;
    IF NEW.acknowledged_at IS NULL AND NEW.answered_at IS NULL THEN  -- a new case: nothing to count yet
        NEW.acknowledged_working_days := NULL;
        NEW.acknowledged_in_time := NULL;
        NEW.answered_working_days := NULL;
        NEW.answered_in_time := NULL;
        RETURN NEW;
    END IF;
    SELECT ordinal INTO received FROM working_days WHERE day = (NEW.received_at AT TIME ZONE 'Europe/Stockholm')::date;
    IF NEW.acknowledged_at IS NULL THEN
        NEW.acknowledged_working_days := NULL;
        NEW.acknowledged_in_time := NULL;
    ELSE
        NEW.acknowledged_working_days := (SELECT ordinal FROM working_days
            WHERE day = (NEW.acknowledged_at AT TIME ZONE 'Europe/Stockholm')::date) - received;
        NEW.acknowledged_in_time := (NEW.acknowledged_at AT TIME ZONE 'Europe/Stockholm')::date <= NEW.acknowledge_due;
    END IF;
    IF NEW.answered_at IS NULL THEN
        NEW.answered_working_days := NULL;
        NEW.answered_in_time := NULL;
    ELSE
        NEW.answered_working_days := (SELECT ordinal FROM working_days
            WHERE day = (NEW.answered_at AT TIME ZONE 'Europe/Stockholm')::date) - received;
        NEW.answered_in_time := (NEW.answered_at AT TIME ZONE 'Europe/Stockholm')::date <= NEW.answer_due;
    END IF;
    RETURN NEW;
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
    op.create_index('ix_statistics_dirty_committee', 'statistics_dirty', ['committee_id', 'received_on'], unique=False)
    op.create_table('committee_statistics',
    sa.Column('committee_id', sa.UUID(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('min_cell', sa.Integer(), nullable=False),
    sa.Column('computed_on', sa.Date(), nullable=False),
    sa.Column('tree_digest', sa.String(length=64), nullable=False),
    sa.Column('document', sa.dialects.postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('hidden_promises', sa.dialects.postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('committee_id', 'period', name=op.f('pk_committee_statistics'))
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
    for name in ('acknowledged_working_days', 'answered_working_days'):
        op.add_column('cases', sa.Column(name, sa.SmallInteger(), nullable=True))
    for name in ('acknowledged_in_time', 'answered_in_time'):
        op.add_column('cases', sa.Column(name, sa.Boolean(), nullable=True))
    op.create_index('ix_cases_committee_promise', 'cases', ['committee_id', 'received_at'], unique=False,
                    postgresql_where=sa.text('guarantee_promise_id IS NOT NULL'))
    op.execute(WORKING_DAYS_FUNCTION)
    op.execute("CREATE TRIGGER cases_working_days BEFORE INSERT OR UPDATE ON cases "
               "FOR EACH ROW EXECUTE FUNCTION feedback_case_working_days()")
    # Cases from before this migration: their working days now, and every committee's figures marked
    # for the worker to publish.
    for moment, prefix, due in (("acknowledged_at", "acknowledged", "acknowledge_due"), ("answered_at", "answered", "answer_due")):
        op.execute(f"""
            UPDATE cases c SET {prefix}_working_days = done.ordinal - received.ordinal, {prefix}_in_time = done.day <= c.{due}
            FROM working_days received, working_days done
            WHERE received.day = (c.received_at AT TIME ZONE 'Europe/Stockholm')::date
              AND done.day = (c.{moment} AT TIME ZONE 'Europe/Stockholm')::date
        """)
    op.execute("""
        INSERT INTO statistics_dirty (committee_id, received_on)
        SELECT DISTINCT committee_id, (received_at AT TIME ZONE 'Europe/Stockholm')::date FROM cases WHERE committee_id IS NOT NULL
    """)
    op.execute(MARK_FUNCTION)
    op.execute("CREATE TRIGGER cases_mark_statistics AFTER INSERT OR UPDATE ON cases "
               "FOR EACH ROW EXECUTE FUNCTION feedback_mark_statistics()")


def downgrade() -> None:
    op.execute("DROP TRIGGER cases_mark_statistics ON cases")
    op.execute("DROP FUNCTION feedback_mark_statistics()")
    op.execute("DROP TRIGGER cases_working_days ON cases")
    op.execute("DROP FUNCTION feedback_case_working_days()")
    op.drop_index('ix_cases_committee_promise', table_name='cases', postgresql_where=sa.text('guarantee_promise_id IS NOT NULL'))
    for name in ('acknowledged_working_days', 'answered_working_days', 'acknowledged_in_time', 'answered_in_time'):
        op.drop_column('cases', name)
    op.drop_index('uq_statistics_reports_current', table_name='statistics_reports', postgresql_where=sa.text("status = 'submitted'"))
    op.drop_index('ix_statistics_reports_committee', table_name='statistics_reports')
    op.drop_table('statistics_reports')
    op.drop_index('ix_unit_statistics_committee', table_name='unit_statistics')
    op.drop_table('unit_statistics')
    op.drop_table('committee_statistics')
    op.drop_index('ix_statistics_dirty_committee', table_name='statistics_dirty')
    op.drop_table('statistics_dirty')
    op.drop_table('working_days')
