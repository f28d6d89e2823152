"""The worker's committee years kept up to date case by case, instead of aggregated again per round.

A committee's year (``service.YearAggregate``: counts and working-day histograms per tertial, leaf
unit and breakdown) is held in the worker's memory with each case's contribution to it. A round
takes the committee's marks (each names the case that changed, see migration 0010), reads those
cases as they are now, takes each one's old contribution out and its new one in, and renders and
protects the year from the aggregate (``service.year_from``) — the same code the full computation
runs after its SQL aggregation, so the figures are the same.

What the memory holds is valid only as long as nobody else worked on the committee's year: every
round writes a fresh generation token for the year (``statistics_generations``) in its
transaction, and a worker finding another token than the one it last wrote (another worker was
there, or its own round rolled back) loads the year again from the database. So does a mark without a case (the generator's, or one
from before migration 0010) and a new day (the overdue counts move with the date).
"""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from feedback.statistics import repository, service

# What a case adds to the aggregate: the tertial, its unit, kind, category, channel and status,
# its counts (service.COUNTS, as 0/1 or the rating), its working days and its broken promise.
Contribution = tuple


def contribution(row) -> Contribution:
    counts = (
        1, int(row.ack_days is not None), int(bool(row.ack_in_time)), int(row.answer_days is not None),
        int(bool(row.answer_in_time)), int(row.broken), int(row.repeat_decision == "confirmed"), int(row.repeat_flagged),
        int(row.repeat_decision == "dismissed"), int(row.rating is not None), row.rating or 0, int(bool(row.overdue)),
    )
    promise = (row.guarantee_id, row.promise_id) if row.broken else None
    return (row.tertial, row.unit_id, row.kind, row.category_code, row.channel, row.status, counts, row.ack_days,
            row.answer_days, promise)


def _add(counter: Counter, counts: tuple, sign: int, extra: str | None = None) -> None:
    for name, value in zip(service.COUNTS, counts, strict=True):
        counter[name] += sign * value
    if extra is not None:
        counter[extra] += sign


def apply(aggregate: service.YearAggregate, case: Contribution, sign: int) -> None:
    """Adds (sign 1) or takes out (sign −1) one case, as the SQL aggregation would count it."""
    t, unit_id, kind, category, channel, status, counts, ack_days, answer_days, promise = case
    keys = [((t, unit_id), aggregate.leaf, f"kind_{kind}")] + [
        ((t, row_key), aggregate.counts, None)
        for row_key in (("kind", kind), ("category", category), ("channel", channel), ("status", status))
    ]
    for key, table, extra in keys:
        counter = table[key]
        _add(counter, counts, sign, extra)
        if counter["cases"] == 0:
            del table[key]
    for timing, days in (("ack_days", ack_days), ("answer_days", answer_days)):
        if days is None:
            continue
        for row_key in (("leaf", unit_id), ("category", category), ("channel", channel), ("kind", kind)):
            timings = aggregate.histograms[(t, row_key)]
            histogram = timings[timing]
            histogram[days] += sign
            if histogram[days] == 0:
                del histogram[days]
                if not histogram:
                    del timings[timing]
                    if not timings:
                        del aggregate.histograms[(t, row_key)]
    if promise is not None:
        key = (t, unit_id, *promise)
        aggregate.promises[key] += sign
        if aggregate.promises[key] == 0:
            del aggregate.promises[key]


@dataclass
class Year:
    committee_id: uuid.UUID
    year: int
    today: date
    generation: uuid.UUID
    cases: dict[uuid.UUID, Contribution] = field(default_factory=dict)
    aggregate: service.YearAggregate = field(default_factory=service.YearAggregate)
    # What was last published per (unit, period): (revision, document); loaded with the year and
    # again when the committee's tree changes (a unit moved in may have been published by another).
    published: dict = field(default_factory=dict)
    tree_digest: str = ""
    signatures: dict = field(default_factory=dict)  # with ``published``: publisher.changed_units
    stored: dict = field(default_factory=dict)  # period → the committee statistics last stored (service.store)
    earlier: dict = field(default_factory=dict)  # period → its sums as service.year_from last worked them out
    rendered: dict = field(default_factory=dict)  # period → (its sums, its suppressed cells) as last published
    changed: set | None = None  # the tertials the last round's cases were or are in; None: all of them
    unstored: dict | None = None  # the periods computed since, waiting to be stored (publisher.store_deferred)
    last_round: float = float("-inf")  # time.monotonic() of the last round (publisher._store_or_defer)


# This worker's committee years: (committee_id, year) → Year; and how often each was loaded whole.
_years: dict[tuple, Year] = {}
loads: Counter = Counter()


def years() -> list[Year]:
    return list(_years.values())


def forget(committee_id: uuid.UUID, year: int) -> None:
    _years.pop((committee_id, year), None)


async def load(session: AsyncSession, *, committee_id: uuid.UUID, year: int, today: date, generation: uuid.UUID) -> Year:
    """The committee's year from the database: every case's contribution and the published figures."""
    loads[(committee_id, year)] += 1
    state = Year(committee_id, year, today, generation)
    for row in await repository.case_contributions(session, committee_id=committee_id, year=year, today=today):
        case = contribution(row)
        state.cases[row.id] = case
        apply(state.aggregate, case, 1)
    state.published = await repository.published_of_year(session, committee_id=committee_id, year=year)
    _years[(committee_id, year)] = state
    return state


async def year_for_round(
    session: AsyncSession, *, committee_id: uuid.UUID, year: int, today: date, case_ids: set | None, tree_digest: str,
) -> Year:
    """The committee's year with the marked cases applied (all of it loaded again when ``case_ids``
    is None or what this worker holds is not of the last committed round), under a new generation
    written in the caller's transaction. The caller forgets the year if its transaction fails."""
    generation = uuid.uuid4()
    before = await repository.next_generation(session, committee_id=committee_id, year=year, generation=generation)
    state = _years.get((committee_id, year))
    if case_ids is None or state is None or before is None or state.generation != before or state.today != today:
        state = await load(session, committee_id=committee_id, year=year, today=today, generation=generation)
        state.tree_digest = tree_digest
        return state
    state.generation = generation
    state.changed = set()
    if state.tree_digest != tree_digest:
        state.published = await repository.published_of_year(session, committee_id=committee_id, year=year)
        state.tree_digest, state.signatures = tree_digest, {}
        state.earlier, state.rendered, state.changed = {}, {}, None
    found = {row.id: contribution(row) for row in await repository.case_contributions(
        session, committee_id=committee_id, year=year, today=today, case_ids=sorted(case_ids, key=str))}
    for case_id in case_ids:
        old, new = state.cases.get(case_id), found.get(case_id)
        if old == new:  # written, but nothing the statistics count changed
            continue
        for case, sign in ((old, -1), (new, 1)):
            if case is not None:
                apply(state.aggregate, case, sign)
                if state.changed is not None:
                    state.changed.add(case[0])
        if new is None:
            del state.cases[case_id]
        else:
            state.cases[case_id] = new
    return state
