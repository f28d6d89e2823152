"""HTTP API of the good-examples bank: consents (samtycke), good examples (goda exempel), search and uptake."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit.auth import CurrentPrincipal
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, encode_cursor, page_params
from servicekit.problems import ProblemError

from awards.access import Revisioned, award_admin, problems, reader
from awards.good_examples import service
from awards.good_examples.schemas import (
    Consent,
    ConsentIn,
    ExampleKind,
    ExampleStatus,
    GoodExample,
    GoodExampleChange,
    GoodExampleIn,
    Lens,
    Uptake,
    UptakeIn,
    Withdrawal,
)

router = APIRouter(route_class=TransactionalRoute, tags=["good examples"], dependencies=[reader])
EXAMPLE = "/good-examples/{example_id}"
EXAMPLES = Revisioned(
    visible=lambda session, principal, example_id, lock: service.visible_example(
        session, principal, example_id=example_id, lock=lock),
    render=service.render_one,
)


@router.post(
    "/rounds/{round_id}/consents", status_code=201, response_model=Consent, dependencies=[Depends(idempotency_key)],
    summary="Record a unit's consent to publishing", responses=problems(403, 404, 422),
    description="Samtycke till publicering som gott exempel: given or declined by the unit's manager (unit_manager in scope), "
    "or recorded by the award office (award_admin) saying who decided and when. The latest decision counts; declining "
    "withdraws the unit's published examples of the round. Accepts Idempotency-Key.",
)
async def record_consent(round_id: uuid.UUID, body: ConsentIn, session: Session, principal: CurrentPrincipal) -> Consent:
    return await service.record_consent(session, principal, round_id=round_id, data=body)


@router.get(
    "/rounds/{round_id}/consents", response_model=list[Consent], summary="List the round's consent decisions",
    description="Samtycken i omgången, oldest first, each unit's latest marked current: the award office sees all, "
    "others those of units in their scope.", responses=problems(404),
)
async def list_consents(round_id: uuid.UUID, session: Session, principal: CurrentPrincipal) -> list[Consent]:
    return await service.list_consents(session, principal, round_id=round_id)


@router.post(
    "/good-examples", status_code=201, response_model=GoodExample, dependencies=[award_admin, Depends(idempotency_key)],
    summary="Draft a good example", responses=problems(403, 422),
    description="Nytt gott exempel (utkast) ur en inlämnad ansökan: a winner's practice (practice) or a strong finding "
    "(finding), tagged by rubric area (bedömningsområde) and lens (perspektiv). award_admin. Accepts Idempotency-Key.",
)
async def create_example(body: GoodExampleIn, session: Session, principal: CurrentPrincipal, request: Request,
                         response: Response) -> GoodExample:
    row = await service.create_example(session, principal, data=body)
    response.headers["location"] = request.app.url_path_for("get_example", example_id=str(row.id))
    return await EXAMPLES.answer(session, response, row)


@router.get(
    "/good-examples", response_model=Page[GoodExample], summary="Search the good-examples bank",
    description="Goda exempel, readable by every committee and staff role: full-text search in Swedish (q: words, \"phrases\", "
    "-excluded, or; stemmed with PostgreSQL's 'swedish' configuration, best ranked first), filtered by area, lens, year, "
    "unit, committee, round and kind. Only published examples, except for the award office (status filter).",
)
async def search_examples(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    q: Annotated[str | None, Query(max_length=200, description="Sökord (websearch syntax).")] = None,
    area: Annotated[str | None, Query(pattern=r"^[1-9][0-9]?$", description="Bedömningsområde (area number).")] = None,
    lens: Annotated[Lens | None, Query(description="Perspektiv.")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    unit_id: uuid.UUID | None = None, committee_id: uuid.UUID | None = None, round_id: uuid.UUID | None = None,
    kind: ExampleKind | None = None,
    status: Annotated[ExampleStatus | None, Query(description="draft and withdrawn only for the award office.")] = None,
) -> Page[GoodExample]:
    offset = 0
    if params.cursor is not None:
        offset = params.cursor.get("offset")
        if not isinstance(offset, int) or offset < 0:
            raise ProblemError(400, "The cursor is not one this API issued.", kind="invalid-cursor")
    rows = await service.search(
        session, principal, status=status, offset=offset, limit=params.limit, q=(q or "").strip() or None, area=area,
        lens=lens.value if lens else None, year=year, unit_id=unit_id, committee_id=committee_id, round_id=round_id,
        kind=kind.value if kind else None,
    )
    cursor = encode_cursor({"offset": offset + params.limit}) if len(rows) > params.limit else None
    return Page[GoodExample](items=service.render_found(rows[: params.limit]), next_cursor=cursor)


@router.get(EXAMPLE, response_model=GoodExample, summary="Read a good example", responses=problems(404),
            description="Ett gott exempel with its uptake count; drafts and withdrawn examples only for the award office.")
async def get_example(example_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> GoodExample:
    row = await service.visible_example(session, principal, example_id=example_id)
    return await EXAMPLES.answer(session, response, row)


@router.patch(
    EXAMPLE, response_model=GoodExample, dependencies=[award_admin], summary="Change a draft good example",
    description="Ändra ett utkast (title, summary, body, areas, lenses, kind). award_admin. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 422, 428),
)
async def change_example(example_id: uuid.UUID, body: GoodExampleChange, session: Session, principal: CurrentPrincipal,
                         request: Request, response: Response) -> GoodExample:
    row = await service.change_example(session, principal, row=await EXAMPLES.locked(session, principal, example_id, request), change=body)
    return await EXAMPLES.answer(session, response, row)


@router.post(
    f"{EXAMPLE}/publication", response_model=GoodExample, dependencies=[award_admin], summary="Publish a good example",
    description="Publicera: after the jury's decision and only with the unit's consent (409 consent-not-given otherwise, "
    "nothing changed). Publishes awards.good-example.published. award_admin. Requires If-Match.",
    responses=problems(403, 404, 409, 412, 428),
)
async def publish_example(example_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request,
                          response: Response) -> GoodExample:
    row = await service.publish(session, principal, row=await EXAMPLES.locked(session, principal, example_id, request))
    return await EXAMPLES.answer(session, response, row)


@router.post(
    f"{EXAMPLE}/withdrawal", response_model=GoodExample, dependencies=[award_admin], summary="Withdraw a good example",
    description="Dra tillbaka ett publicerat exempel with a reason; publishes awards.good-example.published (withdrawn). "
    "award_admin. Requires If-Match.", responses=problems(403, 404, 409, 412, 422, 428),
)
async def withdraw_example(example_id: uuid.UUID, body: Withdrawal, session: Session, principal: CurrentPrincipal,
                           request: Request, response: Response) -> GoodExample:
    row = await EXAMPLES.locked(session, principal, example_id, request)
    row = await service.withdraw(session, principal, row=row, reason=body.reason)
    return await EXAMPLES.answer(session, response, row)


@router.post(
    f"{EXAMPLE}/uptakes", response_model=Uptake, status_code=201, summary="Record that a unit took the example up",
    description="Användning av ett gott exempel: a committee, controller or unit manager records it for a unit in their "
    "scope. Counted once per unit: a second record answers 200 with counted false and changes nothing.",
    responses={200: {"description": "Already recorded for this unit (not counted again).", "model": Uptake}, **problems(403, 404, 422)},
)
async def record_uptake(example_id: uuid.UUID, body: UptakeIn, session: Session, principal: CurrentPrincipal,
                        response: Response) -> Uptake:
    row = await service.visible_example(session, principal, example_id=example_id)
    uptake = await service.record_uptake(session, principal, row=row, data=body)
    if not uptake.counted:
        response.status_code = 200
    return uptake


@router.get(f"{EXAMPLE}/uptakes", response_model=list[Uptake], summary="List who took the example up",
            description="Enheter och nämnder som använder exemplet (unit, note, when).", responses=problems(404))
async def list_uptakes(example_id: uuid.UUID, session: Session, principal: CurrentPrincipal) -> list[Uptake]:
    return await service.list_uptakes(session, row=await service.visible_example(session, principal, example_id=example_id))
