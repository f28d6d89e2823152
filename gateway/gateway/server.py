"""The gateway's HTTP/1.1 server: an asyncio protocol parsing requests with httptools.

Each connection has one task that runs the handler for its requests in order (keep-alive and
pipelining), created at its first request and parked on a future between requests: a task per
request would cost ~10 µs each, a wake-up costs a fraction of that. Request bodies stream
through a ``BodyBuffer`` (never held whole); the handler writes responses with
``Request.send``/``drain``.
"""

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import NamedTuple

import httptools

from gateway.http11 import EMPTY_BODY, BodyBuffer

log = logging.getLogger("gateway.server")

MAX_HEADER_BYTES = 64 * 1024
MAX_PIPELINED = 16
# A client must finish its request head within this long (slow-loris protection).
HEADER_TIMEOUT_SECONDS = 10.0
# How long a closing connection keeps draining a body the client is still sending.
LINGER_SECONDS = 2.0


class _HeadTooLarge(Exception):
    pass


class BadRequest(NamedTuple):
    """Why the byte stream from a client cannot be served."""

    status: int
    detail: str


class Request:
    __slots__ = (
        "conn", "method", "url", "version", "headers", "keep_alive", "body", "content_length",
        "chunked", "started",
    )

    def __init__(self, conn: "HTTPProtocol", method: bytes, url: bytes, version: str,
                 headers: list[tuple[bytes, bytes]], keep_alive: bool) -> None:
        self.conn = conn
        self.method = method
        self.url = url
        self.version = version
        # Names lower-cased, values as sent.
        self.headers = headers
        self.keep_alive = keep_alive
        self.body = EMPTY_BODY
        self.content_length: int | None = None
        self.chunked = False
        # True once the handler wrote the response head: an error after it can only close.
        self.started = False

    @property
    def peer(self) -> str:
        return self.conn.peer

    def connection_header(self) -> bytes:
        """The Connection header for the response; decides whether the connection stays open.

        A body the handler did not consume leaves unread bytes on the socket, so we close.
        """
        if not self.keep_alive or not self.body.complete or self.conn.closing:
            self.keep_alive = False
            return b"connection: close\r\n"
        if self.version == "1.0":
            return b"connection: keep-alive\r\n"
        return b""

    def send(self, data: bytes) -> None:
        self.started = True
        self.conn.write(data)

    async def drain(self) -> None:
        await self.conn.drain()

    @property
    def client_gone(self) -> bool:
        return self.conn.transport is None or self.conn.transport.is_closing()


Handler = Callable[[Request], Awaitable[None]]
# Answers a request the handler never saw (unparseable) or that failed before a response started.
ErrorWriter = Callable[[Request | None, "HTTPProtocol", int, str], None]


class ServerState:
    """Open connections of one worker, for idle sweeps and graceful shutdown."""

    def __init__(self, handler: Handler, on_error: ErrorWriter, keepalive_seconds: float) -> None:
        self.handler = handler
        self.on_error = on_error
        self.keepalive_seconds = keepalive_seconds
        self.connections: set[HTTPProtocol] = set()
        self.stopping = False

    def sweep(self) -> None:
        now = time.monotonic()
        for conn in list(self.connections):
            conn.check_idle(now)

    def begin_shutdown(self) -> None:
        self.stopping = True
        for conn in list(self.connections):
            conn.shutdown()

    def abort_all(self) -> None:
        for conn in list(self.connections):
            if conn.transport is not None:
                conn.transport.abort()


class HTTPProtocol(asyncio.Protocol):
    def __init__(self, state: ServerState) -> None:
        self.state = state
        self._loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.peer = ""
        self.closing = False
        self._parser = httptools.HttpRequestParser(self)
        self._url = b""
        self._headers: list[tuple[bytes, bytes]] = []
        self._header_bytes = 0
        self._parsing: Request | None = None
        self._pending: deque[Request] = deque()
        self._task: asyncio.Task | None = None
        self._idle_waiter: asyncio.Future | None = None
        self._busy = False
        self._head_started: float | None = None
        self._last_activity = time.monotonic()
        self._ignore_input = False
        self._reading_paused = False
        self._pipeline_paused = False
        self._write_paused = False
        self._drain_waiter: asyncio.Future | None = None

    # --- asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.peer = peer[0] if isinstance(peer, tuple) else ""
        self.state.connections.add(self)
        if self.state.stopping:
            self.closing = True
            transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.state.connections.discard(self)
        self.closing = True
        error = ConnectionResetError("client closed the connection")
        if self._parsing is not None:
            self._parsing.body.fail(error)
        for request in self._pending:
            request.body.fail(error)
        self._wake_drain()
        self._wake_idle()

    def data_received(self, data: bytes) -> None:
        if self._ignore_input:
            return
        self._last_activity = time.monotonic()
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # Upgrades (WebSocket, h2c) are not offered: serve the request as plain HTTP, then close.
            self._ignore_input = True
            if self._parsing is not None:
                self._parsing.keep_alive = False
                self._parsing.body.end()
                self._parsing = None
        except httptools.HttpParserCallbackError as exc:
            too_large = isinstance(exc.__context__, _HeadTooLarge)
            self._protocol_error(BadRequest(431, "The request head is too large.") if too_large
                                 else BadRequest(400, "Malformed request."))
        except httptools.HttpParserError:
            self._protocol_error(BadRequest(400, "Malformed HTTP request."))

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        self._wake_drain()

    # --- httptools callbacks ------------------------------------------------------------------

    def on_message_begin(self) -> None:
        self._url = b""
        self._headers = []
        if self._head_started is None:
            self._head_started = time.monotonic()

    def on_url(self, url: bytes) -> None:
        self._url += url
        self._header_bytes += len(url)
        if self._header_bytes > MAX_HEADER_BYTES:
            raise _HeadTooLarge()

    def on_header(self, name: bytes, value: bytes) -> None:
        # llhttp sets no limit on a head's size; this bounds the memory a client can make us hold.
        self._header_bytes += len(name) + len(value)
        if self._header_bytes > MAX_HEADER_BYTES:
            raise _HeadTooLarge()
        self._headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        parser = self._parser
        request = Request(self, parser.get_method(), self._url, parser.get_http_version(),
                          self._headers, parser.should_keep_alive())
        self._head_started = None
        self._header_bytes = 0
        for name, value in self._headers:
            if name == b"content-length":
                request.content_length = int(value)  # llhttp has validated it
            elif name == b"transfer-encoding":
                request.chunked = True
        if request.chunked or request.content_length:
            request.body = BodyBuffer(self)
        self._parsing = request
        self._pending.append(request)
        if self._idle_waiter is not None:
            self._wake_idle()
        elif self._task is None:
            self._task = self._loop.create_task(self._serve())
        if len(self._pending) >= MAX_PIPELINED and not self._pipeline_paused:
            self._pipeline_paused = True
            self.pause_reading()

    def on_body(self, body: bytes) -> None:
        if self._parsing is not None:
            self._parsing.body.feed(body)

    def on_message_complete(self) -> None:
        if self._parsing is not None:
            if self._parsing.body is not EMPTY_BODY:
                self._parsing.body.end()
            self._parsing = None

    # --- serving ------------------------------------------------------------------------------

    async def _serve(self) -> None:
        """The connection's task: its requests one after the other, parked while there are none."""
        pending = self._pending
        handler = self.state.handler
        while True:
            if not pending:
                self._busy = False
                self._last_activity = time.monotonic()
                if self.closing:
                    return
                self._idle_waiter = self._loop.create_future()
                await self._idle_waiter
                if not pending:  # woken because the connection is going away
                    return
            request = pending.popleft()
            self._busy = True
            if self._pipeline_paused and len(pending) < MAX_PIPELINED // 2:
                self._pipeline_paused = False
                self.resume_reading()
            try:
                await handler(request)
            except Exception:
                log.exception("request handler failed")
                request.keep_alive = False
                if not request.started and not request.client_gone:
                    self.state.on_error(request, self, 500, "An unexpected error occurred; it has been logged.")
            if not request.keep_alive or self.closing:
                self._busy = False
                self._close(linger=not request.body.complete)
                return

    def _wake_idle(self) -> None:
        waiter = self._idle_waiter
        if waiter is not None:
            self._idle_waiter = None
            if not waiter.done():
                waiter.set_result(None)

    def _protocol_error(self, error: BadRequest) -> None:
        """The byte stream cannot be parsed further: answer if nothing is in progress, then close."""
        self._ignore_input = True  # ignore whatever else arrives
        if self._parsing is not None:
            self._parsing.body.fail(ConnectionAbortedError(error.detail))
        if not self._busy and not self._pending and not self.closing:
            self.state.on_error(None, self, error.status, error.detail)
            self._close()
        else:
            self.closing = True  # after the requests already read

    def write(self, data: bytes) -> None:
        transport = self.transport
        if transport is not None and not transport.is_closing():
            transport.write(data)

    async def drain(self) -> None:
        if self._write_paused and not self.closing:
            self._drain_waiter = self._loop.create_future()
            try:
                await self._drain_waiter
            finally:
                self._drain_waiter = None

    def _wake_drain(self) -> None:
        if self._drain_waiter is not None and not self._drain_waiter.done():
            self._drain_waiter.set_result(None)

    def pause_reading(self) -> None:
        if not self._reading_paused and self.transport is not None and not self.transport.is_closing():
            self._reading_paused = True
            self.transport.pause_reading()

    def resume_reading(self) -> None:
        if self._reading_paused and self.transport is not None and not self.transport.is_closing():
            self._reading_paused = False
            self.transport.resume_reading()

    def _close(self, linger: bool = False) -> None:
        """Close after what is buffered has been sent.

        ``linger``: the client may still be sending a body we did not read. Closing a socket with
        unread input makes the kernel send a reset, which can destroy our response before the
        client reads it; so we send FIN after the response and drain input for a moment first.
        """
        self.closing = True
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        if not linger or not transport.can_write_eof():
            transport.close()
            return
        self._ignore_input = True
        self.resume_reading()
        transport.write_eof()
        self._loop.call_later(LINGER_SECONDS, transport.close)

    # --- housekeeping -------------------------------------------------------------------------

    def check_idle(self, now: float) -> None:
        if self._busy or self._pending:
            return
        if self._head_started is not None:
            if now - self._head_started > HEADER_TIMEOUT_SECONDS:
                self._protocol_error(BadRequest(408, "The request head took too long."))
        elif now - self._last_activity > self.state.keepalive_seconds:
            self._close()

    def shutdown(self) -> None:
        """Stop after the response in progress; close at once if idle."""
        self.closing = True
        if not self._busy and not self._pending and self._head_started is None:
            self._close()
