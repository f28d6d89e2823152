"""SQL of the committee's statistics reports."""

import uuid

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.models import statistics_reports

R = statistics_reports


async def insert_report(session: AsyncSession, *, values: dict) -> Row:
    return (await session.execute(insert(R).values(**values).returning(*R.c))).one()


async def get(session: AsyncSession, *, report_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = select(R).where(R.c.id == report_id)
    return (await session.execute(query.with_for_update() if lock else query)).first()


async def current(session: AsyncSession, *, committee_id: uuid.UUID, period: str) -> Row | None:
    query = select(R).where(R.c.committee_id == committee_id, R.c.period == period, R.c.status == "submitted")
    return (await session.execute(query.with_for_update())).first()


async def by_registration_number(session: AsyncSession, *, registration_number: str) -> Row | None:
    return (await session.execute(select(R.c.id).where(R.c.registration_number == registration_number))).first()


async def supersede(session: AsyncSession, *, report_id: uuid.UUID, by: uuid.UUID) -> None:
    await session.execute(update(R).where(R.c.id == report_id).values(status="superseded", superseded_by_id=by))


async def list_reports(session: AsyncSession, *, committee_id: uuid.UUID, period: str | None) -> list[Row]:
    query = select(R).where(R.c.committee_id == committee_id)
    if period is not None:
        query = query.where(R.c.period == period)
    return list(await session.execute(query.order_by(R.c.period.desc(), R.c.submitted_at.desc())))
