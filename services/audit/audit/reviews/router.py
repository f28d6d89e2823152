"""HTTP API of granskningar, brister, handlingsplaner and the carry-over check."""

import uuid
from datetime import date
from typing import Annotated

from contracts.audit import FindingStatus
from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit.auth import CurrentPrincipal, require_access
from servicekit.concurrency import locked_at_revision, set_etag, with_etag
from servicekit.db import Session
from servicekit.idempotency import idempotency_key
from servicekit.orgtree import stockholm_today
from servicekit.pagination import Page, PageParams, build_page, page_params
from servicekit.problems import ProblemError

from audit import access
from audit.auditlog.route import AuditedRoute
from audit.control_plans import service as plans
from audit.reviews import repository, service
from audit.reviews.schemas import (
    ActionPlanChange,
    ActionPlanCreate,
    CarryOverCheck,
    CarryOverResult,
    Finding,
    FindingCreate,
    Review,
    ReviewCreate,
    Verification,
)
from audit.risk_analyses.router import read_access
from audit.web import cursor_position, problems

router = APIRouter(route_class=AuditedRoute, tags=["reviews and findings"])
auditor_access = require_access(roles=("internal_auditor",))
finding_read_access = require_access(roles=(*service.COMMITTEE_READERS, "unit_manager"), key_scopes=("audit:read", "audit:write"))
action_plan_access = require_access(roles=("internal_auditor", "unit_manager"))
close_access = require_access(roles=("internal_auditor", "controller"))
admin_access = require_access(roles=("admin",))
FINDING = "/findings/{finding_id}"


@router.post(
    "/reviews", status_code=201, response_model=Review, dependencies=[auditor_access, Depends(idempotency_key)],
    summary="Record a review of a control",
    description="Registrera en granskning av ett kontrollmoment i en fastställd plan, inom granskningsperioden (april–november): "
    "the control's method is kept as it stood (snapshot), with the sample, result and summary. Accepts Idempotency-Key.",
    responses=problems(403, 409, 422),
)
async def create_review(body: ReviewCreate, session: Session, principal: CurrentPrincipal, response: Response) -> Review:
    review = await service.create_review(session, principal, data=body)
    set_etag(response, review.revision)
    response.headers["location"] = f"/audit/v1/reviews/{review.id}"
    return review


@router.get(
    "/reviews", response_model=Page[Review], dependencies=[read_access],
    summary="List the reviews of a plan", description="Granskningar av en internkontrollplan, i datumordning.",
    responses=problems(403, 404),
)
async def list_reviews(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    plan_id: Annotated[uuid.UUID, Query(description="The internal-control plan.")],
) -> Page[Review]:
    await plans.read(session, principal, plan_id=plan_id)
    after = cursor_position(params, on=date.fromisoformat, id=uuid.UUID)
    rows = await repository.list_reviews(session, plan_ids=[plan_id], after=after, limit=params.limit)
    rows, cursor = build_page(rows, params, lambda row: {"on": row.performed_on.isoformat(), "id": str(row.id)})
    return Page[Review](items=[service.render_review(row) for row in rows], next_cursor=cursor)


@router.get(
    "/reviews/{review_id}", response_model=Review, dependencies=[read_access],
    summary="Read a review", description="En granskning.", responses=problems(403, 404),
)
async def get_review(review_id: uuid.UUID, session: Session, principal: CurrentPrincipal) -> Review:
    return await service.read_review(session, principal, review_id=review_id)


@router.post(
    "/reviews/{review_id}/findings", status_code=201, response_model=Finding, dependencies=[auditor_access, Depends(idempotency_key)],
    summary="Record a finding of a review",
    description="Registrera en brist (allvarlighetsgrad, beskrivning, orsak); publishes audit.finding.opened. Accepts Idempotency-Key.",
    responses=problems(403, 404, 422),
)
async def create_finding(
    review_id: uuid.UUID, body: FindingCreate, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Finding:
    finding = await service.open_finding(
        session, principal, review_id=review_id, data=body, prepared_on=request.app.state.settings.business_plan_prepared_on,
    )
    set_etag(response, finding.revision)
    response.headers["location"] = f"/audit/v1/findings/{finding.id}"
    return finding


@router.get(
    "/findings", response_model=Page[Finding], dependencies=[finding_read_access],
    summary="List findings", description="Brister med handlingsplaner, per nämnd, enhet, år och status; a unit manager sees "
    "the findings whose action plans their units own.",
)
async def list_findings(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    committee_id: Annotated[uuid.UUID | None, Query(description="Only this committee's findings.")] = None,
    unit_id: Annotated[uuid.UUID | None, Query(description="Only findings of this reviewed unit.")] = None,
    year: Annotated[int | None, Query(description="Only findings of this plan year.")] = None,
    status: Annotated[FindingStatus | None, Query(description="Only this status.")] = None,
) -> Page[Finding]:
    after = cursor_position(params, year=int, id=uuid.UUID)
    if service.reads_committee_data(principal):
        committees, owner_units = await access.visible_committees(session, principal), None
    else:
        committees, owner_units = None, await access.units_in_scope(session, principal)
    rows = await repository.list_findings(
        session, committees=committees, owner_units=owner_units, committee_id=committee_id, unit_id=unit_id,
        year=year, status=status, after=after, limit=params.limit,
    )
    rows, cursor = build_page(rows, params, lambda row: {"year": row.plan_year, "id": str(row.id)})
    return Page[Finding](items=[await service.render_finding(session, row) for row in rows], next_cursor=cursor)


@router.get(
    FINDING, response_model=Finding, dependencies=[finding_read_access],
    summary="Read a finding", description="En brist med handlingsplan, uppföljning och det åtagande som föreslagits i "
    "nästa års verksamhetsplan (from goals).", responses=problems(403, 404),
)
async def get_finding(finding_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> Finding:
    return with_etag(response, await service.read_finding(session, principal, finding_id=finding_id))


@router.post(
    f"{FINDING}/action-plan", status_code=201, response_model=Finding, dependencies=[auditor_access],
    summary="Draw up the finding's action plan",
    description="Upprätta handlingsplan (åtgärd, ansvarig chef för enheten, klart senast) i samråd med ansvarig chef. "
    "Requires the finding's If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def create_action_plan(
    finding_id: uuid.UUID, body: ActionPlanCreate, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Finding:
    row = await locked_at_revision(request, service.require_finding, session, finding_id)
    return with_etag(response, await service.create_action_plan(session, principal, row=row, data=body))


@router.patch(
    f"{FINDING}/action-plan", response_model=Finding, dependencies=[action_plan_access],
    summary="Update the action plan",
    description="The owner (enhetschef) updates status and evidence (underlag); the internal auditor may also change the "
    "action, owner and deadline. Requires the finding's If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def change_action_plan(
    finding_id: uuid.UUID, body: ActionPlanChange, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Finding:
    row = await locked_at_revision(request, service.require_finding, session, finding_id)
    return with_etag(response, await service.change_action_plan(session, principal, row=row, data=body))


@router.post(
    f"{FINDING}/action-plan/verification", response_model=Finding, dependencies=[auditor_access],
    summary="Record the follow-up of the action's effect",
    description="Uppföljning av handlingsplanen (mars–juni året efter): verify whether the implemented action had effect. "
    "Not the owner. Requires the finding's If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def verify_action_plan(
    finding_id: uuid.UUID, body: Verification, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Finding:
    row = await locked_at_revision(request, service.require_finding, session, finding_id)
    return with_etag(response, await service.verify_action(session, principal, row=row, data=body))


@router.post(
    f"{FINDING}/closure-request", response_model=Finding, dependencies=[auditor_access],
    summary="Ask for the finding to be closed",
    description="Begär avslut: only once the action's effect is verified as effective. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 428),
)
async def request_finding_closure(
    finding_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Finding:
    row = await locked_at_revision(request, service.require_finding, session, finding_id)
    return with_etag(response, await service.request_closure(session, principal, row=row))


@router.post(
    f"{FINDING}/closure", response_model=Finding, dependencies=[close_access],
    summary="Approve closing the finding",
    description="Godkänn avslut: someone other than the requester; publishes audit.finding.closed. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 428),
)
async def close_finding(
    finding_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Finding:
    row = await locked_at_revision(request, service.require_finding, session, finding_id)
    return with_etag(response, await service.close(session, principal, row=row))


@router.post(
    "/carry-over-checks", response_model=CarryOverResult, dependencies=[admin_access],
    summary="Run the carry-over check now",
    description="Kvarstående brister: every finding not verified effective by the day the unit's next business plan is "
    "prepared (default 1 October) is marked unresolved and published (audit.finding.unresolved), so goals proposes a "
    "commitment in that plan. The worker runs this daily; this runs it now, as of a given day.",
    responses=problems(403, 422),
)
async def run_carry_over_check(body: CarryOverCheck, session: Session) -> CarryOverResult:
    as_of = body.as_of or stockholm_today()
    if as_of > stockholm_today():
        raise ProblemError(422, "The check cannot run as of a day still to come.", kind="future-date")
    return CarryOverResult(as_of=as_of, unresolved=await service.carry_over(session, as_of=as_of))
