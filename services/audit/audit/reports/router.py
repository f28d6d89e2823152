"""HTTP API of reports to the committee (rapporter till nämnden om intern kontroll)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit import snapshots
from servicekit.auth import CurrentPrincipal
from servicekit.concurrency import locked_at_revision, set_etag, with_etag
from servicekit.db import Session
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, build_page, page_params

from audit import access
from audit.auditlog.route import AuditedRoute
from audit.reports import repository, service, xlsx
from audit.reports.schemas import Report, ReportChange, ReportCreate, SendingRequest
from audit.reviews.router import auditor_access, close_access
from audit.risk_analyses.router import read_access
from audit.web import cursor_position, problems

router = APIRouter(route_class=AuditedRoute, tags=["reports"])
PATH = "/reports/{report_id}"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/reports", response_model=Page[Report], dependencies=[read_access],
    summary="List reports to the committee", description="Rapporter till nämnden om intern kontroll, två per år (T2 och VB).",
)
async def list_reports(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    committee_id: Annotated[uuid.UUID | None, Query(description="Only this committee's reports.")] = None,
    year: Annotated[int | None, Query(description="Only this year.")] = None,
) -> Page[Report]:
    after = cursor_position(params, year=int, id=uuid.UUID)
    rows = await repository.list_reports(
        session, committees=await access.visible_committees(session, principal), committee_id=committee_id, year=year,
        after=after, limit=params.limit,
    )
    rows, cursor = build_page(rows, params, lambda row: {"year": row.year, "id": str(row.id)})
    return Page[Report](items=[service.render(row) for row in rows], next_cursor=cursor)


@router.post(
    "/reports", status_code=201, response_model=Report, dependencies=[auditor_access, Depends(idempotency_key)],
    summary="Start a report to the committee", description="Ny rapport (utkast) med sammanträdesdatum. Accepts Idempotency-Key.",
    responses=problems(403, 409, 422),
)
async def create_report(body: ReportCreate, session: Session, principal: CurrentPrincipal, response: Response) -> Report:
    report = await service.create(session, principal, data=body)
    set_etag(response, report.revision)
    response.headers["location"] = f"/audit/v1/reports/{report.id}"
    return report


@router.get(PATH, response_model=Report, dependencies=[read_access], summary="Read a report", description="En rapport.",
            responses=problems(403, 404))
async def get_report(report_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> Report:
    return with_etag(response, service.render(await service.read(session, principal, report_id=report_id)))


@router.patch(
    PATH, response_model=Report, dependencies=[auditor_access], summary="Change a draft report",
    description="Ändra titel eller sammanträdesdatum i ett utkast; a frozen or sent report is refused (409). Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def change_report(
    report_id: uuid.UUID, body: ReportChange, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Report:
    row = await locked_at_revision(request, service.require, session, report_id)
    return with_etag(response, await service.change(session, principal, row=row, data=body))


@router.post(
    f"{PATH}/sending-request", response_model=Report, dependencies=[auditor_access],
    summary="Freeze the report and ask for it to be sent",
    description="Frys rapporten: the snapshot (JSON, SHA-256) is taken now with its diarienummer; another person approves "
    "sending. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def request_report_sending(
    report_id: uuid.UUID, body: SendingRequest, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Report:
    row = await locked_at_revision(request, service.require, session, report_id)
    return with_etag(response, await service.request_sending(session, principal, row=row, data=body))


@router.post(
    f"{PATH}/sending", response_model=Report, dependencies=[close_access],
    summary="Approve sending the report", description="Skicka rapporten till nämnden: not the requester. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 428),
)
async def send_report(report_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request, response: Response) -> Report:
    row = await locked_at_revision(request, service.require, session, report_id)
    return with_etag(response, await service.send(session, principal, row=row))


@router.get(
    f"{PATH}/snapshot", dependencies=[read_access], summary="The report's frozen JSON snapshot",
    description="Rapporten som den frystes, byte för byte; its SHA-256 is in the ETag and the report.",
    responses={200: {"content": {"application/json": {}}}, **problems(403, 404, 409)},
)
async def get_report_snapshot(report_id: uuid.UUID, session: Session, principal: CurrentPrincipal) -> Response:
    row = await service.read(session, principal, report_id=report_id)
    text, _ = service.frozen_snapshot(row)
    return snapshots.json_download(text, sha256=row.sha256)


@router.get(
    f"{PATH}/snapshot.xlsx", dependencies=[read_access], summary="The report as XLSX, rendered from its snapshot",
    description="Rapporten som Excel-fil (sammanfattning, plan, granskningar, brister, uppföljning). Rendered from the "
    "snapshot on each request; its weak ETag `W/\"<sha256>.xlsx\"` names this format.",
    responses={200: {"content": {XLSX: {}}}, **problems(403, 404, 409)},
)
async def get_report_xlsx(report_id: uuid.UUID, session: Session, principal: CurrentPrincipal) -> Response:
    row = await service.read(session, principal, report_id=report_id)
    _, document = service.frozen_snapshot(row)
    filename = f"internkontroll-{row.year}-{row.period}.xlsx"
    return Response(xlsx.render(document, sha256=row.sha256), media_type=XLSX,
                    headers={"content-disposition": snapshots.attachment(filename),
                             "etag": snapshots.rendered_etag(row.sha256, "xlsx")})
