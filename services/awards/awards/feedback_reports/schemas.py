"""Bodies of feedback reports (återkopplingsrapporter) to the applying units."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from awards.assessments.schemas import Finding

Summary = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
RegistrationNumber = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class ReportStatus(StrEnum):
    draft = "draft"  # utkast
    approved = "approved"  # godkänd (by someone who did not write it)
    released = "released"  # lämnad till enheten, fryst


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    application_id: uuid.UUID = Field(description="The application (ansökan) whose consensus the report is built from.")


class ReportArea(BaseModel):
    number: int = Field(description="Bedömningsområdets nummer.")
    title: str
    band: str | None = Field(description="The consensus score's band (poängintervall), e.g. 50-65.")
    band_label: str | None = Field(description="What the band means, in Swedish.")
    strengths: list[Finding] = Field(description="Styrkor.")
    improvements: list[Finding] = Field(description="Förbättringsområden.")


class ReportAreaChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int = Field(ge=1, le=20, description="The area to edit.")
    strengths: list[Finding] | None = Field(None, max_length=20, description="Replaces the area's strengths.")
    improvements: list[Finding] | None = Field(None, max_length=20, description="Replaces the area's areas for improvement.")


class ReportChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: Summary | None = Field(None, description="Sammanfattning (replaces it).")
    areas: list[ReportAreaChange] | None = Field(None, max_length=20, description="Areas whose findings are rewritten.")


PAST_DAY = ("Today when left out. An earlier day only from a system key with awards:write importing a past round's records "
            "(tidigare omgång), stored as that day's start in Europe/Stockholm; staff, admin included, get 422 "
            "past-date-not-allowed (a step taken here is recorded on the day it is taken). Never in the future "
            "(422 date-in-future).")


class Approval(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approved_on: date | None = Field(None, description=f"Day of the approval. {PAST_DAY}")


class Release(BaseModel):
    model_config = ConfigDict(extra="forbid")

    registration_number: RegistrationNumber = Field(description="Diarienummer the report is registered under, e.g. KU 2015/17.")
    released_on: date | None = Field(None, description=f"Day the report is released to the unit, not before its approval. {PAST_DAY}")


class FeedbackReport(BaseModel):
    id: uuid.UUID
    revision: int
    application_id: uuid.UUID
    round_id: uuid.UUID
    unit_id: uuid.UUID
    unit_name: str | None
    status: ReportStatus
    summary: str
    areas: list[ReportArea]
    created_at: datetime
    approved_at: datetime | None
    released_at: datetime | None
    registration_number: str | None = Field(description="Set on release.")
    sha256: str | None = Field(description="SHA-256 of the frozen snapshot (the JSON document), set on release.")
