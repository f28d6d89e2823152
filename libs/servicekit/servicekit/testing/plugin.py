"""pytest plugin (registered by servicekit's entry point): session-wide servers and run id."""

import secrets

import pytest


@pytest.fixture(scope="session")
def qm_run_id() -> str:
    return secrets.token_hex(3)


@pytest.fixture(scope="session")
def qm_postgres(tmp_path_factory):
    from servicekit.infra import resolve_postgres

    server = resolve_postgres(tmp_path_factory.mktemp("postgres"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def qm_redis(tmp_path_factory):
    from servicekit.infra import resolve_redis

    server = resolve_redis(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()
