"""Event propagation: from a create's 201 at the gateway to the unit being readable in every read model.

Units are created through the gateway at a fixed, modest rate (open loop, far below saturation).
For each one we record the moment its 201 arrived and then watch the three read models' own
databases (one ``SELECT ... WHERE id = ANY(pending)`` per read model every ``poll_ms``, only
while something is pending): a row that is there is committed, so the unit is readable through
that service's GET from then on. The figure is therefore an upper bound with a resolution of
about one poll interval. The watcher is much cheaper than polling the APIs (three small indexed
queries per tick instead of three requests per pending unit), so it barely disturbs what it
measures. After the run every unit is also read once through each read model's API, to confirm.

From the event ids we also break the path down on the servers' clocks: the goals transaction
(outbox ``created_at``), the relay marking the row published (``published_at``), and each
consumer's transaction (``processed_events.processed_at``). PostgreSQL's ``now()`` is the
transaction's *start*, so these are approximate to a transaction's length (~1 ms).
"""

import asyncio
import time
import uuid
from dataclasses import dataclass, field

import aiohttp
import asyncpg

from qmbench.openloop import percentile

PATH = "/goals/v1/organisation-units"


@dataclass
class Created:
    unit_id: uuid.UUID
    sent_wall: float
    sent: float  # perf_counter
    answered: float  # perf_counter at the 201
    answered_wall: float
    seen: dict[str, float] = field(default_factory=dict)  # read model -> perf_counter when first seen


def _stats(values_ms: list[float]) -> dict[str, float]:
    if not values_ms:
        return {}
    return {
        "p50": round(percentile(values_ms, 50), 2), "p95": round(percentile(values_ms, 95), 2),
        "p99": round(percentile(values_ms, 99), 2), "max": round(max(values_ms), 2), "n": len(values_ms),
    }


async def measure(*, gateway_url: str, key_headers: dict[str, str], parent_id: str, dsns: dict[str, str],
                  read_models: tuple[str, ...], service_urls: dict[str, str], direct_headers,
                  count: int = 200, rate: float = 20.0, poll_ms: float = 2.0, settle_timeout: float = 30.0) -> dict:
    loop = asyncio.get_running_loop()
    now = time.perf_counter  # not loop.time(): uvloop's clock has millisecond resolution
    connections = {name: await asyncpg.connect(dsns[name]) for name in (*read_models, "goals")}
    created: list[Created] = []
    pending: dict[str, dict[uuid.UUID, Created]] = {name: {} for name in read_models}
    failures: list[str] = []
    post_ms: list[float] = []
    polls = 0
    run_tag = uuid.uuid4().hex[:4].upper()
    stop_watching = asyncio.Event()
    anything = asyncio.Event()

    async def watch() -> None:
        nonlocal polls
        while True:
            if not any(pending.values()):
                if stop_watching.is_set():
                    return
                anything.clear()
                waiter = asyncio.ensure_future(anything.wait())
                stopper = asyncio.ensure_future(stop_watching.wait())
                await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
                stopper.cancel()
                continue
            tick = now()
            for name, waiting in pending.items():
                if not waiting:
                    continue
                asked = now()
                rows = await connections[name].fetch("SELECT id FROM org_units WHERE id = ANY($1::uuid[])", list(waiting))
                polls += 1
                for row in rows:
                    item = waiting.pop(row["id"], None)
                    if item is not None:
                        item.seen[name] = asked
            await asyncio.sleep(max(0.0, poll_ms / 1000 - (now() - tick)))

    connector = aiohttp.TCPConnector(limit=16)
    async with aiohttp.ClientSession(base_url=gateway_url, connector=connector, headers=key_headers,
                                     timeout=aiohttp.ClientTimeout(total=10)) as session:

        async def create(n: int) -> None:
            body = {"code": f"BENCH-{run_tag}-{n:04d}", "name": f"Benchmarkenhet {n}", "type": "unit",
                    "parent_id": parent_id}
            sent, sent_wall = now(), time.time()
            try:
                async with session.post(PATH, json=body) as response:
                    text = await response.read()
                    answered, answered_wall = now(), time.time()
                    if response.status != 201:
                        failures.append(f"POST {n}: {response.status} {text[:200]!r}")
                        return
                    unit_id = uuid.UUID((await response.json())["id"])
            except Exception as exc:  # noqa: BLE001
                failures.append(f"POST {n}: {type(exc).__name__}: {exc}")
                return
            item = Created(unit_id, sent_wall, sent, answered, answered_wall)
            post_ms.append((answered - sent) * 1000)
            created.append(item)
            for name in read_models:
                pending[name][unit_id] = item
            anything.set()

        watcher = loop.create_task(watch())
        started = now()
        tasks = []
        for n in range(count):
            delay = started + n / rate - now()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(loop.create_task(create(n)))
        await asyncio.gather(*tasks)
        try:
            await asyncio.wait_for(_until_empty(pending), settle_timeout)
        except TimeoutError:
            failures.append(f"not visible after {settle_timeout:.0f}s: " + ", ".join(f"{k}: {len(v)}" for k, v in pending.items()))
        stop_watching.set()
        anything.set()
        await watcher

        # Confirm through each read model's own API (direct, with an assertion).
        unreadable = 0
        semaphore = asyncio.Semaphore(8)

        async def confirm(service: str, item: Created, headers: dict[str, str]) -> None:
            nonlocal unreadable
            async with semaphore:
                url = f"{service_urls[service]}/{service}/v1/organisation-units/{item.unit_id}"
                async with session.get(url, headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        unreadable += 1
                        failures.append(f"GET {service} {item.unit_id}: {response.status}")

        for service in read_models:
            headers = direct_headers(service)
            await asyncio.gather(*(confirm(service, item, headers) for item in created))

    # Server-side breakdown from the event ids.
    subjects = [str(item.unit_id) for item in created]
    outbox = {
        row["subject"]: row for row in await connections["goals"].fetch(
            "SELECT subject, event_id, extract(epoch FROM created_at) AS created, extract(epoch FROM published_at) AS published "
            "FROM outbox WHERE subject = ANY($1::text[]) AND type LIKE '%created'", subjects)
    }
    processed: dict[str, dict] = {}
    event_ids = [row["event_id"] for row in outbox.values()]
    for name in read_models:
        processed[name] = {
            row["event_id"]: float(row["processed"]) for row in await connections[name].fetch(
                "SELECT event_id, extract(epoch FROM processed_at) AS processed FROM processed_events WHERE event_id = ANY($1::uuid[])",
                event_ids)
        }
    for connection in connections.values():
        await connection.close()

    per_model: dict[str, list[float]] = {name: [] for name in read_models}
    all_models: list[float] = []
    relay_ms: list[float] = []
    consumer_ms: dict[str, list[float]] = {name: [] for name in read_models}
    commit_to_201_ms: list[float] = []
    for item in created:
        for name in read_models:
            if name in item.seen:
                per_model[name].append((item.seen[name] - item.answered) * 1000)
        if len(item.seen) == len(read_models):
            all_models.append((max(item.seen.values()) - item.answered) * 1000)
        row = outbox.get(str(item.unit_id))
        if row is None or row["published"] is None:
            continue
        relay_ms.append((float(row["published"]) - float(row["created"])) * 1000)
        commit_to_201_ms.append((item.answered_wall - float(row["created"])) * 1000)
        for name in read_models:
            done = processed[name].get(row["event_id"])
            if done is not None:
                consumer_ms[name].append((done - float(row["published"])) * 1000)

    duration = (max((c.answered for c in created), default=started) - started) or 1.0
    return {
        "count": count, "created": len(created), "rate_per_s": rate, "achieved_rate_per_s": round(len(created) / duration, 1),
        "poll_interval_ms": poll_ms, "polls": polls,
        "post_latency_ms": _stats(post_ms),
        "visible_ms": {"all_three": _stats(all_models), **{name: _stats(v) for name, v in per_model.items()}},
        "breakdown_ms": {
            "goals_tx_start_to_201_at_client": _stats(commit_to_201_ms),
            "goals_tx_start_to_relay_published": _stats(relay_ms),
            **{f"published_to_{name}_consumer_tx_start": _stats(v) for name, v in consumer_ms.items()},
        },
        "confirmed_via_api": {"reads": len(created) * len(read_models), "not_200": unreadable},
        "failures": failures[:20],
        "failure_count": len(failures),
    }


async def _until_empty(pending: dict[str, dict]) -> None:
    while any(pending.values()):
        await asyncio.sleep(0.01)
