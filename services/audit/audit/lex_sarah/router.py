"""HTTP API of lex Sarah: reports, the case's steps, routines, legal references, the yearly summary."""

import uuid
from datetime import date
from typing import Annotated

from contracts.lex_sarah import LexSarahYearlySummary
from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit.auth import CurrentPrincipal, require_access, service_reader
from servicekit.concurrency import locked_at_revision, require_if_match, with_etag
from servicekit.db import Session
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, build_page, page_params
from servicekit.problems import ProblemError

from audit.lex_sarah import repository, service, yearly_summary
from audit.lex_sarah.protection import OFFICER, officer_committees
from audit.lex_sarah.route import LexSarahRoute
from audit.lex_sarah.schemas import (
    Case,
    CaseSummary,
    Closure,
    FollowUp,
    InvestigationStart,
    IvoNotice,
    LegalReference,
    LegalReferenceInput,
    Reception,
    RecordEntryInput,
    ReportInput,
    ReportReceipt,
    Reporter,
    Routine,
    RoutineDays,
    SeriousnessDecision,
    Status,
    SummaryRequest,
)
from audit.web import problems

router = APIRouter(route_class=LexSarahRoute, tags=["lex Sarah"])
CASE = "/lex-sarah/cases/{case_id}"


async def _staff(principal: CurrentPrincipal):
    """Lex Sarah's duty to report is everyone's in social services: any staff token, whatever its roles."""
    if principal.actor_kind != "staff":
        raise ProblemError(403, "Reports are made by staff.", kind="forbidden")
    return principal


async def _officer(principal: CurrentPrincipal):
    """The role check before any lookup, so nobody else learns which cases exist."""
    if principal.actor_kind != "staff" or OFFICER not in principal.roles:
        raise ProblemError(403, "Only lex Sarah officers (lex Sarah-ansvariga) may do this.", kind="not-lex-sarah-officer")
    return principal


staff_access, officer_access = Depends(_staff), Depends(_officer)
summary_access = require_access(
    roles=(OFFICER, "internal_auditor", "controller", "committee", "city_controller"), key_scopes=("audit:read", "audit:write"),
)


@router.post(
    "/lex-sarah/reports", status_code=201, response_model=ReportReceipt, dependencies=[staff_access, Depends(idempotency_key)],
    summary="Report a missförhållande (lex Sarah)",
    description="Rapport enligt lex Sarah: anyone working in social services reports a missförhållande or a påtaglig risk för "
    "missförhållande genast. The reporter's identity is sealed apart from the case. An officer of the committee registers a "
    "report for someone without an account (a contractor's employee) by naming them in `reporter`. The answer is a receipt, "
    "never the case. Accepts Idempotency-Key.",
    responses=problems(403, 422),
)
async def report_lex_sarah(body: ReportInput, session: Session, principal: CurrentPrincipal, response: Response) -> ReportReceipt:
    receipt = await service.report(session, principal, data=body)
    response.headers["location"] = f"/audit/v1/lex-sarah/cases/{receipt.id}"
    return receipt


@router.get(
    "/lex-sarah/cases", response_model=Page[CaseSummary], dependencies=[officer_access],
    summary="List lex Sarah cases", description="Lex Sarah-ärenden of the committees you are lex Sarah officer for: state, dates "
    "and the next step's deadline by the committee's routine (försenad when overdue), never their contents.",
    responses=problems(403),
)
async def list_lex_sarah_cases(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    status: Annotated[Status | None, Query(description="Only cases in this state.")] = None,
    year: Annotated[int | None, Query(description="Only cases reported this year.")] = None,
) -> Page[CaseSummary]:
    after = (date.fromisoformat(params.cursor["reported_on"]), str(params.cursor["id"])) if params.cursor else None
    rows = await repository.list_cases(
        session, committees=await officer_committees(session, principal), status=status, year=year, after=after, limit=params.limit,
    )
    rows, cursor = build_page(rows, params, lambda row: {"reported_on": row.reported_on.isoformat(), "id": str(row.id)})
    return Page[CaseSummary](items=[await service.summary(session, row) for row in rows], next_cursor=cursor)


@router.get(
    CASE, response_model=Case, dependencies=[officer_access], summary="Read a lex Sarah case",
    description="Ett lex Sarah-ärende with its utredning, for the lex Sarah officers of the committee concerned only (not admin, "
    "not city_controller, no key). Every read is written to the audit log, as the case's hash.",
    responses=problems(403, 404),
)
async def get_lex_sarah_case(case_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> Case:
    return with_etag(response, await service.read(session, principal, case_id=case_id))


@router.get(
    f"{CASE}/reporter", response_model=Reporter, dependencies=[officer_access], summary="Open the reporter's identity",
    description="Vem som rapporterade: opened from its sealed store for the committee's officers; every read is in the audit log.",
    responses=problems(403, 404, 409),
)
async def get_lex_sarah_reporter(case_id: uuid.UUID, session: Session, principal: CurrentPrincipal) -> Reporter:
    return await service.read_reporter(session, principal, case_id=case_id)


STEP_PROBLEMS = problems(403, 404, 409, 412, 422, 428)


@router.post(
    f"{CASE}/reception", response_model=Case, dependencies=[officer_access], summary="Receive the report",
    description="Mottagande: the protective measures taken omedelbart; for a private provider (enskild verksamhet) the day the "
    "ordering committee was informed. Requires If-Match.", responses=STEP_PROBLEMS,
)
async def receive_lex_sarah_report(
    case_id: uuid.UUID, body: Reception, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Case:
    row = await locked_at_revision(request, service.require, session, case_id)
    return with_etag(response, await service.receive(session, principal, row=row, data=body))


@router.post(
    f"{CASE}/investigation", response_model=Case, dependencies=[officer_access], summary="Start the investigation",
    description="Utredning påbörjas utan dröjsmål, with its investigator (utredare). Requires If-Match.", responses=STEP_PROBLEMS,
)
async def start_lex_sarah_investigation(
    case_id: uuid.UUID, body: InvestigationStart, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Case:
    row = await locked_at_revision(request, service.require, session, case_id)
    return with_etag(response, await service.start_investigation(session, principal, row=row, data=body))


@router.post(
    f"{CASE}/record-entries", status_code=201, response_model=Case, dependencies=[officer_access],
    summary="Add an entry to the investigation record",
    description="En post i utredningen: what it covers (the regulation's required contents), fact (uppgift) or assessment "
    "(bedömning), date, source; the author is the caller. Requires If-Match.", responses=STEP_PROBLEMS,
)
async def add_lex_sarah_record_entry(
    case_id: uuid.UUID, body: RecordEntryInput, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Case:
    row = await locked_at_revision(request, service.require, session, case_id)
    return with_etag(response, await service.add_entry(session, principal, row=row, data=body))


@router.post(
    f"{CASE}/seriousness-decision", response_model=Case, dependencies=[officer_access], summary="Decide on the seriousness",
    description="Bedömning: (allvarligt) missförhållande, påtaglig risk för missförhållande, or neither; by an officer other than "
    "the investigator, once the record covers every required content. Requires If-Match.", responses=STEP_PROBLEMS,
)
async def decide_lex_sarah_seriousness(
    case_id: uuid.UUID, body: SeriousnessDecision, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Case:
    row = await locked_at_revision(request, service.require, session, case_id)
    return with_etag(response, await service.decide(session, principal, row=row, data=body))


@router.post(
    f"{CASE}/ivo-notification", response_model=Case, dependencies=[officer_access], summary="Record the notice to IVO",
    description="Anmälan till IVO snarast when the case is serious; early (`early`) while the investigation continues when the "
    "seriousness is obvious. A case assessed not serious needs a reason. Requires If-Match.", responses=STEP_PROBLEMS,
)
async def notify_ivo_lex_sarah(
    case_id: uuid.UUID, body: IvoNotice, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Case:
    row = await locked_at_revision(request, service.require, session, case_id)
    return with_etag(response, await service.notify_ivo(session, principal, row=row, data=body))


@router.post(
    f"{CASE}/follow-up", response_model=Case, dependencies=[officer_access], summary="Follow up the preventive actions",
    description="Uppföljning av åtgärderna: each action, whether it made a new or changed routine, and whether it works. "
    "Requires If-Match.", responses=STEP_PROBLEMS,
)
async def follow_up_lex_sarah_case(
    case_id: uuid.UUID, body: FollowUp, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Case:
    row = await locked_at_revision(request, service.require, session, case_id)
    return with_etag(response, await service.follow_up(session, principal, row=row, data=body))


@router.post(
    f"{CASE}/closure", response_model=Case, dependencies=[officer_access], summary="Close the case",
    description="Avsluta ärendet after the follow-up. Requires If-Match.", responses=STEP_PROBLEMS,
)
async def close_lex_sarah_case(
    case_id: uuid.UUID, body: Closure, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Case:
    row = await locked_at_revision(request, service.require, session, case_id)
    return with_etag(response, await service.close(session, principal, row=row, data=body))


ROUTINE = "/lex-sarah/routines/{committee_id}"


@router.get(
    ROUTINE, response_model=Routine, dependencies=[officer_access], summary="Read the committee's lex Sarah routine",
    description="Lokal rutin: the days behind genast, omedelbart, utan dröjsmål, skyndsamt and snarast (the default until set).",
    responses=problems(403),
)
async def get_lex_sarah_routine(committee_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> Routine:
    return with_etag(response, await service.routine(session, principal, committee_id=committee_id))


@router.put(
    ROUTINE, response_model=Routine, dependencies=[officer_access], summary="Set the committee's lex Sarah routine",
    description="Ändra lokal rutin: days per time word; overdue flags follow at once. Requires If-Match (\"0\" before the first).",
    responses=problems(403, 412, 422, 428),
)
async def set_lex_sarah_routine(
    committee_id: uuid.UUID, body: RoutineDays, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Routine:
    row = await repository.routine_of(session, committee_id, lock=True)
    require_if_match(request, row.revision if row else 0)
    return with_etag(response, await service.set_routine(session, principal, committee_id=committee_id, days=body))


@router.get(
    "/lex-sarah/legal-references", response_model=list[LegalReference], dependencies=[service_reader],
    summary="List the legal references", description="Lagrum för lex Sarah as versioned data: socialtjänstlagen (2001:453) until "
    "30 June 2025, socialtjänstlagen (2025:400) from 1 July 2025, LSS and Socialstyrelsens föreskrifter. With in_force_on, "
    "only what was in force that day.",
)
async def list_lex_sarah_legal_references(
    session: Session, in_force_on: Annotated[date | None, Query(description="Only references in force this day.")] = None,
) -> list[LegalReference]:
    rows = await (repository.references_in_force(session, in_force_on) if in_force_on else repository.all_references(session))
    return [LegalReference(**dict(row._mapping)) for row in rows]


@router.post(
    "/lex-sarah/legal-references", status_code=201, response_model=LegalReference,
    dependencies=[require_access(roles=("admin",)), Depends(idempotency_key)], summary="Add a version of a legal reference",
    description="Nytt lagrum: from valid_from the new version replaces the topic's version then in force (an amended act, a "
    "corrected section). Cases keep the references of the day they were reported. Accepts Idempotency-Key.",
    responses=problems(403, 422),
)
async def add_lex_sarah_legal_reference(body: LegalReferenceInput, session: Session, principal: CurrentPrincipal) -> LegalReference:
    return await service.add_legal_reference(session, principal, data=body)


@router.get(
    "/lex-sarah/yearly-summary", response_model=LexSarahYearlySummary, dependencies=[summary_access], summary="Compute a committee's lex Sarah yearly summary",
    description="Årssammanställning för verksamhetsberättelsen, computed from the cases now: counts by area and provider, share "
    "serious, days to each step, routines changed. Figures only: for the committee's lex Sarah officers and whoever reads its "
    "internal control.", responses=problems(403),
)
async def get_lex_sarah_yearly_summary(
    session: Session, principal: CurrentPrincipal,
    committee_id: Annotated[uuid.UUID, Query(description="The committee (nämnd).")],
    year: Annotated[int, Query(ge=2000, le=2100, description="The year the cases were reported.")],
) -> LexSarahYearlySummary:
    return await yearly_summary.compute(session, principal, committee_id=committee_id, year=year)


@router.post(
    "/lex-sarah/yearly-summaries", status_code=201, response_model=LexSarahYearlySummary,
    dependencies=[officer_access, Depends(idempotency_key)], summary="Publish a committee's lex Sarah yearly summary",
    description="Publicera årssammanställningen: computed now and published as audit.lex-sarah.yearly-summary (figures only) for "
    "the committee's annual report; each publication a new revision. Accepts Idempotency-Key.", responses=problems(403, 422),
)
async def publish_lex_sarah_yearly_summary(body: SummaryRequest, session: Session, principal: CurrentPrincipal) -> LexSarahYearlySummary:
    return await yearly_summary.publish(session, principal, committee_id=body.committee_id, year=body.year)
