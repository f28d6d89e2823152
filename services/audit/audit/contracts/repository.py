"""SQL of contracts, their requirements, follow-ups and findings."""

import uuid
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from audit.contracts.tables import contract_findings, contract_follow_ups, contract_requirements, contract_sanctions, contracts


async def get(session: AsyncSession, contract_id: uuid.UUID, *, lock: bool = False):
    query = select(contracts).where(contracts.c.id == contract_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).first()


async def requirements_of(session: AsyncSession, contract_id: uuid.UUID) -> list:
    query = select(contract_requirements).where(contract_requirements.c.contract_id == contract_id)
    return list(await session.execute(query.order_by(contract_requirements.c.position)))


async def insert_contract(session: AsyncSession, values: dict[str, Any], requirements: list[dict[str, Any]]) -> None:
    await session.execute(insert(contracts).values(**values))
    await session.execute(insert(contract_requirements), requirements)


async def list_contracts(
    session: AsyncSession, *, committees: set[uuid.UUID] | None, provider_unit_id: uuid.UUID | None,
    after: tuple[str, uuid.UUID] | None, limit: int,
) -> list:
    query = select(contracts).order_by(contracts.c.reference, contracts.c.id).limit(limit + 1)
    if committees is not None:
        query = query.where(contracts.c.committee_id.in_(committees))
    if provider_unit_id is not None:
        query = query.where(contracts.c.provider_unit_id == provider_unit_id)
    if after is not None:
        query = query.where(
            (contracts.c.reference > after[0]) | ((contracts.c.reference == after[0]) & (contracts.c.id > after[1]))
        )
    return list(await session.execute(query))


async def insert_follow_up(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(contract_follow_ups).values(**values))


async def get_follow_up(session: AsyncSession, follow_up_id: uuid.UUID):
    return (await session.execute(select(contract_follow_ups).where(contract_follow_ups.c.id == follow_up_id))).first()


async def follow_ups_of(session: AsyncSession, contract_id: uuid.UUID, *, after: tuple | None, limit: int) -> list:
    table = contract_follow_ups
    query = select(table).where(table.c.contract_id == contract_id).order_by(table.c.performed_on, table.c.id).limit(limit + 1)
    if after is not None:
        query = query.where((table.c.performed_on > after[0]) | ((table.c.performed_on == after[0]) & (table.c.id > after[1])))
    return list(await session.execute(query))


async def insert_finding(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(contract_findings).values(**values))


async def get_finding(session: AsyncSession, finding_id: uuid.UUID, *, lock: bool = False):
    query = select(contract_findings).where(contract_findings.c.id == finding_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).first()


async def findings_of(
    session: AsyncSession, contract_id: uuid.UUID, *, status: str | None, after: tuple | None, limit: int
) -> list:
    table = contract_findings
    query = select(table).where(table.c.contract_id == contract_id).order_by(table.c.created_at, table.c.id).limit(limit + 1)
    if status is not None:
        query = query.where(table.c.status == status)
    if after is not None:
        query = query.where((table.c.created_at > after[0]) | ((table.c.created_at == after[0]) & (table.c.id > after[1])))
    return list(await session.execute(query))


async def update_finding(session: AsyncSession, finding_id: uuid.UUID, values: dict[str, Any]) -> None:
    await session.execute(update(contract_findings).where(contract_findings.c.id == finding_id).values(**values))


async def update_contract(session: AsyncSession, contract_id: uuid.UUID, values: dict[str, Any]) -> None:
    await session.execute(update(contracts).where(contracts.c.id == contract_id).values(**values))


async def sanctions_of(session: AsyncSession, contract_id: uuid.UUID) -> list:
    query = select(contract_sanctions).where(contract_sanctions.c.contract_id == contract_id)
    return list(await session.execute(query.order_by(contract_sanctions.c.created_at, contract_sanctions.c.id)))


async def insert_sanction(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(contract_sanctions).values(**values))


async def list_escalations(
    session: AsyncSession, *, administrations: set[uuid.UUID] | None, after: tuple | None, limit: int
) -> list:
    """Escalated findings with their contract's columns, oldest escalation first."""
    escalated_on = contract_findings.c.escalation["escalated_on"].astext
    query = (
        select(contract_findings, contracts.c.reference.label("contract_reference"), contracts.c.provider_unit_id,
               contracts.c.committee_id, contracts.c.administration_id, escalated_on.label("escalated_on"))
        .join(contracts, contracts.c.id == contract_findings.c.contract_id)
        .where(contract_findings.c.escalation.is_not(None))
        .order_by(escalated_on, contract_findings.c.id).limit(limit + 1)
    )
    if administrations is not None:
        reported_to = contract_findings.c.escalation["reported_to_unit_id"].astext
        query = query.where(contracts.c.administration_id.in_(administrations)
                            | reported_to.in_([str(unit) for unit in administrations]))
    if after is not None:
        query = query.where((escalated_on > after[0]) | ((escalated_on == after[0]) & (contract_findings.c.id > after[1])))
    return list(await session.execute(query))
