"""A circuit breaker per upstream (per worker process).

Closed: requests flow; ``threshold`` consecutive failed requests open it. Open: requests are
refused at once (503 with Retry-After) for ``reset_seconds``. Half-open: one probe request goes
through; its success closes the circuit, its failure opens it again.

Only transport failures count (connect errors, timeouts, malformed responses), not HTTP 5xx: a
service's 500 on one endpoint says nothing about whether the others work.
"""

import time

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


class CircuitBreaker:
    __slots__ = ("threshold", "reset_seconds", "state", "_failures", "_opened_at", "_probe_out")

    def __init__(self, threshold: int, reset_seconds: float) -> None:
        self.threshold = threshold
        self.reset_seconds = reset_seconds
        self.state = CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_out = False

    def allow(self) -> float | None:
        """None if a request may go through, else seconds until the next probe."""
        if self.state == CLOSED:
            return None
        remaining = self._opened_at + self.reset_seconds - time.monotonic()
        if self.state == OPEN and remaining <= 0:
            self.state = HALF_OPEN
            self._probe_out = False
        if self.state == HALF_OPEN and not self._probe_out:
            self._probe_out = True
            return None
        return max(remaining, 1.0)

    def success(self) -> None:
        if self.state != CLOSED or self._failures:
            self.state = CLOSED
            self._failures = 0
            self._probe_out = False

    def failure(self) -> None:
        self._failures += 1
        if self.state == HALF_OPEN or self._failures >= self.threshold:
            self.state = OPEN
            self._opened_at = time.monotonic()
            self._probe_out = False

    def release_probe(self) -> None:
        """The half-open probe ended without a verdict (e.g. the client left): let another go."""
        if self.state == HALF_OPEN:
            self._probe_out = False
