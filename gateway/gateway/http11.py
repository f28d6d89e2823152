"""HTTP/1.1 pieces shared by the server side (server.py) and the upstream client (upstream.py).

The gateway speaks HTTP/1.1 on raw asyncio protocols with httptools (llhttp) instead of a
framework: measured on this machine, aiohttp's server and client cost more CPU per proxied
request than the FastAPI services behind them. Headers stay ``bytes`` end to end; only the few
the gateway looks at are decoded.
"""

import asyncio
import time
from collections import deque
from email.utils import formatdate
from http import HTTPStatus
from typing import Protocol

# Hop-by-hop headers (RFC 9110 §7.6.1) plus the framing headers we always regenerate ourselves,
# which also rules out request smuggling through conflicting Content-Length/Transfer-Encoding.
HOP_BY_HOP = frozenset({
    b"connection", b"keep-alive", b"proxy-connection", b"te", b"trailer", b"transfer-encoding",
    b"upgrade", b"proxy-authorization", b"proxy-authenticate", b"content-length", b"expect",
})

STATUS_LINES: dict[int, bytes] = {
    status.value: b"HTTP/1.1 %d %s\r\n" % (status.value, status.phrase.encode()) for status in HTTPStatus
}


def status_line(status: int) -> bytes:
    line = STATUS_LINES.get(status)
    return line if line is not None else b"HTTP/1.1 %d Unknown\r\n" % status


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%b\r\n" % (len(data), data)


LAST_CHUNK = b"0\r\n\r\n"


def connection_tokens(value: bytes) -> set[bytes]:
    """Header names a Connection header declares hop-by-hop."""
    return {token.strip().lower() for token in value.split(b",") if token.strip()}


class HttpDate:
    """The Date header value, refreshed once a second instead of formatted per response."""

    value: bytes = b""
    _second: int = -1

    @classmethod
    def get(cls) -> bytes:
        now = int(time.time())
        if now != cls._second:
            cls._second = now
            cls.value = formatdate(now, usegmt=True).encode()
        return cls.value


class FlowControlled(Protocol):
    def pause_reading(self) -> None: ...
    def resume_reading(self) -> None: ...


class BodyBuffer:
    """A message body arriving from a socket, read by one consumer, with flow control.

    The producing protocol calls ``feed``/``end``/``fail``; past ``HIGH`` buffered bytes its
    ``owner`` is told to pause reading the socket and resumed once the consumer has drained below
    ``LOW``. That keeps a large upload or download from being held in memory whole.
    """

    __slots__ = ("_chunks", "_size", "_waiter", "_error", "_paused", "_owner", "complete", "received")

    HIGH = 256 * 1024
    LOW = 64 * 1024

    def __init__(self, owner: FlowControlled | None) -> None:
        self._chunks: deque[bytes] = deque()
        self._size = 0
        self._waiter: asyncio.Future | None = None
        self._error: BaseException | None = None
        self._paused = False
        self._owner = owner
        self.complete = False
        self.received = 0

    def feed(self, data: bytes) -> None:
        self._chunks.append(data)
        self._size += len(data)
        self.received += len(data)
        if self._size > self.HIGH and not self._paused:
            self._paused = True
            self._owner.pause_reading()  # type: ignore[union-attr]
        self._wake()

    def end(self) -> None:
        self.complete = True
        self._wake()

    def fail(self, exc: BaseException) -> None:
        if not self.complete:
            self._error = exc
            self._wake()

    def buffered(self) -> bytes:
        """Everything buffered so far, taken in one piece (the whole body when ``complete``)."""
        chunks = self._chunks
        if not chunks:
            return b""
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        chunks.clear()
        self._size = 0
        self._maybe_resume()
        return data

    async def read(self) -> bytes:
        """The next chunk; ``b""`` at the end of the body."""
        while not self._chunks:
            if self.complete:
                return b""
            if self._error is not None:
                raise self._error
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        data = self._chunks.popleft()
        self._size -= len(data)
        self._maybe_resume()
        return data

    def _maybe_resume(self) -> None:
        if self._paused and self._size < self.LOW:
            self._paused = False
            self._owner.resume_reading()  # type: ignore[union-attr]

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


def _empty_body() -> BodyBuffer:
    body = BodyBuffer(None)
    body.complete = True
    return body


# Shared by every message without a body (most requests, HEAD/204/304 answers): it is complete
# from the start, so nothing ever feeds, pauses or fails it.
EMPTY_BODY = _empty_body()
