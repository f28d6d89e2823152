from pathlib import Path

from servicekit.service import ServiceDefinition

from goals.config import GoalsSettings
from goals.models import metadata

SERVICE = ServiceDefinition(
    name="goals",
    settings_factory=GoalsSettings,
    app_factory="goals.app:create_app",
    metadata=metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    subscriptions={},
    demo="goals.demo:load",
)
