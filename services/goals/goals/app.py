from fastapi import APIRouter, Depends, FastAPI

from servicekit.app import create_service_app
from servicekit.orgtree import org_read_router

from goals.access import refuse_portal
from goals.audit_log_heads.router import router as audit_log_heads_router
from goals.budget.router import router as budget_router
from goals.commitments.router import router as commitments_router
from goals.config import GoalsSettings
from goals.follow_ups.router import router as follow_ups_router
from goals.foreign_figures.router import router as foreign_figures_router
from goals.guarantees.router import router as guarantees_router
from goals.indicators.router import router as indicators_router
from goals.models import org_tables
from goals.organisation.router import router as organisation_router
from goals.organisation.router import unit_types_router
from goals.rollup.router import router as rollup_router
from goals.structure.router import router as structure_router

DESCRIPTION = """\
Mål och åtaganden: the organisation tree (organisationsträdet) with dated history; the ILS goal
structure (vision → kommunfullmäktiges inriktningsmål → KF:s mål för verksamhetsområdet → nämndmål)
and its line of sight (den röda tråden); business plans (verksamhetsplaner) with commitments
(åtaganden), their credibility assessment (trovärdighetsbedömning), adoption and changes by decision;
follow-ups per period (tertialrapport 1 and 2, verksamhetsberättelse).
Indicators (indikatorer) with targets and versioned values imported from Kolada or CSV; budget
figures (budget / utfall / avvikelse); quality guarantees (kvalitetsgarantier), published for portals.
Roll-up (sammanvägd måluppfyllelse) of a goal or the city per period, with its explanation and the
committee's own verdict beside it.
Other services' figures beside goals' own: klagomålsstatistik from feedback beside a unit's commitments
and guarantees, lex Sarah yearly summaries from audit, award results and good examples from awards.
Every tree read accepts `as_of`; changes take an effective date and never rewrite history.
"""


def _tree_reads() -> APIRouter:
    """servicekit's tree reads pass any key with a goals scope; in goals a portal reads published guarantees only."""
    reads = APIRouter(dependencies=[Depends(refuse_portal)])
    reads.include_router(org_read_router(org_tables))
    reads.include_router(unit_types_router)
    return reads


def create_app() -> FastAPI:
    return create_service_app(
        GoalsSettings(),
        title="goals",
        description=DESCRIPTION,
        api_prefix="/goals/v1",
        routers=[
            _tree_reads(), organisation_router, structure_router, commitments_router, follow_ups_router,
            indicators_router, budget_router, guarantees_router, audit_log_heads_router,
            rollup_router, foreign_figures_router,
        ],
    )
