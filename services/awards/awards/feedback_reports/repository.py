"""SQL of feedback reports."""

import uuid

from sqlalchemy import Row, insert, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree import stockholm_today, subtree_cte

from awards.models import feedback_reports as reports
from awards.models import org_tables


async def insert_report(session: AsyncSession, **values) -> Row:
    return (await session.execute(insert(reports).values(**values).returning(reports))).one()


async def get_report(session: AsyncSession, *, report_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = select(reports).where(reports.c.id == report_id)
    return (await session.execute(query.with_for_update() if lock else query)).one_or_none()


async def find_for_application(session: AsyncSession, *, application_id: uuid.UUID) -> Row | None:
    return (await session.execute(select(reports).where(reports.c.application_id == application_id))).one_or_none()


async def update_report(session: AsyncSession, *, report_id: uuid.UUID, **values) -> Row:
    return (await session.execute(update(reports).where(reports.c.id == report_id).values(**values).returning(reports))).one()


async def list_reports(session: AsyncSession, *, round_id: uuid.UUID | None, application_id: uuid.UUID | None,
                       statuses: list[str], scope_roots: list[uuid.UUID] | None, after, limit: int) -> list[Row]:
    """Reports with these statuses; with ``scope_roots`` only those of units at or below them."""
    query = select(reports).where(reports.c.status.in_(statuses))
    if scope_roots is not None:
        if not scope_roots:
            return []
        trees = [subtree_cte(org_tables, root_id=root, as_of=stockholm_today()) for root in scope_roots]
        query = query.where(or_(*(reports.c.unit_id.in_(select(tree.c.unit_id)) for tree in trees)))
    if round_id is not None:
        query = query.where(reports.c.round_id == round_id)
    if application_id is not None:
        query = query.where(reports.c.application_id == application_id)
    if after is not None:
        query = query.where(tuple_(reports.c.created_at, reports.c.id) > tuple_(*after))
    return list((await session.execute(query.order_by(reports.c.created_at, reports.c.id).limit(limit + 1))).all())


async def released_applications(session: AsyncSession, *, round_id: uuid.UUID) -> set[uuid.UUID]:
    rows = await session.execute(select(reports.c.application_id).where(reports.c.round_id == round_id, reports.c.status == "released"))
    return {row.application_id for row in rows}
