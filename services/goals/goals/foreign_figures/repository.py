"""SQL of the foreign read models: upserts where the highest revision wins, and the reads."""

import functools
import uuid
from collections.abc import Iterable

from sqlalchemy import Select, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import ColumnElement

from goals.access import units_below
from goals.models import foreign_award_rounds, foreign_good_examples, foreign_lex_sarah_summaries, foreign_unit_statistics

STATISTICS, SUMMARIES, ROUNDS, EXAMPLES = (
    foreign_unit_statistics, foreign_lex_sarah_summaries, foreign_award_rounds, foreign_good_examples,
)


async def upsert_newer(session: AsyncSession, table, *, key: Iterable[str], values: dict) -> bool:
    """Insert the row, or replace the stored one when ``values`` carries a higher revision.

    An equal or lower revision (a redelivery, a replay, an event overtaken by a newer one) changes
    nothing. Returns whether the row was written. Concurrent consumers serialise on the key's row.
    """
    statement = insert(table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=list(key),
        set_={name: statement.excluded[name] for name in values if name not in key} | {"received_at": statement.excluded.received_at},
        where=table.c.revision < statement.excluded.revision,
    ).returning(table.c.revision)
    return (await session.scalar(statement)) is not None


async def upsert_newer_many(session: AsyncSession, table, *, key: Iterable[str], rows: list[dict]) -> None:
    """``upsert_newer`` for many rows in one round trip; of rows with the same key the highest revision goes in."""
    key = tuple(key)
    newest: dict = {}
    for row in rows:
        found = newest.get(tuple(row[name] for name in key))
        if found is None or found["revision"] < row["revision"]:
            newest[tuple(row[name] for name in key)] = row
    if newest:
        names = tuple(next(iter(newest.values())))
        await session.execute(_upsert_statement(table, key, names), list(newest.values()))


@functools.cache
def _upsert_statement(table, key: tuple[str, ...], names: tuple[str, ...]):
    """The upsert for a list of rows (executemany): built and compiled once, whatever the batch's size."""
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(key),
        set_={name: statement.excluded[name] for name in names if name not in key} | {"received_at": statement.excluded.received_at},
        where=table.c.revision < statement.excluded.revision,
    )


def _under(committee_id: uuid.UUID, unit_column: ColumnElement, committee_column: ColumnElement) -> ColumnElement[bool]:
    """A unit under the committee: in goals' tree at any time, or so named by the producer's payload."""
    return or_(unit_column.in_(units_below([committee_id])), committee_column == committee_id)


async def unit_statistics(session: AsyncSession, *, unit_id: uuid.UUID, period: str) -> dict | None:
    return await session.scalar(
        select(STATISTICS.c.statistics).where(STATISTICS.c.unit_id == unit_id, STATISTICS.c.period == period)
    )


async def unit_statistics_of_year(session: AsyncSession, *, unit_id: uuid.UUID, year: int) -> list[dict]:
    query = (
        select(STATISTICS.c.statistics)
        .where(STATISTICS.c.unit_id == unit_id, STATISTICS.c.period.like(f"{year:04d}-%"))
        .order_by(STATISTICS.c.period)
    )
    return list((await session.scalars(query)).all())


async def statistics_below(session: AsyncSession, *, committee_id: uuid.UUID, period: str) -> list[dict]:
    """Every unit's statistics for the period under the committee, the committee's own excluded."""
    query = select(STATISTICS.c.statistics).where(
        STATISTICS.c.period == period,
        STATISTICS.c.unit_id != committee_id,
        _under(committee_id, STATISTICS.c.unit_id, STATISTICS.c.committee_id),
    )
    return list((await session.scalars(query)).all())


async def lex_sarah_summary(session: AsyncSession, *, committee_id: uuid.UUID, year: int) -> dict | None:
    return await session.scalar(
        select(SUMMARIES.c.summary).where(SUMMARIES.c.committee_id == committee_id, SUMMARIES.c.year == year)
    )


async def decisions_of_year(session: AsyncSession, *, year: int | None) -> list[dict]:
    """The rounds' decisions (RoundDecided payloads) of a year, or of every year, oldest round first."""
    query: Select = select(ROUNDS.c.decision).order_by(ROUNDS.c.year, ROUNDS.c.round_id)
    if year is not None:
        query = query.where(ROUNDS.c.year == year)
    return list((await session.scalars(query)).all())


async def units_under(session: AsyncSession, *, committee_id: uuid.UUID) -> set[uuid.UUID]:
    """The committee and every unit that sat below it at any time, in goals' tree."""
    return set((await session.scalars(units_below([committee_id]))).all())


async def good_examples(session: AsyncSession, *, committee_id: uuid.UUID, up_to_year: int | None = None) -> list[dict]:
    """Published, not withdrawn examples of units under the committee, newest first."""
    query = (
        select(EXAMPLES.c.example)
        .where(EXAMPLES.c.withdrawn.is_(False), _under(committee_id, EXAMPLES.c.unit_id, EXAMPLES.c.committee_id))
        .order_by(EXAMPLES.c.published_at.desc(), EXAMPLES.c.example_id)
    )
    if up_to_year is not None:
        query = query.where(EXAMPLES.c.year <= up_to_year)
    return list((await session.scalars(query)).all())
