"""HTTP API of indicators: definitions, targets, values and their imports, units' external ids."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request, Response

from servicekit.auth import CurrentPrincipal
from servicekit.concurrency import require_if_match, set_etag, with_etag
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key
from servicekit.orgtree import get_unit_state
from servicekit.pagination import Page, PageParams, page_params
from servicekit.problems import ProblemError

from goals.access import require_reader, require_recorder, scope_filter
from goals.indicators import parsing, repository, service
from goals.indicators.schemas import (
    ExternalIds, Gender, Indicator, IndicatorChange, IndicatorCreate, IndicatorValue, KoladaImport, Period, Target, TargetChange,
    TargetCreate, ValueImportResult,
)
from goals.models import org_tables
from goals.problems import problems

router = APIRouter(route_class=TransactionalRoute, tags=["indicators"])


async def catalogue_access(principal: CurrentPrincipal) -> None:
    """Definitions are the city's catalogue: admin, city_controller, or a system key with goals:write."""
    if principal.actor_kind == "staff" and "city_controller" in principal.roles:
        return
    require_recorder(principal)


async def import_access(principal: CurrentPrincipal) -> None:
    """Values and external ids are recorded from other systems: admin or a system key with goals:write."""
    require_recorder(principal)


# --- definitions -------------------------------------------------------------------------------

@router.post(
    "/indicators", status_code=201, response_model=Indicator, dependencies=[Depends(catalogue_access), Depends(idempotency_key)],
    summary="Define an indicator",
    description="Definiera en indikator: kod, titel, måttenhet, om högre eller lägre är bättre, källa (e.g. a Kolada KPI id), "
    "könsuppdelad eller inte, antal decimaler, volymmått eller inte. Admin, city_controller or a goals:write key. "
    "Accepts Idempotency-Key.",
    responses=problems(403, 422),
)
async def create_indicator(body: IndicatorCreate, session: Session, request: Request, response: Response) -> Indicator:
    indicator = await service.create_indicator(session, data=body)
    response.headers["location"] = request.app.url_path_for("get_indicator", indicator_id=str(indicator.id))
    return with_etag(response, indicator)


@router.get(
    "/indicators", response_model=Page[Indicator], summary="List indicators",
    description="Indikatorer i kodordning; filter by source or Kolada KPI id.", responses=problems(403),
)
async def list_indicators(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    source: str | None = None, kolada_kpi_id: str | None = None,
) -> Page[Indicator]:
    require_reader(principal)
    table = repository.INDICATORS
    where = [clause for clause in (
        table.c.source == source if source else None,
        table.c.kolada_kpi_id == kolada_kpi_id.upper() if kolada_kpi_id else None,
    ) if clause is not None]
    return await service.list_indicators(session, where=where, params=params)


@router.get(
    "/indicators/{indicator_id}", name="get_indicator", response_model=Indicator, summary="Read an indicator",
    description="En indikators definition; the ETag is its revision.", responses=problems(403, 404),
)
async def get_indicator(indicator_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> Indicator:
    require_reader(principal)
    row = await repository.get_indicator(session, indicator_id=indicator_id)
    if row is None:
        raise ProblemError(404, f"No indicator {indicator_id}.", kind="indicator-not-found")
    set_etag(response, row.revision)
    return service.render_indicator(row)


@router.patch(
    "/indicators/{indicator_id}", response_model=Indicator, dependencies=[Depends(catalogue_access)], summary="Change an indicator",
    description="Ändra en indikators definition (the code and source stay). Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def change_indicator(indicator_id: uuid.UUID, body: IndicatorChange, session: Session, request: Request, response: Response) -> Indicator:
    row = await service.lock_indicator(session, indicator_id=indicator_id)
    require_if_match(request, row.revision)
    indicator = await service.change_indicator(session, row=row, data=body)
    return with_etag(response, indicator)


# --- targets -----------------------------------------------------------------------------------

@router.post(
    "/indicator-targets", status_code=201, response_model=Target, dependencies=[Depends(idempotency_key)],
    summary="Set a target for an indicator on a goal or commitment",
    description="Sätt ett målvärde för en indikator på ett mål eller ett åtagande för en period inom dess år. A committee "
    "goal's target by the committee or its controller; a commitment's by its unit manager or controller (in scope). "
    "Accepts Idempotency-Key.",
    responses=problems(403, 422),
)
async def create_indicator_target(body: TargetCreate, session: Session, principal: CurrentPrincipal, request: Request, response: Response) -> Target:
    target = await service.create_target(session, principal, data=body)
    response.headers["location"] = request.app.url_path_for("get_indicator_target", target_id=str(target.id))
    return with_etag(response, target)


@router.get(
    "/indicator-targets", response_model=Page[Target], summary="List indicator targets",
    description="Målvärden i din organisationsomfattning; filter by indicator, goal, commitment, unit (within) and period.",
    responses=problems(403),
)
async def list_indicator_targets(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    indicator_id: uuid.UUID | None = None, goal_id: uuid.UUID | None = None, commitment_id: uuid.UUID | None = None,
    within: Annotated[uuid.UUID | None, Query(description="Only this unit and the units below it.")] = None,
    period: Period | None = None,
) -> Page[Target]:
    require_reader(principal)
    table = repository.TARGETS
    where = [clause for clause in (
        scope_filter(principal, table.c.unit_id, within=within),
        table.c.indicator_id == indicator_id if indicator_id else None,
        table.c.goal_id == goal_id if goal_id else None,
        table.c.commitment_id == commitment_id if commitment_id else None,
        table.c.period == period if period else None,
    ) if clause is not None]
    return await service.list_targets(session, where=where, params=params)


@router.get(
    "/indicator-targets/{target_id}", name="get_indicator_target", response_model=Target, summary="Read an indicator target",
    description="Ett målvärde; the ETag is its revision.", responses=problems(403, 404),
)
async def get_indicator_target(target_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> Target:
    row = await service.load_target(session, principal, target_id=target_id, write=False)
    set_etag(response, row.revision)
    return service.render_target(row)


@router.patch(
    "/indicator-targets/{target_id}", response_model=Target, summary="Change an indicator target",
    description="Ändra målvärdet eller jämförelsen. Requires If-Match.", responses=problems(403, 404, 412, 422, 428),
)
async def change_indicator_target(
    target_id: uuid.UUID, body: TargetChange, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> Target:
    row = await service.load_target(session, principal, target_id=target_id, write=True)
    require_if_match(request, row.revision)
    target = await service.change_target(session, row=row, data=body)
    return with_etag(response, target)


# --- values ------------------------------------------------------------------------------------

@router.post(
    "/indicator-values/imports/kolada", response_model=ValueImportResult, dependencies=[Depends(import_access), Depends(idempotency_key)],
    summary="Import indicator values in Kolada's shape",
    description="Importera utfall i Koladas svarsformat: `{\"count\": n, \"values\": [{\"kpi\", \"municipality\" | \"ou\", "
    "\"period\", \"values\": [{\"gender\", \"count\", \"status\", \"value\"}]}]}`. Indicators are found by their Kolada KPI "
    "id, units by their Kolada ids (see external-ids). The same file again changes nothing; a changed value becomes a new "
    "version. Any bad entry rejects the whole file (422 listing each entry's JSON pointer). Admin or a goals:write key.",
    responses=problems(403, 422),
)
async def import_kolada_values(request: Request, body: KoladaImport, session: Session, principal: CurrentPrincipal) -> ValueImportResult:
    raw = await request.body()
    return await service.import_values(session, entries=parsing.from_kolada(body), body=raw, source="kolada", recorded_by=principal.subject)


@router.post(
    "/indicator-values/imports/csv", response_model=ValueImportResult, dependencies=[Depends(import_access), Depends(idempotency_key)],
    summary="Import indicator values as CSV",
    description="Importera utfall som CSV (UTF-8, comma or semicolon; with semicolons decimal commas are read). Header: "
    "`indicator` (our code) or `kpi` (Kolada id); `unit_code`, `ou` or `municipality`; `period`; `value`; optional "
    "`gender` (T/K/M, default T), `count`, `status`. An empty value is skipped. Same rules as the Kolada import; "
    "positions are CSV line numbers (the header is line 1).",
    openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}},
    responses=problems(403, 422),
)
async def import_csv_values(request: Request, session: Session, principal: CurrentPrincipal) -> ValueImportResult:
    raw = await request.body()
    return await service.import_values(session, entries=parsing.from_csv(raw), body=raw, source="csv", recorded_by=principal.subject)


def _value_filters(principal, *, indicator_id, unit_id, within, period, gender, year):
    table = repository.VALUES
    return [clause for clause in (
        scope_filter(principal, table.c.unit_id, within=within),
        table.c.indicator_id == indicator_id if indicator_id else None,
        table.c.unit_id == unit_id if unit_id else None,
        table.c.period == period if period else None,
        table.c.gender == gender.value if gender else None,
        table.c.period.startswith(str(year)) if year else None,
    ) if clause is not None]


@router.get(
    "/indicator-values", response_model=Page[IndicatorValue], summary="List indicator values in force",
    description="Utfall i kraft (the newest version of each) för enheterna i din organisationsomfattning; filter by "
    "indicator, unit, within, period, year and gender.",
    responses=problems(403),
)
async def list_indicator_values(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    indicator_id: uuid.UUID | None = None, unit_id: uuid.UUID | None = None,
    within: Annotated[uuid.UUID | None, Query(description="Only this unit and the units below it.")] = None,
    period: Period | None = None, year: Annotated[int | None, Query(ge=1990, le=2100)] = None, gender: Gender | None = None,
) -> Page[IndicatorValue]:
    require_reader(principal)
    where = _value_filters(principal, indicator_id=indicator_id, unit_id=unit_id, within=within, period=period, gender=gender, year=year)
    return await service.list_values(session, where=[*where, repository.VALUES.c.current], params=params)


@router.get(
    "/indicator-values/versions", response_model=Page[IndicatorValue], summary="Every version of indicator values",
    description="Alla versioner av utfallen, the earlier ones beside the one in force (current), oldest version first per value.",
    responses=problems(403),
)
async def list_indicator_value_versions(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    indicator_id: uuid.UUID | None = None, unit_id: uuid.UUID | None = None,
    within: Annotated[uuid.UUID | None, Query(description="Only this unit and the units below it.")] = None,
    period: Period | None = None, year: Annotated[int | None, Query(ge=1990, le=2100)] = None, gender: Gender | None = None,
) -> Page[IndicatorValue]:
    require_reader(principal)
    where = _value_filters(principal, indicator_id=indicator_id, unit_id=unit_id, within=within, period=period, gender=gender, year=year)
    return await service.list_values(session, where=where, params=params)


# --- external ids of units ---------------------------------------------------------------------

async def _external_ids(session, unit_id: uuid.UUID, *, lock: bool):
    if await get_unit_state(session, org_tables, unit_id=unit_id) is None:
        raise ProblemError(404, f"No organisation unit {unit_id}.", kind="unit-not-found")
    return await repository.get_external_ids(session, unit_id=unit_id, lock=lock)


@router.get(
    "/organisation-units/{unit_id}/external-ids", response_model=ExternalIds, summary="Read a unit's external ids",
    description="Externa id:n: Kolada's municipality and organisational-unit ids, by which imports find the unit. "
    "The ETag is \"0\" while none are set.",
    responses=problems(403, 404),
)
async def get_external_ids(unit_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> ExternalIds:
    require_reader(principal)
    row = await _external_ids(session, unit_id, lock=False)
    set_etag(response, row.revision if row else 0)
    return ExternalIds.model_validate(row, from_attributes=True) if row else ExternalIds()


@router.put(
    "/organisation-units/{unit_id}/external-ids", response_model=ExternalIds,
    dependencies=[Depends(import_access)],
    summary="Set a unit's external ids",
    description="Sätt enhetens Kolada-id:n (the whole set; omit one to clear it). Each id names one unit. Requires If-Match "
    "(\"0\" the first time). Admin or a goals:write key.",
    responses=problems(403, 404, 412, 422, 428),
)
async def put_external_ids(
    unit_id: uuid.UUID, body: Annotated[ExternalIds, Body()], session: Session, request: Request, response: Response,
) -> ExternalIds:
    row = await _external_ids(session, unit_id, lock=True)
    revision = row.revision if row else 0
    require_if_match(request, revision)
    await repository.save_external_ids(session, unit_id=unit_id, revision=revision + 1, values=body.model_dump())
    set_etag(response, revision + 1)
    return body
