"""Writing a unit's versions; goals (the owner) and the read models store a state the same way."""

from contracts.organisation import OrganisationUnitState
from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree.tables import OrgTables


async def replace_versions(session: AsyncSession, tables: OrgTables, state: OrganisationUnitState, *, new: bool = False) -> None:
    """Store the state's versions in place of the unit's; ``new`` skips deleting when there are none yet."""
    versions = tables.versions
    if not new:
        await session.execute(delete(versions).where(versions.c.unit_id == state.id))
    await session.execute(
        insert(versions),
        [
            {
                "unit_id": state.id, "valid_from": version.valid_from, "valid_to": version.valid_to,
                "code": version.code, "name": version.name, "type": version.type.value, "parent_id": version.parent_id,
            }
            for version in state.versions
        ],
    )
