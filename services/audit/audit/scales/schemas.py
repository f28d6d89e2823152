"""Request and response bodies of risk scales."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,49}$")]


class ScaleStep(BaseModel):
    """One step of an axis: sannolikhet or konsekvens."""

    model_config = ConfigDict(extra="forbid")

    value: int = Field(ge=1, le=10, description="1 for the lowest step; steps are numbered 1..n.")
    label: Text = Field(description="Swedish label, e.g. 'Möjlig' or 'Kännbar'.")
    description: Text = Field(description="What the step means (beskrivning).")


class RiskLevel(BaseModel):
    """A level of the grid (risknivå), e.g. low / Låg."""

    model_config = ConfigDict(extra="forbid")

    key: Key
    label: Text
    description: Text


class ScaleContent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    description: Text | None = None
    probability_levels: list[ScaleStep] = Field(min_length=2, max_length=10, description="Sannolikhet, lowest first.")
    consequence_levels: list[ScaleStep] = Field(min_length=2, max_length=10, description="Konsekvens, lowest first.")
    levels: list[RiskLevel] = Field(min_length=1, max_length=10, description="Risknivåer, lowest first.")
    grid: list[list[Key]] = Field(
        description="One row per probability (lowest first), one level key per consequence (lowest first)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> "ScaleContent":
        for axis, steps in (("probability_levels", self.probability_levels), ("consequence_levels", self.consequence_levels)):
            if [step.value for step in steps] != list(range(1, len(steps) + 1)):
                raise ValueError(f"{axis} must be numbered 1..{len(steps)} in order")
        keys = [level.key for level in self.levels]
        if len(set(keys)) != len(keys):
            raise ValueError("level keys must be unique")
        if len(self.grid) != len(self.probability_levels) or any(len(row) != len(self.consequence_levels) for row in self.grid):
            raise ValueError("grid must have one row per probability and one cell per consequence")
        unknown = {cell for row in self.grid for cell in row} - set(keys)
        if unknown:
            raise ValueError(f"grid names unknown levels: {', '.join(sorted(unknown))}")
        return self


class ScaleCreate(ScaleContent):
    """A new risk scale, or a new version of one (same code)."""

    code: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z0-9ÅÄÖ][A-Z0-9ÅÄÖ._×-]{0,49}$")]
    owner_unit_id: uuid.UUID | None = Field(None, description="The committee or unit that owns it; None for a city-wide scale.")


class ScaleCell(BaseModel):
    probability: int
    consequence: int
    value: int = Field(description="Riskvärde: probability × consequence.")
    level: str = Field(description="The grid's level key for the cell.")


class RiskScale(ScaleContent):
    """Riskskala, one version of it."""

    id: uuid.UUID
    code: str
    version: int
    owner_unit_id: uuid.UUID | None
    is_default: bool = Field(description="The city's default scale, used when an analysis names none.")
    locked: bool = Field(description="A risk uses this version; it can no longer change (make a new version).")
    cells: list[ScaleCell] = Field(description="Every cell: riskvärde and risknivå side by side.")
    revision: int
    created_at: datetime
