"""HTTP API of applications (ansökningar) and their evidence (underlag)."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response

from servicekit.auth import CurrentPrincipal
from servicekit.concurrency import locked_at_revision, set_etag
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, build_page, page_params
from servicekit.problems import ProblemError

from awards.access import problems, reader
from awards.applications import repository, service
from awards.applications.schemas import Application, ApplicationChange, ApplicationCreate, Evidence

router = APIRouter(route_class=TransactionalRoute, tags=["applications"], dependencies=[reader])


@router.post(
    "/rounds/{round_id}/applications", status_code=201, response_model=Application, dependencies=[Depends(idempotency_key)],
    summary="Start an application", responses=problems(403, 404, 409, 422),
    description="Påbörja en ansökan för en enhet (utkast): by the unit's unit_manager, while the round is open and before "
    "the application deadline; answers keyed by question number. One application per unit and round. Accepts Idempotency-Key.",
)
async def create_application(
    round_id: uuid.UUID, body: ApplicationCreate, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Application:
    row = await service.create_application(session, principal, round_id=round_id, data=body)
    response.headers["location"] = request.app.url_path_for("get_application", application_id=str(row.id))
    set_etag(response, row.revision)
    return await service.render(session, row)


@router.get(
    "/applications", response_model=Page[Application], summary="List the applications the caller may see",
    description="Ansökningar: award administrators and city-wide readers see all; a unit its own (unit_manager scope); "
    "an examiner only those in their confirmed teams. Filter by round, unit and status.",
)
async def list_applications(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    round_id: uuid.UUID | None = None, unit_id: uuid.UUID | None = None,
    status: Literal["draft", "submitted"] | None = None,
) -> Page[Application]:
    after = None
    if params.cursor is not None:
        try:
            after = (datetime.fromisoformat(params.cursor["created_at"]), uuid.UUID(params.cursor["id"]))
        except (KeyError, TypeError, ValueError):
            raise ProblemError(400, "The cursor is not one this API issued.", kind="invalid-cursor") from None
    everything, roots, subject = service.list_filters(principal)
    rows = await repository.list_visible(
        session, everything=everything, scope_roots=roots, subject=subject, round_id=round_id, unit_id=unit_id,
        status=status, after=after, limit=params.limit,
    )
    rows, cursor = build_page(rows, params, lambda r: {"created_at": r.created_at.isoformat(), "id": str(r.id)})
    return Page[Application](items=[await service.render(session, row) for row in rows], next_cursor=cursor)


@router.get(
    "/applications/{application_id}", response_model=Application, summary="Read an application",
    description="En ansökan med svar per fråga, bilagor, frysta underlag och behörighetsprövning.", responses=problems(404),
)
async def get_application(application_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> Application:
    row = await service.visible_application(session, principal, application_id=application_id)
    set_etag(response, row.revision)
    return await service.render(session, row)


@router.patch(
    "/applications/{application_id}", response_model=Application, summary="Change a draft application",
    description="Ändra ett utkast: answers and introductions merge (null removes one), attachments replace the list. "
    "Only the unit's manager, only before the deadline. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def change_application(
    application_id: uuid.UUID, body: ApplicationChange, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Application:
    row = await locked_at_revision(request, service.visible_application, session, principal, application_id=application_id)
    row = await service.change_application(session, principal, row=row, change=body)
    set_etag(response, row.revision)
    return await service.render(session, row)


@router.post(
    "/applications/{application_id}/submission", response_model=Application, summary="Submit the application",
    description="Lämna in ansökan: every question answered, before the deadline; the evidence is frozen into it and it is "
    "locked. Publishes awards.application.submitted. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def submit_application(
    application_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Application:
    row = await locked_at_revision(request, service.visible_application, session, principal, application_id=application_id)
    row = await service.submit_application(session, principal, row=row)
    set_etag(response, row.revision)
    return await service.render(session, row)


@router.get(
    "/applications/{application_id}/evidence", response_model=Evidence, summary="Read the application's evidence",
    description="Underlag: the unit's adopted commitments with their latest follow-ups (from goals); frozen at submission, "
    "live for a draft. Complaint figures from feedback follow once feedback publishes its unit statistics.",
    responses=problems(404),
)
async def get_evidence(application_id: uuid.UUID, session: Session, principal: CurrentPrincipal) -> Evidence:
    row = await service.visible_application(session, principal, application_id=application_id)
    return Evidence.model_validate(await service.live_evidence(session, row=row))
