"""Prometheus metrics: per-upstream request counts and latency, upstream failures.

Plain dict counters instead of prometheus_client: its ``inc`` + ``observe`` (locks, label
checks) cost ~3.5 µs per request against ~0.4 µs here, a measurable share of a proxied request.
The text exposition format is small enough to write directly.

Several workers: each publishes a snapshot of its counters to a shared directory once per
housekeeping round (``publish``); ``/metrics``, answered by whichever worker the scrape reaches,
adds the others' latest snapshots to its live counters. Snapshots of workers that exited stay, so
counters never go backwards. Other workers' samples are at most a second old.
"""

import bisect
import os
from collections import defaultdict

import orjson

METRICS_DIR_ENV = "GATEWAY_METRICS_DIR"
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
CONTENT_TYPE = b"text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    def __init__(self, directory: str | None = None) -> None:
        self._directory = directory if directory is not None else os.environ.get(METRICS_DIR_ENV)
        # (upstream, status) -> count
        self.requests: dict[tuple[str, int], int] = defaultdict(int)
        # upstream -> [bucket counts (non-cumulative, last = +Inf), ..., sum]
        self.durations: dict[str, list[float]] = {}
        # (upstream, kind) -> count
        self.upstream_errors: dict[tuple[str, str], int] = defaultdict(int)

    def observe(self, upstream: str, status: int, seconds: float) -> None:
        self.requests[(upstream, status)] += 1
        histogram = self.durations.get(upstream)
        if histogram is None:
            histogram = self.durations[upstream] = [0] * (len(BUCKETS) + 2)
        histogram[bisect.bisect_left(BUCKETS, seconds)] += 1
        histogram[-1] += seconds

    def upstream_error(self, upstream: str, kind: str) -> None:
        self.upstream_errors[(upstream, kind)] += 1

    # --- several workers -------------------------------------------------------------------------

    def _snapshot(self) -> dict:
        return {
            "requests": [[upstream, status, count] for (upstream, status), count in self.requests.items()],
            "durations": self.durations,
            "upstream_errors": [[upstream, kind, count] for (upstream, kind), count in self.upstream_errors.items()],
        }

    def publish(self) -> None:
        if not self._directory:
            return
        path = os.path.join(self._directory, f"worker-{os.getpid()}.json")
        temporary = path + ".tmp"
        with open(temporary, "wb") as fh:
            fh.write(orjson.dumps(self._snapshot()))
        os.replace(temporary, path)  # readers never see a half-written file

    def _combined(self) -> "Metrics":
        if not self._directory:
            return self
        total = Metrics(directory="")
        own = f"worker-{os.getpid()}.json"
        snapshots = [self._snapshot()]
        for name in os.listdir(self._directory):
            if name.endswith(".json") and name != own:
                try:
                    with open(os.path.join(self._directory, name), "rb") as fh:
                        snapshots.append(orjson.loads(fh.read()))
                except (OSError, orjson.JSONDecodeError):
                    continue  # a worker replaced it just now; its next snapshot counts
        for snapshot in snapshots:
            for upstream, status, count in snapshot["requests"]:
                total.requests[(upstream, status)] += count
            for upstream, histogram in snapshot["durations"].items():
                mine = total.durations.setdefault(upstream, [0] * (len(BUCKETS) + 2))
                for index, value in enumerate(histogram):
                    mine[index] += value
            for upstream, kind, count in snapshot["upstream_errors"]:
                total.upstream_errors[(upstream, kind)] += count
        return total

    # --- exposition ------------------------------------------------------------------------------

    def exposition(self) -> bytes:
        metrics = self._combined()
        lines = [
            "# HELP gateway_requests_total Requests answered, by upstream and status.",
            "# TYPE gateway_requests_total counter",
        ]
        for (upstream, status), count in sorted(metrics.requests.items()):
            lines.append(f'gateway_requests_total{{status="{status}",upstream="{upstream}"}} {count}')
        lines += [
            "# HELP gateway_request_duration_seconds Time to answer, by upstream.",
            "# TYPE gateway_request_duration_seconds histogram",
        ]
        for upstream, histogram in sorted(metrics.durations.items()):
            cumulative = 0
            for bound, count in zip((*BUCKETS, "+Inf"), histogram[:-1], strict=True):
                cumulative += count
                lines.append(f'gateway_request_duration_seconds_bucket{{le="{bound}",upstream="{upstream}"}} {cumulative}')
            lines.append(f'gateway_request_duration_seconds_count{{upstream="{upstream}"}} {cumulative}')
            lines.append(f'gateway_request_duration_seconds_sum{{upstream="{upstream}"}} {histogram[-1]}')
        lines += [
            "# HELP gateway_upstream_errors_total Failed upstream exchanges, by kind.",
            "# TYPE gateway_upstream_errors_total counter",
        ]
        for (upstream, kind), count in sorted(metrics.upstream_errors.items()):
            lines.append(f'gateway_upstream_errors_total{{kind="{kind}",upstream="{upstream}"}} {count}')
        return ("\n".join(lines) + "\n").encode()
