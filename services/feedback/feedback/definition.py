from pathlib import Path

from servicekit.orgtree import org_event_handlers
from servicekit.service import ServiceDefinition

from feedback.config import FeedbackSettings
from feedback.guarantees.consumer import HANDLERS as GUARANTEE_HANDLERS
from feedback.jobs import JOBS
from feedback.models import metadata, org_tables

SERVICE = ServiceDefinition(
    name="feedback",
    settings_factory=FeedbackSettings,
    app_factory="feedback.app:create_app",
    metadata=metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    subscriptions={"goals": org_event_handlers(org_tables) | GUARANTEE_HANDLERS},
    demo="feedback.demo:load",
    jobs=JOBS,
)
