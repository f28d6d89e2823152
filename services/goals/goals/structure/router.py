"""HTTP API of the goal structure: goal levels, goals and the line of sight."""

import uuid
from typing import Annotated

from contracts.goals import GoalState, GoalStatus
from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit.auth import CurrentPrincipal
from servicekit.concurrency import require_if_match, with_etag
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, page_params

from goals import access
from goals.problems import problems
from goals.structure import service
from goals.structure.schemas import GoalChange, GoalCreate, GoalLevel, GoalLevelChange, GoalLevelCreate

router = APIRouter(route_class=TransactionalRoute, tags=["goal structure"])


@router.get(
    "/goal-levels",
    response_model=list[GoalLevel],
    summary="List the goal levels",
    description="Målnivåerna i stadens målstruktur (ILS), uppifrån: vision, kommunfullmäktiges inriktningsmål, "
    "KF:s mål för verksamhetsområdet, nämndmål. Levels are configuration; commitments (åtaganden) hang on the lowest.",
    responses=problems(403),
)
async def list_goal_levels(session: Session, principal: CurrentPrincipal) -> list[GoalLevel]:
    access.require_reader(principal)
    return [service.render_level(row) for row in await service.repository.list_levels(session)]


@router.post(
    "/goal-levels",
    status_code=201,
    response_model=GoalLevel,
    dependencies=[Depends(idempotency_key)],
    summary="Add a goal level",
    description="Lägg till en målnivå (admin). Allowed only where no goal exists yet at its rank or below, "
    "so that no existing link skips it. Accepts Idempotency-Key.",
    responses=problems(403, 422),
)
async def create_goal_level(body: GoalLevelCreate, session: Session, principal: CurrentPrincipal, response: Response) -> GoalLevel:
    access.require_staff_role(principal, ("admin",))
    level = await service.create_level(session, data=body)
    return with_etag(response, level)


@router.patch(
    "/goal-levels/{code}",
    response_model=GoalLevel,
    summary="Rename a goal level or change who owns and writes its goals",
    description="Ändra en målnivå (admin): namn, tidshorisont, ägande enhetstyper, skrivande roller. Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def change_goal_level(
    code: str, body: GoalLevelChange, session: Session, principal: CurrentPrincipal, request: Request, response: Response
) -> GoalLevel:
    access.require_staff_role(principal, ("admin",))
    level = await service.lock_level(session, code=code)
    require_if_match(request, level.revision)
    changed = await service.change_level(session, level=level, change=body)
    return with_etag(response, changed)


@router.get(
    "/goals",
    response_model=Page[GoalState],
    summary="List goals",
    description="Mål i målstrukturen, filtered by level, owning unit, a year they hold in, parent or status.",
    responses=problems(403),
)
async def list_goals(
    session: Session,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, Depends(page_params)],
    level: Annotated[str | None, Query(description="Målnivå, e.g. committee_goal (nämndmål).")] = None,
    unit_id: Annotated[uuid.UUID | None, Query(description="Owning organisation unit.")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200, description="Only goals that hold in this year.")] = None,
    parent_id: Annotated[uuid.UUID | None, Query(description="Only goals supporting this goal.")] = None,
    status: GoalStatus | None = None,
) -> Page[GoalState]:
    access.require_reader(principal)
    items, next_cursor = await service.list_goals(
        session, params=params, level=level, unit_id=unit_id, year=year, parent_id=parent_id,
        status=status.value if status else None,
    )
    return Page(items=items, next_cursor=next_cursor)


@router.post(
    "/goals",
    status_code=201,
    response_model=GoalState,
    dependencies=[Depends(idempotency_key)],
    summary="Create a goal",
    description="Skapa ett mål på en nivå för en enhet och ett år eller en period, med målet ovanför som det stödjer. "
    "KF levels are written by admin for the city; nämndmål by the committee (committee role) in its scope. "
    "A link that skips or inverts levels, lies outside the parent's years or loops is a 422. Accepts Idempotency-Key.",
    responses=problems(403, 422),
)
async def create_goal(body: GoalCreate, session: Session, principal: CurrentPrincipal, request: Request, response: Response) -> GoalState:
    state = await service.create_goal(session, principal=principal, data=body)
    response.headers["location"] = request.app.url_path_for("get_goal", goal_id=str(state.id))
    return with_etag(response, state)


@router.get(
    "/goals/{goal_id}",
    response_model=GoalState,
    name="get_goal",
    summary="Read a goal",
    description="Ett mål med nivå, ägande enhet, år och målet ovanför.",
    responses=problems(403, 404),
)
async def get_goal(goal_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> GoalState:
    access.require_reader(principal)
    state = service.render_goal(await service.get_goal(session, goal_id=goal_id))
    return with_etag(response, state)


@router.patch(
    "/goals/{goal_id}",
    response_model=GoalState,
    summary="Change or withdraw a goal",
    description="Ändra ett mål (titel, beskrivning, länk uppåt, år) eller upphäv det (status withdrawn). "
    "The rules of creation apply; goals and commitments below must still fit. Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def change_goal(
    goal_id: uuid.UUID, body: GoalChange, session: Session, principal: CurrentPrincipal, request: Request, response: Response
) -> GoalState:
    goal = await service.get_goal(session, goal_id=goal_id, lock=True)
    await service.authorise_goal_write(session, principal, goal=goal)
    require_if_match(request, goal.revision)
    state = await service.change_goal(session, goal=goal, change=body)
    return with_etag(response, state)
