"""The migration checks every service runs on an empty database of its own."""

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, pool
from sqlalchemy.ext.asyncio import create_async_engine

from servicekit.dburl import async_url
from servicekit.migrations import downgrade, target_metadata, upgrade
from servicekit.service import ServiceDefinition


def _schema_diff(service: ServiceDefinition, url: str) -> list:
    async def run() -> list:
        engine = create_async_engine(async_url(url), poolclass=pool.NullPool)
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), target_metadata(service.metadata)
                )
            )
        await engine.dispose()
        return diff

    return asyncio.run(run())


def _tables(url: str) -> set[str]:
    async def run() -> set[str]:
        engine = create_async_engine(async_url(url), poolclass=pool.NullPool)
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        await engine.dispose()
        return names

    return asyncio.run(run())


def check_migrations(service: ServiceDefinition, postgres, run_id: str) -> None:
    """Upgrade → models match → downgrade to empty → upgrade again, on a fresh database."""
    from servicekit.infra import create_database, drop_database

    name = f"qmt_{run_id}_{service.name}_migrations"
    create_database(postgres.admin_url, name)
    url = postgres.url_for(name)
    try:
        upgrade(service.migrations_dir, url)
        assert _schema_diff(service, url) == [], "models and migrations differ"
        downgrade(service.migrations_dir, url)
        assert _tables(url) <= {"alembic_version"}, "downgrade left tables behind"
        upgrade(service.migrations_dir, url)
        assert _schema_diff(service, url) == []
    finally:
        drop_database(postgres.admin_url, name)
