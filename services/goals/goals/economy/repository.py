"""SQL of economy beside fulfilment: budget lines and VB follow-up counts per unit and year."""

import uuid
from datetime import date

from sqlalchemy import Row, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from goals.comparison.repository import below_committees
from goals.models import budget_lines, commitments, follow_ups, indicator_values, indicators, org_tables

VERSIONS = org_tables.versions
_ROLLED_UP = ("adopted", "followed_up", "closed")


async def units_below(session: AsyncSession, *, unit_id: uuid.UUID, day: date) -> list[Row]:
    """The unit and every unit below it on ``day``, with code, name and type (by code)."""
    below = below_committees([unit_id], day)
    query = (
        select(VERSIONS.c.unit_id, VERSIONS.c.code, VERSIONS.c.name, VERSIONS.c.type, VERSIONS.c.parent_id)
        .join(below, below.c.unit_id == VERSIONS.c.unit_id)
        .where(VERSIONS.c.valid_from <= day, (VERSIONS.c.valid_to.is_(None)) | (VERSIONS.c.valid_to > day))
        .order_by(VERSIONS.c.code)
    )
    return list(await session.execute(query))


async def budget_figures(
    session: AsyncSession, *, unit_ids: list[uuid.UUID] | None, years: list[int], line: str
) -> dict[tuple[uuid.UUID, int], Row]:
    """(unit, year) → budget and outcome of ``line``; ``unit_ids`` None: every unit."""
    query = select(budget_lines.c.unit_id, budget_lines.c.year, budget_lines.c.budget, budget_lines.c.outcome).where(
        budget_lines.c.line == line, budget_lines.c.year.in_(years)
    )
    if unit_ids is not None:
        query = query.where(budget_lines.c.unit_id.in_(unit_ids))
    return {(row.unit_id, row.year): row for row in await session.execute(query)}


async def fulfilment_counts(
    session: AsyncSession, *, unit_ids: list[uuid.UUID] | None, years: list[int]
) -> dict[tuple[uuid.UUID, int], dict[str, int]]:
    """(unit, year) → commitments of the year (adopted at some point) by their VB follow-up's verdict."""
    period = func.concat(commitments.c.year, "-VB")
    query = (
        select(commitments.c.unit_id, commitments.c.year, follow_ups.c.assessment, func.count())
        .select_from(commitments.outerjoin(
            follow_ups, and_(follow_ups.c.commitment_id == commitments.c.id, follow_ups.c.period == period)
        ))
        .where(commitments.c.year.in_(years), commitments.c.status.in_(_ROLLED_UP))
        .group_by(commitments.c.unit_id, commitments.c.year, follow_ups.c.assessment)
    )
    if unit_ids is not None:
        query = query.where(commitments.c.unit_id.in_(unit_ids))
    found: dict[tuple[uuid.UUID, int], dict[str, int]] = {}
    for unit_id, year, assessment, count in await session.execute(query):
        found.setdefault((unit_id, year), {})[assessment or "not_reported"] = count
    return found


async def volume_values(session: AsyncSession, *, indicator_id: uuid.UUID, years: list[int]) -> dict[tuple[uuid.UUID, int], float]:
    """(unit, year) → the volume indicator's value in force (gender T) for YYYY-VB, else for the year YYYY."""
    periods = [f"{year}-VB" for year in years] + [str(year) for year in years]
    query = select(indicator_values.c.unit_id, indicator_values.c.period, indicator_values.c.value).where(
        indicator_values.c.indicator_id == indicator_id, indicator_values.c.current, indicator_values.c.gender == "T",
        indicator_values.c.period.in_(periods),
    )
    found: dict[tuple[uuid.UUID, int], float] = {}
    for unit_id, period, value in await session.execute(query):
        key = (unit_id, int(period[:4]))
        if period.endswith("-VB") or key not in found:
            found[key] = float(value)
    return found


async def get_indicator(session: AsyncSession, *, indicator_id: uuid.UUID) -> Row | None:
    return (await session.execute(select(indicators).where(indicators.c.id == indicator_id))).first()
