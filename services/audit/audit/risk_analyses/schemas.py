"""Request and response bodies of risk analyses and their risks."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from contracts.decisions import DecisionRef
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Subject = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Year = Annotated[int, Field(ge=2000, le=2100, description="Budget year (kalenderår).")]


class RiskCategory(StrEnum):
    operations = "operations"  # verksamhetsrisk
    finance = "finance"  # ekonomisk risk
    compliance = "compliance"  # regelefterlevnad (lagar, avtal, riktlinjer)
    fraud = "fraud"  # oegentligheter (mutor, jäv, förskingring)
    information_security = "information_security"  # informationssäkerhet
    personnel = "personnel"  # personal och arbetsmiljö
    reputation = "reputation"  # förtroende


class AnalysisStatus(StrEnum):
    draft = "draft"  # utkast
    adoption_requested = "adoption_requested"  # överlämnad för beslut
    adopted = "adopted"  # fastställd (read-only)


class AnalysisCreate(BaseModel):
    """A new analysis; ``start_from_previous`` copies last year's risks with their lineage."""

    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID = Field(description="The organisation unit (förvaltning, avdelning, enhet) the analysis covers.")
    year: Year
    scale_id: uuid.UUID | None = Field(None, description="Riskskala; default: last year's analysis's scale, else the city's default.")
    start_from_previous: bool = Field(False, description="Utgå från förra årets analys: copy its risks, each linked to its original.")


class RiskInput(BaseModel):
    """A risk (risk) of the analysis."""

    model_config = ConfigDict(extra="forbid")

    process: Text = Field(description="Process or area (process/rutin), e.g. 'Inköp och upphandling'.")
    description: Text = Field(description="Riskbeskrivning.")
    category: RiskCategory = Field(description="Riskkategori; 'fraud' is oegentligheter.")
    probability: int = Field(description="Sannolikhet on the analysis's scale.")
    consequence: int = Field(description="Konsekvens on the analysis's scale.")
    responsible_subject: Subject = Field(description="Ansvarig chef: their subject id (never a name).")
    responsible_unit_id: uuid.UUID = Field(description="The unit the responsible manager works in.")
    justification: Text | None = Field(None, description="Motivering of the assessment.")
    in_control_plan: bool = Field(False, description="Tas med i internkontrollplanen.")
    previous_risk_id: uuid.UUID | None = Field(None, description="The same risk in last year's analysis of the unit.")


class Risk(RiskInput):
    id: uuid.UUID
    analysis_id: uuid.UUID
    value: int = Field(description="Riskvärde: probability × consequence (1–16 on the city's 4×4 scale).")
    level: str = Field(description="Risknivå from the scale's grid, e.g. 'high'.")
    level_label: str = Field(description="The level's Swedish label, e.g. 'Hög'.")
    revision: int


class RiskAnalysis(BaseModel):
    """Risk- och väsentlighetsanalys."""

    id: uuid.UUID
    unit_id: uuid.UUID
    committee_id: uuid.UUID
    year: int
    scale_id: uuid.UUID
    status: AnalysisStatus
    based_on_id: uuid.UUID | None = Field(description="Last year's analysis it started from.")
    requested_by: str | None = Field(description="Subject who asked for adoption.")
    decision: DecisionRef | None
    adopted_by: str | None
    revision: int
    created_at: datetime
    risks: list[Risk]
