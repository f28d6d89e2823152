from fastapi import FastAPI

from servicekit.app import create_service_app
from servicekit.orgtree import org_read_router

from goals.budget.router import router as budget_router
from goals.config import GoalsSettings
from goals.guarantees.router import router as guarantees_router
from goals.indicators.router import router as indicators_router
from goals.models import org_tables
from goals.organisation.router import router as organisation_router
from goals.organisation.router import unit_types_router

DESCRIPTION = """\
Mål och åtaganden: the organisation tree (organisationsträdet) with dated history, and — next —
the ILS goal structure, commitments (åtaganden), follow-ups and quality guarantees.
Every tree read accepts `as_of`; changes take an effective date and never rewrite history.
"""


def create_app() -> FastAPI:
    return create_service_app(
        GoalsSettings(),
        title="goals",
        description=DESCRIPTION,
        api_prefix="/goals/v1",
        routers=[org_read_router(org_tables), organisation_router, unit_types_router, indicators_router, budget_router, guarantees_router],
    )
