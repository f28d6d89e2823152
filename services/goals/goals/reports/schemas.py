"""Request and response bodies of reports (tertialrapport, verksamhetsberättelse)."""

import uuid
from datetime import datetime
from typing import Annotated

from contracts.goals import ReportKind
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from goals.follow_ups.rules import PERIOD_PATTERN

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)]


class ReportSubmission(BaseModel):
    """Submit (lämna in) the committee's report for a period: its document is frozen as it is now."""

    model_config = ConfigDict(extra="forbid")

    period: Annotated[str, StringConstraints(pattern=PERIOD_PATTERN)] = Field(description="'2015-T1', '2015-T2' or '2015-VB'.")
    correction: bool = Field(
        False, description="Rättelse: a new snapshot superseding the one submitted; without it a second submission is refused.",
    )
    correction_reason: Reason | None = Field(None, description="Why the report is corrected; required for a correction.")

    @model_validator(mode="after")
    def _reason(self) -> "ReportSubmission":
        if self.correction and not self.correction_reason:
            raise ValueError("a correction needs its correction_reason")
        if not self.correction and self.correction_reason:
            raise ValueError("correction_reason belongs to a correction")
        return self


class Report(BaseModel):
    """A submitted report: the snapshot's registration, not its document (read that from /document)."""

    id: uuid.UUID
    committee_id: uuid.UUID
    period: str
    kind: ReportKind
    version: int = Field(description="1 for the first submission; each correction adds one.")
    registration_number: str = Field(description="Diarienummer from the service's series.")
    sha256: str = Field(description="SHA-256 of the stored JSON document, byte for byte.")
    correction_reason: str | None
    supersedes_id: uuid.UUID | None = Field(description="The snapshot this correction supersedes.")
    superseded_by_id: uuid.UUID | None = Field(description="The correction that supersedes this snapshot; None: in force.")
    submitted_at: datetime
