"""Alembic plumbing shared by every service: the env.py body and the platform tables' DDL."""

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.ext.asyncio import create_async_engine

from servicekit.db import Base
from servicekit.dburl import async_url


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", async_url(database_url).replace("%", "%%"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(migrations_dir: Path, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(migrations_dir, database_url), revision)


def downgrade(migrations_dir: Path, database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(migrations_dir, database_url), revision)


def target_metadata(service_metadata: MetaData) -> list[MetaData]:
    return [service_metadata, Base.metadata]


def run_env(service_metadata: MetaData) -> None:
    """The whole body of a service's ``migrations/env.py``."""
    metadata = target_metadata(service_metadata)
    url = context.config.attributes.get("database_url") or context.config.get_main_option("sqlalchemy.url")

    def do_run(connection) -> None:
        context.configure(connection=connection, target_metadata=metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = create_async_engine(async_url(url), poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
        await engine.dispose()

    if context.is_offline_mode():
        context.configure(url=async_url(url), target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(run_async())


def create_platform_tables(op) -> None:
    """Create outbox, processed_events and idempotency_records (call from a first migration)."""
    install_platform_tables(op.get_bind())


def drop_platform_tables(op) -> None:
    connection = op.get_bind()
    connection.exec_driver_sql("DROP TRIGGER IF EXISTS outbox_notify ON outbox")
    connection.exec_driver_sql("DROP FUNCTION IF EXISTS outbox_notify()")
    Base.metadata.drop_all(connection)


def install_platform_tables(connection) -> None:
    """The platform tables and the outbox's NOTIFY trigger, on a synchronous connection."""
    from servicekit.events.outbox import NOTIFY_CHANNEL

    Base.metadata.create_all(connection)
    # Wakes the relay at commit; one notification per statement (and PostgreSQL folds repeats).
    connection.exec_driver_sql(
        "CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN NOTIFY {NOTIFY_CHANNEL}; RETURN NULL; END $$"
    )
    connection.exec_driver_sql(
        "CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()"
    )
