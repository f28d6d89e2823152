"""HTTP API of the comparison index across committees (jämförelseindex)."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from servicekit.auth import CurrentPrincipal
from servicekit.db import Session, TransactionalRoute

from goals import access
from goals.comparison import service
from goals.comparison.schemas import ComparisonIndex
from goals.problems import problems

router = APIRouter(route_class=TransactionalRoute, tags=["comparison"])


@router.get(
    "/comparison-index",
    response_model=ComparisonIndex,
    summary="Compare the committees on a goal or an indicator for a period",
    description="Jämförelseindex mellan nämnder för ett mål eller en indikator och en period, with each committee's "
    "coverage (täckningsgrad), volume and rank, and Kolada's values beside where imported. Readable by every staff role "
    "and goals key, since comparing is its purpose. Built from submitted reports only (inlämnade rapporter): a committee "
    "whose report for the period is not submitted is listed with submitted false, reason report-not-submitted and no "
    "figures, index or rank (the tertial report for T1/T2, the verksamhetsberättelse for VB, a year and its months; a "
    "correction counts once). Bad weights, an unknown "
    "component, a period that is no period or has not begun: a problem document.\n\n" + service.METHOD_DESCRIPTION,
    responses=problems(403, 404, 422),
)
async def get_comparison_index(
    request: Request, session: Session, principal: CurrentPrincipal,
    period: Annotated[str, Query(max_length=10, description="Period: 2015, 2015-T1, 2015-T2, 2015-VB or 2015-03.")],
    goal_id: Annotated[uuid.UUID | None, Query(description="The goal (mål) compared on: its indicators and follow-ups.")] = None,
    indicator_id: Annotated[uuid.UUID | None, Query(description="Or one indicator (indikator).")] = None,
    method: Annotated[Literal["minmax", "zscore"], Query(description="Normalisation: minmax (0–1) or zscore.")] = "minmax",
    min_coverage: Annotated[
        float | None, Query(ge=0, le=1, description="Minsta täckningsgrad for a rank; default the service's setting (0.5).")
    ] = None,
    weights: Annotated[
        str | None, Query(max_length=4000, description="Vikter: 'CODE:0.5,follow-ups:1', each 0–1; default 1 for every component.")
    ] = None,
) -> ComparisonIndex:
    access.require_reader(principal)
    chosen = request.app.state.settings.comparison_min_coverage if min_coverage is None else min_coverage
    return await service.comparison_index(
        session, period_text=period, goal_id=goal_id, indicator_id=indicator_id, method=method, min_coverage=chosen,
        weights_text=weights,
    )
