"""HTTP API of feedback reports (återkopplingsrapporter): draft, edit, approve, release, and the documents."""

import re
import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit import snapshots
from servicekit.auth import CurrentPrincipal
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, build_page, page_params
from servicekit.problems import ProblemError

from awards.access import Revisioned, award_admin, office_or_import, problems, reader
from awards.feedback_reports import documents, service
from awards.feedback_reports.schemas import Approval, FeedbackReport, Release, ReportChange, ReportCreate, ReportStatus

router = APIRouter(route_class=TransactionalRoute, tags=["feedback reports"], dependencies=[reader])
REPORT = "/feedback-reports/{report_id}"
REPORTS = Revisioned(
    visible=lambda session, principal, report_id, lock: service.visible_report(
        session, principal, report_id=report_id, lock=lock),
    render=service.render,
)
MEDIA = {
    "json": "application/json",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@router.post(
    "/feedback-reports", status_code=201, response_model=FeedbackReport, dependencies=[award_admin, Depends(idempotency_key)],
    summary="Draft a feedback report from the consensus", responses=problems(403, 409, 422),
    description="Återkopplingsrapport (utkast) för en ansökan, byggd ur teamets konsensus: per bedömningsområde "
    "poängintervall, styrkor och förbättringsområden. Every area needs a consensus (409 consensus-incomplete). "
    "award_admin. Accepts Idempotency-Key.",
)
async def create_report(body: ReportCreate, session: Session, principal: CurrentPrincipal, request: Request,
                        response: Response) -> FeedbackReport:
    row = await service.create_report(session, principal, application_id=body.application_id)
    response.headers["location"] = request.app.url_path_for("get_report", report_id=str(row.id))
    return await REPORTS.answer(session, response, row)


@router.get(
    "/feedback-reports", response_model=Page[FeedbackReport], summary="List feedback reports",
    description="Återkopplingsrapporter: the award office sees all (drafts too); everyone else only released reports, "
    "a unit (unit_manager, controller, committee) those of its own scope, city-wide readers all.",
)
async def list_reports(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    round_id: uuid.UUID | None = None, application_id: uuid.UUID | None = None, status: ReportStatus | None = None,
) -> Page[FeedbackReport]:
    after = None
    if params.cursor is not None:
        try:
            after = (datetime.fromisoformat(params.cursor["created_at"]), uuid.UUID(params.cursor["id"]))
        except (KeyError, TypeError, ValueError):
            raise ProblemError(400, "The cursor is not one this API issued.", kind="invalid-cursor") from None
    rows = await service.list_reports(session, principal, round_id=round_id, application_id=application_id, status=status,
                                      after=after, limit=params.limit)
    rows, cursor = build_page(rows, params, lambda r: {"created_at": r.created_at.isoformat(), "id": str(r.id)})
    return Page[FeedbackReport](items=[await service.render(session, row) for row in rows], next_cursor=cursor)


@router.get(REPORT, response_model=FeedbackReport, summary="Read a feedback report", responses=problems(404),
            description="En återkopplingsrapport; a unit sees its own once released (404 before), the office always.")
async def get_report(report_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> FeedbackReport:
    row = await service.visible_report(session, principal, report_id=report_id)
    return await REPORTS.answer(session, response, row)


@router.patch(
    REPORT, response_model=FeedbackReport, dependencies=[award_admin], summary="Edit a draft feedback report",
    description="Redigera utkastet: the summary and any area's strengths and areas for improvement (each replaced whole). "
    "The editor becomes one of its authors, who may not approve it. award_admin. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def change_report(report_id: uuid.UUID, body: ReportChange, session: Session, principal: CurrentPrincipal,
                        request: Request, response: Response) -> FeedbackReport:
    row = await service.change_report(session, principal, row=await REPORTS.locked(session, principal, report_id, request), change=body)
    return await REPORTS.answer(session, response, row)


@router.post(
    f"{REPORT}/approval", response_model=FeedbackReport, dependencies=[office_or_import], summary="Approve a feedback report",
    description="Godkänn: by an award administrator who neither drafted nor edited it (403 own-report), today. A past "
    "round's approval (tidigare omgång) is imported with its earlier approved_on by a system key with awards:write "
    "only; staff giving an earlier day, admin included, get 422 past-date-not-allowed. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def approve_report(report_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request,
                         response: Response, body: Approval | None = None) -> FeedbackReport:
    row = await service.approve(session, principal, row=await REPORTS.locked(session, principal, report_id, request),
                                approved_on=body.approved_on if body else None)
    return await REPORTS.answer(session, response, row)


@router.post(
    f"{REPORT}/release", response_model=FeedbackReport, dependencies=[office_or_import], summary="Release a feedback report",
    description="Lämna rapporten till enheten: an approved report, after the jury's decision, with its diarienummer, "
    "by award_admin today, never before its approval. A past round's release is imported with its earlier released_on "
    "by a system key with awards:write only (staff: 422 past-date-not-allowed). Frozen from then on: the JSON snapshot "
    "is stored with its SHA-256 and never changes. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def release_report(report_id: uuid.UUID, body: Release, session: Session, principal: CurrentPrincipal, request: Request,
                         response: Response) -> FeedbackReport:
    row = await REPORTS.locked(session, principal, report_id, request)
    row = await service.release(session, principal, row=row, registration_number=body.registration_number,
                                released_on=body.released_on)
    return await REPORTS.answer(session, response, row)


def _document_etag(sha256: str, format: str) -> str:
    """The ETag of one format of the frozen report: JSON is the snapshot's own bytes (its digest a strong tag), PDF
    and DOCX are rendered anew on every call with the time inside (``snapshots.rendered_etag``, weak)."""
    return snapshots.etag(sha256) if format == "json" else snapshots.rendered_etag(sha256, format)


@router.get(
    f"{REPORT}/document", summary="Download the released report (JSON, PDF or DOCX)",
    description="Den lämnade rapporten as frozen: format=json (the snapshot itself), pdf or docx (rendered from the snapshot, "
    "never from live data); X-Snapshot-SHA256 carries the snapshot's digest. Each format has its own ETag from that "
    "digest: JSON the strong `\"<sha256>\"` (its bytes are the snapshot), PDF and DOCX the weak `W/\"<sha256>.pdf\"` and "
    "`W/\"<sha256>.docx\"` (rendered on each call with the render time inside, so the bytes differ between calls, the "
    "content never). If-None-Match naming it answers 304 without a body. 409 before release.",
    responses={200: {"content": {media: {} for media in MEDIA.values()}},
               304: {"description": "If-None-Match names this format's ETag: the copy the client holds is current."},
               **problems(404, 409)},
)
async def get_document(
    report_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request,
    format: Annotated[Literal["json", "pdf", "docx"], Query(description="Dokumentformat.")] = "pdf",
) -> Response:
    row = await service.visible_report(session, principal, report_id=report_id)
    text, document = service.frozen(row)
    etag = _document_etag(row.sha256, format)
    if snapshots.none_match(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers={"etag": etag, "x-snapshot-sha256": row.sha256})
    if format == "json":
        body = text.encode()
    elif format == "pdf":
        body = documents.render_pdf(document, sha256=row.sha256)
    else:
        body = documents.render_docx(document, sha256=row.sha256)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", row.registration_number or str(row.id)).strip("-") or str(row.id)
    return Response(body, media_type=MEDIA[format], headers={
        "etag": etag,
        "x-snapshot-sha256": row.sha256,
        "content-disposition": snapshots.attachment(f"aterkopplingsrapport-{safe}.{format}"),
    })
