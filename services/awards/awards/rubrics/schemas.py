"""A rubric's shape (bedömningsunderlag): areas (områden) with weights and numbered questions (frågor)."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

WEIGHT_TOTAL = Decimal(100)


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]?\.[1-9][0-9]?$")] = Field(
        description="Frågans nummer, '<area>.<n>', e.g. '6.2'."
    )
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class Area(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int = Field(ge=1, le=20, description="Områdets nummer, 1 upwards without gaps.")
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    weight: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2, description="Vikt; the areas' weights sum to 100.")
    questions: list[Question] = Field(min_length=1, max_length=30)


class RubricIn(BaseModel):
    """A rubric version: areas numbered 1..n, questions numbered within their area, weights summing to 100."""

    model_config = ConfigDict(extra="forbid")

    areas: list[Area] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _consistent(self) -> "RubricIn":
        numbers = [area.number for area in self.areas]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("areas must be numbered 1, 2, 3 ... in order")
        total = sum((area.weight for area in self.areas), Decimal(0))
        if total != WEIGHT_TOTAL:
            raise ValueError(f"the areas' weights sum to {total}, not 100")
        seen: set[str] = set()
        for area in self.areas:
            for question in area.questions:
                if not question.number.startswith(f"{area.number}."):
                    raise ValueError(f"question {question.number} does not belong to area {area.number}")
                if question.number in seen:
                    raise ValueError(f"question {question.number} appears twice")
                seen.add(question.number)
        return self


class Rubric(RubricIn):
    """A stored rubric version of a round."""

    round_id: uuid.UUID
    version: int = Field(description="Version 1 is the round's first; each edit before the first application adds one.")
    created_at: datetime
    question_count: int


def question_numbers(areas: list[dict]) -> list[str]:
    return [question["number"] for area in areas for question in area["questions"]]
