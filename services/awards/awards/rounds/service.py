"""Rounds: creation with the prize's rubric and rules, deadlines, and the forward-only phase machine.

Every phase change is recorded (who, when) and published as ``awards.round.phase-changed``
carrying the round's full state, in the request's transaction.
"""

import uuid
from datetime import UTC, date, datetime

from contracts.awards import (
    ROUND_PHASE_CHANGED,
    SCHEMA_VERSION,
    Prize,
    RoundPhase,
    RoundPhaseChanged,
    RoundState,
)
from pydantic import TypeAdapter
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.events.outbox import EventPublisher
from servicekit.orgtree import stockholm_today
from servicekit.problems import ProblemError

from awards.applications import repository as applications
from awards.assignment import repository as assignment
from awards.eligibility.rules import DEFAULT_RULES, EligibilityRule
from awards.rounds import phases, repository
from awards.rounds.phases import ORDER, Condition
from awards.rounds.schemas import ExitCondition, ExitConditions, PhaseChange, Round, RoundChange, RoundCreate
from awards.rubrics import repository as rubrics
from awards.rubrics import service as rubric_service
from awards.rubrics.defaults import DEFAULT_AREAS
from awards.rubrics.schemas import RubricIn

events = EventPublisher("awards")
PRIZE_NAMES = {Prize.quality_award: "Kvalitetsutmärkelsen", Prize.renewal_prize: "Förnyelsepriset"}
_RULES = TypeAdapter(list[EligibilityRule])


def deadlines_of(row: Row) -> dict[RoundPhase, date]:
    return {RoundPhase(phase): date.fromisoformat(day) for phase, day in row.deadlines.items()}


def application_deadline(row: Row) -> date:
    return deadlines_of(row)[RoundPhase.open_for_applications]


def rules_of(row: Row) -> list:
    return _RULES.validate_python(row.eligibility_rules)


async def lock_round(session: AsyncSession, *, round_id: uuid.UUID) -> Row:
    row = await repository.get_round(session, round_id=round_id, lock=True)
    if row is None:
        raise ProblemError(404, f"No round {round_id}.", kind="round-not-found")
    return row


async def get_round(session: AsyncSession, *, round_id: uuid.UUID) -> Row:
    row = await repository.get_round(session, round_id=round_id)
    if row is None:
        raise ProblemError(404, f"No round {round_id}.", kind="round-not-found")
    return row


async def list_rounds(session: AsyncSession, *, prize: Prize | None, year: int | None, after, limit: int) -> list[Row]:
    return await repository.list_rounds(session, prize=prize, year=year, after=after, limit=limit)


async def touch(session: AsyncSession, *, row: Row) -> Row:
    """A new revision of the round (its rubric changed), so a stale If-Match is caught."""
    return await repository.update_round(session, round_id=row.id, revision=row.revision + 1)


async def render(session: AsyncSession, row: Row) -> Round:
    phase = RoundPhase(row.phase)
    history = await repository.phase_history(session, round_id=row.id)
    return Round(
        id=row.id, prize=row.prize, year=row.year, name=row.name, phase=phase, phase_sv=phases.SWEDISH[phase],
        next_phase=phases.next_phase(phase), deadlines=deadlines_of(row), eligibility_rules=rules_of(row),
        rubric_version=await rubrics.latest_version(session, round_id=row.id), revision=row.revision,
        created_at=row.created_at,
        phase_history=[
            PhaseChange(from_phase=h.from_phase, to_phase=h.to_phase, changed_at=h.changed_at, changed_by=h.changed_by)
            for h in history
        ],
    )


async def create_round(session: AsyncSession, *, data: RoundCreate, recorded_by: str) -> Row:
    if await repository.find_round(session, prize=data.prize, year=data.year) is not None:
        raise ProblemError(409, f"{PRIZE_NAMES[data.prize]} {data.year} already has a round.", kind="round-exists")
    rules = data.eligibility_rules if data.eligibility_rules is not None else DEFAULT_RULES[data.prize]
    row = await repository.insert_round(
        session,
        id=uuid.uuid4(), revision=1, prize=data.prize.value, year=data.year,
        name=data.name or f"{PRIZE_NAMES[data.prize]} {data.year}",
        phase=RoundPhase.open_for_applications.value,
        deadlines={phase.value: day.isoformat() for phase, day in data.deadlines.items()},
        eligibility_rules=[rule.model_dump(mode="json") for rule in rules],
    )
    rubric = data.rubric or RubricIn.model_validate({"areas": DEFAULT_AREAS[data.prize]})
    await rubric_service.add_version(session, round_id=row.id, rubric=rubric, recorded_by=recorded_by)
    return row


async def change_round(session: AsyncSession, *, row: Row, change: RoundChange) -> Row:
    phase = RoundPhase(row.phase)
    values: dict = {}
    if change.name is not None:
        values["name"] = change.name
    if change.eligibility_rules is not None:
        if phase != RoundPhase.open_for_applications:
            raise ProblemError(
                409, f"Eligibility rules can change only while the round is open for applications; it is in {phase}.",
                kind="round-phase-closed", phase=phase,
            )
        values["eligibility_rules"] = [rule.model_dump(mode="json") for rule in change.eligibility_rules]
    if change.deadlines is not None:
        await _check_deadline_change(session, row=row, new=change.deadlines)
        values["deadlines"] = {p.value: day.isoformat() for p, day in change.deadlines.items()}
    return await repository.update_round(session, round_id=row.id, revision=row.revision + 1, **values)


async def _check_deadline_change(session: AsyncSession, *, row: Row, new: dict[RoundPhase, date]) -> None:
    old, phase = deadlines_of(row), RoundPhase(row.phase)
    passed = [p for p in ORDER[: ORDER.index(phase)] if new[p] != old[p]]
    if passed:
        raise ProblemError(
            409, f"The phases {', '.join(passed)} are over; their deadlines are history and cannot change.",
            kind="deadline-of-past-phase", phases=passed,
        )
    deadline = new[RoundPhase.open_for_applications]
    if phase == RoundPhase.open_for_applications and deadline < stockholm_today():
        drafts = await applications.count_for_round(session, round_id=row.id, status="draft")
        if drafts:
            raise ProblemError(
                409, f"{drafts} applications are still drafts; moving the application deadline to {deadline}, "
                "in the past, would shut them out.",
                kind="deadline-shuts-out-drafts", drafts=drafts,
            )


async def exit_conditions(session: AsyncSession, *, row: Row) -> ExitConditions:
    phase = RoundPhase(row.phase)
    today = stockholm_today()
    if phase == RoundPhase.open_for_applications:
        conditions = await _open_conditions(session, row, today)
    elif phase == RoundPhase.eligibility:
        conditions = await _eligibility_conditions(session, row, today)
    else:  # every phase from individual assessment on, the last one included (it only reports)
        conditions = await phases.EXAMINATION_EXIT_CONDITIONS[phase](session, row, today)
    following = phases.next_phase(phase)
    return ExitConditions(
        round_id=row.id, phase=phase, next_phase=following,
        can_move=following is not None and all(c.met for c in conditions),
        conditions=[ExitCondition(key=c.key, met=c.met, explanation=c.explanation) for c in conditions],
    )


async def _open_conditions(session: AsyncSession, row: Row, today: date) -> list[Condition]:
    deadline = application_deadline(row)
    submitted = await applications.count_for_round(session, round_id=row.id, status="submitted")
    drafts = await applications.count_for_round(session, round_id=row.id, status="draft")
    return [
        Condition(
            "application-deadline-passed", today > deadline,
            f"The application deadline {deadline} has passed." if today > deadline
            else f"Units may apply until {deadline} (today is {today}).",
        ),
        Condition(
            "applications-submitted", submitted > 0,
            f"{submitted} applications are submitted" + (f"; {drafts} drafts were not submitted and will not be examined." if drafts else ".")
            if submitted else "No application has been submitted.",
        ),
    ]


async def _eligibility_conditions(session: AsyncSession, row: Row, today: date) -> list[Condition]:
    submitted = await applications.submitted_eligibility(session, round_id=row.id)
    unchecked = [a.id for a in submitted if a.eligibility is None]
    eligible = {a.id for a in submitted if a.eligibility is not None and a.eligibility["eligible"]}
    plan = await assignment.get_plan(session, round_id=row.id)
    teams = set(await assignment.applications_with_teams(session, round_id=row.id)) if plan else set()
    confirmed = plan is not None and plan.status == "confirmed"
    return [
        Condition(
            "eligibility-checked", not unchecked,
            f"All {len(submitted)} submitted applications have been checked for eligibility." if not unchecked
            else f"{len(unchecked)} submitted applications have not been checked for eligibility.",
        ),
        Condition(
            "eligible-applications", bool(eligible),
            f"{len(eligible)} applications are eligible." if eligible else "No application is eligible.",
        ),
        Condition(
            "teams-confirmed", confirmed and teams == eligible and bool(eligible),
            "Every eligible application has a confirmed examiner team." if confirmed and teams == eligible
            else "The examiner teams are not confirmed." if not confirmed
            else f"The confirmed teams cover {len(teams & eligible)} of {len(eligible)} eligible applications "
            f"and {len(teams - eligible)} that are not eligible; propose again.",
        ),
    ]


async def move_phase(session: AsyncSession, *, row: Row, to: RoundPhase, recorded_by: str) -> Row:
    current = RoundPhase(row.phase)
    if ORDER.index(to) <= ORDER.index(current):
        raise ProblemError(
            409, f"The round is in {current}; a phase moves only forward, never back to {to} or to itself.",
            kind="phase-backwards", phase=current,
        )
    following = phases.next_phase(current)
    if to != following:
        raise ProblemError(
            422, f"The round is in {current}; its next phase is {following}, and no phase is skipped.",
            kind="phase-skipped", phase=current, next_phase=following,
        )
    conditions = await exit_conditions(session, row=row)
    if not conditions.can_move:
        unmet = [c for c in conditions.conditions if not c.met]
        raise ProblemError(
            409, "The phase's exit conditions do not hold: " + " ".join(c.explanation for c in unmet),
            kind="exit-conditions-not-met", unmet=[c.model_dump() for c in unmet],
        )
    changed_at = datetime.now(UTC)
    updated = await repository.update_round(session, round_id=row.id, revision=row.revision + 1, phase=to.value)
    await repository.record_phase_change(
        session, round_id=row.id, from_phase=current.value, to_phase=to.value, changed_at=changed_at, changed_by=recorded_by,
    )
    state = RoundState(
        id=row.id, revision=updated.revision, prize=row.prize, year=row.year, phase=to, deadlines=deadlines_of(row),
        rubric_version=await rubrics.latest_version(session, round_id=row.id),
    )
    await events.record(
        session, type=ROUND_PHASE_CHANGED, subject=str(row.id), schema_version=SCHEMA_VERSION,
        data=RoundPhaseChanged(round=state, from_phase=current, to_phase=to, changed_at=changed_at),
    )
    return updated


def require_phase(row: Row, *allowed: RoundPhase, action: str) -> None:
    phase = RoundPhase(row.phase)
    if phase not in allowed:
        raise ProblemError(
            409, f"{action} only in {', '.join(allowed)}; the round is in {phase} ({phases.SWEDISH[phase]}).",
            kind="round-phase-closed", phase=phase,
        )
