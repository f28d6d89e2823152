"""HTTP API of business plans (verksamhetsplaner), commitments (åtaganden) and the line of sight."""

import uuid
from datetime import date
from typing import Annotated

from contracts.goals import BusinessPlanStatus, CommitmentStatus
from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit.auth import CurrentPrincipal
from servicekit.concurrency import require_if_match, set_etag
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, page_params

from goals.commitments import service
from goals.commitments.schemas import (
    AdoptionInput,
    AssessmentInput,
    BusinessPlan,
    BusinessPlanCreate,
    Commitment,
    CommitmentChangeByDecision,
    CommitmentCreate,
    CommitmentEdit,
    CommitmentVersionOut,
)
from goals.problems import problems
from goals.structure.schemas import LineOfSight

router = APIRouter(route_class=TransactionalRoute)
PLANS, COMMITMENTS = "business plans", "commitments"
Within = Annotated[uuid.UUID | None, Query(description="Only this unit and the units below it.")]
UnitFilter = Annotated[uuid.UUID | None, Query(description="Only this organisation unit.")]
YearFilter = Annotated[int | None, Query(ge=1900, le=2200, description="Only this year (verksamhetsår).")]


async def _plan_reply(session, plan, response: Response) -> BusinessPlan:
    set_etag(response, plan.revision)
    return await service.render_plan(session, plan)


def _commitment_reply(loaded: service.Loaded, response: Response) -> Commitment:
    set_etag(response, loaded.row.revision)
    return service.render(loaded)


# --- business plans ---

@router.post(
    "/business-plans",
    status_code=201,
    response_model=BusinessPlan,
    tags=[PLANS],
    dependencies=[Depends(idempotency_key)],
    summary="Create a unit's business plan for a year",
    description="Skapa en verksamhetsplan för en enhet och ett år (enhetschef, controller eller nämnd i sitt område). "
    "One plan per unit and year. Accepts Idempotency-Key.",
    responses=problems(403, 422),
)
async def create_business_plan(
    body: BusinessPlanCreate, session: Session, principal: CurrentPrincipal, request: Request, response: Response
) -> BusinessPlan:
    plan = await service.create_plan(session, principal=principal, unit_id=body.unit_id, year=body.year)
    response.headers["location"] = request.app.url_path_for("get_business_plan", plan_id=str(plan.id))
    return await _plan_reply(session, plan, response)


@router.get(
    "/business-plans",
    response_model=Page[BusinessPlan],
    tags=[PLANS],
    summary="List business plans",
    description="Verksamhetsplaner i ditt område, newest year first, filtered by unit, year and status.",
    responses=problems(403),
)
async def list_business_plans(
    session: Session,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, Depends(page_params)],
    unit_id: UnitFilter = None,
    within: Within = None,
    year: YearFilter = None,
    status: BusinessPlanStatus | None = None,
) -> Page[BusinessPlan]:
    items, next_cursor = await service.list_plans(
        session, principal=principal, params=params, unit_id=unit_id, within=within, year=year,
        status=status.value if status else None,
    )
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/business-plans/{plan_id}",
    response_model=BusinessPlan,
    name="get_business_plan",
    tags=[PLANS],
    summary="Read a business plan with its commitments",
    description="Verksamhetsplanen med dess åtaganden och, när den är fastställd, beslutet.",
    responses=problems(403, 404),
)
async def get_business_plan(plan_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response) -> BusinessPlan:
    plan = await service.get_plan(session, plan_id=plan_id)
    await service.authorise(session, principal, unit_id=plan.unit_id, year=plan.year, roles=None)
    return await _plan_reply(session, plan, response)


@router.post(
    "/business-plans/{plan_id}/adoption",
    response_model=BusinessPlan,
    tags=[PLANS],
    summary="Adopt a business plan by a decision",
    description="Fastställ verksamhetsplanen (nämnden): one decision (beslut) adopts the plan with its approved commitments "
    "and the unit's approved quality guarantee; each adopted version holds from the decision's date. Commitments not yet "
    "approved stay and need a decision of their own later. Nobody adopts a commitment they wrote. Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def adopt_business_plan(
    plan_id: uuid.UUID, body: AdoptionInput, session: Session, principal: CurrentPrincipal, request: Request, response: Response
) -> BusinessPlan:
    plan = await service.get_plan(session, plan_id=plan_id, lock=True)
    await service.authorise(session, principal, unit_id=plan.unit_id, year=plan.year, roles=service.DECIDER_ROLES)
    require_if_match(request, plan.revision)
    plan = await service.adopt_plan(session, principal=principal, plan=plan, decision=body.decision)
    return await _plan_reply(session, plan, response)


# --- commitments ---

@router.post(
    "/commitments",
    status_code=201,
    response_model=Commitment,
    tags=[COMMITMENTS],
    dependencies=[Depends(idempotency_key)],
    summary="Draft a commitment in a business plan",
    description="Skriv ett åtagande (utkast) i enhetens verksamhetsplan (enhetschef): title, description, the nämndmål it "
    "supports, förväntat resultat (målvärde on an indicator, målbild or a checklist), arbetssätt (planera, styra, stödja, "
    "följa upp), resursanvändning, uppföljning (what, when, how, who) and the responsible person. "
    "The committee goal must hold in the plan's year. Accepts Idempotency-Key.",
    responses=problems(403, 404, 422),
)
async def create_commitment(
    body: CommitmentCreate, session: Session, principal: CurrentPrincipal, request: Request, response: Response
) -> Commitment:
    loaded = await service.create_commitment(session, principal=principal, data=body)
    response.headers["location"] = request.app.url_path_for("get_commitment", commitment_id=str(loaded.row.id))
    return _commitment_reply(loaded, response)


@router.get(
    "/commitments",
    response_model=Page[Commitment],
    tags=[COMMITMENTS],
    summary="List commitments",
    description="Åtaganden i ditt område, newest year first, each with its newest version; filtered by unit, year, status, plan.",
    responses=problems(403),
)
async def list_commitments(
    session: Session,
    principal: CurrentPrincipal,
    params: Annotated[PageParams, Depends(page_params)],
    unit_id: UnitFilter = None,
    within: Within = None,
    year: YearFilter = None,
    status: CommitmentStatus | None = None,
    business_plan_id: uuid.UUID | None = None,
) -> Page[Commitment]:
    items, next_cursor = await service.list_commitments(
        session, principal=principal, params=params, unit_id=unit_id, within=within, year=year,
        status=status.value if status else None, business_plan_id=business_plan_id,
    )
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/commitments/{commitment_id}",
    response_model=Commitment,
    name="get_commitment",
    tags=[COMMITMENTS],
    summary="Read a commitment, as it stands or as it held on a date",
    description="Åtagandet med nyaste versionen, eller med `as_of` den version som gällde den dagen och beslutet som "
    "fastställde eller ändrade den (which target held on date D, and which decision changed it). 404 when no adopted "
    "version held on that day.",
    responses=problems(403, 404),
)
async def get_commitment(
    commitment_id: uuid.UUID,
    session: Session,
    principal: CurrentPrincipal,
    response: Response,
    as_of: Annotated[date | None, Query(description="Read the version in force on this day (gällande per datum).")] = None,
) -> Commitment:
    loaded = await service.load(session, commitment_id=commitment_id)
    await service.authorise(session, principal, unit_id=loaded.row.unit_id, year=loaded.row.year, roles=None)
    set_etag(response, loaded.row.revision)
    return service.render(loaded, as_of=as_of)


@router.get(
    "/commitments/{commitment_id}/versions",
    response_model=list[CommitmentVersionOut],
    tags=[COMMITMENTS],
    summary="List a commitment's versions",
    description="Alla versioner av åtagandet, äldst först, each with the decision and the day it held from.",
    responses=problems(403, 404),
)
async def list_commitment_versions(commitment_id: uuid.UUID, session: Session, principal: CurrentPrincipal) -> list[CommitmentVersionOut]:
    loaded = await service.load(session, commitment_id=commitment_id)
    await service.authorise(session, principal, unit_id=loaded.row.unit_id, year=loaded.row.year, roles=None)
    return [service.render_version(version) for version in loaded.versions]


async def _locked_for(session, principal, request: Request, commitment_id: uuid.UUID, roles) -> service.Loaded:
    """Lock the commitment, check role and scope, then If-Match (so a caller without rights learns nothing more)."""
    loaded = await service.load(session, commitment_id=commitment_id, lock=True)
    await service.authorise(session, principal, unit_id=loaded.row.unit_id, year=loaded.row.year, roles=roles)
    require_if_match(request, loaded.row.revision)
    return loaded


@router.patch(
    "/commitments/{commitment_id}",
    response_model=Commitment,
    tags=[COMMITMENTS],
    summary="Edit a commitment before adoption",
    description="Ändra ett utkast (enhetschef). A returned commitment stays returned until resubmitted; an approved one goes "
    "back to draft and needs a new credibility assessment. An adopted commitment answers 422 decision-required: "
    "change it by decision (POST .../changes). Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def edit_commitment(
    commitment_id: uuid.UUID, body: CommitmentEdit, session: Session, principal: CurrentPrincipal, request: Request,
    response: Response,
) -> Commitment:
    loaded = await _locked_for(session, principal, request, commitment_id, service.AUTHOR_ROLES)
    return _commitment_reply(await service.edit_commitment(session, principal=principal, loaded=loaded, edit=body), response)


@router.post(
    "/commitments/{commitment_id}/submission",
    response_model=Commitment,
    tags=[COMMITMENTS],
    summary="Submit a commitment for credibility assessment",
    description="Lämna in åtagandet för trovärdighetsbedömning (enhetschef). Needs the committee goal, expected result, "
    "ways of working, follow-up plan and responsible person. Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def submit_commitment(
    commitment_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request, response: Response
) -> Commitment:
    loaded = await _locked_for(session, principal, request, commitment_id, service.AUTHOR_ROLES)
    return _commitment_reply(await service.submit(session, principal=principal, loaded=loaded), response)


@router.post(
    "/commitments/{commitment_id}/assessment",
    response_model=Commitment,
    tags=[COMMITMENTS],
    summary="Assess a submitted commitment's credibility",
    description="Trovärdighetsbedömning (controller eller nämnd): approve, or return with a comment. Never by an author of "
    "the commitment. Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def assess_commitment(
    commitment_id: uuid.UUID, body: AssessmentInput, session: Session, principal: CurrentPrincipal, request: Request,
    response: Response,
) -> Commitment:
    loaded = await _locked_for(session, principal, request, commitment_id, service.ASSESSOR_ROLES)
    return _commitment_reply(await service.assess(session, principal=principal, loaded=loaded, data=body), response)


@router.post(
    "/commitments/{commitment_id}/adoption",
    response_model=Commitment,
    tags=[COMMITMENTS],
    summary="Adopt a commitment added after its plan was adopted",
    description="Fastställ ett senare tillkommet åtagande (nämnden) by a decision of its own, e.g. one proposed from an "
    "internal-control finding; it holds from the decision's date. Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def adopt_commitment(
    commitment_id: uuid.UUID, body: AdoptionInput, session: Session, principal: CurrentPrincipal, request: Request,
    response: Response,
) -> Commitment:
    loaded = await _locked_for(session, principal, request, commitment_id, service.DECIDER_ROLES)
    return _commitment_reply(
        await service.adopt_commitment(session, principal=principal, loaded=loaded, decision=body.decision), response
    )


@router.post(
    "/commitments/{commitment_id}/changes",
    response_model=Commitment,
    tags=[COMMITMENTS],
    summary="Change an adopted commitment by a decision",
    description="Ändra ett fastställt åtagande genom beslut (nämnden): the fields given form a new version holding from "
    "the decision's date; earlier versions stay readable with `as_of`. Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def change_commitment(
    commitment_id: uuid.UUID, body: CommitmentChangeByDecision, session: Session, principal: CurrentPrincipal,
    request: Request, response: Response,
) -> Commitment:
    loaded = await _locked_for(session, principal, request, commitment_id, service.DECIDER_ROLES)
    return _commitment_reply(await service.change_by_decision(session, principal=principal, loaded=loaded, change=body), response)


@router.post(
    "/commitments/{commitment_id}/closure",
    response_model=Commitment,
    tags=[COMMITMENTS],
    summary="Close a commitment after its annual follow-up",
    description="Avsluta åtagandet (enhetschef eller nämnd) once its verksamhetsberättelse follow-up (YYYY-VB) is reported. "
    "Requires If-Match.",
    responses=problems(403, 404, 412, 422, 428),
)
async def close_commitment(
    commitment_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request, response: Response
) -> Commitment:
    loaded = await _locked_for(session, principal, request, commitment_id, service.CLOSER_ROLES)
    return _commitment_reply(await service.close(session, principal=principal, loaded=loaded), response)


@router.get(
    "/line-of-sight",
    response_model=LineOfSight,
    tags=["goal structure"],
    summary="Line of sight from the vision to a unit's commitments",
    description="Den röda tråden: for a unit and year, each commitment (newest version) with the chain of goals from the "
    "vision through inriktningsmål, KF:s mål för verksamhetsområdet and nämndmål down to it.",
    responses=problems(403, 422),
)
async def get_line_of_sight(
    session: Session,
    principal: CurrentPrincipal,
    unit_id: Annotated[uuid.UUID, Query(description="The organisation unit.")],
    year: Annotated[int, Query(ge=1900, le=2200, description="Verksamhetsår.")],
    include_below: Annotated[bool, Query(description="Include the commitments of units below.")] = False,
) -> LineOfSight:
    return await service.line_of_sight(session, principal=principal, unit_id=unit_id, year=year, include_below=include_below)
