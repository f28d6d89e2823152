"""Response bodies of the comparison index (jämförelseindex mellan nämnder)."""

import uuid
from typing import Literal

from pydantic import BaseModel, Field


class Subject(BaseModel):
    kind: Literal["goal", "indicator"]
    id: uuid.UUID
    title: str


class Component(BaseModel):
    key: str = Field(description="The indicator's code, or 'follow-ups'.")
    kind: Literal["indicator", "follow_ups"]
    indicator_id: uuid.UUID | None = None
    title: str
    polarity: Literal["higher_is_better", "lower_is_better"]
    weight: float = Field(description="Vikt, 0–1 (0 leaves the component out).")
    committees_with_figure: int
    minimum: float | None
    maximum: float | None
    mean: float | None
    sd: float | None = Field(description="Population standard deviation across committees.")
    kolada_city_value: float | None = Field(
        None, description="Koladas värde för hela kommunen (the unit with a Kolada municipality id) where imported.",
    )


class ComponentFigure(BaseModel):
    key: str
    raw: float = Field(description="The committee's figure before normalisation.")
    normalised: float = Field(description="Normalised score, higher is better (lower-is-better flipped).")
    basis: Literal["own_value", "units_weighted_by_count", "units_mean", "follow_ups"] = Field(
        description="own_value: the committee's own value in force; units_*: the units below it; follow_ups: their follow-ups.",
    )
    units: int = Field(description="Units whose values (or commitments) are behind the figure.")
    count_sum: int | None = Field(None, description="Σ antal (count) behind the values, where given.")
    reported: int | None = Field(None, description="follow-ups: commitments followed up in the period.")
    commitments: int | None = Field(None, description="follow-ups: commitments supporting the goal.")
    kolada_value: float | None = Field(None, description="Koladas värde för nämnden, when its own value comes from Kolada.")


class Volume(BaseModel):
    values: int = Field(description="Indicator values behind the committee's figures.")
    units: int = Field(description="The most units behind any one of its components.")
    count_sum: int | None = Field(description="Σ antal behind them, where given.")
    follow_ups: int = Field(description="Follow-ups behind the follow-up component.")


class CommitteeIndex(BaseModel):
    committee_id: uuid.UUID
    code: str
    name: str
    type: str
    submitted: bool = Field(
        description="Whether the committee's report for the period is submitted (inlämnad): the tertial report for T1/T2, "
        "the verksamhetsberättelse for VB, a year and its months. When false its figures do not enter: no components, "
        "index, rank or share in the normalisation, coverage 0 and reason 'report-not-submitted'.",
    )
    index: float | None = Field(description="Weighted mean of the normalised scores of the components it has.")
    coverage: float = Field(description="Täckningsgrad: Σ weights of its components with a figure / Σ all weights.")
    rank: int | None = Field(description="Rank among the committees at or above the minimum coverage (ties share).")
    reason: Literal["coverage-below-minimum", "no-figures", "report-not-submitted"] | None = Field(
        description="Why it has no rank: report-not-submitted (its report for the period is not submitted, its figures "
        "are left out), no-figures (submitted, but no figure for any component), coverage-below-minimum.",
    )
    volume: Volume
    components: list[ComponentFigure]


class ComparisonIndex(BaseModel):
    period: str
    subject: Subject
    method: Literal["minmax", "zscore"]
    min_coverage: float
    components: list[Component]
    committees: list[CommitteeIndex] = Field(description="Ranked committees first (by rank), then the rest by code.")
    method_description: str = Field(description="The method and what the index does not say.")
