"""Comparison index and economy: indexes for reading a whole period or year across the city.

The comparison index (jämförelseindex) reads every value in force of some indicators for one
period, and the economy view every budget table of some years; without these the planner scans
all versions of all periods.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_indicator_values_indicator_period_current", "indicator_values", ["indicator_id", "period"],
        postgresql_where=sa.text("current"),
    )
    op.create_index("ix_budget_years_year", "budget_years", ["year"])
    op.create_index("ix_follow_ups_period", "follow_ups", ["period"])
    op.create_index("ix_commitments_year_status", "commitments", ["year", "status"])


def downgrade() -> None:
    op.drop_index("ix_commitments_year_status", table_name="commitments")
    op.drop_index("ix_follow_ups_period", table_name="follow_ups")
    op.drop_index("ix_budget_years_year", table_name="budget_years")
    op.drop_index("ix_indicator_values_indicator_period_current", table_name="indicator_values")
