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
from feedback.models import case_repeats, cases
from feedback.problems import problems

router = APIRouter(route_class=TransactionalRoute, tags=["statistics"])


class RepeatCounts(BaseModel):
    """Upprepade klagomål among the year's cases: a signal, never hidden by merging them."""

    flagged: int = Field(description="Cases flagged as resembling an earlier open case.")
    confirmed: int = Field(description="Confirmed by the handler (now duplicates of the earlier case).")
    dismissed: int = Field(description="Dismissed by the handler: not a repeat.")
    undecided: int = Field(description="Flagged, no decision yet.")


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
    return CommitteeStatistics(
        committee_id=committee_id, year=year, received=totals[0], by_kind=await counts(cases.c.kind),
        by_status=await counts(cases.c.status), by_channel=await counts(cases.c.channel), overdue=totals[1],
        answered=totals[2], answered_in_time=totals[3],
        average_rating=round(float(totals[4]), 2) if totals[4] is not None else None,
        repeats=RepeatCounts(
            flagged=sum(repeats.values()), confirmed=repeats.get("confirmed", 0), dismissed=repeats.get("dismissed", 0),
            undecided=repeats.get("undecided", 0),
        ),
    )
