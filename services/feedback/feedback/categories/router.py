"""Categories (kategorier) and each committee's routing of them (handläggande enhet per kategori)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from servicekit.auth import CurrentPrincipal, public, service_reader
from servicekit.concurrency import locked_at_revision, with_etag
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key

from feedback.categories import service
from feedback.categories.schemas import CODE_PATTERN, Category, CategoryChange, CategoryCreate, Route, RouteSet
from feedback.problems import problems

router = APIRouter(route_class=TransactionalRoute, tags=["categories"])
CategoryCode = Annotated[str, Path(pattern=CODE_PATTERN, description="Kategorikod (Open311 service_code).")]


@router.get(
    "/categories", response_model=list[Category], dependencies=[public], summary="List categories",
    description="Kategorier för synpunkter, gemensamma för hela staden; each is an Open311 service. Public.",
)
async def list_categories(session: Session) -> list[Category]:
    return await service.list_categories(session)


@router.post(
    "/categories", status_code=201, response_model=Category, dependencies=[Depends(idempotency_key)],
    summary="Create a category", description="Skapa en kategori (admin). Accepts Idempotency-Key.",
    responses=problems(403, 409, 422),
)
async def create_category(body: CategoryCreate, session: Session, principal: CurrentPrincipal, request: Request, response: Response) -> Category:
    category = await service.create_category(session, principal=principal, data=body)
    response.headers["location"] = request.app.url_path_for("get_category", code=category.code)
    return with_etag(response, category)


@router.get(
    "/categories/{code}", response_model=Category, name="get_category", dependencies=[public], summary="Read a category",
    description="En kategori. Public.", responses=problems(404),
)
async def get_category(code: CategoryCode, session: Session, response: Response) -> Category:
    category = service.render_category(await service.get_category(session, code=code))
    return with_etag(response, category)


@router.patch(
    "/categories/{code}", response_model=Category, summary="Change a category",
    description="Ändra namn, beskrivning, grupp, sökord eller aktiv (admin). Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def change_category(
    code: CategoryCode, body: CategoryChange, session: Session, principal: CurrentPrincipal, request: Request, response: Response
) -> Category:
    row = await locked_at_revision(request, service.get_category, session, code=code)
    category = await service.change_category(session, principal=principal, row=row, change=body)
    return with_etag(response, category)


@router.get(
    "/committees/{committee_id}/category-routes", response_model=list[Route], dependencies=[service_reader],
    summary="List a committee's routing of categories",
    description="Nämndens val av handläggande enhet per kategori.", responses=problems(403, 422),
)
async def list_category_routes(committee_id: uuid.UUID, session: Session) -> list[Route]:
    return await service.list_routes(session, committee_id=committee_id)


@router.put(
    "/committees/{committee_id}/category-routes/{code}", response_model=Route,
    summary="Route a category to one of the committee's units",
    description="Ange vilken av nämndens enheter som handlägger kategorin (controller, committee). "
    "A whole small value, replaced as sent; who and when are recorded.",
    responses=problems(403, 422),
)
async def set_category_route(
    committee_id: uuid.UUID, code: CategoryCode, body: RouteSet, session: Session, principal: CurrentPrincipal
) -> Route:
    return await service.set_route(session, principal=principal, committee_id=committee_id, category_code=code, unit_id=body.unit_id)


@router.delete(
    "/committees/{committee_id}/category-routes/{code}", status_code=204,
    summary="Remove a category's route", description="Ta bort nämndens val; such cases go to the central intake.",
    responses=problems(403, 404, 422),
)
async def delete_category_route(committee_id: uuid.UUID, code: CategoryCode, session: Session, principal: CurrentPrincipal) -> Response:
    await service.delete_route(session, principal=principal, committee_id=committee_id, category_code=code)
    return Response(status_code=204)
