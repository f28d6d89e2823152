"""HTTP API of follow-ups (uppföljning per tertial och verksamhetsberättelse)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit.auth import CurrentPrincipal
from servicekit.concurrency import require_if_match, set_etag
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, page_params

from goals.commitments import service as commitments
from goals.follow_ups import service
from goals.follow_ups.rules import PERIOD_PATTERN
from goals.follow_ups.schemas import FollowUp, FollowUpChange, FollowUpCreate
from goals.problems import problems

router = APIRouter(route_class=TransactionalRoute, tags=["follow-ups"])


def _reply(row, response: Response) -> FollowUp:
    set_etag(response, row.revision)
    return service.render(row)


@router.post(
    "/commitments/{commitment_id}/follow-ups",
    status_code=201,
    response_model=FollowUp,
    dependencies=[Depends(idempotency_key)],
    summary="Report a commitment's follow-up for a period",
    description="Följ upp ett fastställt åtagande för en period (YYYY-T1, YYYY-T2, YYYY-VB; enhetschef): utfall, resultat, "
    "bedömning (uppfyllt / delvis uppfyllt / ej uppfyllt), analys och fortsatt arbete. The service computes a suggested "
    "assessment by the written rule of the expected result's type and stores it beside the verdict; a verdict that differs "
    "from it, or ej uppfyllt, needs an analysis. After the period's deadline the follow-up is accepted and marked late. "
    "Reported today; a past report (an earlier reported_on) is the import of an earlier register, by a system key with "
    "goals:write for the whole city only: staff, admin included, get 422 past-date-not-allowed. Accepts Idempotency-Key.",
    responses=problems(403, 404, 422),
)
async def report_follow_up(
    commitment_id: uuid.UUID, body: FollowUpCreate, session: Session, principal: CurrentPrincipal, request: Request,
    response: Response,
) -> FollowUp:
    loaded = await commitments.load(session, commitment_id=commitment_id, lock=True)
    await service.authorise_report(session, principal, loaded=loaded, reported_on=body.reported_on)
    row = await service.report(session, principal=principal, loaded=loaded, data=body)
    response.headers["location"] = request.app.url_path_for("get_follow_up", follow_up_id=str(row.id))
    return _reply(row, response)


@router.get(
    "/follow-ups",
    response_model=Page[FollowUp],
    summary="List follow-ups",
    description="Uppföljningar i ditt område, filtered by commitment, unit (or a subtree), period and year.",
    responses=problems(403),
)
async def list_follow_ups(
    session: Session,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, Depends(page_params)],
    commitment_id: uuid.UUID | None = None,
    unit_id: Annotated[uuid.UUID | None, Query(description="Only this organisation unit.")] = None,
    within: Annotated[uuid.UUID | None, Query(description="Only this unit and the units below it.")] = None,
    period: Annotated[str | None, Query(pattern=PERIOD_PATTERN, description="e.g. 2015-T1.")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
) -> Page[FollowUp]:
    items, next_cursor = await service.list_follow_ups(
        session, principal=principal, params=params, commitment_id=commitment_id, unit_id=unit_id, within=within,
        period=period, year=year,
    )
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/follow-ups/{follow_up_id}",
    response_model=FollowUp,
    name="get_follow_up",
    summary="Read a follow-up",
    description="En uppföljning med förslag till bedömning, underlaget för förslaget, bedömning, analys och fortsatt arbete.",
    responses=problems(403, 404),
)
async def get_follow_up(follow_up_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> FollowUp:
    row = await service.get(session, follow_up_id=follow_up_id)
    await commitments.authorise(session, principal, unit_id=row.unit_id, year=row.year, roles=None)
    return _reply(row, response)


@router.patch(
    "/follow-ups/{follow_up_id}",
    response_model=FollowUp,
    summary="Correct a follow-up",
    description="Rätta en uppföljning (enhetschef); the suggestion is computed again and the analysis rule applies. "
    "Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def correct_follow_up(
    follow_up_id: uuid.UUID, body: FollowUpChange, session: Session, principal: CurrentPrincipal, request: Request,
    response: Response,
) -> FollowUp:
    row = await service.get(session, follow_up_id=follow_up_id, lock=True)
    await commitments.authorise(session, principal, unit_id=row.unit_id, year=row.year, roles=service.REPORTER_ROLES)
    require_if_match(request, row.revision)
    loaded = await commitments.load(session, commitment_id=row.commitment_id)
    return _reply(await service.correct(session, principal=principal, row=row, loaded=loaded, change=body), response)
