"""HTTP API of the examiner registry and each round's examiner pool (examinatorer)."""

import uuid
from typing import Annotated

from contracts.awards import RoundPhase
from fastapi import APIRouter, Depends, Request, Response

from servicekit.auth import CurrentPrincipal
from servicekit.concurrency import locked_at_revision, set_etag
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, build_page, page_params
from servicekit.problems import ProblemError

from awards.access import award_admin, problems, reader
from awards.examiners import repository, service
from awards.examiners.schemas import Enrolment, Examiner, ExaminerChange, ExaminerCreate, PoolMember, TrainingCreate
from awards.rounds import service as rounds

router = APIRouter(route_class=TransactionalRoute, tags=["examiners"])


@router.post(
    "/examiners", status_code=201, response_model=Examiner, dependencies=[award_admin, Depends(idempotency_key)],
    summary="Register an examiner", responses=problems(403, 409, 422),
    description="Registrera en examinator: subject id, enheten hen arbetar i, sektorkompetens, tidigare omgångar. "
    "Accepts Idempotency-Key.",
)
async def create_examiner(body: ExaminerCreate, session: Session, request: Request, response: Response) -> Examiner:
    row = await service.create_examiner(session, data=body)
    response.headers["location"] = request.app.url_path_for("get_examiner", examiner_id=str(row.id))
    set_etag(response, row.revision)
    return await service.render(session, row)


@router.get(
    "/examiners", response_model=Page[Examiner], dependencies=[award_admin], summary="List examiners",
    description="Examinatorsregistret i subject-ordning, med utbildningar och tjänstgjorda omgångar.",
)
async def list_examiners(session: Session, params: Annotated[PageParams, Depends(page_params)]) -> Page[Examiner]:
    after = params.cursor.get("subject") if params.cursor else None
    if params.cursor is not None and not isinstance(after, str):
        raise ProblemError(400, "The cursor is not one this API issued.", kind="invalid-cursor")
    rows, cursor = build_page(await repository.list_examiners(session, after=after, limit=params.limit), params,
                              lambda r: {"subject": r.subject_id})
    return Page[Examiner](items=await service.render_many(session, rows), next_cursor=cursor)


@router.get(
    "/examiners/{examiner_id}", response_model=Examiner, dependencies=[reader], summary="Read an examiner",
    description="En examinator: the award administrator reads every record, an examiner only their own.", responses=problems(404),
)
async def get_examiner(examiner_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> Examiner:
    row = await service.get_examiner(session, principal, examiner_id=examiner_id)
    set_etag(response, row.revision)
    return await service.render(session, row)


@router.patch(
    "/examiners/{examiner_id}", response_model=Examiner, dependencies=[award_admin], summary="Change an examiner's unit or sectors",
    description="Byt enhet (conflicts follow the new unit) eller sektorkompetens. Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def change_examiner(
    examiner_id: uuid.UUID, body: ExaminerChange, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Examiner:
    row = await locked_at_revision(request, service.get_examiner, session, principal, examiner_id=examiner_id)
    row = await service.change_examiner(session, row=row, change=body)
    set_etag(response, row.revision)
    return await service.render(session, row)


@router.post(
    "/examiners/{examiner_id}/trainings", status_code=201, response_model=Examiner,
    dependencies=[award_admin, Depends(idempotency_key)],
    summary="Record a training", responses=problems(403, 404, 409, 422),
    description="Registrera genomförd examinatorsutbildning för ett år (one record per year). Accepts Idempotency-Key.",
)
async def add_training(
    examiner_id: uuid.UUID, body: TrainingCreate, session: Session, principal: CurrentPrincipal, response: Response,
) -> Examiner:
    row = await service.get_examiner(session, principal, examiner_id=examiner_id, lock=True)
    row = await service.add_training(session, row=row, data=body, recorded_by=principal.subject)
    set_etag(response, row.revision)
    return await service.render(session, row)


@router.put(
    "/rounds/{round_id}/examiners/{examiner_id}", response_model=PoolMember, dependencies=[award_admin],
    summary="Enrol an examiner in a round", responses=problems(403, 404, 409, 422),
    description="Ta med en examinator i omgången med kapacitet och chefens godkännande (replaces an earlier enrolment); "
    "until the teams are confirmed. The reply says whether the examiner is assignable, and why not.",
)
async def enrol_examiner(
    round_id: uuid.UUID, examiner_id: uuid.UUID, body: Enrolment, session: Session, principal: CurrentPrincipal,
) -> PoolMember:
    round_row = await rounds.lock_round(session, round_id=round_id)
    rounds.require_phase(round_row, RoundPhase.open_for_applications, RoundPhase.eligibility, action="Examiners are enrolled")
    examiner = await service.get_examiner(session, principal, examiner_id=examiner_id)
    await service.enrol(session, round_id=round_id, examiner=examiner, data=body)
    return next(m for m in await service.pool(session, round_row=round_row) if m.examiner.id == examiner_id)


@router.get(
    "/rounds/{round_id}/examiners", response_model=list[PoolMember], dependencies=[award_admin],
    summary="The round's examiner pool", responses=problems(403, 404),
    description="Omgångens examinatorer: capacity, manager's approval, experienced or new, assignable and why not, assigned count.",
)
async def list_pool(round_id: uuid.UUID, session: Session) -> list[PoolMember]:
    return await service.pool(session, round_row=await rounds.get_round(session, round_id=round_id))
