"""One worker's gateway: builds the components from settings, listens, and stops gracefully.

``Gateway(settings).start()`` inside a running event loop is also how tests and benchmarks run
the gateway in-process; ``gateway.runner`` adds processes and signals around it.
"""

import asyncio
import logging
from importlib.metadata import PackageNotFoundError, version

import asyncpg
import redis.asyncio as aioredis
from servicekit.problemdoc import PROBLEM_MEDIA_TYPE, problem_body

from gateway import open311
from gateway.accesslog import AccessLog
from gateway.auth import AssertionMinter, Authenticator
from gateway.circuit import CircuitBreaker
from gateway.config import GatewaySettings
from gateway.cors import CorsPolicy
from gateway.health import Health
from gateway.http11 import status_line
from gateway.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from gateway.metrics import Metrics
from gateway.openapi import OpenApiAggregator
from gateway.proxy import Proxy
from gateway.public import ClientAddresses
from gateway.ratelimit import RateLimiter
from gateway.server import HTTPProtocol, Request, ServerState
from gateway.tokens import StaffTokenVerifier, load_private_key
from gateway.upstream import UpstreamPool

log = logging.getLogger("gateway")

# Upstream deadlines and the access log are served every tick; the slower sweeps every 10th.
TICK_SECONDS = 0.1
TICKS_PER_SWEEP = 10

try:
    VERSION = version("qm-gateway")
except PackageNotFoundError:  # running from a source tree that was not installed
    VERSION = "0"


class Gateway:
    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.port: int | None = None
        self._server: asyncio.Server | None = None
        self._state: ServerState | None = None
        self._housekeeping: asyncio.TimerHandle | None = None
        self._db: asyncpg.Pool | None = None
        self._redis: aioredis.Redis | None = None
        self._pools: dict[str, UpstreamPool] = {}
        self._limiter: RateLimiter | None = None
        self._metrics: Metrics | None = None
        self._access_log: AccessLog | None = None
        self._ticks = 0

    async def start(self, *, reuse_port: bool = False) -> None:
        settings = self.settings
        if not settings.database_url:
            raise ValueError("GATEWAY_DATABASE_URL is not set")
        if not settings.assertion_private_key_file:
            raise ValueError("GATEWAY_ASSERTION_PRIVATE_KEY_FILE is not set")
        minter = AssertionMinter(load_private_key(settings.assertion_private_key_file),
                                 settings.assertion_lifetime_seconds, settings.assertion_reuse_seconds)
        verifier = StaffTokenVerifier(
            jwks_file=settings.token_jwks_file, issuer=settings.token_issuer, audience=settings.token_audience,
            oidc_jwks_url=settings.oidc_jwks_url, oidc_issuer=settings.oidc_issuer,
        )
        # min_size=0: the gateway starts (and /healthz answers) while its database is still down.
        self._db = await asyncpg.create_pool(settings.database_url, min_size=0, max_size=settings.db_pool_size,
                                             timeout=2.0, command_timeout=2.0)
        self._redis = aioredis.Redis.from_url(settings.redis_url or "redis://127.0.0.1:6379/0",
                                              socket_timeout=0.5, socket_connect_timeout=0.5)
        self._pools = {
            name: UpstreamPool(upstream, max_connections=settings.upstream_max_connections,
                               connect_timeout=settings.upstream_connect_timeout_seconds,
                               read_timeout=settings.upstream_timeout_seconds,
                               idle_seconds=settings.upstream_idle_seconds)
            for name, upstream in settings.upstreams().items()
        }
        breakers = {name: CircuitBreaker(settings.circuit_failure_threshold, settings.circuit_reset_seconds)
                    for name in self._pools}
        metrics = self._metrics = Metrics()
        access_log = AccessLog(hide_subject_prefixes=settings.hidden_subject_prefixes()) if settings.access_log else None
        self._access_log = access_log if access_log is not None and access_log.enabled else None
        health = Health(self._db, self._redis, self._pools, breakers)
        public_paths = settings.public_path_rules()
        openapi = OpenApiAggregator(self._pools, minter, VERSION, public_paths)

        self._limiter = RateLimiter(self._redis, settings.stream_prefix, settings.default_rate_limit())

        async def metrics_endpoint() -> tuple:
            return 200, METRICS_CONTENT_TYPE, metrics.exposition(), b""

        proxy = Proxy(
            pools=self._pools, breakers=breakers,
            authenticator=Authenticator(self._db, verifier, cache_seconds=settings.key_cache_seconds,
                                        stale_seconds=settings.key_cache_stale_seconds),
            limiter=self._limiter,
            minter=minter, cors=CorsPolicy(settings.cors_origin_set()), metrics=metrics,
            access_log=self._access_log,
            local_routes={
                b"/healthz": health.healthz, b"/readyz": health.readyz, b"/metrics": metrics_endpoint,
                b"/openapi.json": openapi.document, b"/docs": openapi.docs_page,
                b"/docs/swagger-ui-bundle.js": openapi.docs_script, b"/docs/swagger-ui.css": openapi.docs_stylesheet,
            },
            timeout=settings.upstream_timeout_seconds, retries=settings.upstream_retries,
            max_body_bytes=settings.max_body_bytes,
            public_paths=public_paths, clients=ClientAddresses(settings.trusted_proxy_networks()),
            anonymous_limit=settings.anonymous_rate_limit(), form_max_bytes=settings.form_max_bytes,
        )
        self._state = ServerState(proxy.handle, _protocol_error, settings.keepalive_seconds)
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: HTTPProtocol(self._state), settings.host, settings.port, reuse_port=reuse_port or None,
            backlog=2048,
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._schedule_housekeeping()
        log.info("gateway listening", extra={"host": settings.host, "port": self.port})

    async def stop(self) -> None:
        """Stop accepting, let in-flight requests finish (up to the grace period), release all."""
        if self._housekeeping is not None:
            self._housekeeping.cancel()
        if self._server is not None:
            self._server.close()
        if self._state is not None:
            self._state.begin_shutdown()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.settings.shutdown_grace_seconds
            while self._state.connections and loop.time() < deadline:
                await asyncio.sleep(0.05)
            self._state.abort_all()
        for pool in self._pools.values():
            pool.close()
        if self._access_log is not None:
            self._access_log.flush()
        if self._metrics is not None:
            self._metrics.publish()
        if self._redis is not None:
            await self._redis.aclose()
        if self._db is not None:
            await self._db.close()

    def _schedule_housekeeping(self) -> None:
        self._housekeeping = asyncio.get_running_loop().call_later(TICK_SECONDS, self._housekeep)

    def _housekeep(self) -> None:
        try:
            now = asyncio.get_running_loop().time()
            for pool in self._pools.values():
                pool.check_deadlines(now)
            if self._access_log is not None:
                self._access_log.flush()
            self._ticks += 1
            if self._ticks % TICKS_PER_SWEEP == 0:
                self._state.sweep()  # type: ignore[union-attr]
                for pool in self._pools.values():
                    pool.sweep()
                self._limiter.sweep()  # type: ignore[union-attr]
                self._metrics.publish()  # type: ignore[union-attr]
        except Exception:
            log.exception("housekeeping failed")
        finally:
            self._schedule_housekeeping()


def _protocol_error(request: Request | None, conn: HTTPProtocol, status: int, detail: str) -> None:
    """Answer a request the pipeline cannot handle (unparseable, or the handler crashed)."""
    path = request.url.partition(b"?")[0] if request is not None else b""
    if open311.under_prefix(path):
        content_type, body = open311.error_body(path, status, detail)
    else:
        content_type, body = PROBLEM_MEDIA_TYPE.encode(), problem_body(status, detail)
    conn.write(
        status_line(status) + b"content-type: " + content_type
        + b"\r\ncontent-length: %d\r\nconnection: close\r\n\r\n" % len(body) + body
    )
    if request is not None:
        request.keep_alive = False
