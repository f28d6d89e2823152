"""Rate limits per principal: GCRA in Redis, taken in small leases so few requests touch Redis.

A principal is a key id, a token subject, or (anonymous callers of public paths) a client
address. Each request is checked against one ``RateLimit``: the key's own when it has one, the
anonymous limit for anonymous callers, else the global default.

GCRA keeps one number per principal (the theoretical arrival time), allows ``burst`` requests at
once and ``per_minute`` on average. A worker takes a lease of up to ``lease_size`` requests in one
script call and spends it locally for at most a second; a lease is paid for when taken, so the
limit is never exceeded, only (by at most one lease per worker) under-used. The lease is a
twentieth of a second's allowance, so with low limits (tests, strict keys) every request asks Redis.

Redis down: we fail open (limits are a protection against floods, not an entitlement; refusing
all traffic because an ephemeral store is away would turn a Redis outage into a platform outage),
log it, and retry Redis after a few seconds rather than per request.
"""

import asyncio
import logging
import math
import time
from dataclasses import dataclass, field

import redis.asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger("gateway.ratelimit")

# KEYS[1] principal key; ARGV interval µs, tolerance µs (burst × interval), tokens wanted.
# Returns {granted, retry-after µs}. Time comes from Redis so all workers share one clock.
GCRA_SCRIPT = """
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local available = math.floor((now + tolerance - tat) / interval)
if available < 1 then
  return {0, math.ceil(tat + interval - tolerance - now)}
end
local granted = math.min(wanted, available)
local new_tat = tat + granted * interval
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1)
return {granted, 0}
"""

LEASE_SECONDS = 1.0
LEASE_SHARE_OF_SECOND = 0.05
MAX_LEASE = 100
REDIS_RETRY_SECONDS = 5.0


@dataclass(frozen=True)
class RateLimit:
    """``per_minute`` on average, ``burst`` at once (0: a tenth of a minute's allowance)."""

    per_minute: int
    burst: int = 0
    interval_us: float = field(init=False)
    tolerance_us: float = field(init=False)
    lease_size: int = field(init=False)

    def __post_init__(self) -> None:
        if self.per_minute <= 0 or self.burst < 0:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 0")
        burst = self.burst or max(1, self.per_minute // 10)
        interval = 60_000_000 / self.per_minute
        object.__setattr__(self, "interval_us", interval)
        object.__setattr__(self, "tolerance_us", burst * interval)
        object.__setattr__(self, "lease_size", max(1, min(MAX_LEASE, int(self.per_minute / 60 * LEASE_SHARE_OF_SECOND))))


class _Lease:
    __slots__ = ("tokens", "expires", "blocked_until", "refill")

    def __init__(self) -> None:
        self.tokens = 0
        self.expires = 0.0
        self.blocked_until = 0.0
        self.refill: asyncio.Future | None = None


class RateLimiter:
    def __init__(self, redis: aioredis.Redis, prefix: str, default: RateLimit) -> None:
        self._redis = redis
        self._prefix = f"{prefix}gateway:ratelimit:"
        self.default = default
        self._script = redis.register_script(GCRA_SCRIPT)
        self._leases: dict[str, _Lease] = {}
        self._redis_down_until = 0.0

    def take_leased(self, principal: str) -> bool:
        """Spend a token of the principal's current lease (the hot path); False if none is left."""
        lease = self._leases.get(principal)
        if lease is not None and lease.tokens > 0 and lease.expires > time.monotonic():
            lease.tokens -= 1
            return True
        return False

    async def check(self, principal: str, limit: RateLimit | None = None) -> float | None:
        """None if the request may pass, else seconds until it may be retried (``limit``: default)."""
        now = time.monotonic()
        lease = self._leases.get(principal)
        if lease is None:
            lease = self._leases[principal] = _Lease()
        elif lease.tokens > 0 and lease.expires > now:
            lease.tokens -= 1
            return None
        elif lease.blocked_until > now:
            return lease.blocked_until - now
        if self._redis_down_until > now:
            return None
        while lease.refill is not None:  # another request of this principal is asking Redis
            await asyncio.shield(lease.refill)
            if lease.tokens > 0 and lease.expires > time.monotonic():
                lease.tokens -= 1
                return None
            if lease.blocked_until > time.monotonic():
                return lease.blocked_until - time.monotonic()
        return await self._refill(principal, lease, limit or self.default)

    async def _refill(self, principal: str, lease: _Lease, limit: RateLimit) -> float | None:
        lease.refill = asyncio.get_running_loop().create_future()
        try:
            granted, retry_us = await self._script(
                keys=[self._prefix + principal], args=[limit.interval_us, limit.tolerance_us, limit.lease_size],
            )
        except (RedisError, OSError, TimeoutError) as exc:
            self._redis_down(exc)
            return None
        finally:
            lease.refill.set_result(None)
            lease.refill = None
        now = time.monotonic()
        if granted > 0:
            lease.tokens = int(granted) - 1
            lease.expires = now + LEASE_SECONDS
            return None
        lease.tokens = 0
        retry = int(retry_us) / 1_000_000
        lease.blocked_until = now + retry
        return retry

    def _redis_down(self, exc: BaseException) -> None:
        # Logged at most once per retry period: while it runs, no request asks Redis.
        log.warning("Redis unreachable: rate limits not enforced (failing open)", extra={"error": str(exc)})
        self._redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS

    def sweep(self) -> None:
        """Forget principals with nothing left to remember."""
        now = time.monotonic()
        idle = [key for key, lease in self._leases.items()
                if lease.refill is None and lease.expires < now and lease.blocked_until < now]
        for key in idle:
            del self._leases[key]


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
