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
ROUND_DECIDED = "awards.round.decided"  # domarkommitténs beslut
GOOD_EXAMPLE_PUBLISHED = "awards.good-example.published"  # gott exempel publicerat


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


class Placement(StrEnum):
    winner = "winner"  # vinnare
    honourable_mention = "honourable_mention"  # hedersomnämnande


class RoundAward(BaseModel):
    """One award of a round's decision: who received it and the jury's rationale (public record)."""

    application_id: uuid.UUID
    unit_id: uuid.UUID = Field(description="The awarded organisation unit.")
    committee_id: uuid.UUID | None = Field(description="The committee (nämnd) above the unit.")
    prize: Prize
    placement: Placement
    rationale: str = Field(description="Domarkommitténs motivering.")


class RoundDecided(BaseModel):
    """Payload of awards.round.decided: the jury's decision, published once the round is decided."""

    round: RoundState
    applications: int = Field(description="Applications examined in the round.")
    awards: list[RoundAward]
    decided_on: date
    decided_at: datetime


class GoodExample(BaseModel):
    """Gott exempel: a practice published with the unit's recorded consent; its text is public."""

    id: uuid.UUID
    revision: int = Field(description="Increases with every change; the highest revision wins.")
    round_id: uuid.UUID | None
    year: int
    unit_id: uuid.UUID
    committee_id: uuid.UUID | None
    title: str
    summary: str
    areas: list[str] = Field(description="Rubric area codes the example belongs to.")
    lenses: list[str] = Field(description="benefit_to_residents, spreading_good_examples, analysis_for_improvement.")
    withdrawn: bool = False
    published_at: datetime


class GoodExamplePublished(BaseModel):
    """Payload of awards.good-example.published (also when a published example is withdrawn)."""

    example: GoodExample
