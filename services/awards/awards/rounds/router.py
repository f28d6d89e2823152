"""HTTP API of rounds, their phases and rubrics (utmärkelseomgångar, faser, bedömningsunderlag)."""

import uuid
from typing import Annotated

from contracts.awards import Prize
from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit.auth import CurrentPrincipal
from servicekit.concurrency import require_if_match, set_etag
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, build_page, page_params
from servicekit.problems import ProblemError

from awards.access import award_admin, problems, reader
from awards.rounds import service
from awards.rounds.schemas import ExitConditions, PhaseTransition, Round, RoundChange, RoundCreate
from awards.rubrics import service as rubrics
from awards.rubrics.schemas import Rubric, RubricIn

router = APIRouter(route_class=TransactionalRoute, tags=["rounds"])


@router.post(
    "/rounds", status_code=201, response_model=Round, dependencies=[award_admin, Depends(idempotency_key)],
    summary="Create a round", responses=problems(403, 409, 422),
    description="Skapa en utmärkelseomgång för Kvalitetsutmärkelsen eller Förnyelsepriset ett år, med sista dag per fas. "
    "The rubric (bedömningsunderlag) and eligibility rules (behörighetsregler) default to the prize's. "
    "The round starts open for applications. Accepts Idempotency-Key.",
)
async def create_round(body: RoundCreate, session: Session, principal: CurrentPrincipal, request: Request, response: Response) -> Round:
    row = await service.create_round(session, data=body, recorded_by=principal.subject)
    response.headers["location"] = request.app.url_path_for("get_round", round_id=str(row.id))
    set_etag(response, row.revision)
    return await service.render(session, row)


@router.get(
    "/rounds", response_model=Page[Round], dependencies=[reader], summary="List rounds",
    description="Utmärkelseomgångar, newest year first; filter by prize (pris) and year (år).",
)
async def list_rounds(
    session: Session, params: Annotated[PageParams, Depends(page_params)],
    prize: Prize | None = None, year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Page[Round]:
    after = None
    if params.cursor is not None:
        try:
            after = (int(params.cursor["year"]), str(params.cursor["prize"]), uuid.UUID(params.cursor["id"]))
        except (KeyError, TypeError, ValueError):
            raise ProblemError(400, "The cursor is not one this API issued.", kind="invalid-cursor") from None
    rows = await service.list_rounds(session, prize=prize, year=year, after=after, limit=params.limit)
    rows, cursor = build_page(rows, params, lambda r: {"year": r.year, "prize": r.prize, "id": str(r.id)})
    return Page[Round](items=[await service.render(session, row) for row in rows], next_cursor=cursor)


@router.get(
    "/rounds/{round_id}", response_model=Round, dependencies=[reader], summary="Read a round",
    description="En utmärkelseomgång med fas, sista dagar, behörighetsregler och fashistorik.", responses=problems(404),
)
async def get_round(round_id: uuid.UUID, session: Session, response: Response) -> Round:
    row = await service.get_round(session, round_id=round_id)
    set_etag(response, row.revision)
    return await service.render(session, row)


@router.patch(
    "/rounds/{round_id}", response_model=Round, dependencies=[award_admin], summary="Change a round's name, deadlines or rules",
    description="Ändra namn, sista dagar eller behörighetsregler. Deadlines of phases already over never change; "
    "eligibility rules only while open for applications. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def change_round(round_id: uuid.UUID, body: RoundChange, session: Session, request: Request, response: Response) -> Round:
    row = await service.lock_round(session, round_id=round_id)
    require_if_match(request, row.revision)
    row = await service.change_round(session, row=row, change=body)
    set_etag(response, row.revision)
    return await service.render(session, row)


@router.get(
    "/rounds/{round_id}/exit-conditions", response_model=ExitConditions, dependencies=[reader],
    summary="Which exit conditions of the current phase hold",
    description="Villkor för att lämna aktuell fas: each condition, whether it holds, and why.", responses=problems(404),
)
async def get_exit_conditions(round_id: uuid.UUID, session: Session) -> ExitConditions:
    return await service.exit_conditions(session, row=await service.get_round(session, round_id=round_id))


@router.post(
    "/rounds/{round_id}/phase-transitions", response_model=Round, dependencies=[award_admin],
    summary="Move the round to its next phase",
    description="Flytta omgången till nästa fas (framåt, en i taget) när fasens villkor är uppfyllda; "
    "the problem document lists the conditions that do not hold. Requires If-Match. "
    "Publishes awards.round.phase-changed.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def move_phase(
    round_id: uuid.UUID, body: PhaseTransition, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Round:
    row = await service.lock_round(session, round_id=round_id)
    require_if_match(request, row.revision)
    row = await service.move_phase(session, row=row, to=body.to, recorded_by=principal.subject)
    set_etag(response, row.revision)
    return await service.render(session, row)


@router.get(
    "/rounds/{round_id}/rubric", response_model=Rubric, dependencies=[reader], summary="Read the round's rubric",
    description="Bedömningsunderlaget: områden med vikt och numrerade frågor; the latest version unless `version` is given.",
    responses=problems(404),
)
async def get_rubric(
    round_id: uuid.UUID, session: Session, version: Annotated[int | None, Query(ge=1)] = None,
) -> Rubric:
    await service.get_round(session, round_id=round_id)
    return rubrics.render(await rubrics.get_rubric(session, round_id=round_id, version=version))


@router.put(
    "/rounds/{round_id}/rubric", response_model=Rubric, dependencies=[award_admin], summary="Replace the rubric (new version)",
    description="Ny version av bedömningsunderlaget; refused (409) once any application has arrived in the round. "
    "Requires If-Match with the round's ETag.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def replace_rubric(
    round_id: uuid.UUID, body: RubricIn, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Rubric:
    row = await service.lock_round(session, round_id=round_id)
    require_if_match(request, row.revision)
    version = await rubrics.add_version(session, round_id=round_id, rubric=body, recorded_by=principal.subject)
    row = await service.touch(session, row=row)
    set_etag(response, row.revision)
    return rubrics.render(version)
