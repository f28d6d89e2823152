import uuid

from fastapi import Request

from servicekit.app import create_service_app
from servicekit.idempotency import IdempotentReplay, replay_response
from servicekit.orgtree import org_read_router
from servicekit.prefixes import PrefixedApi

from feedback.cases import resident_router
from feedback.cases import router as cases_router
from feedback.cases.service import Intake
from feedback.cases.tokens import TOKEN_HEADER, derive_token
from feedback.categories import router as categories_router
from feedback.config import FeedbackSettings
from feedback.deadlines import router as deadlines_router
from feedback.guarantees import router as guarantees_router
from feedback.reports import router as reports_router
from feedback.statistics import router as statistics_router
from feedback.models import org_tables
from feedback.open311 import render as open311_render
from feedback.open311 import router as open311_router

API_PREFIX = "/feedback/v1"
DESCRIPTION = """Synpunkter och klagomål: suggestions, complaints, praise and questions from residents
(synpunktshantering). Cases are routed to the handling unit (handläggande enhet) by the sender's
choice or by the committee's routing of the category, or held by the city's central intake; they
follow a recorded lifecycle with deadlines in Swedish working days (arbetsdagar), escalate when
overdue, and keep the sender's contact details (kontaktuppgifter) encrypted and apart, erased
after the retention period (gallring). Open311 GeoReport v2 intake is served at /open311/v2."""


def create_app():
    settings = FeedbackSettings()
    app = create_service_app(
        settings, title="Feedback (synpunkter och klagomål)", description=DESCRIPTION, api_prefix=API_PREFIX,
        routers=[
            cases_router.router, resident_router.router, categories_router.router, deadlines_router.router,
            guarantees_router.router, statistics_router.router, reports_router.router,
            org_read_router(org_tables),
        ],
        extra_prefixes={"/open311/v2": PrefixedApi(
            routers=[open311_router.router], render_error=open311_render.render_error,
            openapi_error_response=open311_render.ERROR_RESPONSE,
        )},
    )
    app.state.intake = Intake.from_settings(settings)
    app.state.statistics_min_cell = settings.statistics_min_cell
    app.state.ranking_min_volume = settings.ranking_min_volume

    @app.exception_handler(IdempotentReplay)
    async def _replay(request: Request, replay: IdempotentReplay):
        """A replayed case registration hands out the same token again: it is derived from the
        case id in the stored Location, so the stored reply itself never holds it."""
        response = replay_response(replay)
        location = replay.headers.get("location", "")
        if replay.status_code == 201 and location.startswith(f"{API_PREFIX}/cases/"):
            case_id = uuid.UUID(location.rsplit("/", 1)[1])
            response.headers[TOKEN_HEADER] = derive_token(app.state.intake.token_key, case_id)
        return response

    return app
