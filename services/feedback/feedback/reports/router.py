"""HTTP API of the committee's statistics reports (nämndens rapport om synpunkter per period)."""

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from servicekit import snapshots
from servicekit.auth import CurrentPrincipal
from servicekit.db import Session, TransactionalRoute

from feedback.problems import problems
from feedback.reports import render, service
from feedback.reports.schemas import Report, ReportSubmission
from feedback.statistics.periods import PERIOD_DESCRIPTION

router = APIRouter(route_class=TransactionalRoute, tags=["reports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PATH = "/statistics-reports/{report_id}"


@router.post(
    "/committees/{committee_id}/statistics-reports", status_code=201, response_model=Report,
    summary="Submit the committee's feedback report for a period",
    description="Lämna in nämndens rapport om synpunkter för en uppföljningsperiod (T1, T2, VB): the statistics are "
    "frozen now into a JSON snapshot with its SHA-256 and diarienummer and never change. A period has one report in "
    "force: submitting again is refused (409) unless it is a rättelse naming the report it corrects, with a reason; "
    "both are kept. By the committee's controllers and the committee.",
    responses=problems(403, 409, 422),
)
async def submit_statistics_report(
    committee_id: uuid.UUID, body: ReportSubmission, session: Session, principal: CurrentPrincipal, request: Request,
    response: Response,
) -> Report:
    row = await service.submit(
        session, principal=principal, committee_id=committee_id, data=body,
        min_cell=request.app.state.statistics_min_cell, now=datetime.now(UTC),
    )
    response.headers["location"] = f"/feedback/v1/statistics-reports/{row.id}"
    return service.render(row)


@router.get(
    "/committees/{committee_id}/statistics-reports", response_model=list[Report],
    summary="List the committee's feedback reports", description="Nämndens inlämnade rapporter, rättade och ersatta med.",
    responses=problems(403, 422),
)
async def list_statistics_reports(
    committee_id: uuid.UUID, session: Session, principal: CurrentPrincipal,
    period: Annotated[str | None, Query(max_length=10, description=PERIOD_DESCRIPTION)] = None,
) -> list[Report]:
    rows = await service.list_reports(session, principal=principal, committee_id=committee_id, period=period)
    return [service.render(row) for row in rows]


@router.get(PATH, response_model=Report, summary="Read a feedback report", description="En inlämnad rapport.",
            responses=problems(403, 404))
async def get_statistics_report(report_id: uuid.UUID, session: Session, principal: CurrentPrincipal) -> Report:
    return service.render(await service.read(session, principal=principal, report_id=report_id))


@router.get(
    f"{PATH}/snapshot", summary="The report's frozen JSON snapshot",
    description="Rapporten som den frystes, byte för byte; its SHA-256 is the ETag.",
    responses={200: {"content": {"application/json": {}}}, **problems(403, 404)},
)
async def get_statistics_report_snapshot(report_id: uuid.UUID, session: Session, principal: CurrentPrincipal) -> Response:
    row = await service.read(session, principal=principal, report_id=report_id)
    return snapshots.json_download(row.snapshot, sha256=row.sha256)


def _filename(row, extension: str) -> str:
    return f"synpunkter-{row.period}-{row.registration_number}.{extension}"


@router.get(
    f"{PATH}/snapshot.xlsx", summary="The report as XLSX, rendered from its snapshot",
    description="Rapporten som Excel-fil (sammanfattning, nyckeltal per enhet, kategori, slag och kanal, löften). "
    "Rendered from the snapshot on each request; its weak ETag `W/\"<sha256>.xlsx\"` names this format.",
    responses={200: {"content": {XLSX: {}}}, **problems(403, 404)},
)
async def get_statistics_report_xlsx(report_id: uuid.UUID, session: Session, principal: CurrentPrincipal) -> Response:
    row = await service.read(session, principal=principal, report_id=report_id)
    return Response(render.xlsx(service.load(row), sha256=row.sha256), media_type=XLSX,
                    headers={"content-disposition": snapshots.attachment(_filename(row, "xlsx")),
                             "etag": snapshots.rendered_etag(row.sha256, "xlsx")})


@router.get(
    f"{PATH}/snapshot.csv", summary="The report as CSV, rendered from its snapshot",
    description="Rapportens nyckeltal som CSV (semikolon, decimalkomma); its weak ETag `W/\"<sha256>.csv\"` names this format.",
    responses={200: {"content": {"text/csv": {}}}, **problems(403, 404)},
)
async def get_statistics_report_csv(report_id: uuid.UUID, session: Session, principal: CurrentPrincipal) -> Response:
    row = await service.read(session, principal=principal, report_id=report_id)
    return Response(render.csv_text(service.load(row)), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": snapshots.attachment(_filename(row, "csv")),
                             "etag": snapshots.rendered_etag(row.sha256, "csv")})
