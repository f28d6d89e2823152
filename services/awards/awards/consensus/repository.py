"""SQL of consensus scores per area, the recorded changes from individual scores, and site visits."""

import uuid

from sqlalchemy import Row, insert, select
from sqlalchemy.dialects.postgresql import insert as upsert_into
from sqlalchemy.ext.asyncio import AsyncSession

from awards.models import applications, consensus_changes, consensus_scores, site_visits


async def get_area(session: AsyncSession, *, application_id: uuid.UUID, area_number: int, lock: bool = False) -> Row | None:
    query = select(consensus_scores).where(
        consensus_scores.c.application_id == application_id, consensus_scores.c.area_number == area_number,
    )
    return (await session.execute(query.with_for_update() if lock else query)).one_or_none()


async def save_area(session: AsyncSession, **values) -> Row:
    """Insert or replace one area's consensus (values: application_id, area_number, revision, band, score, ...)."""
    statement = upsert_into(consensus_scores).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[consensus_scores.c.application_id, consensus_scores.c.area_number],
        set_={key: statement.excluded[key] for key in values if key not in ("application_id", "area_number")},
    )
    return (await session.execute(statement.returning(consensus_scores))).one()


async def areas_of(session: AsyncSession, *, application_id: uuid.UUID) -> list[Row]:
    query = select(consensus_scores).where(consensus_scores.c.application_id == application_id).order_by(consensus_scores.c.area_number)
    return list(await session.execute(query))


async def add_changes(session: AsyncSession, *, changes: list[dict]) -> None:
    if changes:
        await session.execute(insert(consensus_changes), changes)


async def changes_of(session: AsyncSession, *, application_id: uuid.UUID) -> list[Row]:
    query = select(consensus_changes).where(consensus_changes.c.application_id == application_id).order_by(
        consensus_changes.c.area_number, consensus_changes.c.consensus_revision, consensus_changes.c.examiner_id,
    )
    return list(await session.execute(query))


async def consensus_of_round(session: AsyncSession, *, round_id: uuid.UUID) -> list[Row]:
    """Every consensus area of the round's applications: the consensus_scores row plus the application's unit_id."""
    query = (
        select(consensus_scores, applications.c.unit_id)
        .join(applications, applications.c.id == consensus_scores.c.application_id)
        .where(applications.c.round_id == round_id)
        .order_by(consensus_scores.c.application_id, consensus_scores.c.area_number)
    )
    return list(await session.execute(query))


async def get_site_visit(session: AsyncSession, *, application_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = select(site_visits).where(site_visits.c.application_id == application_id)
    return (await session.execute(query.with_for_update() if lock else query)).one_or_none()


async def save_site_visit(session: AsyncSession, **values) -> Row:
    statement = upsert_into(site_visits).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[site_visits.c.application_id],
        set_={key: statement.excluded[key] for key in values if key != "application_id"},
    )
    return (await session.execute(statement.returning(site_visits))).one()


async def visited(session: AsyncSession, *, application_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if not application_ids:
        return set()
    return set(await session.scalars(select(site_visits.c.application_id).where(site_visits.c.application_id.in_(application_ids))))
