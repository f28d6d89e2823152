"""Rules of contracts and their follow-ups.

A contract belongs to its ordering committee (beställande nämnd): the committee above the provider
unit on the contract's first day, with the administration (förvaltning) above the unit as the
responsible city administration. Seed 003: the contract is the governing document of a contracted
operation and must say how quality is followed up and that a complaint routine exists, so a
contract without a complaint-routine requirement is refused. A follow-up's finding names the
requirement it concerns and runs action plan → re-check; a serious one that remains is escalated to
the responsible administration. Sanctions climb the ladder in order, each by decision. Every change
is appended to the audit log in the request's transaction.
"""

import uuid
from datetime import date

from contracts.audit import CONTRACT_DEFICIENCY_ESCALATED, SCHEMA_VERSION, ContractDeficiencyEscalated
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.auth import is_city_wide_reader
from servicekit.events.outbox import EventPublisher
from servicekit.orgtree import in_effect, unit_and_ancestor_ids
from servicekit.problems import ProblemError

from audit import access
from audit.auditlog import service as log
from audit.contracts import repository
from audit.contracts.schemas import (
    ActionPlanInput,
    Contract,
    ContractCreate,
    ContractFinding,
    ContractStatus,
    Escalation,
    EscalationInput,
    FindingCreate,
    FindingStatus,
    FollowUp,
    FollowUpCreate,
    FollowUpKind,
    ProviderKind,
    RecheckInput,
    RequirementCategory,
    SANCTION_LADDER,
    SanctionCreate,
    SanctionStep,
    Severity,
)
from audit.decisions import decision_by
from audit.models import org_tables

EDIT_ROLES = ("internal_auditor", "controller")
PROVIDER_KINDS = {"contractor": ProviderKind.contractor, "unit": ProviderKind.in_house, "department": ProviderKind.in_house}
VERSIONS = org_tables.versions
events = EventPublisher("audit")


async def _types_on(session: AsyncSession, unit_ids: list[uuid.UUID], on: date) -> dict[uuid.UUID, str]:
    rows = await session.execute(
        select(VERSIONS.c.unit_id, VERSIONS.c.type).where(VERSIONS.c.unit_id.in_(unit_ids), in_effect(VERSIONS, on))
    )
    return {row.unit_id: row.type for row in rows}


async def _place(session: AsyncSession, provider_unit_id: uuid.UUID, on: date) -> tuple[ProviderKind, uuid.UUID, uuid.UUID]:
    """(provider kind, ordering committee, responsible administration) of a provider unit on a day."""
    on = await access.recorded_date(session, unit_ids=[provider_unit_id], on=on)
    chain = await unit_and_ancestor_ids(session, org_tables, unit_id=provider_unit_id, as_of=on)
    types = await _types_on(session, chain, on)
    kind = PROVIDER_KINDS.get(types.get(provider_unit_id))
    if kind is None:
        raise ProblemError(
            422, "A contract's provider must be a contractor (entreprenör) or an in-house unit or department in effect "
            "on the contract's first day.", kind="invalid-provider",
        )
    administration = next((unit for unit in chain if types.get(unit) == "administration"), None)
    committee = next((unit for unit in chain if types.get(unit) in access.COMMITTEE_TYPES), None)
    if administration is None or committee is None:
        raise ProblemError(422, "The provider unit is not under an administration and a committee.", kind="unit-not-in-effect")
    return kind, committee, administration


async def require(session: AsyncSession, contract_id: uuid.UUID, *, lock: bool = False):
    row = await repository.get(session, contract_id, lock=lock)
    if row is None:
        raise ProblemError(404, f"No contract {contract_id}.", kind="contract-not-found")
    return row


async def render(session: AsyncSession, row) -> Contract:
    requirements = [dict(r._mapping) for r in await repository.requirements_of(session, row.id)]
    sanctions = await repository.sanctions_of(session, row.id)
    return Contract.model_validate(dict(row._mapping) | {
        "requirements": requirements, "sanction_step": _highest_step(sanctions),
        "sanctions": [dict(sanction._mapping) for sanction in sanctions],
    })


def _highest_step(sanctions: list) -> SanctionStep | None:
    return max((SanctionStep(s.step) for s in sanctions), key=SANCTION_LADDER.index, default=None)


async def _reach(session: AsyncSession, principal: Principal, row) -> None:
    await access.require_reach(session, principal, committee_id=row.committee_id, unit_id=row.provider_unit_id)


async def read(session: AsyncSession, principal: Principal, *, contract_id: uuid.UUID) -> Contract:
    row = await require(session, contract_id)
    await _reach(session, principal, row)
    return await render(session, row)


async def create(session: AsyncSession, principal: Principal, *, data: ContractCreate) -> Contract:
    if data.valid_to < data.valid_from:
        raise ProblemError(422, "The contract period ends before it begins.", kind="invalid-period")
    if not any(r.category == RequirementCategory.complaint_routine for r in data.requirements):
        raise ProblemError(
            422, "The contract must require a complaint routine (rutin för klagomålshantering).", kind="complaint-routine-missing",
        )
    if len({r.code for r in data.requirements}) != len(data.requirements):
        raise ProblemError(422, "Each requirement needs its own code.", kind="duplicate-requirement")
    kind, committee, administration = await _place(session, data.provider_unit_id, data.valid_from)
    await access.require_reach(session, principal, committee_id=committee, unit_id=data.provider_unit_id)
    contract_id = uuid.uuid4()
    values = data.model_dump(exclude={"requirements"}) | {
        "id": contract_id, "provider_kind": kind.value, "committee_id": committee, "administration_id": administration,
        "status": ContractStatus.active.value, "created_by": principal.subject, "revision": 1,
    }
    requirements = [
        r.model_dump() | {"id": uuid.uuid4(), "contract_id": contract_id, "position": n} for n, r in enumerate(data.requirements)
    ]
    await repository.insert_contract(session, values, requirements)
    contract = await render(session, await require(session, contract_id))
    await log.append(session, principal, action="contract.created", entity_type="contract", entity_id=contract_id,
                     committee_id=committee, before=None, after=contract)
    return contract


def render_follow_up(row, contract) -> FollowUp:
    kind = FollowUpKind.contract if contract.provider_kind == ProviderKind.contractor else FollowUpKind.operations
    return FollowUp.model_validate(dict(row._mapping) | {"kind": kind})


async def add_follow_up(session: AsyncSession, principal: Principal, *, contract_id: uuid.UUID, data: FollowUpCreate) -> FollowUp:
    contract = await require(session, contract_id, lock=True)
    await _reach(session, principal, contract)
    if not contract.valid_from <= data.performed_on <= contract.valid_to:
        raise ProblemError(
            422, f"The follow-up date {data.performed_on} is outside the contract period "
            f"{contract.valid_from}–{contract.valid_to}.", kind="outside-contract-period",
        )
    if contract.status == ContractStatus.terminated:
        raise ProblemError(409, "The contract is terminated.", kind="contract-terminated")
    follow_up_id = uuid.uuid4()
    await repository.insert_follow_up(session, data.model_dump() | {
        "id": follow_up_id, "contract_id": contract_id, "performed_by": principal.subject,
    })
    follow_up = render_follow_up(await repository.get_follow_up(session, follow_up_id), contract)
    await log.append(session, principal, action="contract.follow_up_recorded", entity_type="contract_follow_up",
                     entity_id=follow_up_id, committee_id=contract.committee_id, before=None, after=follow_up)
    return follow_up


async def follow_ups(session: AsyncSession, principal: Principal, *, contract_id: uuid.UUID, after, limit: int) -> tuple:
    """(the contract, one page of its follow-up rows, plus one row beyond to tell whether more follow)."""
    contract = await require(session, contract_id)
    await _reach(session, principal, contract)
    return contract, await repository.follow_ups_of(session, contract_id, after=after, limit=limit)


def render_finding(row) -> ContractFinding:
    return ContractFinding.model_validate(dict(row._mapping))


async def add_finding(session: AsyncSession, principal: Principal, *, follow_up_id: uuid.UUID, data: FindingCreate) -> ContractFinding:
    follow_up = await repository.get_follow_up(session, follow_up_id)
    if follow_up is None:
        raise ProblemError(404, f"No follow-up {follow_up_id}.", kind="follow-up-not-found")
    contract = await require(session, follow_up.contract_id, lock=True)
    await _reach(session, principal, contract)
    if data.requirement_id not in {r.id for r in await repository.requirements_of(session, contract.id)}:
        raise ProblemError(422, "requirement_id must name a requirement of this contract.", kind="requirement-not-in-contract")
    finding_id = uuid.uuid4()
    await repository.insert_finding(session, data.model_dump() | {
        "id": finding_id, "follow_up_id": follow_up_id, "contract_id": contract.id, "status": FindingStatus.open.value, "revision": 1,
    })
    finding = render_finding(await repository.get_finding(session, finding_id))
    await log.append(session, principal, action="contract.finding_recorded", entity_type="contract_finding",
                     entity_id=finding_id, committee_id=contract.committee_id, before=None, after=finding)
    return finding


async def require_finding(session: AsyncSession, finding_id: uuid.UUID, *, lock: bool = False):
    row = await repository.get_finding(session, finding_id, lock=lock)
    if row is None:
        raise ProblemError(404, f"No contract finding {finding_id}.", kind="finding-not-found")
    return row


async def read_finding(session: AsyncSession, principal: Principal, *, finding_id: uuid.UUID) -> ContractFinding:
    row = await require_finding(session, finding_id)
    await _reach(session, principal, await require(session, row.contract_id))
    return render_finding(row)


async def findings(
    session: AsyncSession, principal: Principal, *, contract_id: uuid.UUID, status: FindingStatus | None, after, limit: int
) -> list:
    contract = await require(session, contract_id)
    await _reach(session, principal, contract)
    return await repository.findings_of(session, contract_id, status=status, after=after, limit=limit)


async def _change(session, principal, row, contract, action: str, values: dict) -> ContractFinding:
    before = render_finding(row)
    await repository.update_finding(session, row.id, values | {"revision": row.revision + 1})
    after = render_finding(await require_finding(session, row.id))
    await log.append(session, principal, action=action, entity_type="contract_finding", entity_id=row.id,
                     committee_id=contract.committee_id, before=before, after=after)
    return after


async def set_action_plan(session: AsyncSession, principal: Principal, *, row, data: ActionPlanInput) -> ContractFinding:
    """The provider's action plan, recorded or replaced until the re-check."""
    contract = await require(session, row.contract_id)
    await _reach(session, principal, contract)
    if row.status not in (FindingStatus.open, FindingStatus.action_planned):
        raise ProblemError(409, f"The finding is {row.status}; its re-check is done.", kind="finding-rechecked")
    found_on = (await repository.get_follow_up(session, row.follow_up_id)).performed_on
    if data.deadline <= found_on or data.submitted_on < found_on:
        raise ProblemError(
            422, f"The action plan must be submitted on or after, and due after, the follow-up of {found_on}.", kind="invalid-deadline",
        )
    return await _change(session, principal, row, contract, "contract.action_plan_set", {
        "action_plan": data.model_dump(mode="json"), "status": FindingStatus.action_planned.value,
    })


async def recheck(session: AsyncSession, principal: Principal, *, row, data: RecheckInput) -> ContractFinding:
    """Återkontroll: the deficiency is resolved, or remains (kvarstående brist)."""
    contract = await require(session, row.contract_id)
    await _reach(session, principal, contract)
    if row.status != FindingStatus.action_planned:
        raise ProblemError(
            409, f"The finding is {row.status}; a re-check follows the provider's action plan.", kind="no-action-plan",
        )
    if data.rechecked_on < date.fromisoformat(row.action_plan["submitted_on"]):
        raise ProblemError(422, "The re-check cannot precede the action plan.", kind="invalid-recheck-date")
    status = FindingStatus.resolved if data.resolved else FindingStatus.remaining
    return await _change(session, principal, row, contract, "contract.rechecked", {
        "recheck": data.model_dump(mode="json"), "status": status.value,
    })


async def escalate(session: AsyncSession, principal: Principal, *, row, data: EscalationInput) -> ContractFinding:
    """A serious deficiency that remains after the re-check goes to the responsible administration (and an event)."""
    contract = await require(session, row.contract_id)
    await _reach(session, principal, contract)
    if row.escalation is not None:
        raise ProblemError(409, "The deficiency is already escalated.", kind="already-escalated")
    if row.status != FindingStatus.remaining or row.severity != Severity.serious:
        raise ProblemError(
            409, "Only a serious deficiency that remained at its re-check is escalated.", kind="not-a-serious-remaining-deficiency",
        )
    rechecked_on = date.fromisoformat(row.recheck["rechecked_on"])
    if data.escalated_on < rechecked_on:
        raise ProblemError(422, "The escalation cannot precede the re-check.", kind="invalid-escalation-date")
    if data.reported_to_unit_id is not None:
        on = await access.recorded_date(session, unit_ids=[data.reported_to_unit_id], on=data.escalated_on)
        if (await _types_on(session, [data.reported_to_unit_id], on)).get(data.reported_to_unit_id) != "administration":
            raise ProblemError(422, "reported_to_unit_id must name an administration (förvaltning) in effect on the day.",
                               kind="invalid-report-recipient")
    finding = await _change(session, principal, row, contract, "contract.deficiency_escalated", {
        "escalation": data.model_dump(mode="json"),
    })
    requirement = next(r for r in await repository.requirements_of(session, contract.id) if r.id == row.requirement_id)
    follow_up = await repository.get_follow_up(session, row.follow_up_id)
    payload = ContractDeficiencyEscalated(
        finding_id=finding.id, revision=finding.revision, contract_id=contract.id, contract_reference=contract.reference,
        provider_unit_id=contract.provider_unit_id, provider_kind=contract.provider_kind, committee_id=contract.committee_id,
        administration_id=contract.administration_id, requirement_code=requirement.code, requirement_category=requirement.category,
        severity=finding.severity, description=finding.description, found_on=follow_up.performed_on, rechecked_on=rechecked_on,
        escalated_on=data.escalated_on, reported_to_unit_id=data.reported_to_unit_id,
    )
    await events.record(session, type=CONTRACT_DEFICIENCY_ESCALATED, subject=str(finding.id),
                        schema_version=SCHEMA_VERSION, data=payload)
    return finding


async def escalations(session: AsyncSession, principal: Principal, *, after, limit: int) -> list:
    """Escalations to, or reported to, the administrations in the principal's scope (the city's readers see all)."""
    administrations = None if is_city_wide_reader(principal) else await access.units_in_scope(session, principal)
    return await repository.list_escalations(session, administrations=administrations, after=after, limit=limit)


def render_escalation(row) -> Escalation:
    values = dict(row._mapping)
    return Escalation(finding=ContractFinding.model_validate(values), **{key: values[key] for key in (
        "contract_reference", "provider_unit_id", "committee_id", "administration_id")})


async def add_sanction(session: AsyncSession, principal: Principal, *, row, data: SanctionCreate) -> Contract:
    """The next step of the sanction ladder, decided: the same step again or the one above, never a skipped one."""
    await _reach(session, principal, row)
    if row.status == ContractStatus.terminated:
        raise ProblemError(409, "The contract is terminated.", kind="contract-terminated")
    sanctions = await repository.sanctions_of(session, row.id)
    highest = _highest_step(sanctions)
    allowed = SANCTION_LADDER.index(highest) + 1 if highest else 0
    if SANCTION_LADDER.index(data.step) > allowed:
        raise ProblemError(
            422, f"The sanction ladder is climbed in order: after {highest or 'no sanction'} the next step is "
            f"{SANCTION_LADDER[allowed]}.", kind="sanction-step-skipped", next_step=SANCTION_LADDER[allowed].value,
        )
    if data.finding_id is not None:
        finding = await repository.get_finding(session, data.finding_id)
        if finding is None or finding.contract_id != row.id:
            raise ProblemError(422, "finding_id must name a finding of this contract.", kind="finding-not-in-contract")
    decision = await decision_by(session, principal, data.decision, unit_id=row.provider_unit_id,
                                 as_of=await access.recorded_date(session, unit_ids=[row.provider_unit_id], on=data.decision.decided_on))
    before = await render(session, row)
    sanction_id = uuid.uuid4()
    await repository.insert_sanction(session, data.model_dump(exclude={"decision"}) | {
        "id": sanction_id, "contract_id": row.id, "decision": decision.model_dump(mode="json"), "recorded_by": principal.subject,
    })
    status = ContractStatus.terminated if data.step == SanctionStep.termination else ContractStatus(row.status)
    await repository.update_contract(session, row.id, {"revision": row.revision + 1, "status": status.value})
    after = await render(session, await require(session, row.id))
    await log.append(session, principal, action=f"contract.sanction.{data.step.value}", entity_type="contract",
                     entity_id=row.id, committee_id=row.committee_id, before=before, after=after)
    return after

