"""A service under test: its own migrated database, its app on the test transaction.

Polar-style isolation: every test runs inside one outer transaction that is rolled back at
the end; the request's ``commit`` only releases a savepoint. Use in a service's conftest::

    from servicekit.testing.harness import service_fixtures
    service_db, harness = service_fixtures(SERVICE)

``harness.client(roles=..., org=..., actor=..., scopes=..., subject=...)`` is the same client a
demo loader gets (``servicekit.inprocess``), so ``await load(harness)`` works in tests;
``async with harness.rolled_back():`` undoes whatever the requests inside it changed.
"""

import os
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest
import redis.asyncio as aioredis
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from servicekit.db import create_engine
from servicekit.inprocess import InProcessApi, import_object
from servicekit.migrations import upgrade
from servicekit.service import ServiceDefinition
from servicekit.testing.keys import public_key_pem_for_tests, signer_for_tests


@dataclass
class ServiceHarness(InProcessApi):
    """The app on the test's transaction; ``client(...)`` acts as any principal (see InProcessApi)."""

    service: ServiceDefinition
    session: AsyncSession
    connection: AsyncConnection
    redis: aioredis.Redis
    stream_prefix: str

    @asynccontextmanager
    async def rolled_back(self):
        """Requests made inside leave no trace: a savepoint rolled back at the end."""
        savepoint = await self.connection.begin_nested()
        try:
            yield
        finally:
            await savepoint.rollback()


def service_env(service: ServiceDefinition, database_url: str, redis_url: str, stream_prefix: str) -> dict[str, str]:
    prefix = service.name.upper() + "_"
    return {
        prefix + "DATABASE_URL": database_url,
        prefix + "REDIS_URL": redis_url,
        prefix + "STREAM_PREFIX": stream_prefix,
        prefix + "ASSERTION_PUBLIC_KEY": public_key_pem_for_tests(),
        prefix + "LOG_LEVEL": "WARNING",
    }


def service_fixtures(service: ServiceDefinition):
    """Returns (service_db, harness) fixtures for a service's conftest."""

    @pytest.fixture(scope="session")
    def service_db(qm_postgres, qm_redis, qm_run_id):
        from servicekit.infra import create_database, drop_database

        name = f"qmt_{qm_run_id}_{service.name}"
        create_database(qm_postgres.admin_url, name)
        url = qm_postgres.url_for(name)
        upgrade(service.migrations_dir, url)
        env = service_env(service, url, qm_redis.url, f"qmt{qm_run_id}:")
        saved = {key: os.environ.get(key) for key in env}
        os.environ.update(env)
        yield url
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        drop_database(qm_postgres.admin_url, name)

    @pytest.fixture
    async def harness(service_db, qm_redis, qm_run_id):
        async with open_harness(service, service_db, qm_redis.url, f"qmt{qm_run_id}:") as h:
            yield h

    return service_db, harness


@asynccontextmanager
async def open_harness(service: ServiceDefinition, database_url: str, redis_url: str, stream_prefix: str):
    app: FastAPI = import_object(service.app_factory)()
    engine = create_engine(database_url, pool_size=2)
    redis = aioredis.from_url(redis_url)
    async with engine.connect() as connection:
        outer = await connection.begin()
        sessions = async_sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        app.state.engine = engine
        app.state.sessionmaker = sessions
        app.state.redis = redis
        async with sessions() as session:
            yield ServiceHarness(
                app=app, audience=service.name, signer=signer_for_tests(), service=service, session=session,
                connection=connection, redis=redis, stream_prefix=stream_prefix,
            )
        await outer.rollback()
    await redis.aclose()
    await engine.dispose()
