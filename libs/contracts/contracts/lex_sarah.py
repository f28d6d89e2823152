"""Lex Sarah events, published by audit: the yearly summary for the committee's annual report.

Figures only. A lex Sarah case's contents, the people in it and the reporter never leave audit;
the summary counts cases per area and per provider (organisation units, which are public), the
share assessed serious, the days to each step and how many cases changed a routine.
"""

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

SCHEMA_VERSION = 1

YEARLY_SUMMARY = "audit.lex-sarah.yearly-summary"  # årssammanställning av lex Sarah-rapporter

# The verksamhetsområden audit counts reports by (``AreaCount.area``), with the names city staff
# know them by; a reader shows a code not listed here as it is.
AREA_NAMES_SV = {
    "elderly_care": "Äldreomsorg",
    "disability": "Stöd och service till personer med funktionsnedsättning",
    "individual_and_family": "Individ- och familjeomsorg",
    "other": "Annan socialtjänst",
}


class AreaCount(BaseModel):
    area: str = Field(description="Verksamhetsområde: a key of AREA_NAMES_SV, e.g. elderly_care (äldreomsorg).")
    reports: int


class ProviderCount(BaseModel):
    unit_id: uuid.UUID = Field(description="The organisation unit where it happened (utförare).")
    private_provider: bool = Field(description="True for a contractor (enskild verksamhet / entreprenad).")
    reports: int


class StepTime(BaseModel):
    step: str = Field(description="received, investigation_started, assessed, ivo_notified or closed.")
    cases: int = Field(description="Cases that reached the step.")
    average_days: float | None = Field(description="Mean days from the report to the step (None when no case reached it).")
    max_days: int | None


class LexSarahYearlySummary(BaseModel):
    """Payload of audit.lex-sarah.yearly-summary: one committee's year, figures only."""

    committee_id: uuid.UUID
    year: int
    revision: int = Field(description="Increases with each publication of this committee's year; the highest wins.")
    reports: int = Field(description="Antal rapporter enligt lex Sarah, by the day they were reported.")
    serious: int = Field(description="Assessed missförhållande or påtaglig risk för missförhållande.")
    share_serious: float | None = Field(description="serious / assessed (None when none was assessed yet).")
    ivo_notifications: int = Field(description="Anmälningar till IVO.")
    closed: int
    routines_changed: int = Field(description="Cases whose preventive actions changed or added a routine.")
    by_area: list[AreaCount]
    by_provider: list[ProviderCount]
    time_to_step: list[StepTime]
    computed_at: datetime
