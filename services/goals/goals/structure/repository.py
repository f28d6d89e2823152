"""SQL of the goal structure: levels, goals and the walk up their links."""

import uuid

from sqlalchemy import Row, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import UUID, array
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import commitment_versions, commitments, goal_levels, goals, org_tables

LEVELS, GOALS = goal_levels, goals
# Rank changes shift a whole block of levels; this offset keeps the unique rank free while they move.
_RANK_SHIFT_OFFSET = 10_000


async def list_levels(session: AsyncSession) -> list[Row]:
    return list(await session.execute(select(LEVELS).order_by(LEVELS.c.rank)))


async def get_level(session: AsyncSession, *, code: str, lock: bool = False) -> Row | None:
    query = select(LEVELS).where(LEVELS.c.code == code)
    return (await session.execute(query.with_for_update() if lock else query)).first()


async def lock_levels(session: AsyncSession) -> list[Row]:
    """All levels, locked: adding a level shifts ranks and must not race another."""
    return list(await session.execute(select(LEVELS).order_by(LEVELS.c.rank).with_for_update()))


async def goals_at_or_below_rank(session: AsyncSession, *, rank: int) -> int:
    query = select(func.count()).select_from(GOALS.join(LEVELS, LEVELS.c.code == GOALS.c.level_code)).where(LEVELS.c.rank >= rank)
    return await session.scalar(query)


async def shift_ranks_down(session: AsyncSession, *, from_rank: int) -> None:
    """Move every level at ``from_rank`` or below one rank down, in two steps around the unique constraint."""
    moved = LEVELS.c.rank >= from_rank
    await session.execute(update(LEVELS).where(moved).values(rank=LEVELS.c.rank + _RANK_SHIFT_OFFSET))
    await session.execute(
        update(LEVELS).where(LEVELS.c.rank >= from_rank + _RANK_SHIFT_OFFSET).values(rank=LEVELS.c.rank - _RANK_SHIFT_OFFSET + 1)
    )


async def insert_level(session: AsyncSession, *, values: dict) -> None:
    await session.execute(insert(LEVELS).values(**values))


async def update_level(session: AsyncSession, *, code: str, values: dict) -> None:
    await session.execute(update(LEVELS).where(LEVELS.c.code == code).values(**values, updated_at=func.now()))


def _goal_query():
    return select(GOALS, LEVELS.c.rank.label("level_rank"), LEVELS.c.name_sv.label("level_name_sv")).join(
        LEVELS, LEVELS.c.code == GOALS.c.level_code
    )


async def get_goal(session: AsyncSession, *, goal_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = _goal_query().where(GOALS.c.id == goal_id)
    return (await session.execute(query.with_for_update(of=GOALS) if lock else query)).first()


async def list_goals(
    session: AsyncSession, *, limit: int, after: tuple[int, str, uuid.UUID] | None, level: str | None, unit_id: uuid.UUID | None,
    year: int | None, parent_id: uuid.UUID | None, status: str | None,
) -> list[Row]:
    """Goals in rank, title, id order (the cursor's position)."""
    query = _goal_query()
    if level is not None:
        query = query.where(GOALS.c.level_code == level)
    if unit_id is not None:
        query = query.where(GOALS.c.unit_id == unit_id)
    if year is not None:
        query = query.where(GOALS.c.from_year <= year, GOALS.c.to_year >= year)
    if parent_id is not None:
        query = query.where(GOALS.c.parent_id == parent_id)
    if status is not None:
        query = query.where(GOALS.c.status == status)
    if after is not None:
        query = query.where(func.row(LEVELS.c.rank, GOALS.c.title, GOALS.c.id) > func.row(*after))
    return list(await session.execute(query.order_by(LEVELS.c.rank, GOALS.c.title, GOALS.c.id).limit(limit + 1)))


async def insert_goal(session: AsyncSession, *, values: dict) -> None:
    await session.execute(insert(GOALS).values(**values))


async def update_goal(session: AsyncSession, *, goal_id: uuid.UUID, values: dict) -> None:
    await session.execute(update(GOALS).where(GOALS.c.id == goal_id).values(**values, updated_at=func.now()))


async def ancestor_ids(session: AsyncSession, *, goal_id: uuid.UUID) -> list[uuid.UUID]:
    """The goal and every goal above it, following parent links (stops on a repeated id)."""
    start = literal(goal_id, UUID)
    up = select(start.label("id"), array([start]).label("path")).cte("up", recursive=True)
    up = up.union_all(
        select(GOALS.c.parent_id, func.array_append(up.c.path, GOALS.c.parent_id)).where(
            GOALS.c.id == up.c.id, GOALS.c.parent_id.is_not(None), GOALS.c.parent_id != func.all(up.c.path)
        )
    )
    return list(await session.scalars(select(up.c.id)))


async def children_outside_years(session: AsyncSession, *, goal_id: uuid.UUID, from_year: int, to_year: int) -> list[Row]:
    query = select(GOALS.c.id, GOALS.c.title, GOALS.c.from_year, GOALS.c.to_year).where(
        GOALS.c.parent_id == goal_id, (GOALS.c.from_year < from_year) | (GOALS.c.to_year > to_year)
    )
    return list(await session.execute(query.limit(20)))


async def active_children(session: AsyncSession, *, goal_id: uuid.UUID) -> list[Row]:
    query = select(GOALS.c.id, GOALS.c.title).where(GOALS.c.parent_id == goal_id, GOALS.c.status == "active")
    return list(await session.execute(query.limit(20)))


async def commitments_outside_years(session: AsyncSession, *, goal_id: uuid.UUID, from_year: int, to_year: int) -> list[Row]:
    """Commitments whose newest version supports the goal but whose year falls outside the new span."""
    newest = (
        select(commitment_versions.c.commitment_id, func.max(commitment_versions.c.version).label("version"))
        .group_by(commitment_versions.c.commitment_id)
        .subquery()
    )
    query = (
        select(commitments.c.id, commitments.c.year)
        .join(newest, newest.c.commitment_id == commitments.c.id)
        .join(
            commitment_versions,
            (commitment_versions.c.commitment_id == newest.c.commitment_id) & (commitment_versions.c.version == newest.c.version),
        )
        .where(commitment_versions.c.committee_goal_id == goal_id, (commitments.c.year < from_year) | (commitments.c.year > to_year))
    )
    return list(await session.execute(query.limit(20)))


async def chains(session: AsyncSession, *, goal_ids: list[uuid.UUID]) -> dict[uuid.UUID, Row]:
    """Every goal on the way up from ``goal_ids``, by id (for building lines of sight)."""
    if not goal_ids:
        return {}
    seed = select(GOALS.c.id, GOALS.c.parent_id).where(GOALS.c.id.in_(goal_ids)).cte("chain", recursive=True)
    seed = seed.union(select(GOALS.c.id, GOALS.c.parent_id).where(GOALS.c.id == seed.c.parent_id))
    rows = await session.execute(_goal_query().where(GOALS.c.id.in_(select(seed.c.id))))
    return {row.id: row for row in rows}


async def unit_type(session: AsyncSession, *, unit_id: uuid.UUID) -> str | None:
    """A unit's type (types never change over a unit's versions)."""
    versions = org_tables.versions
    return await session.scalar(select(versions.c.type).where(versions.c.unit_id == unit_id).limit(1))
