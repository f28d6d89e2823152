"""SQL of the statistics: one aggregation over a committee's cases of a period.

Working days come from the ``working_days`` calendar (ordinals of Swedish working days): the
working days from receipt to acknowledgement are the ordinal of the day acknowledged less the
ordinal of the day received, in Europe/Stockholm. The units' figures at every level come from
joining the cases to (ancestor, unit) pairs of the committee's tree; the committee's own and the
breakdowns by category, kind, channel and status from grouping sets over the same cases.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, bindparam, delete, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree import subtree_cte

from feedback.models import broken_promise_assessments, cases, guarantee_promises, org_tables, statistics_dirty, unit_statistics

KINDS = ("complaint", "suggestion", "praise", "question")

_AGGREGATES = """
    count(*) AS cases,
    count(*) FILTER (WHERE kind = 'complaint') AS kind_complaint,
    count(*) FILTER (WHERE kind = 'suggestion') AS kind_suggestion,
    count(*) FILTER (WHERE kind = 'praise') AS kind_praise,
    count(*) FILTER (WHERE kind = 'question') AS kind_question,
    count(ack_days) AS acknowledged,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY ack_days) AS median_ack,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY ack_days) AS p90_ack,
    count(*) FILTER (WHERE ack_in_time) AS acknowledged_in_time,
    count(answer_days) AS answered,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY answer_days) AS median_answer,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY answer_days) AS p90_answer,
    count(*) FILTER (WHERE answer_in_time) AS answered_in_time,
    count(*) FILTER (WHERE broken) AS not_kept,
    count(*) FILTER (WHERE repeat_confirmed) AS repeats,
    count(*) FILTER (WHERE repeat_flagged) AS repeats_flagged,
    count(*) FILTER (WHERE repeat_dismissed) AS repeats_dismissed,
    count(rating) AS ratings,
    avg(rating)::float AS rating_mean,
    count(*) FILTER (WHERE overdue) AS overdue
"""

_BASE = """
WITH base AS MATERIALIZED (
    SELECT c.unit_id, c.kind, c.channel, c.category_code, c.status, c.rating,
           wa.ordinal - wr.ordinal AS ack_days,
           wn.ordinal - wr.ordinal AS answer_days,
           wa.day <= c.acknowledge_due AS ack_in_time,
           wn.day <= c.answer_due AS answer_in_time,
           r.decision = 'confirmed' AS repeat_confirmed,
           r.case_id IS NOT NULL AS repeat_flagged,
           r.decision = 'dismissed' AS repeat_dismissed,
           coalesce(b.broken, false) AS broken,
           (c.status = 'received' AND c.acknowledge_due < :today)
             OR (c.status IN ('received', 'acknowledged', 'assigned', 'in_progress', 'reopened') AND c.answer_due < :today)
             AS overdue
    FROM cases c
    JOIN working_days wr ON wr.day = (c.received_at AT TIME ZONE 'Europe/Stockholm')::date
    LEFT JOIN working_days wa ON wa.day = (c.acknowledged_at AT TIME ZONE 'Europe/Stockholm')::date
    LEFT JOIN working_days wn ON wn.day = (c.answered_at AT TIME ZONE 'Europe/Stockholm')::date
    LEFT JOIN case_repeats r ON r.case_id = c.id
    LEFT JOIN broken_promise_assessments b ON b.case_id = c.id
    WHERE c.committee_id = :committee_id AND c.received_at >= :start AND c.received_at < :end
), tree AS (
    SELECT * FROM unnest(:ancestors, :units) AS t(ancestor, unit_id)
)
"""

_UNITS = f"SELECT 'unit' AS dimension, t.ancestor::text AS key, {_AGGREGATES} FROM base JOIN tree t USING (unit_id) GROUP BY t.ancestor"
_DIMENSIONS = f"""
SELECT CASE WHEN grouping(category_code) = 0 THEN 'category' WHEN grouping(kind) = 0 THEN 'kind'
            WHEN grouping(channel) = 0 THEN 'channel' WHEN grouping(status) = 0 THEN 'status' ELSE 'total' END AS dimension,
       coalesce(category_code, kind, channel, status, '') AS key, {_AGGREGATES}
FROM base GROUP BY GROUPING SETS ((), (category_code), (kind), (channel), (status))
"""
_TOTAL = f"SELECT 'total' AS dimension, '' AS key, {_AGGREGATES} FROM base"
_UUIDS = ARRAY(UUID(as_uuid=True))
_FIGURES = text(_BASE + _UNITS + " UNION ALL " + _DIMENSIONS).bindparams(
    bindparam("ancestors", type_=_UUIDS), bindparam("units", type_=_UUIDS),
)
_UNITS_ONLY = text(_BASE + _UNITS + " UNION ALL " + _TOTAL).bindparams(
    bindparam("ancestors", type_=_UUIDS), bindparam("units", type_=_UUIDS),
)

_PROMISES = text("""
    SELECT t.ancestor AS unit_id, b.guarantee_id, b.promise_id, count(*) AS cases
    FROM cases c
    JOIN broken_promise_assessments b ON b.case_id = c.id AND b.broken
    JOIN unnest(:ancestors, :units) AS t(ancestor, unit_id) ON t.unit_id = c.unit_id
    WHERE c.committee_id = :committee_id AND c.received_at >= :start AND c.received_at < :end
    GROUP BY t.ancestor, b.guarantee_id, b.promise_id
    UNION ALL
    SELECT NULL, b.guarantee_id, b.promise_id, count(*)
    FROM cases c JOIN broken_promise_assessments b ON b.case_id = c.id AND b.broken
    WHERE c.committee_id = :committee_id AND c.received_at >= :start AND c.received_at < :end
    GROUP BY b.guarantee_id, b.promise_id
""").bindparams(bindparam("ancestors", type_=_UUIDS), bindparam("units", type_=_UUIDS))


@dataclass(frozen=True)
class TreeUnit:
    unit_id: uuid.UUID
    parent_id: uuid.UUID | None
    type: str
    code: str
    name: str


async def committee_tree(session: AsyncSession, *, committee_id: uuid.UUID, on: date) -> list[TreeUnit]:
    """The committee and every unit under it in effect on the day, parents before children."""
    tree = subtree_cte(org_tables, root_id=committee_id, as_of=on)
    rows = await session.execute(
        select(tree.c.unit_id, tree.c.parent_id, tree.c.type, tree.c.code, tree.c.name).order_by(tree.c.depth, tree.c.code)
    )
    return [TreeUnit(*row) for row in rows]


def _pairs(tree: list[TreeUnit]) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """(ancestor, unit) for every unit and each unit at or above it, below the committee's root."""
    parent = {unit.unit_id: unit.parent_id for unit in tree}
    ancestors, units = [], []
    for unit in tree:
        current = unit.unit_id
        while current in parent:
            ancestors.append(current)
            units.append(unit.unit_id)
            current = parent[current]
    return ancestors, units


async def figures(
    session: AsyncSession, *, committee_id: uuid.UUID, tree: list[TreeUnit], start: datetime, end: datetime, today: date,
    dimensions: bool = True,
) -> list:
    ancestors, units = _pairs(tree)
    params = {"committee_id": committee_id, "start": start, "end": end, "today": today, "ancestors": ancestors, "units": units}
    return list(await session.execute(_FIGURES if dimensions else _UNITS_ONLY, params))


async def promises_not_kept(
    session: AsyncSession, *, committee_id: uuid.UUID, tree: list[TreeUnit], start: datetime, end: datetime,
) -> list:
    """Confirmed broken promises per unit (every level; unit None: the committee's own cases)."""
    ancestors, units = _pairs(tree)
    params = {"committee_id": committee_id, "start": start, "end": end, "ancestors": ancestors, "units": units}
    return list(await session.execute(_PROMISES, params))


async def take_dirty(session: AsyncSession, *, limit: int) -> list:
    """Claims and removes marks (other workers skip the locked ones); the caller's transaction
    keeps them claimed until it commits, and a failure puts them back."""
    claimed = select(statistics_dirty.c.id).order_by(statistics_dirty.c.id).limit(limit).with_for_update(skip_locked=True)
    result = await session.execute(
        delete(statistics_dirty).where(statistics_dirty.c.id.in_(claimed.scalar_subquery()))
        .returning(statistics_dirty.c.committee_id, statistics_dirty.c.received_on)
    )
    return list(result)


async def published(session: AsyncSession, *, unit_ids: list[uuid.UUID], period: str) -> dict[uuid.UUID, tuple[int, dict]]:
    rows = await session.execute(
        select(unit_statistics.c.unit_id, unit_statistics.c.revision, unit_statistics.c.figures)
        .where(unit_statistics.c.unit_id.in_(unit_ids), unit_statistics.c.period == period).with_for_update()
    )
    return {row.unit_id: (row.revision, row.figures) for row in rows}


async def store_published(session: AsyncSession, *, values: dict) -> None:
    upsert = insert(unit_statistics).values(**values)
    await session.execute(upsert.on_conflict_do_update(
        index_elements=[unit_statistics.c.unit_id, unit_statistics.c.period],
        set_={key: upsert.excluded[key] for key in values if key not in ("unit_id", "period")},
    ))


async def published_for_committee(session: AsyncSession, *, committee_id: uuid.UUID, period: str) -> list:
    return list(await session.execute(
        select(unit_statistics).where(unit_statistics.c.committee_id == committee_id, unit_statistics.c.period == period)
    ))


async def promise_counts(session: AsyncSession, *, committee_id: uuid.UUID, start: datetime, end: datetime) -> list[dict]:
    """What senders named and what handlers assessed, per promise, among the committee's cases of
    the period; the assessment's record of the guarantee and the promise's words wins over the
    read model (a guarantee may be withdrawn since)."""
    scope = and_(cases.c.committee_id == committee_id, cases.c.received_at >= start, cases.c.received_at < end)
    found: dict[uuid.UUID, dict] = {}

    def entry(promise_id, guarantee_id, text) -> dict:
        return found.setdefault(promise_id, {
            "guarantee_id": guarantee_id, "promise_id": promise_id, "promise_text": text, "named": 0, "broken": 0, "kept": 0})

    a = broken_promise_assessments
    assessed = await session.execute(
        select(a.c.guarantee_id, a.c.promise_id, a.c.promise_text, a.c.broken, func.count())
        .join(cases, cases.c.id == a.c.case_id).where(scope)
        .group_by(a.c.guarantee_id, a.c.promise_id, a.c.promise_text, a.c.broken)
    )
    for guarantee_id, promise_id, text, broken, count in assessed:
        entry(promise_id, guarantee_id, text)["broken" if broken else "kept"] += count
    named = await session.execute(
        select(cases.c.guarantee_promise_id, func.count()).where(scope, cases.c.guarantee_promise_id.is_not(None))
        .group_by(cases.c.guarantee_promise_id)
    )
    for promise_id, count in named:
        if promise_id not in found:
            known = (await session.execute(
                select(guarantee_promises.c.guarantee_id, guarantee_promises.c.text)
                .where(guarantee_promises.c.promise_id == promise_id).limit(1)
            )).first()
            entry(promise_id, *(known or (None, None)))
        found[promise_id]["named"] += count
    return sorted(found.values(), key=lambda counts: (str(counts["guarantee_id"]), str(counts["promise_id"])))
