"""The dev stack's fixed choices, in one place: services, ports, worker counts, names, scopes.

Worker counts (``make run``, and so the benchmark, which runs against ``make run``'s settings):
the machines have 2 cores. Every request crosses the gateway, and proxying costs about as much CPU
as the service's own work, so the gateway gets 2 uvicorn workers; each service API gets 1 (only
the service under load is busy in a benchmark, and 2 gateway + 1 service process already fill
the 2 cores next to PostgreSQL); each event worker (outbox relay + consumers) is 1 process.
More processes than cores only adds context switches and memory. Override per process with the
services' own variables (``GATEWAY_WORKERS=4 make run``); document any change in docs/devstack.md.

Tests run every API with 1 worker (the session starts the platform once; CPU goes to the tests).
"""

from __future__ import annotations

import os

SERVICES: tuple[str, ...] = ("goals", "feedback", "audit", "awards")
COMPONENTS: tuple[str, ...] = ("gateway", *SERVICES)

# Fixed ports for `make run`; overridable with GATEWAY_PORT, GOALS_PORT, ... in the environment.
DEV_PORTS: dict[str, int] = {"gateway": 8000, "goals": 8001, "feedback": 8002, "audit": 8003, "awards": 8004}

# uvicorn workers per API for `make run` (see the module docstring); overridable with <NAME>_WORKERS.
DEV_WORKERS: dict[str, int] = {"gateway": 2, "goals": 1, "feedback": 1, "audit": 1, "awards": 1}
TEST_WORKERS: dict[str, int] = {name: 1 for name in COMPONENTS}

DEV_STREAM_PREFIX = "qm:"
DEV_DATABASES: dict[str, str] = {name: f"qm_{name}" for name in COMPONENTS}

# The tests' gateway must not rate-limit the test suite itself.
TEST_RATE_LIMIT_PER_MINUTE = 1_000_000

# Every API-key scope there is (the development key gets all of them).
ALL_SCOPES: tuple[str, ...] = (
    *(f"{svc}:{verb}" for svc in SERVICES for verb in ("read", "write")),
    "feedback:submit",
)

DEV_TOKEN_TTL_SECONDS = 30 * 24 * 3600

# Seconds a process gets between SIGTERM and SIGKILL.
STOP_GRACE_SECONDS = 15.0
# Seconds to wait for every /readyz after start.
READY_TIMEOUT_SECONDS = 120.0


def env_prefix(name: str) -> str:
    return name.upper() + "_"


def dev_port(name: str) -> int:
    return int(os.environ.get(env_prefix(name) + "PORT", DEV_PORTS[name]))


def dev_workers(name: str) -> int:
    return int(os.environ.get(env_prefix(name) + "WORKERS", DEV_WORKERS[name]))


def test_database(run_id: str, name: str) -> str:
    return f"qmt_{run_id}_{name}"


def test_stream_prefix(run_id: str) -> str:
    return f"qmt{run_id}:"
