"""Contact details: sealed on intake, opened only for those allowed, erased after retention."""

import uuid
from datetime import datetime, timedelta

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.contacts import repository
from feedback.contacts.crypto import ContactCipher
from feedback.contacts.schemas import ContactDetails, ContactView

BATCH = 500


def seal(cipher: ContactCipher, details: ContactDetails) -> bytes:
    """The sealed details, stored with ``cipher.current_key_id`` (by the intake's insert)."""
    return cipher.seal(orjson.dumps(details.model_dump(exclude_none=True)))


async def read(session: AsyncSession, *, cipher: ContactCipher, case_id: uuid.UUID) -> ContactView | None:
    row = await repository.get_contact(session, case_id=case_id)
    if row is None:
        return None
    if row.ciphertext is None:
        return ContactView(erased=True)
    return ContactView.model_validate(orjson.loads(cipher.open(row.ciphertext)))


async def erase_expired(session: AsyncSession, *, now: datetime, retention_days: int) -> int:
    """Gallring: erase the contact details of cases closed more than the retention period ago."""
    case_ids = await repository.expired_contacts(session, closed_before=now - timedelta(days=retention_days), limit=BATCH)
    return await repository.erase(session, case_ids=case_ids, at=now) if case_ids else 0


async def reseal_old_keys(session: AsyncSession, *, cipher: ContactCipher) -> int:
    """After a key rotation, re-seal (a batch of) rows still under an older key with the newest."""
    rows = await repository.sealed_under_other_keys(session, current_key_id=cipher.current_key_id, limit=BATCH)
    for row in rows:
        await repository.reseal(session, case_id=row.case_id, ciphertext=cipher.reseal(row.ciphertext), key_id=cipher.current_key_id)
    return len(rows)
