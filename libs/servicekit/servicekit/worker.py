"""The worker process: outbox relay, event consumers and housekeeping, until SIGTERM/SIGINT."""

import asyncio
import gc
import logging
import signal
from datetime import UTC, datetime, timedelta

import redis.asyncio as aioredis
from sqlalchemy import delete

from servicekit.db import create_engine, sessionmaker
from servicekit.events.consumer import EventConsumer
from servicekit.events.envelope import dead_letter_stream, stream_name
from servicekit.events.relay import OutboxRelay
from servicekit.idempotency import prune_idempotency_records
from servicekit.service import PeriodicJob, ServiceDefinition
from servicekit.tables import OutboxEvent, ProcessedEvent

log = logging.getLogger("servicekit.worker")
HOUSEKEEPING_INTERVAL_SECONDS = 3600


async def run_worker(service: ServiceDefinition, *, relay: bool = True, consumers: bool = True) -> None:
    settings = service.settings_factory()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    engine = create_engine(settings.database_url, pool_size=2)
    redis = aioredis.from_url(settings.redis_url)
    stream = stream_name(settings.stream_prefix, service.name)
    tasks = [asyncio.create_task(_housekeeping(
        engine, redis, stream if relay else None, settings.outbox_retention_days, stop,
    ))]
    sessions = sessionmaker(engine)
    tasks += [asyncio.create_task(_periodic(job, settings, sessions, stop)) for job in service.jobs]
    if relay:
        tasks.append(asyncio.create_task(OutboxRelay(
            database_url=settings.database_url, redis=redis, stream=stream,
            batch_size=settings.relay_batch_size, poll_seconds=settings.relay_poll_seconds,
            linger_seconds=settings.relay_linger_seconds,
        ).run(stop)))
    if consumers and service.subscriptions:
        handlers = {etype: fn for per_source in service.subscriptions.values() for etype, fn in per_source.items()}
        tasks.append(asyncio.create_task(EventConsumer(
            group=service.name, redis=redis, sessions=sessionmaker(engine),
            streams=[stream_name(settings.stream_prefix, source) for source in service.subscriptions],
            handlers=handlers, dead_letter_stream=dead_letter_stream(settings.stream_prefix, service.name),
            batch_size=settings.consumer_batch_size, block_ms=settings.consumer_block_ms,
            claim_idle_ms=settings.consumer_claim_idle_ms, max_deliveries=settings.consumer_max_deliveries,
        ).run(stop)))
    gc.freeze()  # as servicekit.app does: what start-up made stays out of the collector's scans
    log.info("worker started", extra={"relay": relay, "consumers": consumers and bool(service.subscriptions)})
    stopping = asyncio.create_task(stop.wait())
    try:
        # A task that ends before the stop signal has crashed: exit non-zero so the supervisor
        # restarts the worker, rather than living on as a process that does nothing.
        done, _ = await asyncio.wait([stopping, *tasks], return_when=asyncio.FIRST_COMPLETED)
        crashed = [] if stop.is_set() else [task for task in done if task is not stopping]
        for task in crashed:
            log.error("worker task ended unexpectedly", exc_info=task.exception())
        stop.set()
        await asyncio.wait(tasks, timeout=10)
    finally:
        for task in tasks:
            task.cancel()
        await redis.aclose()
        await engine.dispose()
        log.info("worker stopped")
    if crashed:
        raise SystemExit(1)


async def _housekeeping(engine, redis, stream: str | None, retention_days: int, stop: asyncio.Event) -> None:
    factory = sessionmaker(engine)
    while not stop.is_set():
        try:
            await housekeep(factory, redis, stream, cutoff=datetime.now(UTC) - timedelta(days=retention_days))
        except Exception:  # housekeeping must never take the worker down
            log.exception("housekeeping failed")
        try:
            await asyncio.wait_for(stop.wait(), HOUSEKEEPING_INTERVAL_SECONDS)
        except TimeoutError:
            pass


async def _periodic(job: PeriodicJob, settings, sessions, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await job.run(settings, sessions, datetime.now(UTC))
        except Exception:  # a failing job is logged and retried next round; the worker lives on
            log.exception("job failed", extra={"job": job.name})
        try:
            await asyncio.wait_for(stop.wait(), job.interval_seconds(settings))
        except TimeoutError:
            pass


async def housekeep(factory, redis, stream: str | None, *, cutoff: datetime) -> None:
    """Prune what has outlived its purpose: published outbox rows, inbox ids, idempotency replies,
    and stream entries older than the outbox keeps (``replay`` covers the same period, so a
    consumer further behind than that is rebuilt from a replay, not from the stream)."""
    if stream is not None:
        # Stream ids start with their millisecond timestamp; "~" lets Redis drop whole nodes only.
        await redis.xtrim(stream, minid=f"{int(cutoff.timestamp() * 1000)}-0", approximate=True)
    async with factory() as session, session.begin():
        await session.execute(
            delete(OutboxEvent).where(OutboxEvent.published_at.is_not(None), OutboxEvent.created_at < cutoff)
        )
        await session.execute(delete(ProcessedEvent).where(ProcessedEvent.processed_at < cutoff))
        await prune_idempotency_records(session)
