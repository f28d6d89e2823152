"""``/healthz`` (the process is alive) and ``/readyz`` (own dependencies up; upstreams reported).

Readiness fails only for the gateway's own database and Redis: a down upstream degrades the
gateway (its routes answer 502/503) but the other services stay reachable, so taking the whole
gateway out of a load balancer for it would be wrong. Results are cached for a second so probe
floods do not fan out to every upstream.
"""

import asyncio
import time

import asyncpg
import orjson
import redis.asyncio as aioredis

from gateway.circuit import CircuitBreaker
from gateway.upstream import UpstreamError, UpstreamPool, fetch

CHECK_TIMEOUT_SECONDS = 1.5
CACHE_SECONDS = 1.0
JSON = b"application/json"
_HEALTHY = (200, JSON, b'{"status":"ok"}', b"")


class Health:
    def __init__(self, db: asyncpg.Pool, redis: aioredis.Redis, pools: dict[str, UpstreamPool],
                 breakers: dict[str, CircuitBreaker]) -> None:
        self._db = db
        self._redis = redis
        self._pools = pools
        self._breakers = breakers
        self._cached: tuple[float, tuple] | None = None
        self._lock = asyncio.Lock()

    async def healthz(self) -> tuple:
        return _HEALTHY

    async def readyz(self) -> tuple:
        async with self._lock:  # one check at a time; the others take its result
            if self._cached is not None and self._cached[0] > time.monotonic():
                return self._cached[1]
            result = await self._check()
            self._cached = (time.monotonic() + CACHE_SECONDS, result)
            return result

    async def _check(self) -> tuple:
        names = list(self._pools)
        database, redis, *upstreams = await asyncio.gather(
            self._check_database(), self._check_redis(), *(self._check_upstream(name) for name in names),
        )
        own_ok = database == "up" and redis == "up"
        all_up = all(report["status"] == "up" for report in upstreams)
        document = {
            "status": ("ready" if all_up else "degraded") if own_ok else "unavailable",
            "checks": {"database": database, "redis": redis},
            "upstreams": dict(zip(names, upstreams, strict=True)),
        }
        return (200 if own_ok else 503), JSON, orjson.dumps(document), b"cache-control: no-store\r\n"

    async def _check_database(self) -> str:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                await self._db.fetchval("SELECT 1")
            return "up"
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
            return "down"

    async def _check_redis(self) -> str:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                await self._redis.ping()
            return "up"
        except (OSError, aioredis.RedisError, TimeoutError):
            return "down"

    async def _check_upstream(self, name: str) -> dict:
        report: dict = {"circuit": self._breakers[name].state}
        started = time.perf_counter()
        try:
            status, _ = await fetch(self._pools[name], "/readyz", timeout=CHECK_TIMEOUT_SECONDS)
        except UpstreamError as exc:
            return {"status": "down", "error": exc.detail, **report}
        report["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return {"status": "up" if status == 200 else "down", "http_status": status, **report}
