"""Rules from review to closed finding, and the carry-over of what remains.

A review belongs to a control of an adopted plan and lies in its review window; it snapshots the
control's method. Only a review with deficiencies has findings. A finding's action plan is owned
by a manager of the reviewed unit (or a unit below it), who updates its status and evidence; the
follow-up verifies the effect, by someone other than the owner. Closing needs a verified
effective action and two people: one requests, another approves. A finding not verified
effective when the unit's next business plan is prepared is found unresolved (``carry_over``)
and published, so goals proposes a commitment for it.
"""

import uuid
from datetime import date

from contracts.audit import (
    FINDING_CLOSED,
    FINDING_OPENED,
    FINDING_UNRESOLVED,
    SCHEMA_VERSION,
    ActionEffect,
    ActionPlanStatus,
    ActionPlanSummary,
    FindingChanged,
    FindingState,
    FindingStatus,
)
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.events.outbox import EventPublisher
from servicekit.orgtree import stockholm_today, unit_and_ancestor_ids
from servicekit.problems import ProblemError

from audit import access
from audit.auditlog import service as log
from audit.control_plans import repository as plans
from audit.control_plans.schemas import PlanStatus
from audit.models import org_tables
from audit.reviews import repository
from audit.reviews.schemas import (
    ActionPlan,
    ActionPlanChange,
    ActionPlanCreate,
    Finding,
    FindingCreate,
    ProposedCommitment,
    Review,
    ReviewCreate,
    ReviewResult,
    Verification,
)

events = EventPublisher("audit")
OWNER_FIELDS = {"status", "evidence"}
COMMITTEE_READERS = ("internal_auditor", "controller", "committee", "city_controller")
CARRY_OVER_ACTOR = Principal(subject="system:carry-over", actor_kind="system")


def carry_over_day(plan_year: int, prepared_on: str) -> date:
    month, day = (int(part) for part in prepared_on.split("-"))
    return date(plan_year + 1, month, day)


async def render_finding(session: AsyncSession, row) -> Finding:
    plan = await repository.get_action_plan(session, row.id)
    action_plan = None
    if plan is not None:
        data = dict(plan._mapping)
        for key in ("finding_id", "created_at"):
            data.pop(key)
        action_plan = ActionPlan(
            **data, follow_up_from=date(row.plan_year + 1, 3, 1), follow_up_to=date(row.plan_year + 1, 6, 30),
        )
    proposed = [ProposedCommitment(**{k: v for k, v in p._mapping.items() if k != "finding_id"})
                for p in await repository.proposed_for(session, row.id)]
    return Finding(**dict(row._mapping), action_plan=action_plan, proposed_commitments=proposed)


def finding_state(finding: Finding) -> FindingState:
    plan = finding.action_plan
    summary = ActionPlanSummary(
        deadline=plan.deadline, status=plan.status, effect=plan.effect, owner_unit_id=plan.owner_unit_id,
    ) if plan else None
    return FindingState(**finding.model_dump(exclude={"action_plan"}), control_plan_id=finding.plan_id, action_plan=summary)


async def _publish(session: AsyncSession, event_type: str, finding: Finding) -> None:
    await events.record(session, type=event_type, subject=str(finding.id), schema_version=SCHEMA_VERSION,
                        data=FindingChanged(finding=finding_state(finding)))


async def _log(session, principal, action: str, entity_type: str, entity_id, committee_id, before, after) -> None:
    await log.append(session, principal, action=action, entity_type=entity_type, entity_id=entity_id,
                     committee_id=committee_id, before=before, after=after)


# Reviews

def render_review(row) -> Review:
    return Review(**dict(row._mapping))


async def require_review(session: AsyncSession, review_id: uuid.UUID):
    row = await repository.get_review(session, review_id)
    if row is None:
        raise ProblemError(404, f"No review {review_id}.", kind="review-not-found")
    return row


async def read_review(session: AsyncSession, principal: Principal, *, review_id: uuid.UUID) -> Review:
    row = await require_review(session, review_id)
    plan = await plans.get(session, row.plan_id)
    await access.require_reach(session, principal, committee_id=plan.committee_id)
    return render_review(row)


async def create_review(session: AsyncSession, principal: Principal, *, data: ReviewCreate) -> Review:
    item = await plans.get_item(session, data.item_id)
    if item is None:
        raise ProblemError(422, f"No control {data.item_id} in any plan.", kind="item-not-found")
    plan = await plans.get(session, item.plan_id)
    await access.require_reach(session, principal, committee_id=plan.committee_id)
    if plan.status != PlanStatus.adopted:
        raise ProblemError(409, "Reviews follow an adopted plan; this plan is not adopted yet.", kind="plan-not-adopted")
    if not plan.review_from <= data.performed_on <= plan.review_to:
        raise ProblemError(
            422, f"The review must lie in the plan's review window {plan.review_from}–{plan.review_to}.",
            kind="outside-review-window",
        )
    review_id = uuid.uuid4()
    await repository.insert_review(session, data.model_dump() | {
        "id": review_id, "plan_id": plan.id, "method": item.method, "recorded_by": principal.subject, "revision": 1,
    })
    review = render_review(await require_review(session, review_id))
    await _log(session, principal, "review.recorded", "review", review_id, plan.committee_id, None, review)
    return review


# Findings

async def require_finding(session: AsyncSession, finding_id: uuid.UUID, *, lock: bool = False):
    row = await repository.get_finding(session, finding_id, lock=lock)
    if row is None:
        raise ProblemError(404, f"No finding {finding_id}.", kind="finding-not-found")
    return row


async def read_finding(session: AsyncSession, principal: Principal, *, finding_id: uuid.UUID) -> Finding:
    row = await require_finding(session, finding_id)
    await _require_reader(session, principal, row)
    return await render_finding(session, row)


def reads_committee_data(principal: Principal) -> bool:
    """Keys and the committee-level roles read by committee; a unit manager only their action plans."""
    return principal.actor_kind != "staff" or bool(principal.roles & {"admin", *COMMITTEE_READERS})


async def _require_reader(session: AsyncSession, principal: Principal, row) -> None:
    if reads_committee_data(principal):
        if await access.may_reach(session, principal, committee_id=row.committee_id, unit_id=row.unit_id):
            return
    elif "unit_manager" in principal.roles:
        plan = await repository.get_action_plan(session, row.id)
        if plan is not None and await access.in_unit_scope(session, principal, unit_id=plan.owner_unit_id):
            return
    raise ProblemError(403, "This finding is outside your organisation scope.", kind="out-of-scope")


async def open_finding(
    session: AsyncSession, principal: Principal, *, review_id: uuid.UUID, data: FindingCreate, prepared_on: str
) -> Finding:
    review = await require_review(session, review_id)
    plan = await plans.get(session, review.plan_id)
    await access.require_reach(session, principal, committee_id=plan.committee_id)
    if review.result != ReviewResult.deficiencies:
        raise ProblemError(422, "The review found no deficiencies; record its result as deficiencies first.", kind="review-without-deficiencies")
    item = await plans.get_item(session, review.item_id)
    finding_id = uuid.uuid4()
    await repository.insert_finding(session, data.model_dump() | {
        "id": finding_id, "review_id": review.id, "plan_id": plan.id, "committee_id": plan.committee_id,
        "unit_id": item.responsible_unit_id, "plan_year": plan.year, "status": FindingStatus.open.value,
        "carry_over_on": carry_over_day(plan.year, prepared_on), "carry_over_year": plan.year + 2, "revision": 1,
    })
    finding = await render_finding(session, await require_finding(session, finding_id))
    await _log(session, principal, "finding.opened", "finding", finding_id, plan.committee_id, None, finding)
    await _publish(session, FINDING_OPENED, finding)
    return finding


def _require_open(row) -> None:
    if row.status == FindingStatus.closed:
        raise ProblemError(409, "The finding is closed; nothing about it changes any more.", kind="finding-closed")


async def _bump(session: AsyncSession, row, **values) -> Finding:
    await repository.update_finding(session, row.id, {"revision": row.revision + 1, **values})
    return await render_finding(session, await require_finding(session, row.id))


async def _check_owner_unit(session: AsyncSession, row, owner_unit_id: uuid.UUID) -> None:
    on = await access.recorded_date(session, unit_ids=[owner_unit_id, row.unit_id], on=stockholm_today())
    chain = await unit_and_ancestor_ids(session, org_tables, unit_id=owner_unit_id, as_of=on)
    if row.unit_id not in chain:
        raise ProblemError(422, "The action plan's owner must manage the reviewed unit or a unit below it.", kind="invalid-owner-unit")


async def create_action_plan(session: AsyncSession, principal: Principal, *, row, data: ActionPlanCreate) -> Finding:
    await access.require_reach(session, principal, committee_id=row.committee_id, unit_id=row.unit_id)
    _require_open(row)
    if await repository.get_action_plan(session, row.id) is not None:
        raise ProblemError(409, "The finding already has an action plan; change it instead.", kind="action-plan-exists")
    await _check_owner_unit(session, row, data.owner_unit_id)
    before = await render_finding(session, row)
    await repository.insert_action_plan(session, data.model_dump() | {
        "id": uuid.uuid4(), "finding_id": row.id, "status": ActionPlanStatus.planned.value,
        "effect": ActionEffect.not_verified.value, "revision": 1,
    })
    after = await _bump(session, row)
    await _log(session, principal, "finding.action_plan_created", "finding", row.id, row.committee_id, before, after)
    return after


async def _require_action_plan(session: AsyncSession, row):
    plan = await repository.get_action_plan(session, row.id)
    if plan is None:
        raise ProblemError(409, "The finding has no action plan yet.", kind="no-action-plan")
    return plan


async def change_action_plan(session: AsyncSession, principal: Principal, *, row, data: ActionPlanChange) -> Finding:
    _require_open(row)
    plan = await _require_action_plan(session, row)
    given = data.model_fields_set
    if not given:
        raise ProblemError(422, "Say what changes.", kind="no-change")
    auditing = bool(principal.roles & {"internal_auditor", "admin"}) and await access.may_reach(
        session, principal, committee_id=row.committee_id, unit_id=row.unit_id
    )
    if not auditing:
        access.require_role(principal, "unit_manager")
        await access.require_unit_scope(session, principal, unit_id=plan.owner_unit_id)
        if given - OWNER_FIELDS:
            raise ProblemError(403, "The action plan's owner updates its status and evidence only.", kind="forbidden")
    values = {field: getattr(data, field) for field in given}
    if any(values.get(field) is None for field in given - {"evidence"}):
        raise ProblemError(422, "Only evidence may be cleared.", kind="validation-error")
    if "owner_unit_id" in values:
        await _check_owner_unit(session, row, values["owner_unit_id"])
    if values.get("status") is not None:
        values["status"] = values["status"].value
        if values["status"] != ActionPlanStatus.implemented and plan.effect == ActionEffect.effective:
            raise ProblemError(409, "The action's effect is verified; its status no longer changes.", kind="action-verified")
    before = await render_finding(session, row)
    await repository.update_action_plan(session, row.id, values | {"revision": plan.revision + 1})
    after = await _bump(session, row)
    await _log(session, principal, "finding.action_plan_changed", "finding", row.id, row.committee_id, before, after)
    return after


async def verify_action(session: AsyncSession, principal: Principal, *, row, data: Verification) -> Finding:
    await access.require_reach(session, principal, committee_id=row.committee_id, unit_id=row.unit_id)
    _require_open(row)
    plan = await _require_action_plan(session, row)
    if plan.status != ActionPlanStatus.implemented:
        raise ProblemError(409, "The action is not implemented yet; the follow-up verifies an implemented action.", kind="action-not-implemented")
    if plan.owner_subject == principal.subject:
        raise ProblemError(403, "The action plan's owner cannot verify its own action's effect.", kind="own-request")
    review = await repository.get_review(session, row.review_id)
    if not review.performed_on <= data.verified_on <= stockholm_today():
        raise ProblemError(422, "The follow-up lies between the review and today.", kind="invalid-follow-up-date")
    before = await render_finding(session, row)
    await repository.update_action_plan(session, row.id, {
        "effect": (ActionEffect.effective if data.effective else ActionEffect.not_effective).value,
        # Not effective: the owner works on; effective: the status stays implemented.
        "status": ActionPlanStatus.implemented.value if data.effective else ActionPlanStatus.in_progress.value,
        "verification_note": data.note, "verified_by": principal.subject, "verified_on": data.verified_on,
        "revision": plan.revision + 1,
    })
    after = await _bump(session, row)
    await _log(session, principal, "finding.action_verified", "finding", row.id, row.committee_id, before, after)
    return after


async def request_closure(session: AsyncSession, principal: Principal, *, row) -> Finding:
    await access.require_reach(session, principal, committee_id=row.committee_id, unit_id=row.unit_id)
    if row.status != FindingStatus.open:
        raise ProblemError(409, f"The finding is {row.status}.", kind="finding-not-open")
    plan = await repository.get_action_plan(session, row.id)
    if plan is None or plan.effect != ActionEffect.effective:
        raise ProblemError(
            409, "The action's effect has not been verified as effective; a finding closes only then.", kind="action-not-verified",
        )
    before = await render_finding(session, row)
    after = await _bump(session, row, status=FindingStatus.closure_requested.value, closure_requested_by=principal.subject)
    await _log(session, principal, "finding.closure_requested", "finding", row.id, row.committee_id, before, after)
    return after


async def close(session: AsyncSession, principal: Principal, *, row) -> Finding:
    await access.require_reach(session, principal, committee_id=row.committee_id, unit_id=row.unit_id)
    if row.status != FindingStatus.closure_requested:
        raise ProblemError(409, f"The finding is {row.status}; closure must be requested first.", kind="closure-not-requested")
    access.require_other_person(principal, row.closure_requested_by, "closing this finding")
    before = await render_finding(session, row)
    after = await _bump(session, row, status=FindingStatus.closed.value, closed_by=principal.subject, closed_on=stockholm_today())
    await _log(session, principal, "finding.closed", "finding", row.id, row.committee_id, before, after)
    await _publish(session, FINDING_CLOSED, after)
    return after


async def carry_over(session: AsyncSession, *, as_of: date) -> list[Finding]:
    """Find the findings unresolved on ``as_of`` and publish ``audit.finding.unresolved`` once for each."""
    found = []
    for row in await repository.due_for_carry_over(session, as_of=as_of):
        before = await render_finding(session, row)
        after = await _bump(session, row, unresolved_on=as_of)
        await _log(session, CARRY_OVER_ACTOR, "finding.unresolved", "finding", row.id, row.committee_id, before, after)
        await _publish(session, FINDING_UNRESOLVED, after)
        found.append(after)
    return found
