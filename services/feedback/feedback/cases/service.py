"""Rules of cases: intake and routing, the lifecycle, transfers, redaction, legal hold, the resident.

Every change locks the case row, checks the rule, writes the new state with a higher revision,
records who/when/why in the history, and records the event, all in the request's transaction.
"""

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace

import orjson

from contracts.feedback import (
    CASE_ACKNOWLEDGED,
    CASE_ANSWERED,
    CASE_CLOSED,
    CASE_RECEIVED,
    CASE_REOPENED,
    CaseStatus,
)
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import idempotency
from servicekit.assertion import Principal
from servicekit.idempotency import IdempotencyClaim, StoredReply
from servicekit.orgtree import stockholm_today
from servicekit.problems import ProblemError

from feedback import access, organisation
from feedback.cases import events, lifecycle, repository
from feedback.cases.schemas import CaseCreate, LegalHoldSet, RatingSet, RedactionRequest, TransferRequest, TransitionRequest
from feedback.cases.tokens import derive_token, token_digest
from feedback.categories import service as categories
from feedback.config import FeedbackSettings
from feedback.contacts import service as contacts
from feedback.contacts.crypto import ContactCipher
from feedback.contacts.schemas import ContactView, Privacy
from feedback.deadlines.calendar import stockholm_date
from feedback.deadlines.repository import ANY_CATEGORY
from feedback.deadlines.service import deadlines_from_rule
from feedback.guarantees import repository as guarantee_repository
from feedback.repeats.detection import CANDIDATE_LIMIT, OPEN_STATUSES, possible_repeat
from feedback.repeats.detection import window as repeat_window

REDACTED = "[borttaget]"
EARLIEST_RECEIPT = datetime(2000, 1, 1, tzinfo=UTC)
S = CaseStatus


@dataclass(frozen=True)
class Intake:
    """What the service needs from settings to take a case in."""

    cipher: ContactCipher
    token_key: bytes
    default_acknowledge_days: int
    default_answer_days: int
    repeat_window_days: int
    repeat_threshold: float

    @classmethod
    def from_settings(cls, settings: FeedbackSettings) -> "Intake":
        return cls(
            cipher=ContactCipher(settings.contact_key_list()), token_key=settings.token_key(),
            default_acknowledge_days=settings.default_acknowledge_days, default_answer_days=settings.default_answer_days,
            repeat_window_days=settings.repeat_window_days, repeat_threshold=settings.repeat_threshold,
        )


def _not_found(case_id) -> ProblemError:
    return ProblemError(404, f"No case {case_id}.", kind="case-not-found")


def _received_at(principal: Principal, data: CaseCreate, now: datetime) -> datetime:
    if data.received_at is None:
        return now
    if principal.actor_kind not in ("staff", "system"):
        raise ProblemError(422, "Only staff and systems register a case as received earlier.", kind="invalid-received-at")
    if data.received_at.tzinfo is None:
        raise ProblemError(422, "received_at needs a time-zone offset.", kind="invalid-received-at")
    if not EARLIEST_RECEIPT <= data.received_at <= now:
        raise ProblemError(422, "received_at must not lie in the future (nor before 2000).", kind="invalid-received-at")
    return data.received_at


def _step_time(principal: Principal, row: Row, change: TransitionRequest, lineage: list[uuid.UUID], now: datetime) -> datetime:
    """When a step was taken: now, or, for a system importing the previous register (tidigare
    register), the time recorded there. Who may take the step at all is checked here too."""
    if change.at is None:
        access.require_handle(principal, lineage=lineage)
        return now
    if principal.actor_kind != "system":
        access.require_handle(principal, lineage=lineage)  # 403 for whoever may not handle at all
        raise ProblemError(
            422, "Only a system importing an earlier register's history gives a step's time (at); "
            "a step taken here is recorded when it is taken.", kind="invalid-step-time",
        )
    access.require_import(principal, lineage=lineage)
    if change.at.tzinfo is None:
        raise ProblemError(422, "at needs a time-zone offset.", kind="invalid-step-time")
    earlier = [t for t in (row.received_at, row.acknowledged_at, row.answered_at, row.closed_at) if t is not None]
    if not max(earlier) <= change.at <= now:
        raise ProblemError(422, "at must lie between the case's last step and now.", kind="invalid-step-time")
    return change.at


def _check_privacy(data: CaseCreate) -> None:
    has_contact = data.contact is not None and not data.contact.is_empty()
    if data.privacy == Privacy.anonymous and has_contact:
        raise ProblemError(422, "An anonymous case carries no contact details.", kind="contact-with-anonymous")
    if data.privacy != Privacy.anonymous and not has_contact:
        raise ProblemError(422, "A named case needs at least one contact detail.", kind="contact-missing")


async def create_case(
    session: AsyncSession, *, principal: Principal, data: CaseCreate, intake: Intake, now: datetime,
    claim: IdempotencyClaim | None = None, reply: Callable[[SimpleNamespace], StoredReply] | None = None,
) -> tuple[SimpleNamespace, str]:
    """Register a case; returns it and the resident's token (handed out once, never stored).

    Two statements: the facts the rules need (the Idempotency-Key's record, category, committee,
    routing, the unit's place, promise, deadline rule, the open cases a repeat would join) in one
    look-up, checked here in the rules' order; then the case with its history entry, sealed contact
    details, repeat flag, outbox event and, under a key, ``reply(case)`` in one insert, which writes
    all or nothing: the only write, so the caller may let each statement commit on its own."""
    access.require_register(principal)
    _check_privacy(data)
    received_at = _received_at(principal, data, now).astimezone(UTC)
    received_on = stockholm_date(received_at)
    since, until = repeat_window(received_at, intake.repeat_window_days)
    facts = await repository.intake_facts(
        session, category=data.category_code, committee=data.committee_id, unit=data.unit_id, on=received_on,
        promise=data.guarantee_promise_id, committee_types=organisation.COMMITTEE_TYPE_NAMES, any_category=ANY_CATEGORY,
        open_statuses=OPEN_STATUSES, since=since, until=until, candidate_limit=CANDIDATE_LIMIT,
        **idempotency.look_up_params(claim),
    )
    idempotency.check_looked_up(claim, facts)
    categories.check_active(data.category_code, active=facts.category_active)
    if data.committee_id is not None:
        organisation.check_committee(data.committee_id, on=received_on, unit_type=facts.committee_type)
    if data.unit_id is not None:
        routed_by, unit_id = "sender", data.unit_id
    elif facts.routed_unit is not None:
        routed_by, unit_id = "category", facts.routed_unit
    else:
        routed_by, unit_id = "central_intake", organisation.check_city(facts.city)
    if facts.lineage is None:
        raise organisation.unknown_unit(unit_id, on=received_on)
    if data.guarantee_promise_id is not None and not facts.promise_found:
        raise _unknown_promise()
    deadlines = deadlines_from_rule(
        received_on, rule=(facts.acknowledge_days, facts.answer_days) if facts.acknowledge_days is not None else None,
        default_acknowledge_days=intake.default_acknowledge_days, default_answer_days=intake.default_answer_days,
    )
    case_id = uuid.uuid4()
    token = derive_token(intake.token_key, case_id)
    location = data.location.model_dump() if data.location else {}
    row = SimpleNamespace(
        id=case_id, registration_number="", revision=1, kind=data.kind, channel=data.channel,
        category_code=data.category_code, unit_id=unit_id, committee_id=facts.committee_id, routed_by=routed_by,
        status=S.received, privacy=data.privacy, description=data.description, media_url=data.media_url,
        attributes=data.attributes, guarantee_promise_id=data.guarantee_promise_id, parent_case_id=None,
        received_at=received_at, acknowledged_at=None, answered_at=None, closed_at=None, updated_at=now,
        acknowledge_due=deadlines.acknowledge_due, answer_due=deadlines.answer_due, submitted_by=principal.subject,
        submitted_by_kind=principal.actor_kind, resident_token_sha256=token_digest(token),
        open311_token=secrets.token_hex(16),
        **{name: location.get(name) for name in ("lat", "long", "address", "address_id", "zipcode")},
    )
    repeat = possible_repeat(data.description, facts.similar_ids, facts.similar_descriptions, threshold=intake.repeat_threshold)
    envelope = events.envelope(CASE_RECEIVED, row, at=now)
    inserted = await repository.insert_new_case(
        session, **{name: value for name, value in vars(row).items() if name not in NOT_INSERTED},
        number_prefix=f"SYN-{received_on.year}-", attributes=orjson.dumps(data.attributes).decode(),
        ciphertext=contacts.seal(intake.cipher, data.contact) if data.privacy != Privacy.anonymous else None,
        key_id=intake.cipher.current_key_id, similar_case_id=repeat[0] if repeat else None,
        similarity=repeat[1] if repeat else None, event_id=envelope.id, event_type=CASE_RECEIVED,
        event_subject=str(case_id), envelope=orjson.dumps(envelope.model_dump(mode="json")).decode(),
        **idempotency.store_params(claim, reply(row) if claim is not None else None),
    )
    idempotency.check_stored(claim, inserted.created)
    row.registration_number = inserted.registration_number
    return row, token


# The new case's fields the insert does not take as they are (the registration number is drawn there,
# the attributes go as JSON).
NOT_INSERTED = frozenset({"registration_number", "revision", "parent_case_id", "acknowledged_at", "answered_at", "closed_at", "attributes"})


def _unknown_promise() -> ProblemError:
    return ProblemError(422, "No published quality guarantee of this unit makes that promise.", kind="unknown-promise")


async def check_promise(session: AsyncSession, *, promise_id: uuid.UUID, lineage: list[uuid.UUID]) -> Row:
    """The promise must be made by a published guarantee of the case's unit or a unit above it."""
    found = await guarantee_repository.find_promise(session, promise_id=promise_id, unit_ids=lineage)
    if found is None:
        raise _unknown_promise()
    return found


async def read_case(session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, lock: bool = False) -> tuple[Row, list[uuid.UUID]]:
    """The case and its unit's lineage, if the principal may see it (404 otherwise: no probing)."""
    row = await repository.get_case(session, case_id=case_id, lock=lock)
    if row is None:
        raise _not_found(case_id)
    lineage = await _lineage(session, row)
    if not access.can_read_case(principal, lineage=lineage, submitted_by=row.submitted_by):
        raise _not_found(case_id)
    return row, lineage


async def _lineage(session: AsyncSession, row: Row) -> list[uuid.UUID]:
    place = await organisation.place_of(session, unit_id=row.unit_id, on=stockholm_date(row.updated_at))
    # A unit closed since keeps its cases visible to the scope it had: fall back to the unit alone.
    return place.lineage if place else [row.unit_id]


async def _save(session: AsyncSession, row: Row, *, values: dict, now: datetime) -> Row:
    return await repository.update_case(session, case_id=row.id, values=values | {"revision": row.revision + 1, "updated_at": now})


async def transition(
    session: AsyncSession, *, principal: Principal, row: Row, lineage: list[uuid.UUID], change: TransitionRequest, now: datetime
) -> Row:
    when = _step_time(principal, row, change, lineage, now)
    current, target = S(row.status), change.to
    if not lifecycle.may_move(current, target):
        raise ProblemError(
            422, f"A case that is {current} cannot become {target}.", kind="invalid-transition",
            allowed=sorted(lifecycle.ALLOWED[current]),
        )
    values: dict = {"status": target}
    if target == S.acknowledged:
        values["acknowledged_at"] = when
    elif target == S.assigned:
        if change.assignee is None:
            raise ProblemError(422, "Assigning needs an assignee (handläggare).", kind="assignee-missing")
        values["assignee"] = change.assignee
    elif target == S.answered:
        if change.answer is None:
            raise ProblemError(422, "Answering needs the answer to the resident.", kind="answer-missing")
        values |= {"answer": change.answer, "measures": change.measures, "answered_at": when}
    elif target in lifecycle.FINISHED:
        values["closed_at"] = when
        if target == S.duplicate:
            await _check_parent(session, principal, row, change.parent_case_id)
            values["parent_case_id"] = change.parent_case_id
    elif target == S.reopened:
        if not change.reason:
            raise ProblemError(422, "Reopening needs a reason.", kind="reason-missing")
        values |= {"closed_at": None, "answered_at": None}
    updated = await _save(session, row, values=values, now=now)
    await repository.record_event(
        session, case_id=row.id, action="transition", from_status=current, to_status=target,
        by_subject=principal.subject, by_kind=principal.actor_kind, at=when, reason=change.reason,
    )
    event_type = {
        S.acknowledged: CASE_ACKNOWLEDGED, S.answered: CASE_ANSWERED, S.closed: CASE_CLOSED,
        S.duplicate: CASE_CLOSED, S.withdrawn: CASE_CLOSED, S.reopened: CASE_REOPENED,
    }.get(target)
    if event_type:
        await events.publish(session, event_type, updated, at=now)
    return updated


async def _check_parent(session: AsyncSession, principal: Principal, row: Row, parent_id: uuid.UUID | None) -> None:
    if parent_id is None:
        raise ProblemError(422, "A duplicate names the case it duplicates (parent_case_id).", kind="parent-missing")
    if parent_id == row.id:
        raise ProblemError(422, "A case cannot duplicate itself.", kind="invalid-parent")
    parent = await repository.get_case(session, case_id=parent_id)
    if parent is None or not access.can_read_case(principal, lineage=await _lineage(session, parent), submitted_by=parent.submitted_by):
        raise ProblemError(422, f"No case {parent_id} that you can see.", kind="invalid-parent")
    if parent.status == S.duplicate:
        raise ProblemError(422, "Link to the original case, not to another duplicate.", kind="invalid-parent")


async def transfer(
    session: AsyncSession, *, principal: Principal, row: Row, lineage: list[uuid.UUID], change: TransferRequest, now: datetime
) -> Row:
    """Överlämna: to another unit or committee, keeping the deadlines and the history."""
    access.require_handle(principal, lineage=lineage)
    if S(row.status) in lifecycle.FINISHED:
        raise ProblemError(422, "A finished case is not transferred; reopen it first.", kind="case-finished")
    if change.unit_id == row.unit_id:
        raise ProblemError(422, "The case is already with that unit.", kind="no-change")
    target = await organisation.require_place(session, unit_id=change.unit_id, on=stockholm_date(now))
    # Whoever held it assigned hands it over unassigned; the new unit assigns its own handler.
    status = S.acknowledged if row.status in (S.assigned, S.in_progress) else S(row.status)
    updated = await _save(
        session, row, now=now,
        values={"unit_id": target.unit_id, "committee_id": target.committee_id, "routed_by": "transfer", "status": status, "assignee": None},
    )
    await repository.record_event(
        session, case_id=row.id, action="transfer", from_status=row.status, to_status=status, from_unit_id=row.unit_id,
        to_unit_id=target.unit_id, by_subject=principal.subject, by_kind=principal.actor_kind, at=now, reason=change.reason,
    )
    return updated


async def redact(
    session: AsyncSession, *, principal: Principal, row: Row, lineage: list[uuid.UUID], change: RedactionRequest, now: datetime
) -> Row:
    access.require_handle(principal, lineage=lineage)
    text = getattr(row, change.field)
    if not text or text == REDACTED:
        raise ProblemError(422, f"There is no {change.field} text to redact.", kind="nothing-to-redact")
    if change.passage is None:
        new_text, removed = REDACTED, len(text)
    else:
        occurrences = text.count(change.passage)
        if occurrences == 0:
            raise ProblemError(422, f"The passage does not occur in {change.field}.", kind="passage-not-found")
        new_text, removed = text.replace(change.passage, REDACTED), occurrences * len(change.passage)
    updated = await _save(session, row, values={change.field: new_text}, now=now)
    await repository.record_redaction(
        session, case_id=row.id, field=change.field, removed_characters=removed, by_subject=principal.subject, at=now,
        reason=change.reason,
    )
    await repository.record_event(
        session, case_id=row.id, action="redaction", by_subject=principal.subject, by_kind=principal.actor_kind,
        at=now, reason=f"{change.field}: {change.reason}",
    )
    return updated


async def set_legal_hold(
    session: AsyncSession, *, principal: Principal, row: Row, lineage: list[uuid.UUID], change: LegalHoldSet, now: datetime
) -> Row:
    access.require_legal_hold(principal, lineage=lineage)
    updated = await _save(
        session, row, values={"legal_hold": change.hold, "legal_hold_reason": change.reason if change.hold else None}, now=now,
    )
    await repository.record_event(
        session, case_id=row.id, action="legal_hold", by_subject=principal.subject, by_kind=principal.actor_kind,
        at=now, reason=("set: " if change.hold else "lifted: ") + change.reason,
    )
    return updated


async def read_contact(
    session: AsyncSession, *, principal: Principal, row: Row, lineage: list[uuid.UUID], cipher: ContactCipher
) -> ContactView:
    """Named: the unit's handlers. Confidential: only the central intake's handlers (scope the city)."""
    access.require_handle(principal, lineage=lineage)
    if row.privacy == Privacy.anonymous:
        raise ProblemError(404, "An anonymous case has no contact details.", kind="no-contact")
    if row.privacy == Privacy.confidential and "admin" not in principal.roles:
        city = await organisation.city_id(session, on=stockholm_today())
        if str(city) not in principal.org_scope:
            raise access.forbidden("The sender asked not to be disclosed; only the central intake reads these details.")
    view = await contacts.read(session, cipher=cipher, case_id=row.id)
    if view is None:
        raise ProblemError(404, "The case has no contact details.", kind="no-contact")
    return view


async def resident_case(session: AsyncSession, *, registration_number: str, token: str | None) -> Row:
    """The case the token opens, if it is the one named (404 alike for every mismatch: nothing to probe)."""
    missing = ProblemError(404, "No such case for that token.", kind="case-not-found")
    if not token or len(token) > 100:
        raise missing
    found = await repository.find_case(session, resident_token_sha256=token_digest(token))
    if found is None or found.registration_number != registration_number:
        raise missing
    return await repository.get_case(session, case_id=found.id, lock=True)


async def rate(session: AsyncSession, *, row: Row, change: RatingSet, now: datetime) -> Row:
    if row.status not in (S.answered, S.closed):
        raise ProblemError(422, "A case is rated once it has been answered.", kind="not-answered")
    if row.rating is not None:
        raise ProblemError(409, "The handling of this case has already been rated; a rating is given once.", kind="already-rated")
    updated = await _save(session, row, values={"rating": change.rating, "rating_comment": change.comment}, now=now)
    await repository.record_event(session, case_id=row.id, action="rating", by_subject="resident", by_kind="resident", at=now, reason=None)
    return updated
