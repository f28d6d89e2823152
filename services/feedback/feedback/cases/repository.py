"""SQL of cases, their history and redaction records."""

import uuid
from datetime import date, datetime

from sqlalchemy import Row, Text, and_, cast, func, insert, literal, or_, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import idempotency
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


# ------------------------------------------------------------------------------------------ intake
# A case's intake is two statements: what the rules need to know (this one), then every row the
# case makes (``INSERT_CASE``). Both are plain SQL compiled once; only the parameters vary.

IN_EFFECT = "v.valid_from <= :on AND (v.valid_to IS NULL OR v.valid_to > :on)"

INTAKE_FACTS = text(f"""
WITH RECURSIVE
idempotency AS MATERIALIZED ({idempotency.LOOK_UP_SQL}),
routes AS (
    SELECT r.unit_id FROM category_routes r
    WHERE r.category_code = :category AND (CAST(:committee AS uuid) IS NULL OR r.committee_id = CAST(:committee AS uuid))
),
facts AS (
    SELECT
        (SELECT c.active FROM categories c WHERE c.code = :category) AS category_active,
        (SELECT v.type FROM org_unit_versions v WHERE v.unit_id = CAST(:committee AS uuid) AND {IN_EFFECT} LIMIT 1)
            AS committee_type,
        (SELECT CASE WHEN count(*) = 1 THEN min(unit_id::text)::uuid END FROM routes) AS routed_unit,
        (SELECT v.unit_id FROM org_unit_versions v WHERE v.type = 'city' AND {IN_EFFECT} LIMIT 1) AS city
),
target AS (
    SELECT coalesce(CAST(:unit AS uuid), facts.routed_unit, facts.city) AS unit_id FROM facts
),
ancestors(unit_id, parent_id, type, depth, id_path) AS (
    SELECT v.unit_id, v.parent_id, v.type, 0, ARRAY[v.unit_id]
    FROM org_unit_versions v JOIN target ON v.unit_id = target.unit_id WHERE {IN_EFFECT}
    UNION ALL
    -- One index probe per level: as a join, the planner (which takes a recursive term for ten rows)
    -- hashes every version of the organisation at each level instead.
    SELECT p.unit_id, p.parent_id, p.type, a.depth + 1, a.id_path || p.unit_id
    FROM ancestors a CROSS JOIN LATERAL (
        SELECT v.unit_id, v.parent_id, v.type FROM org_unit_versions v WHERE v.unit_id = a.parent_id AND {IN_EFFECT} LIMIT 1
    ) p
    WHERE p.unit_id <> ALL(a.id_path)
),
place AS (
    SELECT array_agg(unit_id ORDER BY depth) AS lineage,
           (array_agg(unit_id ORDER BY depth) FILTER (WHERE type = ANY(CAST(:committee_types AS text[]))))[1] AS committee_id
    FROM ancestors
)
SELECT
    facts.category_active, facts.committee_type, facts.routed_unit, facts.city, target.unit_id, place.lineage,
    place.committee_id,
    CAST(:promise AS uuid) IS NOT NULL AND EXISTS (
        SELECT 1 FROM guarantee_promises p JOIN guarantees g ON g.id = p.guarantee_id
        WHERE p.promise_id = CAST(:promise AS uuid) AND g.status = 'published' AND g.unit_id = ANY(place.lineage)
    ) AS promise_found,
    deadline_rule.acknowledge_days, deadline_rule.answer_days,
    recent.ids AS similar_ids, recent.descriptions AS similar_descriptions, idempotency.*
FROM idempotency CROSS JOIN facts CROSS JOIN target CROSS JOIN place
LEFT JOIN LATERAL (
    SELECT d.acknowledge_days, d.answer_days FROM deadline_rules d
    WHERE d.committee_id = place.committee_id AND d.category_code IN (:category, :any_category)
    ORDER BY d.category_code = :category DESC LIMIT 1
) deadline_rule ON true
LEFT JOIN LATERAL (
    SELECT array_agg(s.id ORDER BY s.received_at DESC) AS ids, array_agg(s.description ORDER BY s.received_at DESC) AS descriptions
    FROM (
        SELECT c.id, c.description, c.received_at FROM cases c
        WHERE c.unit_id = target.unit_id AND c.category_code = :category AND c.status = ANY(CAST(:open_statuses AS text[]))
          AND c.received_at >= :since AND c.received_at <= :until
        ORDER BY c.received_at DESC LIMIT :candidate_limit
    ) s
) recent ON true
""")


async def intake_facts(session: AsyncSession, **params) -> Row:
    """In one round trip: the Idempotency-Key's record (``servicekit.idempotency``), whether
    the category is active, the named committee's type, the unit the category's routing names (if
    exactly one), the city, the target unit's lineage and committee, whether the promise is one of a
    published guarantee up the lineage, the deadline rule, and the target unit's open cases of the
    category in the repeat window (newest first)."""
    return (await session.execute(INTAKE_FACTS, params)).one()


# The new case's columns and their types: in INSERT ... SELECT PostgreSQL takes an untyped
# parameter for text, so each is cast (a VALUES list could not be left out under a condition).
_NEW_CASE = (
    ("id", "uuid"), ("kind", "text"), ("channel", "text"), ("category_code", "text"), ("unit_id", "uuid"),
    ("committee_id", "uuid"), ("routed_by", "text"), ("status", "text"), ("privacy", "text"), ("description", "text"),
    ("media_url", "text"), ("attributes", "jsonb"), ("guarantee_promise_id", "uuid"), ("received_at", "timestamptz"),
    ("updated_at", "timestamptz"), ("acknowledge_due", "date"), ("answer_due", "date"), ("submitted_by", "text"),
    ("submitted_by_kind", "text"), ("resident_token_sha256", "text"), ("open311_token", "text"), ("lat", "float8"),
    ("long", "float8"), ("address", "text"), ("address_id", "text"), ("zipcode", "text"),
)

INSERT_CASE = text(f"""
WITH drawn AS (
    SELECT :number_prefix || lpad(n::text, greatest(6, length(n::text)), '0') AS registration_number
    FROM (SELECT nextval('case_number_seq') AS n) s
),
stored AS ({idempotency.store_sql(source="drawn", drawn="drawn.registration_number")}),
new_case AS (
    INSERT INTO cases (registration_number, revision, {", ".join(name for name, _ in _NEW_CASE)})
    SELECT drawn.registration_number, 1, {", ".join(f"CAST(:{name} AS {kind})" for name, kind in _NEW_CASE)}
    FROM drawn WHERE {idempotency.STORED_OR_NO_KEY}
    RETURNING id, registration_number
),
history AS (
    INSERT INTO case_events (case_id, action, to_status, to_unit_id, by_subject, by_kind, at)
    SELECT id, 'created', CAST(:status AS text), CAST(:unit_id AS uuid), CAST(:submitted_by AS text),
           CAST(:submitted_by_kind AS text), CAST(:updated_at AS timestamptz)
    FROM new_case
),
contact AS (
    INSERT INTO case_contacts (case_id, ciphertext, key_id)
    SELECT id, CAST(:ciphertext AS bytea), CAST(:key_id AS text) FROM new_case WHERE CAST(:ciphertext AS bytea) IS NOT NULL
),
repeat AS (
    INSERT INTO case_repeats (case_id, similar_case_id, similarity, flagged_at)
    SELECT id, CAST(:similar_case_id AS uuid), CAST(:similarity AS double precision), CAST(:updated_at AS timestamptz)
    FROM new_case WHERE CAST(:similar_case_id AS uuid) IS NOT NULL
),
event AS (
    INSERT INTO outbox (event_id, type, subject, envelope)
    SELECT CAST(:event_id AS uuid), CAST(:event_type AS text), CAST(:event_subject AS text),
        jsonb_set(CAST(:envelope AS jsonb), '{{data,case,registration_number}}', to_jsonb(registration_number))
    FROM new_case
)
SELECT registration_number, EXISTS (SELECT 1 FROM new_case) AS created FROM drawn
""")


async def insert_new_case(session: AsyncSession, **params) -> Row:
    """The case, its first history entry, its sealed contact details (if any), its repeat flag (if
    any), its outbox event and the reply under its Idempotency-Key (if any), in one statement that
    writes all of them or, when a live record holds the key, none; the event's and the reply's
    registration number is the one drawn for the case. Returns the number and whether the case
    was created."""
    return (await session.execute(INSERT_CASE, params)).one()
