"""Statistics kept incrementally: each mark names the case that changed; a generation per committee year

The worker keeps each committee's year aggregated in memory and applies the marked cases to it
(feedback.statistics.incremental). A mark now names its case (``case_id``; a mark without one,
as the generator leaves, means the whole year); the trigger also marks the case's old committee
and day when either changed, and wakes the worker (NOTIFY ``feedback_statistics`` with the
committee, sent at commit).
``statistics_generations`` holds a fresh token per round of a committee year, so a worker whose
memory is not of the last committed round (another worker's, or its own round rolled back) loads
the year again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 15:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

MARK_FUNCTION = """
CREATE OR REPLACE FUNCTION feedback_mark_statistics() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.committee_id IS NOT NULL THEN
        INSERT INTO statistics_dirty (committee_id, received_on, case_id)
        VALUES (NEW.committee_id, (NEW.received_at AT TIME ZONE 'Europe/Stockholm')::date, NEW.id);
        PERFORM pg_notify('feedback_statistics', NEW.committee_id::text);
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.committee_id IS NOT NULL AND (
        OLD.committee_id IS DISTINCT FROM NEW.committee_id
        OR (OLD.received_at AT TIME ZONE 'Europe/Stockholm')::date <> (NEW.received_at AT TIME ZONE 'Europe/Stockholm')::date
    ) THEN
        INSERT INTO statistics_dirty (committee_id, received_on, case_id)
        VALUES (OLD.committee_id, (OLD.received_at AT TIME ZONE 'Europe/Stockholm')::date, OLD.id);
        PERFORM pg_notify('feedback_statistics', OLD.committee_id::text);
    END IF;
    RETURN NULL;
END $$
"""

OLD_MARK_FUNCTION = """
CREATE OR REPLACE FUNCTION feedback_mark_statistics() RETURNS trigger LANGUAGE plpgsql AS $$
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


def upgrade() -> None:
    op.add_column('statistics_dirty', sa.Column('case_id', sa.UUID(), nullable=True))
    op.create_table('statistics_generations',
    sa.Column('committee_id', sa.UUID(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('generation', sa.UUID(), nullable=False),
    sa.PrimaryKeyConstraint('committee_id', 'year', name=op.f('pk_statistics_generations'))
    )
    op.execute(MARK_FUNCTION)


def downgrade() -> None:
    op.execute(OLD_MARK_FUNCTION)
    op.drop_table('statistics_generations')
    op.drop_column('statistics_dirty', 'case_id')
