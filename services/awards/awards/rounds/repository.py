"""SQL of rounds and their phase history."""

import uuid
from datetime import datetime

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from awards.models import round_phase_changes, rounds


async def insert_round(session: AsyncSession, **values) -> Row:
    return (await session.execute(insert(rounds).values(**values).returning(rounds))).one()


async def get_round(session: AsyncSession, *, round_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = select(rounds).where(rounds.c.id == round_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).one_or_none()


async def find_round(session: AsyncSession, *, prize: str, year: int) -> Row | None:
    return (await session.execute(select(rounds).where(rounds.c.prize == prize, rounds.c.year == year))).one_or_none()


async def list_rounds(session: AsyncSession, *, prize: str | None, year: int | None, after: tuple[int, str, uuid.UUID] | None, limit: int) -> list[Row]:
    query = select(rounds)
    if prize is not None:
        query = query.where(rounds.c.prize == prize)
    if year is not None:
        query = query.where(rounds.c.year == year)
    if after is not None:
        # Newest year first, then prize and id: the cursor continues after the last row shown.
        year_after, prize_after, id_after = after
        query = query.where(
            (rounds.c.year < year_after)
            | ((rounds.c.year == year_after) & ((rounds.c.prize > prize_after) | ((rounds.c.prize == prize_after) & (rounds.c.id > id_after))))
        )
    return list(await session.execute(query.order_by(rounds.c.year.desc(), rounds.c.prize, rounds.c.id).limit(limit + 1)))


async def update_round(session: AsyncSession, *, round_id: uuid.UUID, **values) -> Row:
    return (await session.execute(update(rounds).where(rounds.c.id == round_id).values(**values).returning(rounds))).one()


async def record_phase_change(session: AsyncSession, *, round_id: uuid.UUID, from_phase: str, to_phase: str, changed_at: datetime, changed_by: str) -> None:
    await session.execute(
        insert(round_phase_changes).values(
            round_id=round_id, from_phase=from_phase, to_phase=to_phase, changed_at=changed_at, changed_by=changed_by,
        )
    )


async def phase_history(session: AsyncSession, *, round_id: uuid.UUID) -> list[Row]:
    return list(
        await session.execute(
            select(round_phase_changes).where(round_phase_changes.c.round_id == round_id).order_by(round_phase_changes.c.changed_at)
        )
    )
