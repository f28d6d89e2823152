"""HTTP/1.1 client for the upstream services: one keep-alive connection pool per upstream.

A connection carries one exchange at a time (no pipelining). The response head is awaited with a
deadline; the body arrives in a ``BodyBuffer`` with flow control, and the connection returns to
the pool as soon as the response is complete, even while the caller still reads the buffer.
"""

import asyncio
import socket
import ssl
import time

import httptools

from gateway.config import Upstream
from gateway.http11 import EMPTY_BODY, BodyBuffer

# A response body up to this size is delivered together with its head (see on_headers_complete).
SMALL_BODY_BYTES = 64 * 1024


class UpstreamError(Exception):
    """The exchange failed; ``status`` is what the gateway answers (502 or 504)."""

    status = 502
    # The service sent nothing back: an idempotent request may be sent again.
    retryable = False

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class ConnectFailed(UpstreamError):
    retryable = True


class ConnectTimeout(ConnectFailed):
    status = 504


class NoResponse(UpstreamError):
    """The connection closed before a single response byte (e.g. a kept-alive connection the
    service closed as we reused it)."""

    retryable = True


class UpstreamTimeout(UpstreamError):
    status = 504


class BadResponse(UpstreamError):
    pass


class Response:
    __slots__ = ("status", "headers", "body", "keep_alive", "_conn")

    def __init__(self, conn: "UpstreamConnection", status: int, headers: list[tuple[bytes, bytes]],
                 has_body: bool) -> None:
        self._conn = conn
        self.status = status
        self.headers = headers
        self.body = BodyBuffer(self) if has_body else EMPTY_BODY
        self.keep_alive = True

    def abandon(self) -> None:
        """The reader gives up on the body: close the connection unless the body is complete
        (then the connection may already serve another exchange)."""
        if not self.body.complete:
            self._conn.abort()

    # Flow control of the body buffer; a no-op once the connection serves another exchange.
    def pause_reading(self) -> None:
        conn = self._conn
        if conn._response is self and conn._in_exchange and conn.transport is not None:
            conn.transport.pause_reading()

    def resume_reading(self) -> None:
        conn = self._conn
        if conn._response is self and conn._in_exchange and conn._reading_paused():
            conn.transport.resume_reading()  # type: ignore[union-attr]


class UpstreamConnection(asyncio.Protocol):
    def __init__(self, pool: "UpstreamPool") -> None:
        self._pool = pool
        self._loop = pool.loop
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = 0.0
        # Set by the caller once the whole request body is written; an early answer (e.g. 413)
        # leaves the rest of our body unsent, so the connection cannot be reused after it.
        self.request_complete = True
        self._parser = httptools.HttpResponseParser(self)
        self._head_only = False
        self._head: asyncio.Future | None = None
        self._response: Response | None = None
        self._headers: list[tuple[bytes, bytes]] = []
        self._informational = False
        self._framed = False
        self._length: int | None = None
        self._deliver_at_end = False
        self._until_close = False
        self._in_exchange = False
        self._got_bytes = False
        self.deadline = 0.0
        self._write_paused = False
        self._drain_waiter: asyncio.Future | None = None

    # --- the caller's side ---------------------------------------------------------------------

    def begin(self, head_only: bool, deadline: float) -> asyncio.Future:
        """Start an exchange; returns the future of the response head.

        The deadline (``loop.time()`` based) bounds the wait for the response head; after it, each
        pause in the body may last the pool's ``read_timeout``. Both are enforced by the pool's
        periodic check rather than a timer per request (a timer costs ~3 µs to arm and cancel).
        """
        self._in_exchange = True
        self._head_only = head_only
        self._got_bytes = False
        self._response = None
        self.request_complete = True
        self._head = self._loop.create_future()
        self.deadline = deadline
        self._pool.in_flight.add(self)
        return self._head

    def write(self, data: bytes) -> None:
        if self.transport is not None and not self.closed:
            self.transport.write(data)

    async def drain(self) -> None:
        if self._write_paused and not self.closed:
            self._drain_waiter = self._loop.create_future()
            try:
                await self._drain_waiter
            finally:
                self._drain_waiter = None

    def abort(self) -> None:
        """Give up on the exchange in progress; the connection is closed, not reused.

        A no-op once the exchange has ended, when the connection may already serve another.
        """
        if not self._in_exchange:
            return
        self._fail(BadResponse("the exchange was abandoned"))
        if self._response is not None:  # a reader of the body must not wait for more
            self._response.body.fail(ConnectionAbortedError("the exchange was abandoned"))
        self._in_exchange = False
        self._pool.release(self, reuse=False)
        if self.transport is not None:
            self.transport.abort()

    # --- asyncio.Protocol -------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._wake_drain()
        if not self._in_exchange:
            self._pool.forget(self)
            return
        response = self._response
        if self._head_pending():
            if not self._got_bytes:
                self._fail(NoResponse("the service closed the connection without answering"))
            else:
                self._fail(BadResponse("the service closed the connection without a complete response"))
            self._in_exchange = False
            self._pool.release(self, reuse=False)
        elif self._until_close:
            response.body.end()
            self._message_done(reuse=False)
        else:
            response.body.fail(ConnectionResetError("the service closed the connection mid-body"))
            self._in_exchange = False
            self._pool.in_flight.discard(self)
            self._pool.release(self, reuse=False)

    def data_received(self, data: bytes) -> None:
        self._got_bytes = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(BadResponse(f"malformed response from the service: {exc}"))
            if self._in_exchange:
                self.abort()
            elif self.transport is not None:
                self.transport.abort()  # garbage on an idle connection: connection_lost forgets it

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        self._wake_drain()

    # --- httptools callbacks ------------------------------------------------------------------

    def on_message_begin(self) -> None:
        self._headers = []
        self._framed = False
        self._length = None

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name == b"content-length":
            self._framed = True
            self._length = int(value)  # llhttp has validated it
        elif name == b"transfer-encoding":
            self._framed = True
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        status = self._parser.get_status_code()
        # 1xx (100 Continue, 103 Early Hints) precede the real response; we do not relay them.
        self._informational = 100 <= status < 200
        if self._informational or not self._in_exchange:
            return
        self.deadline = self._loop.time() + self._pool.read_timeout
        has_body = not self._head_only and status not in (204, 304)
        response = Response(self, status, self._headers, has_body)
        self._response = response
        # Neither Content-Length nor chunked: the body runs until the service closes.
        self._until_close = has_body and not self._framed
        # Services write the head and a small body separately: deliver both together, so the
        # caller wakes once and answers in one write instead of streaming.
        self._deliver_at_end = has_body and self._length is not None and self._length <= SMALL_BODY_BYTES
        if not self._deliver_at_end:
            self._deliver()
        if self._head_only:
            # llhttp would wait for the Content-Length body a HEAD answer never has; a fresh parser
            # takes the next response on this connection.
            keep_alive = self._parser.should_keep_alive()
            self._parser = httptools.HttpResponseParser(self)
            self._message_done(reuse=keep_alive)

    def on_body(self, body: bytes) -> None:
        if self._response is not None and self._in_exchange:
            self.deadline = self._loop.time() + self._pool.read_timeout
            self._response.body.feed(body)

    def on_message_complete(self) -> None:
        if self._informational:
            self._informational = False
            return
        if self._response is None or not self._in_exchange:
            return
        if self._response.body is not EMPTY_BODY:
            self._response.body.end()
        if self._deliver_at_end:
            self._deliver()
        self._message_done(reuse=self._parser.should_keep_alive() and not self._until_close)

    # --- internals --------------------------------------------------------------------------------

    def _deliver(self) -> None:
        head = self._head
        if head is not None and not head.done():
            head.set_result(self._response)

    def _head_pending(self) -> bool:
        return self._head is not None and not self._head.done()

    def _message_done(self, reuse: bool) -> None:
        self._in_exchange = False
        self._pool.in_flight.discard(self)
        response = self._response
        if response is not None:
            response.keep_alive = reuse
        if self._reading_paused():
            self.transport.resume_reading()  # type: ignore[union-attr]
        self._pool.release(self, reuse=reuse and self.request_complete and not self.closed)

    def _reading_paused(self) -> bool:
        return self.transport is not None and not self.transport.is_reading() and not self.closed

    def timed_out(self) -> None:
        if self._head_pending():
            self._fail(UpstreamTimeout("the service did not answer in time"))
        else:
            self._response.body.fail(UpstreamTimeout("the service stopped sending its answer"))
        self.abort()

    def _fail(self, error: UpstreamError) -> None:
        self._pool.in_flight.discard(self)
        head = self._head
        if head is not None and not head.done():
            head.set_exception(error)
            head.exception()  # the caller may be gone; do not warn about an unretrieved exception

    def _wake_drain(self) -> None:
        if self._drain_waiter is not None and not self._drain_waiter.done():
            self._drain_waiter.set_result(None)


class UpstreamPool:
    """Keep-alive connections to one upstream, bounded in number, reused most-recent first."""

    def __init__(self, upstream: Upstream, *, max_connections: int, connect_timeout: float, read_timeout: float,
                 idle_seconds: float) -> None:
        self.upstream = upstream
        # The longest pause allowed within a response body.
        self.read_timeout = read_timeout
        self._max = max_connections
        self._connect_timeout = connect_timeout
        self._idle_seconds = idle_seconds
        self._ssl = ssl.create_default_context() if upstream.scheme == "https" else None
        self.loop = asyncio.get_running_loop()
        self._idle: list[UpstreamConnection] = []
        self._open = 0
        self._waiters: list[asyncio.Future] = []
        # Connections with an exchange in progress, checked against their deadline.
        self.in_flight: set[UpstreamConnection] = set()
        # The Host header for requests the gateway makes itself (health, OpenAPI).
        self.host_header = f"{upstream.host}:{upstream.port}".encode()

    def take_idle(self) -> UpstreamConnection | None:
        """A kept-alive connection if one is free (the hot path, no coroutine)."""
        while self._idle:
            conn = self._idle.pop()
            if conn.transport is not None and conn.transport.is_closing():
                self.release(conn, reuse=False)  # closing, connection_lost not yet delivered
                continue
            return conn
        return None

    async def acquire(self, deadline: float) -> UpstreamConnection:
        conn = self.take_idle()
        if conn is not None:
            return conn
        if self._open >= self._max:
            return await self._wait_for_connection(deadline)
        self._open += 1
        try:
            return await self._connect(deadline)
        except BaseException:
            self._open -= 1
            self._wake_waiter()
            raise

    async def _connect(self, deadline: float) -> UpstreamConnection:
        loop = self.loop
        timeout = min(self._connect_timeout, max(0.0, deadline - loop.time()))
        try:
            async with asyncio.timeout(timeout):
                _, conn = await loop.create_connection(
                    lambda: UpstreamConnection(self), self.upstream.host, self.upstream.port, ssl=self._ssl,
                )
        except TimeoutError:
            raise ConnectTimeout(f"connecting to {self.upstream.name} timed out") from None
        except OSError as exc:
            raise ConnectFailed(f"cannot connect to {self.upstream.name}: {exc.strerror or exc}") from None
        return conn

    async def _wait_for_connection(self, deadline: float) -> UpstreamConnection:
        waiter = self.loop.create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout_at(deadline):
                conn = await waiter
        except BaseException as exc:
            self._give_back(waiter)
            if isinstance(exc, TimeoutError):
                raise UpstreamTimeout(f"no free connection to {self.upstream.name} in time") from None
            raise
        if conn is None:  # a slot was freed: open a new connection in it
            try:
                return await self._connect(deadline)
            except BaseException:
                self._open -= 1
                self._wake_waiter()
                raise
        return conn

    def _give_back(self, waiter: asyncio.Future) -> None:
        """A waiter gave up; what may have been handed to it in the meantime goes to the next."""
        if waiter in self._waiters:
            self._waiters.remove(waiter)
        elif waiter.done() and not waiter.cancelled():
            conn = waiter.result()
            if conn is None:
                self._open -= 1
                self._wake_waiter()
            else:
                self.release(conn, reuse=True)

    def release(self, conn: UpstreamConnection, reuse: bool) -> None:
        if reuse and not conn.closed:
            while self._waiters:
                waiter = self._waiters.pop(0)
                if not waiter.done():
                    waiter.set_result(conn)
                    return
            conn.idle_since = time.monotonic()
            self._idle.append(conn)
            return
        if not conn.closed and conn.transport is not None:
            conn.transport.close()
        conn.closed = True
        self._open -= 1
        self._wake_waiter()

    def forget(self, conn: UpstreamConnection) -> None:
        """An idle connection was closed by the service."""
        if conn in self._idle:
            self._idle.remove(conn)
            self._open -= 1
            self._wake_waiter()

    def _wake_waiter(self) -> None:
        while self._waiters:
            waiter = self._waiters.pop(0)
            if not waiter.done():
                self._open += 1  # the waiter connects in the freed slot
                waiter.set_result(None)
                return

    def check_deadlines(self, now: float) -> None:
        """Time out exchanges past their deadline (called by the worker's housekeeping tick)."""
        if self.in_flight:
            for conn in [conn for conn in self.in_flight if conn.deadline <= now]:
                conn.timed_out()

    def sweep(self) -> None:
        """Close connections idle longer than the service would keep them."""
        limit = time.monotonic() - self._idle_seconds
        stale = [conn for conn in self._idle if conn.idle_since < limit]
        for conn in stale:
            self._idle.remove(conn)
            self.release(conn, reuse=False)

    def close(self) -> None:
        for conn in self._idle:
            if conn.transport is not None:
                conn.transport.close()
        self._idle.clear()


async def fetch(pool: UpstreamPool, path: str, headers: dict[str, str] | None = None,
                timeout: float = 2.0) -> tuple[int, bytes]:
    """GET a small document from an upstream (health checks, OpenAPI), body read whole."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    lines = [f"GET {path} HTTP/1.1\r\nhost: {pool.host_header.decode()}\r\naccept: application/json\r\n"]
    lines.extend(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    conn = await pool.acquire(deadline)
    head = conn.begin(head_only=False, deadline=deadline)
    conn.write("".join(lines).encode("latin-1") + b"\r\n")
    try:
        response: Response = await head
        parts = []
        async with asyncio.timeout_at(deadline):
            while chunk := await response.body.read():
                parts.append(chunk)
    except TimeoutError:
        conn.abort()
        raise UpstreamTimeout("the service did not send its answer in time") from None
    except ConnectionError as exc:
        raise BadResponse(str(exc)) from None
    except BaseException:
        conn.abort()
        raise
    return response.status, b"".join(parts)
