"""HTTP API of the team's consensus (konsensus) per area and the site visit (platsbesök)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from servicekit.auth import CurrentPrincipal
from servicekit.concurrency import require_if_match, set_etag
from servicekit.db import Session, TransactionalRoute

from awards.access import problems, reader
from awards.assessments.service import team_for
from awards.consensus import service
from awards.consensus.schemas import Consensus, ConsensusAreaIn, SiteVisit, SiteVisitIn

router = APIRouter(route_class=TransactionalRoute, tags=["consensus"], dependencies=[reader])


@router.get(
    "/applications/{application_id}/consensus", response_model=Consensus, responses=problems(404),
    summary="The team's consensus on an application",
    description="Konsensus per område: poäng, styrkor, förbättringsområden, the individual scores once the team has "
    "submitted, every change from an individual score with its motivering, the weighted score, and the site visit. "
    "For the team and the award office.",
)
async def get_consensus(application_id: uuid.UUID, session: Session, principal: CurrentPrincipal) -> Consensus:
    return await service.render(session, await team_for(session, principal, application_id=application_id))


@router.put(
    "/applications/{application_id}/consensus/{area_number}", response_model=Consensus,
    responses=problems(403, 404, 409, 412, 422, 428), summary="Record the consensus of one area",
    description="Registrera teamets konsensuspoäng för ett område (same grid as the individual scores) with its "
    "strengths and areas for improvement; every individual score it departs from needs a motivering (reasons per "
    "examiner or one reason for all). By the team, in the consensus phase, after everyone submitted. If-Match (the "
    "area's ETag) once the area has a consensus.",
)
async def save_consensus_area(
    application_id: uuid.UUID, area_number: Annotated[int, Path(ge=1, le=20)], body: ConsensusAreaIn, session: Session,
    principal: CurrentPrincipal, request: Request, response: Response,
) -> Consensus:
    team = await team_for(session, principal, application_id=application_id)
    row = await service.lock_area(session, principal, team, area_number=area_number)
    if row is not None:
        require_if_match(request, row.revision)
    row = await service.save_area(session, principal, team, row=row, area_number=area_number, data=body)
    set_etag(response, row.revision)
    return await service.render(session, team)


@router.put(
    "/applications/{application_id}/site-visit", response_model=SiteVisit, responses=problems(403, 404, 409, 412, 422, 428),
    summary="Record the site visit",
    description="Registrera platsbesöket (datum och anteckningar) för en ansökan på domarkommitténs urval, in the site-visit "
    "phase, by the team. If-Match once recorded.",
)
async def save_site_visit(
    application_id: uuid.UUID, body: SiteVisitIn, session: Session, principal: CurrentPrincipal, request: Request,
    response: Response,
) -> SiteVisit:
    team = await team_for(session, principal, application_id=application_id)
    row = await service.lock_site_visit(session, principal, team)
    if row is not None:
        require_if_match(request, row.revision)
    row = await service.save_site_visit(session, principal, team, row=row, data=body)
    set_etag(response, row.revision)
    return service.render_visit(row)
