"""Request and response bodies of the goal structure (goal levels, goals, line of sight)."""

import uuid
from enum import StrEnum
from typing import Annotated

from contracts.goals import GoalStatus
from contracts.organisation import OrganisationUnitType
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
Year = Annotated[int, Field(ge=1900, le=2200)]
LevelCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
RoleId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]{0,39}$")]


class Horizon(StrEnum):
    long = "long"  # lång sikt (visionen)
    term = "term"  # mandatperiod
    multi_year = "multi_year"  # flerårigt
    year = "year"  # ett år


class GoalLevel(BaseModel):
    """En målnivå: vision, kommunfullmäktiges inriktningsmål, KF:s mål för verksamhetsområdet, nämndmål ..."""

    code: str
    revision: int
    rank: int = Field(description="1 is the top; a goal's parent sits exactly one rank above. Commitments hang on the lowest rank.")
    name_sv: str
    name_en: str
    horizon: Horizon
    owner_unit_types: list[OrganisationUnitType] = Field(description="Unit types that own goals at this level.")
    writer_roles: list[str] = Field(description="Roles that write goals at this level (admin always may).")


class GoalLevelCreate(BaseModel):
    """A new goal level; it may be placed only where no goal exists yet at its rank or below."""

    model_config = ConfigDict(extra="forbid")

    code: LevelCode
    rank: int = Field(ge=1, le=20)
    name_sv: Title
    name_en: Title
    horizon: Horizon
    owner_unit_types: list[OrganisationUnitType] = Field(min_length=1)
    writer_roles: list[RoleId] = Field(min_length=1)


class GoalLevelChange(BaseModel):
    """Rename a level or change who owns and writes its goals (requires If-Match)."""

    model_config = ConfigDict(extra="forbid")

    name_sv: Title | None = None
    name_en: Title | None = None
    horizon: Horizon | None = None
    owner_unit_types: list[OrganisationUnitType] | None = Field(None, min_length=1)
    writer_roles: list[RoleId] | None = Field(None, min_length=1)


class GoalCreate(BaseModel):
    """A goal at a level, owned by an organisation unit for a term or year, naming the goal above it."""

    model_config = ConfigDict(extra="forbid")

    level: LevelCode
    unit_id: uuid.UUID = Field(description="The city for KF levels; a committee (nämnd) for nämndmål.")
    from_year: Year
    to_year: Year | None = Field(None, description="Last year (inclusive); default from_year.")
    parent_id: uuid.UUID | None = Field(None, description="The goal one level above that this goal supports.")
    title: Title
    description: Text | None = None

    @model_validator(mode="after")
    def _years_in_order(self) -> "GoalCreate":
        if self.to_year is not None and self.to_year < self.from_year:
            raise ValueError("to_year must not be before from_year")
        return self


class GoalChange(BaseModel):
    """Retitle, relink, re-date or withdraw a goal (requires If-Match); the rules of create apply."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: Text | None = None
    parent_id: uuid.UUID | None = None
    from_year: Year | None = None
    to_year: Year | None = None
    status: GoalStatus | None = None

    @model_validator(mode="after")
    def _says_what_changes(self) -> "GoalChange":
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        for field in ("title", "from_year", "to_year", "status"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null")
        return self


class ChainLink(BaseModel):
    """One goal on a line of sight, from the vision down."""

    id: uuid.UUID
    level: str
    level_name_sv: str
    unit_id: uuid.UUID
    from_year: int
    to_year: int
    title: str


class CommitmentSight(BaseModel):
    id: uuid.UUID
    title: str
    status: str
    unit_id: uuid.UUID
    chain: list[ChainLink] = Field(description="From the top level (vision) to the committee goal the commitment supports.")
    complete: bool = Field(description="True when the chain reaches the top level without a gap.")


class LineOfSight(BaseModel):
    """Den röda tråden: for a unit and year, the chain from the vision to each of its commitments."""

    unit_id: uuid.UUID
    year: int
    commitments: list[CommitmentSight]
