"""Gateway test harness: a per-run database and Redis prefix, fake upstreams, in-process gateways.

Real PostgreSQL and Redis from servicekit's session fixtures ``qm_postgres``/``qm_redis`` (explicit
settings, else the local servers, else embedded ones). Upstreams are small aiohttp apps on free
ports that verify the gateway's assertion with servicekit's verifier and echo what they received.
Everything runs in one session-wide event loop so servers start once.
"""

import asyncio
import hashlib
import importlib
import secrets
import socket
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

# pytest's importlib mode names the modules of this folder ``gateway.tests.*`` and, unless the
# real package is imported already, registers the checkout folder gateway/ as a namespace package
# ``gateway`` that hides the real one (gateway/gateway/). Put the real package in its place.
if getattr(sys.modules.get("gateway"), "__file__", "") is None:
    del sys.modules["gateway"]
    importlib.import_module("gateway")

import asyncpg
import pytest
import pytest_asyncio
import redis.asyncio as aioredis
from aiohttp import web
from servicekit.assertion import AssertionError_, AssertionVerifier

from gateway.app import Gateway
from gateway.config import GatewaySettings
from gateway.keys import KeyRepository
from gateway.migrate import upgrade
from gateway.tokens import generate_dev_keys


def gw_free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def gw_run_id() -> str:
    return secrets.token_hex(4)


@pytest.fixture(scope="session")
def gw_empty_database(qm_postgres, gw_run_id):
    """A fresh, empty database URL (for migration tests); dropped at the end."""
    yield from _temporary_database(qm_postgres, f"qm_gateway_empty_{gw_run_id}")


@pytest.fixture(scope="session")
def gw_database_url(qm_postgres, gw_run_id):
    """The gateway's key database for this run, migrated to head."""
    for url in _temporary_database(qm_postgres, f"qm_gateway_test_{gw_run_id}"):
        upgrade(url)
        yield url


def _temporary_database(server, name: str):
    server.create_database(name)
    try:
        yield server.url_for(name)
    finally:
        server.drop_database(name)


@pytest.fixture(scope="session")
def gw_keyset(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("gateway-keys")
    generate_dev_keys(directory)
    return directory


@pytest.fixture(scope="session")
def gw_redis_url(qm_redis) -> str:
    return qm_redis.url


@pytest.fixture(scope="session")
def gw_redis_prefix(gw_redis_url, gw_run_id):
    prefix = f"qmtest:{gw_run_id}:"
    yield prefix

    async def cleanup() -> None:
        client = aioredis.Redis.from_url(gw_redis_url)
        try:
            keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
            if keys:
                await client.delete(*keys)
        finally:
            await client.aclose()

    asyncio.run(cleanup())


class FakeUpstream:
    """A service stand-in: verifies the assertion, echoes the request, counts hits."""

    def __init__(self, name: str, public_pem: str, prefixes: tuple[str, ...]) -> None:
        self.name = name
        self.prefixes = prefixes
        self.verifier = AssertionVerifier(public_pem, audience=name)
        self.hits: Counter[tuple[str, str]] = Counter()
        self.last_body = b""
        self.ready = True
        self.port = 0
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, port: int | None = None) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = port or gw_free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def openapi(self) -> dict:
        schemas = {"Problem": {"type": "object", "properties": {"title": {"type": "string"}}},
                   "Item": {"type": "object", "properties": {f"{self.name}_field": {"type": "string"}}}}
        paths = {
            f"/{prefix}/items": {"get": {
                "operationId": f"{self.name}_{prefix.replace('/', '_')}_list",
                "parameters": [{"name": "x-internal-assertion", "in": "header", "required": True}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Item"}}}}},
                # As servicekit documents them: public operations need no credentials.
                "security": [] if prefix.startswith("open311") else [{"internalAssertion": []}],
            }} for prefix in self.prefixes
        }
        return {"openapi": "3.1.0", "info": {"title": self.name, "version": "1"}, "paths": paths,
                "components": {"schemas": schemas}}

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path == "/readyz":
            return web.json_response({"status": "ready"}, status=200 if self.ready else 503)
        try:
            principal = self.verifier.verify(request.headers.get("x-internal-assertion", ""))
        except AssertionError_ as exc:
            return web.json_response({"error": "no valid assertion", "detail": str(exc)}, status=401)
        if path == f"/{self.name}/v1/openapi.json":
            return web.json_response(self.openapi())
        self.hits[(request.method, path)] += 1
        body = await request.read()
        self.last_body = body
        path = path.removesuffix(".json").removesuffix(".xml")  # Open311 paths name a format
        if path.endswith("/slow"):
            await asyncio.sleep(float(request.query.get("seconds", "2")))
        if "/status/" in path:
            return web.json_response({"status": "as asked"}, status=int(path.rsplit("/", 1)[1]))
        if path.endswith("/big"):
            size = int(request.query.get("size", "1000000"))
            stall = float(request.query.get("stall", "0"))  # pause after the first block
            response = web.StreamResponse()
            response.enable_chunked_encoding()
            await response.prepare(request)
            block = b"x" * 65536
            sent = 0
            while sent < size:
                part = block[: min(len(block), size - sent)]
                await response.write(part)
                sent += len(part)
                if stall:
                    await asyncio.sleep(stall)
                    stall = 0
            await response.write_eof()
            return response
        if path.endswith("/stall"):  # a small body that stops halfway
            response = web.StreamResponse(headers={"Content-Length": "10", "Content-Type": "text/plain"})
            await response.prepare(request)
            await response.write(b"12345")
            await asyncio.sleep(float(request.query.get("seconds", "2")))
            await response.write(b"67890")
            return response
        return web.json_response({
            "service": self.name, "method": request.method, "path": request.path, "query": request.query_string,
            "headers": {name.lower(): value for name, value in request.headers.items()},
            "header_list": [[name.lower(), value] for name, value in request.headers.items()],
            "body_length": len(body), "body_sha": hashlib.sha256(body).hexdigest(),
            "principal": {
                "subject": principal.subject, "actor_kind": principal.actor_kind, "roles": sorted(principal.roles),
                "org_scope": sorted(principal.org_scope), "key_scopes": sorted(principal.key_scopes),
                "request_id": principal.request_id,
            },
        })


class DropServer:
    """Accepts connections and closes them without a byte: a service that falls over mid-call."""

    def __init__(self) -> None:
        self.connections = 0
        self.port = 0
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            writer.transport.abort()

        self._server = await asyncio.start_server(accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def gw_spawn_upstream(gw_keyset):
    """Start a fake upstream: ``await gw_spawn_upstream(name, prefixes, port=None)``."""
    public_pem = (gw_keyset / "assertion_public.pem").read_text()
    spawned: list[FakeUpstream] = []

    async def spawn(name: str, prefixes: tuple[str, ...], port: int | None = None) -> FakeUpstream:
        upstream = FakeUpstream(name, public_pem, prefixes)
        await upstream.start(port)
        spawned.append(upstream)
        return upstream

    yield spawn
    for upstream in spawned:
        await upstream.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def gw_upstreams(gw_spawn_upstream) -> dict[str, FakeUpstream]:
    """goals, feedback (with open311) and audit; awards stays down."""
    return {
        "goals": await gw_spawn_upstream("goals", ("goals/v1",)),
        "feedback": await gw_spawn_upstream("feedback", ("feedback/v1", "open311/v2")),
        "audit": await gw_spawn_upstream("audit", ("audit/v1",)),
    }


@pytest.fixture
def gw_port() -> int:
    """A free TCP port (nothing listens on it)."""
    return gw_free_port()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def gw_drop_server():
    server = DropServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(scope="session")
def gw_settings(gw_database_url, gw_keyset, gw_redis_url, gw_redis_prefix, gw_upstreams):
    """Settings factory: the test environment plus per-scenario overrides."""
    # Awards is down in every scenario: nothing listens on this port.
    down_port = gw_free_port()

    def make(**overrides) -> GatewaySettings:
        values = dict(
            database_url=gw_database_url, redis_url=gw_redis_url, stream_prefix=gw_redis_prefix,
            host="127.0.0.1", port=0, workers=1,
            assertion_private_key_file=str(gw_keyset / "assertion_private.pem"),
            token_jwks_file=str(gw_keyset / "token_jwks.json"),
            token_signing_key_file=str(gw_keyset / "token_signing.pem"),
            upstream_goals=gw_upstreams["goals"].url, upstream_feedback=gw_upstreams["feedback"].url,
            upstream_audit=gw_upstreams["audit"].url, upstream_awards=f"http://127.0.0.1:{down_port}",
            upstream_timeout_seconds=5.0, upstream_connect_timeout_seconds=1.0,
            rate_limit_per_minute=600_000, cors_origins="https://portal.example.se", access_log=False,
            shutdown_grace_seconds=1.0,
        )
        values.update(overrides)
        return GatewaySettings(_env_file=None, **values)

    return make


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def gw_launch(gw_settings):
    """Start an in-process gateway with overrides; returns its base URL. All stop at session end."""
    started: list[Gateway] = []

    async def launch(**overrides) -> str:
        gateway = Gateway(gw_settings(**overrides))
        await gateway.start()
        started.append(gateway)
        return f"http://127.0.0.1:{gateway.port}"

    yield launch
    for gateway in started:
        await gateway.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def gw_url(gw_launch) -> str:
    """The default gateway."""
    return await gw_launch()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def gw_keys(gw_database_url):
    """Issue keys in the test database: ``await gw_keys(scopes=[...], actor=..., org=[...], rate_limit=...)``."""
    connection = await asyncpg.connect(gw_database_url)
    repository = KeyRepository(connection)

    async def issue(scopes: list[str], actor: str = "system", org: list[str] | None = None,
                    name: str = "test key", rate_limit: int | None = None) -> tuple[str, str]:
        key, presented = await repository.create(name, scopes, actor, org or [], rate_limit_per_minute=rate_limit)
        return key.key_id, presented

    issue.repository = repository  # type: ignore[attr-defined]
    yield issue
    await connection.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def gw_http():
    import aiohttp

    async with aiohttp.ClientSession(auto_decompress=False) as session:
        yield session


@pytest.fixture(scope="session")
def gw_raw():
    """Send raw bytes to a gateway: ``await gw_raw(url, data, responses=1)`` -> last (status, headers, body)."""
    return raw_request


async def raw_request(base_url: str, data: bytes, responses: int = 1, head_first: bool = False) -> tuple[int, dict, bytes]:
    """Send raw bytes; parse ``responses`` responses, return the last (status, headers, body).

    ``head_first``: the first request is a HEAD (its response has no body whatever its headers say).
    """
    parts = urlsplit(base_url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        writer.write(data)
        await writer.drain()
        result = None
        for index in range(responses):
            result = await read_response(reader, head=head_first and index == 0)
        return result  # type: ignore[return-value]
    finally:
        writer.close()


async def read_response(reader: asyncio.StreamReader, head: bool = False) -> tuple[int, dict, bytes]:
    raw_head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    lines = raw_head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if head:
        body = b""
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        body = b""
        while True:
            size = int((await reader.readline()).strip(), 16)
            data = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += data[:-2]
    else:
        body = await reader.read()
    return status, headers, body
