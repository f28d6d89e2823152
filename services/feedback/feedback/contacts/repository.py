"""SQL of the encrypted contact table."""

import uuid
from datetime import datetime

from sqlalchemy import Row, and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.models import case_contacts, cases


# A case's contact row is inserted with the case (feedback.cases.repository.INSERT_CASE).


async def get_contact(session: AsyncSession, *, case_id: uuid.UUID) -> Row | None:
    return (await session.execute(select(case_contacts).where(case_contacts.c.case_id == case_id))).first()


async def expired_contacts(session: AsyncSession, *, closed_before: datetime, limit: int) -> list[uuid.UUID]:
    """Contacts of cases closed before the cutoff and not on legal hold, still sealed."""
    query = (
        select(case_contacts.c.case_id)
        .join(cases, cases.c.id == case_contacts.c.case_id)
        .where(
            case_contacts.c.ciphertext.is_not(None),
            cases.c.status.in_(("closed", "duplicate", "withdrawn")),
            cases.c.closed_at < closed_before,
            ~cases.c.legal_hold,
        )
        .limit(limit)
        .with_for_update(of=case_contacts, skip_locked=True)
    )
    return list(await session.scalars(query))


async def erase(session: AsyncSession, *, case_ids: list[uuid.UUID], at: datetime) -> int:
    result = await session.execute(
        update(case_contacts).where(case_contacts.c.case_id.in_(case_ids)).values(ciphertext=None, key_id=None, erased_at=at)
    )
    return result.rowcount or 0


async def sealed_under_other_keys(session: AsyncSession, *, current_key_id: str, limit: int) -> list[Row]:
    query = (
        select(case_contacts.c.case_id, case_contacts.c.ciphertext)
        .where(and_(case_contacts.c.ciphertext.is_not(None), case_contacts.c.key_id != current_key_id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(await session.execute(query))


async def reseal(session: AsyncSession, *, case_id: uuid.UUID, ciphertext: bytes, key_id: str) -> None:
    await session.execute(
        update(case_contacts).where(case_contacts.c.case_id == case_id).values(ciphertext=ciphertext, key_id=key_id)
    )
