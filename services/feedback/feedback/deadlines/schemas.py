import uuid
from datetime import date, datetime

from contracts.feedback import DeadlineKind
from pydantic import BaseModel, ConfigDict, Field


class DeadlineRuleSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    acknowledge_days: int = Field(ge=0, le=60, description="Bekräfta inom så många arbetsdagar.")
    answer_days: int = Field(ge=1, le=120, description="Besvara inom så många arbetsdagar.")


class DeadlineRule(DeadlineRuleSet):
    committee_id: uuid.UUID
    category_code: str = Field(description="A category code, or * for the committee's default.")
    updated_by: str
    updated_at: datetime


class Escalation(BaseModel):
    case_id: uuid.UUID
    registration_number: str
    deadline: DeadlineKind
    due: date
    unit_id: uuid.UUID
    escalated_at: datetime
