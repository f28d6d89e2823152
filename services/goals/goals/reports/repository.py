"""SQL of reports: what a report is built from (the committee's goals, commitments, targets, values, units)
and the frozen snapshots."""

import uuid
from datetime import date

from sqlalchemy import Row, func, insert, literal, or_, select, true, tuple_, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree.queries import in_effect

from goals.access import units_below
from goals.models import (
    commitments, goals, indicator_targets, indicator_values, indicators, org_tables, report_registration_numbers,
    report_snapshots,
)
from goals.rollup.repository import any_of, version_in_force

SNAPSHOTS = report_snapshots
VERSIONS = org_tables.versions
_FOLLOWED_UP = ("adopted", "followed_up", "closed")


async def committee_goals(session: AsyncSession, *, committee_id: uuid.UUID, year: int) -> list[Row]:
    """The committee's own goals (nämndmål) holding in ``year``, active."""
    query = select(goals).where(
        goals.c.unit_id == committee_id, goals.c.status == "active", goals.c.from_year <= year, goals.c.to_year >= year,
    )
    return list(await session.execute(query.order_by(goals.c.title, goals.c.id)))


async def commitments_of(session: AsyncSession, *, unit_ids: list[uuid.UUID], year: int, last_day: date) -> list[Row]:
    """Adopted commitments of the units for ``year`` with their version in force on ``last_day``
    (of the content only its expected result's type), in the roll-up's order (title, id), so the
    roll-up can take its commitments from them (rollup.service._load)."""
    if not unit_ids:
        return []
    in_force = version_in_force(last_day, "version", "title", "committee_goal_id", "indicator_id", "content")
    query = (
        select(
            commitments.c.id, commitments.c.unit_id, commitments.c.position, commitments.c.status, in_force.c.version,
            in_force.c.title, in_force.c.committee_goal_id, in_force.c.indicator_id,
            in_force.c.content["expected_result"]["type"].astext.label("expected_result_type"),
        )
        .select_from(commitments.join(in_force, true()))
        .where(any_of(commitments.c.unit_id, unit_ids), commitments.c.year == year, commitments.c.status.in_(_FOLLOWED_UP))
        .order_by(in_force.c.title, commitments.c.id)
    )
    return list(await session.execute(query))


async def units_of(session: AsyncSession, *, unit_ids: set[uuid.UUID], as_of: date) -> dict[uuid.UUID, Row]:
    """Code and name of each unit as of a day (the latest version before it when closed by then)."""
    if not unit_ids:
        return {}
    query = (
        select(VERSIONS.c.unit_id, VERSIONS.c.code, VERSIONS.c.name, VERSIONS.c.type)
        .where(VERSIONS.c.unit_id.in_(unit_ids), VERSIONS.c.valid_from <= as_of)
        .ext(distinct_on(VERSIONS.c.unit_id))
        .order_by(VERSIONS.c.unit_id, VERSIONS.c.valid_from.desc())
    )
    return {row.unit_id: row for row in await session.execute(query)}


async def units_below_committee(session: AsyncSession, *, committee_id: uuid.UUID, as_of: date) -> list[tuple[uuid.UUID, bool]]:
    """The committee and every unit that sat below it at any time, each with whether it is in
    effect on ``as_of`` (one read, so the queries after it see a literal list)."""
    below = units_below([committee_id]).subquery()
    in_force = select(VERSIONS.c.unit_id).where(VERSIONS.c.unit_id == below.c.unit_id, in_effect(VERSIONS, as_of)).exists()
    return [(row.unit_id, row.in_effect) for row in await session.execute(select(below.c.unit_id, in_force.label("in_effect")))]


async def targets_for(
    session: AsyncSession, *, goal_ids: list[uuid.UUID], commitment_ids: list[uuid.UUID], periods: list[str]
) -> list[Row]:
    owners = [clause for clause in (
        indicator_targets.c.goal_id.in_(goal_ids) if goal_ids else None,
        indicator_targets.c.commitment_id.in_(commitment_ids) if commitment_ids else None,
    ) if clause is not None]
    if not owners:
        return []
    query = (
        select(
            indicator_targets.c.id, indicator_targets.c.indicator_id, indicator_targets.c.goal_id, indicator_targets.c.commitment_id,
            indicator_targets.c.unit_id, indicator_targets.c.period, indicator_targets.c.gender, indicator_targets.c.target_value,
            indicator_targets.c.comparison, indicators.c.code, indicators.c.title, indicators.c.unit_of_measure,
            indicators.c.polarity,
        )
        .join(indicators, indicators.c.id == indicator_targets.c.indicator_id)
        .where(or_(*owners), indicator_targets.c.period.in_(periods))
        .order_by(indicators.c.code, indicator_targets.c.period, indicator_targets.c.gender, indicator_targets.c.id)
    )
    return list(await session.execute(query))


async def current_values(session: AsyncSession, *, keys: list[tuple[uuid.UUID, uuid.UUID, str, str]]) -> dict[tuple, Row]:
    """Current values by (indicator, unit, period, gender)."""
    if not keys:
        return {}
    table = indicator_values
    query = select(table).where(
        table.c.current, tuple_(table.c.indicator_id, table.c.unit_id, table.c.period, table.c.gender).in_(keys),
    )
    return {(row.indicator_id, row.unit_id, row.period, row.gender): row for row in await session.execute(query)}


# --- snapshots ---

async def lock_committee_period(session: AsyncSession, *, committee_id: uuid.UUID, period: str) -> None:
    """Serialise submissions of one committee's report for a period (the unique index is the backstop)."""
    key = literal(f"report:{committee_id}:{period}")
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))


async def current_snapshot(session: AsyncSession, *, committee_id: uuid.UUID, period: str) -> Row | None:
    query = select(SNAPSHOTS).where(
        SNAPSHOTS.c.committee_id == committee_id, SNAPSHOTS.c.period == period, SNAPSHOTS.c.superseded_by_id.is_(None),
    )
    return (await session.execute(query)).first()


async def next_registration_number(session: AsyncSession) -> int:
    return await session.scalar(select(report_registration_numbers.next_value()))


async def insert_snapshot(session: AsyncSession, *, values: dict) -> None:
    await session.execute(insert(SNAPSHOTS).values(**values))


async def mark_superseded(session: AsyncSession, *, report_id: uuid.UUID, by: uuid.UUID) -> None:
    await session.execute(update(SNAPSHOTS).where(SNAPSHOTS.c.id == report_id).values(superseded_by_id=by))


async def get_snapshot(session: AsyncSession, *, report_id: uuid.UUID) -> Row | None:
    return (await session.execute(select(SNAPSHOTS).where(SNAPSHOTS.c.id == report_id))).first()


async def list_snapshots(
    session: AsyncSession, *, committee_id: uuid.UUID, period: str | None, after: tuple[str, int] | None, limit: int,
) -> list[Row]:
    query = select(*(c for c in SNAPSHOTS.c if c.name != "document")).where(SNAPSHOTS.c.committee_id == committee_id)
    if period is not None:
        query = query.where(SNAPSHOTS.c.period == period)
    if after is not None:
        query = query.where(tuple_(SNAPSHOTS.c.period, SNAPSHOTS.c.version) > tuple_(literal(after[0]), literal(after[1])))
    return list(await session.execute(query.order_by(SNAPSHOTS.c.period, SNAPSHOTS.c.version).limit(limit + 1)))
