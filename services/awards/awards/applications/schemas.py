"""Request and response bodies of applications (ansökningar)."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from awards.sectors import Sector

ANSWER_LENGTH = 60_000
Answer = Annotated[str, StringConstraints(min_length=1, max_length=ANSWER_LENGTH)]
QuestionNumber = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]?\.[1-9][0-9]?$")]
AreaNumber = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]?$")]


class Attachment(BaseModel):
    """Metadata of an attached document (bilaga); the file itself stays with the unit."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    file_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    media_type: Annotated[str, StringConstraints(pattern=r"^[a-z0-9.+-]+/[a-z0-9.+-]+$", max_length=100)]
    size_bytes: int | None = Field(None, ge=0, le=100_000_000)
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None
    question_number: QuestionNumber | None = Field(None, description="The question the attachment belongs to, if any.")


class ApplicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID = Field(description="The applying unit (sökande enhet); the caller's unit_manager scope must include it.")
    sector: Sector | None = Field(None, description="Verksamhetsområde, used to match examiners' competence.")
    answers: dict[QuestionNumber, Answer] = Field(default_factory=dict, description="Svar per fråga, keyed by question number.")
    introductions: dict[AreaNumber, Answer] = Field(
        default_factory=dict, description="Text under an area's heading before its first question (inledning), keyed by area number."
    )
    attachments: list[Attachment] = Field(default_factory=list, max_length=50)


class ApplicationChange(BaseModel):
    """Change a draft: answers and introductions merge (null removes one); attachments replace the list."""

    model_config = ConfigDict(extra="forbid")

    sector: Sector | None = None
    answers: dict[QuestionNumber, Answer | None] | None = None
    introductions: dict[AreaNumber, Answer | None] | None = None
    attachments: list[Attachment] | None = Field(None, max_length=50)


class RuleVerdict(BaseModel):
    kind: str
    passed: bool
    explanation: str


class Eligibility(BaseModel):
    eligible: bool
    checked_at: datetime
    reference_date: str = Field(description="The date the rules were checked on (the application deadline).")
    rules: list[RuleVerdict]


class Application(BaseModel):
    id: uuid.UUID
    round_id: uuid.UUID
    unit_id: uuid.UUID
    unit_name: str | None = Field(description="The unit's name on the application deadline, from the organisation tree.")
    status: str = Field(description="draft (utkast) or submitted (inlämnad, låst).")
    sector: Sector | None
    rubric_version: int
    answers: dict[str, str]
    introductions: dict[str, str]
    attachments: list[Attachment]
    answered_questions: int
    missing_questions: list[str]
    evidence: "Evidence | None" = Field(description="Underlag frozen at submission (commitments and follow-ups from goals); null for a draft.")
    eligibility: Eligibility | None
    revision: int
    created_at: datetime
    submitted_at: datetime | None


class EvidenceFollowUp(BaseModel):
    follow_up_id: uuid.UUID
    period: str = Field(description="'2015-T1', '2015-T2' or '2015-VB'.")
    assessment: str = Field(description="fulfilled / partly_fulfilled / not_fulfilled (uppfyllt / delvis / ej uppfyllt).")
    result: str | None
    analysis: str | None
    next_steps: str | None
    reported_on: str


class EvidenceCommitment(BaseModel):
    commitment_id: uuid.UUID
    year: int
    status: str
    title: str
    expected_result: str | None
    revision: int
    latest_follow_up: EvidenceFollowUp | None


class Evidence(BaseModel):
    """Underlag: what goals and feedback say about the unit, frozen at submission."""

    as_of: datetime = Field(description="When the read models were read (the submission, once frozen).")
    frozen: bool = Field(False, description="True once the application is submitted.")
    years: list[int]
    commitments: list[EvidenceCommitment] = Field(description="The unit's adopted commitments with their latest follow-up.")
    complaint_statistics: dict | None = Field(
        description="Klagomålsstatistik: feedback's unit statistics per period of the years ({unit_id, periods: "
        "[UnitStatistics]}), suppressed cells null; null when feedback has published none for the unit.")
    sources: dict[str, str]


Application.model_rebuild()
