"""Cases (ärenden) under /feedback/v1: intake, reading, lifecycle, transfer, redaction, legal hold."""

import uuid
from datetime import UTC, datetime
from typing import Annotated

from contracts.feedback import CaseChannel, CaseKind, CaseStatus
from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit.auth import CurrentPrincipal
from servicekit.concurrency import etag_for, require_if_match, set_etag
from servicekit.db import Session, TransactionalRoute, single_statement_writes
from servicekit.idempotency import IdempotencyClaim, StoredReply, idempotency_claim
from servicekit.orgtree import stockholm_today
from servicekit.pagination import Page, PageParams, build_page, page_params
from servicekit.problems import ProblemError

from feedback import access
from feedback.broken_promises import repository as assessment_repository
from feedback.broken_promises import service as broken_promises
from feedback.broken_promises.schemas import PromiseAssessmentSet
from feedback.cases import render, repository, service
from feedback.cases.schemas import (
    CaseCreate,
    CaseReceipt,
    CaseSummary,
    CaseView,
    LegalHoldSet,
    Redaction,
    RedactionRequest,
    TransferRequest,
    TransitionRequest,
)
from feedback.cases.tokens import TOKEN_HEADER
from feedback.contacts.schemas import ContactView
from feedback.problems import problems
from feedback.repeats import repository as repeat_repository
from feedback.repeats import service as repeats
from feedback.repeats.schemas import RepeatDecision

router = APIRouter(route_class=TransactionalRoute, tags=["cases"])


async def get_intake(request: Request) -> service.Intake:
    return request.app.state.intake


IntakeDep = Annotated[service.Intake, Depends(get_intake)]


def _now() -> datetime:
    return datetime.now(UTC)


@router.post(
    "/cases", status_code=201, response_model=CaseReceipt,
    summary="Register a case (suggestion, complaint, praise or question)",
    description="Registrera en synpunkt: klagomål, förslag, beröm eller fråga, med kanal och kategori. "
    "The unit is the one the sender names, else the committee's routing of the category, else the city's "
    "central intake. The resident's secret token (för att följa ärendet) is in the `Case-Token` response "
    "header, the only time it is shown. Accepts Idempotency-Key: a retried post never makes two cases "
    "and gets the same token.",
    responses=problems(403, 409, 422),
)
async def create_case(
    body: CaseCreate, session: Session, principal: CurrentPrincipal, intake: IntakeDep, request: Request,
    claim: Annotated[IdempotencyClaim | None, Depends(idempotency_claim)],
) -> Response:
    def headers(row) -> dict[str, str]:  # the case's URL is this one's and its id (url_path_for walks every route)
        return {"location": f"{request.url.path}/{row.id}", "etag": etag_for(row.revision), "content-type": "application/json"}

    replies: list[StoredReply] = []

    def reply(row) -> StoredReply:  # what a retry under the same key gets back, stored in the insert
        replies.append(StoredReply(201, headers(row), *render.receipt_parts(row)))
        return replies[0]

    # The intake is a look-up and one insert that writes all or nothing, the Idempotency-Key's record
    # and reply in them: each statement commits on its own (no BEGIN, no COMMIT).
    await single_statement_writes(session)
    row, token = await service.create_case(session, principal=principal, data=body, intake=intake, now=_now(),
                                           claim=claim, reply=reply)
    # The stored reply's bytes around the number drawn, else the receipt rendered now (no key).
    content = replies[0].body(row.registration_number) if replies else render.receipt_body(row)
    return Response(content, status_code=201, headers=headers(row) | {TOKEN_HEADER: token})


@router.get(
    "/cases", response_model=Page[CaseSummary], summary="List cases",
    description="Ärenden, nyaste först, inom din organisation (a unit's handlers their units', a controller "
    "the committee's); a portal key only what it submitted. Filter by unit, committee, status, kind, category, "
    "channel, year and overdue.",
    responses=problems(400, 403),
)
async def list_cases(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    unit_id: Annotated[uuid.UUID | None, Query(description="Only cases handled by this unit.")] = None,
    within: Annotated[uuid.UUID | None, Query(description="Only cases of units at or below this one.")] = None,
    committee_id: Annotated[uuid.UUID | None, Query(description="Only this committee's (nämnd) cases.")] = None,
    status: Annotated[CaseStatus | None, Query()] = None,
    kind: Annotated[CaseKind | None, Query()] = None,
    category_code: Annotated[str | None, Query(max_length=40)] = None,
    channel: Annotated[CaseChannel | None, Query()] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="Year of receipt (Europe/Stockholm).")] = None,
    overdue: Annotated[bool | None, Query(description="Only cases past an unmet deadline (försenade).")] = None,
) -> Page[CaseSummary]:
    narrowing, roots = access.list_scope(principal)
    after = None
    if params.cursor is not None:
        try:
            after = (datetime.fromisoformat(params.cursor["r"]), uuid.UUID(params.cursor["i"]))
        except (KeyError, TypeError, ValueError):
            raise ProblemError(400, "The cursor is not one this API issued.", kind="invalid-cursor") from None
    scope_roots = None
    if narrowing == "org":
        scope_roots = [uuid.UUID(root) for root in roots if _is_uuid(root)]
    rows = await repository.list_cases(
        session, limit=params.limit, after=after, scope_roots=scope_roots,
        submitted_by=principal.subject if narrowing == "submitted" else None, today=stockholm_today(),
        filters={"unit_id": unit_id, "within": within, "committee_id": committee_id, "status": status, "kind": kind,
                 "category_code": category_code, "channel": channel, "year": year, "overdue": overdue},
    )
    rows, next_cursor = build_page(rows, params, lambda row: {"r": row.received_at.isoformat(), "i": str(row.id)})
    return Page[CaseSummary](items=[render.summary(row) for row in rows], next_cursor=next_cursor)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


async def _view(session, principal, row) -> CaseView:
    with_text = principal.actor_kind not in access.PUBLIC_ACTORS
    if not with_text:
        return render.full(row, history=None, with_text=False)
    return render.full(
        row, history=await repository.history(session, case_id=row.id), with_text=True,
        repeat=await repeat_repository.get_flag(session, case_id=row.id),
        assessment=await assessment_repository.get(session, case_id=row.id),
    )


@router.get(
    "/cases/{case_id}", response_model=CaseView, name="get_case", summary="Read a case with its history",
    description="Ett ärende med hela händelseloggen (vem, när, varför). A portal key sees what it submitted, "
    "without free text. Never contact details (see /contact).",
    responses=problems(404),
)
async def get_case(case_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> CaseView:
    row, _ = await service.read_case(session, principal=principal, case_id=case_id)
    set_etag(response, row.revision)
    return await _view(session, principal, row)


async def _apply(change, body, case_id: uuid.UUID, session, principal, request: Request, response: Response) -> CaseView:
    """Lock the case, check If-Match, apply ``change`` (a service function) and answer with the new state."""
    row, lineage = await service.read_case(session, principal=principal, case_id=case_id, lock=True)
    require_if_match(request, row.revision)
    row = await change(session, principal=principal, row=row, lineage=lineage, change=body, now=_now())
    set_etag(response, row.revision)
    return await _view(session, principal, row)


@router.post(
    "/cases/{case_id}/transitions", response_model=CaseView, summary="Move a case to its next status",
    description="Nästa steg i livscykeln: acknowledged (bekräftad), assigned (tilldelad, with assignee), in_progress, "
    "answered (besvarad, with the answer and the measures taken), closed (avslutad, only once answered), reopened "
    "(återöppnad, with a reason), duplicate (dubblett, with parent_case_id) or withdrawn (återkallad). Every step is "
    "recorded with who, when and why. Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def transition_case(
    case_id: uuid.UUID, body: TransitionRequest, session: Session, principal: CurrentPrincipal, request: Request, response: Response
) -> CaseView:
    return await _apply(service.transition, body, case_id, session, principal, request, response)


@router.post(
    "/cases/{case_id}/repeat-decision", response_model=CaseView, summary="Confirm or dismiss a possible repeat",
    description="Handläggarens beslut om ett möjligt upprepat klagomål: confirmed makes the case a duplicate "
    "(dubblett) of the earlier case it resembles, through the lifecycle's duplicate step; dismissed keeps it as a "
    "case of its own. The flag and the decision (who, when, why) stay and count in the statistics. 409 when the "
    "case is not flagged or already decided. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def decide_repeat(
    case_id: uuid.UUID, body: RepeatDecision, session: Session, principal: CurrentPrincipal, request: Request, response: Response
) -> CaseView:
    return await _apply(repeats.decide, body, case_id, session, principal, request, response)


@router.put(
    "/cases/{case_id}/promise-assessment", response_model=CaseView, summary="Assess whether a guarantee's promise was broken",
    description="Garantin hölls inte: the unit's handler names the promise of a published quality guarantee of the "
    "case's unit (or a unit above it), by default the one the sender named, and says whether it was broken, with a "
    "reason. Recorded with who and when, and in the history; a later assessment replaces it. Counted per guarantee "
    "and promise in the committee's statistics. Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def assess_promise(
    case_id: uuid.UUID, body: PromiseAssessmentSet, session: Session, principal: CurrentPrincipal, request: Request,
    response: Response,
) -> CaseView:
    return await _apply(broken_promises.assess, body, case_id, session, principal, request, response)


@router.post(
    "/cases/{case_id}/transfer", response_model=CaseView, summary="Transfer a case to another unit",
    description="Överlämna ärendet till en annan enhet eller nämnd; the history and the deadlines are kept. "
    "The central intake routes cases this way. Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def transfer_case(
    case_id: uuid.UUID, body: TransferRequest, session: Session, principal: CurrentPrincipal, request: Request, response: Response
) -> CaseView:
    return await _apply(service.transfer, body, case_id, session, principal, request, response)


@router.post(
    "/cases/{case_id}/redactions", response_model=CaseView, summary="Redact a case's free text",
    description="Maskera fritext (description, answer, measures, rating_comment): a passage or the whole field. "
    "Who, what field, how much and why is recorded; the removed text is not. Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def redact_case(
    case_id: uuid.UUID, body: RedactionRequest, session: Session, principal: CurrentPrincipal, request: Request, response: Response
) -> CaseView:
    return await _apply(service.redact, body, case_id, session, principal, request, response)


@router.get(
    "/cases/{case_id}/redactions", response_model=list[Redaction], summary="List a case's redactions",
    description="Maskeringar: vem, när, vilket fält, hur mycket och varför.", responses=problems(404),
)
async def list_redactions(case_id: uuid.UUID, session: Session, principal: CurrentPrincipal) -> list[Redaction]:
    row, _ = await service.read_case(session, principal=principal, case_id=case_id)
    return [render.redaction(item) for item in await repository.redactions(session, case_id=row.id)]


@router.put(
    "/cases/{case_id}/legal-hold", response_model=CaseView, summary="Set or lift a legal hold",
    description="Bevarandebeslut: while set, the retention job does not erase the contact details. Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def set_legal_hold(
    case_id: uuid.UUID, body: LegalHoldSet, session: Session, principal: CurrentPrincipal, request: Request, response: Response
) -> CaseView:
    return await _apply(service.set_legal_hold, body, case_id, session, principal, request, response)


@router.get(
    "/cases/{case_id}/contact", response_model=ContactView, summary="Read the sender's contact details",
    description="Avsändarens kontaktuppgifter, for the unit's handlers (named cases) or the central intake "
    "(confidential cases). Erased (gallrade) after the retention period.",
    responses=problems(403, 404),
)
async def get_case_contact(case_id: uuid.UUID, session: Session, principal: CurrentPrincipal, intake: IntakeDep) -> ContactView:
    row, lineage = await service.read_case(session, principal=principal, case_id=case_id)
    return await service.read_contact(session, principal=principal, row=row, lineage=lineage, cipher=intake.cipher)
