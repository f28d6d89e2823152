"""SQL of applications."""

import uuid
from datetime import datetime

from sqlalchemy import Row, func, insert, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree import stockholm_today, subtree_cte

from awards.models import applications, assignment_plans, examiners, org_tables, team_members


async def count_for_round(session: AsyncSession, *, round_id: uuid.UUID, status: str | None = None) -> int:
    query = select(func.count()).select_from(applications).where(applications.c.round_id == round_id)
    if status is not None:
        query = query.where(applications.c.status == status)
    return await session.scalar(query)


async def insert_application(session: AsyncSession, **values) -> Row:
    return (await session.execute(insert(applications).values(**values).returning(applications))).one()


async def get_application(session: AsyncSession, *, application_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = select(applications).where(applications.c.id == application_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).one_or_none()


async def find_for_unit(session: AsyncSession, *, round_id: uuid.UUID, unit_id: uuid.UUID) -> Row | None:
    return (await session.execute(
        select(applications).where(applications.c.round_id == round_id, applications.c.unit_id == unit_id)
    )).one_or_none()


async def update_application(session: AsyncSession, *, application_id: uuid.UUID, **values) -> Row:
    return (await session.execute(
        update(applications).where(applications.c.id == application_id).values(**values).returning(applications)
    )).one()


async def submitted(session: AsyncSession, *, round_id: uuid.UUID) -> list[Row]:
    return list(await session.execute(
        select(applications).where(applications.c.round_id == round_id, applications.c.status == "submitted").order_by(applications.c.id)
    ))


async def submitted_eligibility(session: AsyncSession, *, round_id: uuid.UUID) -> list[Row]:
    return list(await session.execute(
        select(applications.c.id, applications.c.eligibility, applications.c.unit_id, applications.c.sector)
        .where(applications.c.round_id == round_id, applications.c.status == "submitted")
    ))


def assigned_to(subject: str):
    """Ids of applications whose confirmed team includes the examiner with this subject."""
    return (
        select(team_members.c.application_id)
        .join(examiners, examiners.c.id == team_members.c.examiner_id)
        .join(assignment_plans, assignment_plans.c.round_id == team_members.c.round_id)
        .where(examiners.c.subject_id == subject, assignment_plans.c.status == "confirmed")
    )


async def is_assigned(session: AsyncSession, *, application_id: uuid.UUID, subject: str) -> bool:
    return await session.scalar(select(assigned_to(subject).where(team_members.c.application_id == application_id).exists()))


async def list_visible(
    session: AsyncSession, *, everything: bool, scope_roots: list[uuid.UUID], subject: str | None,
    round_id: uuid.UUID | None, unit_id: uuid.UUID | None, status: str | None, after: tuple[datetime, uuid.UUID] | None, limit: int,
) -> list[Row]:
    query = select(applications)
    if not everything:
        visible = []
        today = stockholm_today()
        for root in scope_roots:
            tree = subtree_cte(org_tables, root_id=root, as_of=today)
            visible.append(applications.c.unit_id.in_(select(tree.c.unit_id)))
        if subject is not None:
            visible.append(applications.c.id.in_(assigned_to(subject)))
        if not visible:
            return []
        query = query.where(or_(*visible))
    if round_id is not None:
        query = query.where(applications.c.round_id == round_id)
    if unit_id is not None:
        query = query.where(applications.c.unit_id == unit_id)
    if status is not None:
        query = query.where(applications.c.status == status)
    if after is not None:
        query = query.where(tuple_(applications.c.created_at, applications.c.id) > tuple_(*after))
    return list(await session.execute(query.order_by(applications.c.created_at, applications.c.id).limit(limit + 1)))
