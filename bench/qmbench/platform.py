"""The platform under test: a private ``devstack`` stack, its credentials, and its demo data."""

import asyncio
import logging
import time

import asyncpg
import httpx
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from devstack import config
from devstack.stack import Stack
from servicekit.assertion import mint_assertion
from servicekit.dburl import plain_url

from qmbench.cpu import CpuMeter

log = logging.getLogger("bench")

READ_MODELS = ("feedback", "audit", "awards")


def start_stack(keep_state: bool = False) -> Stack:
    """``make run``'s worker counts, but free ports, per-run databases and stream prefix (test mode).

    Test mode also sets the gateway's rate limit to 1,000,000/min so it never interferes; the
    log level is WARNING (the gateway's access log is INFO, so it is filtered out, as it would be
    in a production set-up logging at WARNING).
    """
    stack = Stack.for_tests(workers=dict(config.DEV_WORKERS), log_level="WARNING", keep_state=keep_state)
    stack.start()
    return stack


class Credentials:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.api_key = stack.create_api_key(config.ALL_SCOPES, actor="system", name="bench")
        self.staff_token = stack.mint_token(["admin"], sub="bench-admin", ttl=3600)
        pem = (stack.keys_dir / "assertion_private.pem").read_bytes()
        self._private_key = load_pem_private_key(pem, password=None)

    def assertion(self, service: str) -> str:
        """A fresh assertion for calling ``service`` directly: 60 s, the same claims an all-scopes key gets."""
        return mint_assertion(
            self._private_key, audience=service, subject="bench-direct", actor_kind="system",
            key_scopes=list(config.ALL_SCOPES), lifetime_seconds=60,
        )

    def direct_headers(self, service: str) -> dict[str, str]:
        return {"x-internal-assertion": self.assertion(service)}

    def key_headers(self) -> dict[str, str]:
        return {"x-api-key": self.api_key}

    def token_headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.staff_token}"}


def cpu_meter(stack: Stack) -> CpuMeter:
    roots: dict[str, list[int]] = {}
    for name, proc in stack.processes.items():
        if proc.pid is None:
            continue
        component = "gateway" if name == "gateway" else name  # goals-api, goals-worker, ...
        roots.setdefault(component, []).append(proc.pid)
    return CpuMeter(roots, databases=tuple(stack.databases.values()))


def dsn(stack: Stack, component: str) -> str:
    return plain_url(stack.database_url(component))


# ------------------------------------------------------------------------------------------- data

async def load_city(stack: Stack, creds: Credentials, concurrency: int = 8) -> dict:
    """The demo city (goals.demo) through the gateway; a generated tree if the loader is missing.

    ``goals.demo.load_demo`` creates the ~1,000 units one after another; we create the same
    specs (``demo_city()``, same bodies and Idempotency-Keys) level by level with ``concurrency``
    requests in flight, which gives the same tree in a fraction of the time.
    """
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers=creds.key_headers(), timeout=30,
                                 limits=httpx.Limits(max_connections=concurrency)) as client:
        try:
            from goals import demo
        except ImportError:
            demo = None
        if demo is not None and hasattr(demo, "demo_city") and hasattr(demo, "PATH"):
            ids = await _load_specs_by_level(client, demo, demo.demo_city(), concurrency)
            source = "goals.demo.demo_city(), created level by level"
        elif demo is not None and hasattr(demo, "load_demo"):
            tree = await demo.load_demo(client)
            ids = {code: str(unit_id) for code, unit_id in tree.ids.items()}
            source = "goals.demo.load_demo"
        else:
            ids = await _generated_city(client)
            source = "bench (generated; goals.demo not available)"
    parent = _propagation_parent(ids, demo)
    if parent is None:
        raise RuntimeError("no department to hang the propagation units under")
    return {"source": source, "units": len(ids), "seconds": round(time.monotonic() - started, 1), "parent_id": parent}


def _propagation_parent(ids: dict[str, str], demo) -> str | None:
    """A department for the propagation run's units: the seed's Strategiska staben if there is one."""
    admin = getattr(demo, "SEED_ADMINISTRATION_CODE", None) if demo is not None else None
    for code in (f"{admin}-STAB" if admin else None, "SDF-01-1", admin):
        if code and code in ids:
            return ids[code]
    return None


async def _load_specs_by_level(client: httpx.AsyncClient, demo, specs, concurrency: int) -> dict[str, str]:
    ids: dict[str, str] = {}
    depth: dict[str, int] = {}
    levels: dict[int, list] = {}
    for spec in specs:  # parents come before their children
        level = depth[spec.code] = 0 if spec.parent_code is None else depth[spec.parent_code] + 1
        levels.setdefault(level, []).append(spec)
    semaphore = asyncio.Semaphore(concurrency)
    effective = getattr(demo, "DEMO_START", None)

    async def create(spec) -> None:
        body = {"code": spec.code, "name": spec.name, "type": getattr(spec.type, "value", spec.type),
                "parent_id": ids[spec.parent_code] if spec.parent_code else None}
        if effective is not None:
            body["effective_date"] = effective.isoformat()
        async with semaphore:
            response = await client.post(demo.PATH, json=body, headers={"idempotency-key": f"demo-{spec.code}"})
        if response.status_code != 201:
            raise RuntimeError(f"creating {spec.code} answered {response.status_code}: {response.text[:500]}")
        ids[spec.code] = response.json()["id"]

    for level in sorted(levels):
        await asyncio.gather(*(create(spec) for spec in levels[level]))
    return ids


async def _generated_city(client: httpx.AsyncClient) -> dict[str, str]:
    """About 300 units: the city, 10 committees with administrations, 4 departments of 6 units each."""
    ids: dict[str, str] = {}

    async def create(code: str, name: str, type_: str, parent: str | None) -> str:
        body = {"code": code, "name": name, "type": type_, "parent_id": ids.get(parent) if parent else None,
                "effective_date": "2015-01-01"}
        response = await client.post("/goals/v1/organisation-units", json=body, headers={"idempotency-key": f"bench-{code}"})
        if response.status_code != 201:
            raise RuntimeError(f"creating {code}: {response.status_code} {response.text}")
        ids[code] = response.json()["id"]
        return ids[code]

    await create("STHLM", "Stockholms stad", "city", None)
    for c in range(1, 11):
        await create(f"SDN-{c:02d}", f"Stadsdelsnämnd {c}", "district_committee", "STHLM")
        await create(f"SDF-{c:02d}", f"Stadsdelsförvaltning {c}", "administration", f"SDN-{c:02d}")
        for d in range(1, 5):
            dep = f"SDF-{c:02d}-{d}"
            await create(dep, f"Avdelning {c}.{d}", "department", f"SDF-{c:02d}")
            await asyncio.gather(*(create(f"{dep}-{u:02d}", f"Enhet {c}.{d}.{u}", "unit", dep) for u in range(1, 7)))
    return ids


async def wait_for_read_models(stack: Stack, timeout: float = 90.0) -> float:
    """Wait until every read model holds as many units as goals (the load's events are consumed)."""
    started = time.monotonic()
    connections = {name: await asyncpg.connect(dsn(stack, name)) for name in ("goals", *READ_MODELS)}
    try:
        expected = await connections["goals"].fetchval("SELECT count(*) FROM org_units")
        while True:
            counts = {name: await connections[name].fetchval("SELECT count(*) FROM org_units") for name in READ_MODELS}
            if all(count >= expected for count in counts.values()):
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"read models did not catch up within {timeout:.0f}s: goals {expected}, {counts}")
            await asyncio.sleep(0.1)
    finally:
        for connection in connections.values():
            await connection.close()


