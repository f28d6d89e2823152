"""Lex Sarah: cases, their investigation record, sealed reporters, committees' routines, yearly summary
publications, and the legal references as versioned data (SoL 2001:453 until 30 June 2025, SoL 2025:400 after).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:05:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from audit.lex_sarah.legal_references import REFERENCES

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    references = op.create_table(
        "lex_sarah_legal_references",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("topic", sa.String(length=50), nullable=False),
        sa.Column("act", sa.String(length=200), nullable=False),
        sa.Column("provision", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lex_sarah_legal_references")),
    )
    op.create_index("ix_lex_sarah_legal_references_topic", "lex_sarah_legal_references", ["topic", "valid_from"])
    op.create_table(
        "lex_sarah_routines",
        sa.Column("committee_id", sa.UUID(), nullable=False),
        sa.Column("days", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("committee_id", name=op.f("pk_lex_sarah_routines")),
    )
    op.create_table(
        "lex_sarah_cases",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("committee_id", sa.UUID(), nullable=False),
        sa.Column("unit_id", sa.UUID(), nullable=False),
        sa.Column("private_provider", sa.Boolean(), nullable=False),
        sa.Column("area", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=50), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("registered_by_officer", sa.Boolean(), nullable=False),
        sa.Column("legal_reference_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("protective_measures", sa.Text(), nullable=True),
        sa.Column("ordering_committee_informed_on", sa.Date(), nullable=True),
        sa.Column("investigator_subject", sa.String(length=200), nullable=True),
        sa.Column("investigation_started_on", sa.Date(), nullable=True),
        sa.Column("seriousness", sa.String(length=50), nullable=True),
        sa.Column("seriousness_reason", sa.Text(), nullable=True),
        sa.Column("assessed_by", sa.String(length=200), nullable=True),
        sa.Column("assessed_on", sa.Date(), nullable=True),
        sa.Column("ivo_notified_on", sa.Date(), nullable=True),
        sa.Column("ivo_reference", sa.String(length=100), nullable=True),
        sa.Column("ivo_early", sa.Boolean(), nullable=True),
        sa.Column("ivo_reason", sa.Text(), nullable=True),
        sa.Column("followed_up_on", sa.Date(), nullable=True),
        sa.Column("preventive_actions", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("clock_timestamp()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lex_sarah_cases")),
    )
    op.create_index("ix_lex_sarah_cases_committee_reported", "lex_sarah_cases", ["committee_id", "reported_on"])
    op.create_table(
        "lex_sarah_record_entries",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("case_id", sa.UUID(), nullable=False),
        sa.Column("topic", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("author_subject", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("clock_timestamp()"), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["lex_sarah_cases.id"], name=op.f("fk_lex_sarah_record_entries_case_id_lex_sarah_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lex_sarah_record_entries")),
    )
    op.create_index(op.f("ix_lex_sarah_record_entries_case_id"), "lex_sarah_record_entries", ["case_id"])
    op.create_table(
        "lex_sarah_reporters",
        sa.Column("case_id", sa.UUID(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("key_id", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["lex_sarah_cases.id"], name=op.f("fk_lex_sarah_reporters_case_id_lex_sarah_cases")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_lex_sarah_reporters")),
    )
    op.create_table(
        "lex_sarah_summary_publications",
        sa.Column("committee_id", sa.UUID(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("figures", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("committee_id", "year", "revision", name=op.f("pk_lex_sarah_summary_publications")),
    )
    op.bulk_insert(references, [reference._asdict() for reference in REFERENCES])


def downgrade() -> None:
    for table in ("lex_sarah_summary_publications", "lex_sarah_reporters", "lex_sarah_record_entries", "lex_sarah_cases",
                  "lex_sarah_routines", "lex_sarah_legal_references"):
        op.drop_table(table)
