"""`python -m goals demo`: first-start content through the API, loaded once however often it runs."""

import os
import subprocess
import sys

import asyncpg
import pytest
import redis.asyncio as aioredis

from servicekit.dburl import plain_url
from servicekit.events.envelope import stream_name
from servicekit.infra import create_database, drop_database
from servicekit.migrations import upgrade

from goals.definition import SERVICE
from goals.demo import CITY_CODE, SEED_COMMITTEE_CODE, demo_city


@pytest.fixture
def fresh_database(qm_postgres, qm_run_id):
    """A migrated goals database of its own: the command commits, unlike the harness's requests."""
    name = f"qmt_{qm_run_id}_goals_demo"
    create_database(qm_postgres.admin_url, name)
    url = qm_postgres.url_for(name)
    upgrade(SERVICE.migrations_dir, url)
    yield url
    drop_database(qm_postgres.admin_url, name)


def run_demo(database_url: str, redis_url: str, prefix: str, **extra_env: str) -> str:
    env = {
        **os.environ, "GOALS_DATABASE_URL": database_url, "GOALS_REDIS_URL": redis_url,
        "GOALS_STREAM_PREFIX": prefix, "GOALS_LOG_LEVEL": "WARNING", **extra_env,
    }
    result = subprocess.run(
        [sys.executable, "-P", "-m", "goals", "demo"], env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


async def counts(database_url: str) -> tuple[int, int, set[str]]:
    """Units, events (each already published: the command drains its outbox) and the seed's codes."""
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        units = await connection.fetchval("SELECT count(*) FROM org_units")
        events = await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL")
        assert await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
        codes = {row["code"] for row in await connection.fetch(
            "SELECT code FROM org_unit_versions WHERE code = ANY($1::text[])", [CITY_CODE, SEED_COMMITTEE_CODE, "SDF-SPT-STAB-VU"]
        )}
        return units, events, codes
    finally:
        await connection.close()


@pytest.fixture
async def redis(qm_redis, qm_run_id):
    client = aioredis.from_url(qm_redis.url)
    prefix = f"qmt{qm_run_id}demo:"
    yield client, prefix
    await client.delete(stream_name(prefix, "goals"))
    await client.aclose()


@pytest.mark.slow
async def test_the_demo_loads_once_and_qm_demo_0_skips_it(fresh_database, qm_redis, redis):
    client, prefix = redis

    skipped = run_demo(fresh_database, qm_redis.url, prefix, QM_DEMO="0")
    assert "not loaded" in skipped
    assert await counts(fresh_database) == (0, 0, set())

    run_demo(fresh_database, qm_redis.url, prefix)
    units, events, codes = await counts(fresh_database)
    # Every unit of the demo city, each created through the API (so each wrote its event).
    assert units == len(demo_city()) and events >= units
    assert codes == {CITY_CODE, SEED_COMMITTEE_CODE, "SDF-SPT-STAB-VU"}
    # No worker runs here: the command published its events itself, each once.
    assert await client.xlen(stream_name(prefix, "goals")) == events

    again = run_demo(fresh_database, qm_redis.url, prefix)
    assert "loaded" in again
    assert await counts(fresh_database) == (units, events, codes)
    assert await client.xlen(stream_name(prefix, "goals")) == events
