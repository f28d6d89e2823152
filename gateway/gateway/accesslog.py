"""The access log: one JSON line per request, in servicekit's log format, written in batches.

Through ``logging`` a line costs ~15-20 µs (record, formatter, a write syscall per line), more
than the gateway's whole routing and authentication. Here a line is one ``orjson.dumps`` into a
buffer that the worker's housekeeping tick writes out every 100 ms (or sooner when it fills),
one syscall for many lines. Lines carry the fields of ``servicekit.logging.JsonFormatter`` so the
stream reads as one log; never credentials, query strings or bodies, and no subject on the
paths where who calls is itself protected (a lex Sarah report names its reporter by being sent).
"""

import logging
import os
import sys
import time
from datetime import UTC, datetime

import orjson

FLUSH_BYTES = 64 * 1024


class AccessLog:
    def __init__(self, service: str = "gateway", logger: str = "gateway.access", fd: int | None = None,
                 hide_subject_prefixes: tuple[bytes, ...] = ()) -> None:
        self._service = service
        self._hide_subject = hide_subject_prefixes
        self._logger = logger
        self._fd = sys.stderr.fileno() if fd is None else fd
        self.enabled = logging.getLogger(logger).isEnabledFor(logging.INFO)
        self._buffer: list[bytes] = []
        self._size = 0
        self._second = -1
        self._stamp = ""

    def record(self, request_id: str, method: bytes, path: bytes, status: int, upstream: str,
               subject: str | None, seconds: float) -> None:
        now = time.time()
        if subject is not None and path.startswith(self._hide_subject):
            subject = None
        line = orjson.dumps({
            "time": self._time(now), "level": "info", "service": self._service, "logger": self._logger,
            "message": "request", "request_id": request_id, "method": method.decode("latin-1"),
            "path": path.decode("latin-1"), "status": status, "upstream": upstream, "subject": subject,
            "duration_ms": round(seconds * 1000, 3),
        }) + b"\n"
        self._buffer.append(line)
        self._size += len(line)
        if self._size >= FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self._buffer:
            return
        data = b"".join(self._buffer)
        self._buffer.clear()
        self._size = 0
        try:
            while data:
                written = os.write(self._fd, data)
                data = data[written:]
        except OSError:
            pass  # a broken log stream must not break requests; those lines are lost

    def _time(self, now: float) -> str:
        second = int(now)
        if second != self._second:
            self._second = second
            self._stamp = datetime.fromtimestamp(second, UTC).isoformat()[:-6]
        return f"{self._stamp}.{int((now - second) * 1000):03d}+00:00"
