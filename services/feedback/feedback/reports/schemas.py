import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from feedback.statistics.periods import PERIOD_DESCRIPTION


class ReportStatus(StrEnum):
    submitted = "submitted"  # inlämnad: the report in force for its committee and period
    superseded = "superseded"  # ersatt av en rättelse


class ReportSubmission(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period: str = Field(max_length=10, description=PERIOD_DESCRIPTION)
    registration_number: str = Field(min_length=1, max_length=100, description="Diarienummer the report is registered under.")
    corrects: uuid.UUID | None = Field(None, description="Rättelse: the submitted report this one replaces.")
    correction_reason: str | None = Field(None, max_length=1000, description="Why the report is corrected (required with corrects).")


class Report(BaseModel):
    id: uuid.UUID
    committee_id: uuid.UUID
    period: str
    registration_number: str
    status: ReportStatus
    sha256: str = Field(description="SHA-256 of the frozen JSON snapshot, byte for byte.")
    submitted_by: str
    submitted_at: datetime
    corrects_id: uuid.UUID | None
    correction_reason: str | None
    superseded_by_id: uuid.UUID | None
