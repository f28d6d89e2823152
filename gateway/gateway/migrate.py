"""Alembic migrations of the gateway's own database (the API keys)."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from servicekit.dburl import async_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    if not database_url:
        raise ValueError("GATEWAY_DATABASE_URL is not set")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = async_url(database_url)
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
