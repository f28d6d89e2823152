"""SQL of the examiner registry."""

import uuid

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as upsert_into
from sqlalchemy.ext.asyncio import AsyncSession

from awards.models import assignment_plans, examiner_trainings, examiners, round_examiners, rounds, team_members


async def insert_examiner(session: AsyncSession, **values) -> Row:
    return (await session.execute(insert(examiners).values(**values).returning(examiners))).one()


async def get_examiner(session: AsyncSession, *, examiner_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = select(examiners).where(examiners.c.id == examiner_id)
    return (await session.execute(query.with_for_update() if lock else query)).one_or_none()


async def find_by_subject(session: AsyncSession, *, subject_id: str) -> Row | None:
    return (await session.execute(select(examiners).where(examiners.c.subject_id == subject_id))).one_or_none()


async def list_examiners(session: AsyncSession, *, after: str | None, limit: int) -> list[Row]:
    query = select(examiners)
    if after is not None:
        query = query.where(examiners.c.subject_id > after)
    return list(await session.execute(query.order_by(examiners.c.subject_id).limit(limit + 1)))


async def update_examiner(session: AsyncSession, *, examiner_id: uuid.UUID, **values) -> Row:
    return (await session.execute(update(examiners).where(examiners.c.id == examiner_id).values(**values).returning(examiners))).one()


async def add_training(session: AsyncSession, **values) -> bool:
    done = await session.scalar(upsert_into(examiner_trainings).values(**values).on_conflict_do_nothing().returning(examiner_trainings.c.year))
    return done is not None


async def trainings(session: AsyncSession, examiner_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Row]]:
    found: dict[uuid.UUID, list[Row]] = {examiner_id: [] for examiner_id in examiner_ids}
    for row in await session.execute(
        select(examiner_trainings).where(examiner_trainings.c.examiner_id.in_(examiner_ids)).order_by(examiner_trainings.c.year)
    ):
        found[row.examiner_id].append(row)
    return found


async def rounds_served(session: AsyncSession, examiner_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Row]]:
    found: dict[uuid.UUID, list[Row]] = {examiner_id: [] for examiner_id in examiner_ids}
    query = (
        select(team_members.c.examiner_id, rounds.c.id, rounds.c.prize, rounds.c.year).distinct()
        .join(assignment_plans, assignment_plans.c.round_id == team_members.c.round_id)
        .join(rounds, rounds.c.id == team_members.c.round_id)
        .where(team_members.c.examiner_id.in_(examiner_ids), assignment_plans.c.status == "confirmed")
        .order_by(rounds.c.year)
    )
    for row in await session.execute(query):
        found[row.examiner_id].append(row)
    return found


async def enrol(session: AsyncSession, **values) -> None:
    statement = upsert_into(round_examiners).values(**values)
    await session.execute(statement.on_conflict_do_update(
        index_elements=[round_examiners.c.round_id, round_examiners.c.examiner_id],
        set_={key: statement.excluded[key] for key in values if key not in ("round_id", "examiner_id")},
    ))


async def pool(session: AsyncSession, *, round_id: uuid.UUID) -> list[Row]:
    query = (
        select(round_examiners, examiners)
        .join(examiners, examiners.c.id == round_examiners.c.examiner_id)
        .where(round_examiners.c.round_id == round_id)
        .order_by(examiners.c.subject_id)
    )
    return list(await session.execute(query))


async def assigned_counts(session: AsyncSession, *, round_id: uuid.UUID) -> dict[uuid.UUID, int]:
    query = select(team_members.c.examiner_id, func.count()).where(team_members.c.round_id == round_id).group_by(team_members.c.examiner_id)
    return dict((row[0], row[1]) for row in await session.execute(query))
