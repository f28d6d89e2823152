"""SQL of the roll-up: the goal tree of a year, the commitments on it in a period, their follow-ups, verdicts, rules."""

import uuid
from datetime import date

from sqlalchemy import Row, and_, any_, func, insert, literal, select, true, update
from sqlalchemy.dialects.postgresql import ARRAY, UUID, distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import commitment_versions, commitments, follow_ups, goal_verdicts, goals, org_tables, rollup_rules

RULES = rollup_rules
VERDICTS = goal_verdicts
_ROLLED_UP = ("adopted", "followed_up", "closed")  # commitments adopted at some point: they are followed up


def any_of(column, ids) -> object:
    """``column = ANY($1)`` with the ids as one array parameter: a long id list is one bind, not one each."""
    return column == any_(literal(list(ids), ARRAY(UUID(as_uuid=True))))


def version_in_force(last_day: date, *columns):
    """LATERAL: ``columns`` of the version of ``commitments.c.id`` in force on ``last_day`` (the latest
    effective on or before it; of two on one day the higher version). Used as
    ``commitments.join(version_in_force(...), true())``, it is one index probe per commitment."""
    versions = commitment_versions
    return (
        select(*(versions.c[name] for name in columns))
        .where(versions.c.commitment_id == commitments.c.id, versions.c.effective_from.is_not(None),
               versions.c.effective_from <= last_day)
        .order_by(versions.c.effective_from.desc(), versions.c.version.desc())
        .limit(1)
        .lateral("in_force")
    )


def _holds(year: int):
    return and_(goals.c.status == "active", goals.c.from_year <= year, goals.c.to_year >= year)


async def goal_tree(session: AsyncSession, *, root_ids: list[uuid.UUID], year: int) -> list[Row]:
    """The roots and every active goal below them that holds in ``year`` (recursive on parent_id)."""
    seed = select(goals.c.id).where(goals.c.id.in_(root_ids)).cte("tree", recursive=True)
    tree = seed.union(select(goals.c.id).where(goals.c.parent_id == seed.c.id, _holds(year)))
    query = select(goals.c.id, goals.c.parent_id, goals.c.title, goals.c.unit_id, goals.c.level_code).where(
        goals.c.id.in_(select(tree.c.id))
    )
    return list(await session.execute(query.order_by(goals.c.title, goals.c.id)))


async def root_goal_ids(session: AsyncSession, *, year: int) -> list[uuid.UUID]:
    """The top goals (no parent: the vision) holding in ``year``."""
    return list(await session.scalars(select(goals.c.id).where(goals.c.parent_id.is_(None), _holds(year))))


async def commitments_on(session: AsyncSession, *, goal_ids: list[uuid.UUID], year: int, last_day: date) -> list[Row]:
    """Commitments of ``year`` whose version in force on ``last_day`` supports one of the goals."""
    if not goal_ids:
        return []
    # Only commitments that name one of the goals in some version can name it in the version in force.
    naming = select(commitment_versions.c.commitment_id).where(any_of(commitment_versions.c.committee_goal_id, goal_ids))
    in_force = version_in_force(last_day, "title", "committee_goal_id", "version")
    query = (
        select(commitments.c.id, commitments.c.unit_id, in_force.c.title, in_force.c.committee_goal_id, in_force.c.version)
        .select_from(commitments.join(in_force, true()))
        .where(
            commitments.c.id.in_(naming), commitments.c.year == year, commitments.c.status.in_(_ROLLED_UP),
            any_of(in_force.c.committee_goal_id, goal_ids),
        )
        .order_by(in_force.c.title, commitments.c.id)
    )
    return list(await session.execute(query))


async def others_name(
    session: AsyncSession, *, goal_ids: list[uuid.UUID], year: int, known_ids: set[uuid.UUID],
) -> bool:
    """Whether a commitment of ``year`` not in ``known_ids`` names one of the goals in some version
    (when none does, the known commitments are all that can support the goals)."""
    if not goal_ids:
        return False
    versions = commitment_versions
    query = (
        select(versions.c.commitment_id)
        .join(commitments, commitments.c.id == versions.c.commitment_id)
        .where(
            any_of(versions.c.committee_goal_id, goal_ids), commitments.c.year == year, commitments.c.status.in_(_ROLLED_UP),
            ~any_of(versions.c.commitment_id, known_ids),
        )
        .limit(1)
    )
    return (await session.scalar(query)) is not None


async def commitment_counts(
    session: AsyncSession, *, goal_ids: list[uuid.UUID], year: int, last_day: date, period: str
) -> dict[uuid.UUID, dict[str | None, int]]:
    """Per goal: the commitments supporting it (as ``commitments_on`` finds them) counted by their
    follow-up's assessment for ``period`` (None: not yet reported), in one aggregation."""
    if not goal_ids:
        return {}
    of_year = select(commitments.c.id).where(commitments.c.year == year, commitments.c.status.in_(_ROLLED_UP))
    in_force = (
        select(commitment_versions.c.commitment_id, commitment_versions.c.committee_goal_id)
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
    query = (
        select(in_force.c.committee_goal_id, follow_ups.c.assessment, func.count())
        .select_from(in_force.outerjoin(
            follow_ups, and_(follow_ups.c.commitment_id == in_force.c.commitment_id, follow_ups.c.period == period)
        ))
        .where(in_force.c.committee_goal_id.in_(goal_ids))
        .group_by(in_force.c.committee_goal_id, follow_ups.c.assessment)
    )
    found: dict[uuid.UUID, dict[str | None, int]] = {}
    for goal_id, assessment, count in await session.execute(query):
        found.setdefault(goal_id, {})[assessment] = count
    return found


# What the roll-up (id, verdicts) and a report (the follow-up's text and figures) show of a follow-up.
FOLLOW_UP_SHOWN = (
    "id", "commitment_id", "suggested_assessment", "assessment", "outcome_value", "result", "analysis", "next_steps",
    "reported_on", "late",
)


async def follow_ups_for(session: AsyncSession, *, commitment_ids, period: str) -> dict[uuid.UUID, Row]:
    """The period's follow-up of each commitment (the columns in FOLLOW_UP_SHOWN), by commitment id."""
    if not commitment_ids:
        return {}
    query = select(*(follow_ups.c[name] for name in FOLLOW_UP_SHOWN)).where(
        any_of(follow_ups.c.commitment_id, commitment_ids), follow_ups.c.period == period,
    )
    return {row.commitment_id: row for row in await session.execute(query)}


async def verdicts_for(session: AsyncSession, *, goal_ids: list[uuid.UUID], period: str) -> dict[uuid.UUID, Row]:
    if not goal_ids:
        return {}
    query = select(VERDICTS).where(any_of(VERDICTS.c.goal_id, goal_ids), VERDICTS.c.period == period)
    return {row.goal_id: row for row in await session.execute(query)}


async def get_verdict(session: AsyncSession, *, goal_id: uuid.UUID, period: str, lock: bool = False) -> Row | None:
    query = select(VERDICTS).where(VERDICTS.c.goal_id == goal_id, VERDICTS.c.period == period)
    return (await session.execute(query.with_for_update() if lock else query)).first()


async def insert_verdict(session: AsyncSession, *, values: dict) -> None:
    await session.execute(insert(VERDICTS).values(**values))


async def update_verdict(session: AsyncSession, *, goal_id: uuid.UUID, period: str, values: dict) -> None:
    await session.execute(
        update(VERDICTS).where(VERDICTS.c.goal_id == goal_id, VERDICTS.c.period == period).values(**values, updated_at=func.now())
    )


async def city_unit_id(session: AsyncSession) -> uuid.UUID | None:
    versions = org_tables.versions
    return await session.scalar(select(versions.c.unit_id).where(versions.c.type == "city").limit(1))


async def list_rules(session: AsyncSession) -> list[Row]:
    return list(await session.execute(select(RULES).order_by(RULES.c.code, RULES.c.version)))


async def get_rule(session: AsyncSession, *, code: str, version: int | None) -> Row | None:
    query = select(RULES).where(RULES.c.code == code)
    query = query.where(RULES.c.version == version) if version is not None else query.order_by(RULES.c.version.desc())
    return (await session.execute(query.limit(1))).first()


async def insert_rule_version(session: AsyncSession, *, code: str, values: dict) -> Row:
    """The next version of ``code`` (1 for a new code); a transaction lock on the code serialises writers."""
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(literal("rollup_rules:" + code)))))
    latest = await session.scalar(select(func.max(RULES.c.version)).where(RULES.c.code == code))
    version = (latest or 0) + 1
    await session.execute(insert(RULES).values(code=code, version=version, **values))
    return await get_rule(session, code=code, version=version)


async def get_goal(session: AsyncSession, *, goal_id: uuid.UUID) -> Row | None:
    return (await session.execute(select(goals).where(goals.c.id == goal_id))).first()
