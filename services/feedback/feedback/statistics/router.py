"""GET /committees/{id}/statistics: what a committee needs to follow up the feedback it receives."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import Integer, and_, case, cast, func, select

from servicekit.auth import CurrentPrincipal
from servicekit.db import Session, TransactionalRoute
from servicekit.orgtree import stockholm_today

from feedback import access, organisation
from feedback.deadlines.repository import ACK_PENDING, ANSWER_PENDING
from feedback.models import broken_promise_assessments, case_repeats, cases, guarantee_promises
from feedback.problems import problems

router = APIRouter(route_class=TransactionalRoute, tags=["statistics"])


class RepeatCounts(BaseModel):
    """Upprepade klagomål among the year's cases: a signal, never hidden by merging them."""

    flagged: int = Field(description="Cases flagged as resembling an earlier open case.")
    confirmed: int = Field(description="Confirmed by the handler (now duplicates of the earlier case).")
    dismissed: int = Field(description="Dismissed by the handler: not a repeat.")
    undecided: int = Field(description="Flagged, no decision yet.")


class PromiseCounts(BaseModel):
    """One promise of a quality guarantee among the year's cases."""

    guarantee_id: uuid.UUID | None = Field(description="None: named by senders, the guarantee no longer published, never assessed.")
    promise_id: uuid.UUID
    promise_text: str | None
    named: int = Field(description="Cases whose sender said this promise was broken.")
    broken: int = Field(description="Garantin hölls inte: confirmed broken by the handler.")
    kept: int = Field(description="Assessed by the handler as kept.")


class CommitteeStatistics(BaseModel):
    committee_id: uuid.UUID
    year: int
    received: int = Field(description="Mottagna ärenden under året.")
    by_kind: dict[str, int]
    by_status: dict[str, int]
    by_channel: dict[str, int]
    overdue: int = Field(description="Försenade nu: a deadline passed and still unmet.")
    answered: int
    answered_in_time: int = Field(description="Besvarade senast sista svarsdag.")
    average_rating: float | None = Field(description="Residents' average rating (1–5) of the handling.")
    repeats: RepeatCounts
    guarantees_not_kept: int = Field(description="Cases where the handler confirmed a promise broken.")
    promises: list[PromiseCounts] = Field(description="Per guarantee and promise named or assessed.")


@router.get(
    "/committees/{committee_id}/statistics", response_model=CommitteeStatistics,
    summary="Follow up a committee's feedback for a year",
    description="Nämndens uppföljning av synpunkter: mottagna per slag, status och kanal, försenade, besvarade "
    "i tid och invånarnas betyg, for the cases received in the year (Europe/Stockholm) by the committee's units.",
    responses=problems(403, 422),
)
async def committee_statistics(
    committee_id: uuid.UUID, session: Session, principal: CurrentPrincipal,
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
    ).where(scope))).one()
    repeat_rows = await session.execute(
        select(case_repeats.c.decision, func.count())
        .join(cases, cases.c.id == case_repeats.c.case_id).where(scope).group_by(case_repeats.c.decision)
    )
    repeats = {decision or "undecided": count for decision, count in repeat_rows}
    promises = await _promise_counts(session, scope)
    return CommitteeStatistics(
        committee_id=committee_id, year=year, received=totals[0], by_kind=await counts(cases.c.kind),
        by_status=await counts(cases.c.status), by_channel=await counts(cases.c.channel), overdue=totals[1],
        answered=totals[2], answered_in_time=totals[3],
        average_rating=round(float(totals[4]), 2) if totals[4] is not None else None,
        repeats=RepeatCounts(
            flagged=sum(repeats.values()), confirmed=repeats.get("confirmed", 0), dismissed=repeats.get("dismissed", 0),
            undecided=repeats.get("undecided", 0),
        ),
        guarantees_not_kept=sum(counts.broken for counts in promises), promises=promises,
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
