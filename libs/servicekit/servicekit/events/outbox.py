"""Writing events: a row in ``outbox`` in the caller's transaction, nothing else.

A statement-level trigger on ``outbox`` (``servicekit.migrations.create_platform_tables``) sends
``NOTIFY qm_outbox``. NOTIFY is transactional in PostgreSQL: it is delivered only if the
transaction commits, so the relay wakes promptly after commit and never for a rolled-back change,
and it costs the writer no extra round trip.
"""

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.events.envelope import Envelope
from servicekit.tables import OutboxEvent

NOTIFY_CHANNEL = "qm_outbox"


class EventPublisher:
    """Records events for one producing service (``source``)."""

    def __init__(self, source: str) -> None:
        self.source = source

    def envelope(self, *, type: str, subject: str, data: BaseModel, schema_version: int = 1) -> Envelope:
        """The envelope ``record`` writes, for a caller that inserts its ``outbox`` row in a
        statement of its own (one that writes the change and its event in one round trip)."""
        return Envelope(
            source=f"/{self.source}", type=type, subject=subject,
            schemaversion=schema_version, data=data.model_dump(mode="json"),
        )

    async def record(
        self, session: AsyncSession, *, type: str, subject: str, data: BaseModel, schema_version: int = 1
    ) -> Envelope:
        envelope = self.envelope(type=type, subject=subject, data=data, schema_version=schema_version)
        session.add(
            OutboxEvent(
                event_id=envelope.id, type=type, subject=subject, envelope=envelope.model_dump(mode="json"),
            )
        )
        return envelope
