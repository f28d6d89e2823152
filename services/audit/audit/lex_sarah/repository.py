"""SQL of lex Sarah: cases, their investigation record, sealed reporters, routines, legal references."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree import in_effect

from audit.lex_sarah.tables import cases, legal_references, record_entries, reporters, routines, summary_publications
from audit.models import org_tables


async def get(session: AsyncSession, case_id: uuid.UUID, *, lock: bool = False):
    query = select(cases).where(cases.c.id == case_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).first()


async def insert_case(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(cases).values(**values))


async def update_case(session: AsyncSession, case_id: uuid.UUID, values: dict[str, Any]) -> None:
    await session.execute(update(cases).where(cases.c.id == case_id).values(**values))


async def list_cases(
    session: AsyncSession, *, committees: set[uuid.UUID], status: str | None, year: int | None,
    after: tuple[date, str] | None, limit: int,
) -> list:
    query = select(cases).where(cases.c.committee_id.in_(committees)).order_by(cases.c.reported_on, cases.c.id).limit(limit + 1)
    if status is not None:
        query = query.where(cases.c.status == status)
    if year is not None:
        query = query.where(cases.c.reported_on >= date(year, 1, 1), cases.c.reported_on < date(year + 1, 1, 1))
    if after is not None:
        query = query.where(
            (cases.c.reported_on > after[0]) | ((cases.c.reported_on == after[0]) & (cases.c.id > uuid.UUID(after[1])))
        )
    return list(await session.execute(query))


async def cases_of_year(session: AsyncSession, *, committee_id: uuid.UUID, year: int) -> list:
    query = select(cases).where(
        cases.c.committee_id == committee_id, cases.c.reported_on >= date(year, 1, 1), cases.c.reported_on < date(year + 1, 1, 1),
    )
    return list(await session.execute(query))


async def entries_of(session: AsyncSession, case_id: uuid.UUID) -> list:
    query = select(record_entries).where(record_entries.c.case_id == case_id).order_by(record_entries.c.created_at, record_entries.c.id)
    return list(await session.execute(query))


async def insert_entry(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(record_entries).values(**values))


async def insert_reporter(session: AsyncSession, *, case_id: uuid.UUID, sealed: bytes, key_id: str) -> None:
    await session.execute(insert(reporters).values(case_id=case_id, sealed=sealed, key_id=key_id))


async def reporter_of(session: AsyncSession, case_id: uuid.UUID):
    return (await session.execute(select(reporters).where(reporters.c.case_id == case_id))).first()


async def routine_of(session: AsyncSession, committee_id: uuid.UUID, *, lock: bool = False):
    query = select(routines).where(routines.c.committee_id == committee_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).first()


async def save_routine(session: AsyncSession, *, committee_id: uuid.UUID, days: dict, revision: int) -> None:
    if revision == 1:
        await session.execute(insert(routines).values(committee_id=committee_id, days=days, revision=revision))
    else:
        await session.execute(update(routines).where(routines.c.committee_id == committee_id).values(days=days, revision=revision))


async def references_in_force(session: AsyncSession, on: date) -> list:
    query = select(legal_references).where(
        legal_references.c.valid_from <= on, or_(legal_references.c.valid_to.is_(None), legal_references.c.valid_to > on),
    ).order_by(legal_references.c.topic, legal_references.c.valid_from)
    return list(await session.execute(query))


async def references(session: AsyncSession, ids: list[uuid.UUID]) -> list:
    query = select(legal_references).where(legal_references.c.id.in_(ids)).order_by(legal_references.c.topic)
    return list(await session.execute(query))


async def close_reference(session: AsyncSession, *, topic: str, on: date) -> list[uuid.UUID]:
    """End the topic's version in force on ``on`` (and any starting later) the day before ``on``."""
    rows = await session.execute(
        update(legal_references).where(
            legal_references.c.topic == topic, or_(legal_references.c.valid_to.is_(None), legal_references.c.valid_to > on),
        ).values(valid_to=func.greatest(legal_references.c.valid_from, on)).returning(legal_references.c.id)
    )
    return [row.id for row in rows]


async def insert_reference(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(legal_references).values(**values))


async def all_references(session: AsyncSession) -> list:
    return list(await session.execute(select(legal_references).order_by(legal_references.c.topic, legal_references.c.valid_from)))


async def unit_type(session: AsyncSession, *, unit_id: uuid.UUID, on: date) -> str | None:
    versions = org_tables.versions
    return await session.scalar(select(versions.c.type).where(versions.c.unit_id == unit_id, in_effect(versions, on)))


async def last_publication(session: AsyncSession, *, committee_id: uuid.UUID, year: int) -> int:
    return await session.scalar(
        select(func.coalesce(func.max(summary_publications.c.revision), 0)).where(
            summary_publications.c.committee_id == committee_id, summary_publications.c.year == year,
        )
    )


async def insert_publication(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(summary_publications).values(**values))
