"""SQL of possible repeats."""

import uuid

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.models import case_repeats

# A flag is recorded with its case, by the intake's insert (feedback.cases.repository.INSERT_CASE).


async def get_flag(session: AsyncSession, *, case_id: uuid.UUID) -> Row | None:
    return (await session.execute(select(case_repeats).where(case_repeats.c.case_id == case_id))).first()


async def decide(session: AsyncSession, *, case_id: uuid.UUID, **values) -> None:
    await session.execute(update(case_repeats).where(case_repeats.c.case_id == case_id).values(**values))
