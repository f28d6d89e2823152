"""The overdue job (bevakning): cases past a working-day deadline are escalated, once each.

Run by the worker with the real clock, and by tests with any ``now``: a deadline is the last
working day to act, so a case is overdue from the day after it (Europe/Stockholm). Each
escalation is recorded for the unit's management (the unit's ``unit_manager`` lists them) and
published as ``feedback.case.overdue``, in one transaction with the row lock that keeps two
workers from escalating the same case.
"""

from datetime import datetime

from contracts.feedback import CASE_OVERDUE, CaseOverdue, DeadlineKind
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.cases import events
from feedback.deadlines import repository
from feedback.deadlines.calendar import stockholm_date
from feedback.deadlines.repository import ACK_PENDING, ANSWER_PENDING

BATCH = 500


async def escalate_overdue(session: AsyncSession, *, now: datetime) -> int:
    """Escalate a batch of overdue cases; returns how many escalations were made."""
    today = stockholm_date(now)
    made = 0
    for row in await repository.overdue_cases(session, today=today, limit=BATCH):
        for deadline, due, pending in (
            (DeadlineKind.acknowledge, row.acknowledge_due, ACK_PENDING),
            (DeadlineKind.answer, row.answer_due, ANSWER_PENDING),
        ):
            if row.status not in pending or due >= today:
                continue
            if not await repository.record_escalation(
                session, case_id=row.id, deadline=deadline, due=due, unit_id=row.unit_id, at=now
            ):
                continue
            made += 1
            await events.publish(
                session, CASE_OVERDUE, row, at=now,
                data=CaseOverdue(
                    case=events.case_state(row), deadline=deadline, due=due, escalated_to_unit_id=row.unit_id, occurred_at=now,
                ),
            )
    return made
