"""Latency at a fixed request rate (open loop), the figure latency targets are stated in.

wrk is a closed-loop generator: at saturation its latencies are mostly queueing in front of the
server (ARCHITECTURE.md). Here requests are *scheduled* at a fixed rate, independent of how fast
answers come back, and each latency is measured from the request's scheduled time, so a stall in
the server (or in this generator) shows up in the latency instead of silently lowering the rate
("coordinated omission"). The generator is aiohttp on uvloop in this process; its own overhead
(~0.1-0.3 ms per request) is in every figure, direct and through the gateway alike.
"""

import asyncio
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp


@dataclass
class OpenLoopResult:
    label: str
    url: str
    rate: float
    duration_s: float
    sent: int = 0
    completed: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    latency_ms: dict[str, float] = field(default_factory=dict)
    # How late the generator itself sent requests (ms after their scheduled time): its own noise.
    send_lag_ms: dict[str, float] = field(default_factory=dict)
    achieved_rps: float = 0.0
    cpu: dict | None = None
    attempts: int = 1

    @property
    def bad(self) -> int:
        return sum(v for k, v in self.statuses.items() if not k.startswith("2")) + sum(self.errors.values())

    def as_dict(self) -> dict:
        from dataclasses import asdict

        data = asdict(self)
        data["bad"] = self.bad
        return data


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of unsorted ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summarise(values_s: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values_s]
    if not ms:
        return {}
    return {
        "p50": round(percentile(ms, 50), 3), "p90": round(percentile(ms, 90), 3), "p99": round(percentile(ms, 99), 3),
        "p999": round(percentile(ms, 99.9), 3), "max": round(max(ms), 3), "mean": round(sum(ms) / len(ms), 3),
    }


async def open_loop(label: str, url: str, headers: dict[str, str], *, rate: float, duration: float,
                    warmup: float = 1.0, max_connections: int = 64, timeout: float = 5.0,
                    urls: list[str] | None = None,
                    body: Callable[[int], tuple[bytes, dict[str, str]]] | None = None) -> OpenLoopResult:
    """Send GET ``url`` at ``rate``/s for ``warmup`` + ``duration`` s; only the last ``duration`` counts.

    With ``urls``, request ``i`` goes to ``urls[i % len(urls)]`` instead (e.g. a mix of searches).
    With ``body``, POST instead: ``body(i)`` gives the i-th request's body and its extra headers
    (built before the request's scheduled time, so it adds nothing to the latency).
    """
    result = OpenLoopResult(label=label, url=url, rate=rate, duration_s=duration)
    loop = asyncio.get_running_loop()
    # Not loop.time(): uvloop's clock is libuv's cached millisecond clock.
    now = time.perf_counter
    latencies: list[float] = []
    lags: list[float] = []
    statuses: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    connector = aiohttp.TCPConnector(limit=max_connections, limit_per_host=max_connections, ttl_dns_cache=3600)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout, auto_decompress=False,
                                     headers=headers, skip_auto_headers=("User-Agent",)) as session:

        async def fire(scheduled: float, counted: bool, target: str, payload: tuple[bytes, dict[str, str]] | None) -> None:
            if counted:
                lags.append(now() - scheduled)
            try:
                request = session.get(target) if payload is None else session.post(target, data=payload[0], headers=payload[1])
                async with request as response:
                    await response.read()
                    status = response.status
            except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                if counted:
                    errors[type(exc).__name__] += 1
                return
            if counted:
                latencies.append(now() - scheduled)
                statuses[str(status)] += 1

        total = int((warmup + duration) * rate)
        first_counted = int(warmup * rate)
        start = now() + 0.05
        tasks: set[asyncio.Task] = set()
        for i in range(total):
            scheduled = start + i / rate
            payload = body(i) if body is not None else None
            delay = scheduled - now()
            if delay > 0:
                await asyncio.sleep(delay)
            task = loop.create_task(fire(scheduled, i >= first_counted, urls[i % len(urls)] if urls else url, payload))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(tasks, timeout=timeout + 1)
    result.sent = total - first_counted
    result.completed = len(latencies)
    result.statuses = dict(statuses)
    result.errors = dict(errors)
    result.latency_ms = summarise(latencies)
    result.send_lag_ms = summarise(lags)
    result.achieved_rps = round(result.completed / duration, 1)
    return result
