"""The key database's migrations run both ways on an empty database."""

import asyncio

import asyncpg

from gateway.migrate import downgrade, upgrade


def _names(url: str, query: str, *args) -> set[str]:
    """The first column of ``query``'s rows."""
    async def fetch() -> set[str]:
        connection = await asyncpg.connect(url)
        try:
            return {row[0] for row in await connection.fetch(query, *args)}
        finally:
            await connection.close()

    return asyncio.run(fetch())


def _tables(url: str) -> set[str]:
    return _names(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")


def _columns(url: str, table: str) -> set[str]:
    return _names(url, "SELECT column_name FROM information_schema.columns WHERE table_name = $1", table)


def test_upgrade_downgrade_upgrade(gw_empty_database):
    upgrade(gw_empty_database)
    assert {"api_keys", "alembic_version"} <= _tables(gw_empty_database)
    downgrade(gw_empty_database)
    assert "api_keys" not in _tables(gw_empty_database)
    upgrade(gw_empty_database)
    assert "api_keys" in _tables(gw_empty_database)


def test_key_rate_limits_migrate_both_ways(gw_empty_database):
    upgrade(gw_empty_database)
    assert "rate_limit_per_minute" in _columns(gw_empty_database, "api_keys")
    downgrade(gw_empty_database, "0001")
    assert "rate_limit_per_minute" not in _columns(gw_empty_database, "api_keys")
    upgrade(gw_empty_database)
