"""Request and response bodies of follow-ups."""

import math
import uuid
from datetime import date
from typing import Annotated

from contracts.goals import Assessment
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from goals.follow_ups.rules import PERIOD_PATTERN

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
ItemId = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class FollowUpFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome_value: float | None = Field(None, description="Utfall on the target's indicator (for a target value).")
    reached_item_ids: list[ItemId] | None = Field(None, description="Checklist items reached (for a checklist).")
    result: Text | None = Field(None, description="Resultat in words; required for a target picture (målbild).")
    assessment: Assessment | None = Field(None, description="Your verdict (bedömning): uppfyllt / delvis uppfyllt / ej uppfyllt.")
    analysis: Text | None = Field(
        None, description="Analys; required when the verdict differs from the suggestion or is not fulfilled (ej uppfyllt).",
    )
    next_steps: Text | None = Field(None, description="Fortsatt arbete: the work planned next.")

    @field_validator("outcome_value")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("outcome_value must be a finite number")
        return value


class FollowUpCreate(FollowUpFields):
    """A commitment's follow-up for a period (2015-T1, 2015-T2, 2015-VB)."""

    period: Annotated[str, StringConstraints(pattern=PERIOD_PATTERN)] = Field(description="'2015-T1', '2015-T2' or '2015-VB'.")
    assessment: Assessment
    reported_on: date | None = Field(
        None, description="Rapporteringsdag; today when left out. An earlier day only from a system key with goals:write "
        "for the whole city importing an earlier register's follow-ups (tidigare uppföljningar); staff, admin included, get "
        "422 past-date-not-allowed (a follow-up reported here is recorded on the day it is reported). Never in the future "
        "(422 reported-on-in-future).",
    )


class FollowUpChange(FollowUpFields):
    """Correct a follow-up (requires If-Match); the suggestion is computed again."""


class FollowUp(BaseModel):
    id: uuid.UUID
    revision: int
    commitment_id: uuid.UUID
    commitment_version: int = Field(description="The commitment version in force on the period's last day.")
    unit_id: uuid.UUID
    period: str
    outcome_value: float | None
    reached_item_ids: list[str] | None
    result: str | None
    suggested_assessment: Assessment | None = Field(description="Förslag till bedömning by the written rule; None for a målbild.")
    suggestion_basis: dict | None = Field(description="What the suggestion was computed from.")
    assessment: Assessment
    analysis: str | None
    next_steps: str | None
    deadline: date
    reported_on: date
    late: bool = Field(description="Reported after the period's deadline (accepted, marked late).")
