"""HTTP API of risk scales (riskskalor)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit.auth import CurrentPrincipal, require_access, service_reader
from servicekit.concurrency import locked_at_revision, set_etag, with_etag
from servicekit.db import Session
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, build_page, page_params

from audit.auditlog.route import AuditedRoute
from audit.scales import repository, service
from audit.scales.schemas import RiskScale, ScaleContent, ScaleCreate
from audit.web import cursor_position, problems

router = APIRouter(route_class=AuditedRoute, tags=["risk scales"])
write_access = require_access(roles=("internal_auditor",))


@router.get(
    "/risk-scales", response_model=Page[RiskScale], dependencies=[service_reader],
    summary="List risk scales", description="Riskskalor (sannolikhet × konsekvens), every version, by code.",
)
async def list_risk_scales(
    session: Session, params: Annotated[PageParams, Depends(page_params)],
    code: Annotated[str | None, Query(description="Only versions of this scale code.")] = None,
) -> Page[RiskScale]:
    after = cursor_position(params, code=str, version=int)
    rows = await repository.list_scales(session, code=code, after=after, limit=params.limit)
    rows, cursor = build_page(rows, params, lambda row: {"code": row.code, "version": row.version})
    used = await repository.used_ids(session, [row.id for row in rows])
    return Page[RiskScale](items=[service.render(row, locked=row.id in used) for row in rows], next_cursor=cursor)


@router.post(
    "/risk-scales", status_code=201, response_model=RiskScale, dependencies=[write_access, Depends(idempotency_key)],
    summary="Create a risk scale or a new version of one",
    description="Ny riskskala eller ny version (samma kod): levels of sannolikhet and konsekvens with Swedish labels, "
    "risknivåer and the grid naming each cell's level. Accepts Idempotency-Key.",
    responses=problems(403, 422),
)
async def create_risk_scale(body: ScaleCreate, session: Session, principal: CurrentPrincipal, response: Response) -> RiskScale:
    scale = await service.create_scale(session, principal, data=body)
    set_etag(response, scale.revision)
    response.headers["location"] = f"/audit/v1/risk-scales/{scale.id}"
    return scale


@router.get(
    "/risk-scales/{scale_id}", response_model=RiskScale, dependencies=[service_reader],
    summary="Read a risk scale", description="En riskskala: varje ruta med riskvärde (produkt) och risknivå.",
    responses=problems(404),
)
async def get_risk_scale(scale_id: uuid.UUID, session: Session, response: Response) -> RiskScale:
    return with_etag(response, await service.get_scale(session, scale_id=scale_id))


@router.put(
    "/risk-scales/{scale_id}", response_model=RiskScale, dependencies=[write_access],
    summary="Change a risk scale that no analysis uses yet",
    description="Ändra en riskskala som ännu inte används; a used scale is locked (409): create a new version. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def replace_risk_scale(
    scale_id: uuid.UUID, body: ScaleContent, session: Session, principal: CurrentPrincipal, request: Request, response: Response
) -> RiskScale:
    row = await locked_at_revision(request, service.require, session, scale_id)
    return with_etag(response, await service.change_scale(session, principal, row=row, data=body))
