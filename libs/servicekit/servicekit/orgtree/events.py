"""Keeping a read model of the tree from ``organisation.unit.*`` events.

Each event carries the unit's full state, so applying one replaces the unit's versions. Events
may arrive out of order or again (replays): only a revision higher than the stored one changes
anything, which makes applying commutative and idempotent.
"""

from contracts.organisation import UNIT_CLOSED, UNIT_CREATED, UNIT_UPDATED, OrganisationUnitChanged
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.events.consumer import Handler
from servicekit.events.envelope import Envelope
from servicekit.orgtree.store import replace_versions
from servicekit.orgtree.tables import OrgTables


async def apply_unit_event(session: AsyncSession, tables: OrgTables, envelope: Envelope) -> bool:
    """Store the event's unit state if it is newer than what is stored; True when it was."""
    state = OrganisationUnitChanged.model_validate(envelope.data).unit
    units = tables.units
    upsert = insert(units).values(id=state.id, revision=state.revision)
    # The row lock taken here also serialises two consumers applying the same unit.
    newer = await session.scalar(
        upsert.on_conflict_do_update(
            index_elements=[units.c.id],
            set_={"revision": upsert.excluded.revision},
            where=units.c.revision < upsert.excluded.revision,
        ).returning(units.c.id)
    )
    if newer is None:
        return False
    await replace_versions(session, tables, state)
    return True


def org_event_handlers(tables: OrgTables) -> dict[str, Handler]:
    """Handlers for ``ServiceDefinition.subscriptions``, e.g. ``{"goals": org_event_handlers(tables)}``."""

    async def handle(session: AsyncSession, envelope: Envelope) -> None:
        await apply_unit_event(session, tables, envelope)

    return {UNIT_CREATED: handle, UNIT_UPDATED: handle, UNIT_CLOSED: handle}
