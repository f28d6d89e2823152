"""SQL of the annual wheel: defaults, committees' deadlines, what is missing, what was published overdue."""

import uuid
from datetime import date, datetime

from sqlalchemy import Row, and_, exists, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from goals.access import units_below
from goals.models import (
    annual_wheel_defaults, annual_wheel_deadlines, annual_wheel_overdue, commitment_versions, commitments, follow_ups, org_tables,
    report_snapshots,
)

DEFAULTS, DEADLINES, OVERDUE = annual_wheel_defaults, annual_wheel_deadlines, annual_wheel_overdue
COMMITTEE_TYPES = ("district_committee", "specialist_committee", "company_board")
FOLLOWED_UP = ("adopted", "followed_up", "closed")
VERSIONS = org_tables.versions


async def defaults(session: AsyncSession) -> list[Row]:
    return list(await session.execute(select(DEFAULTS).order_by(DEFAULTS.c.due_year_offset, DEFAULTS.c.due_month)))


async def unit_type(session: AsyncSession, *, unit_id: uuid.UUID) -> str | None:
    return await session.scalar(select(VERSIONS.c.type).where(VERSIONS.c.unit_id == unit_id).limit(1))


async def committee_ids(session: AsyncSession) -> list[uuid.UUID]:
    query = select(VERSIONS.c.unit_id).where(VERSIONS.c.type.in_(COMMITTEE_TYPES)).distinct().order_by(VERSIONS.c.unit_id)
    return list(await session.scalars(query))


async def committees_among(session: AsyncSession, *, unit_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    query = select(VERSIONS.c.unit_id).where(VERSIONS.c.unit_id.in_(unit_ids), VERSIONS.c.type.in_(COMMITTEE_TYPES)).distinct()
    return list(await session.scalars(query))


async def deadlines(session: AsyncSession, *, committee_id: uuid.UUID, periods: list[str]) -> dict[str, Row]:
    query = select(DEADLINES).where(DEADLINES.c.committee_id == committee_id, DEADLINES.c.period.in_(periods))
    return {row.period: row for row in await session.execute(query)}


async def get_deadline(session: AsyncSession, *, committee_id: uuid.UUID, period: str, lock: bool = False) -> Row | None:
    query = select(DEADLINES).where(DEADLINES.c.committee_id == committee_id, DEADLINES.c.period == period)
    return (await session.execute(query.with_for_update() if lock else query)).first()


async def insert_deadline(session: AsyncSession, *, values: dict) -> None:
    await session.execute(insert(DEADLINES).values(**values))


async def update_deadline(session: AsyncSession, *, committee_id: uuid.UUID, period: str, values: dict) -> None:
    await session.execute(
        update(DEADLINES).where(DEADLINES.c.committee_id == committee_id, DEADLINES.c.period == period)
        .values(**values, updated_at=func.now())
    )


async def missing_follow_ups(session: AsyncSession, *, committee_id: uuid.UUID, year: int, period: str, last_day: date) -> list[Row]:
    """Commitments of the committee's units for ``year``, adopted by ``last_day``, without a follow-up for ``period``.

    The title is the version's in force on the period's last day (the version the follow-up is judged against).
    """
    below = units_below([committee_id])
    of_year = select(commitments.c.id).where(
        commitments.c.year == year, commitments.c.status.in_(FOLLOWED_UP), commitments.c.unit_id.in_(below),
    )
    in_force = (
        select(commitment_versions.c.commitment_id, commitment_versions.c.title)
        .where(
            commitment_versions.c.effective_from.is_not(None), commitment_versions.c.effective_from <= last_day,
            commitment_versions.c.commitment_id.in_(of_year),
        )
        .ext(distinct_on(commitment_versions.c.commitment_id))
        .order_by(
            commitment_versions.c.commitment_id, commitment_versions.c.effective_from.desc(), commitment_versions.c.version.desc()
        )
        .subquery()
    )
    followed = exists().where(follow_ups.c.commitment_id == commitments.c.id, follow_ups.c.period == period)
    query = (
        select(commitments.c.id, commitments.c.unit_id, in_force.c.title)
        .join(in_force, in_force.c.commitment_id == commitments.c.id)
        .where(
            commitments.c.year == year, commitments.c.status.in_(FOLLOWED_UP),
            commitments.c.unit_id.in_(below), ~followed,
        )
        .order_by(in_force.c.title, commitments.c.id)
    )
    return list(await session.execute(query))


async def report_submitted(session: AsyncSession, *, committee_id: uuid.UUID, period: str) -> bool:
    query = select(literal(True)).where(
        and_(report_snapshots.c.committee_id == committee_id, report_snapshots.c.period == period)
    ).limit(1)
    return bool(await session.scalar(query))


async def record_overdue(
    session: AsyncSession, *, committee_id: uuid.UUID, period: str, kind: str, item_id: uuid.UUID, deadline: date, at: datetime,
) -> bool:
    """True when the item is recorded now; False when it was published before (so it is published once)."""
    statement = (
        pg_insert(OVERDUE)
        .values(committee_id=committee_id, period=period, kind=kind, item_id=item_id, deadline=deadline, published_at=at)
        .on_conflict_do_nothing()
        .returning(OVERDUE.c.item_id)
    )
    return (await session.execute(statement)).first() is not None
