"""SQL of reports."""

import uuid
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from audit.models import reports


async def get(session: AsyncSession, report_id: uuid.UUID, *, lock: bool = False):
    query = select(reports).where(reports.c.id == report_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).first()


async def find(session: AsyncSession, *, committee_id: uuid.UUID, year: int, period: str):
    query = select(reports).where(reports.c.committee_id == committee_id, reports.c.year == year, reports.c.period == period)
    return (await session.execute(query)).first()


async def insert_report(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(reports).values(**values))


async def update_report(session: AsyncSession, report_id: uuid.UUID, values: dict[str, Any]) -> None:
    await session.execute(update(reports).where(reports.c.id == report_id).values(**values))


async def list_reports(
    session: AsyncSession, *, committees: set[uuid.UUID] | None, committee_id: uuid.UUID | None, year: int | None,
    after: tuple[int, uuid.UUID] | None, limit: int,
) -> list:
    query = select(reports).order_by(reports.c.year, reports.c.id).limit(limit + 1)
    if committees is not None:
        query = query.where(reports.c.committee_id.in_(committees))
    for column, value in ((reports.c.committee_id, committee_id), (reports.c.year, year)):
        if value is not None:
            query = query.where(column == value)
    if after is not None:
        query = query.where((reports.c.year > after[0]) | ((reports.c.year == after[0]) & (reports.c.id > after[1])))
    return list(await session.execute(query))
