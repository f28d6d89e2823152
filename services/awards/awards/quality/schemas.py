"""Bodies of the examination's quality figures (Krippendorff's alpha, spread, offsets) and the round report."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Rating(BaseModel):
    model_config = ConfigDict(extra="forbid")

    examiner: Label = Field(description="Bedömare (any label).")
    unit: Label = Field(description="What was scored, e.g. an application or a training case (any label).")
    value: float = Field(ge=-1_000_000, le=1_000_000, allow_inf_nan=False, description="Poäng (interval scale).")


class AgreementRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ratings: list[Rating] = Field(min_length=1, max_length=20_000, description="(examiner, unit, value) triples; a repeated pair keeps the last.")
    min_units: int = Field(2, ge=2, le=1000, description="Alpha only with at least this many units scored by two or more.")


class Agreement(BaseModel):
    """Krippendorff's alpha at the interval level, with how much data it rests on."""

    level: Literal["interval"] = "interval"
    alpha: float | None = Field(description="1 = full agreement, 0 = chance; null when there is not enough data.")
    status: Literal["ok", "not_enough_data", "no_variation"]
    verdict: Literal["reliable", "tentative", "low", "not_enough_data"] = Field(
        description="reliable ≥ 0.800, tentative ≥ 0.667 (Krippendorff's own limits), low below; not_enough_data without alpha.",
    )
    explanation: str
    examiners: int
    units: int
    pairable_units: int = Field(description="Units scored by at least two examiners (only these count).")
    pairable_values: int


class AreaAgreement(BaseModel):
    phase: Literal["individual_assessment"] = Field(
        "individual_assessment", description="The phase whose independent scores are compared (individuell bedömning).",
    )
    area_number: int | None = Field(description="Bedömningsområde; null for all areas together (units = application × area).")
    area_title: str
    agreement: Agreement


class AreaConsensus(BaseModel):
    phase: Literal["consensus"] = "consensus"
    area_number: int
    area_title: str
    consensus_scores: int = Field(description="Applications with a consensus score for the area.")
    individual_scores: int
    changed_scores: int = Field(description="Individual scores that differ from the consensus (each change carries a reason).")
    mean_absolute_change: float | None


class AreaSpread(BaseModel):
    area_number: int
    scores: int
    minimum: float | None
    maximum: float | None
    range: float | None
    standard_deviation: float | None
    consensus_score: int | None


class ApplicationSpread(BaseModel):
    application_id: uuid.UUID
    unit_id: uuid.UUID
    team_size: int
    submitted: int
    widest_range: float | None = Field(description="The largest range of individual scores over the areas (spridning).")
    areas: list[AreaSpread]


class ExaminerOffset(BaseModel):
    examiner_id: uuid.UUID
    applications: int
    scores: int = Field(description="Area scores with a consensus to compare with.")
    mean_offset: float | None = Field(description="Mean of individual − consensus: > 0 generous, < 0 strict; null below the minimum sample.")
    mean_absolute_offset: float | None
    status: Literal["ok", "not_enough_data"]


class QualityReport(BaseModel):
    """Omgångens kvalitetsrapport: what the award office uses to evaluate and update the award after every round."""

    round_id: uuid.UUID
    prize: str
    year: int
    phase: str
    generated_at: datetime
    thresholds: dict[str, float]
    applications: int
    submitted_assessments: int
    examiners: int
    agreement: list[AreaAgreement]
    consensus: list[AreaConsensus]
    spread: list[ApplicationSpread]
    examiner_offsets: list[ExaminerOffset]
    attention: list[str] = Field(description="Swedish notes for the office: areas of low agreement, wide spreads, strict or generous examiners.")
