"""The key database's migrations run both ways on an empty database."""

import asyncio

import asyncpg

from gateway.migrate import downgrade, upgrade


def _tables(url: str) -> set[str]:
    async def query() -> set[str]:
        connection = await asyncpg.connect(url)
        try:
            rows = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            return {row["tablename"] for row in rows}
        finally:
            await connection.close()

    return asyncio.run(query())


def test_upgrade_downgrade_upgrade(gw_empty_database):
    upgrade(gw_empty_database)
    assert {"api_keys", "alembic_version"} <= _tables(gw_empty_database)
    downgrade(gw_empty_database)
    assert "api_keys" not in _tables(gw_empty_database)
    upgrade(gw_empty_database)
    assert "api_keys" in _tables(gw_empty_database)
