"""The follow-up plan's tables, in audit's metadata (imported at the end of ``audit.models``).

Risk weights are versioned data: each row one version, a committee's own or the city's default
(``committee_id`` NULL, installed by migration 0006). A plan copies the version it was computed
with, so its explanation stays as it was when the committee adopted it.
"""

from sqlalchemy import Column, DateTime, Float, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB, UUID

from audit.models import SHORT, SUBJECT, metadata


def _created_at() -> Column:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.clock_timestamp())


risk_weights = Table(
    "follow_up_risk_weights",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("committee_id", UUID(as_uuid=True), nullable=True),  # NULL: the city's default
    Column("version", Integer, nullable=False),
    Column("weights", JSONB, nullable=False),
    Column("thresholds", JSONB, nullable=False),
    Column("note", Text, nullable=False),
    Column("created_by", String(SUBJECT), nullable=False),
    _created_at(),
    Index("ix_follow_up_risk_weights_committee", "committee_id", "version"),
)

follow_up_plans = Table(
    "follow_up_plans",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("committee_id", UUID(as_uuid=True), nullable=False),
    Column("year", Integer, nullable=False),
    Column("status", String(SHORT), nullable=False),  # draft | adopted
    Column("weights", JSONB, nullable=False),  # the version used: id, version, committee_id, weights, thresholds
    Column("decision", JSONB, nullable=True),
    Column("created_by", String(SUBJECT), nullable=False),
    Column("adopted_by", String(SUBJECT), nullable=True),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    Column("revision", Integer, nullable=False),
    _created_at(),
    UniqueConstraint("committee_id", "year", name="uq_follow_up_plans_committee_year"),
)

follow_up_plan_items = Table(
    "follow_up_plan_items",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("plan_id", UUID(as_uuid=True), ForeignKey("follow_up_plans.id"), nullable=False),
    Column("contract_id", UUID(as_uuid=True), ForeignKey("contracts.id"), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Column("explanation", JSONB, nullable=False),  # [{factor, value, weight, points}]
    Column("proposed_types", JSONB, nullable=False),
    Column("planned_types", JSONB, nullable=False),
    Column("note", Text, nullable=True),
    Index("ix_follow_up_plan_items_plan", "plan_id", "rank"),
)
