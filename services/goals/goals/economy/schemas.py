"""Response bodies of economy beside fulfilment and of the analysis model."""

import uuid
from typing import Literal

from contracts.goals import Assessment
from pydantic import BaseModel, Field

from goals.numbers import JsonNumber

Flag = Literal["over-budget", "under-budget", "not-fulfilled", "analysis-required"]


class FulfilmentFigures(BaseModel):
    commitments: int = Field(description="Åtaganden of the year (adopted at some point).")
    fulfilled: int
    partly_fulfilled: int
    not_fulfilled: int
    not_reported: int = Field(description="Without a verksamhetsberättelse follow-up.")
    coverage: float | None
    score: float | None
    assessment: Assessment | None = Field(description="Beräknad måluppfyllelse by the default roll-up rule.")


class EconomyYear(BaseModel):
    year: int
    line: str = Field(description="The budget line compared (kostnader by default).")
    budget_source: Literal["own", "units_below", "none"] = Field(
        description="own: the unit's own table; units_below: the sum of the tables of the units below it.",
    )
    budget: JsonNumber | None
    outcome: JsonNumber | None = Field(description="Utfall.")
    deviation: JsonNumber | None = Field(description="Avvikelse = budget − utfall.")
    deviation_share: float | None = Field(description="Avvikelse / |budget|.")
    fulfilment: FulfilmentFigures
    flags: list[Flag] = Field(description="analysis-required: over budget and not fulfilled (analys krävs).")


class UnitEconomy(BaseModel):
    unit_id: uuid.UUID
    code: str
    name: str
    type: str
    years: list[EconomyYear]


class Economy(BaseModel):
    unit: UnitEconomy = Field(description="The unit asked for, over the units below it.")
    units: list[UnitEconomy] = Field(description="Each unit below it with a budget table or commitments, on its own.")
    tolerance: float = Field(description="Share of the budget within which outcome counts as on budget.")
    rules: str


class Estimate(BaseModel):
    estimate: float
    low: float = Field(description="Lower end of the 95 % interval.")
    high: float = Field(description="Upper end of the 95 % interval.")


class CategoryProbabilities(BaseModel):
    not_fulfilled: Estimate
    partly_fulfilled: Estimate
    fulfilled: Estimate


class WhatIf(BaseModel):
    change_percent: float = Field(description="Resursförändring i procent of the cost (per unit or per user).")
    reference: str = Field(description="The observation the probabilities are for.")
    baseline: CategoryProbabilities = Field(description="Predicted probabilities at today's (median) cost.")
    changed: CategoryProbabilities = Field(description="Predicted probabilities at the changed cost.")
    difference: CategoryProbabilities = Field(description="changed − baseline, with its own interval.")
    odds_ratio: Estimate = Field(description="Odds of a higher category at the changed cost relative to today's.")
    interval_method: str


class Analysis(BaseModel):
    model: str
    predictor: str
    years: list[int]
    within: uuid.UUID | None
    n: int = Field(description="Observations (unit-years) used.")
    excluded: dict[str, int] = Field(description="Unit-years left out, by reason.")
    counts: dict[str, int] = Field(description="Observations per fulfilment category.")
    enough_data: bool
    statement: str = Field(description="What the estimate says, or why there is none, in plain words.")
    not_enough_data_rule: str
    coefficient: Estimate | None = Field(description="β per unit of ln cost, with its 95 % Wald interval.")
    std_error: float | None
    p_value: float | None
    thresholds: list[float] | None = Field(description="Cut points θ on the centred scale (ej|delvis, delvis|uppfyllt).")
    median_ln_cost: float | None
    what_if: WhatIf | None
    limits: str
