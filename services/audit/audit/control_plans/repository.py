"""SQL of internal-control plans and their items."""

import uuid
from typing import Any

from sqlalchemy import delete, exists, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from audit.models import control_items, control_plans, reviews


async def get(session: AsyncSession, plan_id: uuid.UUID, *, lock: bool = False):
    query = select(control_plans).where(control_plans.c.id == plan_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).first()


async def find(session: AsyncSession, *, committee_id: uuid.UUID, year: int):
    query = select(control_plans).where(control_plans.c.committee_id == committee_id, control_plans.c.year == year)
    return (await session.execute(query)).first()


async def items_of(session: AsyncSession, plan_id: uuid.UUID) -> list:
    query = select(control_items).where(control_items.c.plan_id == plan_id).order_by(control_items.c.created_at, control_items.c.id)
    return list(await session.execute(query))


async def get_item(session: AsyncSession, item_id: uuid.UUID):
    return (await session.execute(select(control_items).where(control_items.c.id == item_id))).first()


async def item_reviewed(session: AsyncSession, item_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists().where(reviews.c.item_id == item_id))))


async def insert_plan(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(control_plans).values(**values))


async def update_plan(session: AsyncSession, plan_id: uuid.UUID, values: dict[str, Any]) -> None:
    await session.execute(update(control_plans).where(control_plans.c.id == plan_id).values(**values))


async def insert_item(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(control_items).values(**values))


async def update_item(session: AsyncSession, item_id: uuid.UUID, values: dict[str, Any]) -> None:
    await session.execute(update(control_items).where(control_items.c.id == item_id).values(**values))


async def delete_item(session: AsyncSession, item_id: uuid.UUID) -> None:
    await session.execute(delete(control_items).where(control_items.c.id == item_id))


async def list_plans(
    session: AsyncSession, *, committees: set[uuid.UUID] | None, committee_id: uuid.UUID | None, year: int | None,
    status: str | None, after: tuple[int, uuid.UUID] | None, limit: int,
) -> list:
    query = select(control_plans).order_by(control_plans.c.year, control_plans.c.id).limit(limit + 1)
    if committees is not None:
        query = query.where(control_plans.c.committee_id.in_(committees))
    for column, value in ((control_plans.c.committee_id, committee_id), (control_plans.c.year, year), (control_plans.c.status, status)):
        if value is not None:
            query = query.where(column == value)
    if after is not None:
        query = query.where(
            (control_plans.c.year > after[0]) | ((control_plans.c.year == after[0]) & (control_plans.c.id > after[1]))
        )
    return list(await session.execute(query))
