"""Request and response bodies of the roll-up, its rules and the committee's verdict on a goal."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from contracts.goals import Assessment
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Fraction = Annotated[float, Field(ge=0, le=1)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]


class Scores(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fulfilled: Fraction = Field(description="Poäng för uppfyllt.")
    partly_fulfilled: Fraction = Field(description="Poäng för delvis uppfyllt.")
    not_fulfilled: Fraction = Field(description="Poäng för ej uppfyllt.")


class RuleVersionCreate(BaseModel):
    """A new version of a roll-up rule (a new code starts at version 1); versions never change."""

    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,49}$")]
    name_sv: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    description: Text | None = None
    scores: Scores = Field(description="Each verdict's score, 0–1; fulfilled ≥ partly ≥ not fulfilled.")
    fulfilled_from: Fraction = Field(description="Score from which the computed fulfilment is uppfyllt.")
    partly_from: Fraction = Field(description="Score from which it is delvis uppfyllt (≤ fulfilled_from).")
    min_coverage: Fraction = Field(0.5, description="Share of inputs reported below which nothing is computed.")
    weighting: Literal["equal", "commitments"] = Field(
        "equal", description="equal: every input weighs 1; commitments: a goal weighs as many commitments as lie below it.",
    )


class RuleVersion(RuleVersionCreate):
    version: int
    created_at: datetime


class Share(BaseModel):
    count: int
    share: float | None = Field(description="count / total; None when nothing lies below.")


class Distribution(BaseModel):
    fulfilled: Share
    partly_fulfilled: Share
    not_fulfilled: Share
    not_reported: Share = Field(description="Inte rapporterat än: no follow-up (or no verdict) for the period.")
    total: int
    coverage: float | None = Field(description="Share of the inputs reported (täckningsgrad).")


class Fulfilment(BaseModel):
    score: float | None = Field(description="Weighted mean score of the reported inputs.")
    assessment: Assessment | None = Field(description="Beräknad måluppfyllelse by the rule's thresholds.")
    reason: str | None = Field(description="Why none is computed: nothing-below, coverage-below-minimum, no-weight.")


class Verdict(BaseModel):
    goal_id: uuid.UUID
    period: str
    revision: int
    assessment: Assessment = Field(description="Nämndens bedömning.")
    analysis: str = Field(description="Nämndens analys.")
    recorded_by: str
    updated_at: datetime


class VerdictPut(BaseModel):
    """The committee's own verdict on a goal for a period (If-Match "0" the first time)."""

    model_config = ConfigDict(extra="forbid")

    assessment: Assessment
    analysis: Text = Field(description="Analys: why the committee judges the goal so.")


class Override(BaseModel):
    kind: Literal["verdict-over-suggestion", "committee-verdict"] = Field(
        description="verdict-over-suggestion: a follow-up's verdict differs from the rule's suggestion; "
        "committee-verdict: a goal below counts with its committee's verdict instead of its computed fulfilment.",
    )
    source_kind: Literal["commitment", "goal"]
    source_id: uuid.UUID
    replaced: Assessment | None = Field(description="The suggested or computed value the override replaced.")
    applied: Assessment


class InputOut(BaseModel):
    kind: Literal["commitment", "goal"]
    id: uuid.UUID = Field(description="The source commitment or goal.")
    title: str
    unit_id: uuid.UUID
    verdict: Assessment | None = Field(description="The verdict counted; None: not yet reported.")
    score: float | None
    weight: float
    follow_up_id: uuid.UUID | None = Field(None, description="For a commitment: its follow-up for the period.")
    computed: Fulfilment | None = Field(None, description="For a goal: its own computed fulfilment.")
    commitments_below: int


class Explanation(BaseModel):
    rule: RuleVersion
    inputs: list[InputOut]
    overrides: list[Override]
    formula: str = Field(description="The computation written out.")


class GoalRef(BaseModel):
    id: uuid.UUID
    level: str
    title: str
    unit_id: uuid.UUID


class RollUp(BaseModel):
    scope: Literal["goal", "city"]
    goal: GoalRef | None = Field(description="The goal rolled up; None for the city.")
    unit_id: uuid.UUID
    period: str
    distribution: Distribution = Field(description="Fördelningen av det som ligger direkt under.")
    commitments: Distribution = Field(description="Every commitment below, at any depth, by its follow-up's verdict.")
    fulfilment: Fulfilment
    committee_verdict: Verdict | None = Field(description="Nämndens egen bedömning beside the computed one.")
    explanation: Explanation
