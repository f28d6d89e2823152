"""Examiner rules: who is experienced, trained and approved, and so assignable in a round.

Experienced: served in at least one earlier round (a confirmed team in a round of an earlier
year) or said so at registration. Trained: a training record for the round's year, or, for an
experienced examiner, for one of the two years before. Assignable: trained, their manager's
approval recorded for the round, and a capacity of at least one.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.orgtree import get_unit_state
from servicekit.problems import ProblemError

from awards.access import is_award_admin
from awards.examiners import repository
from awards.examiners.schemas import (
    Enrolment,
    Examiner,
    ExaminerChange,
    ExaminerCreate,
    ManagerApproval,
    PoolMember,
    ServedRound,
    Training,
    TrainingCreate,
)
from awards.models import org_tables


@dataclass(frozen=True)
class Standing:
    """An examiner's standing in one round."""

    row: Row  # the pool row: enrolment and examiner columns
    experienced: bool
    reasons: list[str]

    @property
    def assignable(self) -> bool:
        return not self.reasons


async def render_many(session: AsyncSession, rows: list[Row]) -> list[Examiner]:
    ids = [row.id for row in rows]
    trainings = await repository.trainings(session, ids)
    served = await repository.rounds_served(session, ids)
    return [
        Examiner(
            id=row.id, subject_id=row.subject_id, unit_id=row.unit_id, sectors=row.sectors,
            stated_rounds_served=row.stated_rounds_served, revision=row.revision, created_at=row.created_at,
            trainings=[Training(year=t.year, completed_on=t.completed_on) for t in trainings[row.id]],
            rounds_served=[ServedRound(round_id=s.id, prize=s.prize, year=s.year) for s in served[row.id]],
        )
        for row in rows
    ]


async def render(session: AsyncSession, row: Row) -> Examiner:
    return (await render_many(session, [row]))[0]


async def _require_unit(session: AsyncSession, unit_id: uuid.UUID) -> None:
    if await get_unit_state(session, org_tables, unit_id=unit_id) is None:
        raise ProblemError(422, f"No organisation unit {unit_id}.", kind="unit-not-found")


async def get_examiner(session: AsyncSession, principal: Principal, *, examiner_id: uuid.UUID, lock: bool = False) -> Row:
    """An examiner record: the award administrator sees all, an examiner only their own."""
    row = await repository.get_examiner(session, examiner_id=examiner_id, lock=lock)
    if row is None or not (is_award_admin(principal) or row.subject_id == principal.subject):
        raise ProblemError(404, f"No examiner {examiner_id}.", kind="examiner-not-found")
    return row


async def create_examiner(session: AsyncSession, *, data: ExaminerCreate) -> Row:
    await _require_unit(session, data.unit_id)
    if await repository.find_by_subject(session, subject_id=data.subject_id) is not None:
        raise ProblemError(409, "That subject is already registered as an examiner.", kind="examiner-exists")
    return await repository.insert_examiner(
        session, id=uuid.uuid4(), revision=1, subject_id=data.subject_id, unit_id=data.unit_id,
        sectors=sorted(s.value for s in data.sectors), stated_rounds_served=data.stated_rounds_served,
    )


async def change_examiner(session: AsyncSession, *, row: Row, change: ExaminerChange) -> Row:
    values: dict = {}
    if change.unit_id is not None:
        await _require_unit(session, change.unit_id)
        values["unit_id"] = change.unit_id
    if change.sectors is not None:
        values["sectors"] = sorted(s.value for s in change.sectors)
    if not values:
        raise ProblemError(422, "Give unit_id or sectors to change.", kind="no-change")
    return await repository.update_examiner(session, examiner_id=row.id, revision=row.revision + 1, **values)


async def add_training(session: AsyncSession, *, row: Row, data: TrainingCreate, recorded_by: str) -> Row:
    if data.completed_on.year not in (data.year - 1, data.year):
        raise ProblemError(
            422, f"A training for {data.year} is completed in {data.year} or the autumn before, not on {data.completed_on}.",
            kind="training-date",
        )
    if not await repository.add_training(
        session, examiner_id=row.id, year=data.year, completed_on=data.completed_on, recorded_by=recorded_by
    ):
        raise ProblemError(409, f"The examiner already has a training record for {data.year}.", kind="training-exists")
    return await repository.update_examiner(session, examiner_id=row.id, revision=row.revision + 1)


async def enrol(session: AsyncSession, *, round_id: uuid.UUID, examiner: Row, data: Enrolment) -> None:
    approval = data.manager_approval
    await repository.enrol(
        session, round_id=round_id, examiner_id=examiner.id, capacity=data.capacity,
        manager_approved_on=approval.approved_on if approval else None,
        manager_subject_id=approval.manager_subject_id if approval else None,
    )


async def standings(session: AsyncSession, *, round_row: Row) -> list[Standing]:
    rows = await repository.pool(session, round_id=round_row.id)
    ids = [row.examiner_id for row in rows]
    trainings = await repository.trainings(session, ids)
    served = await repository.rounds_served(session, ids)
    result = []
    for row in rows:
        experienced = row.stated_rounds_served > 0 or any(s.year < round_row.year for s in served[row.examiner_id])
        years = {t.year for t in trainings[row.examiner_id]}
        reasons = []
        if not (round_row.year in years or (experienced and years & {round_row.year - 1, round_row.year - 2})):
            reasons.append(
                f"No training record for {round_row.year}"
                + (f" or {round_row.year - 1}/{round_row.year - 2}." if experienced else " (new examiners train the same year).")
            )
        if row.manager_approved_on is None:
            reasons.append("The examiner's manager has not approved the assignment.")
        if row.capacity < 1:
            reasons.append("Capacity 0 in this round.")
        result.append(Standing(row=row, experienced=experienced, reasons=reasons))
    return result


async def pool(session: AsyncSession, *, round_row: Row) -> list[PoolMember]:
    found = await standings(session, round_row=round_row)
    examiners = await render_many(session, [s.row for s in found])
    assigned = await repository.assigned_counts(session, round_id=round_row.id)
    return [
        PoolMember(
            examiner=examiner, capacity=s.row.capacity,
            manager_approval=ManagerApproval(manager_subject_id=s.row.manager_subject_id, approved_on=s.row.manager_approved_on)
            if s.row.manager_approved_on else None,
            experienced=s.experienced, assignable=s.assignable, reasons=s.reasons, assigned=assigned.get(s.row.examiner_id, 0),
        )
        for s, examiner in zip(found, examiners)
    ]
