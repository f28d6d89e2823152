"""Whether consumer groups have caught up with a stream, on Redis 6.2 and 7 alike.

A group has caught up when it exists, has no pending entry (delivered, not yet acknowledged) and
has been delivered the stream's last entry. Delivery is compared by id (the group's
``last-delivered-id`` against the stream's ``last-generated-id``), not by XINFO GROUPS' ``lag``,
which Redis 6.2 does not report: one rule on both. Used by ``python -m <svc> demo`` (a demo
starts once its own groups have consumed what the services before it published) and by devstack
(the next demo starts once every consumer has the previous one's events).
"""

import asyncio
import time
from collections.abc import Iterable

import redis.asyncio as aioredis

POLL_SECONDS = 0.2


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def lagging(redis: aioredis.Redis, stream: str, groups: Iterable[str]) -> list[str]:
    """Why ``groups`` (and any other group on ``stream``) have not caught up; empty when all have."""
    if await redis.exists(stream):
        last_id = _text((await redis.xinfo_stream(stream))["last-generated-id"])
        present = {_text(group["name"]): group for group in await redis.xinfo_groups(stream)}
    else:
        last_id, present = None, {}
    reasons = []
    for name in sorted({*groups, *present}):
        group = present.get(name)
        if group is None:
            reasons.append(f"consumer group {name} on {stream} not created yet")
        elif group["pending"]:
            reasons.append(f"{name}: {group['pending']} entries of {stream} delivered but not acknowledged")
        elif _text(group["last-delivered-id"]) != last_id:
            reasons.append(f"{name}: delivered up to {_text(group['last-delivered-id'])}, {stream} is at {last_id}")
    return reasons


async def wait_caught_up(redis: aioredis.Redis, stream: str, groups: Iterable[str], *, timeout: float) -> None:
    """Return once ``lagging`` is empty; TimeoutError (saying why) after ``timeout`` seconds."""
    groups = list(groups)
    deadline = time.monotonic() + timeout
    while reasons := await lagging(redis, stream, groups):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not caught up after {timeout:.0f}s: {'; '.join(reasons)}")
        await asyncio.sleep(POLL_SECONDS)
