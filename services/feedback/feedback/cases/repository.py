"""SQL of cases, their history and redaction records."""

import uuid
from datetime import date, datetime

from sqlalchemy import Row, Text, and_, cast, func, insert, literal, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree import subtree_cte

from feedback.models import case_events, case_number_seq, case_redactions, cases, org_tables


def registration_number(year: int):
    """``SYN-<year>-<number>`` (six digits at least) with the number drawn from the sequence in the
    INSERT itself: one round trip less per case."""
    number = select(case_number_seq.next_value().label("n")).subquery()
    return (
        select(literal(f"SYN-{year}-") + func.lpad(cast(number.c.n, Text), func.greatest(6, func.length(cast(number.c.n, Text))), "0"))
        .scalar_subquery()
    )


async def insert_case(session: AsyncSession, *, values: dict) -> Row:
    return (await session.execute(insert(cases).values(**values).returning(*cases.c))).one()


async def get_case(session: AsyncSession, *, case_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = select(cases).where(cases.c.id == case_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).first()


async def find_case(session: AsyncSession, **where) -> Row | None:
    """By one unique column: registration_number, resident_token_sha256 or open311_token."""
    ((column, value),) = where.items()
    return (await session.execute(select(cases).where(cases.c[column] == value))).first()


async def update_case(session: AsyncSession, *, case_id: uuid.UUID, values: dict) -> Row:
    return (await session.execute(update(cases).where(cases.c.id == case_id).values(**values).returning(*cases.c))).one()


async def record_event(session: AsyncSession, **values) -> None:
    await session.execute(insert(case_events).values(**values))


async def history(session: AsyncSession, *, case_id: uuid.UUID) -> list[Row]:
    return list(await session.execute(select(case_events).where(case_events.c.case_id == case_id).order_by(case_events.c.id)))


async def record_redaction(session: AsyncSession, **values) -> None:
    await session.execute(insert(case_redactions).values(**values))


async def redactions(session: AsyncSession, *, case_id: uuid.UUID) -> list[Row]:
    return list(await session.execute(select(case_redactions).where(case_redactions.c.case_id == case_id).order_by(case_redactions.c.id)))


async def list_cases(
    session: AsyncSession, *, limit: int, after: tuple[datetime, uuid.UUID] | None, scope_roots: list[uuid.UUID] | None,
    submitted_by: str | None, today: date, filters: dict,
) -> list[Row]:
    """Newest first. ``scope_roots`` narrows to the units at and below them; ``submitted_by`` to one submitter."""
    query = select(cases)
    if scope_roots is not None:
        allowed: set[uuid.UUID] = set()
        for root in scope_roots:
            tree = subtree_cte(org_tables, root_id=root, as_of=today)
            allowed.update(await session.scalars(select(tree.c.unit_id)))
        query = query.where(cases.c.unit_id.in_(allowed))
    if submitted_by is not None:
        query = query.where(cases.c.submitted_by == submitted_by)
    for column in ("unit_id", "committee_id", "status", "kind", "category_code", "channel"):
        if filters.get(column) is not None:
            query = query.where(cases.c[column] == filters[column])
    if filters.get("year") is not None:
        query = query.where(func.extract("year", func.timezone("Europe/Stockholm", cases.c.received_at)) == filters["year"])
    if filters.get("within") is not None:
        tree = subtree_cte(org_tables, root_id=filters["within"], as_of=today)
        query = query.where(cases.c.unit_id.in_(select(tree.c.unit_id)))
    if filters.get("overdue"):
        query = query.where(or_(
            and_(cases.c.status == "received", cases.c.acknowledge_due < today),
            and_(cases.c.status.in_(("received", "acknowledged", "assigned", "in_progress", "reopened")), cases.c.answer_due < today),
        ))
    if after is not None:
        query = query.where(tuple_(cases.c.received_at, cases.c.id) < tuple_(*after))
    query = query.order_by(cases.c.received_at.desc(), cases.c.id.desc()).limit(limit + 1)
    return list(await session.execute(query))


async def open311_requests(
    session: AsyncSession, *, numbers: list[str] | None, codes: list[str] | None, statuses: list[str] | None,
    start: datetime, end: datetime, limit: int,
) -> list[Row]:
    query = select(cases)
    if numbers:
        query = query.where(cases.c.registration_number.in_(numbers))
    else:
        query = query.where(cases.c.received_at >= start, cases.c.received_at <= end)
        if codes:
            query = query.where(cases.c.category_code.in_(codes))
        if statuses is not None:
            query = query.where(cases.c.status.in_(statuses))
    return list(await session.execute(query.order_by(cases.c.received_at.desc()).limit(limit)))
