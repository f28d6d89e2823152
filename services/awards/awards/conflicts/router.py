"""HTTP API of conflicts of interest (jäv)."""

import uuid

from fastapi import APIRouter, Depends

from servicekit.auth import CurrentPrincipal, require_access
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key

from awards.access import award_admin, is_award_admin, problems
from awards.applications import repository as applications
from awards.conflicts import service
from awards.conflicts.schemas import Conflict, DeclaredConflict, DeclaredConflictCreate, Lifting
from awards.examiners import repository as examiners
from awards.rounds import service as rounds

router = APIRouter(route_class=TransactionalRoute, tags=["conflicts"])
examiner_or_admin = require_access(roles=("award_admin", "examiner"))


@router.get(
    "/rounds/{round_id}/conflicts", response_model=list[Conflict], dependencies=[examiner_or_admin],
    summary="The round's conflicts of interest, each explained", responses=problems(403, 404),
    description="Jäv mellan omgångens examinatorer och ansökningar: computed from the organisation tree on each of the "
    "round's dates (same unit, department, administration, district committee, or examiner's unit above the applicant: "
    "hard, never overridden) and declared ones (lifted ones shown with their reason). An examiner sees their own only.",
)
async def list_conflicts(
    round_id: uuid.UUID, session: Session, principal: CurrentPrincipal,
    examiner_id: uuid.UUID | None = None, application_id: uuid.UUID | None = None,
) -> list[Conflict]:
    round_row = await rounds.get_round(session, round_id=round_id)
    pool = await examiners.pool(session, round_id=round_id)
    if not is_award_admin(principal):
        pool = [row for row in pool if row.subject_id == principal.subject]
    examiner_units = {row.examiner_id: row.unit_id for row in pool if examiner_id is None or row.examiner_id == examiner_id}
    applicant_units = {
        row.id: row.unit_id for row in await applications.submitted(session, round_id=round_id)
        if application_id is None or row.id == application_id
    }
    found = await service.round_conflicts(session, round_row=round_row, examiner_units=examiner_units, applicant_units=applicant_units)
    return [conflict for key in sorted(found, key=str) for conflict in found[key]]


@router.post(
    "/declared-conflicts", status_code=201, response_model=DeclaredConflict,
    dependencies=[examiner_or_admin, Depends(idempotency_key)], summary="Declare a conflict of interest",
    responses=problems(403, 404, 422),
    description="Anmäl jäv (personlig relation, tidigare anställning): by the examiner for themselves or by the award "
    "administrator; it holds in every round until lifted. Accepts Idempotency-Key.",
)
async def declare_conflict(body: DeclaredConflictCreate, session: Session, principal: CurrentPrincipal) -> DeclaredConflict:
    return service.render_declared(await service.declare(session, principal, data=body))


@router.get(
    "/declared-conflicts", response_model=list[DeclaredConflict], dependencies=[examiner_or_admin],
    summary="List declared conflicts", description="Anmälda jäv, with lifted ones and their reasons; an examiner sees their own.",
)
async def list_declared(session: Session, principal: CurrentPrincipal, examiner_id: uuid.UUID | None = None) -> list[DeclaredConflict]:
    return [service.render_declared(row) for row in await service.list_declared(session, principal, examiner_id=examiner_id)]


@router.post(
    "/declared-conflicts/{conflict_id}/lifting", response_model=DeclaredConflict, dependencies=[award_admin],
    summary="Lift a declared conflict (with a reason)", responses=problems(403, 404, 409, 422),
    description="Häv ett anmält jäv; the reason is required, recorded with who and when, and shown. "
    "Conflicts computed from the organisation tree cannot be lifted.",
)
async def lift_conflict(conflict_id: uuid.UUID, body: Lifting, session: Session, principal: CurrentPrincipal) -> DeclaredConflict:
    return service.render_declared(await service.lift(session, principal, conflict_id=conflict_id, reason=body.reason))
