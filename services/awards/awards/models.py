"""Awards' tables: rounds, rubrics, applications, evidence read models, examiners, conflicts, teams.

Staff appear only as subject ids (never names). The organisation tree's read model is
servicekit's, fed by goals' events; so are the evidence read models (goals' commitments and
follow-ups), each keeping the highest revision per id.
"""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from servicekit.db import new_metadata
from servicekit.orgtree import define_org_tables

metadata = new_metadata()
org_tables = define_org_tables(metadata)

SUBJECT_LENGTH = 200


def _created_at() -> Column:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


rounds = Table(
    "rounds",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("prize", String(20), nullable=False),
    Column("year", SmallInteger, nullable=False),
    Column("name", String(200), nullable=False),
    Column("phase", String(40), nullable=False),
    Column("deadlines", JSONB, nullable=False),  # phase → ISO date
    Column("eligibility_rules", JSONB, nullable=False),
    _created_at(),
    UniqueConstraint("prize", "year", name="uq_rounds_prize_year"),
)

round_phase_changes = Table(
    "round_phase_changes",
    metadata,
    Column("round_id", UUID(as_uuid=True), ForeignKey(rounds.c.id, ondelete="CASCADE"), nullable=False),
    Column("from_phase", String(40), nullable=False),
    Column("to_phase", String(40), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("changed_by", String(SUBJECT_LENGTH), nullable=False),
    PrimaryKeyConstraint("round_id", "to_phase"),
)

rubrics = Table(
    "rubrics",
    metadata,
    Column("round_id", UUID(as_uuid=True), ForeignKey(rounds.c.id, ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("areas", JSONB, nullable=False),
    Column("created_by", String(SUBJECT_LENGTH), nullable=False),
    _created_at(),
    PrimaryKeyConstraint("round_id", "version"),
)

award_winners = Table(
    "award_winners",
    metadata,
    Column("prize", String(20), nullable=False),
    Column("year", SmallInteger, nullable=False),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("decision", JSONB, nullable=False),
    _created_at(),
    PrimaryKeyConstraint("prize", "year", "unit_id"),
)

applications = Table(
    "applications",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("round_id", UUID(as_uuid=True), ForeignKey(rounds.c.id, ondelete="CASCADE"), nullable=False),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("status", String(20), nullable=False),
    Column("rubric_version", Integer, nullable=False),
    Column("sector", String(40), nullable=True),
    Column("answers", JSONB, nullable=False),  # question number → text
    Column("introductions", JSONB, nullable=False),  # area number → text before its first question
    Column("attachments", JSONB, nullable=False),
    Column("evidence", JSONB, nullable=True),  # frozen at submission
    Column("eligibility", JSONB, nullable=True),  # the latest check's result
    Column("created_by", String(SUBJECT_LENGTH), nullable=False),
    _created_at(),
    Column("submitted_at", DateTime(timezone=True), nullable=True),
    Column("submitted_by", String(SUBJECT_LENGTH), nullable=True),
    UniqueConstraint("round_id", "unit_id", name="uq_applications_round_unit"),
)

evidence_commitments = Table(
    "evidence_commitments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("year", SmallInteger, nullable=False),
    Column("status", String(20), nullable=False),
    Column("state", JSONB, nullable=False),
    Index("ix_evidence_commitments_unit_year", "unit_id", "year"),
)

evidence_follow_ups = Table(
    "evidence_follow_ups",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("commitment_id", UUID(as_uuid=True), nullable=False),
    Column("period", String(10), nullable=False),
    Column("state", JSONB, nullable=False),
    Index("ix_evidence_follow_ups_commitment", "commitment_id"),
)

# Feedback's unit statistics per unit and period (feedback.unit-statistics.changed), figures only,
# suppression applied by feedback: the highest revision wins.
evidence_unit_statistics = Table(
    "evidence_unit_statistics",
    metadata,
    Column("unit_id", UUID(as_uuid=True), primary_key=True),
    Column("period", String(10), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("statistics", JSONB, nullable=False),
)

examiners = Table(
    "examiners",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("subject_id", String(SUBJECT_LENGTH), nullable=False, unique=True),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("sectors", ARRAY(String(40)), nullable=False),
    Column("stated_rounds_served", SmallInteger, nullable=False),
    _created_at(),
    CheckConstraint("stated_rounds_served >= 0", name="stated_rounds_served_non_negative"),
)

examiner_trainings = Table(
    "examiner_trainings",
    metadata,
    Column("examiner_id", UUID(as_uuid=True), ForeignKey(examiners.c.id, ondelete="CASCADE"), nullable=False),
    Column("year", SmallInteger, nullable=False),
    Column("completed_on", Date, nullable=False),
    Column("recorded_by", String(SUBJECT_LENGTH), nullable=False),
    PrimaryKeyConstraint("examiner_id", "year"),
)

round_examiners = Table(
    "round_examiners",
    metadata,
    Column("round_id", UUID(as_uuid=True), ForeignKey(rounds.c.id, ondelete="CASCADE"), nullable=False),
    Column("examiner_id", UUID(as_uuid=True), ForeignKey(examiners.c.id, ondelete="CASCADE"), nullable=False),
    Column("capacity", SmallInteger, nullable=False),
    Column("manager_approved_on", Date, nullable=True),
    Column("manager_subject_id", String(SUBJECT_LENGTH), nullable=True),
    PrimaryKeyConstraint("round_id", "examiner_id"),
    CheckConstraint("capacity >= 0", name="capacity_non_negative"),
)

declared_conflicts = Table(
    "declared_conflicts",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("examiner_id", UUID(as_uuid=True), ForeignKey(examiners.c.id, ondelete="CASCADE"), nullable=False),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("description", Text, nullable=False),
    Column("declared_by", String(SUBJECT_LENGTH), nullable=False),
    _created_at(),
    Column("lifted_at", DateTime(timezone=True), nullable=True),
    Column("lifted_by", String(SUBJECT_LENGTH), nullable=True),
    Column("lift_reason", Text, nullable=True),
    Index("ix_declared_conflicts_examiner", "examiner_id"),
)

assignment_plans = Table(
    "assignment_plans",
    metadata,
    Column("round_id", UUID(as_uuid=True), ForeignKey(rounds.c.id, ondelete="CASCADE"), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("status", String(20), nullable=False),  # proposed | confirmed
    Column("solver", JSONB, nullable=False),
    Column("edits", JSONB, nullable=False),
    Column("proposed_by", String(SUBJECT_LENGTH), nullable=False),
    _created_at(),
    Column("confirmed_at", DateTime(timezone=True), nullable=True),
    Column("confirmed_by", String(SUBJECT_LENGTH), nullable=True),
)

team_members = Table(
    "team_members",
    metadata,
    Column("round_id", UUID(as_uuid=True), ForeignKey(assignment_plans.c.round_id, ondelete="CASCADE"), nullable=False),
    Column("application_id", UUID(as_uuid=True), ForeignKey(applications.c.id, ondelete="CASCADE"), nullable=False),
    Column("examiner_id", UUID(as_uuid=True), ForeignKey(examiners.c.id, ondelete="CASCADE"), nullable=False),
    PrimaryKeyConstraint("application_id", "examiner_id"),
    Index("ix_team_members_examiner", "examiner_id"),
    Index("ix_team_members_round", "round_id"),
)
