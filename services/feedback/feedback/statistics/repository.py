"""SQL of the statistics: one aggregation over a committee's cases of a period."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

import orjson
from sqlalchemy import Date, Row, Uuid, and_, bindparam, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree import subtree_cte

from feedback.models import (
    broken_promise_assessments,
    cases,
    committee_statistics,
    guarantee_promises,
    org_tables,
    statistics_dirty,
    statistics_generations,
    unit_statistics,
)

# One pass over the committee's cases of the period (index on committee and receipt). Working days
# to acknowledgement and to answer, and whether each was in time, are kept on the case by the
# trigger ``cases_working_days`` (from the ``working_days`` calendar), so nothing is joined here
# but the repeat flags and the promise assessments. The additive counts come per leaf unit and
# kind and per category, channel and status; the working days as histograms (whole days, so a
# percentile is exact from the counts) per leaf unit and per category, channel and kind. The
# service rolls the leaf units up the organisation, each level's percentiles from its summed
# histogram, so the levels cost no second look at the cases.
_COUNTS = """
    count(*) AS cases,
    count(ack_days) AS acknowledged,
    count(*) FILTER (WHERE ack_in_time) AS acknowledged_in_time,
    count(answer_days) AS answered,
    count(*) FILTER (WHERE answer_in_time) AS answered_in_time,
    count(*) FILTER (WHERE broken) AS not_kept,
    count(*) FILTER (WHERE repeat_decision = 'confirmed') AS repeats,
    count(*) FILTER (WHERE repeat_flagged) AS repeats_flagged,
    count(*) FILTER (WHERE repeat_decision = 'dismissed') AS repeats_dismissed,
    count(rating) AS ratings,
    coalesce(sum(rating), 0) AS rating_sum,
    count(*) FILTER (WHERE overdue) AS overdue
"""
# Every set per tertial (1: Jan–Apr, 2: May–Aug, 3: Sep–Dec), so one pass gives T1, T2 and VB.
GROUPING_SETS = tuple((*columns, "tertial") for columns in (
    ("unit_id", "kind"), ("category_code",), ("channel",), ("status",),
    ("unit_id", "ack_days"), ("unit_id", "answer_days"), ("category_code", "ack_days"), ("category_code", "answer_days"),
    ("channel", "ack_days"), ("channel", "answer_days"), ("kind", "ack_days"), ("kind", "answer_days"),
))
GROUPED = ("unit_id", "kind", "category_code", "channel", "status", "ack_days", "answer_days", "tertial")
_TERTIAL = "(extract(month FROM c.received_at AT TIME ZONE 'Europe/Stockholm')::int + 3) / 4"
# Each case of the committee's period as the statistics count it (the aggregation below groups these;
# the worker keeps them one by one, feedback.statistics.incremental).
_CASES = f"""
    SELECT c.id, c.unit_id, c.kind, c.channel, c.category_code, c.status, c.rating,
           c.acknowledged_working_days AS ack_days, c.answered_working_days AS answer_days,
           c.acknowledged_in_time AS ack_in_time, c.answered_in_time AS answer_in_time,
           r.decision AS repeat_decision, r.case_id IS NOT NULL AS repeat_flagged, coalesce(b.broken, false) AS broken,
           b.guarantee_id, b.promise_id,
           (c.status = 'received' AND c.acknowledge_due < :today)
             OR (c.status IN ('received', 'acknowledged', 'assigned', 'in_progress', 'reopened') AND c.answer_due < :today)
             AS overdue,
           {_TERTIAL} AS tertial
    FROM cases c
    LEFT JOIN case_repeats r ON r.case_id = c.id
    LEFT JOIN broken_promise_assessments b ON b.case_id = c.id
    WHERE c.committee_id = :committee_id AND c.received_at >= :start AND c.received_at < :end
"""
_FIGURES = text(f"""
SELECT grouping({", ".join(GROUPED)}) AS grouping_bits, {", ".join(GROUPED)}, {_COUNTS}
FROM ({_CASES}) AS base
GROUP BY GROUPING SETS ({", ".join("(" + ", ".join(columns) + ")" for columns in GROUPING_SETS)})
""")
_CASES_OF_YEAR = text(_CASES)
_CASES_BY_ID = text(_CASES + " AND c.id = ANY(:ids)")

_PROMISES = text(f"""
    SELECT c.unit_id, b.guarantee_id, b.promise_id, {_TERTIAL} AS tertial, count(*) AS cases
    FROM cases c JOIN broken_promise_assessments b ON b.case_id = c.id AND b.broken
    WHERE c.committee_id = :committee_id AND c.received_at >= :start AND c.received_at < :end
    GROUP BY 1, 2, 3, 4
""")


def grouped_by(grouping_bits: int) -> tuple[str, ...]:
    """The columns besides the tertial a row of the grouping sets is grouped by (a bit is set for
    each column not grouped)."""
    return tuple(column for position, column in enumerate(GROUPED)
                 if column != "tertial" and not grouping_bits & (1 << (len(GROUPED) - 1 - position)))


@dataclass(frozen=True)
class TreeUnit:
    unit_id: uuid.UUID
    parent_id: uuid.UUID | None
    type: str
    code: str
    name: str


# Built once with parameters: the worker asks for a tree every round, and building the recursive
# CTE anew cost it more than running it.
_TREE = subtree_cte(org_tables, root_id=bindparam("committee_id", type_=Uuid), as_of=bindparam("on", type_=Date))
_COMMITTEE_TREE = select(_TREE.c.unit_id, _TREE.c.parent_id, _TREE.c.type, _TREE.c.code, _TREE.c.name).order_by(
    _TREE.c.depth, _TREE.c.code)


async def committee_tree(session: AsyncSession, *, committee_id: uuid.UUID, on: date) -> list[TreeUnit]:
    """The committee and every unit under it in effect on the day, parents before children."""
    rows = await session.execute(_COMMITTEE_TREE, {"committee_id": committee_id, "on": on})
    return [TreeUnit(*row) for row in rows]


async def figures(session: AsyncSession, *, committee_id: uuid.UUID, start: datetime, end: datetime, today: date) -> list:
    # A short query over many rows: compiling it (JIT) costs more than it saves. The planner
    # overestimates the groups (hundreds of thousands; a committee has a few thousand) and with
    # the default work_mem sorts for every grouping set instead of hashing them in one pass
    # (3.2 s against 0.9 s for 200,000 cases); the hash tables use ~20 MB.
    await session.execute(text("SET LOCAL jit = off"))
    await session.execute(text("SET LOCAL work_mem = '256MB'"))
    params = {"committee_id": committee_id, "start": start, "end": end, "today": today}
    return list(await session.execute(_FIGURES, params))


async def promises_not_kept(session: AsyncSession, *, committee_id: uuid.UUID, start: datetime, end: datetime) -> list:
    """Confirmed broken promises per unit the case is with."""
    return list(await session.execute(_PROMISES, {"committee_id": committee_id, "start": start, "end": end}))


_TAKE = text("""
    -- By the array of ids, found through the primary key: a join with the claimed rows could be
    -- planned as a nested loop over the whole table (fresh marks have no statistics). Nothing is
    -- taken unless the committee's transaction-level lock is had (evaluated once, an InitPlan).
    DELETE FROM statistics_dirty WHERE id = ANY(ARRAY(
        SELECT id FROM statistics_dirty
        WHERE committee_id = :committee_id AND (SELECT pg_try_advisory_xact_lock(:lock_key, hashtext(CAST(:committee_id AS text))))
        ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED
    )) RETURNING received_on, case_id
""")


async def marked_committees(session: AsyncSession) -> list[uuid.UUID]:
    return list(await session.scalars(select(statistics_dirty.c.committee_id).distinct()))


async def take_dirty(
    session: AsyncSession, *, committee_id: uuid.UUID, limit: int, lock_key: int,
) -> tuple[dict[int, set | None], int]:
    """Claims and removes up to ``limit`` marks of the committee, if the caller's transaction gets
    the committee's advisory lock (``lock_key``, the committee's hash): per year marked, the cases
    that changed, or None when a mark names none (the whole year to be counted again); and how
    many marks were taken. The transaction keeps them claimed until it commits; a failure puts
    them back."""
    years: dict[int, set | None] = {}
    taken = 0
    for received_on, case_id in await session.execute(_TAKE, {"committee_id": committee_id, "limit": limit, "lock_key": lock_key}):
        taken += 1
        cases = years.setdefault(received_on.year, set())
        if cases is None or case_id is None:
            years[received_on.year] = None
        else:
            cases.add(case_id)
    return years, taken


async def case_contributions(
    session: AsyncSession, *, committee_id: uuid.UUID, year: int, today: date, case_ids: list | None = None,
) -> list:
    """The committee's cases received in the year (or those of ``case_ids`` still among them), a row
    each as the statistics count it."""
    from feedback.statistics.periods import Period

    start, end = Period(year, "VB").bounds()
    params = {"committee_id": committee_id, "start": start, "end": end, "today": today}
    if case_ids is None:
        await session.execute(text("SET LOCAL jit = off"))
        return list(await session.execute(_CASES_OF_YEAR, params))
    return list(await session.execute(_CASES_BY_ID, params | {"ids": case_ids}))


_NEXT_GENERATION = text("""
    WITH before AS (
        SELECT generation FROM statistics_generations WHERE committee_id = :committee_id AND year = :year FOR UPDATE
    ), written AS (
        INSERT INTO statistics_generations (committee_id, year, generation) VALUES (:committee_id, :year, :generation)
        ON CONFLICT (committee_id, year) DO UPDATE SET generation = excluded.generation
    )
    SELECT generation FROM before
""")


async def next_generation(session: AsyncSession, *, committee_id: uuid.UUID, year: int, generation: uuid.UUID) -> uuid.UUID | None:
    """Writes the committee year's new generation (in the caller's transaction); returns the one it replaces."""
    return await session.scalar(_NEXT_GENERATION, {"committee_id": committee_id, "year": year, "generation": generation})


async def published_of_year(session: AsyncSession, *, committee_id: uuid.UUID, year: int) -> dict[tuple, tuple[int, dict]]:
    """What was last published for the committee's units in the year: (unit, period) → (revision, figures)."""
    rows = await session.execute(
        select(unit_statistics.c.unit_id, unit_statistics.c.period, unit_statistics.c.revision, unit_statistics.c.figures)
        .where(unit_statistics.c.committee_id == committee_id, unit_statistics.c.period.like(f"{year:04d}-%"))
    )
    return {(row.unit_id, row.period): (row.revision, row.figures) for row in rows}


async def published(session: AsyncSession, *, unit_ids: list[uuid.UUID], period: str) -> dict[uuid.UUID, tuple[int, dict]]:
    rows = await session.execute(
        select(unit_statistics.c.unit_id, unit_statistics.c.revision, unit_statistics.c.figures)
        .where(unit_statistics.c.unit_id.in_(unit_ids), unit_statistics.c.period == period).with_for_update()
    )
    return {row.unit_id: (row.revision, row.figures) for row in rows}


async def store_published_many(
    session: AsyncSession, *, period: str, committee_id: uuid.UUID, computed_at: datetime, figures: dict[uuid.UUID, dict],
) -> dict:
    """Stores the units' published figures of a committee's period, each with a revision one higher
    than the stored one (1 for the first), in one statement whatever their number: unit → revision."""
    result = await session.execute(_STORE_PUBLISHED_MANY, {
        "period": period, "committee_id": committee_id, "computed_at": computed_at, "unit_ids": list(figures),
        "figures": [orjson.dumps(document).decode() for document in figures.values()],
    })
    return {row.unit_id: row.revision for row in result}


_STORE_PUBLISHED_MANY = text("""
INSERT INTO unit_statistics (unit_id, period, committee_id, revision, figures, computed_at)
SELECT unit_id, :period, :committee_id, 1, CAST(figures AS jsonb), :computed_at
FROM unnest(CAST(:unit_ids AS uuid[]), CAST(:figures AS text[])) AS u(unit_id, figures)
ON CONFLICT (unit_id, period) DO UPDATE SET committee_id = excluded.committee_id, figures = excluded.figures,
    computed_at = excluded.computed_at, revision = unit_statistics.revision + 1
RETURNING unit_id, revision
""")


async def marked(session: AsyncSession, *, committee_id: uuid.UUID, first_day: date, end_day: date) -> bool:
    """Whether a change of the committee's cases received in [first_day, end_day) awaits the worker."""
    found = await session.scalar(select(statistics_dirty.c.id).where(
        statistics_dirty.c.committee_id == committee_id, statistics_dirty.c.received_on >= first_day,
        statistics_dirty.c.received_on < end_day,
    ).limit(1))
    return found is not None


async def stored_statistics(session: AsyncSession, *, committee_id: uuid.UUID, period: str) -> Row | None:
    return (await session.execute(select(committee_statistics).where(
        committee_statistics.c.committee_id == committee_id, committee_statistics.c.period == period))).first()


async def remove_statistics(session: AsyncSession, *, committee_id: uuid.UUID, year: int) -> None:
    """Removes the committee's stored statistics of the year (requests compute them until stored again)."""
    await session.execute(delete(committee_statistics).where(
        committee_statistics.c.committee_id == committee_id, committee_statistics.c.period.like(f"{year:04d}-%")))


async def generation(session: AsyncSession, *, committee_id: uuid.UUID, year: int) -> uuid.UUID | None:
    return await session.scalar(select(statistics_generations.c.generation).where(
        statistics_generations.c.committee_id == committee_id, statistics_generations.c.year == year))


async def store_statistics(session: AsyncSession, *, values: dict) -> None:
    upsert = insert(committee_statistics).values(**values)
    await session.execute(upsert.on_conflict_do_update(
        index_elements=[committee_statistics.c.committee_id, committee_statistics.c.period],
        set_={key: upsert.excluded[key] for key in values if key not in ("committee_id", "period")},
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
    for guarantee_id, promise_id, promise_text, broken, count in assessed:
        entry(promise_id, guarantee_id, promise_text)["broken" if broken else "kept"] += count
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
