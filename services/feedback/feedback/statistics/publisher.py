"""Publishing ``feedback.unit-statistics.changed``: the worker drains the marks the ``cases``
trigger leaves, recomputes each marked committee's affected periods once (a burst of cases is one
recomputation), and publishes, through the outbox, every unit (at every level) whose figures
changed, with a revision one higher than the last for that unit and period.

One worker at a time per committee (a transaction-level advisory lock on the committee): two
would compute the same unit from different moments and could publish the older figures with the
higher revision. Committees are independent, so several are worked on at once.
"""

from datetime import datetime

from contracts.feedback import SCHEMA_VERSION, UNIT_STATISTICS_CHANGED, UnitStatistics, UnitStatisticsChanged
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.events.outbox import EventPublisher

from feedback.statistics import repository, service

publisher = EventPublisher("feedback")
LOCK_KEY = 0x46_42_53_54  # "FBST", with the committee's hash as the second key


async def publish_committee(session: AsyncSession, computed: service.Computed) -> int:
    """Publishes the units of one computed committee period whose figures changed; returns how many."""
    period = computed.period.name
    stored = await repository.published(session, unit_ids=[unit.unit_id for unit in computed.tree], period=period)
    made = 0
    for unit in computed.tree:
        figures = service.Figures(**service.figures_of(computed, ("unit", unit.unit_id), with_promises=True))
        document = figures.model_dump(mode="json") | {"minimum_cell": computed.min_cell}
        revision, before = stored.get(unit.unit_id, (0, None))
        never_any = not computed.rows.get(("unit", unit.unit_id), {}).get("cases")
        if before == document or (before is None and never_any):
            continue
        statistics = UnitStatistics(
            unit_id=unit.unit_id, unit_kind=service.unit_kind(unit.type), committee_id=computed.committee_id, period=period,
            revision=revision + 1, minimum_cell=computed.min_cell, computed_at=computed.computed_at,
            **figures.model_dump(),
        )
        await repository.store_published(session, values={
            "unit_id": unit.unit_id, "period": period, "committee_id": computed.committee_id, "revision": revision + 1,
            "figures": document, "computed_at": computed.computed_at,
        })
        await publisher.record(
            session, type=UNIT_STATISTICS_CHANGED, subject=f"{unit.unit_id}/{period}", schema_version=SCHEMA_VERSION,
            data=UnitStatisticsChanged(statistics=statistics),
        )
        made += 1
    return made


async def marked_committees(session: AsyncSession) -> list:
    return await repository.marked_committees(session)


async def publish_marked(
    session: AsyncSession, *, committee_id, min_cell: int, batch: int, now: datetime,
) -> tuple[int, int]:
    """One committee's round in the caller's transaction: (marks taken, events published)."""
    if not await session.scalar(select(func.pg_try_advisory_xact_lock(LOCK_KEY, func.hashtext(str(committee_id))))):
        return 0, 0  # another worker is at this committee
    marks = await repository.take_dirty(session, committee_id=committee_id, limit=batch)
    published = 0
    # The year's periods are protected together, so a change in one may move suppression in another.
    for year in sorted({earliest.year for _, earliest, _ in marks}):
        for computed in (await service.compute_year(session, committee_id=committee_id, year=year, min_cell=min_cell)).values():
            published += await publish_committee(session, computed)
            await service.store(session, computed)
    return sum(row.marks for row in marks), published
