"""Awards' tables: rounds, rubrics, applications, evidence read models, examiners, conflicts, teams, the
examination (individual assessments, consensus, site visits, shortlist, jury decision), feedback reports and
the good-examples bank.

Staff appear only as subject ids (never names). The organisation tree's read model is
servicekit's, fed by goals' events; so are the evidence read models (goals' commitments and
follow-ups), each keeping the highest revision per id.
"""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Computed,
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
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR, UUID

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

# ---- The examination (issue 12): individual assessments, consensus, site visits, the jury. ----
# A finding (styrka / förbättringsområde) is stored as JSON: {"text", "lenses": [...], "questions": ["2.1", ...]}.

assessments = Table(
    "assessments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("round_id", UUID(as_uuid=True), ForeignKey(rounds.c.id, ondelete="CASCADE"), nullable=False),
    Column("application_id", UUID(as_uuid=True), ForeignKey(applications.c.id, ondelete="CASCADE"), nullable=False),
    Column("examiner_id", UUID(as_uuid=True), ForeignKey(examiners.c.id, ondelete="CASCADE"), nullable=False),
    Column("status", String(20), nullable=False),  # draft | submitted
    _created_at(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("submitted_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("application_id", "examiner_id", name="uq_assessments_application_examiner"),
    Index("ix_assessments_round", "round_id"),
    CheckConstraint("status IN ('draft', 'submitted')", name="status_known"),
)

assessment_scores = Table(
    "assessment_scores",
    metadata,
    Column("assessment_id", UUID(as_uuid=True), ForeignKey(assessments.c.id, ondelete="CASCADE"), nullable=False),
    Column("area_number", SmallInteger, nullable=False),
    Column("band", String(10), nullable=False),  # "50-65"
    Column("score", SmallInteger, nullable=False),
    Column("strengths", JSONB, nullable=False),
    Column("improvements", JSONB, nullable=False),
    PrimaryKeyConstraint("assessment_id", "area_number"),
    CheckConstraint("score BETWEEN 0 AND 100 AND score % 5 = 0", name="score_on_grid"),
)

consensus_scores = Table(
    "consensus_scores",
    metadata,
    Column("application_id", UUID(as_uuid=True), ForeignKey(applications.c.id, ondelete="CASCADE"), nullable=False),
    Column("area_number", SmallInteger, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("band", String(10), nullable=False),
    Column("score", SmallInteger, nullable=False),
    Column("strengths", JSONB, nullable=False),
    Column("improvements", JSONB, nullable=False),
    Column("recorded_by", String(SUBJECT_LENGTH), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("application_id", "area_number"),
    CheckConstraint("score BETWEEN 0 AND 100 AND score % 5 = 0", name="score_on_grid"),
)

consensus_changes = Table(
    "consensus_changes",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("application_id", UUID(as_uuid=True), ForeignKey(applications.c.id, ondelete="CASCADE"), nullable=False),
    Column("area_number", SmallInteger, nullable=False),
    Column("consensus_revision", Integer, nullable=False),
    Column("examiner_id", UUID(as_uuid=True), ForeignKey(examiners.c.id, ondelete="CASCADE"), nullable=False),
    Column("individual_score", SmallInteger, nullable=False),
    Column("consensus_score", SmallInteger, nullable=False),
    Column("reason", Text, nullable=False),
    Column("recorded_by", String(SUBJECT_LENGTH), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("ix_consensus_changes_application", "application_id", "area_number"),
)

site_visits = Table(
    "site_visits",
    metadata,
    Column("application_id", UUID(as_uuid=True), ForeignKey(applications.c.id, ondelete="CASCADE"), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("visited_on", Date, nullable=False),
    Column("notes", Text, nullable=False),
    Column("recorded_by", String(SUBJECT_LENGTH), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

jury_shortlists = Table(
    "jury_shortlists",
    metadata,
    Column("round_id", UUID(as_uuid=True), ForeignKey(rounds.c.id, ondelete="CASCADE"), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("application_ids", ARRAY(UUID(as_uuid=True)), nullable=False),
    Column("set_by", String(SUBJECT_LENGTH), nullable=False),
    Column("set_at", DateTime(timezone=True), nullable=False),
)

jury_decisions = Table(
    "jury_decisions",
    metadata,
    Column("round_id", UUID(as_uuid=True), ForeignKey(rounds.c.id, ondelete="CASCADE"), primary_key=True),
    Column("reference", String(100), nullable=False),
    Column("decided_on", Date, nullable=False),
    Column("rationale", Text, nullable=False),
    Column("decided_by", String(SUBJECT_LENGTH), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
)

jury_awards = Table(
    "jury_awards",
    metadata,
    Column("round_id", UUID(as_uuid=True), ForeignKey(jury_decisions.c.round_id, ondelete="CASCADE"), nullable=False),
    Column("application_id", UUID(as_uuid=True), ForeignKey(applications.c.id, ondelete="CASCADE"), nullable=False),
    Column("placement", String(30), nullable=False),  # winner | honourable_mention
    Column("rationale", Text, nullable=False),
    PrimaryKeyConstraint("round_id", "application_id"),
)

# Names the organisation tree cannot know (people named in the answers), blinded as "Person 1", ... in jury views.
blinding_terms = Table(
    "blinding_terms",
    metadata,
    Column("application_id", UUID(as_uuid=True), ForeignKey(applications.c.id, ondelete="CASCADE"), primary_key=True),
    Column("people", ARRAY(String(200)), nullable=False),
    Column("places", ARRAY(String(200)), nullable=False, server_default="{}"),
    Column("organisations", ARRAY(String(200)), nullable=False, server_default="{}"),
    Column("recorded_by", String(SUBJECT_LENGTH), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

# ---- After the examination (issue 12): feedback reports and the good-examples bank. ----

feedback_reports = Table(
    "feedback_reports",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("application_id", UUID(as_uuid=True), ForeignKey(applications.c.id, ondelete="CASCADE"), nullable=False, unique=True),
    Column("round_id", UUID(as_uuid=True), ForeignKey(rounds.c.id, ondelete="CASCADE"), nullable=False),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("status", String(20), nullable=False),  # draft | approved | released
    Column("summary", Text, nullable=False),
    Column("areas", JSONB, nullable=False),  # [{number, title, band, band_label, strengths, improvements}]
    Column("authors", ARRAY(String(SUBJECT_LENGTH)), nullable=False),  # everyone who wrote or edited it
    Column("created_by", String(SUBJECT_LENGTH), nullable=False),
    _created_at(),
    Column("approved_by", String(SUBJECT_LENGTH), nullable=True),
    Column("approved_at", DateTime(timezone=True), nullable=True),
    Column("released_by", String(SUBJECT_LENGTH), nullable=True),
    Column("released_at", DateTime(timezone=True), nullable=True),
    Column("registration_number", String(100), nullable=True),
    Column("snapshot", Text, nullable=True),  # the released document, as served
    Column("sha256", String(64), nullable=True),
    Index("ix_feedback_reports_round", "round_id"),
    CheckConstraint("status IN ('draft', 'approved', 'released')", name="status_known"),
)

good_example_consents = Table(
    "good_example_consents",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("round_id", UUID(as_uuid=True), ForeignKey(rounds.c.id, ondelete="CASCADE"), nullable=False),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("decision", String(20), nullable=False),  # given | declined
    Column("decided_by", String(SUBJECT_LENGTH), nullable=False),  # who gave or declined it for the unit
    Column("decided_on", Date, nullable=False),
    Column("note", Text, nullable=False),
    Column("recorded_by", String(SUBJECT_LENGTH), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("ix_good_example_consents_round_unit", "round_id", "unit_id", "recorded_at"),
    CheckConstraint("decision IN ('given', 'declined')", name="decision_known"),
)

GOOD_EXAMPLE_SEARCH = (
    "setweight(to_tsvector('swedish'::regconfig, title), 'A') || "
    "setweight(to_tsvector('swedish'::regconfig, summary), 'B') || "
    "setweight(to_tsvector('swedish'::regconfig, body), 'C')"
)

good_examples = Table(
    "good_examples",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("round_id", UUID(as_uuid=True), ForeignKey(rounds.c.id, ondelete="CASCADE"), nullable=False),
    Column("application_id", UUID(as_uuid=True), ForeignKey(applications.c.id, ondelete="CASCADE"), nullable=False),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("committee_id", UUID(as_uuid=True), nullable=True),
    Column("year", SmallInteger, nullable=False),
    Column("kind", String(20), nullable=False),  # practice | finding
    Column("title", String(300), nullable=False),
    Column("summary", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("areas", ARRAY(String(10)), nullable=False),
    Column("lenses", ARRAY(String(40)), nullable=False),
    Column("status", String(20), nullable=False),  # draft | published | withdrawn
    Column("consent_id", UUID(as_uuid=True), ForeignKey(good_example_consents.c.id), nullable=True),
    Column("created_by", String(SUBJECT_LENGTH), nullable=False),
    _created_at(),
    Column("published_by", String(SUBJECT_LENGTH), nullable=True),
    Column("published_at", DateTime(timezone=True), nullable=True),
    Column("withdrawn_by", String(SUBJECT_LENGTH), nullable=True),
    Column("withdrawn_at", DateTime(timezone=True), nullable=True),
    Column("withdrawal_reason", Text, nullable=True),
    Column("search", TSVECTOR, Computed(GOOD_EXAMPLE_SEARCH, persisted=True), nullable=False),
    Index("ix_good_examples_search", "search", postgresql_using="gin"),
    # The bank's order without a query (newest first): an index scan that stops at the page.
    Index("ix_good_examples_status_published", "status", text("published_at DESC NULLS LAST"), text("created_at DESC"), "id"),
    Index("ix_good_examples_round_unit", "round_id", "unit_id"),
    CheckConstraint("status IN ('draft', 'published', 'withdrawn')", name="status_known"),
    CheckConstraint("kind IN ('practice', 'finding')", name="kind_known"),
)

good_example_uptakes = Table(
    "good_example_uptakes",
    metadata,
    Column("example_id", UUID(as_uuid=True), ForeignKey(good_examples.c.id, ondelete="CASCADE"), nullable=False),
    Column("unit_id", UUID(as_uuid=True), nullable=False),  # the committee or unit that took the example up
    Column("note", Text, nullable=False),
    Column("recorded_by", String(SUBJECT_LENGTH), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("example_id", "unit_id"),
)
