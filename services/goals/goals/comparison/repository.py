"""SQL of the comparison index: the committees on a day, their figures per indicator, their follow-ups."""

import uuid
from datetime import date

from sqlalchemy import Float, Integer, Row, and_, case, func, literal, or_, select, true, union_all
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import (
    commitment_versions, commitments, follow_ups, goals, indicator_targets, indicator_values, indicators, org_tables,
    report_snapshots, unit_external_ids,
)
from goals.rollup.repository import any_of, version_in_force

VERSIONS = org_tables.versions
COMMITTEE_TYPES = ("district_committee", "specialist_committee", "company_board")
_ROLLED_UP = ("adopted", "followed_up", "closed")  # as in the roll-up: commitments adopted at some point


def _in_effect(day: date):
    return and_(VERSIONS.c.valid_from <= day, or_(VERSIONS.c.valid_to.is_(None), VERSIONS.c.valid_to > day))


async def committees_on(session: AsyncSession, *, day: date) -> list[Row]:
    """Committees and company boards in effect on ``day`` (unit_id, code, name, type), by code."""
    query = select(VERSIONS.c.unit_id, VERSIONS.c.code, VERSIONS.c.name, VERSIONS.c.type).where(
        _in_effect(day), VERSIONS.c.type.in_(COMMITTEE_TYPES)
    )
    return list(await session.execute(query.order_by(VERSIONS.c.code)))


def below_committees(committee_ids: list[uuid.UUID], day: date):
    """CTE (unit_id, committee_id): each committee and every unit below it on ``day``."""
    seed = select(VERSIONS.c.unit_id, VERSIONS.c.unit_id.label("committee_id")).where(
        VERSIONS.c.unit_id.in_(committee_ids), _in_effect(day)
    ).cte("below", recursive=True)
    step = VERSIONS.alias("step")
    return seed.union_all(
        select(step.c.unit_id, seed.c.committee_id).where(
            step.c.parent_id == seed.c.unit_id, step.c.valid_from <= day, or_(step.c.valid_to.is_(None), step.c.valid_to > day)
        )
    )


async def committees_with_current_report(
    session: AsyncSession, *, committee_ids: list[uuid.UUID], period: str
) -> set[uuid.UUID]:
    """Those of ``committee_ids`` with a current (not superseded) report snapshot for ``period``.

    A corrected report supersedes the earlier one, so a committee has at most one current
    snapshot per period (the partial unique index uq_report_snapshots_current) and counts once.
    """
    if not committee_ids:
        return set()
    query = select(report_snapshots.c.committee_id).where(
        report_snapshots.c.committee_id.in_(committee_ids), report_snapshots.c.period == period,
        report_snapshots.c.superseded_by_id.is_(None),
    )
    return set((await session.execute(query)).scalars())


async def indicator_figures(
    session: AsyncSession, *, committee_ids: list[uuid.UUID], indicator_ids: list[uuid.UUID], period: str, day: date
) -> list[Row]:
    """Per committee and indicator: its own value in force (and source), and the units below it
    (values, mean, Σ value×count, Σ count, whether every value has a count)."""
    if not committee_ids or not indicator_ids:
        return []
    below = below_committees(committee_ids, day)
    values = indicator_values
    own = below.c.unit_id == below.c.committee_id
    query = (
        select(
            below.c.committee_id, values.c.indicator_id,
            func.max(values.c.value).filter(own).label("own_value"),
            func.max(values.c.source).filter(own).label("own_source"),
            func.count().filter(~own).label("units"),
            func.avg(values.c.value).filter(~own).label("mean"),
            func.sum(values.c.value * values.c.count).filter(~own).label("weighted_sum"),
            func.sum(values.c.count).filter(~own).label("count_sum"),
            func.bool_and(values.c.count.is_not(None) & (values.c.count > 0)).filter(~own).label("all_counted"),
        )
        .select_from(below.join(values, values.c.unit_id == below.c.unit_id))
        .where(values.c.current, values.c.period == period, values.c.gender == "T", values.c.indicator_id.in_(indicator_ids))
        .group_by(below.c.committee_id, values.c.indicator_id)
    )
    return list(await session.execute(query))


async def kolada_city_values(session: AsyncSession, *, indicator_ids: list[uuid.UUID], period: str) -> dict[uuid.UUID, Row]:
    """Kolada's figure for the whole municipality (the unit with a Kolada municipality id), per indicator."""
    if not indicator_ids:
        return {}
    values = indicator_values
    query = (
        select(values.c.indicator_id, values.c.value, unit_external_ids.c.kolada_municipality_id)
        .join(unit_external_ids, unit_external_ids.c.unit_id == values.c.unit_id)
        .where(
            unit_external_ids.c.kolada_municipality_id.is_not(None), values.c.current, values.c.period == period,
            values.c.gender == "T", values.c.source == "kolada", values.c.indicator_id.in_(indicator_ids),
        )
    )
    return {row.indicator_id: row for row in await session.execute(query)}


async def get_indicator(session: AsyncSession, *, indicator_id: uuid.UUID) -> Row | None:
    return (await session.execute(select(indicators).where(indicators.c.id == indicator_id))).first()


async def get_indicators(session: AsyncSession, *, indicator_ids: list[uuid.UUID]) -> list[Row]:
    if not indicator_ids:
        return []
    return list(await session.execute(select(indicators).where(indicators.c.id.in_(indicator_ids)).order_by(indicators.c.code)))


async def get_goal(session: AsyncSession, *, goal_id: uuid.UUID) -> Row | None:
    return (await session.execute(select(goals).where(goals.c.id == goal_id))).first()


async def goal_subtree_ids(session: AsyncSession, *, goal_id: uuid.UUID, year: int) -> list[uuid.UUID]:
    """The goal and every active goal below it that holds in ``year`` (read first, so that the
    queries after it see a short literal list and use the goal indexes)."""
    seed = select(goals.c.id).where(goals.c.id == goal_id).cte("subtree", recursive=True)
    subtree = seed.union_all(
        select(goals.c.id).where(
            goals.c.parent_id == seed.c.id, goals.c.status == "active", goals.c.from_year <= year, goals.c.to_year >= year
        )
    )
    return list(await session.scalars(select(subtree.c.id)))


def _commitments_on(goal_ids: list[uuid.UUID], year: int, last_day: date):
    """Select (commitment_id, unit_id, indicator_id): commitments of ``year`` whose version in force
    on ``last_day`` supports one of ``goal_ids``."""
    # only a commitment naming one of the goals in some version can name it in the version in force
    naming = select(commitment_versions.c.commitment_id).where(any_of(commitment_versions.c.committee_goal_id, goal_ids))
    in_force = version_in_force(last_day, "committee_goal_id", "indicator_id")
    return (
        select(commitments.c.id.label("commitment_id"), commitments.c.unit_id, in_force.c.indicator_id)
        .select_from(commitments.join(in_force, true()))
        .where(
            commitments.c.id.in_(naming), commitments.c.year == year, commitments.c.status.in_(_ROLLED_UP),
            any_of(in_force.c.committee_goal_id, goal_ids),
        )
    )


async def goal_components(
    session: AsyncSession, *, goal_ids: list[uuid.UUID], year: int, last_day: date, period: str,
    committee_ids: list[uuid.UUID], scores: dict[str, float] | None,
) -> tuple[set[uuid.UUID], list[Row]]:
    """What a goal's index is made of, in one statement over one set of supporting commitments
    (those of ``year`` whose version in force on ``last_day`` supports one of the goals):

    - the indicators with a target on one of the goals or followed by a supporting commitment;
    - with ``scores``, per committee of ``committee_ids``: the supporting commitments of its units
      (commitments), how many were followed up in ``period`` (reported) and Σ score of those
      follow-ups (score_sum; a verdict without a score counts 0).
    """
    supporting = _commitments_on(goal_ids, year, last_day).cte("supporting")
    no_uuid, no_count, no_sum = literal(None, UUID(as_uuid=True)), literal(None, Integer), literal(None, Float)
    parts = [
        select(literal("indicator").label("part"), indicator_targets.c.indicator_id, no_uuid.label("committee_id"),
               no_count.label("commitments"), no_count.label("reported"), no_sum.label("score_sum"))
        .where(any_of(indicator_targets.c.goal_id, goal_ids)),
        select(literal("indicator"), supporting.c.indicator_id, no_uuid, no_count, no_count, no_sum)
        .where(supporting.c.indicator_id.is_not(None)),
    ]
    if committee_ids and scores is not None:
        below = below_committees(committee_ids, last_day)
        score = case(*((follow_ups.c.assessment == verdict, literal(value, Float)) for verdict, value in scores.items()),
                     else_=literal(0.0, Float))
        parts.append(
            select(
                literal("follow_ups"), no_uuid, below.c.committee_id, func.count(), func.count(follow_ups.c.id),
                func.sum(score).filter(follow_ups.c.id.is_not(None)),
            )
            .select_from(
                supporting.join(below, below.c.unit_id == supporting.c.unit_id).outerjoin(
                    follow_ups, and_(follow_ups.c.commitment_id == supporting.c.commitment_id, follow_ups.c.period == period),
                )
            )
            .group_by(below.c.committee_id)
        )
    rows = list(await session.execute(union_all(*parts)))
    return {row.indicator_id for row in rows if row.part == "indicator"}, [row for row in rows if row.part == "follow_ups"]
