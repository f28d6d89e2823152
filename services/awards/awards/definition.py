from pathlib import Path

from servicekit.orgtree import org_event_handlers
from servicekit.service import ServiceDefinition

from awards.config import AwardsSettings
from awards.models import metadata, org_tables

SERVICE = ServiceDefinition(
    name="awards",
    settings_factory=AwardsSettings,
    app_factory="awards.app:create_app",
    metadata=metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    subscriptions={"goals": org_event_handlers(org_tables)},
)
