"""HTTP API of a committee's statistics (nämndens uppföljning av synpunkter) and its ranking of units."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from servicekit.auth import CurrentPrincipal
from servicekit.db import Session, TransactionalRoute
from servicekit.orgtree import stockholm_today

from feedback.problems import problems
from feedback.statistics import periods, service
from feedback.statistics.schemas import CommitteeStatistics, Ranking, RankingMeasure

router = APIRouter(route_class=TransactionalRoute, tags=["statistics"])
PeriodQuery = Annotated[str | None, Query(max_length=10, description=periods.PERIOD_DESCRIPTION + " Default: this year's VB.")]


def _period(period: str | None, year: int | None) -> periods.Period:
    if period is not None:
        return periods.parse(period)
    return periods.Period(year or stockholm_today().year, "VB")


@router.get(
    "/committees/{committee_id}/statistics", response_model=CommitteeStatistics,
    summary="Follow up a committee's feedback for a period",
    description="Nämndens uppföljning av synpunkter för en period (T1, T2, VB): antal per slag, kategori, kanal och "
    "status, median och 90:e percentil arbetsdagar till bekräftelse och svar, andel i tid, garantier som inte hållits "
    "(per garanti och löfte), upprepade klagomål och invånarnas betyg, for the committee and every unit under it at every "
    "level. Counts below the minimum cell size are null, and further counts are nulled so that none can be recovered by "
    "subtraction along the levels or breakdowns.",
    responses=problems(403, 422),
)
async def committee_statistics(
    committee_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request,
    period: PeriodQuery = None,
    year: Annotated[int | None, Query(ge=2000, le=2099, description="The year's VB, when no period is given.")] = None,
) -> CommitteeStatistics:
    return await service.committee_statistics(
        session, principal=principal, committee_id=committee_id, period=_period(period, year),
        min_cell=request.app.state.statistics_min_cell,
    )


@router.get(
    "/committees/{committee_id}/statistics/ranking", response_model=Ranking,
    summary="Rank a committee's units on a measure",
    description="Rangordning av nämndens enheter på ett nyckeltal (andel besvarade i tid, andel bekräftade i tid, median "
    "arbetsdagar till svar, medelbetyg), only units with at least the minimum volume of cases in the period "
    "(FEEDBACK_RANKING_MIN_VOLUME); asking for a lower volume is refused (422).",
    responses=problems(403, 422),
)
async def rank_units(
    committee_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request,
    period: PeriodQuery = None,
    measure: Annotated[RankingMeasure, Query(description="Nyckeltalet att rangordna på.")] = RankingMeasure.share_answered_within_deadline,
    min_volume: Annotated[int | None, Query(ge=1, le=100000, description="Minsta antal ärenden; not below the configured minimum.")] = None,
) -> Ranking:
    return await service.ranking(
        session, principal=principal, committee_id=committee_id, period=_period(period, None), measure=measure,
        min_cell=request.app.state.statistics_min_cell, configured_min_volume=request.app.state.ranking_min_volume,
        min_volume=min_volume,
    )
