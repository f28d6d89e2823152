"""HTTP API of budget figures (budgetuppföljning): import, read one unit's year, list."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from servicekit.auth import CurrentPrincipal
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, page_params
from servicekit.problems import ProblemError

from goals.access import require_reader, require_recorder, require_unit_access, scope_filter
from goals.budget import service
from goals.budget.repository import YEARS
from goals.budget.schemas import BudgetImport, BudgetImportResult, BudgetYear
from goals.problems import problems

router = APIRouter(route_class=TransactionalRoute, tags=["budget figures"])


async def import_access(principal: CurrentPrincipal) -> None:
    """Importing records data, which a system key may do; no person's judgement is involved."""
    require_recorder(principal)


@router.post(
    "/budget-figures/imports",
    response_model=BudgetImportResult,
    dependencies=[Depends(import_access), Depends(idempotency_key)],
    summary="Import budget tables (budget / utfall / avvikelse)",
    description="Importera budgetuppföljning per enhet och år: intäkter, kostnader, varav löner, varav övrigt, netto. "
    "Avvikelse is computed as budget − utfall; a stated deviation that disagrees is reported per line in the reply "
    "and not stored as given. A table already stored as given is left unchanged. Any bad entry (unknown unit, year "
    "out of range, unit not in effect that year, a table twice) rejects the whole file with a 422 listing each entry's "
    "position. Admin or a key with goals:write. Accepts Idempotency-Key.",
    responses=problems(403, 422),
)
async def import_budget_figures(body: BudgetImport, session: Session, principal: CurrentPrincipal) -> BudgetImportResult:
    return await service.import_budget(session, data=body, recorded_by=principal.subject)


@router.get(
    "/organisation-units/{unit_id}/budget-figures/{year}",
    response_model=BudgetYear,
    summary="Read a unit's budget table for a year",
    description="Budget, utfall och avvikelse för en enhet och ett år, with the lines whose stated deviation disagreed. "
    "Staff in whose organisation scope the unit lies, city-wide roles, or a goals key.",
    responses=problems(403, 404),
)
async def get_budget_figures(unit_id: uuid.UUID, year: int, session: Session, principal: CurrentPrincipal) -> BudgetYear:
    await require_unit_access(session, principal, unit_id=unit_id, year=year, roles=None)
    found = await service.get_year(session, unit_id=unit_id, year=year)
    if found is None:
        raise ProblemError(404, f"No budget figures for unit {unit_id} in {year}.", kind="budget-figures-not-found")
    return found


@router.get(
    "/budget-figures",
    response_model=Page[BudgetYear],
    summary="List budget tables",
    description="Budgetuppföljning för enheterna i din organisationsomfattning, newest year first. Filter by year, "
    "unit_id, or within (a unit and everything below it).",
    responses=problems(403),
)
async def list_budget_figures(
    session: Session,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, Depends(page_params)],
    year: Annotated[int | None, Query(description="Budgetår.")] = None,
    unit_id: Annotated[uuid.UUID | None, Query(description="Only this unit.")] = None,
    within: Annotated[uuid.UUID | None, Query(description="Only this unit and the units below it.")] = None,
) -> Page[BudgetYear]:
    require_reader(principal)
    where = [clause for clause in (
        scope_filter(principal, YEARS.c.unit_id, within=within),
        YEARS.c.year == year if year is not None else None,
        YEARS.c.unit_id == unit_id if unit_id is not None else None,
    ) if clause is not None]
    items, next_cursor = await service.list_years(session, where=where, params=params)
    return Page(items=items, next_cursor=next_cursor)
