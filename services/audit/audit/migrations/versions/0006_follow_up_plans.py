"""The yearly follow-up plan weighted by risk (avtals- och verksamhetsuppföljningsplan): versioned risk
weights with the city's default, plans per committee and year with their ranked items, and the
contract's size (annual value, places, night operations) as inputs of the risk score.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 12:10:00
"""

import uuid

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from audit.follow_up_plans.defaults import CITY_WEIGHTS

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
CITY_WEIGHTS_ID = uuid.UUID("5d2f8a52-7c1e-4c59-9a53-0a6e0c3b0006")


def upgrade() -> None:
    op.add_column("contracts", sa.Column("annual_value_sek", sa.BigInteger(), nullable=True))
    op.add_column("contracts", sa.Column("places", sa.Integer(), nullable=True))
    op.add_column("contracts", sa.Column("night_operations", sa.Boolean(), server_default=sa.false(), nullable=False))
    weights = op.create_table(
        "follow_up_risk_weights",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("committee_id", sa.UUID(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("weights", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("thresholds", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("clock_timestamp()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_risk_weights")),
    )
    op.create_index("ix_follow_up_risk_weights_committee", "follow_up_risk_weights", ["committee_id", "version"])
    op.create_table(
        "follow_up_plans",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("committee_id", sa.UUID(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=50), nullable=False),
        sa.Column("weights", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("decision", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("adopted_by", sa.String(length=200), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("clock_timestamp()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_plans")),
        sa.UniqueConstraint("committee_id", "year", name="uq_follow_up_plans_committee_year"),
    )
    op.create_table(
        "follow_up_plan_items",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("plan_id", sa.UUID(), nullable=False),
        sa.Column("contract_id", sa.UUID(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("explanation", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("proposed_types", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("planned_types", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["follow_up_plans.id"], name=op.f("fk_follow_up_plan_items_plan_id_follow_up_plans")),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"], name=op.f("fk_follow_up_plan_items_contract_id_contracts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_plan_items")),
    )
    op.create_index("ix_follow_up_plan_items_plan", "follow_up_plan_items", ["plan_id", "rank"])
    op.bulk_insert(weights, [{
        "id": CITY_WEIGHTS_ID, "committee_id": None, "version": 1, "weights": CITY_WEIGHTS["weights"],
        "thresholds": CITY_WEIGHTS["thresholds"], "note": CITY_WEIGHTS["note"], "created_by": "migration 0006",
    }])


def downgrade() -> None:
    for table in ("follow_up_plan_items", "follow_up_plans", "follow_up_risk_weights"):
        op.drop_table(table)
    for column in ("night_operations", "places", "annual_value_sek"):
        op.drop_column("contracts", column)
