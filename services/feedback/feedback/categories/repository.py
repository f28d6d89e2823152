"""SQL of categories and their routing."""

import uuid

from sqlalchemy import Row, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.models import categories, category_routes


async def get_category(session: AsyncSession, *, code: str, lock: bool = False) -> Row | None:
    query = select(categories).where(categories.c.code == code)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).first()


async def list_categories(session: AsyncSession, *, active_only: bool) -> list[Row]:
    query = select(categories).order_by(categories.c.code)
    if active_only:
        query = query.where(categories.c.active)
    return list(await session.execute(query))


async def insert_category(session: AsyncSession, *, values: dict) -> bool:
    """False when the code is taken."""
    inserted = await session.scalar(
        pg_insert(categories).values(**values, revision=1).on_conflict_do_nothing().returning(categories.c.code)
    )
    return inserted is not None


async def update_category(session: AsyncSession, *, code: str, values: dict) -> None:
    await session.execute(update(categories).where(categories.c.code == code).values(**values))


async def routes_of(session: AsyncSession, *, committee_id: uuid.UUID) -> list[Row]:
    return list(await session.execute(
        select(category_routes).where(category_routes.c.committee_id == committee_id).order_by(category_routes.c.category_code)
    ))


async def set_route(session: AsyncSession, *, committee_id: uuid.UUID, category_code: str, unit_id: uuid.UUID, by: str) -> Row:
    statement = pg_insert(category_routes).values(
        committee_id=committee_id, category_code=category_code, unit_id=unit_id, updated_by=by
    )
    statement = statement.on_conflict_do_update(
        index_elements=[category_routes.c.committee_id, category_routes.c.category_code],
        set_={"unit_id": statement.excluded.unit_id, "updated_by": statement.excluded.updated_by, "updated_at": statement.excluded.updated_at},
    )
    return (await session.execute(statement.returning(*category_routes.c))).one()


async def delete_route(session: AsyncSession, *, committee_id: uuid.UUID, category_code: str) -> bool:
    result = await session.execute(
        delete(category_routes).where(
            category_routes.c.committee_id == committee_id, category_routes.c.category_code == category_code
        )
    )
    return bool(result.rowcount)


