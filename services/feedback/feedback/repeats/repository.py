"""SQL of possible repeats."""

import uuid
from datetime import datetime

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.models import case_repeats, cases

# The most recent open cases compared with a new one; a unit rarely has more of one category open.
CANDIDATE_LIMIT = 500


async def open_cases_like(
    session: AsyncSession, *, unit_id: uuid.UUID, category_code: str, statuses: frozenset[str], since: datetime,
    until: datetime, exclude: uuid.UUID,
) -> dict[uuid.UUID, str]:
    """Id → description of the unit's open cases of the category received in [since, until]."""
    query = (
        select(cases.c.id, cases.c.description)
        .where(cases.c.unit_id == unit_id, cases.c.category_code == category_code, cases.c.status.in_(statuses),
               cases.c.received_at >= since, cases.c.received_at <= until, cases.c.id != exclude)
        .order_by(cases.c.received_at.desc()).limit(CANDIDATE_LIMIT)
    )
    return {case_id: description for case_id, description in await session.execute(query)}


async def insert_flag(session: AsyncSession, **values) -> None:
    await session.execute(insert(case_repeats).values(**values))


async def get_flag(session: AsyncSession, *, case_id: uuid.UUID) -> Row | None:
    return (await session.execute(select(case_repeats).where(case_repeats.c.case_id == case_id))).first()


async def decide(session: AsyncSession, *, case_id: uuid.UUID, **values) -> None:
    await session.execute(update(case_repeats).where(case_repeats.c.case_id == case_id).values(**values))
