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


async def find_promise(session: AsyncSession, *, promise_id: uuid.UUID, unit_ids: list[uuid.UUID]) -> Row | None:
    """The published guarantee of one of the units making this promise (guarantee_id, text), if any."""
    query = (
        select(guarantee_promises.c.guarantee_id, guarantee_promises.c.text)
        .join(guarantees, guarantee_promises.c.guarantee_id == guarantees.c.id)
        .where(guarantee_promises.c.promise_id == promise_id, guarantees.c.status == "published",
               guarantees.c.unit_id.in_(unit_ids))
        .order_by(guarantees.c.year.desc())
    )
    return (await session.execute(query)).first()
