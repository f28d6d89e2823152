"""Bodies of individual assessments (individuell bedömning): a band score per area with strengths and areas for improvement."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from awards.applications.schemas import QuestionNumber

FindingText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class Lens(StrEnum):
    """The award's three lenses (seed 003's criteria)."""

    benefit_to_residents = "benefit_to_residents"  # nytta för medborgarna
    spreading_good_examples = "spreading_good_examples"  # sprida och använda goda exempel
    analysis_for_improvement = "analysis_for_improvement"  # analys av resultat för ständiga förbättringar


class Finding(BaseModel):
    """A strength (styrka) or an area for improvement (förbättringsområde), tagged by lens, resting on answers."""

    model_config = ConfigDict(extra="forbid")

    text: FindingText
    lenses: list[Lens] = Field(min_length=1, max_length=3, description="Utmärkelsens perspektiv the finding speaks to.")
    questions: list[QuestionNumber] = Field(
        min_length=1, max_length=30, description="The answers (frågenummer i ansökan) the finding rests on, e.g. ['2.1', '2.3'].",
    )


class AreaScoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    area_number: int = Field(ge=1, le=20, description="Områdets nummer i bedömningsunderlaget.")
    band: str = Field(description="Poängintervall chosen first: 0-5, 10-25, 30-45, 50-65, 70-85 or 90-100.")
    score: int = Field(description="Poäng within the band, in steps of 5.")
    strengths: list[Finding] = Field(default_factory=list, max_length=20, description="Styrkor.")
    improvements: list[Finding] = Field(default_factory=list, max_length=20, description="Förbättringsområden.")


class AssessmentIn(BaseModel):
    """The examiner's whole draft: the areas scored so far (each area at most once)."""

    model_config = ConfigDict(extra="forbid")

    areas: list[AreaScoreIn] = Field(default_factory=list, max_length=20)


class AreaScore(AreaScoreIn):
    area_title: str


class Assessment(BaseModel):
    id: uuid.UUID
    round_id: uuid.UUID
    application_id: uuid.UUID
    examiner_id: uuid.UUID
    own: bool = Field(description="True when the caller is the examiner who wrote it.")
    status: str = Field(description="draft (utkast) or submitted (inlämnad).")
    scores_hidden: bool = Field(
        description="True while a team-mate's scores are hidden: until every team member has submitted (then areas is empty).",
    )
    areas_scored: int
    areas: list[AreaScore]
    revision: int
    created_at: datetime
    submitted_at: datetime | None


class TeamAssessments(BaseModel):
    application_id: uuid.UUID
    round_id: uuid.UUID
    team_size: int
    submitted: int = Field(description="Team members who have submitted.")
    all_submitted: bool = Field(description="Every member has submitted; from now on everyone in the team sees all scores.")
    items: list[Assessment]


class BandInfo(BaseModel):
    key: str
    low: int
    high: int
    scores: list[int]
    label_sv: str
