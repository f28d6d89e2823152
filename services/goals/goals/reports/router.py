"""HTTP API of a committee's reports: live (JSON / XLSX / CSV), submission (frozen snapshot), corrections, downloads."""

import uuid
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit import snapshots
from servicekit.auth import CurrentPrincipal
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key
from servicekit.orgtree import stockholm_today
from servicekit.pagination import Page, PageParams, page_params

from goals.follow_ups.rules import PERIOD_PATTERN
from goals.problems import problems
from goals.reports import render, service
from goals.reports.schemas import Report, ReportSubmission

router = APIRouter(route_class=TransactionalRoute, tags=["reports"])
Format = Annotated[
    Literal["json", "xlsx", "csv"] | None,
    Query(description="json, xlsx or csv; without it the Accept header decides (JSON by default)."),
]
DOWNLOADS = {
    200: {"content": {"application/json": {}, render.XLSX: {}, render.CSV: {}}, "description": "The report as JSON, XLSX or CSV."},
}
CONTENT = (
    " Innehåll: nämndens mål (nämndmål) med fördelning, beräknad måluppfyllelse och förklaring (regel, underlag, "
    "avsteg) och nämndens bedömning; enheternas fastställda åtaganden med uppföljningens bedömning och analys; "
    "indikatorer med målvärde och utfall; budgettabellerna (budget / utfall / avvikelse); uppgifter från andra tjänster "
    "(synpunkter och klagomål, lex Sarah, kvalitetsutmärkelsen, goda exempel) under `foreign`."
)


def _chosen(format: str | None, request: Request) -> str:
    if format is not None:
        return format
    accept = request.headers.get("accept", "")
    if render.XLSX in accept:
        return "xlsx"
    if render.CSV in accept:
        return "csv"
    return "json"


def _download(body: dict, *, text: str | None, sha256: str | None, chosen: str, negotiated: bool, filename: str) -> Response:
    """The report in the chosen format; a frozen one with that format's own ETag (``render.etag``), and ``Vary: Accept``
    when the Accept header chose the format (no ``format`` parameter)."""
    headers = {"etag": render.etag(sha256, chosen)} if sha256 else {}
    if negotiated:
        headers["vary"] = "Accept"
    if chosen == "xlsx":
        headers["content-disposition"] = snapshots.attachment(f"{filename}.xlsx")
        return Response(render.xlsx(body, sha256=sha256), media_type=render.XLSX, headers=headers)
    if chosen == "csv":
        headers["content-disposition"] = snapshots.attachment(f"{filename}.csv")
        return Response(render.csv_text(body, sha256=sha256), media_type=f"{render.CSV}; charset=utf-8", headers=headers)
    if text is not None:
        response = snapshots.json_download(text, sha256=sha256)
        response.headers.update(headers)
        return response
    return Response(orjson.dumps(body), media_type="application/json", headers=headers)


@router.get(
    "/committees/{committee_id}/reports/live",
    summary="A committee's tertial or annual report from the current data",
    description="Tertialrapport (T1, T2) eller verksamhetsberättelse (VB) med dagens uppgifter, not submitted: the figures "
    "may still change. Readable in the committee's scope only (a controller sees their committee; admin and city "
    "controllers every committee). JSON, XLSX or CSV (no ETag: the figures may change; Vary: Accept when the Accept "
    "header chooses the format)." + CONTENT,
    responses={**DOWNLOADS, **problems(403, 422)},
)
async def get_live_report(
    committee_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request,
    period: Annotated[str, Query(max_length=10, description="YYYY-T1, YYYY-T2 or YYYY-VB.")], format: Format = None,
) -> Response:
    parsed = service.period_of(period, today=stockholm_today())
    await service.authorise(session, principal, committee_id=committee_id, year=parsed.year, roles=None)
    body = await service.live(session, committee_id=committee_id, period=parsed)
    return _download(body, text=None, sha256=None, chosen=_chosen(format, request), negotiated=format is None,
                     filename=f"rapport-{parsed.text}-aktuell")


@router.post(
    "/committees/{committee_id}/reports",
    status_code=201,
    response_model=Report,
    dependencies=[Depends(idempotency_key)],
    summary="Submit a committee's tertial or annual report (freeze it)",
    description="Lämna in nämndens tertialrapport eller verksamhetsberättelse (the committee role in its scope; admin): "
    "the document is frozen as it is now and stored with its SHA-256 and a diarienummer; XLSX and CSV are rendered from "
    "it. Submitting the same period again is refused (409) unless marked a correction (rättelse, with its reason): a new "
    "snapshot that supersedes the earlier, both kept. Only after the period's last day. Accepts Idempotency-Key.",
    responses={409: {"description": "Submitted already; submit a correction."}, **problems(403, 422)},
)
async def submit_report(
    committee_id: uuid.UUID, body: ReportSubmission, session: Session, principal: CurrentPrincipal, request: Request,
    response: Response,
) -> Report:
    today = stockholm_today()
    parsed = service.period_of(body.period, today=today)
    await service.authorise(session, principal, committee_id=committee_id, year=parsed.year, roles=service.SUBMITTER_ROLES)
    report = await service.submit(session, principal=principal, committee_id=committee_id, period=parsed, data=body, today=today)
    response.headers["location"] = request.app.url_path_for("get_report", report_id=str(report.id))
    response.headers["etag"] = snapshots.etag(report.sha256)
    return report


@router.get(
    "/committees/{committee_id}/reports",
    response_model=Page[Report],
    summary="List a committee's submitted reports, corrections included",
    description="Nämndens inlämnade rapporter per period och version; a superseded snapshot names the correction that "
    "superseded it. Readable in the committee's scope.",
    responses=problems(403, 422),
)
async def list_committee_reports(
    committee_id: uuid.UUID, session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    period: Annotated[str | None, Query(pattern=PERIOD_PATTERN, description="Only this period.")] = None,
) -> Page[Report]:
    today = stockholm_today()
    # Without a period: the committee as it stood in any year, so a closed committee's reports still list.
    first, last = (service.period_of(period, today=today).year,) * 2 if period else (service.FIRST_YEAR, today.year)
    await service.authorise(session, principal, committee_id=committee_id, year=first, to_year=last, roles=None)
    items, next_cursor = await service.list_reports(session, committee_id=committee_id, period=period, params=params)
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/reports/{report_id}",
    response_model=Report,
    name="get_report",
    summary="Read a submitted report's registration",
    description="En inlämnad rapport: period, version, diarienummer, SHA-256, and what it supersedes or is superseded by. "
    "Readable in the committee's scope.",
    responses=problems(403, 404),
)
async def get_report(report_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> Report:
    row = await service.snapshot(session, report_id=report_id)
    await service.authorise(session, principal, committee_id=row.committee_id, year=row.year, roles=None)
    response.headers["etag"] = snapshots.etag(row.sha256)
    return service.render(row)


@router.get(
    "/reports/{report_id}/document",
    summary="A submitted report's frozen document as JSON, XLSX or CSV",
    description="Rapporten som den lämnades in: JSON byte for byte as stored (its SHA-256 is the ETag, \"<sha256>\"), "
    "or XLSX / CSV rendered from that JSON only, never from today's data. Each format has its own ETag: XLSX "
    "W/\"<sha256>.xlsx\", CSV W/\"<sha256>.csv\" (weak: rendered again on each request, the same content, not the same "
    "bytes). Without `format` the Accept header chooses, and the answer says Vary: Accept. Readable in the committee's "
    "scope." + CONTENT,
    responses={**DOWNLOADS, **problems(403, 404)},
)
async def get_report_document(
    report_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request, format: Format = None,
) -> Response:
    row = await service.snapshot(session, report_id=report_id)
    await service.authorise(session, principal, committee_id=row.committee_id, year=row.year, roles=None)
    chosen = _chosen(format, request)
    body = orjson.loads(row.document) if chosen != "json" else {}
    filename = f"rapport-{row.period}-v{row.version}"
    return _download(body, text=row.document if chosen == "json" else None, sha256=row.sha256, chosen=chosen,
                     negotiated=format is None, filename=filename)
