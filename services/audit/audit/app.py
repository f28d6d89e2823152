from servicekit.app import create_service_app
from servicekit.orgtree import org_read_router

from audit.config import AuditSettings
from audit.models import org_tables

DESCRIPTION = """Intern kontroll: risk- och väsentlighetsanalys (ROV), internkontrollplaner, granskningar and
handlingsplaner; avtals- och verksamhetsuppföljningar of contractors; lex Sarah cases; a
tamper-evident audit log. This first slice exposes the local, read-only copy of the organisation
tree (organisationsträdet) fed by goals' events."""


def create_app():
    return create_service_app(
        AuditSettings(), title="Audit (intern kontroll, uppföljning och lex Sarah)", description=DESCRIPTION,
        api_prefix="/audit/v1", routers=[org_read_router(org_tables)],
    )
