"""SQL of follow-ups."""

import uuid

from sqlalchemy import ColumnElement, Row, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import follow_ups

FOLLOW_UPS = follow_ups


async def get(session: AsyncSession, *, follow_up_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = select(FOLLOW_UPS).where(FOLLOW_UPS.c.id == follow_up_id)
    return (await session.execute(query.with_for_update() if lock else query)).first()


async def find(session: AsyncSession, *, commitment_id: uuid.UUID, period: str) -> Row | None:
    query = select(FOLLOW_UPS).where(FOLLOW_UPS.c.commitment_id == commitment_id, FOLLOW_UPS.c.period == period)
    return (await session.execute(query)).first()


async def insert_follow_up(session: AsyncSession, *, values: dict) -> None:
    await session.execute(insert(FOLLOW_UPS).values(**values))


async def update_follow_up(session: AsyncSession, *, follow_up_id: uuid.UUID, values: dict) -> None:
    await session.execute(update(FOLLOW_UPS).where(FOLLOW_UPS.c.id == follow_up_id).values(**values, updated_at=func.now()))


async def list_follow_ups(
    session: AsyncSession, *, limit: int, after: tuple[str, uuid.UUID] | None, where: list[ColumnElement[bool]]
) -> list[Row]:
    query = select(FOLLOW_UPS).where(*where)
    if after is not None:
        query = query.where(func.row(FOLLOW_UPS.c.period, FOLLOW_UPS.c.id) > func.row(*after))
    return list(await session.execute(query.order_by(FOLLOW_UPS.c.period, FOLLOW_UPS.c.id).limit(limit + 1)))
