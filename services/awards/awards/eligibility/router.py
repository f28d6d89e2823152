"""HTTP API of eligibility checks (behörighetsprövning) and earlier winners."""

import uuid

from contracts.awards import Prize
from contracts.decisions import DecisionRef
from fastapi import APIRouter, Depends

from servicekit.auth import CurrentPrincipal
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key

from awards.access import award_admin, problems, reader
from awards.eligibility import service
from awards.eligibility.schemas import EligibilityCheck, Winner, WinnerCreate
from awards.rounds import service as rounds

router = APIRouter(route_class=TransactionalRoute, tags=["eligibility"])


def _winner(row) -> Winner:
    return Winner(prize=row.prize, year=row.year, unit_id=row.unit_id, decision=DecisionRef.model_validate(row.decision), created_at=row.created_at)


@router.post(
    "/rounds/{round_id}/eligibility-checks", response_model=EligibilityCheck, dependencies=[award_admin],
    summary="Check every submitted application's eligibility",
    description="Behörighetsprövning i fasen eligibility: each rule of the round checked per submitted application on the "
    "application deadline, with its reason; the result is stored on the application (a later check replaces it).",
    responses=problems(403, 404, 409),
)
async def check_eligibility(round_id: uuid.UUID, session: Session) -> EligibilityCheck:
    return await service.check_round(session, round_row=await rounds.lock_round(session, round_id=round_id))


@router.post(
    "/award-winners", status_code=201, response_model=Winner, dependencies=[award_admin, Depends(idempotency_key)],
    summary="Record an earlier winner", responses=problems(403, 409, 422),
    description="Registrera en tidigare vinnare (pris, år, enhet, beslut); used by the not_recent_winner rule. Accepts Idempotency-Key.",
)
async def record_winner(body: WinnerCreate, session: Session, principal: CurrentPrincipal) -> Winner:
    return _winner(await service.record_winner(session, data=body, recorded_by=principal.subject))


@router.get(
    "/award-winners", response_model=list[Winner], dependencies=[reader], summary="List earlier winners",
    description="Tidigare vinnare per pris och år, newest first.",
)
async def list_winners(session: Session, prize: Prize | None = None) -> list[Winner]:
    return [_winner(row) for row in await service.list_winners(session, prize=prize)]
