"""``python -m <service> migrate|downgrade|api|worker|replay|check|demo``: one command line for all.

``demo`` loads the service's first-start content (``ServiceDefinition.demo``) through its own API,
in this process, against the configured database. It first waits until this service's consumers
have caught up with every stream it subscribes to (so feedback's demo finds goals' units in its
read model; the service's worker must be running), and before it exits every event the loader
wrote (through the outbox, like any request's) is on the stream: published by the running
worker's relay, or by the command itself when no relay leads. So a demo started after another
one's command has finished sees its content, in `make run` and in the compose one-shots alike.
Loaders are idempotent; ``QM_DEMO=0`` turns the command into a no-op.
"""

import argparse
import asyncio
import logging
import os
import sys
from datetime import datetime

import uvicorn

from servicekit.logging import configure_logging
from servicekit.migrations import downgrade, upgrade
from servicekit.service import ServiceDefinition

# How long `demo` waits for the events it depends on (before) and for its own to be published (after).
DEMO_WAIT_SECONDS = 300.0


def main(service: ServiceDefinition, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {service.name}")
    commands = parser.add_subparsers(dest="command", required=True)
    migrate = commands.add_parser("migrate", help="upgrade the database to the newest migration")
    migrate.add_argument("--revision", default="head")
    down = commands.add_parser("downgrade", help="downgrade the database")
    down.add_argument("--revision", default="base")
    commands.add_parser("api", help="serve the HTTP API")
    worker = commands.add_parser("worker", help="run the outbox relay and the event consumers")
    worker.add_argument("--no-relay", action="store_true")
    worker.add_argument("--no-consumers", action="store_true")
    replay_cmd = commands.add_parser("replay", help="re-publish outbox events created since a point in time")
    replay_cmd.add_argument("--since", required=True, type=datetime.fromisoformat, help="ISO 8601 timestamp with offset")
    commands.add_parser("check", help="exit 0 when the database and Redis answer (container healthcheck)")
    demo = commands.add_parser("demo", help="load the first-start content through the API (idempotent; QM_DEMO=0 skips)")
    demo.add_argument("--finish", action="store_true",
                      help="run the second hook (ServiceDefinition.demo_finish), after every service's demo")
    args = parser.parse_args(argv)

    settings = service.settings_factory()
    configure_logging(service.name, settings.log_level)
    if args.command == "migrate":
        upgrade(service.migrations_dir, settings.database_url, args.revision)
    elif args.command == "downgrade":
        downgrade(service.migrations_dir, settings.database_url, args.revision)
    elif args.command == "api":
        uvicorn.run(
            service.app_factory, factory=True, host=settings.host, port=settings.port, workers=settings.workers,
            loop="uvloop", http="httptools", log_config=None, access_log=False, timeout_graceful_shutdown=10,
        )
    elif args.command == "worker":
        from servicekit.worker import run_worker

        asyncio.run(run_worker(service, relay=not args.no_relay, consumers=not args.no_consumers))
    elif args.command == "replay":
        count = asyncio.run(_replay(service, args.since))
        print(f"re-published {count} events since {args.since.isoformat()}")
    elif args.command == "check":
        return asyncio.run(_check(settings))
    elif args.command == "demo":
        return asyncio.run(_demo(service, finish=args.finish))
    return 0


async def _replay(service: ServiceDefinition, since: datetime) -> int:
    import redis.asyncio as aioredis

    from servicekit.events.envelope import stream_name
    from servicekit.events.relay import replay

    settings = service.settings_factory()
    if since.tzinfo is None:
        sys.exit("--since needs an offset, e.g. 2026-11-22T10:00:00+01:00")
    redis = aioredis.from_url(settings.redis_url)
    try:
        return await replay(
            database_url=settings.database_url, redis=redis,
            stream=stream_name(settings.stream_prefix, service.name), since=since,
        )
    finally:
        await redis.aclose()


async def _demo(service: ServiceDefinition, *, finish: bool = False) -> int:
    import redis.asyncio as aioredis

    from servicekit.events.delivery import wait_caught_up
    from servicekit.events.envelope import stream_name
    from servicekit.events.relay import drain
    from servicekit.inprocess import import_object, open_service_app

    hook = service.demo_finish if finish else service.demo
    if hook is None:
        print(f"{service.name}: no first-start content{' to finish' if finish else ''}")
        return 0
    if os.environ.get("QM_DEMO", "").strip() == "0":
        print(f"{service.name}: QM_DEMO=0, first-start content not loaded")
        return 0
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per in-process request would drown the log
    settings = service.settings_factory()
    redis = aioredis.from_url(settings.redis_url)
    try:
        # What the services before us published (goals' organisation tree) must be here first.
        for source in service.subscriptions:
            if not await redis.exists(stream_name(settings.stream_prefix, source)):
                continue  # that service has published nothing yet (its demo loads after ours): nothing to wait for
            try:
                await wait_caught_up(redis, stream_name(settings.stream_prefix, source), [service.name], timeout=DEMO_WAIT_SECONDS)
            except TimeoutError as exc:
                print(f"{service.name}: {source}'s events have not been applied here ({exc}); "
                      f"is `python -m {service.name} worker` running?", file=sys.stderr)
                return 1
        load = import_object(hook)
        async with open_service_app(service) as api:
            await load(api)
        # And what we wrote is on our stream when we exit, so the services after us can wait for it.
        await drain(
            database_url=settings.database_url, redis=redis,
            stream=stream_name(settings.stream_prefix, service.name), timeout=DEMO_WAIT_SECONDS,
        )
    finally:
        await redis.aclose()
    print(f"{service.name}: first-start content {'finished' if finish else 'loaded'}")
    return 0


async def _check(settings) -> int:
    import asyncpg
    import redis.asyncio as aioredis

    from servicekit.dburl import plain_url

    try:
        connection = await asyncpg.connect(plain_url(settings.database_url), timeout=3)
        await connection.close()
        redis = aioredis.from_url(settings.redis_url, socket_timeout=3)
        await redis.ping()
        await redis.aclose()
    except Exception as exc:
        print(f"not healthy: {exc!r}", file=sys.stderr)
        return 1
    return 0
