"""SQL of deadline rules, overdue cases and escalations."""

import uuid
from datetime import date, datetime

from sqlalchemy import Row, and_, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.models import cases, deadline_rules, escalations

ANY_CATEGORY = "*"


async def rules_of(session: AsyncSession, *, committee_id: uuid.UUID) -> list[Row]:
    return list(await session.execute(
        select(deadline_rules).where(deadline_rules.c.committee_id == committee_id).order_by(deadline_rules.c.category_code)
    ))


async def set_rule(session: AsyncSession, *, committee_id: uuid.UUID, category_code: str, acknowledge_days: int, answer_days: int, by: str) -> Row:
    statement = pg_insert(deadline_rules).values(
        committee_id=committee_id, category_code=category_code, acknowledge_days=acknowledge_days,
        answer_days=answer_days, updated_by=by,
    )
    statement = statement.on_conflict_do_update(
        index_elements=[deadline_rules.c.committee_id, deadline_rules.c.category_code],
        set_={name: statement.excluded[name] for name in ("acknowledge_days", "answer_days", "updated_by", "updated_at")},
    )
    return (await session.execute(statement.returning(*deadline_rules.c))).one()


ACK_PENDING = ("received",)
ANSWER_PENDING = ("received", "acknowledged", "assigned", "in_progress", "reopened")


async def overdue_cases(session: AsyncSession, *, today: date, limit: int) -> list[Row]:
    """Cases with a deadline before ``today`` still unmet and not yet escalated for it, locked
    (SKIP LOCKED: two workers share the work instead of escalating a case twice)."""
    ack_escalated = select(escalations.c.id).where(escalations.c.case_id == cases.c.id, escalations.c.deadline == "acknowledge").exists()
    answer_escalated = select(escalations.c.id).where(escalations.c.case_id == cases.c.id, escalations.c.deadline == "answer").exists()
    query = (
        select(cases)
        .where(or_(
            and_(cases.c.status.in_(ACK_PENDING), cases.c.acknowledge_due < today, ~ack_escalated),
            and_(cases.c.status.in_(ANSWER_PENDING), cases.c.answer_due < today, ~answer_escalated),
        ))
        .order_by(cases.c.received_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(await session.execute(query))


async def record_escalation(session: AsyncSession, *, case_id: uuid.UUID, deadline: str, due: date, unit_id: uuid.UUID, at: datetime) -> bool:
    inserted = await session.scalar(
        pg_insert(escalations).values(case_id=case_id, deadline=deadline, due=due, unit_id=unit_id, escalated_at=at)
        .on_conflict_do_nothing().returning(escalations.c.id)
    )
    return inserted is not None


async def escalations_for(session: AsyncSession, *, unit_id: uuid.UUID, limit: int, after: int | None) -> list[Row]:
    query = (
        select(escalations, cases.c.registration_number)
        .join(cases, cases.c.id == escalations.c.case_id)
        .where(escalations.c.unit_id == unit_id)
        .order_by(escalations.c.id.desc())
        .limit(limit + 1)
    )
    if after is not None:
        query = query.where(escalations.c.id < after)
    return list(await session.execute(query))
