"""Request and response bodies of rounds (utmärkelseomgångar)."""

import uuid
from datetime import date, datetime
from typing import Annotated

from contracts.awards import Prize, RoundPhase
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from awards.eligibility.rules import EligibilityRule
from awards.rounds.phases import ORDER
from awards.rubrics.schemas import RubricIn

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Deadlines = Annotated[
    dict[RoundPhase, date],
    Field(description="Sista dag per fas (Europe/Stockholm), one for every phase, never decreasing in phase order. "
                      "The open phase's date is the application deadline (sista ansökningsdag)."),
]


def check_deadlines(deadlines: dict[RoundPhase, date]) -> None:
    missing = [phase for phase in ORDER if phase not in deadlines]
    if missing:
        raise ValueError(f"deadlines missing for {', '.join(missing)}")
    for earlier, later in zip(ORDER, ORDER[1:]):
        if deadlines[later] < deadlines[earlier]:
            raise ValueError(f"the deadline of {later} ({deadlines[later]}) is before that of {earlier} ({deadlines[earlier]})")


class RoundCreate(BaseModel):
    """A new round; the rubric and eligibility rules default to the prize's (seed 004 / seed 003)."""

    model_config = ConfigDict(extra="forbid")

    prize: Prize = Field(description="quality_award (Kvalitetsutmärkelsen) or renewal_prize (Förnyelsepriset).")
    year: int = Field(ge=2000, le=2100)
    name: Name | None = Field(None, description="Default e.g. 'Kvalitetsutmärkelsen 2015'.")
    deadlines: Deadlines
    eligibility_rules: list[EligibilityRule] | None = Field(None, description="Behörighetsregler; default the prize's.")
    rubric: RubricIn | None = Field(None, description="Bedömningsunderlag version 1; default the prize's.")

    @model_validator(mode="after")
    def _deadlines(self) -> "RoundCreate":
        check_deadlines(self.deadlines)
        return self


class RoundChange(BaseModel):
    """Change a round's name, deadlines or eligibility rules (If-Match)."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    deadlines: Deadlines | None = None
    eligibility_rules: list[EligibilityRule] | None = None

    @model_validator(mode="after")
    def _something(self) -> "RoundChange":
        if not self.model_fields_set:
            raise ValueError("give at least one of name, deadlines, eligibility_rules")
        for field in self.model_fields_set:
            if getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null")
        if self.deadlines is not None:
            check_deadlines(self.deadlines)
        return self


class PhaseTransition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: RoundPhase = Field(description="The next phase; a round moves one phase forward at a time, never back.")


class PhaseChange(BaseModel):
    from_phase: RoundPhase
    to_phase: RoundPhase
    changed_at: datetime
    changed_by: str = Field(description="Subject id of the award administrator.")


class Round(BaseModel):
    id: uuid.UUID
    prize: Prize
    year: int
    name: str
    phase: RoundPhase
    phase_sv: str = Field(description="The phase's Swedish name.")
    next_phase: RoundPhase | None
    deadlines: dict[RoundPhase, date]
    eligibility_rules: list[EligibilityRule]
    rubric_version: int
    revision: int
    created_at: datetime
    phase_history: list[PhaseChange]


class ExitCondition(BaseModel):
    key: str
    met: bool
    explanation: str


class ExitConditions(BaseModel):
    round_id: uuid.UUID
    phase: RoundPhase
    next_phase: RoundPhase | None
    can_move: bool = Field(description="True when every condition holds (and a next phase exists).")
    conditions: list[ExitCondition]
