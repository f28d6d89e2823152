"""What feedback asks of its organisation read model: units in effect, their committee, the city.

The city's central intake (centrala registraturen) is the city unit itself: a case with no unit
is held there, by handlers whose scope is the city, until they transfer it.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from contracts.organisation import OrganisationUnitType
from sqlalchemy import Integer, all_, bindparam, func, literal, select
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree import in_effect, load_states
from servicekit.problems import ProblemError

from feedback.models import org_tables

COMMITTEE_TYPES = frozenset(
    {OrganisationUnitType.district_committee, OrganisationUnitType.specialist_committee, OrganisationUnitType.company_board}
)
COMMITTEE_TYPE_NAMES = sorted(kind.value for kind in COMMITTEE_TYPES)
VERSIONS = org_tables.versions


@dataclass(frozen=True)
class UnitPlace:
    """A unit in effect on a day, with the ids above it and the committee it belongs to."""

    unit_id: uuid.UUID
    name: str
    type: OrganisationUnitType
    lineage: list[uuid.UUID]  # the unit, then its ancestors up to the city
    committee_id: uuid.UUID | None


def _lineage_query():
    """The unit and its ancestors up to the root as of ``:on``, each with its name and type then,
    nearest first: the ancestors' walk of servicekit.orgtree.unit_and_ancestor_ids carrying the
    versions' columns, so a place is one round trip (built once; only the parameters vary)."""
    on = bindparam("on")
    up = (
        select(VERSIONS.c.unit_id, VERSIONS.c.parent_id, VERSIONS.c.name, VERSIONS.c.type,
               literal(0, Integer).label("depth"), array([VERSIONS.c.unit_id]).label("id_path"))
        .where(VERSIONS.c.unit_id == bindparam("unit_id"), in_effect(VERSIONS, on))
        .cte("ancestors", recursive=True)
    )
    parent = VERSIONS.alias("parent")
    up = up.union_all(
        select(parent.c.unit_id, parent.c.parent_id, parent.c.name, parent.c.type, up.c.depth + 1,
               func.array_append(up.c.id_path, parent.c.unit_id))
        .where(parent.c.unit_id == up.c.parent_id, in_effect(parent, on), parent.c.unit_id != all_(up.c.id_path))
    )
    return select(up.c.unit_id, up.c.name, up.c.type).order_by(up.c.depth)


_LINEAGE = _lineage_query()


async def place_of(session: AsyncSession, *, unit_id: uuid.UUID, on: date) -> UnitPlace | None:
    rows = list(await session.execute(_LINEAGE, {"unit_id": unit_id, "on": on}))
    if not rows:
        return None
    lineage = [row.unit_id for row in rows]
    committee = next((row.unit_id for row in rows if row.type in COMMITTEE_TYPES), None)
    own = rows[0]
    return UnitPlace(unit_id=unit_id, name=own.name, type=OrganisationUnitType(own.type), lineage=lineage, committee_id=committee)


def unknown_unit(unit_id: uuid.UUID, *, on: date, field: str = "unit_id") -> ProblemError:
    return ProblemError(422, f"No organisation unit {unit_id} is in effect on {on}.", kind="unknown-unit", field=field)


async def require_place(session: AsyncSession, *, unit_id: uuid.UUID, on: date, field: str = "unit_id") -> UnitPlace:
    place = await place_of(session, unit_id=unit_id, on=on)
    if place is None:
        raise unknown_unit(unit_id, on=on, field=field)
    return place


def check_committee(committee_id: uuid.UUID, *, on: date, unit_type: str | None) -> None:
    """``unit_type``: the type of the unit in effect on ``on`` (None: no such unit then)."""
    if unit_type is None:
        raise unknown_unit(committee_id, on=on, field="committee_id")
    if unit_type not in COMMITTEE_TYPES:
        raise ProblemError(422, f"Unit {committee_id} is not a committee (nämnd).", kind="not-a-committee")


async def require_committee(session: AsyncSession, *, committee_id: uuid.UUID, on: date) -> UnitPlace:
    place = await place_of(session, unit_id=committee_id, on=on)
    check_committee(committee_id, on=on, unit_type=place.type if place else None)
    return place


def check_city(found: uuid.UUID | None) -> uuid.UUID:
    """The city unit (the central intake), or 503 while the organisation tree has not arrived."""
    if found is None:
        raise ProblemError(
            503, "The organisation tree has not reached feedback yet; no central intake to route to.",
            kind="organisation-not-loaded",
        )
    return found


async def city_id(session: AsyncSession, *, on: date) -> uuid.UUID:
    return check_city(await session.scalar(
        select(VERSIONS.c.unit_id).where(VERSIONS.c.type == OrganisationUnitType.city.value, in_effect(VERSIONS, on)).limit(1)
    ))


async def unit_names(session: AsyncSession, unit_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The latest name of each unit (for Open311's agency_responsible)."""
    states = await load_states(session, org_tables, list(unit_ids))
    return {unit_id: state.versions[-1].name for unit_id, state in states.items()}
