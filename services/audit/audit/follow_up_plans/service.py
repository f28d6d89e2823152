"""Rules of the yearly follow-up plan (avtals- och verksamhetsuppföljningsplan), weighted by risk.

A plan belongs to a committee (beställande nämnd) and a year and covers the committee's active
contracts whose period touches the year. Each contract's risk score reads the year before: the
findings of its follow-ups then (not resolved, serious, escalated), the lex Sarah reports made
then at the provider unit or below (counts only, from audit's own tables; never a case's
contents), and its size as the contract records it (places, annual value). The weights are
versioned data (the committee's latest version, else the city's); the plan keeps the version it
was computed with. A draft may be recomputed and its planned types changed; the committee adopts
it by decision (``DecisionRef``), after which it is read-only. Planned follow-ups link to the
follow-ups actually recorded for the contract in the plan year, type by type. Every change is
appended to the audit log in the request's transaction.
"""

import uuid
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.orgtree import stockholm_today
from servicekit.problems import ProblemError

from audit import access
from audit.auditlog import service as log
from audit.contracts.schemas import FollowUpKind, FollowUpType, ProviderKind
from audit.decisions import DecisionInput, decision_by
from audit.follow_up_plans import repository, rules
from audit.follow_up_plans.schemas import (
    Factor,
    FollowUpPlan,
    ItemChange,
    PlanCreate,
    PlanItem,
    PlanStatus,
    PlanSummary,
    Thresholds,
    Weights,
    WeightsCreate,
    WeightSet,
)

EDIT_ROLES = ("internal_auditor", "controller")


async def _require_committee(session: AsyncSession, principal: Principal, committee_id: uuid.UUID, year: int) -> None:
    on = await access.recorded_date(session, unit_ids=[committee_id], on=date(year, 1, 1))
    if await access.committee_of(session, unit_id=committee_id, as_of=on) != committee_id:
        raise ProblemError(422, f"{committee_id} is not a committee (nämnd) on {on}.", kind="not-a-committee")
    await access.require_reach(session, principal, committee_id=committee_id)


def render_weights(row) -> WeightSet:
    return WeightSet.model_validate(dict(row._mapping))


async def weight_versions(session: AsyncSession, principal: Principal, *, committee_id: uuid.UUID | None) -> list[WeightSet]:
    if committee_id is not None:
        await access.require_reach(session, principal, committee_id=committee_id)
        return [render_weights(row) for row in await repository.weight_versions(session, committee_id)]
    visible = await access.visible_committees(session, principal)
    rows = await repository.weight_versions(session, None)
    return [render_weights(row) for row in rows if row.committee_id is None or visible is None or row.committee_id in visible]


async def create_weights(session: AsyncSession, principal: Principal, *, data: WeightsCreate) -> WeightSet:
    """A new version of the committee's weights; plans computed from now on use it, adopted ones keep theirs."""
    await _require_committee(session, principal, data.committee_id, stockholm_today().year)
    rules.check_weights(data.weights, data.thresholds)
    weights_id = uuid.uuid4()
    await repository.insert_weights(session, data.model_dump(mode="json") | {
        "id": weights_id, "committee_id": data.committee_id,
        "version": await repository.next_weight_version(session, data.committee_id), "created_by": principal.subject,
    })
    created = render_weights(await repository.get_weights(session, weights_id))
    await log.append(session, principal, action="follow_up_weights.created", entity_type="follow_up_risk_weights",
                     entity_id=weights_id, committee_id=data.committee_id, before=None, after=created)
    return created


async def require(session: AsyncSession, plan_id: uuid.UUID, *, lock: bool = False):
    row = await repository.get(session, plan_id, lock=lock)
    if row is None:
        raise ProblemError(404, f"No follow-up plan {plan_id}.", kind="follow-up-plan-not-found")
    return row


def _kind(provider_kind: str) -> FollowUpKind:
    return FollowUpKind.contract if provider_kind == ProviderKind.contractor else FollowUpKind.operations


async def render(session: AsyncSession, row) -> FollowUpPlan:
    items = await repository.items_of(session, row.id)
    done = await repository.follow_ups_in_year(session, contract_ids=[item.contract_id for item in items], year=row.year)
    by_contract: dict[uuid.UUID, list] = {}
    for follow_up in done:
        by_contract.setdefault(follow_up.contract_id, []).append((follow_up.type, follow_up.id))
    rendered, by_kind, by_type = [], {kind: 0 for kind in FollowUpKind}, {t: 0 for t in FollowUpType}
    for item in items:
        progress = rules.progress(item.planned_types, by_contract.get(item.contract_id, []))
        kind = _kind(item.provider_kind)
        for follow_up_type, _ in by_contract.get(item.contract_id, []):
            by_kind[kind] += 1
            by_type[FollowUpType(follow_up_type)] += 1
        rendered.append(PlanItem.model_validate(dict(item._mapping) | {
            "kind": kind, "progress": progress, "done": all(p.follow_up_ids for p in progress if p.planned),
        }))
    planned = [p for item in rendered for p in item.progress if p.planned]
    summary = PlanSummary(
        planned=len(planned), done=sum(1 for p in planned if p.follow_up_ids),
        unplanned=sum(len(p.follow_up_ids) for item in rendered for p in item.progress if not p.planned),
        follow_ups=len(done), by_kind=by_kind, by_type=by_type,
    )
    return FollowUpPlan.model_validate(dict(row._mapping) | {"items": rendered, "summary": summary})


async def read(session: AsyncSession, principal: Principal, *, plan_id: uuid.UUID) -> FollowUpPlan:
    row = await require(session, plan_id)
    await access.require_reach(session, principal, committee_id=row.committee_id)
    return await render(session, row)


async def list_plans(session: AsyncSession, principal: Principal, *, committee_id, year, after, limit: int) -> list:
    committees = await access.visible_committees(session, principal)
    return await repository.list_plans(session, committees=committees, committee_id=committee_id, year=year,
                                       after=after, limit=limit)


async def _items(session: AsyncSession, *, committee_id: uuid.UUID, year: int, weights: Weights,
                 thresholds: Thresholds) -> list[dict]:
    """The committee's contracts for the year, scored on the year before and ranked (highest score first)."""
    previous = year - 1
    rows = await repository.contracts_in_year(session, committee_id=committee_id, year=year)
    counts = await repository.finding_counts(session, contract_ids=[row.id for row in rows], year=previous)
    scored = []
    for row in rows:
        found = counts.get(row.id)
        as_of = await access.recorded_date(session, unit_ids=[row.provider_unit_id], on=date(previous, 12, 31))
        values = {
            Factor.open_findings: found.open_findings if found else 0,
            Factor.serious_findings: found.serious_findings if found else 0,
            Factor.escalations: found.escalations if found else 0,
            Factor.lex_sarah_cases: await repository.lex_sarah_count(session, unit_id=row.provider_unit_id, year=previous,
                                                                      as_of=as_of),
            Factor.places: row.places,
            Factor.annual_value_msek: None if row.annual_value_sek is None else row.annual_value_sek / 1_000_000,
        }
        total, explanation = rules.score(values, weights)
        proposed = rules.proposed_types(total, thresholds, night_operations=row.night_operations)
        scored.append((total, row, explanation, proposed))
    scored.sort(key=lambda entry: (-entry[0], entry[1].reference, str(entry[1].id)))
    return [{
        "id": uuid.uuid4(), "contract_id": row.id, "rank": rank, "score": total,
        "explanation": [part.model_dump(mode="json") for part in explanation],
        "proposed_types": [t.value for t in proposed], "planned_types": [t.value for t in proposed], "note": None,
    } for rank, (total, row, explanation, proposed) in enumerate(scored, 1)]


async def _compute(session: AsyncSession, plan_id: uuid.UUID, committee_id: uuid.UUID, year: int) -> dict:
    """Items for the plan from the current weights; returns the weights version used (a JSON copy)."""
    weights_row = await repository.current_weights(session, committee_id)
    version = render_weights(weights_row)
    items = await _items(session, committee_id=committee_id, year=year, weights=version.weights, thresholds=version.thresholds)
    await repository.replace_items(session, plan_id, [item | {"plan_id": plan_id} for item in items])
    return version.model_dump(mode="json")


async def _log(session, principal, action: str, before: FollowUpPlan | None, after: FollowUpPlan) -> None:
    await log.append(session, principal, action=action, entity_type="follow_up_plan", entity_id=after.id,
                     committee_id=after.committee_id, before=before, after=after)


async def create(session: AsyncSession, principal: Principal, *, data: PlanCreate) -> FollowUpPlan:
    """The proposed plan: every contract of the committee for the year, scored and ranked."""
    await _require_committee(session, principal, data.committee_id, data.year)
    if await repository.find(session, committee_id=data.committee_id, year=data.year):
        raise ProblemError(409, f"The committee already has a follow-up plan for {data.year}.", kind="follow-up-plan-exists")
    plan_id, now = uuid.uuid4(), datetime.now(UTC)
    # The plan row first (its items refer to it), with the weights the computation then fills in.
    await repository.insert_plan(session, data.model_dump() | {
        "id": plan_id, "status": PlanStatus.draft.value, "weights": {}, "created_by": principal.subject, "computed_at": now,
        "revision": 1,
    })
    await repository.update_plan(session, plan_id, {"weights": await _compute(session, plan_id, data.committee_id, data.year)})
    plan = await render(session, await require(session, plan_id))
    await _log(session, principal, "follow_up_plan.created", None, plan)
    return plan


def _require_draft(row) -> None:
    if row.status != PlanStatus.draft:
        raise ProblemError(409, f"The plan is {row.status}; only a draft can be changed.", kind="follow-up-plan-not-draft")


async def _bump(session: AsyncSession, row, **values) -> FollowUpPlan:
    await repository.update_plan(session, row.id, {"revision": row.revision + 1, **values})
    return await render(session, await require(session, row.id))


async def recalculate(session: AsyncSession, principal: Principal, *, row) -> FollowUpPlan:
    """Score the draft again on today's findings, lex Sarah counts and weights; changed planned types are reset."""
    await access.require_reach(session, principal, committee_id=row.committee_id)
    _require_draft(row)
    before = await render(session, row)
    weights = await _compute(session, row.id, row.committee_id, row.year)
    after = await _bump(session, row, weights=weights, computed_at=datetime.now(UTC))
    await _log(session, principal, "follow_up_plan.recalculated", before, after)
    return after


async def require_item(session: AsyncSession, row, item_id: uuid.UUID):
    item = await repository.get_item(session, item_id)
    if item is None or item.plan_id != row.id:
        raise ProblemError(404, f"No item {item_id} in this plan.", kind="item-not-found")
    return item


async def change_item(session: AsyncSession, principal: Principal, *, row, item, data: ItemChange) -> FollowUpPlan:
    """Plan other types than proposed for one contract (e.g. the committee's night inspection of every care home)."""
    await access.require_reach(session, principal, committee_id=row.committee_id)
    _require_draft(row)
    if len(set(data.planned_types)) != len(data.planned_types):
        raise ProblemError(422, "Each follow-up type is planned once per contract.", kind="duplicate-follow-up-type")
    before = await render(session, row)
    planned = sorted({t.value for t in data.planned_types}, key=lambda t: rules.TYPE_ORDER.index(FollowUpType(t)))
    await repository.update_item(session, item.id, {"planned_types": planned, "note": data.note})
    after = await _bump(session, row)
    await _log(session, principal, "follow_up_plan.item_changed", before, after)
    return after


async def adopt(session: AsyncSession, principal: Principal, *, row, data: DecisionInput) -> FollowUpPlan:
    """Nämnden fastställer planen by decision; the plan is read-only afterwards."""
    await access.require_reach(session, principal, committee_id=row.committee_id)
    _require_draft(row)
    if data.body_id != row.committee_id:
        raise ProblemError(422, "A follow-up plan is adopted by its committee.", kind="invalid-decision-body")
    before = await render(session, row)
    if not before.items:
        raise ProblemError(422, "A plan without contracts cannot be adopted.", kind="follow-up-plan-empty")
    decision = await decision_by(session, principal, data, unit_id=row.committee_id,
                                 as_of=await access.recorded_date(session, unit_ids=[row.committee_id], on=data.decided_on))
    after = await _bump(session, row, status=PlanStatus.adopted.value, decision=decision.model_dump(mode="json"),
                        adopted_by=principal.subject)
    await _log(session, principal, "follow_up_plan.adopted", before, after)
    return after
