"""Applications: drafted and submitted by the unit's manager while the round is open, locked at submission.

Submission needs an answer to every question of the rubric version applied to, freezes the
evidence read from goals' events into the application, and publishes
``awards.application.submitted`` (ids and figures only).
"""

import uuid
from datetime import UTC, datetime

from contracts.awards import APPLICATION_SUBMITTED, SCHEMA_VERSION, ApplicationSubmitted, RoundPhase
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.events.outbox import EventPublisher
from servicekit.orgtree import get_unit_state, render_unit, stockholm_today
from servicekit.problems import ProblemError

from awards.access import reads_everything, unit_in_scope
from awards.applications import repository
from awards.applications.schemas import Application, ApplicationChange, ApplicationCreate
from awards.evidence.snapshot import snapshot
from awards.models import org_tables
from awards.rounds import service as rounds
from awards.rubrics import repository as rubrics
from awards.rubrics.schemas import question_numbers

events = EventPublisher("awards")
# Staff roles that read their own scope's applications (a unit its own; a controller their committee's units).
SCOPED_READ_ROLES = frozenset({"unit_manager", "controller", "committee"})


async def _questions(session: AsyncSession, row: Row) -> list[str]:
    rubric = await rubrics.get_version(session, round_id=row.round_id, version=row.rubric_version)
    return question_numbers(rubric.areas)


async def render(session: AsyncSession, row: Row) -> Application:
    questions = await _questions(session, row)
    round_row = await rounds.get_round(session, round_id=row.round_id)
    state = await get_unit_state(session, org_tables, unit_id=row.unit_id)
    return Application(
        id=row.id, round_id=row.round_id, unit_id=row.unit_id,
        unit_name=render_unit(state, rounds.application_deadline(round_row)).name if state else None,
        status=row.status, sector=row.sector, rubric_version=row.rubric_version, answers=row.answers,
        introductions=row.introductions, attachments=row.attachments,
        answered_questions=sum(q in row.answers for q in questions),
        missing_questions=[q for q in questions if q not in row.answers],
        evidence=row.evidence | {"frozen": True} if row.evidence is not None else None, eligibility=row.eligibility,
        revision=row.revision,
        created_at=row.created_at, submitted_at=row.submitted_at,
    )


async def can_read(session: AsyncSession, principal: Principal, row: Row) -> bool:
    if reads_everything(principal):
        return True
    if principal.actor_kind != "staff":
        return False
    if principal.roles & SCOPED_READ_ROLES and await unit_in_scope(session, principal, row.unit_id):
        return True
    return "examiner" in principal.roles and await repository.is_assigned(session, application_id=row.id, subject=principal.subject)


async def visible_application(session: AsyncSession, principal: Principal, *, application_id: uuid.UUID, lock: bool = False) -> Row:
    """The application if the caller may see it; 404 otherwise, so its existence does not leak."""
    row = await repository.get_application(session, application_id=application_id, lock=lock)
    if row is None or not await can_read(session, principal, row):
        raise ProblemError(404, f"No application {application_id}.", kind="application-not-found")
    return row


async def _require_applicant(session: AsyncSession, principal: Principal, unit_id: uuid.UUID) -> None:
    """The unit's manager applies (an admin may act for anyone); nobody else writes an application."""
    if principal.actor_kind == "staff" and "admin" in principal.roles:
        return
    if principal.actor_kind == "staff" and "unit_manager" in principal.roles and await unit_in_scope(session, principal, unit_id):
        return
    raise ProblemError(403, "Only the applying unit's manager (unit_manager in its scope) writes its application.", kind="forbidden")


def _require_open(round_row: Row) -> None:
    rounds.require_phase(round_row, RoundPhase.open_for_applications, action="Applications are written")
    deadline = rounds.application_deadline(round_row)
    if stockholm_today() > deadline:
        raise ProblemError(
            409, f"The application deadline was {deadline}; the round no longer takes applications.",
            kind="application-deadline-passed", deadline=deadline.isoformat(),
        )


def _check_questions(numbers: list[str], *, answers: dict, introductions: dict, attachments: list[dict], areas: list[dict]) -> None:
    unknown = sorted(set(answers) - set(numbers))
    unknown += sorted(a["question_number"] for a in attachments if a.get("question_number") and a["question_number"] not in numbers)
    if unknown:
        raise ProblemError(422, f"The rubric has no questions {', '.join(unknown)}.", kind="unknown-questions", questions=unknown)
    areas_known = {str(area["number"]) for area in areas}
    strangers = sorted(set(introductions) - areas_known)
    if strangers:
        raise ProblemError(422, f"The rubric has no areas {', '.join(strangers)}.", kind="unknown-areas", areas=strangers)


async def create_application(session: AsyncSession, principal: Principal, *, round_id: uuid.UUID, data: ApplicationCreate) -> Row:
    await _require_applicant(session, principal, data.unit_id)
    round_row = await rounds.lock_round(session, round_id=round_id)  # serialises with rubric edits
    _require_open(round_row)
    state = await get_unit_state(session, org_tables, unit_id=data.unit_id)
    if state is None or render_unit(state, stockholm_today()).status != "active":
        raise ProblemError(422, f"No organisation unit {data.unit_id} in effect today.", kind="unit-not-found")
    if await repository.find_for_unit(session, round_id=round_id, unit_id=data.unit_id) is not None:
        raise ProblemError(409, "The unit already has an application in this round.", kind="application-exists")
    rubric = await rubrics.get_version(session, round_id=round_id)
    attachments = [a.model_dump(mode="json") for a in data.attachments]
    _check_questions(question_numbers(rubric.areas), answers=data.answers, introductions=data.introductions,
                     attachments=attachments, areas=rubric.areas)
    return await repository.insert_application(
        session, id=uuid.uuid4(), revision=1, round_id=round_id, unit_id=data.unit_id, status="draft",
        rubric_version=rubric.version, sector=data.sector.value if data.sector else None, answers=data.answers,
        introductions=data.introductions, attachments=attachments, created_by=principal.subject,
    )


def _require_draft(row: Row) -> None:
    if row.status != "draft":
        raise ProblemError(409, "The application is submitted and locked.", kind="application-locked")


async def change_application(session: AsyncSession, principal: Principal, *, row: Row, change: ApplicationChange) -> Row:
    await _require_applicant(session, principal, row.unit_id)
    _require_draft(row)
    _require_open(await rounds.get_round(session, round_id=row.round_id))
    values: dict = {}
    answers, introductions, attachments = dict(row.answers), dict(row.introductions), list(row.attachments)
    for target, given in ((answers, change.answers), (introductions, change.introductions)):
        for key, text in (given or {}).items():
            if text is None:
                target.pop(key, None)
            else:
                target[key] = text
    if change.attachments is not None:
        attachments = [a.model_dump(mode="json") for a in change.attachments]
    rubric = await rubrics.get_version(session, round_id=row.round_id, version=row.rubric_version)
    _check_questions(question_numbers(rubric.areas), answers=answers, introductions=introductions,
                     attachments=attachments, areas=rubric.areas)
    if "sector" in change.model_fields_set:
        values["sector"] = change.sector.value if change.sector else None
    return await repository.update_application(
        session, application_id=row.id, revision=row.revision + 1, answers=answers, introductions=introductions,
        attachments=attachments, **values,
    )


async def submit_application(session: AsyncSession, principal: Principal, *, row: Row) -> Row:
    await _require_applicant(session, principal, row.unit_id)
    _require_draft(row)
    round_row = await rounds.get_round(session, round_id=row.round_id)
    _require_open(round_row)
    questions = await _questions(session, row)
    missing = [q for q in questions if q not in row.answers]
    if missing:
        raise ProblemError(
            422, f"Every question needs an answer before submission; missing {', '.join(missing)}.",
            kind="answers-missing", missing_questions=missing,
        )
    evidence = await snapshot(session, unit_id=row.unit_id, year=round_row.year)
    submitted_at = datetime.now(UTC)
    updated = await repository.update_application(
        session, application_id=row.id, revision=row.revision + 1, status="submitted", evidence=evidence,
        submitted_at=submitted_at, submitted_by=principal.subject,
    )
    commitments = evidence["commitments"]
    await events.record(
        session, type=APPLICATION_SUBMITTED, subject=str(row.id), schema_version=SCHEMA_VERSION,
        data=ApplicationSubmitted(
            application_id=row.id, round_id=row.round_id, prize=round_row.prize, year=round_row.year, unit_id=row.unit_id,
            rubric_version=row.rubric_version, submitted_at=submitted_at, questions=len(questions),
            answered_questions=len(questions), attachments=len(row.attachments), evidence_commitments=len(commitments),
            evidence_follow_ups=sum(c["latest_follow_up"] is not None for c in commitments),
        ),
    )
    return updated


async def live_evidence(session: AsyncSession, *, row: Row) -> dict:
    """The frozen evidence of a submitted application; for a draft what submission would freeze now."""
    if row.evidence is not None:
        return row.evidence | {"frozen": True}
    round_row = await rounds.get_round(session, round_id=row.round_id)
    return await snapshot(session, unit_id=row.unit_id, year=round_row.year) | {"frozen": False}


def list_filters(principal: Principal) -> tuple[bool, list[uuid.UUID], str | None]:
    """(sees everything, organisation scope roots, examiner subject) for the list query."""
    if reads_everything(principal):
        return True, [], None
    if principal.actor_kind != "staff":
        return False, [], None
    roots = []
    if principal.roles & SCOPED_READ_ROLES:
        for unit in principal.org_scope:
            try:
                roots.append(uuid.UUID(unit))
            except ValueError:
                continue
    return False, roots, principal.subject if "examiner" in principal.roles else None
