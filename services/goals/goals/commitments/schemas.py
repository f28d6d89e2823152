"""Request and response bodies of business plans and commitments."""

import math
import uuid
from datetime import date
from typing import Annotated, Literal

from contracts.decisions import DecisionRef
from contracts.goals import (
    BusinessPlanStatus,
    Checklist,
    Comparison,
    CommitmentStatus,
    CredibilityAssessment,
    CredibilityOutcome,
    FollowUpPlan,
    TargetPicture,
    WaysOfWorking,
)
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
Year = Annotated[int, Field(ge=1900, le=2200)]
DEFAULT_PARTLY_BAND = 0.10


class ResponsiblePerson(BaseModel):
    """Ansvarig: the person's subject id (never a name) and the unit they work in."""

    model_config = ConfigDict(extra="forbid")

    subject_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    unit_id: uuid.UUID


class TargetValueInput(BaseModel):
    """Målvärde on an indicator, e.g. sjukfrånvaro less_than 2 (per cent)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["target_value"] = "target_value"
    description: Text | None = None
    indicator_id: uuid.UUID
    comparison: Comparison
    target: float
    partly_band: float = Field(
        DEFAULT_PARTLY_BAND, ge=0, le=1,
        description="A miss by at most this share of the target is suggested as partly fulfilled (delvis uppfyllt); default 0.10.",
    )

    @field_validator("target")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("target must be a finite number")
        return value


class ChecklistInput(Checklist):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _items(self) -> "ChecklistInput":
        if not self.items:
            raise ValueError("a checklist needs at least one item")
        ids = [item.id for item in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("checklist item ids must be unique")
        if any(not item.id.strip() or not item.text.strip() or len(item.id) > 100 for item in self.items):
            raise ValueError("checklist items need an id (at most 100 characters) and a text")
        return self


class TargetPictureInput(TargetPicture):
    model_config = ConfigDict(extra="forbid")

    @field_validator("description")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a target picture (målbild) needs words")
        return value.strip()


ExpectedResultInput = Annotated[TargetValueInput | TargetPictureInput | ChecklistInput, Field(discriminator="type")]


class CommitmentContent(BaseModel):
    """What a commitment says; everything but the title may wait until submission."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: Text | None = None
    committee_goal_id: uuid.UUID | None = Field(None, description="The nämndmål it supports (lowest goal level).")
    expected_result: ExpectedResultInput | None = Field(None, description="Förväntat resultat: målvärde, målbild or checklist.")
    ways_of_working: WaysOfWorking | None = Field(None, description="Arbetssätt: planera, styra, stödja, följa upp.")
    resource_use: Text | None = Field(None, description="Resursanvändning.")
    follow_up_plan: FollowUpPlan | None = Field(None, description="Uppföljning: what, when, how, who.")
    responsible: ResponsiblePerson | None = None


class CommitmentCreate(CommitmentContent):
    """A new draft commitment (utkast till åtagande) in a business plan."""

    business_plan_id: uuid.UUID
    title: Title


class CommitmentEdit(CommitmentContent):
    """Edit a draft (or returned, or approved: back to draft). Fields given replace; null clears."""

    @model_validator(mode="after")
    def _says_what_changes(self) -> "CommitmentEdit":
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        if "title" in self.model_fields_set and self.title is None:
            raise ValueError("title cannot be null")
        return self


class DecisionInput(BaseModel):
    """Beslut; who recorded it is taken from the token."""

    model_config = ConfigDict(extra="forbid")

    reference: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = Field(
        description="Diarienummer or protocol paragraph, e.g. 'SDN 2015/12 § 7'."
    )
    decided_on: date = Field(description="Beslutsdatum; the version holds from this day.")
    body_id: uuid.UUID = Field(description="Beslutande organ: the committee (or a unit above the plan's unit).")


class CommitmentChangeByDecision(CommitmentContent):
    """Change an adopted commitment: a new version, effective from the decision's date; the earlier one is kept."""

    decision: DecisionInput

    @model_validator(mode="after")
    def _says_what_changes(self) -> "CommitmentChangeByDecision":
        if not self.model_fields_set - {"decision"}:
            raise ValueError("give at least one field to change besides the decision")
        if "title" in self.model_fields_set and self.title is None:
            raise ValueError("title cannot be null")
        return self


class AssessmentInput(BaseModel):
    """Trovärdighetsbedömning: approve, or return with a comment."""

    model_config = ConfigDict(extra="forbid")

    outcome: CredibilityOutcome
    comment: Text | None = Field(None, description="Required when returning (återremiss).")

    @model_validator(mode="after")
    def _comment_when_returned(self) -> "AssessmentInput":
        if self.outcome == CredibilityOutcome.returned and not self.comment:
            raise ValueError("a returned commitment needs a comment saying what to improve")
        return self


class AdoptionInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: DecisionInput


class CommitmentVersionOut(BaseModel):
    """One version of the content, with the decision that made it hold (gäller från)."""

    version: int
    effective_from: date | None
    decision: DecisionRef | None
    title: str
    description: str | None
    committee_goal_id: uuid.UUID | None
    expected_result: TargetValueInput | TargetPictureInput | ChecklistInput | None
    ways_of_working: WaysOfWorking
    resource_use: str | None
    follow_up_plan: FollowUpPlan
    responsible: ResponsiblePerson | None


class Commitment(BaseModel):
    """Ett åtagande with one version: the newest, or the one in force on ``as_of``."""

    id: uuid.UUID
    revision: int
    business_plan_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    status: CommitmentStatus
    proposed_from_finding_id: uuid.UUID | None
    assessment: CredibilityAssessment | None
    as_of: date | None = Field(description="The date the version was read for; None: the newest version.")
    version: CommitmentVersionOut
    versions: int = Field(description="How many versions exist (GET .../versions lists them).")


class CommitmentSummary(BaseModel):
    id: uuid.UUID
    title: str
    status: CommitmentStatus


class BusinessPlanCreate(BaseModel):
    """A unit's business plan (verksamhetsplan) for a year."""

    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID
    year: Year


class BusinessPlan(BaseModel):
    id: uuid.UUID
    revision: int = Field(description="Rises whenever the plan or one of its commitments changes, so adoption adopts what was read.")
    unit_id: uuid.UUID
    year: int
    status: BusinessPlanStatus
    decision: DecisionRef | None
    commitments: list[CommitmentSummary]
