"""SQL of rubric versions."""

import uuid

from sqlalchemy import Row, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from awards.models import rubrics


async def insert_version(session: AsyncSession, *, round_id: uuid.UUID, version: int, areas: list[dict], created_by: str) -> Row:
    return (
        await session.execute(
            insert(rubrics).values(round_id=round_id, version=version, areas=areas, created_by=created_by).returning(rubrics)
        )
    ).one()


async def get_version(session: AsyncSession, *, round_id: uuid.UUID, version: int | None = None) -> Row | None:
    query = select(rubrics).where(rubrics.c.round_id == round_id)
    if version is None:
        query = query.order_by(rubrics.c.version.desc()).limit(1)
    else:
        query = query.where(rubrics.c.version == version)
    return (await session.execute(query)).one_or_none()


async def latest_version(session: AsyncSession, *, round_id: uuid.UUID) -> int:
    return await session.scalar(select(func.coalesce(func.max(rubrics.c.version), 0)).where(rubrics.c.round_id == round_id))
