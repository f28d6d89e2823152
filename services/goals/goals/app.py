from fastapi import FastAPI

from servicekit.app import create_service_app
from servicekit.orgtree import org_read_router

from goals.commitments.router import router as commitments_router
from goals.config import GoalsSettings
from goals.follow_ups.router import router as follow_ups_router
from goals.models import org_tables
from goals.organisation.router import router as organisation_router
from goals.organisation.router import unit_types_router
from goals.structure.router import router as structure_router

DESCRIPTION = """\
Mål och åtaganden: the organisation tree (organisationsträdet) with dated history; the ILS goal
structure (vision → kommunfullmäktiges inriktningsmål → KF:s mål för verksamhetsområdet → nämndmål)
and its line of sight (den röda tråden); business plans (verksamhetsplaner) with commitments
(åtaganden), their credibility assessment (trovärdighetsbedömning), adoption and changes by decision;
follow-ups per period (tertialrapport 1 and 2, verksamhetsberättelse).
Every tree read accepts `as_of`; changes take an effective date and never rewrite history.
"""


def create_app() -> FastAPI:
    return create_service_app(
        GoalsSettings(),
        title="goals",
        description=DESCRIPTION,
        api_prefix="/goals/v1",
        routers=[
            org_read_router(org_tables), organisation_router, unit_types_router, structure_router, commitments_router, follow_ups_router,
        ],
    )
