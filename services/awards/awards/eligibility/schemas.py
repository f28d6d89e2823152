"""Bodies of eligibility checks and the register of earlier winners (vinnare)."""

import uuid
from datetime import datetime

from contracts.awards import Prize
from contracts.decisions import DecisionRef
from pydantic import BaseModel, ConfigDict, Field

from awards.applications.schemas import Eligibility


class WinnerCreate(BaseModel):
    """An earlier winner, e.g. from rounds before this platform; the not_recent_winner rule reads it."""

    model_config = ConfigDict(extra="forbid")

    prize: Prize
    year: int = Field(ge=1990, le=2100)
    unit_id: uuid.UUID
    decision: DecisionRef = Field(description="The jury's decision (domarkommitténs beslut); recorded_by is set from the token.")


class Winner(BaseModel):
    prize: Prize
    year: int
    unit_id: uuid.UUID
    decision: DecisionRef
    created_at: datetime


class ApplicationEligibility(BaseModel):
    application_id: uuid.UUID
    unit_id: uuid.UUID
    eligibility: Eligibility


class EligibilityCheck(BaseModel):
    round_id: uuid.UUID
    eligible: int
    not_eligible: int
    applications: list[ApplicationEligibility]
