"""Cross-service tests: the whole platform, started once per test session.

The ``stack`` fixture runs every process (gateway, 4 service APIs, 4 workers) through
``devstack.stack.Stack`` on free ports, with this run's own databases (``qmt_<run>_<svc>``) and
Redis prefix (``qmt<run>:``), all removed at the end, so ``make test`` never touches a running
``make run``. It shares PostgreSQL and Redis with the servicekit plugin's ``qm_postgres`` /
``qm_redis`` when those fixtures exist (one embedded server per session, if any).

On CI (``CI=true``, or ``QM_STACK_EMBEDDED=1``) the stack runs on its own embedded PostgreSQL 18
and Redis 6.2 instead, so every CI run exercises the fresh-machine path while the other tests
use the machine's servers (PostgreSQL 15, Redis 7): both ends of the supported versions.

Against a stack that is already running (``make run``, docker compose, a test environment), set
``QM_GATEWAY_URL`` (and ``QM_ADMIN_TOKEN`` / ``QM_API_KEY``): ``gateway_url``, ``admin_token`` and
``api_key`` then come from there and tests needing the local ``stack`` (to kill processes, say)
are skipped.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import pytest

# Helper modules beside the tests (platform_support, chaos_support) import by plain name: with
# --import-mode=importlib pytest does not put this folder on sys.path itself.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

EXTERNAL_GATEWAY = os.environ.get("QM_GATEWAY_URL", "").rstrip("/")
_STACKS: list = []


def _stack_embedded() -> bool:
    """Run the stack on private embedded servers? Default: on CI only (QM_STACK_EMBEDDED=0|1)."""
    value = os.environ.get("QM_STACK_EMBEDDED")
    if value is None:
        value = os.environ.get("CI", "")
    return value.strip().lower() in ("1", "true", "yes")


@contextlib.contextmanager
def _env(**values: str):
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def stack(request: pytest.FixtureRequest):
    """The whole platform, local processes on free ports (see ``devstack.stack.Stack``)."""
    if EXTERNAL_GATEWAY:
        pytest.skip("QM_GATEWAY_URL points at a running stack; this test needs the local one")
    from devstack.stack import Stack

    servers = {}
    if not _stack_embedded():
        for kwarg, fixture in (("postgres", "qm_postgres"), ("redis", "qm_redis")):
            try:
                servers[kwarg] = request.getfixturevalue(fixture)
            except pytest.FixtureLookupError:
                pass
    platform = Stack.for_tests(**servers)
    _STACKS.append(platform)
    try:
        if _stack_embedded():
            # The stack resolves (and stops at the end) its own embedded servers.
            with _env(QM_EMBEDDED="1"):
                platform.resolve_servers()
        platform.start()
        yield platform
    finally:
        platform.stop()
        _STACKS.remove(platform)


@pytest.fixture(scope="session")
def gateway_url(request: pytest.FixtureRequest) -> str:
    if EXTERNAL_GATEWAY:
        return EXTERNAL_GATEWAY
    return request.getfixturevalue("stack").gateway_url


@pytest.fixture(scope="session")
def admin_token(request: pytest.FixtureRequest) -> str:
    """A staff JWT with role admin (city-wide)."""
    if EXTERNAL_GATEWAY:
        token = os.environ.get("QM_ADMIN_TOKEN")
        if not token:
            pytest.skip("QM_ADMIN_TOKEN is not set for the external stack")
        return token
    return request.getfixturevalue("stack").mint_token(["admin"], sub="test-admin", ttl=8 * 3600)


@pytest.fixture(scope="session")
def api_key(request: pytest.FixtureRequest) -> str:
    """An API key (actor system) with every scope: <service>:read/write and feedback:submit."""
    if EXTERNAL_GATEWAY:
        key = os.environ.get("QM_API_KEY")
        if not key:
            pytest.skip("QM_API_KEY is not set for the external stack")
        return key
    from devstack.config import ALL_SCOPES

    return request.getfixturevalue("stack").create_api_key(ALL_SCOPES, actor="system", name="tests-all-scopes")


@pytest.fixture(scope="module")
def system(gateway_url, api_key):
    """An HTTP client through the gateway with the all-scopes system key."""
    import httpx

    with httpx.Client(base_url=gateway_url, headers={"x-api-key": api_key}, timeout=30) as http:
        yield http


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """On a failure, show the last log lines of any platform process that is no longer running."""
    report = yield
    if report.failed and _STACKS:
        for platform in _STACKS:
            for proc in platform.processes.values():
                if proc.popen is not None and not proc.alive():
                    report.sections.append(
                        (f"platform process {proc.name} exited {proc.returncode}", proc.log_tail(30))
                    )
    return report
