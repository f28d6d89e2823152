from pathlib import Path

from servicekit.orgtree import org_event_handlers
from servicekit.service import ServiceDefinition

from awards.config import AwardsSettings
from awards.evidence.consumers import feedback_handlers, goals_handlers
from awards.models import metadata, org_tables

SERVICE = ServiceDefinition(
    name="awards",
    settings_factory=AwardsSettings,
    app_factory="awards.app:create_app",
    metadata=metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    # goals publishes the organisation tree and the commitments/follow-ups used as evidence;
    # feedback the unit statistics (complaint figures) shown beside them.
    subscriptions={"goals": org_event_handlers(org_tables) | goals_handlers(), "feedback": feedback_handlers()},
    demo="awards.demo:load",
)
