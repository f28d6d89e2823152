"""Feedback's tables: categories and their routing, cases and their history, contacts apart.

Contact details (kontaktuppgifter) live only in ``case_contacts``, encrypted; no other table
holds them in any form. The resident's secret token is stored as its SHA-256 only.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    Sequence,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from servicekit.db import new_metadata
from servicekit.orgtree import define_org_tables

metadata = new_metadata()
org_tables = define_org_tables(metadata)

CODE_LENGTH = 40
DESCRIPTION_LENGTH = 4000
ANSWER_LENGTH = 8000
REASON_LENGTH = 1000

# One sequence for every year: numbers rise within a year (with gaps), and intake never waits
# on a counter row. The year in the registration number is the Stockholm year of receipt.
case_number_seq = Sequence("case_number_seq", metadata=metadata)

categories = Table(
    "categories",
    metadata,
    Column("code", String(CODE_LENGTH), primary_key=True),
    Column("name_sv", String(200), nullable=False),
    Column("description_sv", String(2000), nullable=False, server_default=""),
    Column("group_sv", String(200), nullable=False, server_default=""),
    Column("keywords", String(500), nullable=False, server_default=""),
    Column("active", Boolean, nullable=False, server_default="true"),
    Column("revision", Integer, nullable=False),
)

category_routes = Table(
    "category_routes",
    metadata,
    Column("committee_id", UUID(as_uuid=True), primary_key=True),
    Column("category_code", String(CODE_LENGTH), ForeignKey(categories.c.code), primary_key=True),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("updated_by", String(200), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_category_routes_category", "category_code"),
)

# Deadlines per committee: category_code '*' is the committee's default for every category.
deadline_rules = Table(
    "deadline_rules",
    metadata,
    Column("committee_id", UUID(as_uuid=True), primary_key=True),
    Column("category_code", String(CODE_LENGTH), primary_key=True),
    Column("acknowledge_days", SmallInteger, nullable=False),
    Column("answer_days", SmallInteger, nullable=False),
    Column("updated_by", String(200), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("acknowledge_days BETWEEN 0 AND 60 AND answer_days BETWEEN 1 AND 120", name="sane_days"),
)

cases = Table(
    "cases",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("registration_number", String(20), nullable=False, unique=True),
    Column("revision", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("category_code", String(CODE_LENGTH), ForeignKey(categories.c.code), nullable=False),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("committee_id", UUID(as_uuid=True), nullable=True),
    Column("routed_by", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("privacy", String(20), nullable=False),
    Column("description", Text, nullable=False),
    Column("lat", Float, nullable=True),
    Column("long", Float, nullable=True),
    Column("address", String(500), nullable=True),
    Column("address_id", String(100), nullable=True),
    Column("zipcode", String(20), nullable=True),
    Column("media_url", String(2000), nullable=True),
    Column("attributes", JSONB, nullable=False, server_default="{}"),
    Column("guarantee_promise_id", UUID(as_uuid=True), nullable=True),
    Column("parent_case_id", UUID(as_uuid=True), ForeignKey("cases.id"), nullable=True),
    Column("assignee", String(200), nullable=True),
    Column("answer", Text, nullable=True),
    Column("measures", Text, nullable=True),
    Column("rating", SmallInteger, nullable=True),
    Column("rating_comment", String(2000), nullable=True),
    Column("legal_hold", Boolean, nullable=False, server_default="false"),
    Column("legal_hold_reason", String(REASON_LENGTH), nullable=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("acknowledged_at", DateTime(timezone=True), nullable=True),
    Column("answered_at", DateTime(timezone=True), nullable=True),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("acknowledge_due", Date, nullable=False),
    Column("answer_due", Date, nullable=False),
    Column("submitted_by", String(200), nullable=False),
    Column("submitted_by_kind", String(20), nullable=False),
    Column("resident_token_sha256", String(64), nullable=False, unique=True),
    Column("open311_token", String(64), nullable=False, unique=True),
    # Kept by the trigger ``cases_working_days`` from the times above (migration 0007), for the
    # statistics: Swedish working days from receipt to acknowledgement and to answer, and whether
    # each came by its deadline. Null until acknowledged or answered.
    Column("acknowledged_working_days", SmallInteger, nullable=True),
    Column("answered_working_days", SmallInteger, nullable=True),
    Column("acknowledged_in_time", Boolean, nullable=True),
    Column("answered_in_time", Boolean, nullable=True),
    CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
    Index("ix_cases_unit_received", "unit_id", "received_at"),
    Index("ix_cases_received", "received_at"),
    # The statistics read a committee's period with these columns: index-only at city scale (migration 0008);
    # it also serves every other look-up by committee and receipt (the narrow index went in 0009).
    Index("ix_cases_committee_statistics", "committee_id", "received_at", postgresql_include=[
        "id", "unit_id", "kind", "channel", "category_code", "status", "rating", "acknowledge_due", "answer_due",
        "acknowledged_working_days", "answered_working_days", "acknowledged_in_time", "answered_in_time",
    ]),
    Index("ix_cases_submitted_by", "submitted_by", "received_at"),
    # The few cases naming a promise, for the statistics' promise details without a scan.
    Index("ix_cases_committee_promise", "committee_id", "received_at", postgresql_where=text("guarantee_promise_id IS NOT NULL")),
)

# Every change of status or unit, with who, when and why (händelselogg).
case_events = Table(
    "case_events",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("case_id", UUID(as_uuid=True), ForeignKey(cases.c.id, ondelete="CASCADE"), nullable=False),
    Column("action", String(20), nullable=False),  # created | transition | transfer | redaction | legal_hold | rating
    Column("from_status", String(20), nullable=True),
    Column("to_status", String(20), nullable=True),
    Column("from_unit_id", UUID(as_uuid=True), nullable=True),
    Column("to_unit_id", UUID(as_uuid=True), nullable=True),
    Column("by_subject", String(200), nullable=False),
    Column("by_kind", String(20), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("reason", String(REASON_LENGTH), nullable=True),
    Index("ix_case_events_case", "case_id", "id"),
)

# Encrypted contact details (Fernet, keys from settings); ``key_id`` names the key that sealed
# the row so rotation re-encrypts exactly the rows under an older key.
case_contacts = Table(
    "case_contacts",
    metadata,
    Column("case_id", UUID(as_uuid=True), ForeignKey(cases.c.id, ondelete="CASCADE"), primary_key=True),
    Column("ciphertext", LargeBinary, nullable=True),
    Column("key_id", String(16), nullable=True),
    Column("erased_at", DateTime(timezone=True), nullable=True),
    CheckConstraint("(ciphertext IS NULL) = (erased_at IS NOT NULL)", name="erased_or_sealed"),
)

# What was redacted from a case's free text: field, by whom, when, why, how much; never the text.
case_redactions = Table(
    "case_redactions",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("case_id", UUID(as_uuid=True), ForeignKey(cases.c.id, ondelete="CASCADE"), nullable=False),
    Column("field", String(20), nullable=False),
    Column("removed_characters", Integer, nullable=False),
    Column("by_subject", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("reason", String(REASON_LENGTH), nullable=False),
    Index("ix_case_redactions_case", "case_id"),
)

# Deadlines passed and escalated to the unit's management, once per case and deadline.
escalations = Table(
    "escalations",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("case_id", UUID(as_uuid=True), ForeignKey(cases.c.id, ondelete="CASCADE"), nullable=False),
    Column("deadline", String(20), nullable=False),
    Column("due", Date, nullable=False),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("escalated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("case_id", "deadline", name="uq_escalations_case_deadline"),
    Index("ix_escalations_unit", "unit_id", "escalated_at"),
)

# Read model of goals' published quality guarantees (kvalitetsgarantier): per guarantee the
# version with the highest revision; its promises by their stable ids.
guarantees = Table(
    "guarantees",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("year", SmallInteger, nullable=False),
    Column("version", Integer, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("business_idea", Text, nullable=False),
    Column("feedback_routine", Text, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=True),
    Index("ix_guarantees_unit", "unit_id", "year"),
)

guarantee_promises = Table(
    "guarantee_promises",
    metadata,
    Column("guarantee_id", UUID(as_uuid=True), ForeignKey(guarantees.c.id, ondelete="CASCADE"), primary_key=True),
    Column("promise_id", UUID(as_uuid=True), primary_key=True),
    Column("position", SmallInteger, nullable=False),
    Column("text", Text, nullable=False),
    Index("ix_guarantee_promises_promise", "promise_id"),
)

# A possible repeat (upprepat klagomål): the open case of the same unit and category most like a
# new case, with its similarity; the handler's decision (confirmed: a duplicate of that case, or
# dismissed), by whom, when and why. Kept after the decision, so repeats count in the statistics.
case_repeats = Table(
    "case_repeats",
    metadata,
    Column("case_id", UUID(as_uuid=True), ForeignKey(cases.c.id, ondelete="CASCADE"), primary_key=True),
    Column("similar_case_id", UUID(as_uuid=True), ForeignKey(cases.c.id, ondelete="CASCADE"), nullable=False),
    Column("similarity", Float, nullable=False),
    Column("flagged_at", DateTime(timezone=True), nullable=False),
    Column("decision", String(20), nullable=True),
    Column("decided_by", String(200), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("reason", String(REASON_LENGTH), nullable=True),
    CheckConstraint("decision IS NULL OR decision IN ('confirmed', 'dismissed')", name="repeat_decision"),
)

# Garantin hölls inte: the handler's assessment of a case against a promise of the unit's published
# quality guarantee (the one the sender named, or one the handler names). The guarantee and the
# promise's text are kept as they were, so the figures survive a withdrawn guarantee.
broken_promise_assessments = Table(
    "broken_promise_assessments",
    metadata,
    Column("case_id", UUID(as_uuid=True), ForeignKey(cases.c.id, ondelete="CASCADE"), primary_key=True),
    Column("guarantee_id", UUID(as_uuid=True), nullable=False),
    Column("promise_id", UUID(as_uuid=True), nullable=False),
    Column("promise_text", Text, nullable=False),
    Column("broken", Boolean, nullable=False),
    Column("assessed_by", String(200), nullable=False),
    Column("assessed_at", DateTime(timezone=True), nullable=False),
    Column("reason", String(REASON_LENGTH), nullable=False),
    Index("ix_broken_promise_assessments_promise", "guarantee_id", "promise_id"),
)

# Swedish working days (arbetsdagar) as ordinals: ``ordinal`` counts the working days from
# 2000-01-01 up to and including ``day``, so the working days from one date to a later one are
# the difference of their ordinals (see feedback.deadlines.calendar). Filled by the migration.
working_days = Table(
    "working_days",
    metadata,
    Column("day", Date, primary_key=True),
    Column("ordinal", Integer, nullable=False),
)

# A committee's figures to recompute: a row per case write (a trigger on ``cases`` inserts the
# committee and the Stockholm date of receipt, old and new committee on a transfer). Append-only,
# so concurrent intakes never wait on each other; the worker drains and coalesces them.
statistics_dirty = Table(
    "statistics_dirty",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("committee_id", UUID(as_uuid=True), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("marked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # The case that changed (migration 0010); none: the committee's whole year is to be counted again.
    Column("case_id", UUID(as_uuid=True), nullable=True),
    Index("ix_statistics_dirty_committee", "committee_id", "received_on"),
)

# A fresh token per round of a committee's year (feedback.statistics.incremental): a worker whose
# memory of the year is not of the last committed round loads it again.
statistics_generations = Table(
    "statistics_generations",
    metadata,
    Column("committee_id", UUID(as_uuid=True), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("generation", UUID(as_uuid=True), nullable=False),
)

# A committee's statistics of a period as the worker last computed them (the rendered document,
# and which of its promise cells are suppressed), served while nothing has changed since: no mark
# of the committee in the period, the same day (overdue counts move with it), the same tree and
# minimum cell size. Otherwise the statistics are computed on the request.
committee_statistics = Table(
    "committee_statistics",
    metadata,
    Column("committee_id", UUID(as_uuid=True), primary_key=True),
    Column("period", String(10), primary_key=True),
    Column("min_cell", Integer, nullable=False),
    Column("computed_on", Date, nullable=False),
    Column("tree_digest", String(64), nullable=False),
    Column("document", JSONB, nullable=False),
    Column("hidden_promises", JSONB, nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
)

# The unit statistics last published per unit and period (feedback.unit-statistics.changed), with
# the revision they went out with: a figure set is published again only when it changed.
unit_statistics = Table(
    "unit_statistics",
    metadata,
    Column("unit_id", UUID(as_uuid=True), primary_key=True),
    Column("period", String(10), primary_key=True),
    Column("committee_id", UUID(as_uuid=True), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("figures", JSONB, nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    Index("ix_unit_statistics_committee", "committee_id", "period"),
)

# Nämndens rapport om synpunkter per uppföljningsperiod, frozen at submission: the JSON document
# as stored and served, its SHA-256 and registration number. A correction supersedes the report
# it corrects; both are kept.
statistics_reports = Table(
    "statistics_reports",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("committee_id", UUID(as_uuid=True), nullable=False),
    Column("period", String(10), nullable=False),
    Column("registration_number", String(100), nullable=False, unique=True),
    Column("status", String(20), nullable=False),  # submitted | superseded
    Column("snapshot", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("submitted_by", String(200), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("corrects_id", UUID(as_uuid=True), ForeignKey("statistics_reports.id"), nullable=True),
    Column("correction_reason", String(REASON_LENGTH), nullable=True),
    Column("superseded_by_id", UUID(as_uuid=True), nullable=True),
    CheckConstraint("status IN ('submitted', 'superseded')", name="report_status"),
    Index("ix_statistics_reports_committee", "committee_id", "period", "submitted_at"),
    Index(
        "uq_statistics_reports_current", "committee_id", "period", unique=True,
        postgresql_where=text("status = 'submitted'"),
    ),
)
