"""Request and response bodies of reviews, findings and action plans."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from contracts.audit import ActionEffect, ActionPlanStatus, FindingSeverity, FindingStatus
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8000)]
Subject = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ReviewResult(StrEnum):
    no_remarks = "no_remarks"  # utan anmärkning
    deficiencies = "deficiencies"  # brister konstaterade


class ReviewCreate(BaseModel):
    """A review (granskning) of one control of an adopted plan."""

    model_config = ConfigDict(extra="forbid")

    item_id: uuid.UUID = Field(description="The plan's control (kontrollmoment) that was reviewed.")
    performed_on: date = Field(description="Granskningsdatum, within the plan's review window (April–November).")
    sample: Text = Field(description="Urval actually taken, e.g. '20 fakturor, mars–april'.")
    result: ReviewResult
    summary: Text = Field(description="Sammanfattning of what the review found.")


class Review(BaseModel):
    id: uuid.UUID
    item_id: uuid.UUID
    plan_id: uuid.UUID
    performed_on: date
    method: str = Field(description="The control's method as it stood when reviewed (snapshot).")
    sample: str
    result: ReviewResult
    summary: str
    recorded_by: str
    revision: int
    created_at: datetime


class FindingCreate(BaseModel):
    """A deficiency (brist) found by the review."""

    model_config = ConfigDict(extra="forbid")

    severity: FindingSeverity
    description: Text = Field(description="Beskrivning av bristen.")
    root_cause: Text | None = Field(None, description="Orsak (grundorsak).")


class ActionPlanCreate(BaseModel):
    """The action plan (handlingsplan) for a finding."""

    model_config = ConfigDict(extra="forbid")

    action: Text = Field(description="Åtgärd.")
    owner_subject: Subject = Field(description="Ansvarig: the unit manager's subject id (never a name).")
    owner_unit_id: uuid.UUID = Field(description="The unit the owner manages: the reviewed unit or one below it.")
    deadline: date = Field(description="Klart senast.")


class ActionPlanChange(BaseModel):
    """The owner updates status and evidence; the internal auditor may also change the action, owner and deadline."""

    model_config = ConfigDict(extra="forbid")

    status: ActionPlanStatus | None = None
    evidence: Text | None = Field(None, description="Underlag: what shows the action was done.")
    action: Text | None = None
    owner_subject: Subject | None = None
    owner_unit_id: uuid.UUID | None = None
    deadline: date | None = None


class Verification(BaseModel):
    """The follow-up (uppföljning, March–June next year) verifies the action's effect."""

    model_config = ConfigDict(extra="forbid")

    verified_on: date = Field(description="Day of the follow-up.")
    effective: bool = Field(description="Whether the action removed the deficiency (effekt verifierad).")
    note: Text = Field(description="What the follow-up checked and saw.")


class ActionPlan(BaseModel):
    id: uuid.UUID
    action: str
    owner_subject: str
    owner_unit_id: uuid.UUID
    deadline: date
    status: ActionPlanStatus
    evidence: str | None
    effect: ActionEffect
    verification_note: str | None
    verified_by: str | None
    verified_on: date | None
    follow_up_from: date = Field(description="Uppföljning from 1 March of the year after the plan's year.")
    follow_up_to: date = Field(description="… until 30 June.")
    revision: int


class ProposedCommitment(BaseModel):
    """The commitment goals proposed for the unit's next plan from this finding (from goals' events)."""

    commitment_id: uuid.UUID
    business_plan_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    status: str
    title: str
    revision: int


class Finding(BaseModel):
    """Brist med handlingsplan."""

    id: uuid.UUID
    review_id: uuid.UUID
    plan_id: uuid.UUID
    committee_id: uuid.UUID
    unit_id: uuid.UUID
    plan_year: int
    severity: FindingSeverity
    description: str
    root_cause: str | None
    status: FindingStatus
    carry_over_on: date = Field(description="Day the unit's next business plan is prepared (default 1 October the year after).")
    carry_over_year: int = Field(description="The business plan year an unresolved finding is carried into.")
    unresolved_on: date | None = Field(description="Day it was found unresolved (kvarstående) and carried over.")
    closure_requested_by: str | None
    closed_by: str | None
    closed_on: date | None
    revision: int
    created_at: datetime
    action_plan: ActionPlan | None
    proposed_commitments: list[ProposedCommitment] = Field(description="Åtaganden proposed in goals from this finding.")


class CarryOverCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: date | None = Field(None, description="The day to check as of; default today in Europe/Stockholm.")


class CarryOverResult(BaseModel):
    as_of: date
    unresolved: list[Finding] = Field(description="Findings found unresolved by this check (published audit.finding.unresolved).")
