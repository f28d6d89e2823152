"""HTTP API of the annual wheel (årshjul): defaults, a committee's deadlines, and what is due."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from servicekit.auth import CurrentPrincipal
from servicekit.concurrency import require_if_match, with_etag
from servicekit.db import Session, TransactionalRoute
from servicekit.orgtree import stockholm_today

from goals import access
from goals.annual_wheel import rules, service
from goals.annual_wheel.schemas import AnnualWheel, Deadline, DeadlinePut, Due, WheelDefault
from goals.problems import problems

router = APIRouter(route_class=TransactionalRoute, tags=["annual wheel"])
WINDOWS = (
    " Windows (seed 004 §6.3): tertialrapport 1 April–May, tertialrapport 2 August–September, verksamhetsberättelse "
    "December–January, next year's verksamhetsplan October–December; a follow-up period's deadline is never before the "
    "period's last day."
)


@router.get(
    "/annual-wheel/defaults",
    response_model=list[WheelDefault],
    summary="The city-wide defaults of the annual wheel",
    description="Årshjulets standardtider för hela staden: each item's default deadline and window." + WINDOWS,
    responses=problems(403),
)
async def list_annual_wheel_defaults(session: Session, principal: CurrentPrincipal) -> list[WheelDefault]:
    access.require_reader(principal)
    return await service.list_defaults(session)


@router.get(
    "/committees/{committee_id}/annual-wheel",
    response_model=AnnualWheel,
    summary="A committee's annual wheel for a year",
    description="Nämndens årshjul: the deadlines of the year's T1, T2 and VB and of next year's verksamhetsplan, each the "
    "committee's own or the city's default. Readable in the committee's scope.",
    responses=problems(403, 422),
)
async def get_annual_wheel(
    committee_id: uuid.UUID, session: Session, principal: CurrentPrincipal,
    year: Annotated[int, Query(ge=rules.FIRST_YEAR, le=2200, description="The year the wheel turns in.")],
) -> AnnualWheel:
    await service.authorise_committee(session, principal, committee_id=committee_id, year=year, roles=None)
    return await service.annual_wheel(session, committee_id=committee_id, year=year)


@router.put(
    "/committees/{committee_id}/annual-wheel/{period}",
    response_model=Deadline,
    summary="Set a committee's own deadline for a period of the wheel",
    description="Nämndens egen tidpunkt i årshjulet för en period (2015-T1, 2015-T2, 2015-VB, 2016-VP), by the committee "
    "role in its scope (admin always). Requires If-Match: \"0\" the first time, then the ETag last read." + WINDOWS,
    responses=problems(403, 412, 422, 428),
)
async def put_annual_wheel_deadline(
    committee_id: uuid.UUID, period: Annotated[str, Path(max_length=10)], body: DeadlinePut, session: Session,
    principal: CurrentPrincipal, request: Request, response: Response,
) -> Deadline:
    parsed = rules.parse(period, today=stockholm_today())
    year = parsed.year - 1 if parsed.item == "VP" else parsed.year
    await service.authorise_committee(session, principal, committee_id=committee_id, year=year, roles=service.WRITER_ROLES)
    current = await service.current_deadline(session, committee_id=committee_id, period=parsed)
    require_if_match(request, current.revision if current else 0)
    deadline = await service.put_deadline(
        session, principal=principal, committee_id=committee_id, period=parsed, current=current, data=body,
    )
    return with_etag(response, deadline)


@router.get(
    "/committees/{committee_id}/due",
    response_model=Due,
    summary="What is due for a committee in a period",
    description="Vad som återstår för perioden: the adopted commitments (åtaganden) of the committee's units still without "
    "a follow-up for the period, and the committee's tertialrapport or verksamhetsberättelse while not submitted, with the "
    "period's deadline. Readable in the committee's scope.",
    responses=problems(403, 422),
)
async def get_committee_due(
    committee_id: uuid.UUID, session: Session, principal: CurrentPrincipal,
    period: Annotated[str, Query(max_length=10, description="YYYY-T1, YYYY-T2 or YYYY-VB.")],
) -> Due:
    today = stockholm_today()
    parsed = service.parse_due_period(period, today=today)
    await service.authorise_committee(session, principal, committee_id=committee_id, year=parsed.year, roles=None)
    return await service.due(session, committee_id=committee_id, period=parsed, today=today)
