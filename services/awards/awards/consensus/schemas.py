"""Bodies of the team's consensus per area (konsensus) and the site visit (platsbesök)."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from awards.assessments.schemas import Finding

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class ConsensusAreaIn(BaseModel):
    """One area's consensus: the score on the same grid, the team's findings, and why it differs from each individual score."""

    model_config = ConfigDict(extra="forbid")

    band: str = Field(description="Poängintervall: 0-5, 10-25, 30-45, 50-65, 70-85 or 90-100.")
    score: int = Field(description="Konsensuspoäng within the band, in steps of 5.")
    strengths: list[Finding] = Field(default_factory=list, max_length=20, description="Teamets styrkor för området.")
    improvements: list[Finding] = Field(default_factory=list, max_length=20, description="Teamets förbättringsområden.")
    reasons: dict[uuid.UUID, Reason] = Field(
        default_factory=dict,
        description="Motivering per examiner id whose individual score differs from the consensus score.",
    )
    reason: Reason | None = Field(
        None, description="One motivering for every differing individual score that has none of its own in `reasons`.",
    )


class IndividualScore(BaseModel):
    examiner_id: uuid.UUID
    score: int


class ConsensusChange(BaseModel):
    """A change from an individual score to the consensus (ändring med motivering)."""

    examiner_id: uuid.UUID
    individual_score: int
    consensus_score: int
    reason: str
    consensus_revision: int
    recorded_at: datetime


class ConsensusArea(BaseModel):
    area_number: int
    area_title: str
    weight: float
    band: str
    score: int
    strengths: list[Finding]
    improvements: list[Finding]
    individual_scores: list[IndividualScore]
    changes: list[ConsensusChange] = Field(description="Every recorded change, all revisions, oldest first.")
    revision: int
    recorded_at: datetime


class SiteVisitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    visited_on: date = Field(description="Platsbesökets datum.")
    notes: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)] = Field(
        description="Anteckningar från platsbesöket.",
    )


class SiteVisit(BaseModel):
    application_id: uuid.UUID
    visited_on: date
    notes: str
    revision: int
    recorded_at: datetime


class Consensus(BaseModel):
    application_id: uuid.UUID
    round_id: uuid.UUID
    complete: bool = Field(description="Every area of the rubric has a consensus score.")
    missing_areas: list[int]
    weighted_score: float | None = Field(
        description="Σ weight × consensus score / 100 over the areas (0–100), once complete; the jury's ranking figure.",
    )
    areas: list[ConsensusArea]
    site_visit: SiteVisit | None
