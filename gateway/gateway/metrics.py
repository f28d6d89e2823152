"""Prometheus metrics: per-upstream request counts and latency, rejections at the edge.

With several workers each process writes its samples to files in a shared directory
(prometheus_client's multiprocess mode) and ``/metrics``, served by whichever worker the scrape
reaches, adds them up. Label children are bound once and cached: ``labels()`` costs more than
the increment itself.
"""

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
CONTENT_TYPE = b"text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    def __init__(self) -> None:
        self._multiprocess_dir = os.environ.get(MULTIPROC_ENV)
        if self._multiprocess_dir:
            # prometheus_client picks its value class when first imported; the runner sets the
            # directory later (before forking workers), so choose the file-backed values here.
            values.ValueClass = values.MultiProcessValue()
        self.registry = CollectorRegistry()
        self._requests = Counter(
            "gateway_requests", "Requests answered, by upstream and status", ["upstream", "status"],
            registry=self.registry,
        )
        self._duration = Histogram(
            "gateway_request_duration_seconds", "Time to answer, by upstream", ["upstream"], buckets=BUCKETS,
            registry=self.registry,
        )
        self._upstream_errors = Counter(
            "gateway_upstream_errors", "Failed upstream exchanges, by kind", ["upstream", "kind"],
            registry=self.registry,
        )
        self._bound: dict[tuple[str, int], tuple] = {}

    def observe(self, upstream: str, status: int, seconds: float) -> None:
        bound = self._bound.get((upstream, status))
        if bound is None:
            bound = self._bound[(upstream, status)] = (
                self._requests.labels(upstream, str(status)), self._duration.labels(upstream),
            )
        bound[0].inc()
        bound[1].observe(seconds)

    def upstream_error(self, upstream: str, kind: str) -> None:
        self._upstream_errors.labels(upstream, kind).inc()

    def exposition(self) -> bytes:
        if self._multiprocess_dir:
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=self._multiprocess_dir)
            return generate_latest(registry)
        return generate_latest(self.registry)
