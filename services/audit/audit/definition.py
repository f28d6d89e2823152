from pathlib import Path

from servicekit.orgtree import org_event_handlers
from servicekit.service import ServiceDefinition

from audit.config import AuditSettings
from audit.jobs import JOBS
from audit.models import metadata, org_tables
from audit.reviews.commitments import COMMITMENT_HANDLERS

SERVICE = ServiceDefinition(
    name="audit",
    settings_factory=AuditSettings,
    app_factory="audit.app:create_app",
    metadata=metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    subscriptions={"goals": {**org_event_handlers(org_tables), **COMMITMENT_HANDLERS}},
    demo="audit.demo:load",
    jobs=JOBS,
)
