"""Request bodies of the organisation tree's write API and the unit-type catalogue."""

import uuid
from datetime import date
from typing import Annotated

from contracts.organisation import OrganisationUnitType
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from servicekit.orgtree.tables import CODE_LENGTH, NAME_LENGTH


def _normalise_code(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


Code = Annotated[
    str,
    BeforeValidator(_normalise_code),
    StringConstraints(min_length=1, max_length=CODE_LENGTH, pattern=r"^[A-Z0-9ÅÄÖ][A-Z0-9ÅÄÖ._-]*$"),
    Field(description="Enhetskod, unique city-wide on every day; stored upper-case, e.g. 'SDF-SPT-STAB'."),
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_LENGTH),
    Field(description="Namn, e.g. 'Enheten för verksamhetsutveckling'."),
]
EffectiveDate = Annotated[date, Field(description="Day the change takes effect (gäller från), Europe/Stockholm.")]


class UnitCreate(BaseModel):
    """A new organisation unit (ny organisationsenhet)."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    name: Name
    type: OrganisationUnitType
    parent_id: uuid.UUID | None = Field(None, description="The unit above (överordnad enhet); omit only for the city.")
    effective_date: date | None = Field(None, description="First day the unit exists; default today in Europe/Stockholm.")


class UnitChange(BaseModel):
    """Rename, recode or move a unit (omorganisation) from a date; history before it stays."""

    model_config = ConfigDict(extra="forbid")

    effective_date: EffectiveDate
    name: Name | None = None
    code: Code | None = None
    parent_id: uuid.UUID | None = Field(None, description="New parent (flytt).")

    @model_validator(mode="after")
    def _says_what_changes(self) -> "UnitChange":
        given = self.model_fields_set & {"name", "code", "parent_id"}
        if not given:
            raise ValueError("give at least one of name, code, parent_id")
        for field in ("name", "code"):
            if field in given and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null")
        return self


class UnitClosure(BaseModel):
    """Close a unit (nedläggning) from a date; it stays in the history before it."""

    model_config = ConfigDict(extra="forbid")

    effective_date: EffectiveDate


class UnitTypeInfo(BaseModel):
    type: OrganisationUnitType
    name_sv: str = Field(description="Swedish name, e.g. 'stadsdelsnämnd'.")
    allowed_parent_types: list[OrganisationUnitType] = Field(description="Types a unit of this type may sit under; empty for the root.")
