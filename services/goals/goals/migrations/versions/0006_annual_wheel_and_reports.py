"""The annual wheel (årshjul: city-wide defaults as data, committees' deadlines, overdue items published)
and frozen reports (tertialrapport, verksamhetsberättelse) with their registration-number sequence.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TIMESTAMPS = (
    lambda: sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    lambda: sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
)


def upgrade() -> None:
    defaults = op.create_table(
        "annual_wheel_defaults",
        sa.Column("item", sa.String(length=2), nullable=False),
        sa.Column("name_sv", sa.String(length=200), nullable=False),
        sa.Column("due_month", sa.SmallInteger(), nullable=False),
        sa.Column("due_day", sa.SmallInteger(), nullable=False),
        sa.Column("due_year_offset", sa.SmallInteger(), nullable=False),
        sa.Column("window_from_month", sa.SmallInteger(), nullable=False),
        sa.Column("window_from_year_offset", sa.SmallInteger(), nullable=False),
        sa.Column("window_to_month", sa.SmallInteger(), nullable=False),
        sa.Column("window_to_year_offset", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("item IN ('T1', 'T2', 'VB', 'VP')", name=op.f("ck_annual_wheel_defaults_item")),
        sa.PrimaryKeyConstraint("item", name=op.f("pk_annual_wheel_defaults")),
    )
    # Seed 004 §6.3's wheel: T1 April–May, T2 August–September, VB December–January, next year's plan
    # October–December. Default deadlines: the end of the month after the period (as follow-ups had),
    # and the plan for year Y by 15 December of Y − 1.
    op.bulk_insert(defaults, [
        {"item": "T1", "name_sv": "Tertialrapport 1", "due_month": 5, "due_day": 31, "due_year_offset": 0,
         "window_from_month": 4, "window_from_year_offset": 0, "window_to_month": 5, "window_to_year_offset": 0},
        {"item": "T2", "name_sv": "Tertialrapport 2", "due_month": 9, "due_day": 30, "due_year_offset": 0,
         "window_from_month": 8, "window_from_year_offset": 0, "window_to_month": 9, "window_to_year_offset": 0},
        {"item": "VB", "name_sv": "Verksamhetsberättelse", "due_month": 1, "due_day": 31, "due_year_offset": 1,
         "window_from_month": 12, "window_from_year_offset": 0, "window_to_month": 1, "window_to_year_offset": 1},
        {"item": "VP", "name_sv": "Verksamhetsplan för nästa år", "due_month": 12, "due_day": 15, "due_year_offset": -1,
         "window_from_month": 10, "window_from_year_offset": -1, "window_to_month": 12, "window_to_year_offset": -1},
    ])
    op.create_table(
        "annual_wheel_deadlines",
        sa.Column("committee_id", sa.UUID(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        *(column() for column in _TIMESTAMPS),
        sa.ForeignKeyConstraint(
            ["committee_id"], ["org_units.id"], name=op.f("fk_annual_wheel_deadlines_committee_id_org_units"),
        ),
        sa.PrimaryKeyConstraint("committee_id", "period", name=op.f("pk_annual_wheel_deadlines")),
    )
    op.create_table(
        "annual_wheel_overdue",
        sa.Column("committee_id", sa.UUID(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.UUID(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('follow_up', 'report')", name=op.f("ck_annual_wheel_overdue_kind")),
        sa.PrimaryKeyConstraint("committee_id", "period", "kind", "item_id", name=op.f("pk_annual_wheel_overdue")),
    )
    op.execute(sa.schema.CreateSequence(sa.Sequence("report_registration_numbers")))
    op.create_table(
        "report_snapshots",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("committee_id", sa.UUID(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("registration_number", sa.String(length=40), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("correction_reason", sa.Text(), nullable=True),
        sa.Column("supersedes_id", sa.UUID(), nullable=True),
        sa.Column("superseded_by_id", sa.UUID(), nullable=True),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("kind IN ('tertial_report', 'annual_report')", name=op.f("ck_report_snapshots_kind")),
        sa.CheckConstraint(
            "(version = 1) = (supersedes_id IS NULL)", name=op.f("ck_report_snapshots_correction_supersedes"),
        ),
        sa.ForeignKeyConstraint(["committee_id"], ["org_units.id"], name=op.f("fk_report_snapshots_committee_id_org_units")),
        sa.ForeignKeyConstraint(
            ["supersedes_id"], ["report_snapshots.id"], name=op.f("fk_report_snapshots_supersedes_id_report_snapshots"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_snapshots")),
        sa.UniqueConstraint("registration_number", name=op.f("uq_report_snapshots_registration_number")),
        sa.UniqueConstraint("supersedes_id", name=op.f("uq_report_snapshots_supersedes_id")),
        sa.UniqueConstraint(
            "committee_id", "period", "version", name=op.f("uq_report_snapshots_committee_period_version"),
        ),
    )
    op.create_index(
        "uq_report_snapshots_current", "report_snapshots", ["committee_id", "period"], unique=True,
        postgresql_where=sa.text("superseded_by_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_report_snapshots_current", table_name="report_snapshots")
    op.drop_table("report_snapshots")
    op.execute(sa.schema.DropSequence(sa.Sequence("report_registration_numbers")))
    op.drop_table("annual_wheel_overdue")
    op.drop_table("annual_wheel_deadlines")
    op.drop_table("annual_wheel_defaults")
