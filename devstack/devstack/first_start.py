"""First-start content: each service's ``python -m <svc> demo``, and a wait until its events arrived.

Order: goals first (the organisation tree every read model needs, and the goals the others refer
to), then feedback, audit and awards one after another. After each demo we wait until its
events have reached every consumer, so a later demo can rely on what an earlier one published
(a feedback case naming a goals guarantee, an award application citing an audit finding).

"Reached every consumer": the producer's outbox has no unpublished row, and every consumer group
on its stream (each service whose definition subscribes to it, plus any other group present)
has caught up (``servicekit.events.delivery``: by id, on Redis 6.2 and 7 alike). The demo
command itself already waits for its inputs and publishes its outputs before it exits (the
compose one-shots rely on that); this wait adds that the consumers have *applied* them, so
the banner appears only once every read model is complete.

Then each service's second hook (``ServiceDefinition.demo_finish``, ``python -m <svc> demo --finish``),
for content that needs the other demos' events: goals submits (freezes) the seed committee's
verksamhetsberättelse 2014 only once audit's lex Sarah summary 2014 has reached it.

Which services load: ``QM_DEMO=0`` none, ``QM_DEMO=1`` all, otherwise those whose database had
never been migrated when the stack started (a fresh database; see ``Stack.demo_services``).
``python -m devstack demo`` (``make demo``) runs every demo against the running stack again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import asyncpg
import redis.asyncio as aioredis

from servicekit.dburl import plain_url
from servicekit.events.delivery import POLL_SECONDS, lagging
from servicekit.events.envelope import stream_name
from servicekit.inprocess import import_object

from devstack import config
from devstack.jobs import run_logged, tail

log = logging.getLogger("devstack")

DEMO_TIMEOUT_SECONDS = 900.0
DELIVERY_TIMEOUT_SECONDS = 300.0


class DemoError(RuntimeError):
    """A demo failed, or its events did not reach their consumers in time."""


def mode_from_env(value: str | None) -> bool | None:
    """``QM_DEMO``: "0" never, "1" always, unset (or anything else) on fresh databases (None)."""
    value = (value or "").strip()
    return False if value == "0" else True if value == "1" else None


def consumers_of(producer: str) -> list[str]:
    """The services whose definitions subscribe to ``producer``'s stream (their consumer groups)."""
    return [
        name for name in config.SERVICES
        if producer in import_object(f"{name}.definition:SERVICE").subscriptions
    ]


async def undelivered(database_url: str, redis: aioredis.Redis, stream: str, groups: Iterable[str]) -> list[str]:
    """What still stands between a producer's events and its consumers; empty once all arrived."""
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        unpublished = await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
    finally:
        await connection.close()
    waiting = [f"{unpublished} outbox rows not yet published"] if unpublished else []
    return waiting + await lagging(redis, stream, groups, every_group_present=True)


async def wait_delivered(database_url: str, redis_url: str, stream: str, groups: Iterable[str]) -> None:
    groups = list(groups)
    redis = aioredis.from_url(redis_url)
    try:
        deadline = time.monotonic() + DELIVERY_TIMEOUT_SECONDS
        while waiting := await undelivered(database_url, redis, stream, groups):
            if time.monotonic() > deadline:
                raise DemoError(
                    f"events on {stream} did not reach every consumer in {DELIVERY_TIMEOUT_SECONDS:.0f}s: {'; '.join(waiting)}"
                )
            await asyncio.sleep(POLL_SECONDS)
    finally:
        await redis.aclose()


def load(
    services: Iterable[str],
    *,
    env_for: Callable[[str], Mapping[str, str]],
    python: str,
    logs_dir: Path,
    cwd: Path,
) -> None:
    """Run the demos of ``services`` in platform order, each followed by the wait for its events.

    ``env_for(name)`` is the service's process environment (its ``<SVC>_DATABASE_URL``,
    ``_REDIS_URL`` and ``_STREAM_PREFIX`` also say where to look for its events).
    """
    wanted = [name for name in config.SERVICES if name in set(services)]
    for finish in (False, True):
        for name in wanted:
            definition = import_object(f"{name}.definition:SERVICE")
            if (definition.demo_finish if finish else definition.demo) is None:
                if not finish:
                    log.info("%s: no first-start content", name)
                continue
            _run_demo(name, finish=finish, env=env_for(name), python=python, logs_dir=logs_dir, cwd=cwd)


def _run_demo(name: str, *, finish: bool, env: Mapping[str, str], python: str, logs_dir: Path, cwd: Path) -> None:
    """``python -m <name> demo [--finish]``, then the wait until its events reached every consumer."""
    prefix = config.env_prefix(name)
    command = ["demo", "--finish"] if finish else ["demo"]
    log_path = logs_dir / (f"{name}-demo-finish.log" if finish else f"{name}-demo.log")
    log.info("%s: %s first-start content (log: %s)", name, "finishing" if finish else "loading", log_path)
    started = time.monotonic()
    code = run_logged([python, "-P", "-m", name, *command], env, cwd=cwd, log_path=log_path, timeout=DEMO_TIMEOUT_SECONDS)
    if code != 0:
        raise DemoError(f"`python -m {name} {' '.join(command)}` exited {code}; last lines of {log_path}:\n{tail(log_path)}")
    asyncio.run(wait_delivered(
        env[prefix + "DATABASE_URL"], env[prefix + "REDIS_URL"],
        stream_name(env[prefix + "STREAM_PREFIX"], name), consumers_of(name),
    ))
    log.info("%s: first-start content %s and delivered to its consumers in %.1fs", name,
             "finished" if finish else "loaded", time.monotonic() - started)
