"""The case's events: full state without personal data, through the outbox."""

from datetime import datetime

from contracts.feedback import SCHEMA_VERSION, CaseChanged, CaseState
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.events.envelope import Envelope
from servicekit.events.outbox import EventPublisher

publisher = EventPublisher("feedback")


def case_state(row: Row) -> CaseState:
    return CaseState(
        id=row.id, registration_number=row.registration_number, revision=row.revision, kind=row.kind,
        channel=row.channel, category_code=row.category_code, unit_id=row.unit_id, committee_id=row.committee_id,
        status=row.status, parent_case_id=row.parent_case_id, received_at=row.received_at,
        acknowledged_at=row.acknowledged_at, answered_at=row.answered_at, closed_at=row.closed_at,
        acknowledge_due=row.acknowledge_due, answer_due=row.answer_due, guarantee_promise_id=row.guarantee_promise_id,
    )


async def publish(session: AsyncSession, event_type: str, row: Row, *, at: datetime, data=None) -> None:
    await publisher.record(
        session, type=event_type, subject=str(row.id), schema_version=SCHEMA_VERSION,
        data=data or CaseChanged(case=case_state(row), occurred_at=at),
    )


def envelope(event_type: str, row, *, at: datetime) -> Envelope:
    """The envelope ``publish`` would record, for the intake's insert to write in its own statement."""
    return publisher.envelope(
        type=event_type, subject=str(row.id), schema_version=SCHEMA_VERSION,
        data=CaseChanged(case=case_state(row), occurred_at=at),
    )
