"""SQL of the guarantees read model."""

import uuid

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.models import guarantee_promises, guarantees


async def published_for(session: AsyncSession, *, unit_ids: list[uuid.UUID]) -> list[Row]:
    """Published guarantees of the units with their promises, one row per promise, in order."""
    query = (
        select(guarantees, guarantee_promises.c.promise_id, guarantee_promises.c.text)
        .join(guarantee_promises, guarantee_promises.c.guarantee_id == guarantees.c.id, isouter=True)
        .where(guarantees.c.unit_id.in_(unit_ids), guarantees.c.status == "published")
        .order_by(guarantees.c.year.desc(), guarantees.c.id, guarantee_promises.c.position)
    )
    return list(await session.execute(query))


async def promise_unit(session: AsyncSession, *, promise_id: uuid.UUID) -> list[uuid.UUID]:
    """The units whose published guarantees make this promise."""
    query = (
        select(guarantees.c.unit_id)
        .join(guarantee_promises, guarantee_promises.c.guarantee_id == guarantees.c.id)
        .where(guarantee_promises.c.promise_id == promise_id, guarantees.c.status == "published")
    )
    return list(await session.scalars(query))
