"""Audit's tables: the organisation read model, the internal-control year and the audit log.

Every mutable row carries a ``revision`` (its ETag). Staff appear only as subject ids with the
organisation unit they work in, as the caller stated it (ARCHITECTURE.md, "People").
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from servicekit.db import new_metadata
from servicekit.orgtree import define_org_tables

metadata = new_metadata()
org_tables = define_org_tables(metadata)

SUBJECT = 200  # a token's subject id
SHORT = 50
TITLE = 500


def _created_at() -> Column:
    # clock_timestamp, not now(): rows made in one transaction still sort in the order they were made.
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.clock_timestamp())


# Riskskalor: a probability × consequence grid, versioned by code; locked once a risk uses it.
risk_scales = Table(
    "risk_scales",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("code", String(SHORT), nullable=False),
    Column("version", Integer, nullable=False),
    Column("owner_unit_id", UUID(as_uuid=True), nullable=True),  # None: the city's own scale
    Column("name", String(TITLE), nullable=False),
    Column("description", Text, nullable=True),
    Column("probability_levels", JSONB, nullable=False),
    Column("consequence_levels", JSONB, nullable=False),
    Column("levels", JSONB, nullable=False),
    Column("grid", JSONB, nullable=False),
    Column("is_default", Boolean, nullable=False, server_default="false"),
    Column("revision", Integer, nullable=False),
    _created_at(),
    UniqueConstraint("code", "version", name="uq_risk_scales_code_version"),
)

# Risk- och väsentlighetsanalys (ROV) per organisation unit and year.
risk_analyses = Table(
    "risk_analyses",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("committee_id", UUID(as_uuid=True), nullable=False),
    Column("year", Integer, nullable=False),
    Column("scale_id", UUID(as_uuid=True), ForeignKey(risk_scales.c.id), nullable=False),
    Column("status", String(SHORT), nullable=False),
    Column("based_on_id", UUID(as_uuid=True), nullable=True),  # last year's analysis it started from
    Column("requested_by", String(SUBJECT), nullable=True),
    Column("decision", JSONB, nullable=True),
    Column("adopted_by", String(SUBJECT), nullable=True),
    Column("revision", Integer, nullable=False),
    _created_at(),
    UniqueConstraint("unit_id", "year", name="uq_risk_analyses_unit_year"),
    Index("ix_risk_analyses_committee_year", "committee_id", "year"),
)

risks = Table(
    "risks",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("analysis_id", UUID(as_uuid=True), ForeignKey(risk_analyses.c.id, ondelete="CASCADE"), nullable=False),
    Column("process", String(TITLE), nullable=False),
    Column("description", Text, nullable=False),
    Column("category", String(SHORT), nullable=False),
    Column("probability", Integer, nullable=False),
    Column("consequence", Integer, nullable=False),
    Column("responsible_subject", String(SUBJECT), nullable=False),
    Column("responsible_unit_id", UUID(as_uuid=True), nullable=False),
    Column("justification", Text, nullable=True),
    Column("in_control_plan", Boolean, nullable=False),
    Column("previous_risk_id", UUID(as_uuid=True), nullable=True),
    Column("revision", Integer, nullable=False),
    _created_at(),
    Index("ix_risks_analysis", "analysis_id"),
)

# Internkontrollplan per committee and year.
control_plans = Table(
    "control_plans",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("committee_id", UUID(as_uuid=True), nullable=False),
    Column("year", Integer, nullable=False),
    Column("review_from", Date, nullable=False),
    Column("review_to", Date, nullable=False),
    Column("status", String(SHORT), nullable=False),
    Column("requested_by", String(SUBJECT), nullable=True),
    Column("decision", JSONB, nullable=True),
    Column("adopted_by", String(SUBJECT), nullable=True),
    Column("revision", Integer, nullable=False),
    _created_at(),
    UniqueConstraint("committee_id", "year", name="uq_control_plans_committee_year"),
    CheckConstraint("review_to >= review_from", name="review_window"),
)

control_items = Table(
    "control_items",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("plan_id", UUID(as_uuid=True), ForeignKey(control_plans.c.id, ondelete="CASCADE"), nullable=False),
    Column("risk_id", UUID(as_uuid=True), ForeignKey(risks.c.id), nullable=True),
    Column("control_object", Text, nullable=False),
    Column("method", Text, nullable=False),
    Column("sample", Text, nullable=False),
    Column("frequency", String(TITLE), nullable=False),
    Column("responsible_unit_id", UUID(as_uuid=True), nullable=False),
    Column("reviewer_subject", String(SUBJECT), nullable=False),
    Column("reviewer_unit_id", UUID(as_uuid=True), nullable=False),
    Column("revision", Integer, nullable=False),
    _created_at(),
    Index("ix_control_items_plan", "plan_id"),
)

# Granskningar → brister → handlingsplaner.
reviews = Table(
    "reviews",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("item_id", UUID(as_uuid=True), ForeignKey(control_items.c.id), nullable=False),
    Column("plan_id", UUID(as_uuid=True), ForeignKey(control_plans.c.id), nullable=False),
    Column("performed_on", Date, nullable=False),
    Column("method", Text, nullable=False),  # the item's method as it stood (snapshot)
    Column("sample", Text, nullable=False),
    Column("result", String(SHORT), nullable=False),
    Column("summary", Text, nullable=False),
    Column("recorded_by", String(SUBJECT), nullable=False),
    Column("revision", Integer, nullable=False),
    _created_at(),
    Index("ix_reviews_plan", "plan_id"),
)

findings = Table(
    "findings",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("review_id", UUID(as_uuid=True), ForeignKey(reviews.c.id), nullable=False),
    Column("plan_id", UUID(as_uuid=True), ForeignKey(control_plans.c.id), nullable=False),
    Column("committee_id", UUID(as_uuid=True), nullable=False),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("plan_year", Integer, nullable=False),
    Column("severity", String(SHORT), nullable=False),
    Column("description", Text, nullable=False),
    Column("root_cause", Text, nullable=True),
    Column("status", String(SHORT), nullable=False),
    Column("carry_over_on", Date, nullable=False),
    Column("carry_over_year", Integer, nullable=False),
    Column("unresolved_on", Date, nullable=True),
    Column("closure_requested_by", String(SUBJECT), nullable=True),
    Column("closed_by", String(SUBJECT), nullable=True),
    Column("closed_on", Date, nullable=True),
    Column("revision", Integer, nullable=False),
    _created_at(),
    Index("ix_findings_committee_year", "committee_id", "plan_year"),
    Index("ix_findings_carry_over", "carry_over_on", postgresql_where="unresolved_on IS NULL AND status <> 'closed'"),
)

action_plans = Table(
    "action_plans",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("finding_id", UUID(as_uuid=True), ForeignKey(findings.c.id), nullable=False, unique=True),
    Column("action", Text, nullable=False),
    Column("owner_subject", String(SUBJECT), nullable=False),
    Column("owner_unit_id", UUID(as_uuid=True), nullable=False),
    Column("deadline", Date, nullable=False),
    Column("status", String(SHORT), nullable=False),
    Column("evidence", Text, nullable=True),
    Column("effect", String(SHORT), nullable=False),
    Column("verification_note", Text, nullable=True),
    Column("verified_by", String(SUBJECT), nullable=True),
    Column("verified_on", Date, nullable=True),
    Column("revision", Integer, nullable=False),
    _created_at(),
)

# The commitment goals proposed from a finding, from goals.commitment.* events (read model).
proposed_commitments = Table(
    "proposed_commitments",
    metadata,
    Column("commitment_id", UUID(as_uuid=True), primary_key=True),
    Column("finding_id", UUID(as_uuid=True), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("business_plan_id", UUID(as_uuid=True), nullable=False),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("year", Integer, nullable=False),
    Column("status", String(SHORT), nullable=False),
    Column("title", Text, nullable=False),
    Index("ix_proposed_commitments_finding", "finding_id"),
)

# Rapporter till nämnden: a draft until sending is requested, then a frozen snapshot.
reports = Table(
    "reports",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("committee_id", UUID(as_uuid=True), nullable=False),
    Column("year", Integer, nullable=False),
    Column("period", String(SHORT), nullable=False),
    Column("title", String(TITLE), nullable=False),
    Column("meeting_date", Date, nullable=False),
    Column("status", String(SHORT), nullable=False),
    Column("registration_number", String(100), nullable=True),
    Column("snapshot", Text, nullable=True),  # the JSON document exactly as frozen
    Column("sha256", String(64), nullable=True),
    Column("requested_by", String(SUBJECT), nullable=True),
    Column("sent_by", String(SUBJECT), nullable=True),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("revision", Integer, nullable=False),
    _created_at(),
    UniqueConstraint("committee_id", "year", "period", name="uq_reports_committee_year_period"),
)

# Loggbok: every change and every refused attempt, hash-chained (see audit.auditlog.chain).
audit_log = Table(
    "audit_log",
    metadata,
    Column("sequence", BigInteger, primary_key=True, autoincrement=False),
    Column("id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("actor_subject", String(SUBJECT), nullable=False),
    Column("actor_kind", String(SHORT), nullable=False),
    Column("action", String(200), nullable=False),
    Column("entity_type", String(SHORT), nullable=True),
    Column("entity_id", String(100), nullable=True),
    Column("committee_id", UUID(as_uuid=True), nullable=True),
    Column("outcome", String(SHORT), nullable=False),
    Column("before", JSONB, nullable=True),
    Column("after", JSONB, nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_log_committee", "committee_id", "sequence"),
)

# Heads audit has published (audit.log.head), so the job publishes only a newer one.
published_log_heads = Table(
    "published_log_heads",
    metadata,
    Column("sequence", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", String(64), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
)

from audit.lex_sarah import tables as lex_sarah_tables  # noqa: E402,F401  (lex Sarah's tables join this metadata)

from audit.contracts import tables as contract_tables  # noqa: E402,F401  (contract follow-up's tables join this metadata)

from audit.follow_up_plans import tables as follow_up_plan_tables  # noqa: E402,F401  (the follow-up plan's tables join this metadata)
