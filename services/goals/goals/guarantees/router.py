"""HTTP API of quality guarantees: staff write and read them; anyone, portals included, reads published ones."""

import uuid
from typing import Annotated

from contracts.guarantees import GuaranteeStatus, QualityGuaranteeState
from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit.auth import CurrentPrincipal
from servicekit.concurrency import require_if_match, with_etag
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, page_params

from goals.access import require_reader, scope_filter
from goals.guarantees import service
from goals.guarantees.repository import GUARANTEES, VERSIONS
from goals.guarantees.schemas import (
    GuaranteeAdoption, GuaranteeChange, GuaranteeCreate, GuaranteeWithdrawal, PublishedQualityGuarantee,
)
from goals.problems import problems

router = APIRouter(route_class=TransactionalRoute, tags=["quality guarantees"])


@router.post(
    "/quality-guarantees",
    status_code=201,
    response_model=QualityGuaranteeState,
    dependencies=[Depends(idempotency_key)],
    summary="Write a unit's quality guarantee for a year",
    description="Skriv enhetens kvalitetsgaranti på stadens mall: verksamhetsidé, löften till invånarna (each may rest "
    "on one of the unit's commitments), rutin för synpunkter och klagomål and the unit's official public contact channel. "
    "Version 1, a draft (utkast); it is adopted with the business plan. Unit manager or controller in scope. "
    "Accepts Idempotency-Key.",
    responses=problems(403, 422),
)
async def create_quality_guarantee(
    body: GuaranteeCreate, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> QualityGuaranteeState:
    state = await service.create(session, principal, data=body)
    response.headers["location"] = request.app.url_path_for("get_quality_guarantee", guarantee_id=str(state.id))
    return with_etag(response, state)


@router.get(
    "/quality-guarantees",
    response_model=Page[QualityGuaranteeState],
    summary="List quality guarantees (newest version of each)",
    description="Kvalitetsgarantier för enheterna i din organisationsomfattning, newest year first; filter by unit, "
    "within (a unit and the units below it), year and status of the newest version.",
    responses=problems(403),
)
async def list_quality_guarantees(
    session: Session,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, Depends(page_params)],
    unit_id: uuid.UUID | None = None,
    within: Annotated[uuid.UUID | None, Query(description="Only this unit and the units below it.")] = None,
    year: int | None = None,
    status: GuaranteeStatus | None = None,
) -> Page[QualityGuaranteeState]:
    require_reader(principal)
    where = [clause for clause in (
        scope_filter(principal, GUARANTEES.c.unit_id, within=within),
        GUARANTEES.c.unit_id == unit_id if unit_id else None,
        GUARANTEES.c.year == year if year else None,
        VERSIONS.c.status == status.value if status else None,
    ) if clause is not None]
    items, next_cursor = await service.list_latest(session, where=where, params=params)
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/quality-guarantees/{guarantee_id}",
    name="get_quality_guarantee",
    response_model=QualityGuaranteeState,
    summary="Read a quality guarantee (its newest version)",
    description="Kvalitetsgarantins senaste version with its status; the ETag is the guarantee's revision.",
    responses=problems(403, 404),
)
async def get_quality_guarantee(guarantee_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> QualityGuaranteeState:
    versions = await service.load(session, principal, guarantee_id=guarantee_id, roles=None)
    return with_etag(response, versions[-1])


@router.get(
    "/quality-guarantees/{guarantee_id}/versions",
    response_model=list[QualityGuaranteeState],
    summary="Every version of a quality guarantee",
    description="Alla versioner, oldest first; promise ids stay the same across them.",
    responses=problems(403, 404),
)
async def list_quality_guarantee_versions(guarantee_id: uuid.UUID, session: Session, principal: CurrentPrincipal) -> list[QualityGuaranteeState]:
    return await service.load(session, principal, guarantee_id=guarantee_id, roles=None)


@router.patch(
    "/quality-guarantees/{guarantee_id}",
    response_model=QualityGuaranteeState,
    summary="Change a quality guarantee",
    description="Ändra kvalitetsgarantin. A draft is edited in place; once adopted, a change starts a new version "
    "(a draft) and the earlier versions are kept; the published one stays public until a newer one is published. "
    "Keep a promise by sending its id. Requires If-Match. Unit manager or controller in scope.",
    responses=problems(403, 404, 412, 422, 428),
)
async def change_quality_guarantee(
    guarantee_id: uuid.UUID, body: GuaranteeChange, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> QualityGuaranteeState:
    versions = await service.load(session, principal, guarantee_id=guarantee_id, roles=service.WRITER_ROLES, lock=True)
    require_if_match(request, versions[-1].revision)
    return with_etag(response, await service.change(session, principal, versions=versions, data=body))


@router.post(
    "/quality-guarantees/{guarantee_id}/adoption",
    response_model=QualityGuaranteeState,
    summary="Adopt the newest draft by a decision",
    description="Fastställ den senaste versionen genom beslut (e.g. a change after the business plan was adopted; the "
    "plan's own adoption adopts the guarantee with it). The deciding body is the unit's committee or a unit above it; "
    "never by whoever wrote the version. Requires If-Match. Committee role in scope.",
    responses=problems(403, 404, 412, 422, 428),
)
async def adopt_quality_guarantee(
    guarantee_id: uuid.UUID, body: GuaranteeAdoption, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> QualityGuaranteeState:
    versions = await service.load(session, principal, guarantee_id=guarantee_id, roles=service.DECIDER_ROLES, lock=True)
    require_if_match(request, versions[-1].revision)
    return with_etag(response, await service.adopt(session, principal, versions=versions, decision=body.decision))


@router.post(
    "/quality-guarantees/{guarantee_id}/publication",
    response_model=QualityGuaranteeState,
    summary="Publish the newest adopted version",
    description="Publicera kvalitetsgarantin för invånarna; the version published before is superseded (ersatt). "
    "Records goals.guarantee.published. Requires If-Match. Unit manager, controller or committee in scope.",
    responses=problems(403, 404, 412, 422, 428),
)
async def publish_quality_guarantee(
    guarantee_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> QualityGuaranteeState:
    versions = await service.load(session, principal, guarantee_id=guarantee_id, roles=service.PUBLISHER_ROLES, lock=True)
    require_if_match(request, versions[-1].revision)
    return with_etag(response, await service.publish(session, versions=versions))


@router.post(
    "/quality-guarantees/{guarantee_id}/withdrawal",
    response_model=QualityGuaranteeState,
    summary="Withdraw the published guarantee",
    description="Återkalla den publicerade kvalitetsgarantin; portals no longer show it. Records goals.guarantee.withdrawn. "
    "Requires If-Match. Unit manager, controller or committee in scope.",
    responses=problems(403, 404, 412, 422, 428),
)
async def withdraw_quality_guarantee(
    guarantee_id: uuid.UUID, body: GuaranteeWithdrawal, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> QualityGuaranteeState:
    versions = await service.load(session, principal, guarantee_id=guarantee_id, roles=service.PUBLISHER_ROLES, lock=True)
    require_if_match(request, versions[-1].revision)
    return with_etag(response, await service.withdraw(session, versions=versions, reason=body.reason))


async def require_public_reader(principal: CurrentPrincipal) -> None:
    """Published guarantees are public: portals (any portal key), staff with a role, keys with a goals scope."""
    if principal.actor_kind == "portal":
        return
    require_reader(principal)


@router.get(
    "/published-quality-guarantees",
    response_model=Page[PublishedQualityGuarantee],
    dependencies=[Depends(require_public_reader)],
    summary="A unit's or a committee's published quality guarantees",
    description="Publicerade kvalitetsgarantier för en enhet (unit_id) eller alla enheter under en nämnd (committee_id), "
    "as residents read them. Portal keys may read these and nothing else in goals.",
    responses=problems(403, 422),
)
async def list_published_quality_guarantees(
    session: Session,
    params: Annotated[PageParams, Depends(page_params)],
    unit_id: Annotated[uuid.UUID | None, Query(description="The unit (enhet).")] = None,
    committee_id: Annotated[uuid.UUID | None, Query(description="The committee (nämnd): every unit below it.")] = None,
    year: Annotated[int | None, Query(description="Verksamhetsår.")] = None,
) -> Page[PublishedQualityGuarantee]:
    items, next_cursor = await service.list_published(session, unit_id=unit_id, committee_id=committee_id, year=year, params=params)
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/published-quality-guarantees/{guarantee_id}",
    response_model=PublishedQualityGuarantee,
    dependencies=[Depends(require_public_reader)],
    summary="Read one published quality guarantee",
    description="Den publicerade versionen av en kvalitetsgaranti; 404 when none is published.",
    responses=problems(403, 404),
)
async def get_published_quality_guarantee(guarantee_id: uuid.UUID, session: Session) -> PublishedQualityGuarantee:
    return await service.published_one(session, guarantee_id=guarantee_id)


