"""Goals events, published by goals: the ILS goal structure, business plans, commitments, follow-ups.

Every payload carries the full new state (event-carried state transfer): a read model keeps the
highest ``revision`` per id and can be rebuilt from zero by replay. No personal data: staff are
not named, and subject ids of staff are left out too (the responsible person travels as the
unit they work in). What staff write in their official role (titles, analyses, comments) is
public record and travels. Quality guarantees are in ``contracts.guarantees``.
"""

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from contracts.decisions import DecisionRef

SCHEMA_VERSION = 1

GOAL_CREATED = "goals.goal.created"
GOAL_UPDATED = "goals.goal.updated"  # retitled, relinked, re-dated or withdrawn
BUSINESS_PLAN_ADOPTED = "goals.business-plan.adopted"  # verksamhetsplanen fastställd
COMMITMENT_DRAFTED = "goals.commitment.drafted"  # created, or its draft edited
COMMITMENT_SUBMITTED = "goals.commitment.submitted"
COMMITMENT_ASSESSED = "goals.commitment.assessed"  # trovärdighetsbedömning: approved or returned
COMMITMENT_ADOPTED = "goals.commitment.adopted"  # fastställt, with its plan or by its own decision
COMMITMENT_CHANGED = "goals.commitment.changed"  # changed after adoption by a decision: a new version
COMMITMENT_CLOSED = "goals.commitment.closed"
FOLLOW_UP_REPORTED = "goals.follow-up.reported"  # reported or corrected


class GoalStatus(StrEnum):
    active = "active"
    withdrawn = "withdrawn"  # upphävt; kept so that history and old links still read


class GoalState(BaseModel):
    """A goal at one level of the structure (vision, inriktningsmål, KF:s mål för verksamhetsområdet, nämndmål)."""

    id: uuid.UUID
    revision: int
    level: str = Field(description="The goal level's code, e.g. 'direction_goal'.")
    level_rank: int = Field(description="1 for the top level; a goal's parent sits one rank above.")
    unit_id: uuid.UUID = Field(description="Owning organisation unit: the city for KF levels, a committee for nämndmål.")
    from_year: int
    to_year: int = Field(description="Last year the goal holds (inclusive); equal to from_year for a one-year goal.")
    parent_id: uuid.UUID | None = Field(description="The goal above that this one supports; None only at the top level.")
    title: str
    description: str | None = None
    status: GoalStatus


class GoalChanged(BaseModel):
    """Payload of goals.goal.*."""

    goal: GoalState


class Comparison(StrEnum):
    """How an outcome is compared with a target value."""

    at_least = "at_least"  # ≥
    more_than = "more_than"  # >
    at_most = "at_most"  # ≤
    less_than = "less_than"  # <


class TargetValue(BaseModel):
    """Målvärde: a target on an indicator, e.g. sick leave (sjukfrånvaro) less than 2 per cent."""

    type: Literal["target_value"] = "target_value"
    description: str | None = Field(None, description="The expected result in words, as the plan states it.")
    indicator_id: uuid.UUID
    comparison: Comparison
    target: float
    partly_band: float = Field(
        description="Share of the target within which a miss is suggested as partly fulfilled (delvis uppfyllt)."
    )


class TargetPicture(BaseModel):
    """Målbild: the expected result in words; a person judges fulfilment."""

    type: Literal["target_picture"] = "target_picture"
    description: str


class ChecklistItem(BaseModel):
    id: str = Field(description="Stable within the commitment, so follow-ups name the items reached.")
    text: str


class Checklist(BaseModel):
    """Tillstånd som ska uppnås: a state to reach, as a checklist."""

    type: Literal["checklist"] = "checklist"
    description: str | None = None
    items: list[ChecklistItem]


ExpectedResult = Annotated[TargetValue | TargetPicture | Checklist, Field(discriminator="type")]


class WaysOfWorking(BaseModel):
    """Arbetssätt, split as the city's model: planera, styra, stödja, följa upp."""

    plan: str | None = None  # planera
    steer: str | None = None  # styra
    support: str | None = None  # stödja
    follow_up: str | None = None  # följa upp
    general: str | None = Field(None, description="Ways of working the unit did not split by the four (arbetssätt i övrigt).")


class FollowUpPlan(BaseModel):
    """Uppföljning: what is followed up, when, how and by whom (a role or function, not a name)."""

    what: str | None = None
    when: str | None = None
    how: str | None = None
    who: str | None = None


class CommitmentStatus(StrEnum):
    draft = "draft"  # utkast
    submitted = "submitted"  # inlämnat för trovärdighetsbedömning
    returned = "returned"  # återremitterat med kommentar
    approved = "approved"  # bedömt trovärdigt
    adopted = "adopted"  # fastställt
    followed_up = "followed_up"  # uppföljt (at least one follow-up reported)
    closed = "closed"  # avslutat


class CredibilityOutcome(StrEnum):
    approved = "approved"
    returned = "returned"


class CredibilityAssessment(BaseModel):
    """Trovärdighetsbedömning (who assessed stays in goals, not in events)."""

    outcome: CredibilityOutcome
    comment: str | None = None
    assessed_on: date


class CommitmentVersion(BaseModel):
    """One version of a commitment's content; adopted versions hold from ``effective_from``."""

    version: int
    effective_from: date | None = Field(description="Gäller från: the adopting or changing decision's date; None before adoption.")
    decision: DecisionRef | None = Field(description="The decision that adopted or changed to this version.")
    title: str
    description: str | None = None
    committee_goal_id: uuid.UUID | None = Field(description="The nämndmål it supports; a draft proposed from a finding may lack it.")
    expected_result: ExpectedResult | None = None
    ways_of_working: WaysOfWorking
    resource_use: str | None = None  # resursanvändning
    follow_up_plan: FollowUpPlan
    responsible_unit_id: uuid.UUID | None = Field(description="Unit the responsible person works in (the person stays in goals).")


class CommitmentState(BaseModel):
    id: uuid.UUID
    revision: int
    business_plan_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    status: CommitmentStatus
    proposed_from_finding_id: uuid.UUID | None = Field(description="The internal-control finding (audit) it was proposed from.")
    assessment: CredibilityAssessment | None = None
    versions: list[CommitmentVersion] = Field(description="Every version, oldest first; the last is the newest.")


class CommitmentChanged(BaseModel):
    """Payload of goals.commitment.*."""

    commitment: CommitmentState


class BusinessPlanStatus(StrEnum):
    draft = "draft"
    adopted = "adopted"


class BusinessPlanState(BaseModel):
    """Verksamhetsplan of one organisation unit for one year."""

    id: uuid.UUID
    revision: int
    unit_id: uuid.UUID
    year: int
    status: BusinessPlanStatus
    decision: DecisionRef | None = None
    adopted_commitment_ids: list[uuid.UUID] = Field(default_factory=list, description="Adopted with the plan's decision.")


class BusinessPlanAdopted(BaseModel):
    """Payload of goals.business-plan.adopted."""

    business_plan: BusinessPlanState


class Assessment(StrEnum):
    fulfilled = "fulfilled"  # uppfyllt
    partly_fulfilled = "partly_fulfilled"  # delvis uppfyllt
    not_fulfilled = "not_fulfilled"  # ej uppfyllt


class FollowUpState(BaseModel):
    """A commitment's follow-up for one period (2015-T1, 2015-T2, 2015-VB)."""

    id: uuid.UUID
    revision: int
    commitment_id: uuid.UUID
    commitment_version: int = Field(description="The commitment version in force when it was reported.")
    unit_id: uuid.UUID
    period: str
    outcome_value: float | None = None
    reached_item_ids: list[str] | None = None
    result: str | None = Field(None, description="Resultat in words.")
    suggested_assessment: Assessment | None = Field(description="Computed by the written rule; None for a target picture.")
    assessment: Assessment = Field(description="The person's verdict (bedömning).")
    analysis: str | None = None  # analys
    next_steps: str | None = None  # fortsatt arbete
    deadline: date
    reported_on: date
    late: bool


class FollowUpReported(BaseModel):
    """Payload of goals.follow-up.reported."""

    follow_up: FollowUpState


# --- The annual wheel (årshjul) and frozen reports (issue 6 parts 4 and 5) ---

ANNUAL_WHEEL_ITEM_OVERDUE = "goals.annual-wheel.item-overdue"  # a deadline of the wheel passed with the item missing
REPORT_SUBMITTED = "goals.report.submitted"  # a tertial or annual report frozen as a snapshot (or a correction)


class OverdueItemKind(StrEnum):
    follow_up = "follow_up"  # an adopted commitment without its follow-up for the period
    report = "report"  # the committee's tertial report or verksamhetsberättelse not submitted


class AnnualWheelItemOverdue(BaseModel):
    """Payload of goals.annual-wheel.item-overdue: published once per item and period, ids and periods only."""

    committee_id: uuid.UUID
    period: str = Field(description="'2015-T1', '2015-T2' or '2015-VB'.")
    kind: OverdueItemKind
    unit_id: uuid.UUID = Field(description="The commitment's unit, or the committee itself for a report.")
    commitment_id: uuid.UUID | None = Field(None, description="For a follow-up: the commitment missing it.")
    deadline: date = Field(description="The wheel's deadline for the period (the committee's, else the city's default).")


class ReportKind(StrEnum):
    tertial_report = "tertial_report"  # tertialrapport (T1, T2)
    annual_report = "annual_report"  # verksamhetsberättelse (VB)


class ReportSubmitted(BaseModel):
    """Payload of goals.report.submitted: the snapshot's ids, period and SHA-256 (the document is read through the API)."""

    report_id: uuid.UUID
    committee_id: uuid.UUID
    period: str
    kind: ReportKind
    version: int = Field(description="1 for the first submission; each correction adds one.")
    registration_number: str
    sha256: str = Field(description="SHA-256 of the stored JSON document.")
    supersedes_id: uuid.UUID | None = Field(None, description="The earlier snapshot a correction supersedes.")
