"""SQL of budget figures: one row per unit and year, its lines beside it."""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, delete, func, insert, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from goals.models import budget_lines, budget_years

YEARS, LINES = budget_years, budget_lines
# Serialises budget imports, so two files with a new table for the same unit and year cannot both insert it.
BUDGET_IMPORT_LOCK_KEY = 0x51_4D_42_55_44_47  # "QMBUDG"


@dataclass
class StoredLine:
    budget: Decimal
    outcome: Decimal | None
    stated_deviation: Decimal | None


@dataclass
class StoredYear:
    unit_id: uuid.UUID
    year: int
    revision: int
    amount_unit: str
    lines: dict[str, StoredLine]


async def lock_imports(session: AsyncSession) -> None:
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": BUDGET_IMPORT_LOCK_KEY})


async def load_years(
    session: AsyncSession, *, keys: list[tuple[uuid.UUID, int]] | None = None, where: ColumnElement[bool] | None = None,
    lock: bool = False, order_and_limit: tuple[list, int] | None = None,
) -> list[StoredYear]:
    """Years by (unit, year) keys or by a WHERE clause, each with its lines; ``lock`` holds the rows FOR UPDATE."""
    query = select(YEARS)
    if keys is not None:
        query = query.where(tuple_(YEARS.c.unit_id, YEARS.c.year).in_(keys))
    if where is not None:
        query = query.where(where)
    if order_and_limit is not None:
        order, limit = order_and_limit
        query = query.order_by(*order).limit(limit)
    if lock:
        query = query.with_for_update()
    rows = list(await session.execute(query))
    years = {
        (row.unit_id, row.year): StoredYear(row.unit_id, row.year, row.revision, row.amount_unit, {}) for row in rows
    }
    if years:
        lines = await session.execute(select(LINES).where(tuple_(LINES.c.unit_id, LINES.c.year).in_(list(years))))
        for line in lines:
            years[(line.unit_id, line.year)].lines[line.line] = StoredLine(line.budget, line.outcome, line.stated_deviation)
    return [years[(row.unit_id, row.year)] for row in rows]


async def save_year(session: AsyncSession, *, year: StoredYear, recorded_by: str, new: bool) -> None:
    values = {"revision": year.revision, "amount_unit": year.amount_unit, "recorded_by": recorded_by}
    if new:
        await session.execute(insert(YEARS).values(unit_id=year.unit_id, year=year.year, **values))
    else:
        await session.execute(
            update(YEARS).where(YEARS.c.unit_id == year.unit_id, YEARS.c.year == year.year).values(**values, updated_at=func.now())
        )
        await session.execute(delete(LINES).where(LINES.c.unit_id == year.unit_id, LINES.c.year == year.year))
    await session.execute(
        insert(LINES),
        [
            {"unit_id": year.unit_id, "year": year.year, "line": name, "budget": line.budget, "outcome": line.outcome,
             "stated_deviation": line.stated_deviation}
            for name, line in year.lines.items()
        ],
    )
