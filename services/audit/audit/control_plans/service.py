"""Rules of internal-control plans: items under the committee, independent reviewers, adoption by decision.

The plan is adopted by the committee with its business plan (a ``DecisionRef`` whose body is the
committee) by someone other than whoever asked for the adoption; an adopted plan is read-only
and publishes ``audit.plan.adopted``.
"""

import uuid

from contracts.audit import PLAN_ADOPTED, SCHEMA_VERSION, ControlItemSummary, ControlPlanAdopted, ControlPlanState
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.events.outbox import EventPublisher
from servicekit.problems import ProblemError

from audit import access
from audit.auditlog import service as log
from audit.control_plans import repository
from audit.control_plans.independence import check_reviewer
from audit.control_plans.schemas import ControlItem, ControlPlan, ItemInput, PlanCreate, PlanStatus
from audit.decisions import DecisionInput, decision_by
from audit.risk_analyses import repository as analyses

events = EventPublisher("audit")


async def render(session: AsyncSession, row) -> ControlPlan:
    items = []
    for item in await repository.items_of(session, row.id):
        data = dict(item._mapping)
        data.pop("created_at"), data.pop("plan_id")
        items.append(ControlItem(**data))
    return ControlPlan(**dict(row._mapping), items=items)


async def require(session: AsyncSession, plan_id: uuid.UUID, *, lock: bool = False):
    row = await repository.get(session, plan_id, lock=lock)
    if row is None:
        raise ProblemError(404, f"No internal-control plan {plan_id}.", kind="plan-not-found")
    return row


async def read(session: AsyncSession, principal: Principal, *, plan_id: uuid.UUID) -> ControlPlan:
    row = await require(session, plan_id)
    await access.require_reach(session, principal, committee_id=row.committee_id)
    return await render(session, row)


async def _log(session, principal, action: str, before: ControlPlan | None, after: ControlPlan) -> None:
    await log.append(
        session, principal, action=action, entity_type="control_plan", entity_id=after.id,
        committee_id=after.committee_id, before=before, after=after,
    )


def _require_draft(row) -> None:
    if row.status != PlanStatus.draft:
        raise ProblemError(409, f"The plan is {row.status}; only a draft can be edited.", kind="plan-not-draft", current_status=row.status)


async def create(session: AsyncSession, principal: Principal, *, data: PlanCreate) -> ControlPlan:
    on = await access.recorded_date(session, unit_ids=[data.committee_id], on=data.review_from)
    if await access.committee_of(session, unit_id=data.committee_id, as_of=on) != data.committee_id:
        raise ProblemError(422, f"{data.committee_id} is not a committee (nämnd) on {on}.", kind="not-a-committee")
    await access.require_reach(session, principal, committee_id=data.committee_id)
    if await repository.find(session, committee_id=data.committee_id, year=data.year):
        raise ProblemError(409, f"The committee already has an internal-control plan for {data.year}.", kind="plan-exists")
    plan_id = uuid.uuid4()
    await repository.insert_plan(session, data.model_dump() | {"id": plan_id, "status": PlanStatus.draft.value, "revision": 1})
    plan = await render(session, await require(session, plan_id))
    await _log(session, principal, "control_plan.created", None, plan)
    return plan


async def _check_item(session: AsyncSession, row, data: ItemInput) -> None:
    on = await access.recorded_date(session, unit_ids=[data.responsible_unit_id], on=row.review_from)
    if await access.committee_of(session, unit_id=data.responsible_unit_id, as_of=on) != row.committee_id:
        raise ProblemError(422, "The reviewed unit does not belong to the plan's committee.", kind="unit-outside-committee")
    if data.risk_id is not None:
        risk = await analyses.get_risk(session, data.risk_id)
        analysis = await analyses.get(session, risk.analysis_id) if risk else None
        if analysis is None or analysis.committee_id != row.committee_id or analysis.year != row.year:
            raise ProblemError(
                422, "risk_id must name a risk of this year's risk analysis of a unit under the committee.", kind="invalid-risk",
            )
        if not risk.in_control_plan:
            raise ProblemError(422, "The risk analysis did not mark this risk for the control plan.", kind="risk-not-for-plan")
    await check_reviewer(
        session, reviewer_unit_id=data.reviewer_unit_id, reviewed_unit_id=data.responsible_unit_id,
        start=row.review_from, end=row.review_to,
    )


async def _bump(session: AsyncSession, row, **values) -> ControlPlan:
    await repository.update_plan(session, row.id, {"revision": row.revision + 1, **values})
    return await render(session, await require(session, row.id))


async def add_item(session: AsyncSession, principal: Principal, *, row, data: ItemInput) -> tuple[ControlPlan, uuid.UUID]:
    await access.require_reach(session, principal, committee_id=row.committee_id)
    _require_draft(row)
    await _check_item(session, row, data)
    before = await render(session, row)
    item_id = uuid.uuid4()
    await repository.insert_item(session, data.model_dump() | {"id": item_id, "plan_id": row.id, "revision": 1})
    after = await _bump(session, row)
    await _log(session, principal, "control_plan.item_added", before, after)
    return after, item_id


async def require_item(session: AsyncSession, row, item_id: uuid.UUID):
    item = await repository.get_item(session, item_id)
    if item is None or item.plan_id != row.id:
        raise ProblemError(404, f"No item {item_id} in this plan.", kind="item-not-found")
    return item


async def change_item(session: AsyncSession, principal: Principal, *, row, item, data: ItemInput) -> ControlPlan:
    await access.require_reach(session, principal, committee_id=row.committee_id)
    _require_draft(row)
    await _check_item(session, row, data)
    before = await render(session, row)
    await repository.update_item(session, item.id, data.model_dump() | {"revision": item.revision + 1})
    after = await _bump(session, row)
    await _log(session, principal, "control_plan.item_changed", before, after)
    return after


async def remove_item(session: AsyncSession, principal: Principal, *, row, item) -> ControlPlan:
    await access.require_reach(session, principal, committee_id=row.committee_id)
    _require_draft(row)
    before = await render(session, row)
    await repository.delete_item(session, item.id)
    after = await _bump(session, row)
    await _log(session, principal, "control_plan.item_removed", before, after)
    return after


async def request_adoption(session: AsyncSession, principal: Principal, *, row) -> ControlPlan:
    await access.require_reach(session, principal, committee_id=row.committee_id)
    _require_draft(row)
    before = await render(session, row)
    if not before.items:
        raise ProblemError(422, "A plan without items cannot be adopted.", kind="plan-empty")
    after = await _bump(session, row, status=PlanStatus.adoption_requested.value, requested_by=principal.subject)
    await _log(session, principal, "control_plan.adoption_requested", before, after)
    return after


async def adopt(session: AsyncSession, principal: Principal, *, row, data: DecisionInput) -> ControlPlan:
    await access.require_reach(session, principal, committee_id=row.committee_id)
    if row.status != PlanStatus.adoption_requested:
        raise ProblemError(409, f"The plan is {row.status}; adoption must be requested first.", kind="adoption-not-requested")
    access.require_other_person(principal, row.requested_by, "the adoption of this plan")
    if data.body_id != row.committee_id:
        raise ProblemError(422, "An internal-control plan is adopted by its committee.", kind="invalid-decision-body")
    decision = await decision_by(
        session, principal, data, unit_id=row.committee_id,
        as_of=await access.recorded_date(session, unit_ids=[row.committee_id], on=data.decided_on),
    )
    before = await render(session, row)
    after = await _bump(
        session, row, status=PlanStatus.adopted.value, decision=decision.model_dump(mode="json"), adopted_by=principal.subject,
    )
    await _log(session, principal, "control_plan.adopted", before, after)
    state = ControlPlanState(
        id=after.id, revision=after.revision, committee_id=after.committee_id, year=after.year,
        review_from=after.review_from, review_to=after.review_to, decision=decision,
        items=[ControlItemSummary(**item.model_dump()) for item in after.items],
    )
    await events.record(session, type=PLAN_ADOPTED, subject=str(after.id), schema_version=SCHEMA_VERSION,
                        data=ControlPlanAdopted(plan=state))
    return after
