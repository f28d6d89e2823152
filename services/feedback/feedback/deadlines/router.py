"""Deadline rules per committee and category, and the escalations of overdue cases per unit."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path

from servicekit.auth import CurrentPrincipal, service_reader
from servicekit.db import Session, TransactionalRoute
from servicekit.orgtree import stockholm_today
from servicekit.pagination import Page, PageParams, build_page, page_params
from servicekit.problems import ProblemError

from feedback import access, organisation
from feedback.deadlines import repository, service
from feedback.deadlines.schemas import DeadlineRule, DeadlineRuleSet, Escalation
from feedback.problems import problems

router = APIRouter(route_class=TransactionalRoute, tags=["deadlines"])
RuleCategory = Annotated[str, Path(pattern=r"^(\*|[a-z0-9][a-z0-9-]{0,39})$", description="A category code, or * for all.")]


@router.get(
    "/committees/{committee_id}/deadline-rules", response_model=list[DeadlineRule], dependencies=[service_reader],
    summary="List a committee's deadline rules",
    description="Svarstider i arbetsdagar per kategori (* = nämndens standard); without a rule the city's "
    "defaults apply (2 to acknowledge, 10 to answer).",
    responses=problems(403, 422),
)
async def list_deadline_rules(committee_id: uuid.UUID, session: Session) -> list[DeadlineRule]:
    return await service.list_rules(session, committee_id=committee_id)


@router.put(
    "/committees/{committee_id}/deadline-rules/{category_code}", response_model=DeadlineRule,
    summary="Set a committee's deadlines for a category",
    description="Ange svarstider i arbetsdagar (controller, committee). Applies to cases received from now on.",
    responses=problems(403, 422),
)
async def set_deadline_rule(
    committee_id: uuid.UUID, category_code: RuleCategory, body: DeadlineRuleSet, session: Session, principal: CurrentPrincipal
) -> DeadlineRule:
    return await service.set_rule(session, principal=principal, committee_id=committee_id, category_code=category_code, data=body)


@router.get(
    "/units/{unit_id}/escalations", response_model=Page[Escalation], summary="List escalations to a unit's management",
    description="Eskaleringar: cases of the unit that passed a deadline, newest first, for its unit_manager "
    "and the committee's controllers.",
    responses=problems(400, 403, 422),
)
async def list_escalations(
    unit_id: uuid.UUID, session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)]
) -> Page[Escalation]:
    place = await organisation.require_place(session, unit_id=unit_id, on=stockholm_today())
    access.require_escalation_reader(principal, lineage=place.lineage)
    after = None
    if params.cursor is not None:
        after = params.cursor.get("id")
        if not isinstance(after, int):
            raise ProblemError(400, "The cursor is not one this API issued.", kind="invalid-cursor")
    rows = await repository.escalations_for(session, unit_id=unit_id, limit=params.limit, after=after)
    rows, next_cursor = build_page(rows, params, lambda row: {"id": row.id})
    return Page[Escalation](items=[Escalation.model_validate(row, from_attributes=True) for row in rows], next_cursor=next_cursor)
