import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # the sample service module beside this file

import pytest
import redis.asyncio as aioredis
from sample_service import Base as SampleBase
from sqlalchemy import pool
from sqlalchemy.ext.asyncio import create_async_engine

from servicekit.dburl import async_url
from servicekit.migrations import install_platform_tables
from servicekit.testing.harness import open_harness, service_env
from servicekit.service import ServiceDefinition

SAMPLE = ServiceDefinition(
    name="sample", settings_factory=lambda: None, app_factory="sample_service:create_app",
    metadata=SampleBase.metadata, migrations_dir=Path("."),
)


@pytest.fixture(scope="session")
def sample_db(qm_postgres, qm_redis, qm_run_id):
    from servicekit.infra import create_database, drop_database

    name = f"qmt_{qm_run_id}_servicekit"
    create_database(qm_postgres.admin_url, name)
    url = qm_postgres.url_for(name)

    async def create_tables() -> None:
        engine = create_async_engine(async_url(url), poolclass=pool.NullPool)
        async with engine.begin() as connection:
            await connection.run_sync(install_platform_tables)
            await connection.run_sync(SampleBase.metadata.create_all)
        await engine.dispose()

    asyncio.run(create_tables())
    os.environ.update(service_env(SAMPLE, url, qm_redis.url, f"qmt{qm_run_id}sk:"))
    yield url
    drop_database(qm_postgres.admin_url, name)


@pytest.fixture
async def harness(sample_db, qm_redis, qm_run_id):
    async with open_harness(SAMPLE, sample_db, qm_redis.url, f"qmt{qm_run_id}sk:") as h:
        yield h


@pytest.fixture
async def redis_client(qm_redis):
    client = aioredis.from_url(qm_redis.url)
    yield client
    await client.aclose()
