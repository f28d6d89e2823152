"""Bodies of the examiner registry (examinatorer)."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from awards.sectors import Sector

Subject = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ExaminerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject_id: Subject = Field(description="The examiner's subject id (the token's sub); no names are stored.")
    unit_id: uuid.UUID = Field(description="The organisation unit the examiner works in (conflicts are computed from it).")
    sectors: list[Sector] = Field(default_factory=list, description="Sektorkompetens.")
    stated_rounds_served: int = Field(0, ge=0, le=50, description="Rounds served before this platform, as stated at registration.")


class ExaminerChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID | None = None
    sectors: list[Sector] | None = None


class TrainingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100, description="The training year (utbildningsår).")
    completed_on: date


class Training(BaseModel):
    year: int
    completed_on: date


class ServedRound(BaseModel):
    round_id: uuid.UUID
    prize: str
    year: int


class Examiner(BaseModel):
    id: uuid.UUID
    subject_id: str
    unit_id: uuid.UUID
    sectors: list[Sector]
    stated_rounds_served: int
    rounds_served: list[ServedRound] = Field(description="Rounds where the examiner sat in a confirmed team.")
    trainings: list[Training]
    revision: int
    created_at: datetime


class ManagerApproval(BaseModel):
    model_config = ConfigDict(extra="forbid")

    manager_subject_id: Subject = Field(description="The approving manager's subject id (chefens godkännande).")
    approved_on: date


class Enrolment(BaseModel):
    """The examiner's place in a round: capacity and their manager's approval."""

    model_config = ConfigDict(extra="forbid")

    capacity: int = Field(ge=0, le=10, description="How many applications the examiner takes in the round (kapacitet).")
    manager_approval: ManagerApproval | None = None


class PoolMember(BaseModel):
    examiner: Examiner
    capacity: int
    manager_approval: ManagerApproval | None
    experienced: bool = Field(description="Served in an earlier round (recorded or stated at registration).")
    assignable: bool
    reasons: list[str] = Field(description="Why the examiner cannot be assigned, if not.")
    assigned: int = Field(description="Applications in the round's current plan.")
