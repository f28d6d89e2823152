"""Request and response bodies of reports to the committee."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class ReportPeriod(StrEnum):
    """The two reports a year go with the committee's own reports (ARCHITECTURE.md periods)."""

    T2 = "T2"  # med tertialrapport 2 (januari–augusti)
    VB = "VB"  # med verksamhetsberättelsen (helår)


class ReportStatus(StrEnum):
    draft = "draft"
    sending_requested = "sending_requested"  # snapshot frozen, awaiting approval
    sent = "sent"  # skickad till nämnden


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    committee_id: uuid.UUID
    year: int = Field(ge=2000, le=2100)
    period: ReportPeriod
    title: Title = Field(description="E.g. 'Internkontroll 2015, rapport till nämnden med tertialrapport 2'.")
    meeting_date: date = Field(description="Nämndsammanträdets datum.")


class ReportChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    meeting_date: date | None = None


class SendingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    registration_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = Field(
        description="Diarienummer of the report, e.g. 'SDN 2015/123'."
    )


class Report(BaseModel):
    """Rapport till nämnden om intern kontroll."""

    id: uuid.UUID
    committee_id: uuid.UUID
    year: int
    period: ReportPeriod
    title: str
    meeting_date: date
    status: ReportStatus
    registration_number: str | None
    sha256: str | None = Field(description="SHA-256 of the frozen JSON snapshot.")
    requested_by: str | None
    sent_by: str | None
    sent_at: datetime | None
    revision: int
    created_at: datetime
