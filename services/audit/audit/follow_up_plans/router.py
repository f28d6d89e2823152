"""HTTP API of the yearly follow-up plan (avtals- och verksamhetsuppföljningsplan) and its risk weights."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit.auth import CurrentPrincipal, require_access
from servicekit.concurrency import locked_at_revision, with_etag
from servicekit.db import Session
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, build_page, page_params

from audit.auditlog.route import AuditedRoute
from audit.contracts.router import READ_ROLES
from audit.decisions import DecisionInput
from audit.follow_up_plans import service
from audit.follow_up_plans.schemas import FollowUpPlan, ItemChange, PlanCreate, WeightsCreate, WeightSet
from audit.web import cursor_position, problems

read_access = require_access(roles=READ_ROLES, key_scopes=("audit:read", "audit:write"))
edit_access = require_access(roles=service.EDIT_ROLES)
decide_access = require_access(roles=("committee",))
router = APIRouter(route_class=AuditedRoute, tags=["follow-up plans"])
PLAN = "/follow-up-plans/{plan_id}"


@router.get(
    "/follow-up-risk-weights", response_model=list[WeightSet], dependencies=[read_access],
    summary="List the versions of the follow-up plan's risk weights",
    description="Riskvikter för uppföljningsplanen som versionerade data: stadens standardvikter and the committee's own "
    "versions, oldest first. A plan uses the committee's latest version, else the city's.",
    responses=problems(403),
)
async def list_follow_up_risk_weights(
    session: Session, principal: CurrentPrincipal,
    committee_id: Annotated[uuid.UUID | None, Query(description="Only the city's and this committee's versions.")] = None,
) -> list[WeightSet]:
    return await service.weight_versions(session, principal, committee_id=committee_id)


@router.post(
    "/follow-up-risk-weights", status_code=201, response_model=WeightSet, dependencies=[edit_access, Depends(idempotency_key)],
    summary="Add a version of a committee's risk weights",
    description="Ny version av nämndens riskvikter (0–100 per faktor: föregående års brister, allvarliga brister, "
    "eskaleringar, lex Sarah-rapporter, platser, årsvärde) och tröskelvärden för besök, brukarundersökning, oanmält besök "
    "och nattbesök. Adopted plans keep the version they were computed with. Accepts Idempotency-Key.",
    responses=problems(403, 422),
)
async def create_follow_up_risk_weights(body: WeightsCreate, session: Session, principal: CurrentPrincipal) -> WeightSet:
    return await service.create_weights(session, principal, data=body)


@router.get(
    "/follow-up-plans", response_model=Page[FollowUpPlan], dependencies=[read_access], summary="List follow-up plans",
    description="Avtals- och verksamhetsuppföljningsplaner för de nämnder ditt organisatoriska område når, by year.",
)
async def list_follow_up_plans(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    committee_id: Annotated[uuid.UUID | None, Query(description="Only this committee's plans.")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="Only plans for this year.")] = None,
) -> Page[FollowUpPlan]:
    after = cursor_position(params, year=int, id=uuid.UUID)
    rows = await service.list_plans(session, principal, committee_id=committee_id, year=year, after=after, limit=params.limit)
    rows, cursor = build_page(rows, params, lambda row: {"year": row.year, "id": str(row.id)})
    return Page[FollowUpPlan](items=[await service.render(session, row) for row in rows], next_cursor=cursor)


@router.post(
    "/follow-up-plans", status_code=201, response_model=FollowUpPlan, dependencies=[edit_access, Depends(idempotency_key)],
    summary="Propose the year's follow-up plan, weighted by risk",
    description="Förslag till avtals- och verksamhetsuppföljningsplan: nämndens gällande avtal för året, rangordnade efter "
    "riskpoäng från föregående års brister och eskaleringar, lex Sarah-rapporter hos utföraren (antal) och storlek, med "
    "förklaring (värde × vikt) och föreslagna uppföljningstyper. Accepts Idempotency-Key.",
    responses=problems(403, 409, 422),
)
async def create_follow_up_plan(body: PlanCreate, session: Session, principal: CurrentPrincipal, response: Response) -> FollowUpPlan:
    plan = await service.create(session, principal, data=body)
    response.headers["location"] = f"/audit/v1/follow-up-plans/{plan.id}"
    return with_etag(response, plan)


@router.get(
    PLAN, response_model=FollowUpPlan, dependencies=[read_access], summary="Read a follow-up plan with planned against done",
    description="Uppföljningsplanen: per avtal riskpoäng med förklaring, planerade uppföljningstyper och de uppföljningar "
    "som genomförts under året (planerat mot genomfört).",
    responses=problems(403, 404),
)
async def get_follow_up_plan(plan_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> FollowUpPlan:
    return with_etag(response, await service.read(session, principal, plan_id=plan_id))


@router.post(
    f"{PLAN}/recalculation", response_model=FollowUpPlan, dependencies=[edit_access],
    summary="Recompute a draft plan's risk scores",
    description="Räkna om förslaget med dagens brister, lex Sarah-antal och riskvikter; planned types return to the "
    "proposal. Only a draft (förslag). Requires If-Match.",
    responses=problems(403, 404, 409, 412, 428),
)
async def recalculate_follow_up_plan(
    plan_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> FollowUpPlan:
    row = await locked_at_revision(request, service.require, session, plan_id)
    return with_etag(response, await service.recalculate(session, principal, row=row))


@router.put(
    f"{PLAN}/items/{{item_id}}", response_model=FollowUpPlan, dependencies=[edit_access],
    summary="Change the follow-up types planned for a contract",
    description="Ändra planerade uppföljningstyper för ett avtal i förslaget (t.ex. oanmält nattbesök på alla vård- och "
    "omsorgsboenden), with a note on why. Requires the plan's If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def change_follow_up_plan_item(
    plan_id: uuid.UUID, item_id: uuid.UUID, body: ItemChange, session: Session, principal: CurrentPrincipal,
    request: Request, response: Response,
) -> FollowUpPlan:
    row = await locked_at_revision(request, service.require, session, plan_id)
    item = await service.require_item(session, row, item_id)
    return with_etag(response, await service.change_item(session, principal, row=row, item=item, data=body))


@router.post(
    f"{PLAN}/adoption", response_model=FollowUpPlan, dependencies=[decide_access],
    summary="Adopt the follow-up plan by the committee's decision",
    description="Nämnden fastställer uppföljningsplanen genom beslut (DecisionRef: diarienummer, datum, nämnden); "
    "the plan is read-only afterwards. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def adopt_follow_up_plan(
    plan_id: uuid.UUID, body: DecisionInput, session: Session, principal: CurrentPrincipal, request: Request,
    response: Response,
) -> FollowUpPlan:
    row = await locked_at_revision(request, service.require, session, plan_id)
    return with_etag(response, await service.adopt(session, principal, row=row, data=body))
