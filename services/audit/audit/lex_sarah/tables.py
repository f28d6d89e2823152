"""Lex Sarah's tables, in audit's metadata (imported at the end of ``audit.models``).

A case's contents (what happened, the protective measures, the investigation record) live only
here; the reporter's identity sits in a table of its own, sealed, so reading the investigation
never shows who reported.
"""

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Table, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID

from audit.models import SHORT, SUBJECT, metadata

# Lagrum as versioned data: each row one provision in force from valid_from until valid_to (exclusive).
legal_references = Table(
    "lex_sarah_legal_references",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("topic", String(SHORT), nullable=False),  # report_duty, remedy_and_investigate, ivo_notification, ...
    Column("act", String(200), nullable=False),  # e.g. "Socialtjänstlag (2001:453)"
    Column("provision", String(200), nullable=False),  # e.g. "14 kap. 3 §"
    Column("title", String(500), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=True),
    Index("ix_lex_sarah_legal_references_topic", "topic", "valid_from"),
)

# The committee's local routine: days behind each of the law's time words.
routines = Table(
    "lex_sarah_routines",
    metadata,
    Column("committee_id", UUID(as_uuid=True), primary_key=True),
    Column("days", JSONB, nullable=False),
    Column("revision", Integer, nullable=False),
)

cases = Table(
    "lex_sarah_cases",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("committee_id", UUID(as_uuid=True), nullable=False),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("private_provider", Boolean, nullable=False),
    Column("area", String(SHORT), nullable=False),
    Column("status", String(SHORT), nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("reported_on", Date, nullable=False),
    Column("description", Text, nullable=False),
    Column("registered_by_officer", Boolean, nullable=False),
    Column("legal_reference_ids", JSONB, nullable=False),
    Column("received_on", Date, nullable=True),
    Column("protective_measures", Text, nullable=True),
    Column("ordering_committee_informed_on", Date, nullable=True),
    Column("investigator_subject", String(SUBJECT), nullable=True),
    Column("investigation_started_on", Date, nullable=True),
    Column("seriousness", String(SHORT), nullable=True),
    Column("seriousness_reason", Text, nullable=True),
    Column("assessed_by", String(SUBJECT), nullable=True),
    Column("assessed_on", Date, nullable=True),
    Column("ivo_notified_on", Date, nullable=True),
    Column("ivo_reference", String(100), nullable=True),
    Column("ivo_early", Boolean, nullable=True),
    Column("ivo_reason", Text, nullable=True),
    Column("followed_up_on", Date, nullable=True),
    Column("preventive_actions", JSONB, nullable=True),
    Column("closed_on", Date, nullable=True),
    Column("revision", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.clock_timestamp()),
    Index("ix_lex_sarah_cases_committee_reported", "committee_id", "reported_on"),
)

# Utredningen: typed entries (date, source, fact or assessment, author).
record_entries = Table(
    "lex_sarah_record_entries",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("case_id", UUID(as_uuid=True), ForeignKey(cases.c.id), nullable=False, index=True),
    Column("topic", String(SHORT), nullable=False),
    Column("kind", String(SHORT), nullable=False),  # fact | assessment
    Column("entry_date", Date, nullable=False),
    Column("source", String(SHORT), nullable=False),
    Column("content", Text, nullable=False),
    Column("author_subject", String(SUBJECT), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.clock_timestamp()),
)

# The reporter, kept apart from the case and sealed (Fernet); key_id names the key that sealed it.
reporters = Table(
    "lex_sarah_reporters",
    metadata,
    Column("case_id", UUID(as_uuid=True), ForeignKey(cases.c.id), primary_key=True),
    Column("sealed", LargeBinary, nullable=False),
    Column("key_id", String(SHORT), nullable=False),
)

# Each publication of a committee's yearly summary (audit.lex-sarah.yearly-summary) and its figures.
summary_publications = Table(
    "lex_sarah_summary_publications",
    metadata,
    Column("committee_id", UUID(as_uuid=True), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("figures", JSONB, nullable=False),
    Column("published_by", String(SUBJECT), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
)
