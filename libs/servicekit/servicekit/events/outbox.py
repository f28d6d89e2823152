"""Writing events: a row in ``outbox`` in the caller's transaction, nothing else.

A statement-level trigger on ``outbox`` (``servicekit.migrations.create_platform_tables``) sends
``NOTIFY qm_outbox``. NOTIFY is transactional in PostgreSQL: it is delivered only if the
transaction commits, so the relay wakes promptly after commit and never for a rolled-back change,
and it costs the writer no extra round trip.
"""

import orjson
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.events.envelope import Envelope
from servicekit.tables import OutboxEvent

NOTIFY_CHANNEL = "qm_outbox"

# Many events in one statement whatever their number (rows in the order given, so positions too).
_INSERT_MANY = text(
    "INSERT INTO outbox (event_id, type, subject, envelope) "
    "SELECT event_id, type, subject, CAST(envelope AS jsonb) FROM unnest("
    "CAST(:event_ids AS uuid[]), CAST(:types AS text[]), CAST(:subjects AS text[]), CAST(:envelopes AS text[])"
    ") AS e(event_id, type, subject, envelope)"
)


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

    async def record_many(
        self, session: AsyncSession, events: list[tuple[str, str, BaseModel]], *, schema_version: int = 1
    ) -> list[Envelope]:
        """``record`` for many events, (type, subject, data) each, in one statement: for a producer
        that publishes dozens at once, where an ORM row each would cost more than the rest."""
        envelopes = [self.envelope(type=type, subject=subject, data=data, schema_version=schema_version)
                     for type, subject, data in events]
        if envelopes:
            await session.execute(_INSERT_MANY, {
                "event_ids": [envelope.id for envelope in envelopes], "types": [envelope.type for envelope in envelopes],
                "subjects": [envelope.subject for envelope in envelopes],
                "envelopes": [orjson.dumps(envelope.model_dump(mode="json")).decode() for envelope in envelopes],
            })
        return envelopes
