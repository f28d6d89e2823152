"""Rules of lex Sarah cases: the state machine, the law's clock, the investigation record, the reporter.

reported → received (protective measures at once; a private provider informs the ordering
committee) → under_investigation → assessed (by someone other than the investigator) →
ivo_notified (when serious; an early notice may come during the investigation) → followed_up
(preventive actions) → closed. A step out of order is refused with 409, nothing changed.

The audit log gets an entry for every change and every read of a case, with the case's SHA-256
and status, never its contents: the log is read by internal auditors, who are not officers.
"""

import dataclasses
import hashlib
import uuid
from datetime import date, timedelta

import orjson
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.orgtree import stockholm_today
from servicekit.problems import ProblemError

from audit import access
from audit.auditlog import service as log
from audit.lex_sarah import repository
from audit.lex_sarah.crypto import cipher
from audit.lex_sarah.protection import require_officer_of
from audit.lex_sarah.schemas import (
    SERIOUS,
    Case,
    CaseSummary,
    Closure,
    FollowUp,
    InvestigationStart,
    IvoNotice,
    LegalReference,
    LegalReferenceInput,
    OverdueFlag,
    Reception,
    RecordEntry,
    RecordEntryInput,
    ReportInput,
    ReportReceipt,
    Reporter,
    Routine,
    RoutineDays,
    SeriousnessDecision,
    Status,
    TimeWord,
    Topic,
)

ENTITY = "lex_sarah_case"
# Days behind each time word until the committee sets its own routine (decisions.md, "Audit: lex Sarah").
DEFAULT_DAYS = RoutineDays(genast=1, omedelbart=1, utan_drojsmal=3, skyndsamt=28, snarast=7)
# The step a case waits for, the time word that sets its deadline, and the date it counts from.
CLOCK = {
    Status.reported: (Status.received, TimeWord.omedelbart, "reported_on"),
    Status.received: (Status.under_investigation, TimeWord.utan_drojsmal, "received_on"),
    Status.under_investigation: (Status.assessed, TimeWord.skyndsamt, "investigation_started_on"),
}
CONTRACTOR = "contractor"


def digest(value: BaseModel | dict) -> str:
    """SHA-256 of a record's canonical JSON: what the audit log keeps instead of the contents."""
    data = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()


# --- the clock -----------------------------------------------------------------------------------


async def routine_days(session: AsyncSession, committee_id: uuid.UUID) -> tuple[RoutineDays, int]:
    row = await repository.routine_of(session, committee_id)
    return (RoutineDays(**row.days), row.revision) if row else (DEFAULT_DAYS, 0)


def clock(row, days: RoutineDays, *, today: date) -> OverdueFlag | None:
    """The pending step's deadline; an IVO notice for a serious case counts snarast from the assessment."""
    status = Status(row.status)
    if status == Status.assessed and row.seriousness in SERIOUS and row.ivo_notified_on is None:
        pending = (Status.ivo_notified, TimeWord.snarast, "assessed_on")
    else:
        pending = CLOCK.get(status)
    if pending is None:
        return None
    step, word, since = pending
    due = getattr(row, since) + timedelta(days=getattr(days, word.value))
    return OverdueFlag(next_step=step, time_word=word, due_on=due, overdue=today > due)


# --- rendering -----------------------------------------------------------------------------------


async def summary(session: AsyncSession, row, *, days: RoutineDays | None = None) -> CaseSummary:
    days = days or (await routine_days(session, row.committee_id))[0]
    fields = {name: getattr(row, name) for name in CaseSummary.model_fields if name not in ("clock", "reported_late")}
    late = (row.reported_on - row.occurred_on).days > days.genast
    return CaseSummary(**fields, reported_late=late, clock=clock(row, days, today=stockholm_today()))


async def render(session: AsyncSession, row) -> Case:
    base = (await summary(session, row)).model_dump()
    references = [LegalReference(**dict(ref._mapping)) for ref in await repository.references(session, row.legal_reference_ids)]
    record = [
        RecordEntry(**{name: getattr(entry, name) for name in RecordEntry.model_fields})
        for entry in await repository.entries_of(session, row.id)
    ]
    detail = {name: getattr(row, name) for name in Case.model_fields if name not in base and name not in ("legal_references", "record")}
    return Case(**base, **detail, legal_references=references, record=record)


# --- reading -------------------------------------------------------------------------------------


async def require(session: AsyncSession, case_id: uuid.UUID, *, lock: bool = False):
    row = await repository.get(session, case_id, lock=lock)
    if row is None:
        raise ProblemError(404, f"No lex Sarah case {case_id}.", kind="lex-sarah-case-not-found")
    return row


async def read(session: AsyncSession, principal: Principal, *, case_id: uuid.UUID) -> Case:
    row = await require(session, case_id)
    await require_officer_of(session, principal, row.committee_id)
    case = await render(session, row)
    await _log(session, principal, "lex_sarah.case.read", row, None, {"sha256": digest(case)})
    return case


async def read_reporter(session: AsyncSession, principal: Principal, *, case_id: uuid.UUID) -> Reporter:
    row = await require(session, case_id)
    await require_officer_of(session, principal, row.committee_id)
    sealed = await repository.reporter_of(session, case_id)
    reporter = Reporter(case_id=case_id, reporter=cipher().open(sealed.sealed))
    await _log(session, principal, "lex_sarah.reporter.read", row, None, {"sha256": digest(reporter)})
    return reporter


async def _log(session, principal: Principal, action: str, row, before: BaseModel | None, after: BaseModel | dict) -> None:
    def fingerprint(value):
        if value is None or isinstance(value, dict):
            return value
        return {"status": value.status, "revision": value.revision, "sha256": digest(value)}

    await log.append(
        session, principal, action=action, entity_type=ENTITY, entity_id=row.id, committee_id=row.committee_id,
        before=fingerprint(before), after=fingerprint(after),
    )


# --- reporting -----------------------------------------------------------------------------------


async def report(session: AsyncSession, principal: Principal, *, data: ReportInput) -> ReportReceipt:
    """Anyone with a staff token reports; an officer of the committee may register a report for someone else."""
    reported_on = data.reported_on or stockholm_today()
    if data.occurred_on > reported_on:
        raise ProblemError(422, "occurred_on cannot be after the day of the report.", kind="invalid-dates")
    on = await access.recorded_date(session, unit_ids=[data.unit_id], on=reported_on)
    committee = await access.require_committee(session, unit_id=data.unit_id, as_of=on)
    if data.reporter is not None:
        await require_officer_of(session, principal, committee)
    references = await repository.references_in_force(session, reported_on)
    case_id = uuid.uuid4()
    await repository.insert_case(session, {
        "id": case_id, "committee_id": committee, "unit_id": data.unit_id,
        "private_provider": await repository.unit_type(session, unit_id=data.unit_id, on=on) == CONTRACTOR,
        "area": data.area.value, "status": Status.reported.value, "occurred_on": data.occurred_on, "reported_on": reported_on,
        "description": data.description, "registered_by_officer": data.reporter is not None,
        "legal_reference_ids": [str(ref.id) for ref in references], "revision": 1,
    })
    seal = cipher()
    await repository.insert_reporter(
        session, case_id=case_id, sealed=seal.seal(data.reporter or principal.subject), key_id=seal.current_key_id,
    )
    row = await require(session, case_id)
    # A reporter reporting for themselves is not named in the log either: the entry's actor is a pseudonym.
    actor = principal if data.reporter is not None else dataclasses.replace(principal, subject="lex-sarah-reporter")
    await _log(session, actor, "lex_sarah.case.reported", row, None, await render(session, row))
    return ReportReceipt(id=case_id, reported_on=reported_on, status=Status.reported)


# --- the steps -----------------------------------------------------------------------------------


def _require_status(row, *allowed: Status, step: str) -> None:
    if Status(row.status) not in allowed:
        raise ProblemError(
            409, f"The case is {row.status}; {step} needs it to be {' or '.join(allowed)}. Steps cannot be skipped.",
            kind="lex-sarah-step-out-of-order", current_status=row.status,
        )


def _not_before(day: date, earlier: date | None, what: str) -> None:
    if earlier is not None and day < earlier:
        raise ProblemError(422, f"The date cannot be before {what} ({earlier}).", kind="invalid-dates")


async def _step(session: AsyncSession, principal: Principal, row, action: str, values: dict) -> Case:
    """Apply a step the caller (already checked as the committee's officer) may take; logged as hashes."""
    before = await render(session, row)
    await repository.update_case(session, row.id, values | {"revision": row.revision + 1})
    after = await render(session, await require(session, row.id))
    await _log(session, principal, action, row, before, after)
    return after


async def receive(session: AsyncSession, principal: Principal, *, row, data: Reception) -> Case:
    await require_officer_of(session, principal, row.committee_id)
    _require_status(row, Status.reported, step="receiving the report")
    _not_before(data.received_on, row.reported_on, "the report")
    if row.private_provider and data.ordering_committee_informed_on is None:
        raise ProblemError(
            422, "A private provider must inform the ordering committee at once: give ordering_committee_informed_on.",
            kind="ordering-committee-not-informed",
        )
    return await _step(session, principal, row, "lex_sarah.case.received", {
        "status": Status.received.value, "received_on": data.received_on, "protective_measures": data.protective_measures,
        "ordering_committee_informed_on": data.ordering_committee_informed_on,
    })


async def start_investigation(session: AsyncSession, principal: Principal, *, row, data: InvestigationStart) -> Case:
    await require_officer_of(session, principal, row.committee_id)
    _require_status(row, Status.received, step="starting the investigation")
    _not_before(data.started_on, row.received_on, "the reception")
    return await _step(session, principal, row, "lex_sarah.case.investigation_started", {
        "status": Status.under_investigation.value, "investigation_started_on": data.started_on,
        "investigator_subject": data.investigator_subject,
    })


async def add_entry(session: AsyncSession, principal: Principal, *, row, data: RecordEntryInput) -> Case:
    await require_officer_of(session, principal, row.committee_id)
    _require_status(row, Status.under_investigation, step="writing in the investigation record")
    before = await render(session, row)
    await repository.insert_entry(session, data.model_dump() | {
        "id": uuid.uuid4(), "case_id": row.id, "author_subject": principal.subject,
    })
    await repository.update_case(session, row.id, {"revision": row.revision + 1})
    after = await render(session, await require(session, row.id))
    await _log(session, principal, "lex_sarah.case.record_entry_added", row, before, after)
    return after


async def decide(session: AsyncSession, principal: Principal, *, row, data: SeriousnessDecision) -> Case:
    await require_officer_of(session, principal, row.committee_id)
    _require_status(row, Status.under_investigation, step="the decision on seriousness")
    if principal.subject == row.investigator_subject:
        raise ProblemError(
            403, "The investigator may not decide on the seriousness of their own investigation; another officer decides.",
            kind="investigator-decides",
        )
    _not_before(data.decided_on, row.investigation_started_on, "the start of the investigation")
    covered = {entry.topic for entry in await repository.entries_of(session, row.id)}
    missing = [topic.value for topic in Topic if topic.value not in covered]
    if missing:
        raise ProblemError(
            422, f"The investigation record does not yet cover: {', '.join(missing)}.", kind="investigation-incomplete",
            missing_topics=missing,
        )
    serious = data.seriousness in SERIOUS
    status = Status.ivo_notified if serious and row.ivo_notified_on is not None else Status.assessed
    return await _step(session, principal, row, "lex_sarah.case.assessed", {
        "status": status.value, "seriousness": data.seriousness.value, "seriousness_reason": data.reason,
        "assessed_by": principal.subject, "assessed_on": data.decided_on,
    })


async def notify_ivo(session: AsyncSession, principal: Principal, *, row, data: IvoNotice) -> Case:
    await require_officer_of(session, principal, row.committee_id)
    if row.ivo_notified_on is not None:
        raise ProblemError(409, f"IVO was already notified on {row.ivo_notified_on}.", kind="ivo-already-notified")
    if data.early:
        _require_status(row, Status.under_investigation, step="an early IVO notice (the investigation continuing)")
        _not_before(data.notified_on, row.investigation_started_on, "the start of the investigation")
        status = Status.under_investigation
    else:
        _require_status(row, Status.assessed, step="notifying IVO")
        _not_before(data.notified_on, row.assessed_on, "the assessment")
        if row.seriousness not in SERIOUS and not data.reason:
            raise ProblemError(
                422, "The case was assessed not serious: give the reason for notifying IVO anyway.", kind="ivo-notice-without-reason",
            )
        status = Status.ivo_notified
    return await _step(session, principal, row, "lex_sarah.case.ivo_notified", {
        "status": status.value, "ivo_notified_on": data.notified_on, "ivo_reference": data.reference,
        "ivo_early": data.early, "ivo_reason": data.reason,
    })


async def follow_up(session: AsyncSession, principal: Principal, *, row, data: FollowUp) -> Case:
    await require_officer_of(session, principal, row.committee_id)
    _require_status(row, Status.assessed, Status.ivo_notified, step="following up the preventive actions")
    if row.seriousness in SERIOUS and row.ivo_notified_on is None:
        raise ProblemError(
            409, "The case was assessed serious: IVO must be notified before the follow-up.", kind="lex-sarah-step-out-of-order",
            current_status=row.status,
        )
    _not_before(data.followed_up_on, row.assessed_on, "the assessment")
    return await _step(session, principal, row, "lex_sarah.case.followed_up", {
        "status": Status.followed_up.value, "followed_up_on": data.followed_up_on,
        "preventive_actions": [action.model_dump() for action in data.actions],
    })


async def close(session: AsyncSession, principal: Principal, *, row, data: Closure) -> Case:
    await require_officer_of(session, principal, row.committee_id)
    _require_status(row, Status.followed_up, step="closing the case")
    _not_before(data.closed_on, row.followed_up_on, "the follow-up")
    return await _step(session, principal, row, "lex_sarah.case.closed", {"status": Status.closed.value, "closed_on": data.closed_on})


# --- routines ------------------------------------------------------------------------------------


async def require_committee_unit(session: AsyncSession, committee_id: uuid.UUID) -> None:
    if await access.committee_of(session, unit_id=committee_id, as_of=stockholm_today()) != committee_id:
        raise ProblemError(422, f"{committee_id} is not a committee (nämnd) in effect today.", kind="not-a-committee")


async def routine(session: AsyncSession, principal: Principal, *, committee_id: uuid.UUID) -> Routine:
    await require_officer_of(session, principal, committee_id)
    days, revision = await routine_days(session, committee_id)
    return Routine(committee_id=committee_id, days=days, is_default=revision == 0, revision=revision)


async def set_routine(session: AsyncSession, principal: Principal, *, committee_id: uuid.UUID, days: RoutineDays) -> Routine:
    await require_committee_unit(session, committee_id)
    await require_officer_of(session, principal, committee_id)
    before = await routine(session, principal, committee_id=committee_id)
    await repository.save_routine(session, committee_id=committee_id, days=days.model_dump(), revision=before.revision + 1)
    after = Routine(committee_id=committee_id, days=days, is_default=False, revision=before.revision + 1)
    # The routine is the committee's official rule, not case contents: logged in full.
    await log.append(session, principal, action="lex_sarah.routine.set", entity_type="lex_sarah_routine", entity_id=committee_id,
                     committee_id=committee_id, before=before, after=after)
    return after



# --- legal references ----------------------------------------------------------------------------


async def add_legal_reference(session: AsyncSession, principal: Principal, *, data: LegalReferenceInput) -> LegalReference:
    """A new version of a provision (an amended act, a corrected section); cases keep the version of their day."""
    closed = await repository.close_reference(session, topic=data.topic, on=data.valid_from)
    reference = LegalReference(id=uuid.uuid4(), valid_to=None, **data.model_dump())
    await repository.insert_reference(session, reference.model_dump())
    await log.append(session, principal, action="lex_sarah.legal_reference.added", entity_type="lex_sarah_legal_reference",
                     entity_id=reference.id, committee_id=None, before={"ended": [str(ref) for ref in closed]}, after=reference)
    return reference
