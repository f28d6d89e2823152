"""Publishing ``feedback.unit-statistics.changed``: the worker drains the marks the ``cases``
trigger leaves, recomputes each marked committee's affected periods once (a burst of cases is one
recomputation), and publishes, through the outbox, every unit (at every level) whose figures
changed, with a revision one higher than the last for that unit and period.

One worker at a time per committee (a transaction-level advisory lock on the committee): two
would compute the same unit from different moments and could publish the older figures with the
higher revision. Committees are independent, so several are worked on at once.
"""

import time
from datetime import datetime

from contracts.feedback import SCHEMA_VERSION, UNIT_STATISTICS_CHANGED, UnitStatistics, UnitStatisticsChanged
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.events.outbox import EventPublisher

from servicekit.orgtree import stockholm_today

from feedback.statistics import incremental, repository, service

publisher = EventPublisher("feedback")
LOCK_KEY = 0x46_42_53_54  # "FBST", with the committee's hash as the second key
NOTIFY_CHANNEL = "feedback_statistics"  # the cases trigger's NOTIFY (migration 0010), the committee as payload


async def publish_committee(
    session: AsyncSession, computed: service.Computed, published: dict | None = None, signatures: dict | None = None,
) -> int:
    """Publishes the units of one computed committee period whose figures changed; returns how many.

    ``published``: (unit, period) → (revision, figures) as last published, kept by the caller
    (feedback.statistics.incremental) and brought up to date here; None: read from the table.
    ``signatures``: kept by the caller with ``published`` (see ``changed_units``)."""
    period = computed.period.name
    if published is None:
        stored = await repository.published(session, unit_ids=[unit.unit_id for unit in computed.tree], period=period)
        published = {(unit_id, period): entry for unit_id, entry in stored.items()}
    missing = [unit.unit_id for unit in computed.tree if (unit.unit_id, period) not in published]
    if missing:  # units new to the committee (moved here, or never published): as the table has them
        stored = await repository.published(session, unit_ids=missing, period=period)
        published |= {(unit_id, period): stored.get(unit_id, (0, None)) for unit_id in missing}
    changed = changed_units(computed, published, signatures)
    if not changed:
        return 0
    # The revisions counted in the table, so each is one higher than the last whoever published it.
    revisions = await repository.store_published_many(
        session, period=period, committee_id=computed.committee_id, computed_at=computed.computed_at,
        figures={unit.unit_id: document for unit, _, document, _ in changed},
    )
    events = []
    for unit, figures, document, signature in changed:
        revision = revisions[unit.unit_id]
        published[(unit.unit_id, period)] = (revision, document)
        if signatures is not None:
            signatures[(unit.unit_id, period)] = (signature, published[(unit.unit_id, period)])
        statistics = UnitStatistics(
            unit_id=unit.unit_id, unit_kind=service.unit_kind(unit.type), committee_id=computed.committee_id, period=period,
            revision=revision, minimum_cell=computed.min_cell, computed_at=computed.computed_at,
            **figures.model_dump(),
        )
        events.append((UNIT_STATISTICS_CHANGED, f"{unit.unit_id}/{period}", UnitStatisticsChanged(statistics=statistics)))
    await publisher.record_many(session, events, schema_version=SCHEMA_VERSION)
    return len(changed)


def changed_units(computed: service.Computed, published: dict, signatures: dict | None = None) -> list[tuple]:
    """The units of the period whose figures differ from what ``published`` holds, as (unit,
    figures, document, signature); the caller stores them and brings ``published`` (and
    ``signatures``) up to date.

    A unit's figures depend only on its row, its suppressed cells, its broken promises and the
    minimum cell (service.figures_of): ``signatures`` ((unit, period) → those, and the entry of
    ``published`` they were compared with) lets a unit whose inputs and entry are the same as last
    time be passed over without building its figures (the same figures would be equal again)."""
    period = computed.period.name
    hidden: dict = {}
    if signatures is not None:
        for row_key, measure in computed.hidden:
            hidden.setdefault(row_key, set()).add(measure)
    changed = []
    for unit in computed.tree:
        key, row_key = (unit.unit_id, period), ("unit", unit.unit_id)
        signature = None
        if signatures is not None:
            signature = (computed.rows.get(row_key), hidden.get(row_key), computed.promises_of(unit.unit_id), computed.min_cell)
            seen = signatures.get(key)
            if seen is not None and seen[1] is published[key] and seen[0] == signature:
                continue
        figures = service.Figures(**service.figures_of(computed, row_key, with_promises=True))
        document = figures.model_dump(mode="json") | {"minimum_cell": computed.min_cell}
        _, before = published[key]
        never_any = not computed.rows.get(row_key, {}).get("cases")
        if not (before == document or (before is None and never_any)):
            changed.append((unit, figures, document, signature))
        elif signatures is not None:
            signatures[key] = (signature, published[key])
    return changed


async def marked_committees(session: AsyncSession) -> list:
    return await repository.marked_committees(session)


async def publish_marked(
    session: AsyncSession, *, committee_id, min_cell: int, batch: int, now: datetime,
) -> tuple[int, int]:
    """One committee's round in the caller's transaction: (marks taken, events published).

    The marked cases are applied to the committee's year as this worker keeps it
    (feedback.statistics.incremental); the year's three periods are rendered and protected from it
    as the full computation does, and only what changed is published and stored."""
    # Nothing taken when another worker is at this committee (its lock is taken with the marks).
    years, taken = await repository.take_dirty(session, committee_id=committee_id, limit=batch, lock_key=LOCK_KEY)
    published = 0
    today = stockholm_today()
    tree = await repository.committee_tree(session, committee_id=committee_id, on=today) if years else []
    digest = service.tree_digest(tree)
    # The year's periods are protected together, so a change in one may move suppression in another.
    for year in sorted(years):
        try:
            state = await incremental.year_for_round(session, committee_id=committee_id, year=year, today=today,
                                                     case_ids=years[year], tree_digest=digest)
            computed_year = service.year_from(state.aggregate, committee_id=committee_id, year=year, min_cell=min_cell,
                                              today=today, tree=tree, earlier=state.earlier, changed=state.changed)
            for part, computed in computed_year.items():
                # A period whose sums were taken over unchanged (service.year_from) with the same cells
                # suppressed publishes what it published last round: nothing.
                seen = state.rendered.get(part)
                if seen is not None and seen[0] is computed.rows and seen[1] == computed.hidden:
                    continue
                published += await publish_committee(session, computed, state.published, state.signatures)
                state.rendered[part] = (computed.rows, computed.hidden)
            await _store_or_defer(session, state, computed_year)
        except BaseException:
            incremental.forget(committee_id, year)  # what it holds may be ahead of what the transaction keeps
            raise
    return taken, published


# The committee statistics (rendered whole for the requests, service.store) are written by the round
# that follows a quiet spell of the committee's year; while cases keep coming (rounds less than this
# apart) the stored ones are removed once (a request computes them) and written when the year has
# been quiet this long (store_deferred). Rendering a whole committee every round would cost more
# than the round itself, for figures the next case makes old: a committee's statistics are asked
# for far less often than its cases come in.
STORE_QUIET_SECONDS = 2.0


async def _store_or_defer(session: AsyncSession, state: incremental.Year, computed_year: dict) -> None:
    clock = time.monotonic()
    quiet_before, state.last_round = clock - state.last_round >= STORE_QUIET_SECONDS, clock
    if quiet_before:
        for computed in computed_year.values():
            await service.store(session, computed, last=state.stored)
        state.unstored = None
        return
    if state.unstored is None:
        await repository.remove_statistics(session, committee_id=state.committee_id, year=state.year)
        state.stored = {}
    state.unstored = computed_year


def deferred() -> list[incremental.Year]:
    """The committee years whose statistics wait to be stored, quiet long enough."""
    clock = time.monotonic()
    return [state for state in incremental.years() if state.unstored is not None and clock - state.last_round >= STORE_QUIET_SECONDS]


def next_deferred_in() -> float | None:
    """Seconds until the next deferred store is due, or None when none waits."""
    waiting = [state.last_round + STORE_QUIET_SECONDS for state in incremental.years() if state.unstored is not None]
    return max(0.0, min(waiting) - time.monotonic()) if waiting else None


async def store_deferred(session: AsyncSession, state: incremental.Year) -> bool:
    """Stores a quiet committee year's statistics as this worker last computed them, in the caller's
    transaction, if nobody has worked on the year since (its generation is still this worker's)."""
    if not await session.scalar(select(func.pg_try_advisory_xact_lock(LOCK_KEY, func.hashtext(str(state.committee_id))))):
        return False
    computed_year, state.unstored = state.unstored, None
    if await repository.generation(session, committee_id=state.committee_id, year=state.year) != state.generation:
        incremental.forget(state.committee_id, state.year)
        return False
    for computed in computed_year.values():
        await service.store(session, computed, last=state.stored)
    return True
