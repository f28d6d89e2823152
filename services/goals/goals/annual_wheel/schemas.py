"""Request and response bodies of the annual wheel (årshjul) and what is due."""

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class WheelDefault(BaseModel):
    item: Literal["T1", "T2", "VB", "VP"]
    name_sv: str
    due: str = Field(description="Default deadline as MM-DD, in the year given by due_year_offset.")
    due_year_offset: int = Field(description="Years from the period's year to the deadline's (VB +1, VP −1).")
    window: str = Field(description="The months the deadline may lie in, e.g. 'April–May' (seed 004 §6.3).")


class Deadline(BaseModel):
    committee_id: uuid.UUID
    period: str = Field(description="2015-T1, 2015-T2, 2015-VB, or 2016-VP (the plan for 2016, due in 2015).")
    item: Literal["T1", "T2", "VB", "VP"]
    name_sv: str
    due_date: date
    source: Literal["default", "committee"] = Field(description="The city's default, or the committee's own deadline.")
    window_from: date
    window_to: date
    revision: int = Field(description="ETag of the committee's deadline; 0 while the default applies.")


class AnnualWheel(BaseModel):
    committee_id: uuid.UUID
    year: int
    deadlines: list[Deadline]


class DeadlinePut(BaseModel):
    """The committee's own deadline for a period of the wheel (If-Match "0" the first time)."""

    model_config = ConfigDict(extra="forbid")

    due_date: date = Field(description="Inside the item's window and not before the period's last day.")


class MissingFollowUp(BaseModel):
    commitment_id: uuid.UUID
    unit_id: uuid.UUID
    title: str


class ReportDue(BaseModel):
    kind: Literal["tertial_report", "annual_report"]
    period: str


class Due(BaseModel):
    committee_id: uuid.UUID
    period: str
    deadline: date
    deadline_source: Literal["default", "committee"]
    as_of: date = Field(description="The day the list was made (Europe/Stockholm).")
    overdue: bool = Field(description="The deadline has passed and something is still missing.")
    missing_follow_ups: list[MissingFollowUp] = Field(
        description="Adopted commitments of the committee's units without a follow-up for the period.",
    )
    reports_not_submitted: list[ReportDue] = Field(description="The committee's report for the period, while not submitted.")
