"""The outbox relay: publishes committed outbox rows to the service's Redis stream.

One relay per service is the leader (a session-level advisory lock, released by PostgreSQL if
the process dies); others wait as hot standbys. A single publisher keeps the stream close to
outbox order, but not strictly: a row's position is fixed at insert while transactions commit in
any order. Consumers do not rely on order (events carry full state with a revision).
The relay wakes on NOTIFY (sent at commit) and polls as a fallback; while events keep coming it
lingers a few milliseconds before each batch, so that a burst goes out in few batches. A crash
between XADD and marking the row published re-publishes it: delivery is at-least-once and
consumers deduplicate.
Rows are kept after publishing (pruned after the retention period) so ``replay`` can refill a
Redis that lost its data.
"""

import asyncio
import logging
from datetime import datetime

import asyncpg
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from servicekit.dburl import plain_url
from servicekit.events.envelope import ENVELOPE_FIELD, TYPE_FIELD
from servicekit.events.outbox import NOTIFY_CHANNEL

log = logging.getLogger("servicekit.relay")
# Advisory locks are per database, and each service has its own database.
RELAY_LOCK_KEY = 0x51_4D_52_45_4C_41_59  # "QMRELAY"

# The next unpublished rows, marked published in the same statement; the transaction commits only
# once Redis has them, so a failed XADD leaves them unpublished (one round trip instead of a
# SELECT ... FOR UPDATE and an UPDATE).
_CLAIM = """
    UPDATE outbox SET published_at = now() WHERE position IN (
        SELECT position FROM outbox WHERE published_at IS NULL ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED
    )
    RETURNING position, envelope::text AS envelope, envelope->>'type' AS type
"""


class OutboxRelay:
    def __init__(
        self, *, database_url: str, redis: aioredis.Redis, stream: str, batch_size: int = 500,
        poll_seconds: float = 1.0, linger_seconds: float = 0.0,
    ) -> None:
        self.dsn = plain_url(database_url)
        self.redis = redis
        self.stream = stream
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.linger_seconds = linger_seconds

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self._lead(stop)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, RedisError) as exc:
                log.warning("relay interrupted, retrying", extra={"error": repr(exc)})
                await _sleep_or_stop(stop, self.poll_seconds)

    async def _lead(self, stop: asyncio.Event) -> None:
        connection = await asyncpg.connect(self.dsn)
        try:
            while not await connection.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK_KEY):
                if await _sleep_or_stop(stop, self.poll_seconds):
                    return
            log.info("relay is the leader", extra={"stream": self.stream})
            wake = asyncio.Event()
            await connection.add_listener(NOTIFY_CHANNEL, lambda *_: wake.set())
            loop, last_batch = asyncio.get_running_loop(), float("-inf")
            while not stop.is_set():
                if loop.time() - last_batch < self.linger_seconds:
                    await asyncio.sleep(self.linger_seconds)  # busy: let the moment's commits join this batch
                wake.clear()
                published = await self.publish_batch(connection)
                if published:
                    last_batch = loop.time()
                if published < self.batch_size:
                    await _wait_any(stop, wake, self.poll_seconds)
        finally:
            await connection.close()

    async def publish_batch(self, connection: asyncpg.Connection) -> int:
        async with connection.transaction():
            rows = sorted(await connection.fetch(_CLAIM, self.batch_size), key=lambda row: row["position"])
            if not rows:
                return 0
            pipe = self.redis.pipeline(transaction=False)
            for row in rows:
                pipe.xadd(self.stream, {ENVELOPE_FIELD: row["envelope"], TYPE_FIELD: row["type"]})
            await pipe.execute()
        return len(rows)


async def drain(*, database_url: str, redis: aioredis.Redis, stream: str, timeout: float, poll_seconds: float = 0.2) -> None:
    """Return once every committed outbox row is on the stream (``python -m <svc> demo`` ends so).

    When no relay leads (no worker runs), this publishes the rows itself as the leader for the
    moment; otherwise it waits for the leader, so there is still one publisher at a time.
    """
    relay = OutboxRelay(database_url=database_url, redis=redis, stream=stream)
    connection = await asyncpg.connect(relay.dsn)
    deadline = asyncio.get_running_loop().time() + timeout
    try:
        while True:
            if await connection.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK_KEY):
                try:
                    while await relay.publish_batch(connection):
                        pass
                finally:
                    await connection.execute("SELECT pg_advisory_unlock($1)", RELAY_LOCK_KEY)
                return
            if not await connection.fetchval("SELECT EXISTS (SELECT FROM outbox WHERE published_at IS NULL)"):
                return
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"the relay leading {stream} did not publish the outbox within {timeout:.0f}s")
            await asyncio.sleep(poll_seconds)
    finally:
        await connection.close()


async def replay(*, database_url: str, redis: aioredis.Redis, stream: str, since: datetime, batch_size: int = 1000) -> int:
    """Re-publish every outbox row created at or after ``since``, in order."""
    connection = await asyncpg.connect(plain_url(database_url))
    count = 0
    try:
        last = 0
        while True:
            rows = await connection.fetch(
                "SELECT position, envelope::text AS envelope, envelope->>'type' AS type FROM outbox "
                "WHERE created_at >= $1 AND position > $2 ORDER BY position LIMIT $3",
                since, last, batch_size,
            )
            if not rows:
                return count
            pipe = redis.pipeline(transaction=False)
            for row in rows:
                pipe.xadd(stream, {ENVELOPE_FIELD: row["envelope"], TYPE_FIELD: row["type"]})
            await pipe.execute()
            count += len(rows)
            last = rows[-1]["position"]
    finally:
        await connection.close()


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return False
    return True


async def _wait_any(stop: asyncio.Event, wake: asyncio.Event, timeout: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
