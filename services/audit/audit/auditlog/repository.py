"""SQL of the audit log: appending under one lock, reading the chain, the published heads."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from audit.models import audit_log, published_log_heads

# One writer at a time: the chain has a single head, so appends are serialised per database.
APPEND_LOCK_KEY = 0x51_4D_41_55_44_4C  # "QMAUDL"


async def lock_head(session: AsyncSession) -> None:
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK_KEY})


async def head(session: AsyncSession):
    """The newest entry (sequence, hash, recorded_at), or None for an empty log."""
    return (
        await session.execute(
            select(audit_log.c.sequence, audit_log.c.hash, audit_log.c.recorded_at)
            .order_by(audit_log.c.sequence.desc()).limit(1)
        )
    ).first()


async def insert_entry(session: AsyncSession, entry: dict[str, Any]) -> None:
    await session.execute(insert(audit_log).values(**entry))


async def all_entries(session: AsyncSession) -> list[dict[str, Any]]:
    rows = await session.execute(select(audit_log).order_by(audit_log.c.sequence))
    return [dict(row._mapping) for row in rows]


async def list_entries(
    session: AsyncSession, *, committee_ids: set[uuid.UUID] | None, entity_id: str | None, after: int | None, limit: int
) -> list[dict[str, Any]]:
    query = select(audit_log).order_by(audit_log.c.sequence).limit(limit)
    if committee_ids is not None:
        # Refused attempts that never reached a record have no committee; every auditor sees those.
        query = query.where(audit_log.c.committee_id.in_(committee_ids) | audit_log.c.committee_id.is_(None))
    if entity_id is not None:
        query = query.where(audit_log.c.entity_id == entity_id)
    if after is not None:
        query = query.where(audit_log.c.sequence > after)
    return [dict(row._mapping) for row in await session.execute(query)]


async def last_published_sequence(session: AsyncSession) -> int:
    return await session.scalar(select(func.coalesce(func.max(published_log_heads.c.sequence), 0)))


async def record_published(session: AsyncSession, *, sequence: int, hash: str, published_at: datetime) -> None:
    await session.execute(insert(published_log_heads).values(sequence=sequence, hash=hash, published_at=published_at))
