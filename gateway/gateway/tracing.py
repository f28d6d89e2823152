"""Request IDs and W3C trace context.

New IDs come from ``random.getrandbits`` rather than ``os.urandom``: they need to be unique, not
unguessable (nothing is authorised by them), and a syscall per ID was a visible share of a
request's cost. The random module reseeds itself in forked workers.
"""

import random
import re

_REQUEST_ID = re.compile(rb"[A-Za-z0-9._-]{1,128}")
_TRACEPARENT = re.compile(rb"00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}")
_ZERO_TRACE = b"0" * 32
_ZERO_SPAN = b"0" * 16


def request_id(sent: bytes | None) -> str:
    """The client's request ID if it is sane (≤ 128 chars of [A-Za-z0-9._-]), else a new one."""
    if sent is not None and _REQUEST_ID.fullmatch(sent):
        return sent.decode("ascii")
    return "%032x" % random.getrandbits(128)


def traceparent(sent: bytes | None) -> tuple[bytes, bool]:
    """(traceparent to forward, whether it is the client's). Invalid or absent: a new trace."""
    if sent is not None:
        match = _TRACEPARENT.fullmatch(sent)
        if match and match.group(1) != _ZERO_TRACE and match.group(2) != _ZERO_SPAN:
            return sent, True
    # A zero trace or parent id is invalid; a random one is zero with probability 2^-64.
    return b"00-%032x-%016x-01" % (random.getrandbits(128) or 1, random.getrandbits(64) or 1), False
