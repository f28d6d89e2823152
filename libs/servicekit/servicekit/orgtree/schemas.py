"""Response schemas of the organisation tree (organisationsträdet), shared by owner and read models."""

import uuid
from datetime import date
from enum import StrEnum

from contracts.organisation import OrganisationUnitState, OrganisationUnitType, OrganisationUnitVersion
from pydantic import BaseModel, Field


class UnitStatus(StrEnum):
    planned = "planned"  # not yet in effect at the date (kommande)
    active = "active"  # in effect at the date (aktiv)
    closed = "closed"  # closed before or on the date (nedlagd)


class OrganisationUnit(BaseModel):
    """An organisation unit (organisationsenhet) as of a date, with its whole dated history."""

    id: uuid.UUID
    as_of: date = Field(description="The date the attributes below describe.")
    status: UnitStatus = Field(
        description="planned: starts after as_of (kommande); active: in effect (aktiv); closed: closed on or before as_of (nedlagd).",
    )
    code: str = Field(description="City-wide unique code at any date (enhetskod).")
    name: str = Field(description="Name (namn), e.g. 'Spånga-Tensta stadsdelsförvaltning'.")
    type: OrganisationUnitType
    parent_id: uuid.UUID | None = Field(description="The unit above (överordnad enhet); null only for the city.")
    valid_from: date = Field(description="First day of the version shown.")
    valid_to: date | None = Field(description="Day the version shown ended (exclusive); null while it lasts.")
    revision: int = Field(description="Increases with every change; the ETag carries it.")
    versions: list[OrganisationUnitVersion] = Field(description="Every dated version, oldest first (historik).")


class SubtreeNode(BaseModel):
    """A unit in a subtree (underliggande enheter) as of a date; depth 0 is the subtree's root."""

    id: uuid.UUID
    code: str
    name: str
    type: OrganisationUnitType
    parent_id: uuid.UUID | None
    valid_from: date
    valid_to: date | None
    depth: int


class Subtree(BaseModel):
    root_id: uuid.UUID
    as_of: date
    items: list[SubtreeNode] = Field(description="Depth-first, siblings in code order.")


def render_unit(state: OrganisationUnitState, as_of: date) -> OrganisationUnit:
    """Show a unit's state as of a date: the version in effect, else the first (planned) or last (closed)."""
    versions = state.versions
    status, shown = UnitStatus.closed, versions[-1]
    if as_of < versions[0].valid_from:
        status, shown = UnitStatus.planned, versions[0]
    else:
        for version in versions:
            if version.valid_from <= as_of and (version.valid_to is None or as_of < version.valid_to):
                status, shown = UnitStatus.active, version
                break
    return OrganisationUnit(
        id=state.id, as_of=as_of, status=status, code=shown.code, name=shown.name, type=shown.type,
        parent_id=shown.parent_id, valid_from=shown.valid_from, valid_to=shown.valid_to,
        revision=state.revision, versions=versions,
    )
