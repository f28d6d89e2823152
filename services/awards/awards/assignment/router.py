"""HTTP API of examiner teams (teamindelning): the solver's proposal, edits, confirmation."""

import uuid

from fastapi import APIRouter, Depends, Request, Response

from servicekit.auth import CurrentPrincipal
from servicekit.concurrency import require_if_match, set_etag
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key

from awards.access import award_admin, problems
from awards.assignment import service
from awards.assignment.schemas import MemberChange, Plan
from awards.rounds import service as rounds

router = APIRouter(route_class=TransactionalRoute, tags=["assignment"], dependencies=[award_admin])


async def _answer(session, round_row, plan, response: Response) -> Plan:
    set_etag(response, plan.revision)
    return await service.render(session, round_row=round_row, plan=plan)


@router.post(
    "/rounds/{round_id}/assignment-proposals", status_code=201, response_model=Plan, summary="Propose examiner teams (solver)",
    dependencies=[Depends(idempotency_key)],
    responses=problems(403, 404, 409, 412, 422, 428),
    description="Föreslå examinatorsteam med en optimeringsmodell (OR-Tools CP-SAT): 3–4 per eligible application, no "
    "conflicts, within capacity, an experienced examiner in every team, new examiners spread, sector competence matched "
    "where possible, load balanced. The reply states the objective, the bound and the optimality gap; when no plan "
    "exists, a 422 names the constraint that makes it impossible (capacity, conflicts, experience). Replaces the current plan; "
    "a confirmed plan only when If-Match names it (its examiners lose their assignments until the new one is confirmed). "
    "Accepts Idempotency-Key.",
)
async def propose_teams(round_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request, response: Response) -> Plan:
    round_row = await rounds.lock_round(session, round_id=round_id)
    current = await service.current_plan(session, round_id=round_id)
    if current is not None and current.status == "confirmed":
        require_if_match(request, current.revision)  # replacing a confirmed plan is deliberate, never a side effect
    plan = await service.propose(session, round_row=round_row, proposed_by=principal.subject)
    return await _answer(session, round_row, plan, response)


@router.get(
    "/rounds/{round_id}/assignment", response_model=Plan, summary="Read the round's team plan", responses=problems(403, 404),
    description="Teamindelningen: each team with its members (experienced, sector match), the solver's report and the edits.",
)
async def get_plan(round_id: uuid.UUID, session: Session, response: Response) -> Plan:
    round_row = await rounds.get_round(session, round_id=round_id)
    return await _answer(session, round_row, await service.lock_plan(session, round_id=round_id), response)


@router.post(
    "/rounds/{round_id}/assignment/members", response_model=Plan, summary="Add an examiner to a team",
    responses=problems(403, 404, 409, 412, 422, 428),
    description="Lägg till en examinator i ett team; refused with the reason when conflicted, untrained, unapproved, over "
    "capacity or the team is full. Requires If-Match with the plan's ETag.",
)
async def add_member(
    round_id: uuid.UUID, body: MemberChange, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Plan:
    round_row = await rounds.lock_round(session, round_id=round_id)
    plan = await service.lock_plan(session, round_id=round_id)
    require_if_match(request, plan.revision)
    plan = await service.add_member(
        session, round_row=round_row, plan=plan, application_id=body.application_id, examiner_id=body.examiner_id, by=principal.subject,
    )
    return await _answer(session, round_row, plan, response)


@router.delete(
    "/rounds/{round_id}/assignment/members/{application_id}/{examiner_id}", response_model=Plan,
    summary="Remove an examiner from a team", responses=problems(403, 404, 409, 412, 428),
    description="Ta bort en examinator ur ett team; the plan returns to proposed. Requires If-Match with the plan's ETag.",
)
async def remove_member(
    round_id: uuid.UUID, application_id: uuid.UUID, examiner_id: uuid.UUID, session: Session, principal: CurrentPrincipal,
    request: Request, response: Response,
) -> Plan:
    round_row = await rounds.lock_round(session, round_id=round_id)
    plan = await service.lock_plan(session, round_id=round_id)
    require_if_match(request, plan.revision)
    plan = await service.remove_member(
        session, round_row=round_row, plan=plan, application_id=application_id, examiner_id=examiner_id, by=principal.subject,
    )
    return await _answer(session, round_row, plan, response)


@router.post(
    "/rounds/{round_id}/assignment/confirmation", response_model=Plan, summary="Confirm the team plan",
    responses=problems(403, 404, 409, 412, 422, 428),
    description="Fastställ teamindelningen: every hard constraint is checked over the whole plan (team size 3–4, an "
    "experienced examiner each, no conflicts, capacity). Requires If-Match with the plan's ETag.",
)
async def confirm_plan(round_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request, response: Response) -> Plan:
    round_row = await rounds.lock_round(session, round_id=round_id)
    plan = await service.lock_plan(session, round_id=round_id)
    require_if_match(request, plan.revision)
    plan = await service.confirm(session, round_row=round_row, plan=plan, by=principal.subject)
    return await _answer(session, round_row, plan, response)
