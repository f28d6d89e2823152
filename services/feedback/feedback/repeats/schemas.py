import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from feedback.models import REASON_LENGTH


class RepeatFlag(BaseModel):
    """Möjligt upprepat klagomål: the open case this one resembles, and the handler's decision."""

    similar_case_id: uuid.UUID = Field(description="The earlier open case of the same unit and category it resembles.")
    similarity: float = Field(description="Textlikhet 0–100 (rapidfuzz token sort ratio of the normalised texts).")
    flagged_at: datetime
    decision: Literal["confirmed", "dismissed"] | None = Field(description="None until the handler decides.")
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None


class RepeatDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["confirmed", "dismissed"] = Field(
        description="confirmed: a duplicate (dubblett) of the similar case, linked to it; dismissed: not a repeat.",
    )
    reason: str | None = Field(None, min_length=1, max_length=REASON_LENGTH, description="Varför; stored in the history.")
