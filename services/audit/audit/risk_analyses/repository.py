"""SQL of risk analyses and risks."""

import uuid
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from audit.models import risk_analyses, risks


async def get(session: AsyncSession, analysis_id: uuid.UUID, *, lock: bool = False):
    query = select(risk_analyses).where(risk_analyses.c.id == analysis_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).first()


async def find(session: AsyncSession, *, unit_id: uuid.UUID, year: int):
    return (await session.execute(select(risk_analyses).where(risk_analyses.c.unit_id == unit_id, risk_analyses.c.year == year))).first()


async def risks_of(session: AsyncSession, analysis_ids: list[uuid.UUID]) -> list:
    query = select(risks).where(risks.c.analysis_id.in_(analysis_ids)).order_by(risks.c.created_at, risks.c.id)
    return list(await session.execute(query))


async def get_risk(session: AsyncSession, risk_id: uuid.UUID):
    return (await session.execute(select(risks).where(risks.c.id == risk_id))).first()


async def insert_analysis(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(risk_analyses).values(**values))


async def update_analysis(session: AsyncSession, analysis_id: uuid.UUID, values: dict[str, Any]) -> None:
    await session.execute(update(risk_analyses).where(risk_analyses.c.id == analysis_id).values(**values))


async def insert_risk(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(risks).values(**values))


async def update_risk(session: AsyncSession, risk_id: uuid.UUID, values: dict[str, Any]) -> None:
    await session.execute(update(risks).where(risks.c.id == risk_id).values(**values))


async def delete_risk(session: AsyncSession, risk_id: uuid.UUID) -> None:
    await session.execute(delete(risks).where(risks.c.id == risk_id))


async def list_analyses(
    session: AsyncSession, *, committees: set[uuid.UUID] | None, unit_id: uuid.UUID | None, year: int | None,
    status: str | None, after: tuple[int, uuid.UUID] | None, limit: int,
) -> list:
    query = select(risk_analyses).order_by(risk_analyses.c.year, risk_analyses.c.id).limit(limit + 1)
    if committees is not None:
        query = query.where(risk_analyses.c.committee_id.in_(committees))
    for column, value in ((risk_analyses.c.unit_id, unit_id), (risk_analyses.c.year, year), (risk_analyses.c.status, status)):
        if value is not None:
            query = query.where(column == value)
    if after is not None:
        query = query.where(
            (risk_analyses.c.year > after[0]) | ((risk_analyses.c.year == after[0]) & (risk_analyses.c.id > after[1]))
        )
    return list(await session.execute(query))
