"""Awards events, published by awards (Kvalitetsutmärkelsen and Förnyelsepriset).

Ids and figures only: no answer texts, no examiner subjects, no names. A round's event carries
the round's full state, so a read model keeps the highest ``revision`` per round.
"""

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

SCHEMA_VERSION = 1

ROUND_PHASE_CHANGED = "awards.round.phase-changed"
APPLICATION_SUBMITTED = "awards.application.submitted"


class Prize(StrEnum):
    quality_award = "quality_award"  # Kvalitetsutmärkelsen
    renewal_prize = "renewal_prize"  # Förnyelsepriset


class RoundPhase(StrEnum):
    """The phases of a round, in the only order a round moves through them."""

    open_for_applications = "open_for_applications"  # öppen för ansökningar
    eligibility = "eligibility"  # behörighetsprövning
    individual_assessment = "individual_assessment"  # individuell bedömning
    consensus = "consensus"  # konsensus
    jury_shortlist = "jury_shortlist"  # domarkommitténs urval
    site_visits = "site_visits"  # platsbesök
    jury_decision = "jury_decision"  # domarkommitténs beslut
    feedback_reports_released = "feedback_reports_released"  # återkopplingsrapporter lämnade
    good_examples_published = "good_examples_published"  # goda exempel publicerade


class RoundState(BaseModel):
    id: uuid.UUID
    revision: int = Field(description="Increases with every change; the highest revision wins.")
    prize: Prize
    year: int
    phase: RoundPhase
    deadlines: dict[RoundPhase, date] = Field(description="Last day of each phase (Europe/Stockholm).")
    rubric_version: int


class RoundPhaseChanged(BaseModel):
    """Payload of awards.round.phase-changed."""

    round: RoundState
    from_phase: RoundPhase
    to_phase: RoundPhase
    changed_at: datetime


class ApplicationSubmitted(BaseModel):
    """Payload of awards.application.submitted: ids and figures, never the answers' text."""

    application_id: uuid.UUID
    round_id: uuid.UUID
    prize: Prize
    year: int
    unit_id: uuid.UUID = Field(description="The applying organisation unit.")
    rubric_version: int
    submitted_at: datetime
    questions: int = Field(description="Questions in the rubric version applied to.")
    answered_questions: int
    attachments: int
    evidence_commitments: int = Field(description="Adopted commitments frozen into the application as evidence.")
    evidence_follow_ups: int = Field(description="Follow-ups among them (the latest per commitment).")
