"""Organisation events, published by goals (organisationsträdet).

Events carry the unit's full state including its whole dated history, so a read model can be
rebuilt from zero by replay and applied in any order: keep the highest ``revision``.
"""

import uuid
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

UNIT_CREATED = "organisation.unit.created"
UNIT_UPDATED = "organisation.unit.updated"  # renamed, moved, recoded (omorganisation)
UNIT_CLOSED = "organisation.unit.closed"  # nedläggning
SCHEMA_VERSION = 1


class OrganisationUnitType(StrEnum):
    city = "city"  # Stockholms stad
    district_committee = "district_committee"  # stadsdelsnämnd
    specialist_committee = "specialist_committee"  # facknämnd
    company_board = "company_board"  # bolagsstyrelse
    administration = "administration"  # förvaltning
    department = "department"  # avdelning
    unit = "unit"  # enhet (förskola, äldreboende, skola ...)
    contractor = "contractor"  # entreprenör


class OrganisationUnitVersion(BaseModel):
    """One dated version; ``valid_to`` is exclusive and ``None`` means still valid."""

    valid_from: date
    valid_to: date | None = None
    code: str
    name: str
    type: OrganisationUnitType
    parent_id: uuid.UUID | None = None


class OrganisationUnitState(BaseModel):
    id: uuid.UUID
    revision: int = Field(description="Increases with every change; the highest revision wins.")
    versions: list[OrganisationUnitVersion] = Field(description="Ordered by valid_from, never overlapping.")


class OrganisationUnitChanged(BaseModel):
    """Payload of every organisation.unit.* event."""

    unit: OrganisationUnitState
    effective_date: date
    changed: list[str] = Field(default_factory=list, description="Attributes changed: name, code, parent, type, closed.")
