"""Appending to the audit log, verifying it, and publishing its head.

Every change in the service calls ``append`` in the request's transaction, so the entry commits
or rolls back with the change. A refused attempt is appended by ``record_refusal`` in a
transaction of its own, after the request's has rolled back (see ``audit.auditlog.route``).
"""

import uuid
from datetime import UTC, datetime
from typing import Any

from contracts.audit import LOG_HEAD, SCHEMA_VERSION, AuditLogHead
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.events.outbox import EventPublisher

from audit.auditlog import repository
from audit.auditlog.chain import GENESIS, AnchoredHead, Tampering, entry_hash, verify_chain

events = EventPublisher("audit")


def _state(value: BaseModel | dict | None) -> dict | None:
    if value is None or isinstance(value, dict):
        return value
    return value.model_dump(mode="json")


async def append(
    session: AsyncSession,
    principal: Principal,
    *,
    action: str,
    entity_type: str | None,
    entity_id: Any,
    committee_id: uuid.UUID | None,
    before: BaseModel | dict | None,
    after: BaseModel | dict | None,
    outcome: str = "done",
) -> dict[str, Any]:
    """Append one entry chained to the current head (who, what, when, before, after)."""
    await repository.lock_head(session)
    last = await repository.head(session)
    entry = {
        "sequence": (last.sequence if last else 0) + 1,
        "id": uuid.uuid4(),
        "recorded_at": datetime.now(UTC),
        "actor_subject": principal.subject,
        "actor_kind": principal.actor_kind,
        "action": action,
        "entity_type": entity_type,
        "entity_id": None if entity_id is None else str(entity_id),
        "committee_id": committee_id,
        "outcome": outcome,
        "before": _state(before),
        "after": _state(after),
        "prev_hash": last.hash if last else GENESIS,
    }
    entry["hash"] = entry_hash(entry)
    await repository.insert_entry(session, entry)
    return entry


async def verify(session: AsyncSession, *, anchored: list[AnchoredHead]) -> tuple[int, Any, Tampering | None]:
    """(entries checked, head row, first tampering or None)."""
    entries = await repository.all_entries(session)
    return len(entries), await repository.head(session), verify_chain(entries, anchored)


async def publish_head(session: AsyncSession, *, now: datetime) -> AuditLogHead | None:
    """Publish ``audit.log.head`` when the head moved since the last publication; the head or None."""
    await repository.lock_head(session)
    last = await repository.head(session)
    if last is None or last.sequence <= await repository.last_published_sequence(session):
        return None
    head = AuditLogHead(sequence=last.sequence, hash=last.hash, recorded_at=last.recorded_at, published_at=now)
    await repository.record_published(session, sequence=last.sequence, hash=last.hash, published_at=now)
    await events.record(session, type=LOG_HEAD, subject=str(last.sequence), schema_version=SCHEMA_VERSION, data=head)
    return head
