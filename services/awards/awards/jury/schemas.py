"""Bodies of the jury's views (blinded), its shortlist and its decision (domarkommitténs beslut)."""

import uuid
from datetime import date, datetime
from typing import Annotated

from contracts.awards import Placement, Prize, RoundPhase
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from awards.assessments.schemas import Finding

Code = Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,3}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]


class BlindedArea(BaseModel):
    area_number: int
    area_title: str
    weight: float
    score: int
    band: str
    strengths: list[Finding]
    improvements: list[Finding]


class JuryEntry(BaseModel):
    """An application as the jury sees it: a neutral code, no unit, administration, district or person named."""

    code: str = Field(description="Neutral code (kod), e.g. 'A'.")
    label: str = Field(description="'Sökande A'.")
    sector: str | None
    weighted_score: float | None = Field(description="Σ weight × consensus score / 100.")
    areas: list[BlindedArea] = Field(description="Konsensus per område, findings blinded.")
    shortlisted: bool
    site_visited: bool


class JuryBoard(BaseModel):
    round_id: uuid.UUID
    prize: Prize
    year: int
    phase: RoundPhase
    shortlist_set: bool = Field(description="Once set, the jury sees only the shortlisted applications.")
    items: list[JuryEntry] = Field(description="Highest weighted score first.")


class BlindedAttachment(BaseModel):
    title: str
    media_type: str
    question_number: str | None


class JuryApplication(JuryEntry):
    """A shortlisted application in full, blinded: answers, introductions, attachments' titles, site-visit notes."""

    answers: dict[str, str]
    introductions: dict[str, str]
    attachments: list[BlindedAttachment]
    site_visit_notes: str | None
    site_visited_on: date | None


class ShortlistIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    codes: list[Code] = Field(min_length=1, max_length=100, description="Koder för ansökningarna på domarkommitténs urval.")


class AwardIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code = Field(description="A shortlisted application's code.")
    placement: Placement = Field(description="winner (vinnare) or honourable_mention (hedersomnämnande).")
    rationale: Text = Field(description="Domarkommitténs motivering.")


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = Field(
        description="Protokollsparagraf or diarienummer of the jury's meeting.",
    )
    decided_on: date = Field(description="Beslutsdatum.")
    rationale: Text = Field(description="The jury's overall motivering for the round.")
    awards: list[AwardIn] = Field(default_factory=list, max_length=50, description="Winners and honourable mentions; may be empty.")


class AwardOut(BaseModel):
    code: str
    application_id: uuid.UUID
    unit_id: uuid.UUID
    unit_name: str | None
    committee_id: uuid.UUID | None
    placement: Placement
    rationale: str


class Decision(BaseModel):
    """The jury's decision, public once made: who won, with the rationale."""

    round_id: uuid.UUID
    prize: Prize
    year: int
    reference: str
    decided_on: date
    rationale: str
    decided_at: datetime
    applications: int = Field(description="Applications examined in the round.")
    awards: list[AwardOut]


Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]


class BlindingTermsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    people: list[Term] = Field(
        default_factory=list, max_length=100,
        description="Namn på personer som nämns i ansökan; replaced by 'Person n' in every jury view.",
    )
    places: list[Term] = Field(
        default_factory=list, max_length=100,
        description="Ortnamn och områden (t.ex. 'Järva') som avslöjar den sökande; replaced by 'Plats n', as whole words.",
    )
    organisations: list[Term] = Field(
        default_factory=list, max_length=100,
        description="Namn på organisationer, projekt och samverkansparter som avslöjar den sökande; replaced by 'Organisation n', as whole words.",
    )


class BlindingTerms(BaseModel):
    application_id: uuid.UUID
    people: list[str]
    places: list[str] = Field(description="Platser som avidentifieras.")
    organisations: list[str] = Field(description="Organisationer som avidentifieras.")
    recorded_at: datetime
