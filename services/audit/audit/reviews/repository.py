"""SQL of reviews, findings, action plans and the commitments proposed from findings."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from audit.models import action_plans, findings, proposed_commitments, reviews


async def get_review(session: AsyncSession, review_id: uuid.UUID):
    return (await session.execute(select(reviews).where(reviews.c.id == review_id))).first()


async def insert_review(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(reviews).values(**values))


async def list_reviews(
    session: AsyncSession, *, plan_ids: list[uuid.UUID], after: tuple[date, uuid.UUID] | None = None, limit: int | None = None,
) -> list:
    query = select(reviews).where(reviews.c.plan_id.in_(plan_ids)).order_by(reviews.c.performed_on, reviews.c.id)
    if after is not None:
        query = query.where(
            (reviews.c.performed_on > after[0]) | ((reviews.c.performed_on == after[0]) & (reviews.c.id > after[1]))
        )
    if limit is not None:
        query = query.limit(limit + 1)
    return list(await session.execute(query))


async def get_finding(session: AsyncSession, finding_id: uuid.UUID, *, lock: bool = False):
    query = select(findings).where(findings.c.id == finding_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).first()


async def insert_finding(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(findings).values(**values))


async def update_finding(session: AsyncSession, finding_id: uuid.UUID, values: dict[str, Any]) -> None:
    await session.execute(update(findings).where(findings.c.id == finding_id).values(**values))


async def list_findings(
    session: AsyncSession, *, committees: set[uuid.UUID] | None, committee_id: uuid.UUID | None, unit_id: uuid.UUID | None,
    year: int | None, status: str | None, after: tuple[int, uuid.UUID] | None, limit: int,
    owner_units: set[uuid.UUID] | None = None,
) -> list:
    query = select(findings).order_by(findings.c.plan_year, findings.c.id).limit(limit + 1)
    if committees is not None:
        query = query.where(findings.c.committee_id.in_(committees))
    if owner_units is not None:
        owned = select(action_plans.c.finding_id).where(action_plans.c.owner_unit_id.in_(owner_units))
        query = query.where(findings.c.id.in_(owned))
    for column, value in (
        (findings.c.committee_id, committee_id), (findings.c.unit_id, unit_id), (findings.c.plan_year, year), (findings.c.status, status),
    ):
        if value is not None:
            query = query.where(column == value)
    if after is not None:
        query = query.where((findings.c.plan_year > after[0]) | ((findings.c.plan_year == after[0]) & (findings.c.id > after[1])))
    return list(await session.execute(query))


async def findings_of_plans(session: AsyncSession, plan_ids: list[uuid.UUID]) -> list:
    query = select(findings).where(findings.c.plan_id.in_(plan_ids)).order_by(findings.c.created_at, findings.c.id)
    return list(await session.execute(query))


async def due_for_carry_over(session: AsyncSession, *, as_of: date) -> list:
    """Open findings whose carry-over day has come, not yet found unresolved, and not verified effective."""
    query = (
        select(findings)
        .outerjoin(action_plans, action_plans.c.finding_id == findings.c.id)
        .where(
            findings.c.status != "closed", findings.c.unresolved_on.is_(None), findings.c.carry_over_on <= as_of,
            (action_plans.c.effect.is_(None)) | (action_plans.c.effect != "effective"),
        )
        .order_by(findings.c.carry_over_on, findings.c.id)
        .with_for_update(of=findings, skip_locked=True)
    )
    return list(await session.execute(query))


async def get_action_plan(session: AsyncSession, finding_id: uuid.UUID):
    return (await session.execute(select(action_plans).where(action_plans.c.finding_id == finding_id))).first()


async def insert_action_plan(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(action_plans).values(**values))


async def update_action_plan(session: AsyncSession, finding_id: uuid.UUID, values: dict[str, Any]) -> None:
    await session.execute(update(action_plans).where(action_plans.c.finding_id == finding_id).values(**values))


async def proposed_for(session: AsyncSession, finding_id: uuid.UUID) -> list:
    query = select(proposed_commitments).where(proposed_commitments.c.finding_id == finding_id).order_by(proposed_commitments.c.year)
    return list(await session.execute(query))


async def store_proposed(session: AsyncSession, values: dict[str, Any]) -> None:
    """Keep the commitment's newest revision (events may arrive out of order or again)."""
    statement = upsert(proposed_commitments).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[proposed_commitments.c.commitment_id],
            set_={key: statement.excluded[key] for key in values if key != "commitment_id"},
            where=proposed_commitments.c.revision < statement.excluded.revision,
        )
    )
