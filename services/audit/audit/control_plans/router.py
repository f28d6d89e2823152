"""HTTP API of internkontrollplaner."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit.auth import CurrentPrincipal
from servicekit.concurrency import locked_at_revision, set_etag, with_etag
from servicekit.db import Session
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, build_page, page_params

from audit import access
from audit.auditlog.route import AuditedRoute
from audit.control_plans import repository, service
from audit.control_plans.schemas import ControlPlan, ItemInput, PlanCreate, PlanStatus
from audit.decisions import DecisionInput
from audit.risk_analyses.router import decide_access, edit_access, read_access
from audit.web import cursor_position, problems

router = APIRouter(route_class=AuditedRoute, tags=["control plans"])
PATH = "/control-plans/{plan_id}"


@router.get(
    "/control-plans", response_model=Page[ControlPlan], dependencies=[read_access],
    summary="List internal-control plans", description="Internkontrollplaner per nämnd och år i ditt organisatoriska område.",
)
async def list_control_plans(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    committee_id: Annotated[uuid.UUID | None, Query(description="Only this committee's plans.")] = None,
    year: Annotated[int | None, Query(description="Only this year.")] = None,
    status: Annotated[PlanStatus | None, Query(description="Only this status.")] = None,
) -> Page[ControlPlan]:
    after = cursor_position(params, year=int, id=uuid.UUID)
    rows = await repository.list_plans(
        session, committees=await access.visible_committees(session, principal), committee_id=committee_id, year=year,
        status=status, after=after, limit=params.limit,
    )
    rows, cursor = build_page(rows, params, lambda row: {"year": row.year, "id": str(row.id)})
    return Page[ControlPlan](items=[await service.render(session, row) for row in rows], next_cursor=cursor)


@router.post(
    "/control-plans", status_code=201, response_model=ControlPlan, dependencies=[edit_access, Depends(idempotency_key)],
    summary="Start a committee's internal-control plan for a year",
    description="Ny internkontrollplan för en nämnd och ett år; granskningar april–november. Accepts Idempotency-Key.",
    responses=problems(403, 409, 422),
)
async def create_control_plan(body: PlanCreate, session: Session, principal: CurrentPrincipal, response: Response) -> ControlPlan:
    plan = await service.create(session, principal, data=body)
    set_etag(response, plan.revision)
    response.headers["location"] = f"/audit/v1/control-plans/{plan.id}"
    return plan


@router.get(
    PATH, response_model=ControlPlan, dependencies=[read_access], summary="Read an internal-control plan",
    description="En internkontrollplan med kontrollmoment (risk, vad, metod, urval, frekvens, ansvarig enhet, granskare).",
    responses=problems(403, 404),
)
async def get_control_plan(plan_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> ControlPlan:
    return with_etag(response, await service.read(session, principal, plan_id=plan_id))


@router.post(
    f"{PATH}/items", status_code=201, response_model=ControlPlan, dependencies=[edit_access, Depends(idempotency_key)],
    summary="Add a control to a draft plan",
    description="Lägg till ett kontrollmoment. The reviewer's unit must be neither the reviewed unit, nor below it, nor directly "
    "above it, on every day of the review window (objektivitet). Requires the plan's If-Match; accepts Idempotency-Key.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def add_control_item(
    plan_id: uuid.UUID, body: ItemInput, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> ControlPlan:
    row = await locked_at_revision(request, service.require, session, plan_id)
    plan, item_id = await service.add_item(session, principal, row=row, data=body)
    response.headers["location"] = f"/audit/v1/control-plans/{plan_id}/items/{item_id}"
    return with_etag(response, plan)


@router.put(
    f"{PATH}/items/{{item_id}}", response_model=ControlPlan, dependencies=[edit_access],
    summary="Change a control of a draft plan", description="Ändra ett kontrollmoment i ett utkast. Requires the plan's If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def change_control_item(
    plan_id: uuid.UUID, item_id: uuid.UUID, body: ItemInput, session: Session, principal: CurrentPrincipal,
    request: Request, response: Response,
) -> ControlPlan:
    row = await locked_at_revision(request, service.require, session, plan_id)
    item = await service.require_item(session, row, item_id)
    return with_etag(response, await service.change_item(session, principal, row=row, item=item, data=body))


@router.delete(
    f"{PATH}/items/{{item_id}}", response_model=ControlPlan, dependencies=[edit_access],
    summary="Remove a control from a draft plan", description="Ta bort ett kontrollmoment ur ett utkast. Requires the plan's If-Match.",
    responses=problems(403, 404, 409, 412, 428),
)
async def remove_control_item(
    plan_id: uuid.UUID, item_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> ControlPlan:
    row = await locked_at_revision(request, service.require, session, plan_id)
    item = await service.require_item(session, row, item_id)
    return with_etag(response, await service.remove_item(session, principal, row=row, item=item))


@router.post(
    f"{PATH}/adoption-request", response_model=ControlPlan, dependencies=[edit_access],
    summary="Ask for the plan to be adopted", description="Överlämna planen till nämnden för beslut. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def request_control_plan_adoption(
    plan_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> ControlPlan:
    row = await locked_at_revision(request, service.require, session, plan_id)
    return with_etag(response, await service.request_adoption(session, principal, row=row))


@router.post(
    f"{PATH}/adoption", response_model=ControlPlan, dependencies=[decide_access],
    summary="Adopt the plan by the committee's decision",
    description="Nämnden fastställer internkontrollplanen (med verksamhetsplanen). Someone other than the requester decides; "
    "publishes audit.plan.adopted. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def adopt_control_plan(
    plan_id: uuid.UUID, body: DecisionInput, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> ControlPlan:
    row = await locked_at_revision(request, service.require, session, plan_id)
    return with_etag(response, await service.adopt(session, principal, row=row, data=body))
