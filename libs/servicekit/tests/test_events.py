"""Outbox relay and idempotent consumers against real PostgreSQL and Redis."""

import asyncio
import secrets
from datetime import UTC, datetime, timedelta

import asyncpg

import pytest
from sample_service import Note, NoteCreated
from sqlalchemy import delete, func, select

from servicekit.db import create_engine, sessionmaker
from servicekit.dburl import plain_url
from servicekit.events.consumer import EventConsumer
from servicekit.events.envelope import ENVELOPE_FIELD, TYPE_FIELD, Envelope
from servicekit.events.outbox import EventPublisher
from servicekit.events.relay import RELAY_LOCK_KEY, OutboxRelay, drain, replay
from servicekit.tables import OutboxEvent, ProcessedEvent
from servicekit.worker import housekeep

publisher = EventPublisher("sample")


@pytest.fixture
async def sessions(sample_db):
    engine = create_engine(sample_db, pool_size=4)
    factory = sessionmaker(engine)
    async with factory() as session, session.begin():
        # Committed rows from earlier tests would otherwise be relayed here too.
        await session.execute(delete(OutboxEvent))
        await session.execute(delete(Note))
    yield factory
    await engine.dispose()


async def stream_events(redis, stream) -> list[Envelope]:
    return [Envelope.from_json(fields[ENVELOPE_FIELD]) for _, fields in await redis.xrange(stream)]


async def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def test_relay_publishes_committed_events_and_none_from_rollbacks(sessions, sample_db, redis_client):
    stream = f"test:{secrets.token_hex(4)}.events"
    async with sessions() as session, session.begin():
        await publisher.record(session, type="sample.note.created", subject="1", data=NoteCreated(id=1, title="kept"))
    async with sessions() as session:
        async with session.begin():
            await publisher.record(session, type="sample.note.created", subject="2", data=NoteCreated(id=2, title="lost"))
            await session.rollback()
    # A poll interval far beyond the wait below: only the commit's NOTIFY can wake the relay in time.
    relay = OutboxRelay(database_url=sample_db, redis=redis_client, stream=stream, poll_seconds=60)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        await wait_for(lambda: _stream_len(redis_client, stream, 1))
        # A commit after the relay is idle is published promptly (NOTIFY), in order.
        async with sessions() as session, session.begin():
            await publisher.record(session, type="sample.note.created", subject="3", data=NoteCreated(id=3, title="later"))
        await wait_for(lambda: _stream_len(redis_client, stream, 2), timeout=5)
    finally:
        stop.set()
        await task
    titles = [event.data["title"] for event in await stream_events(redis_client, stream)]
    assert titles == ["kept", "later"]
    async with sessions() as session:
        unpublished = await session.scalar(select(func.count()).where(OutboxEvent.published_at.is_(None)))
    assert unpublished == 0


async def test_drain_waits_for_the_leading_relay_and_publishes_itself_when_none_leads(sessions, sample_db, redis_client):
    stream = f"test:{secrets.token_hex(4)}.events"
    async with sessions() as session, session.begin():
        await publisher.record(session, type="sample.note.created", subject="1", data=NoteCreated(id=1, title="first"))
    # A worker's relay leads (holds the lock) but has not published yet: drain must not publish.
    leader = await asyncpg.connect(plain_url(sample_db))
    try:
        assert await leader.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK_KEY)
        draining = asyncio.create_task(drain(database_url=sample_db, redis=redis_client, stream=stream, timeout=30))
        await asyncio.sleep(0.5)  # drain polls meanwhile; nothing may appear on the stream, nor may it return
        assert not draining.done() and await redis_client.xlen(stream) == 0
        await OutboxRelay(database_url=sample_db, redis=redis_client, stream=stream).publish_batch(leader)
        await asyncio.wait_for(draining, timeout=10)
    finally:
        await leader.close()  # the lock goes with the session
    assert await redis_client.xlen(stream) == 1

    # No relay leads: drain publishes what is left itself, each row once.
    async with sessions() as session, session.begin():
        await publisher.record(session, type="sample.note.created", subject="2", data=NoteCreated(id=2, title="second"))
    await drain(database_url=sample_db, redis=redis_client, stream=stream, timeout=30)
    assert [event.data["title"] for event in await stream_events(redis_client, stream)] == ["first", "second"]


async def test_many_events_recorded_in_one_statement_are_published_in_their_order(sessions, sample_db, redis_client):
    stream = f"test:{secrets.token_hex(4)}.events"
    async with sessions() as session, session.begin():
        recorded = await publisher.record_many(session, [
            ("sample.note.created", str(i), NoteCreated(id=i, title=f"n{i}")) for i in (3, 1, 2)])
    await drain(database_url=sample_db, redis=redis_client, stream=stream, timeout=30)
    published = await stream_events(redis_client, stream)
    assert [event.id for event in published] == [envelope.id for envelope in recorded]
    assert [(event.subject, event.data["title"], event.source) for event in published] == [
        ("3", "n3", "/sample"), ("1", "n1", "/sample"), ("2", "n2", "/sample")]


async def test_replay_republishes_from_a_point_in_time(sessions, sample_db, redis_client):
    stream = f"test:{secrets.token_hex(4)}.events"
    async with sessions() as session, session.begin():
        for i in range(5):
            await publisher.record(session, type="sample.note.created", subject=str(i), data=NoteCreated(id=i, title=f"n{i}"))
    async with sessions() as session:
        since = await session.scalar(select(func.min(OutboxEvent.created_at)))
    assert await replay(database_url=sample_db, redis=redis_client, stream=stream, since=since) == 5
    assert [e.data["id"] for e in await stream_events(redis_client, stream)] == [0, 1, 2, 3, 4]


async def _stream_len(redis, stream, n) -> bool:
    return await redis.xlen(stream) >= n


def make_consumer(redis, sessions, stream, handlers, **overrides) -> EventConsumer:
    options = dict(
        group="sample", redis=redis, sessions=sessions, streams=[stream], handlers=handlers,
        dead_letter_stream=stream + ".dead-letter", block_ms=100, claim_idle_ms=200, max_deliveries=3,
    )
    options.update(overrides)
    return EventConsumer(**options)


async def insert_note(session, envelope: Envelope) -> None:
    session.add(Note(title=envelope.data["title"]))


async def note_count(sessions) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(Note))


async def run_until(consumer, predicate, timeout=10.0) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        await wait_for(predicate, timeout)
    finally:
        stop.set()
        await task


async def test_duplicates_are_applied_once_and_poison_goes_to_dead_letter(sessions, redis_client):
    stream = f"test:{secrets.token_hex(4)}.events"
    event = Envelope(source="/sample", type="sample.note.created", subject="1", data={"title": "once"})
    await redis_client.xadd(stream, {ENVELOPE_FIELD: event.to_json()})
    await redis_client.xadd(stream, {ENVELOPE_FIELD: b"this is not json"})
    await redis_client.xadd(stream, {ENVELOPE_FIELD: event.to_json()})  # a redelivery / replay
    follow_up = Envelope(source="/sample", type="sample.note.created", subject="2", data={"title": "after poison"})
    await redis_client.xadd(stream, {ENVELOPE_FIELD: follow_up.to_json()})
    consumer = make_consumer(redis_client, sessions, stream, {"sample.note.created": insert_note})

    async def done() -> bool:
        if await redis_client.xlen(stream + ".dead-letter") != 1:
            return False
        return (await redis_client.xpending(stream, "sample"))["pending"] == 0

    await run_until(consumer, done)
    async with sessions() as session:
        titles = sorted((await session.scalars(select(Note.title))).all())
    assert titles == ["after poison", "once"]
    dead = await redis_client.xrange(stream + ".dead-letter")
    assert dead[0][1][ENVELOPE_FIELD] == b"this is not json"
    assert b"not a valid event envelope" in dead[0][1][b"reason"]


async def test_events_without_a_handler_are_acknowledged_and_leave_no_trace(sessions, sample_db, redis_client):
    stream = f"test:{secrets.token_hex(4)}.events"
    async with sessions() as session, session.begin():
        await publisher.record(session, type="sample.note.created", subject="1", data=NoteCreated(id=1, title="wanted"))
        await publisher.record(session, type="sample.note.archived", subject="1", data=NoteCreated(id=1, title="unwanted"))
    await drain(database_url=sample_db, redis=redis_client, stream=stream, timeout=30)
    # The relay names each message's type beside its envelope.
    assert [fields[TYPE_FIELD] for _, fields in await redis_client.xrange(stream)] == [
        b"sample.note.created", b"sample.note.archived"]
    # A message published before the type field existed is recognised from its envelope.
    older = Envelope(source="/sample", type="sample.note.archived", subject="2", data={"title": "older"})
    last_id = await redis_client.xadd(stream, {ENVELOPE_FIELD: older.to_json()})
    async with sessions() as session, session.begin():
        await session.execute(delete(ProcessedEvent))
    consumer = make_consumer(redis_client, sessions, stream, {"sample.note.created": insert_note})

    async def settled() -> bool:
        groups = await redis_client.xinfo_groups(stream)
        return bool(groups) and groups[0]["pending"] == 0 and groups[0]["last-delivered-id"] == last_id

    await run_until(consumer, settled)
    async with sessions() as session:
        titles = (await session.scalars(select(Note.title))).all()
        recorded = set(await session.scalars(select(ProcessedEvent.type)))
    assert titles == ["wanted"]
    assert recorded == {"sample.note.created"}  # the others had nothing to record


async def test_a_handler_that_keeps_failing_is_retried_then_dead_lettered(sessions, redis_client):
    stream = f"test:{secrets.token_hex(4)}.events"
    attempts = []

    async def flaky(session, envelope):
        attempts.append(envelope.id)
        session.add(Note(title="must be rolled back"))
        raise ValueError("cannot apply")

    await redis_client.xadd(stream, {ENVELOPE_FIELD: Envelope(source="/s", type="bad", subject="x", data={}).to_json()})
    good = Envelope(source="/s", type="sample.note.created", subject="y", data={"title": "good"})
    await redis_client.xadd(stream, {ENVELOPE_FIELD: good.to_json()})
    consumer = make_consumer(redis_client, sessions, stream, {"bad": flaky, "sample.note.created": insert_note})

    async def done() -> bool:
        return await redis_client.xlen(stream + ".dead-letter") == 1

    await run_until(consumer, done)
    assert len(attempts) == 3  # max_deliveries
    async with sessions() as session:
        assert (await session.scalars(select(Note.title))).all() == ["good"]
    dead = await redis_client.xrange(stream + ".dead-letter")
    assert b"ValueError" in dead[0][1][b"reason"]


async def test_a_handler_with_a_batch_form_gets_the_new_events_together_and_a_failing_batch_goes_one_by_one(
    sessions, redis_client,
):
    stream = f"test:{secrets.token_hex(4)}.events"
    batches = []

    async def insert_notes(session, envelopes):
        batches.append([envelope.data["title"] for envelope in envelopes])
        if any(envelope.data["title"] == "poison" for envelope in envelopes):
            raise ValueError("cannot apply")
        session.add_all([Note(title=envelope.data["title"]) for envelope in envelopes])

    async def insert_one(session, envelope):
        if envelope.data["title"] == "poison":
            raise ValueError("cannot apply")
        await insert_note(session, envelope)

    insert_one.batch = insert_notes
    events = [Envelope(source="/s", type="sample.note.created", subject=str(n), data={"title": f"note {n}"}) for n in range(3)]
    for event in (*events, events[0]):  # the last a redelivery in the same batch
        await redis_client.xadd(stream, {ENVELOPE_FIELD: event.to_json()})
    consumer = make_consumer(redis_client, sessions, stream, {"sample.note.created": insert_one})
    await consumer.ensure_groups()
    await consumer.read_new()
    assert batches == [["note 0", "note 1", "note 2"]]
    # Replayed with a bad one among them: the batch fails as a whole, then each is tried alone,
    # the good new one applied, the replayed ones skipped, the bad one left pending.
    poison = Envelope(source="/s", type="sample.note.created", subject="p", data={"title": "poison"})
    later = Envelope(source="/s", type="sample.note.created", subject="4", data={"title": "note 4"})
    for event in (events[1], poison, later):
        await redis_client.xadd(stream, {ENVELOPE_FIELD: event.to_json()})
    await consumer.read_new()
    assert batches[1] == ["poison", "note 4"]
    async with sessions() as session:
        assert sorted((await session.scalars(select(Note.title))).all()) == ["note 0", "note 1", "note 2", "note 4"]
    assert (await redis_client.xpending(stream, "sample"))["pending"] == 1


async def test_consumer_recreates_its_group_when_redis_lost_the_stream(sessions, redis_client):
    stream = f"test:{secrets.token_hex(4)}.events"
    consumer = make_consumer(redis_client, sessions, stream, {"sample.note.created": insert_note})
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        await redis_client.xadd(stream, {ENVELOPE_FIELD: Envelope(source="/s", type="sample.note.created", subject="1", data={"title": "before"}).to_json()})
        await wait_for(lambda: _count_is(sessions, 1))
        await redis_client.delete(stream)  # as if Redis restarted empty
        await redis_client.xadd(stream, {ENVELOPE_FIELD: Envelope(source="/s", type="sample.note.created", subject="2", data={"title": "after"}).to_json()})
        await wait_for(lambda: _count_is(sessions, 2))
    finally:
        stop.set()
        await task


async def _count_is(sessions, n) -> bool:
    return await note_count(sessions) == n


async def test_housekeeping_prunes_published_history_but_keeps_what_is_unpublished(sessions, sample_db, redis_client):
    stream = f"test:{secrets.token_hex(4)}.events"
    async with sessions() as session, session.begin():
        for i in range(3):
            await publisher.record(session, type="sample.note.created", subject=str(i), data=NoteCreated(id=i, title="old"))
    relay = OutboxRelay(database_url=sample_db, redis=redis_client, stream=stream)
    connection = await asyncpg.connect(plain_url(sample_db))
    try:
        await relay.publish_batch(connection)
    finally:
        await connection.close()
    async with sessions() as session, session.begin():
        await publisher.record(session, type="sample.note.created", subject="9", data=NoteCreated(id=9, title="pending"))
    assert await redis_client.xlen(stream) == 3

    # Everything so far is older than a cutoff just ahead of now.
    await housekeep(sessions, redis_client, stream, cutoff=datetime.now(UTC) + timedelta(seconds=5))

    async with sessions() as session:
        left = (await session.scalars(select(OutboxEvent.subject))).all()
    assert left == ["9"], "published rows pruned, the unpublished one kept for the relay"
    assert await redis_client.xlen(stream) == 0
