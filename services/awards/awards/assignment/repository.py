"""SQL of the round's assignment plan and its team members."""

import uuid

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as upsert_into
from sqlalchemy.ext.asyncio import AsyncSession

from awards.models import assignment_plans, team_members


async def get_plan(session: AsyncSession, *, round_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = select(assignment_plans).where(assignment_plans.c.round_id == round_id)
    return (await session.execute(query.with_for_update() if lock else query)).one_or_none()


async def replace_plan(session: AsyncSession, *, round_id: uuid.UUID, solver: dict, proposed_by: str, teams: dict) -> Row:
    current = await get_plan(session, round_id=round_id)
    revision = current.revision + 1 if current else 1
    await session.execute(delete(team_members).where(team_members.c.round_id == round_id))
    statement = upsert_into(assignment_plans).values(
        round_id=round_id, revision=revision, status="proposed", solver=solver, edits=[], proposed_by=proposed_by,
        confirmed_at=None, confirmed_by=None,
    )
    row = (await session.execute(statement.on_conflict_do_update(
        index_elements=[assignment_plans.c.round_id],
        set_={key: statement.excluded[key] for key in ("revision", "status", "solver", "edits", "proposed_by", "confirmed_at", "confirmed_by")},
    ).returning(assignment_plans))).one()
    members = [
        {"round_id": round_id, "application_id": application_id, "examiner_id": examiner_id}
        for application_id, examiner_ids in teams.items() for examiner_id in examiner_ids
    ]
    if members:
        await session.execute(insert(team_members), members)
    return row


async def update_plan(session: AsyncSession, *, round_id: uuid.UUID, **values) -> Row:
    return (await session.execute(
        update(assignment_plans).where(assignment_plans.c.round_id == round_id).values(**values).returning(assignment_plans)
    )).one()


async def teams(session: AsyncSession, *, round_id: uuid.UUID) -> dict[uuid.UUID, list[uuid.UUID]]:
    found: dict[uuid.UUID, list[uuid.UUID]] = {}
    for row in await session.execute(
        select(team_members).where(team_members.c.round_id == round_id).order_by(team_members.c.application_id, team_members.c.examiner_id)
    ):
        found.setdefault(row.application_id, []).append(row.examiner_id)
    return found


async def applications_with_teams(session: AsyncSession, *, round_id: uuid.UUID) -> list[uuid.UUID]:
    return list(await session.scalars(select(team_members.c.application_id).where(team_members.c.round_id == round_id).distinct()))


async def add_member(session: AsyncSession, *, round_id: uuid.UUID, application_id: uuid.UUID, examiner_id: uuid.UUID) -> None:
    await session.execute(insert(team_members).values(round_id=round_id, application_id=application_id, examiner_id=examiner_id))


async def remove_member(session: AsyncSession, *, application_id: uuid.UUID, examiner_id: uuid.UUID) -> bool:
    result = await session.execute(
        delete(team_members).where(team_members.c.application_id == application_id, team_members.c.examiner_id == examiner_id)
    )
    return bool(result.rowcount)
