"""SQL of the quality figures beyond the examination's own reads: the units of the round's applications."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from awards.models import applications


async def units_of_round(session: AsyncSession, *, round_id: uuid.UUID) -> dict[uuid.UUID, uuid.UUID]:
    """Application id → its unit id, for every application of the round."""
    rows = await session.execute(select(applications.c.id, applications.c.unit_id).where(applications.c.round_id == round_id))
    return {row.id: row.unit_id for row in rows}
