from servicekit.app import create_service_app
from servicekit.orgtree import org_read_router

from awards.config import AwardsSettings
from awards.models import org_tables

DESCRIPTION = """Stockholms stads kvalitetsutmärkelse and Förnyelsepriset: rounds, applications, examinatorer,
jäv (conflicts), assessments, consensus, domarkommitténs decisions and goda exempel. This first
slice exposes the local, read-only copy of the organisation tree (organisationsträdet) fed by
goals' events."""


def create_app():
    return create_service_app(
        AwardsSettings(), title="Awards (Kvalitetsutmärkelsen och Förnyelsepriset)", description=DESCRIPTION,
        api_prefix="/awards/v1", routers=[org_read_router(org_tables)],
    )
