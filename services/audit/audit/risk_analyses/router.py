"""HTTP API of risk- och väsentlighetsanalyser."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit.auth import CurrentPrincipal, require_access
from servicekit.concurrency import locked_at_revision, set_etag, with_etag
from servicekit.db import Session
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, build_page, page_params

from audit import access
from audit.auditlog.route import AuditedRoute
from audit.decisions import DecisionInput
from audit.risk_analyses import repository, service
from audit.risk_analyses.schemas import AnalysisCreate, AnalysisStatus, RiskAnalysis, RiskInput
from audit.web import cursor_position, problems

READ_ROLES = ("internal_auditor", "controller", "committee", "city_controller")
read_access = require_access(roles=READ_ROLES, key_scopes=("audit:read", "audit:write"))
edit_access = require_access(roles=service.EDIT_ROLES)
decide_access = require_access(roles=("committee",))
router = APIRouter(route_class=AuditedRoute, tags=["risk analyses"])
PATH = "/risk-analyses/{analysis_id}"


@router.get(
    "/risk-analyses", response_model=Page[RiskAnalysis], dependencies=[read_access],
    summary="List risk analyses", description="Risk- och väsentlighetsanalyser i ditt organisatoriska område, per enhet, år och status.",
)
async def list_risk_analyses(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    unit_id: Annotated[uuid.UUID | None, Query(description="Only this organisation unit's analyses.")] = None,
    year: Annotated[int | None, Query(description="Only this year.")] = None,
    status: Annotated[AnalysisStatus | None, Query(description="Only this status.")] = None,
) -> Page[RiskAnalysis]:
    after = cursor_position(params, year=int, id=uuid.UUID)
    rows = await repository.list_analyses(
        session, committees=await access.visible_committees(session, principal), unit_id=unit_id, year=year,
        status=status, after=after, limit=params.limit,
    )
    rows, cursor = build_page(rows, params, lambda row: {"year": row.year, "id": str(row.id)})
    return Page[RiskAnalysis](items=[await service.render(session, row) for row in rows], next_cursor=cursor)


@router.post(
    "/risk-analyses", status_code=201, response_model=RiskAnalysis, dependencies=[edit_access, Depends(idempotency_key)],
    summary="Start a risk analysis for a unit and year",
    description="Ny risk- och väsentlighetsanalys. With start_from_previous the risks of last year's analysis are copied, "
    "each linked to its original (utgå från förra året). Accepts Idempotency-Key.",
    responses=problems(403, 409, 422),
)
async def create_risk_analysis(body: AnalysisCreate, session: Session, principal: CurrentPrincipal, response: Response) -> RiskAnalysis:
    analysis = await service.create(session, principal, data=body)
    set_etag(response, analysis.revision)
    response.headers["location"] = f"/audit/v1/risk-analyses/{analysis.id}"
    return analysis


@router.get(
    PATH, response_model=RiskAnalysis, dependencies=[read_access], summary="Read a risk analysis",
    description="En risk- och väsentlighetsanalys med riskerna: riskvärde (sannolikhet × konsekvens) och risknivå.",
    responses=problems(403, 404),
)
async def get_risk_analysis(analysis_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> RiskAnalysis:
    return with_etag(response, await service.read(session, principal, analysis_id=analysis_id))


@router.post(
    f"{PATH}/risks", status_code=201, response_model=RiskAnalysis, dependencies=[edit_access, Depends(idempotency_key)],
    summary="Add a risk to a draft analysis",
    description="Lägg till en risk: process, beskrivning, kategori (t.ex. oegentligheter), sannolikhet, konsekvens, ansvarig chef, "
    "motivering, med i internkontrollplanen. Requires the analysis's If-Match; accepts Idempotency-Key.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def add_risk(
    analysis_id: uuid.UUID, body: RiskInput, session: Session, principal: CurrentPrincipal, request: Request, response: Response
) -> RiskAnalysis:
    row = await locked_at_revision(request, service.require, session, analysis_id)
    analysis, risk_id = await service.add_risk(session, principal, row=row, data=body)
    response.headers["location"] = f"/audit/v1/risk-analyses/{analysis_id}/risks/{risk_id}"
    return with_etag(response, analysis)


@router.put(
    f"{PATH}/risks/{{risk_id}}", response_model=RiskAnalysis, dependencies=[edit_access],
    summary="Change a risk of a draft analysis", description="Ändra en risk i ett utkast. Requires the analysis's If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def change_risk(
    analysis_id: uuid.UUID, risk_id: uuid.UUID, body: RiskInput, session: Session, principal: CurrentPrincipal,
    request: Request, response: Response,
) -> RiskAnalysis:
    row = await locked_at_revision(request, service.require, session, analysis_id)
    risk = await service.require_risk(session, row, risk_id)
    return with_etag(response, await service.change_risk(session, principal, row=row, risk=risk, data=body))


@router.delete(
    f"{PATH}/risks/{{risk_id}}", response_model=RiskAnalysis, dependencies=[edit_access],
    summary="Remove a risk from a draft analysis", description="Ta bort en risk ur ett utkast. Requires the analysis's If-Match.",
    responses=problems(403, 404, 409, 412, 428),
)
async def remove_risk(
    analysis_id: uuid.UUID, risk_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> RiskAnalysis:
    row = await locked_at_revision(request, service.require, session, analysis_id)
    risk = await service.require_risk(session, row, risk_id)
    return with_etag(response, await service.remove_risk(session, principal, row=row, risk=risk))


@router.post(
    f"{PATH}/adoption-request", response_model=RiskAnalysis, dependencies=[edit_access],
    summary="Ask for the analysis to be adopted", description="Överlämna analysen för beslut. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def request_risk_analysis_adoption(
    analysis_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> RiskAnalysis:
    row = await locked_at_revision(request, service.require, session, analysis_id)
    return with_etag(response, await service.request_adoption(session, principal, row=row))


@router.post(
    f"{PATH}/adoption", response_model=RiskAnalysis, dependencies=[decide_access],
    summary="Adopt the analysis by a decision",
    description="Fastställ analysen med ett beslut (DecisionRef). Someone other than the requester decides; "
    "the adopted analysis is read-only. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def adopt_risk_analysis(
    analysis_id: uuid.UUID, body: DecisionInput, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> RiskAnalysis:
    row = await locked_at_revision(request, service.require, session, analysis_id)
    return with_etag(response, await service.adopt(session, principal, row=row, data=body))


@router.post(
    f"{PATH}/return", response_model=RiskAnalysis, dependencies=[decide_access],
    summary="Return a requested analysis for changes", description="Återremittera analysen till utkast. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 428),
)
async def return_risk_analysis(
    analysis_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> RiskAnalysis:
    row = await locked_at_revision(request, service.require, session, analysis_id)
    return with_etag(response, await service.return_to_draft(session, principal, row=row))
