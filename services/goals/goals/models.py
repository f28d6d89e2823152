"""goals' tables. The organisation tree uses the shared layout plus the write model's invariants."""

from sqlalchemy import (
    BigInteger, Boolean, CheckConstraint, Column, Date, DateTime, ForeignKey, ForeignKeyConstraint, Index, Integer, Numeric,
    SmallInteger, String, Table, Text, UniqueConstraint, func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID, ExcludeConstraint

from servicekit.db import new_metadata
from servicekit.orgtree import define_org_tables

metadata = new_metadata()

org_tables = define_org_tables(metadata)
_versions = org_tables.versions
_period = func.daterange(_versions.c.valid_from, _versions.c.valid_to)
# goals is the owner, so its parents always exist (read models cannot promise that).
_versions.append_constraint(ForeignKeyConstraint([_versions.c.parent_id], [org_tables.units.c.id]))
# A code is unique city-wide on every day; it may be reused once the earlier holder is closed.
_versions.append_constraint(
    ExcludeConstraint((_versions.c.code, "="), (_period, "&&"), using="gist", name="ex_org_unit_versions_code")
)
# A unit has one version per day.
_versions.append_constraint(
    ExcludeConstraint((_versions.c.unit_id, "="), (_period, "&&"), using="gist", name="ex_org_unit_versions_period")
)

# --- The ILS goal structure, indicator definitions, business plans, commitments, follow-ups ---
# (g-commitments). Content that has a shape of its own (expected result, ways of working,
# decisions) is JSONB validated by the service's schemas; what rules and queries need is a column.
_units = org_tables.units.c.id


def _timestamps() -> tuple[Column, Column]:
    return (
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


goal_levels = Table(
    "goal_levels",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("revision", Integer, nullable=False),
    # 1 is the top; a goal's parent sits exactly one rank above, commitments hang on the lowest rank.
    Column("rank", Integer, nullable=False, unique=True),
    Column("name_sv", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("horizon", String(20), nullable=False),
    Column("owner_unit_types", ARRAY(String(40)), nullable=False),
    Column("writer_roles", ARRAY(String(40)), nullable=False),
    *_timestamps(),
    CheckConstraint("rank >= 1", name="rank_positive"),
    CheckConstraint("horizon IN ('long', 'term', 'multi_year', 'year')", name="horizon"),
)

goals = Table(
    "goals",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("level_code", String(40), ForeignKey(goal_levels.c.code, onupdate="CASCADE"), nullable=False),
    Column("unit_id", UUID(as_uuid=True), ForeignKey(_units), nullable=False),
    Column("from_year", Integer, nullable=False),
    Column("to_year", Integer, nullable=False),
    Column("parent_id", UUID(as_uuid=True), ForeignKey("goals.id"), nullable=True),
    Column("title", String(500), nullable=False),
    Column("description", Text, nullable=True),
    Column("status", String(20), nullable=False),
    *_timestamps(),
    CheckConstraint("to_year >= from_year", name="years"),
    CheckConstraint("status IN ('active', 'withdrawn')", name="status"),
    Index("ix_goals_unit_years", "unit_id", "from_year"),
    Index("ix_goals_parent_id", "parent_id"),
)

indicators = Table(
    "indicators",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("code", String(50), nullable=False, unique=True),
    Column("title", String(500), nullable=False),
    Column("description", Text, nullable=True),
    Column("unit_of_measure", String(50), nullable=False),
    Column("polarity", String(20), nullable=False),
    # Where values come from: 'kolada' (with its KPI id), 'internal', or another system's name.
    Column("source", String(50), nullable=False),
    Column("kolada_kpi_id", String(20), nullable=True, unique=True),
    Column("by_gender", Boolean, nullable=False),
    Column("decimals", SmallInteger, nullable=False),
    Column("measures_volume", Boolean, nullable=False),
    *_timestamps(),
    CheckConstraint("polarity IN ('higher_is_better', 'lower_is_better')", name="polarity"),
    CheckConstraint("decimals BETWEEN 0 AND 6", name="decimals"),
)

business_plans = Table(
    "business_plans",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("unit_id", UUID(as_uuid=True), ForeignKey(_units), nullable=False),
    Column("year", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("decision", JSONB, nullable=True),
    Column("adopted_at", DateTime(timezone=True), nullable=True),
    *_timestamps(),
    UniqueConstraint("unit_id", "year", name="uq_business_plans_unit_year"),
    CheckConstraint("status IN ('draft', 'adopted')", name="status"),
)

commitments = Table(
    "commitments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("business_plan_id", UUID(as_uuid=True), ForeignKey(business_plans.c.id), nullable=False),
    # The commitment's place in its plan (1, 2, ...): plans list commitments in the order written.
    Column("position", Integer, nullable=False),
    Column("unit_id", UUID(as_uuid=True), ForeignKey(_units), nullable=False),
    Column("year", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("proposed_from_finding_id", UUID(as_uuid=True), nullable=True, unique=True),
    # Subjects who wrote the content: none of them may assess or adopt it.
    Column("authors", ARRAY(String(200)), nullable=False),
    Column("assessment", JSONB, nullable=True),
    *_timestamps(),
    CheckConstraint(
        "status IN ('draft', 'submitted', 'returned', 'approved', 'adopted', 'followed_up', 'closed')", name="status"
    ),
    Index("ix_commitments_unit_year", "unit_id", "year"),
    UniqueConstraint("business_plan_id", "position", name="uq_commitments_plan_position"),
)

commitment_versions = Table(
    "commitment_versions",
    metadata,
    Column("commitment_id", UUID(as_uuid=True), ForeignKey(commitments.c.id, ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),
    # NULL until adopted; then the adopting or changing decision's date (gäller från).
    Column("effective_from", Date, nullable=True),
    Column("decision", JSONB, nullable=True),
    Column("title", String(500), nullable=False),
    Column("committee_goal_id", UUID(as_uuid=True), ForeignKey(goals.c.id), nullable=True),
    Column("indicator_id", UUID(as_uuid=True), ForeignKey(indicators.c.id), nullable=True),
    Column("responsible_subject", String(200), nullable=True),
    Column("responsible_unit_id", UUID(as_uuid=True), ForeignKey(_units), nullable=True),
    # description, expected_result, ways_of_working, resource_use, follow_up_plan.
    Column("content", JSONB, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_commitment_versions_committee_goal_id", "committee_goal_id"),
)

follow_ups = Table(
    "follow_ups",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("commitment_id", UUID(as_uuid=True), ForeignKey(commitments.c.id), nullable=False),
    Column("commitment_version", Integer, nullable=False),
    Column("unit_id", UUID(as_uuid=True), ForeignKey(_units), nullable=False),
    Column("period", String(10), nullable=False),
    Column("year", Integer, nullable=False),
    Column("outcome_value", Numeric, nullable=True),
    Column("reached_item_ids", ARRAY(String(100)), nullable=True),
    Column("result", Text, nullable=True),
    Column("suggested_assessment", String(20), nullable=True),
    # What the suggestion was computed from (target, comparison, band, share reached), as shown.
    Column("suggestion_basis", JSONB, nullable=True),
    Column("assessment", String(20), nullable=False),
    Column("analysis", Text, nullable=True),
    Column("next_steps", Text, nullable=True),
    Column("deadline", Date, nullable=False),
    Column("reported_on", Date, nullable=False),
    Column("late", Boolean, nullable=False),
    Column("reported_by", String(200), nullable=False),
    *_timestamps(),
    UniqueConstraint("commitment_id", "period", name="uq_follow_ups_commitment_period"),
    Index("ix_follow_ups_unit_period", "unit_id", "period"),
)

# --- Indicator targets and values, external ids of units, budget figures, quality guarantees ---
# (g-indicators, migration 0003).

# Ids other systems know a unit by (Kolada's municipality and organisational-unit ids), so an
# import finds the unit; one row per unit, its revision is the ETag of the set.
unit_external_ids = Table(
    "unit_external_ids",
    metadata,
    Column("unit_id", UUID(as_uuid=True), ForeignKey(_units), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("kolada_municipality_id", String(10), nullable=True, unique=True),
    Column("kolada_ou_id", String(20), nullable=True, unique=True),
    *_timestamps(),
)

indicator_targets = Table(
    "indicator_targets",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("indicator_id", UUID(as_uuid=True), ForeignKey(indicators.c.id), nullable=False),
    Column("goal_id", UUID(as_uuid=True), ForeignKey(goals.c.id), nullable=True),
    Column("commitment_id", UUID(as_uuid=True), ForeignKey(commitments.c.id), nullable=True),
    Column("unit_id", UUID(as_uuid=True), ForeignKey(_units), nullable=False),
    Column("period", String(10), nullable=False),
    Column("gender", String(1), nullable=False),
    Column("target_value", Numeric, nullable=False),
    Column("comparison", String(20), nullable=False),
    Column("created_by", String(200), nullable=False),
    *_timestamps(),
    CheckConstraint("(goal_id IS NULL) <> (commitment_id IS NULL)", name="goal_or_commitment"),
    CheckConstraint("gender IN ('T', 'K', 'M')", name="gender"),
    Index("uq_indicator_targets_goal", "indicator_id", "goal_id", "period", "gender", unique=True, postgresql_where="goal_id IS NOT NULL"),
    Index(
        "uq_indicator_targets_commitment", "indicator_id", "commitment_id", "period", "gender", unique=True,
        postgresql_where="commitment_id IS NOT NULL",
    ),
    Index("ix_indicator_targets_unit_period", "unit_id", "period"),
)

# Every version of a value is kept; the newest (highest version) of a key is the one in force.
indicator_values = Table(
    "indicator_values",
    metadata,
    Column("indicator_id", UUID(as_uuid=True), ForeignKey(indicators.c.id), primary_key=True),
    Column("unit_id", UUID(as_uuid=True), ForeignKey(_units), primary_key=True),
    Column("period", String(10), primary_key=True),
    Column("gender", String(1), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("value", Numeric, nullable=False),
    Column("count", Integer, nullable=True),
    Column("status", String(50), nullable=True),
    Column("current", Boolean, nullable=False),
    Column("source", String(20), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("gender IN ('T', 'K', 'M')", name="gender"),
    Index(
        "uq_indicator_values_current", "indicator_id", "unit_id", "period", "gender", unique=True,
        postgresql_where="current",
    ),
    Index("ix_indicator_values_unit_period", "unit_id", "period"),
)

budget_years = Table(
    "budget_years",
    metadata,
    Column("unit_id", UUID(as_uuid=True), ForeignKey(_units), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("amount_unit", String(10), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    *_timestamps(),
    CheckConstraint("amount_unit IN ('kr', 'tkr', 'mkr')", name="amount_unit"),
)

# Deviation is never stored: it is budget − outcome. A deviation the sender stated is kept
# beside the figures only so that a disagreement can be shown.
budget_lines = Table(
    "budget_lines",
    metadata,
    Column("unit_id", UUID(as_uuid=True), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("line", String(20), primary_key=True),
    Column("budget", Numeric, nullable=False),
    Column("outcome", Numeric, nullable=True),
    Column("stated_deviation", Numeric, nullable=True),
    ForeignKeyConstraint(["unit_id", "year"], [budget_years.c.unit_id, budget_years.c.year], ondelete="CASCADE"),
    CheckConstraint("line IN ('income', 'costs', 'salaries', 'other', 'net')", name="line"),
)

quality_guarantees = Table(
    "quality_guarantees",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("unit_id", UUID(as_uuid=True), ForeignKey(_units), nullable=False),
    Column("year", Integer, nullable=False),
    *_timestamps(),
    UniqueConstraint("unit_id", "year", name="uq_quality_guarantees_unit_year"),
)

quality_guarantee_versions = Table(
    "quality_guarantee_versions",
    metadata,
    Column("guarantee_id", UUID(as_uuid=True), ForeignKey(quality_guarantees.c.id, ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("status", String(20), nullable=False),
    Column("business_idea", Text, nullable=False),
    # [{id, text, commitment_id}], in the order shown; ids stay across versions.
    Column("promises", JSONB, nullable=False),
    Column("feedback_routine", Text, nullable=False),
    Column("contact_channel", JSONB, nullable=False),
    # Subjects who wrote this version: none of them may adopt it.
    Column("authors", ARRAY(String(200)), nullable=False),
    Column("adopted_by", JSONB, nullable=True),
    Column("published_at", DateTime(timezone=True), nullable=True),
    Column("withdrawn_at", DateTime(timezone=True), nullable=True),
    Column("withdrawal_reason", Text, nullable=True),
    *_timestamps(),
    CheckConstraint("status IN ('draft', 'adopted', 'published', 'withdrawn', 'superseded')", name="status"),
    Index("uq_quality_guarantee_versions_published", "guarantee_id", unique=True, postgresql_where="status = 'published'"),
)

# --- audit's log heads, anchored outside audit's database (audit engineer: goals/audit_log_heads) ---
# Append-only: migration 0004 adds a trigger refusing UPDATE and DELETE. Keyed by (sequence, hash)
# so that a second, different hash for a position already anchored is kept too, as evidence.
audit_log_heads = Table(
    "audit_log_heads",
    metadata,
    Column("sequence", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", String(64), primary_key=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# --- Roll-up (goals-analysis, migration 0005): rule versions as data, the committee's verdict ---
# A rule version never changes once written (a roll-up names the version it used); a new
# configuration is a new version of the same code.
rollup_rules = Table(
    "rollup_rules",
    metadata,
    Column("code", String(50), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("name_sv", String(200), nullable=False),
    Column("description", Text, nullable=True),
    # {"fulfilled": 1, "partly_fulfilled": 0.5, "not_fulfilled": 0}: the score of each verdict.
    Column("scores", JSONB, nullable=False),
    # Score from which the computed fulfilment is fulfilled / partly fulfilled.
    Column("fulfilled_from", Numeric, nullable=False),
    Column("partly_from", Numeric, nullable=False),
    # Share of inputs reported below which no fulfilment is computed.
    Column("min_coverage", Numeric, nullable=False),
    # 'equal': every input weighs 1; 'commitments': a goal weighs as many commitments as lie below it.
    Column("weighting", String(20), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("weighting IN ('equal', 'commitments')", name="weighting"),
    CheckConstraint("partly_from <= fulfilled_from", name="thresholds"),
)

# The committee's own verdict on a goal for a period (nämndens bedömning), beside the computed one.
goal_verdicts = Table(
    "goal_verdicts",
    metadata,
    Column("goal_id", UUID(as_uuid=True), ForeignKey(goals.c.id), primary_key=True),
    Column("period", String(10), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("assessment", String(20), nullable=False),
    Column("analysis", Text, nullable=False),
    Column("recorded_by", String(200), nullable=False),
    *_timestamps(),
    CheckConstraint("assessment IN ('fulfilled', 'partly_fulfilled', 'not_fulfilled')", name="assessment"),
)

# --- Other services' figures (g-foreign, migration 0008): read models fed by their events ---
# Each row holds the payload as published (full state) and its revision; the highest revision
# wins, so redelivery, replay and events out of order leave the newest figures. No foreign key to
# the organisation tree: the figures are the producer's, kept as they came.
foreign_unit_statistics = Table(
    "foreign_unit_statistics",
    metadata,
    Column("unit_id", UUID(as_uuid=True), primary_key=True),
    Column("period", String(10), primary_key=True),
    Column("committee_id", UUID(as_uuid=True), nullable=True),
    Column("unit_kind", String(30), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("statistics", JSONB, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_foreign_unit_statistics_committee_period", "committee_id", "period"),
)

foreign_lex_sarah_summaries = Table(
    "foreign_lex_sarah_summaries",
    metadata,
    Column("committee_id", UUID(as_uuid=True), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("summary", JSONB, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

foreign_award_rounds = Table(
    "foreign_award_rounds",
    metadata,
    Column("round_id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("year", Integer, nullable=False, index=True),
    Column("decision", JSONB, nullable=False),  # the RoundDecided payload
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

foreign_good_examples = Table(
    "foreign_good_examples",
    metadata,
    Column("example_id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("year", Integer, nullable=False),
    Column("unit_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("committee_id", UUID(as_uuid=True), nullable=True, index=True),
    Column("withdrawn", Boolean, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("example", JSONB, nullable=False),  # the GoodExample as published
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
