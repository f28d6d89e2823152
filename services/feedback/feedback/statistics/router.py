"""GET /committees/{id}/statistics: what a committee needs to follow up the feedback it receives."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import Integer, and_, case, cast, func, select

from servicekit.auth import CurrentPrincipal
from servicekit.db import Session, TransactionalRoute
from servicekit.orgtree import stockholm_today

from feedback import access, organisation
from feedback.deadlines.repository import ACK_PENDING, ANSWER_PENDING
from feedback.models import broken_promise_assessments, case_repeats, cases, guarantee_promises
from feedback.problems import problems
from feedback.statistics import suppression

router = APIRouter(route_class=TransactionalRoute, tags=["statistics"])


class RepeatCounts(BaseModel):
    """Upprepade klagomål among the year's cases: a signal, never hidden by merging them."""

    flagged: int | None = Field(description="Cases flagged as resembling an earlier open case.")
    confirmed: int | None = Field(description="Confirmed by the handler (now duplicates of the earlier case).")
    dismissed: int | None = Field(description="Dismissed by the handler: not a repeat.")
    undecided: int | None = Field(description="Flagged, no decision yet.")


class PromiseCounts(BaseModel):
    """One promise of a quality guarantee among the year's cases."""

    guarantee_id: uuid.UUID | None = Field(description="None: named by senders, the guarantee no longer published, never assessed.")
    promise_id: uuid.UUID
    promise_text: str | None
    named: int | None = Field(description="Cases whose sender said this promise was broken.")
    broken: int | None = Field(description="Garantin hölls inte: confirmed broken by the handler.")
    kept: int | None = Field(description="Assessed by the handler as kept.")


class CommitteeStatistics(BaseModel):
    committee_id: uuid.UUID
    year: int
    min_cell_size: int = Field(description="Minsta cellstorlek: counts from 1 to this minus one are null (suppressed).")
    received: int | None = Field(description="Mottagna ärenden under året.")
    by_kind: dict[str, int | None]
    by_status: dict[str, int | None]
    by_channel: dict[str, int | None]
    overdue: int | None = Field(description="Försenade nu: a deadline passed and still unmet.")
    answered: int | None
    answered_in_time: int | None = Field(description="Besvarade senast sista svarsdag.")
    average_rating: float | None = Field(
        description="Residents' average rating (1–5) of the handling; null with fewer ratings than the minimum cell size.",
    )
    repeats: RepeatCounts
    guarantees_not_kept: int | None = Field(description="Cases where the handler confirmed a promise broken.")
    promises: list[PromiseCounts] = Field(description="Per guarantee and promise named or assessed.")


@router.get(
    "/committees/{committee_id}/statistics", response_model=CommitteeStatistics,
    summary="Follow up a committee's feedback for a year",
    description="Nämndens uppföljning av synpunkter: mottagna per slag, status och kanal, försenade, besvarade "
    "i tid, invånarnas betyg, upprepade klagomål och garantier som inte hållits, for the cases received in the year "
    "(Europe/Stockholm) by the committee's units. Counts below the minimum cell size are null, and further cells of a "
    "breakdown are nulled so that none can be recovered by subtraction from the totals.",
    responses=problems(403, 422),
)
async def committee_statistics(
    committee_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="Default: this year.")] = None,
) -> CommitteeStatistics:
    today = stockholm_today()
    committee = await organisation.require_committee(session, committee_id=committee_id, on=today)
    access.require_committee_reader(principal, committee_lineage=committee.lineage)
    year = year or today.year
    received_year = func.extract("year", func.timezone("Europe/Stockholm", cases.c.received_at))
    scope = and_(cases.c.committee_id == committee_id, received_year == year)

    async def counts(column) -> dict[str, int]:
        rows = await session.execute(select(column, func.count()).where(scope).group_by(column))
        return {str(value): count for value, count in rows}

    overdue = case(
        (and_(cases.c.status.in_(ACK_PENDING), cases.c.acknowledge_due < today), 1),
        (and_(cases.c.status.in_(ANSWER_PENDING), cases.c.answer_due < today), 1),
        else_=0,
    )
    answered_day = func.date(func.timezone("Europe/Stockholm", cases.c.answered_at))
    totals = (await session.execute(select(
        func.count(), func.coalesce(func.sum(overdue), 0), func.count(cases.c.answered_at),
        func.coalesce(func.sum(cast(answered_day <= cases.c.answer_due, Integer)), 0), func.avg(cases.c.rating),
        func.count(cases.c.rating),
    ).where(scope))).one()
    repeat_rows = await session.execute(
        select(case_repeats.c.decision, func.count())
        .join(cases, cases.c.id == case_repeats.c.case_id).where(scope).group_by(case_repeats.c.decision)
    )
    repeats = {decision or "undecided": count for decision, count in repeat_rows}
    promises = await _promise_counts(session, scope)
    n = request.app.state.statistics_min_cell
    received, overdue_now, answered, in_time, rating, ratings = totals
    # In time and late add up to answered: both suppressed when either is small.
    timeliness = suppression.breakdown({"in_time": in_time, "late": answered - in_time}, n)
    repeat_cells = suppression.breakdown({key: repeats.get(key, 0) for key in ("confirmed", "dismissed", "undecided")}, n)
    not_kept = sum(promise.broken for promise in promises)
    broken = suppression.breakdown({str(promise.promise_id): promise.broken for promise in promises}, n)
    for promise in promises:
        promise.named, promise.kept = suppression.count(promise.named, n), suppression.count(promise.kept, n)
        promise.broken = broken[str(promise.promise_id)]
    return CommitteeStatistics(
        committee_id=committee_id, year=year, min_cell_size=n, received=suppression.count(received, n),
        by_kind=suppression.breakdown(await counts(cases.c.kind), n),
        by_status=suppression.breakdown(await counts(cases.c.status), n),
        by_channel=suppression.breakdown(await counts(cases.c.channel), n),
        overdue=suppression.count(overdue_now, n), answered=suppression.count(answered, n),
        answered_in_time=timeliness["in_time"],
        average_rating=round(float(rating), 2) if rating is not None and ratings >= n else None,
        repeats=RepeatCounts(flagged=suppression.count(sum(repeats.values()), n), **repeat_cells),
        guarantees_not_kept=suppression.count(not_kept, n),
        promises=promises,
    )


async def _promise_counts(session, scope) -> list[PromiseCounts]:
    """What senders named and what handlers assessed, per promise; the assessment's record of the
    guarantee and the promise's words wins over the read model (a guarantee may be withdrawn since)."""
    found: dict[uuid.UUID, PromiseCounts] = {}

    def entry(promise_id, guarantee_id, text) -> PromiseCounts:
        return found.setdefault(promise_id, PromiseCounts(
            guarantee_id=guarantee_id, promise_id=promise_id, promise_text=text, named=0, broken=0, kept=0))

    a = broken_promise_assessments
    assessed = await session.execute(
        select(a.c.guarantee_id, a.c.promise_id, a.c.promise_text, a.c.broken, func.count())
        .join(cases, cases.c.id == a.c.case_id).where(scope)
        .group_by(a.c.guarantee_id, a.c.promise_id, a.c.promise_text, a.c.broken)
    )
    for guarantee_id, promise_id, text, broken, count in assessed:
        counts = entry(promise_id, guarantee_id, text)
        if broken:
            counts.broken += count
        else:
            counts.kept += count
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
        found[promise_id].named += count
    return sorted(found.values(), key=lambda counts: (str(counts.guarantee_id), str(counts.promise_id)))
