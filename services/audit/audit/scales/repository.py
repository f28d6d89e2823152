"""SQL of risk scales."""

import uuid
from typing import Any

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from audit.models import risk_analyses, risk_scales


async def get(session: AsyncSession, scale_id: uuid.UUID, *, lock: bool = False):
    query = select(risk_scales).where(risk_scales.c.id == scale_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).first()


async def default(session: AsyncSession):
    """The newest version of the default scale."""
    return (
        await session.execute(
            select(risk_scales).where(risk_scales.c.is_default).order_by(risk_scales.c.version.desc()).limit(1)
        )
    ).first()


async def next_version(session: AsyncSession, code: str) -> int:
    return (await session.scalar(select(func.coalesce(func.max(risk_scales.c.version), 0)).where(risk_scales.c.code == code))) + 1


async def is_used(session: AsyncSession, scale_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists().where(risk_analyses.c.scale_id == scale_id))))


async def used_ids(session: AsyncSession, scale_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    rows = await session.execute(select(risk_analyses.c.scale_id).where(risk_analyses.c.scale_id.in_(scale_ids)).distinct())
    return {row.scale_id for row in rows}


async def insert_scale(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(risk_scales).values(**values))


async def update_scale(session: AsyncSession, scale_id: uuid.UUID, values: dict[str, Any]) -> None:
    await session.execute(update(risk_scales).where(risk_scales.c.id == scale_id).values(**values))


async def list_scales(session: AsyncSession, *, code: str | None, after: tuple[str, int] | None, limit: int):
    query = select(risk_scales).order_by(risk_scales.c.code, risk_scales.c.version).limit(limit + 1)
    if code is not None:
        query = query.where(risk_scales.c.code == code.upper())
    if after is not None:
        query = query.where(
            (risk_scales.c.code > after[0]) | ((risk_scales.c.code == after[0]) & (risk_scales.c.version > after[1]))
        )
    return list(await session.execute(query))
