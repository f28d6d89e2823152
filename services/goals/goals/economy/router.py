"""HTTP API of economy beside goal fulfilment (ekonomi och måluppfyllelse) and the analysis model."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from servicekit.auth import CurrentPrincipal
from servicekit.db import Session, TransactionalRoute

from goals import access
from goals.economy import model, service
from goals.economy.schemas import Analysis, Economy
from goals.problems import problems

router = APIRouter(route_class=TransactionalRoute, tags=["economy"])

Year = Annotated[int, Query(ge=1990, le=2100)]
Line = Annotated[
    Literal["costs", "net", "salaries", "other"],
    Query(description="Budgetrad: kostnader (default), netto, varav löner, varav övrigt."),
]


@router.get(
    "/organisation-units/{unit_id}/economy",
    response_model=Economy,
    summary="Budget, outcome and deviation beside goal fulfilment, per year",
    description="Ekonomi och måluppfyllelse för en enhet (e.g. a committee) and each unit below it, per year: budget, "
    "utfall, avvikelse on a budget line beside the fulfilment of the year's commitments (verksamhetsberättelse), and "
    "flags where both deviate (over budget and not fulfilled → analysis-required). Readable in the unit's scope (admin "
    "and city controllers anywhere, goals keys).",
    responses=problems(403, 422),
)
async def get_unit_economy(
    unit_id: uuid.UUID, request: Request, session: Session, principal: CurrentPrincipal, from_year: Year, to_year: Year,
    line: Line = "costs",
    tolerance: Annotated[
        float | None, Query(ge=0, le=0.5, description="Share of the budget within which outcome is on budget; default 0.01.")
    ] = None,
) -> Economy:
    years = service.check_years(from_year, to_year)
    await access.require_unit_access(session, principal, unit_id=unit_id, year=from_year, to_year=to_year, roles=None)
    chosen = request.app.state.settings.economy_budget_tolerance if tolerance is None else tolerance
    return await service.economy(session, unit_id=unit_id, years=years, line=line, tolerance=chosen)


@router.get(
    "/economy/analysis",
    response_model=Analysis,
    summary="How cost relates to goal fulfilment, and what if resources change",
    description="Analysmodell: across units and years (the whole city, or the units below `within`), an ordinal logit "
    "(statsmodels OrderedModel) of fulfilment (ej < delvis < uppfyllt) on ln cost, per unit or per user of a volume "
    "indicator, with the coefficient's interval and n; 'what if resources change by change_percent %' as predicted "
    "probabilities of each category with 95 % intervals, never a bare number. " + model.NOT_ENOUGH_RULE + " Only "
    "aggregated figures are shown, so every staff role and goals key may read it.\n\n" + (model.__doc__ or ""),
    responses=problems(403, 422),
)
async def get_economy_analysis(
    session: Session, principal: CurrentPrincipal, from_year: Year, to_year: Year, line: Line = "costs",
    per: Annotated[Literal["unit", "user"], Query(description="Cost per unit (enhet) or per user (brukare).")] = "unit",
    volume_indicator_id: Annotated[uuid.UUID | None, Query(description="Volume indicator (volymmått) for per=user.")] = None,
    within: Annotated[uuid.UUID | None, Query(description="Only this unit and the units below it.")] = None,
    change_percent: Annotated[float, Query(ge=-90, le=300, description="Resursförändring i procent, −90 to 300.")] = 10.0,
) -> Analysis:
    access.require_reader(principal)
    years = service.check_years(from_year, to_year)
    return await service.analysis(
        session, years=years, within=within, line=line, per=per, volume_indicator_id=volume_indicator_id,
        change_percent=change_percent,
    )
