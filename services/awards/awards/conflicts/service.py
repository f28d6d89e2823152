"""Conflicts of a round: computed from the organisation tree on each of the round's dates, plus declared ones.

Organisation conflicts are hard and cannot be lifted. A declared conflict (personal tie,
earlier employment) is added by the examiner themselves or the award administrator, and
lifted only by the administrator with a reason, which stays on record and is shown.
"""

import uuid
from datetime import UTC, datetime

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.orgtree import get_unit_state, load_states
from servicekit.problems import ProblemError

from awards.access import is_award_admin
from awards.conflicts.rules import TreeOnDate, conflict_pairs
from awards.conflicts.schemas import Conflict, DeclaredConflict, DeclaredConflictCreate, Lifted
from awards.models import declared_conflicts, examiners, org_tables
from awards.rounds import service as rounds


def render_declared(row: Row) -> DeclaredConflict:
    lifted = Lifted(lifted_at=row.lifted_at, lifted_by=row.lifted_by, reason=row.lift_reason) if row.lifted_at else None
    return DeclaredConflict(
        id=row.id, examiner_id=row.examiner_id, unit_id=row.unit_id, kind=row.kind, description=row.description,
        declared_by=row.declared_by, created_at=row.created_at, lifted=lifted,
    )


async def trees_for(session: AsyncSession, round_row: Row) -> list[TreeOnDate]:
    states = await load_states(session, org_tables, list(await session.scalars(select(org_tables.units.c.id))))
    return [TreeOnDate(states, on) for on in sorted(set(rounds.deadlines_of(round_row).values()))]


async def round_conflicts(
    session: AsyncSession, *, round_row: Row, examiner_units: dict[uuid.UUID, uuid.UUID], applicant_units: dict[uuid.UUID, uuid.UUID],
) -> dict[tuple[uuid.UUID, uuid.UUID], list[Conflict]]:
    """(application id, examiner id) → every conflict between them, blocking or lifted."""
    found: dict[tuple[uuid.UUID, uuid.UUID], list[Conflict]] = {}
    if not examiner_units or not applicant_units:
        return found
    pairs = conflict_pairs(await trees_for(session, round_row), examiner_units=examiner_units, applicant_units=applicant_units)
    for (application_id, examiner_id), conflicts in pairs.items():
        found[application_id, examiner_id] = [
            Conflict(application_id=application_id, examiner_id=examiner_id, source="organisation", kind=c.kind,
                     blocking=True, on_date=c.on_date, explanation=c.explanation)
            for c in conflicts
        ]
    by_unit: dict[uuid.UUID, list[uuid.UUID]] = {}
    for application_id, unit_id in applicant_units.items():
        by_unit.setdefault(unit_id, []).append(application_id)
    declared = await session.execute(
        select(declared_conflicts).where(declared_conflicts.c.examiner_id.in_(list(examiner_units)),
                                         declared_conflicts.c.unit_id.in_(list(by_unit)))
    )
    for row in declared:
        view = render_declared(row)
        for application_id in by_unit[row.unit_id]:
            found.setdefault((application_id, row.examiner_id), []).append(Conflict(
                application_id=application_id, examiner_id=row.examiner_id, source="declared", kind=row.kind,
                blocking=view.lifted is None, on_date=None, explanation=f"Declared by {row.declared_by}: {row.description}",
                declared_conflict_id=row.id, lifted=view.lifted,
            ))
    return found


def blocking(conflicts: list[Conflict]) -> list[Conflict]:
    return [c for c in conflicts if c.blocking]


async def declare(session: AsyncSession, principal: Principal, *, data: DeclaredConflictCreate) -> Row:
    examiner = (await session.execute(select(examiners).where(examiners.c.id == data.examiner_id))).one_or_none()
    if examiner is None or not (is_award_admin(principal) or examiner.subject_id == principal.subject):
        raise ProblemError(404, f"No examiner {data.examiner_id} you may declare for.", kind="examiner-not-found")
    if await get_unit_state(session, org_tables, unit_id=data.unit_id) is None:
        raise ProblemError(422, f"No organisation unit {data.unit_id}.", kind="unit-not-found")
    return (await session.execute(insert(declared_conflicts).values(
        id=uuid.uuid4(), examiner_id=data.examiner_id, unit_id=data.unit_id, kind=data.kind.value,
        description=data.description, declared_by=principal.subject,
    ).returning(declared_conflicts))).one()


async def lift(session: AsyncSession, principal: Principal, *, conflict_id: uuid.UUID, reason: str) -> Row:
    row = (await session.execute(
        select(declared_conflicts).where(declared_conflicts.c.id == conflict_id).with_for_update()
    )).one_or_none()
    if row is None:
        raise ProblemError(404, f"No declared conflict {conflict_id}.", kind="conflict-not-found")
    if row.lifted_at is not None:
        raise ProblemError(409, f"The conflict was already lifted on {row.lifted_at:%Y-%m-%d}.", kind="conflict-lifted")
    return (await session.execute(
        update(declared_conflicts).where(declared_conflicts.c.id == conflict_id)
        .values(lifted_at=datetime.now(UTC), lifted_by=principal.subject, lift_reason=reason).returning(declared_conflicts)
    )).one()


async def list_declared(session: AsyncSession, principal: Principal, *, examiner_id: uuid.UUID | None) -> list[Row]:
    query = select(declared_conflicts).order_by(declared_conflicts.c.created_at)
    if examiner_id is not None:
        query = query.where(declared_conflicts.c.examiner_id == examiner_id)
    if not is_award_admin(principal):
        own = select(examiners.c.id).where(examiners.c.subject_id == principal.subject)
        query = query.where(declared_conflicts.c.examiner_id.in_(own))
    return list(await session.execute(query))
