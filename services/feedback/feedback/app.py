from servicekit.app import create_service_app
from servicekit.orgtree import org_read_router

from feedback.config import FeedbackSettings
from feedback.models import org_tables

DESCRIPTION = """Synpunkter och klagomål: suggestions, complaints, praise and questions from residents
(synpunktshantering), with Open311 GeoReport v2 intake. This first slice exposes the local,
read-only copy of the organisation tree (organisationsträdet) fed by goals' events."""


def create_app():
    return create_service_app(
        FeedbackSettings(), title="Feedback (synpunkter och klagomål)", description=DESCRIPTION,
        api_prefix="/feedback/v1", routers=[org_read_router(org_tables)],
    )
