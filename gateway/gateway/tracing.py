"""Request IDs and W3C trace context."""

import os
import re

_REQUEST_ID = re.compile(rb"[A-Za-z0-9._-]{1,128}")
_TRACEPARENT = re.compile(rb"00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}")
_ZERO_TRACE = b"0" * 32
_ZERO_SPAN = b"0" * 16


def request_id(sent: bytes | None) -> str:
    """The client's request ID if it is sane (≤ 128 chars of [A-Za-z0-9._-]), else a new one."""
    if sent is not None and _REQUEST_ID.fullmatch(sent):
        return sent.decode("ascii")
    return os.urandom(16).hex()


def traceparent(sent: bytes | None) -> tuple[bytes, bool]:
    """(traceparent to forward, whether it is the client's). Invalid or absent: a new trace."""
    if sent is not None:
        match = _TRACEPARENT.fullmatch(sent)
        if match and match.group(1) != _ZERO_TRACE and match.group(2) != _ZERO_SPAN:
            return sent, True
    ids = os.urandom(24).hex().encode()  # trace id (16 bytes) and parent id (8), one syscall
    return b"00-%b-%b-01" % (ids[:32], ids[32:]), False
