"""SQL of business plans and commitments with their versions."""

import uuid

from sqlalchemy import ColumnElement, Row, func, select, update
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import business_plans, commitment_versions, commitments, follow_ups, goal_levels, goals, indicators

PLANS, COMMITMENTS, VERSIONS = business_plans, commitments, commitment_versions


async def get_plan(session: AsyncSession, *, plan_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = select(PLANS).where(PLANS.c.id == plan_id)
    return (await session.execute(query.with_for_update() if lock else query)).first()


async def find_plan(session: AsyncSession, *, unit_id: uuid.UUID, year: int, lock: bool = False) -> Row | None:
    query = select(PLANS).where(PLANS.c.unit_id == unit_id, PLANS.c.year == year)
    return (await session.execute(query.with_for_update() if lock else query)).first()


async def insert_plan(session: AsyncSession, *, plan_id: uuid.UUID, unit_id: uuid.UUID, year: int) -> bool:
    """Insert unless the unit already has a plan that year (a concurrent insert included); True if inserted."""
    statement = (
        insert(PLANS)
        .values(id=plan_id, revision=1, unit_id=unit_id, year=year, status="draft")
        .on_conflict_do_nothing(constraint="uq_business_plans_unit_year")
        .returning(PLANS.c.id)
    )
    return (await session.execute(statement)).first() is not None


async def touch_plan(session: AsyncSession, *, plan_id: uuid.UUID, values: dict | None = None) -> None:
    """Raise the plan's revision: its commitments changed, so an adoption must have read the new state."""
    await session.execute(
        update(PLANS).where(PLANS.c.id == plan_id).values(revision=PLANS.c.revision + 1, updated_at=func.now(), **(values or {}))
    )


async def list_plans(
    session: AsyncSession, *, limit: int, after: tuple[int, uuid.UUID] | None, where: list[ColumnElement[bool]]
) -> list[Row]:
    query = select(PLANS).where(*where)
    if after is not None:
        query = query.where(func.row(-PLANS.c.year, PLANS.c.id) > func.row(-after[0], after[1]))
    return list(await session.execute(query.order_by(PLANS.c.year.desc(), PLANS.c.id).limit(limit + 1)))


async def plan_commitments(session: AsyncSession, *, plan_id: uuid.UUID, lock: bool = False) -> list[Row]:
    """The plan's commitments with their newest title."""
    newest = _newest_versions()
    query = (
        select(COMMITMENTS, newest.c.title)
        .join(newest, newest.c.commitment_id == COMMITMENTS.c.id)
        .where(COMMITMENTS.c.business_plan_id == plan_id)
        .order_by(COMMITMENTS.c.created_at, COMMITMENTS.c.id)
    )
    return list(await session.execute(query.with_for_update(of=COMMITMENTS) if lock else query))


def _newest_versions():
    return (
        select(VERSIONS.c.commitment_id, VERSIONS.c.title, VERSIONS.c.committee_goal_id)
        .ext(distinct_on(VERSIONS.c.commitment_id))
        .order_by(VERSIONS.c.commitment_id, VERSIONS.c.version.desc())
        .subquery("newest")
    )


async def get_commitment(session: AsyncSession, *, commitment_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = select(COMMITMENTS).where(COMMITMENTS.c.id == commitment_id)
    return (await session.execute(query.with_for_update() if lock else query)).first()


async def find_by_finding(session: AsyncSession, *, finding_id: uuid.UUID) -> Row | None:
    return (await session.execute(select(COMMITMENTS).where(COMMITMENTS.c.proposed_from_finding_id == finding_id))).first()


async def versions_of(session: AsyncSession, *, commitment_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Row]]:
    rows = await session.execute(
        select(VERSIONS).where(VERSIONS.c.commitment_id.in_(commitment_ids)).order_by(VERSIONS.c.commitment_id, VERSIONS.c.version)
    )
    found: dict[uuid.UUID, list[Row]] = {commitment_id: [] for commitment_id in commitment_ids}
    for row in rows:
        found[row.commitment_id].append(row)
    return found


async def list_commitments(
    session: AsyncSession, *, limit: int, after: tuple[int, uuid.UUID] | None, where: list[ColumnElement[bool]]
) -> list[Row]:
    query = select(COMMITMENTS).where(*where)
    if after is not None:
        query = query.where(func.row(-COMMITMENTS.c.year, COMMITMENTS.c.id) > func.row(-after[0], after[1]))
    return list(await session.execute(query.order_by(COMMITMENTS.c.year.desc(), COMMITMENTS.c.id).limit(limit + 1)))


async def insert_commitment(session: AsyncSession, *, values: dict) -> bool:
    """Insert; False when a commitment was already proposed from the same finding (concurrently too)."""
    statement = insert(COMMITMENTS).values(**values).on_conflict_do_nothing(index_elements=["proposed_from_finding_id"])
    return (await session.execute(statement.returning(COMMITMENTS.c.id))).first() is not None


async def update_commitment(session: AsyncSession, *, commitment_id: uuid.UUID, values: dict) -> None:
    await session.execute(update(COMMITMENTS).where(COMMITMENTS.c.id == commitment_id).values(**values, updated_at=func.now()))


async def insert_version(session: AsyncSession, *, values: dict) -> None:
    await session.execute(insert(VERSIONS).values(**values))


async def update_version(session: AsyncSession, *, commitment_id: uuid.UUID, version: int, values: dict) -> None:
    await session.execute(
        update(VERSIONS).where(VERSIONS.c.commitment_id == commitment_id, VERSIONS.c.version == version).values(**values)
    )


async def committee_goal(session: AsyncSession, *, goal_id: uuid.UUID) -> Row | None:
    """A goal with its level's rank and the lowest rank in use (commitments hang on the lowest level)."""
    lowest = select(func.max(goal_levels.c.rank)).scalar_subquery()
    query = (
        select(goals, goal_levels.c.rank.label("level_rank"), lowest.label("lowest_rank"))
        .join(goal_levels, goal_levels.c.code == goals.c.level_code)
        .where(goals.c.id == goal_id)
    )
    return (await session.execute(query)).first()


async def get_indicator(session: AsyncSession, *, indicator_id: uuid.UUID) -> Row | None:
    return (await session.execute(select(indicators).where(indicators.c.id == indicator_id))).first()


async def has_follow_up(session: AsyncSession, *, commitment_id: uuid.UUID, period: str) -> bool:
    query = select(follow_ups.c.id).where(follow_ups.c.commitment_id == commitment_id, follow_ups.c.period == period)
    return (await session.execute(query)).first() is not None

