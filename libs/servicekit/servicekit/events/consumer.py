"""Idempotent consumers on Redis Streams consumer groups.

For each message, the event id is recorded in ``processed_events`` in the same transaction as the
handler's effects (a batch shares one transaction; the events of a handler with a ``batch`` form
go together in one statement; a batch that fails is applied again with each event in its own
savepoint); only after commit are the messages acknowledged. A redelivered or replayed
event finds its id already recorded and changes nothing. A handler that fails leaves the message
pending; it is retried when XAUTOCLAIM reclaims it (which also rescues messages of crashed
consumers) and after ``max_deliveries`` it moves to the dead-letter stream. A message that cannot
even be parsed goes there at once, since no retry can help it. An event of a type the consumer has
no handler for is acknowledged without a transaction: it has no effect to record.
"""

import asyncio
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable

import redis.asyncio as aioredis
from pydantic import ValidationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from servicekit.events.envelope import ENVELOPE_FIELD, TYPE_FIELD, Envelope
from servicekit.tables import ProcessedEvent

log = logging.getLogger("servicekit.consumer")

# One statement whatever the batch's size (a VALUES list per size would be compiled and prepared anew).
_RECORD_MANY = text(
    "INSERT INTO processed_events (event_id, type) SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:types AS text[])) "
    "ON CONFLICT DO NOTHING RETURNING event_id"
)

Handler = Callable[[AsyncSession, Envelope], Awaitable[None]]


class EventConsumer:
    def __init__(
        self,
        *,
        group: str,
        redis: aioredis.Redis,
        sessions: async_sessionmaker[AsyncSession],
        streams: list[str],
        handlers: dict[str, Handler],
        dead_letter_stream: str,
        batch_size: int = 100,
        block_ms: int = 1000,
        claim_idle_ms: int = 30_000,
        max_deliveries: int = 5,
        consumer_name: str | None = None,
    ) -> None:
        self.group = group
        self.redis = redis
        self.sessions = sessions
        self.streams = streams
        self.handlers = handlers
        self.dead_letter_stream = dead_letter_stream
        self.batch_size = batch_size
        self.block_ms = block_ms
        self.claim_idle_ms = claim_idle_ms
        self.max_deliveries = max_deliveries
        self.name = consumer_name or f"{socket.gethostname()}-{os.getpid()}"

    async def ensure_groups(self) -> None:
        for stream in self.streams:
            try:
                # From the stream's beginning: a new or rebuilt read model needs every event.
                await self.redis.xgroup_create(stream, self.group, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    async def run(self, stop: asyncio.Event) -> None:
        groups_ready = False
        last_claim = 0.0
        while not stop.is_set():
            try:
                if not groups_ready:
                    await self.ensure_groups()
                    groups_ready = True
                if time.monotonic() - last_claim >= self.claim_idle_ms / 2000:
                    await self.claim_stalled()
                    last_claim = time.monotonic()
                await self.read_new()
            except ResponseError as exc:
                # NOGROUP: Redis lost the stream or the group (e.g. restarted without data);
                # UNBLOCKED: the stream was deleted under a blocked read (Redis 7). Recreate.
                if not str(exc).startswith(("NOGROUP", "UNBLOCKED")):
                    raise
                log.warning("consumer group missing, recreating", extra={"group": self.group})
                groups_ready = False
            except (RedisConnectionError, RedisTimeoutError, OSError, OperationalError, DBAPIError) as exc:
                log.warning("consumer interrupted, retrying", extra={"error": repr(exc)})
                groups_ready = False
                await asyncio.sleep(0.5)

    async def read_new(self) -> None:
        response = await self.redis.xreadgroup(
            self.group, self.name, {stream: ">" for stream in self.streams},
            count=self.batch_size, block=self.block_ms,
        )
        for stream, messages in response or []:
            await self.handle_batch(_text(stream), messages)

    async def claim_stalled(self) -> None:
        for stream in self.streams:
            start = "0-0"
            while True:
                reply = await self.redis.xautoclaim(
                    stream, self.group, self.name, min_idle_time=self.claim_idle_ms,
                    start_id=start, count=self.batch_size,
                )
                # Redis 7 adds a third element (deleted ids); 6.2 has two. Use only the first two.
                next_start, messages = reply[0], reply[1]
                await self.handle_batch(stream, messages)
                if _text(next_start) == "0-0":
                    break
                start = next_start

    async def handle_batch(self, stream: str, messages: list) -> None:
        """Apply a batch in one transaction, then acknowledge.

        One commit per batch instead of per event: a durable commit costs milliseconds, so this is
        what makes a consumer keep up. The batch is first applied as a whole, without savepoints
        (each one a round trip); if a handler fails, that transaction is rolled back and the batch
        applied again with each event in its own savepoint, so that only the bad event fails.
        """
        parsed, passed_over = [], []
        for message_id, fields in messages:
            if fields is None:  # deleted from the stream while pending (Redis 6.2's XAUTOCLAIM)
                passed_over.append(message_id)
                continue
            kind = fields.get(TYPE_FIELD)
            if kind is not None and _text(kind) not in self.handlers:
                # Nothing here handles it: no effect to record, so not even parsed (a stream carries
                # every event of its service, most of them of no interest to a given consumer).
                passed_over.append(message_id)
                continue
            envelope = _parse(fields)
            if envelope is None:
                await self.dead_letter(stream, message_id, fields, "the message is not a valid event envelope")
                continue
            if envelope.type not in self.handlers:
                passed_over.append(message_id)
                continue
            parsed.append((message_id, fields, envelope))
        if passed_over:
            await self.redis.xack(stream, self.group, *passed_over)
        if not parsed:
            return
        failures = []
        try:
            async with self.sessions() as session, session.begin():
                await self._apply_together(session, [envelope for _, _, envelope in parsed])
        except _TogetherFailed as failed:
            log.warning("a batch failed, applying its events one by one", extra={"error": repr(failed.cause)})
            failures = await self._apply_one_by_one(parsed, known=failed)
        failed = {message_id for message_id, _, _ in failures}
        applied = [message_id for message_id, _, _ in parsed if message_id not in failed]
        if applied:
            await self.redis.xack(stream, self.group, *applied)
        for message_id, fields, exc in failures:
            # Left pending, it is retried when XAUTOCLAIM reclaims it, until the cap.
            if await self.deliveries(stream, message_id) >= self.max_deliveries:
                await self.dead_letter(stream, message_id, fields, f"{type(exc).__name__}: {exc}"[:500])

    async def _apply_together(self, session: AsyncSession, envelopes: list[Envelope]) -> None:
        """Every event in the caller's transaction. Those whose handler has a ``batch`` form
        (``handler.batch(session, envelopes)``, the same effects for many events in one statement)
        go together, per handler: their ids recorded in one insert, the new ones handed over at
        once; the others one after another."""
        groups: dict = {}
        for envelope in envelopes:
            batch = getattr(self.handlers[envelope.type], "batch", None)
            if batch is not None:
                groups.setdefault(batch, []).append(envelope)
                continue
            try:
                await self._apply_in(session, envelope)
            except Exception as exc:
                if _is_infrastructure_failure(exc):
                    raise  # not the messages' fault: run() backs off and the batch stays pending
                raise _TogetherFailed(exc, envelope.id) from exc
        for batch, group in groups.items():
            unique = list({envelope.id: envelope for envelope in group}.values())
            try:
                recorded = set(await session.scalars(_RECORD_MANY, {
                    "ids": [envelope.id for envelope in unique], "types": [envelope.type for envelope in unique],
                }))
                fresh = [envelope for envelope in unique if envelope.id in recorded]
                if fresh:
                    await batch(session, fresh)
            except Exception as exc:
                if _is_infrastructure_failure(exc):
                    raise
                raise _TogetherFailed(exc, unique[0].id if len(unique) == 1 else None) from exc

    async def _apply_one_by_one(self, parsed: list, known: "_TogetherFailed") -> list:
        """The batch in one transaction, each event in its own savepoint; returns the failures. The
        event known to have failed already (``known.event_id``) is not tried a second time."""
        failures = []
        async with self.sessions() as session, session.begin():
            for message_id, fields, envelope in parsed:
                if envelope.id == known.event_id:
                    log.error("handler failed", exc_info=known.cause,
                              extra={"event_id": str(envelope.id), "event_type": envelope.type})
                    failures.append((message_id, fields, known.cause))
                    continue
                try:
                    async with session.begin_nested():
                        await self._apply_in(session, envelope)
                except Exception as exc:
                    if _is_infrastructure_failure(exc):
                        raise
                    log.exception("handler failed", extra={"event_id": str(envelope.id), "event_type": envelope.type})
                    failures.append((message_id, fields, exc))
        return failures

    async def apply(self, envelope: Envelope) -> bool:
        """Apply one event exactly once in its own transaction; False when it had been applied before."""
        async with self.sessions() as session, session.begin():
            return await self._apply_in(session, envelope)

    async def _apply_in(self, session: AsyncSession, envelope: Envelope) -> bool:
        first_time = await session.scalar(
            insert(ProcessedEvent)
            .values(event_id=envelope.id, type=envelope.type)
            .on_conflict_do_nothing()
            .returning(ProcessedEvent.event_id)
        )
        if first_time is None:
            return False
        handler = self.handlers.get(envelope.type)
        if handler is not None:
            await handler(session, envelope)
        return True

    async def deliveries(self, stream: str, message_id) -> int:
        pending = await self.redis.xpending_range(stream, self.group, min=message_id, max=message_id, count=1)
        return pending[0]["times_delivered"] if pending else 1

    async def dead_letter(self, stream: str, message_id, fields: dict, reason: str) -> None:
        entry = dict(fields)
        entry.update({b"original_stream": stream, b"original_id": message_id, b"consumer_group": self.group, b"reason": reason})
        await self.redis.xadd(self.dead_letter_stream, entry)
        await self.redis.xack(stream, self.group, message_id)
        log.error("message dead-lettered", extra={"stream": stream, "message_id": _text(message_id), "reason": reason})


class _TogetherFailed(Exception):
    """A handler failed while the batch was applied as a whole (``event_id``: the event whose handler
    it was, when that is one event; None for a batch form's group of several)."""

    def __init__(self, cause: Exception, event_id) -> None:
        super().__init__(repr(cause))
        self.cause, self.event_id = cause, event_id


def _parse(fields: dict) -> Envelope | None:
    raw = fields.get(ENVELOPE_FIELD)
    if raw is None:
        return None
    try:
        return Envelope.from_json(raw)
    except ValidationError:
        return None


def _is_infrastructure_failure(exc: Exception) -> bool:
    """PostgreSQL or Redis unreachable: retrying later helps, dead-lettering would lose good events."""
    if isinstance(exc, (RedisConnectionError, RedisTimeoutError, OSError, OperationalError, InterfaceError)):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value
