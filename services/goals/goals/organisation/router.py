"""Write API of the organisation tree and the unit-type catalogue; reads come from servicekit.orgtree."""

import uuid

import orjson
from fastapi import APIRouter, Depends, Request, Response

from servicekit.auth import require_access
from servicekit.concurrency import require_if_match, set_etag
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key
from servicekit.openapi import openapi_problems
from servicekit.orgtree import OrganisationUnit, read_access, render_unit

from goals.organisation import service
from goals.organisation.rules import ALLOWED_PARENTS, SWEDISH_NAMES
from goals.organisation.schemas import UnitChange, UnitClosure, UnitCreate, UnitTypeInfo

write_access = require_access(roles=("admin",), key_scopes=("goals:write",))
_PROBLEMS = {
    403: "Not allowed for this role or key scope.",
    404: "No such organisation unit.",
    412: "If-Match names an older revision.",
    422: "Invalid input or a rule of the tree is broken (invalid parent, cycle, code in use, children left, too early).",
    428: "If-Match is missing.",
}

router = APIRouter(route_class=TransactionalRoute, tags=["organisation"], dependencies=[write_access])


@router.post(
    "/organisation-units",
    status_code=201,
    response_model=OrganisationUnit,
    dependencies=[Depends(idempotency_key)],
    summary="Create an organisation unit",
    description="Skapa en organisationsenhet från ett datum. Accepts Idempotency-Key. The reply shows the unit as of its first day.",
    responses=openapi_problems(_PROBLEMS, 403, 422),
)
async def create_organisation_unit(body: UnitCreate, session: Session, request: Request, response: Response) -> OrganisationUnit:
    state = await service.create_unit(session, data=body)
    response.headers["location"] = request.app.url_path_for("get_organisation_unit", unit_id=str(state.id))
    set_etag(response, state.revision)
    return render_unit(state, state.versions[0].valid_from)


@router.patch(
    "/organisation-units/{unit_id}",
    response_model=OrganisationUnit,
    summary="Rename, recode or move an organisation unit from a date",
    description="Byt namn, kod eller överordnad enhet från ett datum (omorganisation). Requires If-Match. "
    "The reply shows the unit as of the effective date.",
    responses=openapi_problems(_PROBLEMS, 403, 404, 412, 422, 428),
)
async def change_organisation_unit(
    unit_id: uuid.UUID, body: UnitChange, session: Session, request: Request, response: Response
) -> OrganisationUnit:
    state = await service.lock_unit(session, unit_id=unit_id)
    require_if_match(request, state.revision)
    state = await service.change_unit(session, state=state, change=body)
    set_etag(response, state.revision)
    return render_unit(state, body.effective_date)


@router.post(
    "/organisation-units/{unit_id}/closure",
    response_model=OrganisationUnit,
    summary="Close an organisation unit from a date",
    description="Lägg ned en enhet från ett datum (nedläggning); units under it must be closed or moved first. "
    "Requires If-Match. The reply shows the unit as of the closing day (status closed).",
    responses=openapi_problems(_PROBLEMS, 403, 404, 412, 422, 428),
)
async def close_organisation_unit(
    unit_id: uuid.UUID, body: UnitClosure, session: Session, request: Request, response: Response
) -> OrganisationUnit:
    state = await service.lock_unit(session, unit_id=unit_id)
    require_if_match(request, state.revision)
    state = await service.close_unit(session, state=state, effective_date=body.effective_date)
    set_etag(response, state.revision)
    return render_unit(state, body.effective_date)


unit_types_router = APIRouter(tags=["organisation"], dependencies=[read_access])
# Static, so serialised once; the endpoint touches neither the database nor pydantic per request.
_UNIT_TYPES_JSON = orjson.dumps(
    [
        UnitTypeInfo(type=unit_type, name_sv=SWEDISH_NAMES[unit_type], allowed_parent_types=list(parents)).model_dump(mode="json")
        for unit_type, parents in ALLOWED_PARENTS.items()
    ]
)


@unit_types_router.get(
    "/unit-types",
    response_model=list[UnitTypeInfo],
    summary="List organisation unit types and where each may sit",
    description="Enhetstyper (stad, stadsdelsnämnd, facknämnd, bolagsstyrelse, förvaltning, avdelning, enhet, entreprenör) "
    "and the parent types each allows.",
)
async def list_unit_types() -> Response:
    return Response(_UNIT_TYPES_JSON, media_type="application/json")
