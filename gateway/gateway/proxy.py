"""The request pipeline: route, authenticate, authorise, rate-limit, forward, answer.

Per request the hot path does one pass over the headers (keeping what is forwarded, picking out
credentials and trace headers, dropping identity headers a client must not set), a dict lookup
for the route, one for the cached identity, a local lease decrement for the rate limit, and one
write/read on a pooled upstream connection. A response that arrived whole is written to the
client in a single write with a Content-Length; larger ones stream with flow control.

Open311 (``gateway.open311``) and public paths (``gateway.public``) add a prefix test and a set
lookup to that path; their work (reading a form body, resolving the client address) is done only
for the requests they concern.
"""

import asyncio
import logging
import time

from servicekit.logging import request_id_var
from servicekit.problemdoc import PROBLEM_MEDIA_TYPE, problem_body

from gateway import open311
from gateway.accesslog import AccessLog
from gateway.auth import ANONYMOUS_IDENTITY, CHALLENGE, AssertionMinter, Authenticator, AuthError
from gateway.circuit import CircuitBreaker
from gateway.config import ROUTE_PREFIXES
from gateway.cors import CorsPolicy
from gateway.http11 import HOP_BY_HOP, LAST_CHUNK, HttpDate, chunk, connection_tokens, status_line
from gateway.metrics import Metrics
from gateway.public import ClientAddresses, PublicPaths
from gateway.ratelimit import RateLimit, RateLimiter, retry_after_header
from gateway.server import Request
from gateway.tracing import request_id, traceparent
from gateway.upstream import Response, UpstreamConnection, UpstreamError, UpstreamPool

log = logging.getLogger("gateway.proxy")

IDEMPOTENT = frozenset({b"GET", b"HEAD", b"OPTIONS", b"PUT", b"DELETE"})
RETRY_BACKOFF_SECONDS = (0.05, 0.2, 0.5)

# Headers the proxy reads; their slot in the ``captured`` list. Slots from _ORIGIN on are also
# forwarded, the others not.
# X-Forwarded-For is read (behind trusted proxies, for the client address) but never forwarded.
(_API_KEY, _AUTHORIZATION, _REQUEST_ID, _TRACEPARENT, _TRACESTATE, _CONNECTION, _EXPECT, _FORWARDED_FOR,
 _ORIGIN, _HOST, _CONTENT_TYPE) = range(11)
_CAPTURE = {
    b"x-api-key": _API_KEY, b"authorization": _AUTHORIZATION, b"x-request-id": _REQUEST_ID,
    b"traceparent": _TRACEPARENT, b"tracestate": _TRACESTATE, b"connection": _CONNECTION, b"expect": _EXPECT,
    b"x-forwarded-for": _FORWARDED_FOR, b"origin": _ORIGIN, b"host": _HOST, b"content-type": _CONTENT_TYPE,
}
_SLOTS = len(_CAPTURE)
_FORWARD, _DISCARD = -1, -2

# Identity a client could try to assert; only the gateway's signed assertion speaks for a caller.
_DROP = HOP_BY_HOP | {
    b"x-internal-assertion", b"x-roles", b"x-scopes", b"x-org", b"x-org-scope", b"x-actor", b"x-actor-kind",
    b"x-subject", b"x-forwarded-user", b"x-forwarded-email", b"x-forwarded-groups",
    b"x-forwarded-preferred-username", b"x-forwarded-access-token", b"x-remote-user", b"remote-user",
    b"x-real-ip", b"forwarded",
}
_DROP_PREFIXES = (b"x-principal", b"x-user", b"x-auth", b"x-internal-", b"x-remote-", b"x-forwarded-")

# Upstream response headers we replace with our own.
_RESPONSE_DROP = HOP_BY_HOP | {b"x-request-id", b"date"}
_RESPONSE_DROP_PREFIXES = (b"access-control-",)

# What to do with a header, by name, decided once per distinct name (the rules above cost several
# comparisons per header; a dict lookup is one). Bounded: names are client-chosen.
_REQUEST_ACTIONS: dict[bytes, int] = dict(_CAPTURE)
_RESPONSE_KEEP: dict[bytes, bool] = {}
_ACTION_CACHE_LIMIT = 4096


def _request_action(name: bytes) -> int:
    action = _DISCARD if name in _DROP or name.startswith(_DROP_PREFIXES) else _FORWARD
    if len(_REQUEST_ACTIONS) < _ACTION_CACHE_LIMIT:
        _REQUEST_ACTIONS[name] = action
    return action


def _response_keep(name: bytes) -> bool:
    keep = not (name in _RESPONSE_DROP or name.startswith(_RESPONSE_DROP_PREFIXES))
    if len(_RESPONSE_KEEP) < _ACTION_CACHE_LIMIT:
        _RESPONSE_KEEP[name] = keep
    return keep


_NO_BODY_STATUSES = frozenset({204, 304})


class Proxy:
    def __init__(self, *, pools: dict[str, UpstreamPool], breakers: dict[str, CircuitBreaker],
                 authenticator: Authenticator, limiter: RateLimiter, minter: AssertionMinter, cors: CorsPolicy,
                 metrics: Metrics, access_log: AccessLog | None, local_routes: dict, timeout: float,
                 retries: int, max_body_bytes: int, public_paths: PublicPaths, clients: ClientAddresses,
                 anonymous_limit: RateLimit, form_max_bytes: int) -> None:
        self._pools = pools
        self._breakers = breakers
        self._auth = authenticator
        self._limiter = limiter
        self._minter = minter
        self._cors = cors
        self._metrics = metrics
        # path -> async callable returning (status, content type, body, extra header bytes)
        self._local = local_routes
        self._timeout = timeout
        self._retries = retries
        self._max_body = max_body_bytes
        self._access_log = access_log
        self._routes = {prefix.encode(): service for prefix, service in ROUTE_PREFIXES.items()}
        unrouted = public_paths.prefixes - self._routes.keys()
        if unrouted:
            raise ValueError(f"public paths outside every service: {', '.join(sorted(p.decode() for p in unrouted))}")
        self._public = public_paths
        # Only requests to these services are matched against the public paths.
        self._public_services = frozenset(self._routes[prefix] for prefix in public_paths.prefixes)
        self._clients = clients
        self._anonymous_limit = anonymous_limit
        self._form_max = form_max_bytes

    # --- entry --------------------------------------------------------------------------------

    async def handle(self, request: Request) -> None:
        started = time.perf_counter()
        captured: list[bytes | None] = [None] * _SLOTS
        forwarded: list[tuple[bytes, bytes]] = []
        actions = _REQUEST_ACTIONS
        for header in request.headers:
            action = actions.get(header[0])
            if action is None:
                action = _request_action(header[0])
            if action == _FORWARD:
                forwarded.append(header)
            elif action >= 0:
                if action == _FORWARDED_FOR and captured[action] is not None:  # several: one list
                    captured[action] += b", " + header[1]  # type: ignore[operator]
                else:
                    captured[action] = header[1]
                if action >= _ORIGIN:
                    forwarded.append(header)
        if captured[_CONNECTION] is not None:
            listed = connection_tokens(captured[_CONNECTION]) - {b"close", b"keep-alive"}  # type: ignore[arg-type]
            if listed:
                forwarded = [header for header in forwarded if header[0] not in listed]

        rid = request_id(captured[_REQUEST_ID])
        request_id_var.set(rid)
        call = _Call(request, rid, captured[_ORIGIN], started)
        path = request.url.partition(b"?")[0]
        label = "gateway"  # the upstream label of metrics and logs
        try:
            if request.method == b"OPTIONS" and captured[_ORIGIN] is not None and self._is_preflight(request):
                return self._preflight(call, captured[_ORIGIN])
            local = self._local.get(path)
            if local is not None:
                return await self._serve_local(call, local)
            service = self._route(path)
            if service is None:
                return self._reply_problem(call, 404, "No service answers this path.", "no-route")
            label = service
            if not path.startswith(b"/") or b"/." in path or (b"%" in path and _encoded_separator(path)):
                return self._reply_problem(call, 400, "The path must not contain dot segments or encoded separators.", "bad-path")
            if (request.content_length or 0) > self._max_body or request.body.received > self._max_body:
                return self._reply_problem(call, 413, f"The body exceeds {self._max_body} bytes.")
            api_key, authorization = captured[_API_KEY], captured[_AUTHORIZATION]
            url, body = request.url, None
            if path.startswith(open311.PREFIX) and open311.under_prefix(path):
                credentials = await self._open311_credentials(call, captured)
                if credentials is None:
                    return  # answered
                api_key, url, body = credentials
            public = service in self._public_services and self._public.matches(request.method, path)
            if public and api_key is None and authorization is None:
                identity = ANONYMOUS_IDENTITY
                rate_key = self._clients.rate_key(request.peer, captured[_FORWARDED_FOR])
                limit = self._anonymous_limit
            else:
                identity = self._auth.cached(api_key, authorization)
                if identity is None:
                    try:
                        identity = await self._auth.authenticate(api_key, authorization)
                    except AuthError as exc:
                        extra = b"www-authenticate: %b\r\n" % exc.challenge.encode() if exc.challenge else b""
                        kind = "unauthenticated" if exc.status == 401 else "authentication-unavailable"
                        detail = exc.detail
                        if api_key is None and authorization is None and open311.under_prefix(path):
                            detail = "An api_key is required: send it in the form body or the query string."
                        return self._reply_problem(call, exc.status, detail, kind, extra)
                # On a public path a key is forwarded as itself even beyond its scopes (a
                # feedback:submit key GETs the public view): the service decides what it shows.
                if not public and not identity.allows(service, request.method):
                    return self._reply_problem(call, 403, "The API key's scopes do not cover this request.", "insufficient-scope")
                rate_key, limit = identity.rate_key, identity.rate_limit
            call.subject = identity.subject
            wait = None if self._limiter.take_leased(rate_key) else await self._limiter.check(rate_key, limit)
            if wait is not None:
                return self._reply_problem(call, 429, "Too many requests; slow down.", "rate-limited",
                                           b"retry-after: %b\r\n" % retry_after_header(wait).encode())
            breaker = self._breakers[service]
            wait = breaker.allow()
            if wait is not None:
                return self._reply_problem(call, 503, f"The {service} service is unavailable; retry later.",
                                           "upstream-unavailable", b"retry-after: %b\r\n" % retry_after_header(wait).encode())
            assertion = identity.assertion_for(self._minter, service)
            await self._forward(call, service, breaker, forwarded, captured, assertion, url, body)
        finally:
            self._finish(call, label)

    # --- forwarding ---------------------------------------------------------------------------

    async def _forward(self, call: "_Call", service: str, breaker: CircuitBreaker,
                       forwarded: list[tuple[bytes, bytes]], captured: list, assertion: str, url: bytes,
                       body_read: bytes | None) -> None:
        """Send the request on; ``url`` and ``body_read`` (a body already read whole, else None)
        may differ from the client's where the gateway took an ``api_key`` out of them."""
        request = call.request
        method = request.method
        trace, client_trace = traceparent(captured[_TRACEPARENT])
        parts = [method, b" ", url, b" HTTP/1.1\r\n"]
        for name, value in forwarded:
            parts += (name, b": ", value, b"\r\n")
        if captured[_HOST] is None:
            parts += (b"host: ", self._pools[service].host_header, b"\r\n")
        parts += (b"x-internal-assertion: ", assertion.encode(), b"\r\nx-request-id: ", call.rid.encode(),
                  b"\r\ntraceparent: ", trace, b"\r\nx-forwarded-for: ", request.peer.encode(), b"\r\n")
        if client_trace and captured[_TRACESTATE] is not None:
            parts += (b"tracestate: ", captured[_TRACESTATE], b"\r\n")
        body = request.body
        streaming = body_read is None and not body.complete
        if body_read is not None:
            parts += (b"content-length: %d\r\n\r\n" % len(body_read), body_read)
        elif streaming:
            # The body is still arriving: stream it with the client's framing.
            if request.content_length is not None:
                parts += (b"content-length: %d\r\n\r\n" % request.content_length,)
            else:
                parts += (b"transfer-encoding: chunked\r\n\r\n",)
            _send_continue(request, captured)
        else:
            data = body.buffered()
            if data or request.content_length is not None or request.chunked:
                parts += (b"content-length: %d\r\n\r\n" % len(data), data)
            else:
                parts += (b"\r\n",)
        head = b"".join(parts)

        try:
            response, pump = await self._exchange(service, method, head, request, streaming)
        except _BodyTooLarge:
            breaker.release_probe()
            return self._reply_problem(call, 413, f"The body exceeds {self._max_body} bytes.")
        except UpstreamError as exc:
            if request.client_gone:
                breaker.release_probe()
                call.status = 499  # nginx's "client closed request", for logs and metrics only
                return
            breaker.failure()
            kind = "upstream-timeout" if exc.status == 504 else "bad-gateway"
            self._metrics.upstream_error(service, type(exc).__name__)
            log.warning("upstream exchange failed", extra={"upstream": service, "error": exc.detail})
            return self._reply_problem(call, exc.status, f"The {service} service: {exc.detail}.", kind)
        breaker.success()
        try:
            await self._relay_response(call, response)
        finally:
            if pump is not None and not pump.done():
                pump.cancel()  # the service answered without reading our whole body

    async def _exchange(self, service: str, method: bytes, head: bytes, request: Request,
                        streaming: bool) -> tuple[Response, asyncio.Task | None]:
        """Send the request and await the response head, retrying where that is safe."""
        pool = self._pools[service]
        loop = pool.loop
        deadline = loop.time() + self._timeout
        attempts = 1 + (self._retries if method in IDEMPOTENT else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            if attempt:
                await asyncio.sleep(RETRY_BACKOFF_SECONDS[min(attempt, len(RETRY_BACKOFF_SECONDS)) - 1])
            try:
                conn = pool.take_idle() or await pool.acquire(deadline)
            except UpstreamError as exc:
                if exc.retryable and not last and loop.time() < deadline:
                    continue
                raise
            head_future = conn.begin(head_only=method == b"HEAD", deadline=deadline)
            conn.write(head)
            pump = None
            if streaming:
                conn.request_complete = False
                pump = loop.create_task(self._pump(request, conn))
            try:
                return await head_future, pump
            except UpstreamError as exc:
                if pump is not None:
                    if pump.done() and pump.result():
                        raise _BodyTooLarge() from None
                    pump.cancel()
                # Nothing came back (typically a kept-alive connection the service closed as we
                # reused it): an idempotent request goes again, unless its body was streamed away.
                if exc.retryable and not streaming and not last and loop.time() < deadline:
                    continue
                raise
        raise AssertionError("unreachable")

    async def _pump(self, request: Request, conn: UpstreamConnection) -> bool:
        """Stream the rest of the request body to the service; True if it was too large."""
        body = request.body
        chunked = request.content_length is None
        try:
            while data := await body.read():
                if body.received > self._max_body:
                    conn.abort()
                    return True
                conn.write(chunk(data) if chunked else data)
                await conn.drain()
        except ConnectionError:  # the client left mid-upload; the exchange fails with it
            conn.abort()
            return False
        if chunked:
            conn.write(LAST_CHUNK)
        conn.request_complete = True
        return False

    async def _relay_response(self, call: "_Call", response: Response) -> None:
        request = call.request
        status = response.status
        call.status = status
        head_only = request.method == b"HEAD" or status in _NO_BODY_STATUSES
        parts = [status_line(status)]
        length = None
        keep_headers = _RESPONSE_KEEP
        for header in response.headers:
            name = header[0]
            keep = keep_headers.get(name)
            if keep is None:
                keep = _response_keep(name)
            if keep:
                parts += (name, b": ", header[1], b"\r\n")
            elif name == b"content-length":
                length = header[1]
        parts += (b"x-request-id: ", call.rid.encode(), b"\r\ndate: ", HttpDate.get(), b"\r\n")
        if call.origin is not None:
            parts.append(self._cors.response_headers(call.origin))
        body = response.body
        if head_only:
            if length is not None:
                parts += (b"content-length: ", length, b"\r\n")
            parts += (request.connection_header(), b"\r\n")
            request.send(b"".join(parts))
            return
        if body.complete:
            data = body.buffered()
            parts += (b"content-length: %d\r\n" % len(data), request.connection_header(), b"\r\n", data)
            request.send(b"".join(parts))
            return
        # Streaming: keep the service's length if it gave one, else chunk (HTTP/1.0: close).
        chunked = False
        if length is not None:
            parts += (b"content-length: ", length, b"\r\n")
        elif request.version == "1.1":
            chunked = True
            parts.append(b"transfer-encoding: chunked\r\n")
        else:
            request.keep_alive = False
        parts += (request.connection_header(), b"\r\n")
        request.send(b"".join(parts))
        try:
            while data := await body.read():  # a stalled service times out in the pool
                if request.client_gone:
                    raise ConnectionResetError("client gone")
                request.send(chunk(data) if chunked else data)
                await request.drain()
            if chunked:
                request.send(LAST_CHUNK)
        except (ConnectionError, UpstreamError) as exc:
            # Past the head nothing can be reported in-band: cut both connections.
            response.abandon()
            if request.client_gone:
                call.status = 499
                return
            log.warning("response body broken off", extra={"error": getattr(exc, "detail", None) or str(exc)})
            request.keep_alive = False
            if request.conn.transport is not None:
                request.conn.transport.abort()

    # --- Open311 ------------------------------------------------------------------------------

    async def _open311_credentials(self, call: "_Call", captured: list) -> tuple | None:
        """(API key, URL, body read or None) with ``api_key`` taken out of query and form body,
        as GeoReport v2 clients send it; None when an error has been answered instead."""
        request = call.request
        try:
            url, query_key = open311.take_query_api_key(request.url)
            body = form_key = None
            if request.method == b"POST" and open311.is_form(captured[_CONTENT_TYPE]):
                body = await self._read_form(call, captured)
                if body is None:
                    return None
                body, form_key = open311.take_api_key(body)
        except open311.DuplicateKey as exc:
            return self._reply_problem(call, 400, f"{exc}.", "duplicate-api-key")
        keys = {key for key in (captured[_API_KEY], query_key, form_key) if key is not None}
        if len(keys) > 1:
            return self._reply_problem(call, 401, "Send one API key: the api_key parameter and the X-API-Key"
                                       " header name different keys.", "unauthenticated", b"www-authenticate: %b\r\n" % CHALLENGE.encode())
        return (keys.pop() if keys else None), url, body

    async def _read_form(self, call: "_Call", captured: list) -> bytes | None:
        """The whole form body (at most ``form_max_bytes``), or None when an error was answered."""
        request = call.request
        body = request.body
        too_large = f"The form body exceeds {self._form_max} bytes."
        if (request.content_length or 0) > self._form_max:
            return self._reply_problem(call, 413, too_large)
        if not body.complete:
            _send_continue(request, captured)
        chunks, size = [], 0
        try:
            async with asyncio.timeout(self._timeout):
                while data := await body.read():
                    size += len(data)
                    if size > self._form_max:
                        return self._reply_problem(call, 413, too_large)
                    chunks.append(data)
        except TimeoutError:
            return self._reply_problem(call, 408, "The request body took too long.", "body-timeout")
        except ConnectionError:  # the client left mid-upload
            call.status = 499
            return None
        return b"".join(chunks)

    # --- local answers ------------------------------------------------------------------------

    def _route(self, path: bytes) -> str | None:
        first = path.find(b"/", 1)
        if first < 0:
            return None
        second = path.find(b"/", first + 1)
        return self._routes.get(path[1:second] if second > 0 else path[1:])

    @staticmethod
    def _is_preflight(request: Request) -> bool:
        return any(name == b"access-control-request-method" for name, _ in request.headers)

    def _preflight(self, call: "_Call", origin: bytes) -> None:
        requested = next((v for n, v in call.request.headers if n == b"access-control-request-headers"), None)
        headers = self._cors.preflight_headers(origin, requested)
        if headers is None:
            return self._reply_problem(call, 403, "This origin may not call the API.", "cors-origin")
        self._reply(call, 204, None, b"", headers, cors=False)

    async def _serve_local(self, call: "_Call", endpoint) -> None:
        if call.request.method not in (b"GET", b"HEAD"):
            return self._reply_problem(call, 405, "Only GET and HEAD are allowed here.",
                                       extra=b"allow: GET, HEAD\r\n")
        status, content_type, body, extra = await endpoint()
        self._reply(call, status, content_type, body, extra)

    def _reply_problem(self, call: "_Call", status: int, detail: str, kind: str | None = None,
                       extra: bytes = b"") -> None:
        """An error the gateway answers itself: RFC 9457, or on Open311 paths the spec's format."""
        path = call.request.url.partition(b"?")[0]
        if open311.under_prefix(path):
            content_type, body = open311.error_body(path, status, detail)
            return self._reply(call, status, content_type, body, extra)
        body = problem_body(status, detail, kind=kind, instance=path.decode("latin-1"))
        self._reply(call, status, PROBLEM_MEDIA_TYPE.encode(), body, extra)

    def _reply(self, call: "_Call", status: int, content_type: bytes | None, body: bytes,
               extra: bytes = b"", cors: bool = True) -> None:
        request = call.request
        call.status = status
        if request.client_gone:
            return
        parts = [status_line(status), b"x-request-id: ", call.rid.encode(), b"\r\ndate: ", HttpDate.get(), b"\r\n"]
        if content_type is not None:
            parts += (b"content-type: ", content_type, b"\r\n")
        parts += (extra, b"content-length: %d\r\n" % len(body))
        if cors and call.origin is not None:
            parts.append(self._cors.response_headers(call.origin))
        parts += (request.connection_header(), b"\r\n")
        if request.method != b"HEAD":
            parts.append(body)
        request.send(b"".join(parts))

    def _finish(self, call: "_Call", upstream: str) -> None:
        elapsed = time.perf_counter() - call.started
        self._metrics.observe(upstream, call.status, elapsed)
        if self._access_log is not None:
            request = call.request
            self._access_log.record(call.rid, request.method, request.url.partition(b"?")[0], call.status,
                                    upstream, call.subject, elapsed)


class _Call:
    """One request's state as the pipeline goes."""

    __slots__ = ("request", "rid", "origin", "started", "status", "subject")

    def __init__(self, request: Request, rid: str, origin: bytes | None, started: float) -> None:
        self.request = request
        self.rid = rid
        self.origin = origin
        self.started = started
        self.status = 500
        self.subject: str | None = None


class _BodyTooLarge(Exception):
    pass


def _send_continue(request: Request, captured: list) -> None:
    """Answer ``Expect: 100-continue`` before reading a body the client holds back until then."""
    expect = captured[_EXPECT]
    if expect is not None and expect.lower() == b"100-continue":
        request.send(b"HTTP/1.1 100 Continue\r\n\r\n")
        request.started = False  # an interim answer; the real response is still to come


def _encoded_separator(path: bytes) -> bool:
    lowered = path.lower()
    return b"%2f" in lowered or b"%2e" in lowered or b"%5c" in lowered

