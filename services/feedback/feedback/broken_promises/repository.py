"""SQL of broken-promise assessments."""

import uuid

from sqlalchemy import Row, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.models import broken_promise_assessments as assessments


async def put(session: AsyncSession, *, case_id: uuid.UUID, **values) -> None:
    """One assessment per case; a later one replaces it (the history keeps each)."""
    upsert = pg_insert(assessments).values(case_id=case_id, **values)
    await session.execute(upsert.on_conflict_do_update(index_elements=[assessments.c.case_id], set_=values))


async def get(session: AsyncSession, *, case_id: uuid.UUID) -> Row | None:
    return (await session.execute(select(assessments).where(assessments.c.case_id == case_id))).first()
