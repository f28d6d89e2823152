"""HTTP API of contracts (avtal) with providers and their follow-ups (avtals- och verksamhetsuppföljning)."""

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit.auth import CurrentPrincipal, require_access
from servicekit.concurrency import locked_at_revision, set_etag, with_etag
from servicekit.db import Session
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, build_page, page_params

from audit import access
from audit.auditlog.route import AuditedRoute
from audit.contracts import repository, service
from audit.contracts.schemas import (
    ActionPlanInput,
    Contract,
    ContractCreate,
    ContractFinding,
    Escalation,
    EscalationInput,
    FindingCreate,
    FindingStatus,
    FollowUp,
    FollowUpCreate,
    RecheckInput,
    SanctionCreate,
)
from audit.web import cursor_position, problems

READ_ROLES = ("internal_auditor", "controller", "committee", "city_controller")
read_access = require_access(roles=READ_ROLES, key_scopes=("audit:read", "audit:write"))
edit_access = require_access(roles=service.EDIT_ROLES)
sanction_access = require_access(roles=(*service.EDIT_ROLES, "committee"))
escalation_readers = require_access(roles=("internal_auditor", "city_controller"))
router = APIRouter(route_class=AuditedRoute, tags=["contracts"])
CONTRACT = "/contracts/{contract_id}"
FINDING = "/contract-findings/{finding_id}"


@router.get(
    "/contracts", response_model=Page[Contract], dependencies=[read_access], summary="List contracts",
    description="Avtal med utförare (entreprenörer och egen regi) för de beställande nämnder ditt organisatoriska område når.",
)
async def list_contracts(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    provider_unit_id: Annotated[uuid.UUID | None, Query(description="Only this provider unit's contracts.")] = None,
) -> Page[Contract]:
    after = cursor_position(params, reference=str, id=uuid.UUID)
    rows = await repository.list_contracts(
        session, committees=await access.visible_committees(session, principal), provider_unit_id=provider_unit_id,
        after=after, limit=params.limit,
    )
    rows, cursor = build_page(rows, params, lambda row: {"reference": row.reference, "id": str(row.id)})
    return Page[Contract](items=[await service.render(session, row) for row in rows], next_cursor=cursor)


@router.post(
    "/contracts", status_code=201, response_model=Contract, dependencies=[edit_access, Depends(idempotency_key)],
    summary="Register a contract with a provider",
    description="Registrera ett avtal: utförare (entreprenör eller egen regi), avtalsperiod, hur kvaliteten följs upp och "
    "kvalitetskraven, bland dem rutinen för klagomål (required). Beställande nämnd and ansvarig förvaltning follow from the "
    "organisation tree. Accepts Idempotency-Key.",
    responses=problems(403, 422),
)
async def create_contract(body: ContractCreate, session: Session, principal: CurrentPrincipal, response: Response) -> Contract:
    contract = await service.create(session, principal, data=body)
    set_etag(response, contract.revision)
    response.headers["location"] = f"/audit/v1/contracts/{contract.id}"
    return contract


@router.get(
    CONTRACT, response_model=Contract, dependencies=[read_access], summary="Read a contract",
    description="Ett avtal med kvalitetskraven, beställande nämnd och ansvarig förvaltning.", responses=problems(403, 404),
)
async def get_contract(contract_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> Contract:
    return with_etag(response, await service.read(session, principal, contract_id=contract_id))


@router.post(
    f"{CONTRACT}/follow-ups", status_code=201, response_model=FollowUp, dependencies=[edit_access, Depends(idempotency_key)],
    summary="Record a follow-up of a contract",
    description="Registrera en avtals- eller verksamhetsuppföljning: dokumentgranskning, besök, oanmält besök, oanmält nattbesök "
    "eller brukarundersökning, on a day inside the contract period. Accepts Idempotency-Key.",
    responses=problems(403, 404, 409, 422),
)
async def create_follow_up(
    contract_id: uuid.UUID, body: FollowUpCreate, session: Session, principal: CurrentPrincipal, response: Response
) -> FollowUp:
    follow_up = await service.add_follow_up(session, principal, contract_id=contract_id, data=body)
    response.headers["location"] = f"/audit/v1/contracts/{contract_id}/follow-ups/{follow_up.id}"
    return follow_up


@router.get(
    f"{CONTRACT}/follow-ups", response_model=Page[FollowUp], dependencies=[read_access], summary="List a contract's follow-ups",
    description="Avtalets uppföljningar, by date.", responses=problems(403, 404),
)
async def list_follow_ups(
    contract_id: uuid.UUID, session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
) -> Page[FollowUp]:
    after = cursor_position(params, performed_on=date.fromisoformat, id=uuid.UUID)
    contract, rows = await service.follow_ups(session, principal, contract_id=contract_id, after=after, limit=params.limit)
    rows, cursor = build_page(rows, params, lambda row: {"performed_on": row.performed_on.isoformat(), "id": str(row.id)})
    return Page[FollowUp](items=[service.render_follow_up(row, contract) for row in rows], next_cursor=cursor)


@router.post(
    "/contract-follow-ups/{follow_up_id}/findings", status_code=201, response_model=ContractFinding,
    dependencies=[edit_access, Depends(idempotency_key)], summary="Record a finding against a contract requirement",
    description="Registrera en brist mot ett avtalskrav, found at this follow-up; the provider's action plan follows. "
    "Accepts Idempotency-Key.",
    responses=problems(403, 404, 422),
)
async def create_contract_finding(
    follow_up_id: uuid.UUID, body: FindingCreate, session: Session, principal: CurrentPrincipal, response: Response
) -> ContractFinding:
    finding = await service.add_finding(session, principal, follow_up_id=follow_up_id, data=body)
    set_etag(response, finding.revision)
    response.headers["location"] = f"/audit/v1/contract-findings/{finding.id}"
    return finding


@router.get(
    f"{CONTRACT}/findings", response_model=Page[ContractFinding], dependencies=[read_access],
    summary="List a contract's findings", description="Brister mot avtalets krav, optionally by status (t.ex. kvarstående).",
    responses=problems(403, 404),
)
async def list_contract_findings(
    contract_id: uuid.UUID, session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    status: Annotated[FindingStatus | None, Query(description="Only findings in this status.")] = None,
) -> Page[ContractFinding]:
    after = cursor_position(params, created_at=datetime.fromisoformat, id=uuid.UUID)
    rows = await service.findings(session, principal, contract_id=contract_id, status=status, after=after, limit=params.limit)
    rows, cursor = build_page(rows, params, lambda row: {"created_at": row.created_at.isoformat(), "id": str(row.id)})
    return Page[ContractFinding](items=[service.render_finding(row) for row in rows], next_cursor=cursor)


@router.get(
    FINDING, response_model=ContractFinding, dependencies=[read_access], summary="Read a contract finding",
    description="En brist mot ett avtalskrav med utförarens handlingsplan och återkontrollen.", responses=problems(403, 404),
)
async def get_contract_finding(finding_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> ContractFinding:
    return with_etag(response, await service.read_finding(session, principal, finding_id=finding_id))


@router.put(
    f"{FINDING}/action-plan", response_model=ContractFinding, dependencies=[edit_access],
    summary="Record the provider's action plan",
    description="Utförarens handlingsplan med sista dag för åtgärd, recorded (or replaced) until the re-check. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def set_contract_action_plan(
    finding_id: uuid.UUID, body: ActionPlanInput, session: Session, principal: CurrentPrincipal, request: Request,
    response: Response,
) -> ContractFinding:
    row = await locked_at_revision(request, service.require_finding, session, finding_id)
    return with_etag(response, await service.set_action_plan(session, principal, row=row, data=body))


@router.post(
    f"{FINDING}/recheck", response_model=ContractFinding, dependencies=[edit_access],
    summary="Re-check a finding after the action plan",
    description="Återkontroll: the deficiency is resolved (åtgärdad) or remains (kvarstående brist). Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def recheck_contract_finding(
    finding_id: uuid.UUID, body: RecheckInput, session: Session, principal: CurrentPrincipal, request: Request,
    response: Response,
) -> ContractFinding:
    row = await locked_at_revision(request, service.require_finding, session, finding_id)
    return with_etag(response, await service.recheck(session, principal, row=row, data=body))


@router.post(
    f"{FINDING}/escalation", response_model=ContractFinding, dependencies=[edit_access],
    summary="Escalate a serious remaining deficiency",
    description="Eskalera en allvarlig kvarstående brist till ansvarig förvaltning: listed for its internal auditors and "
    "published as audit.contract.deficiency-escalated. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def escalate_contract_finding(
    finding_id: uuid.UUID, body: EscalationInput, session: Session, principal: CurrentPrincipal, request: Request,
    response: Response,
) -> ContractFinding:
    row = await locked_at_revision(request, service.require_finding, session, finding_id)
    return with_etag(response, await service.escalate(session, principal, row=row, data=body))


@router.get(
    "/contract-escalations", response_model=Page[Escalation], dependencies=[escalation_readers],
    summary="List escalated deficiencies",
    description="Eskalerade brister hos utförare, for the internal auditors of the responsible administrations in your scope.",
)
async def list_contract_escalations(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
) -> Page[Escalation]:
    after = cursor_position(params, escalated_on=str, id=uuid.UUID)
    rows = await service.escalations(session, principal, after=after, limit=params.limit)
    rows, cursor = build_page(rows, params, lambda row: {"escalated_on": row.escalated_on, "id": str(row.id)})
    return Page[Escalation](items=[service.render_escalation(row) for row in rows], next_cursor=cursor)


@router.post(
    f"{CONTRACT}/sanctions", response_model=Contract, dependencies=[sanction_access],
    summary="Record a decided sanction step",
    description="Sanktionstrappan: krav på rättelse → prisavdrag → vite → hävning, each step by decision (beslut) of the "
    "ordering committee, none skipped; hävning terminates the contract. Requires the contract's If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def add_contract_sanction(
    contract_id: uuid.UUID, body: SanctionCreate, session: Session, principal: CurrentPrincipal, request: Request,
    response: Response,
) -> Contract:
    row = await locked_at_revision(request, service.require, session, contract_id)
    return with_etag(response, await service.add_sanction(session, principal, row=row, data=body))
