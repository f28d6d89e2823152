"""SQL of risk weights, follow-up plans and their items, and the counts the risk score reads."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree import subtree_cte

from audit.contracts.tables import contract_findings, contract_follow_ups, contracts
from audit.follow_up_plans.tables import follow_up_plan_items, follow_up_plans, risk_weights
from audit.lex_sarah.tables import cases
from audit.models import org_tables


async def current_weights(session: AsyncSession, committee_id: uuid.UUID):
    """The committee's latest version, else the city's latest."""
    query = (
        select(risk_weights)
        .where((risk_weights.c.committee_id == committee_id) | risk_weights.c.committee_id.is_(None))
        .order_by(risk_weights.c.committee_id.is_(None), risk_weights.c.version.desc())
        .limit(1)
    )
    return (await session.execute(query)).first()


async def weight_versions(session: AsyncSession, committee_id: uuid.UUID | None) -> list:
    query = select(risk_weights).order_by(risk_weights.c.committee_id.is_(None).desc(), risk_weights.c.version)
    if committee_id is not None:
        query = query.where((risk_weights.c.committee_id == committee_id) | risk_weights.c.committee_id.is_(None))
    return list(await session.execute(query))


async def next_weight_version(session: AsyncSession, committee_id: uuid.UUID) -> int:
    """The committee's next version number, under a transaction lock so two writers never take the same one."""
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"follow_up_risk_weights:{committee_id}"))))
    latest = await session.scalar(select(func.max(risk_weights.c.version)).where(risk_weights.c.committee_id == committee_id))
    return (latest or 0) + 1


async def insert_weights(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(risk_weights).values(**values))


async def get_weights(session: AsyncSession, weights_id: uuid.UUID):
    return (await session.execute(select(risk_weights).where(risk_weights.c.id == weights_id))).first()


async def get(session: AsyncSession, plan_id: uuid.UUID, *, lock: bool = False):
    query = select(follow_up_plans).where(follow_up_plans.c.id == plan_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).first()


async def find(session: AsyncSession, *, committee_id: uuid.UUID, year: int):
    query = select(follow_up_plans).where(follow_up_plans.c.committee_id == committee_id, follow_up_plans.c.year == year)
    return (await session.execute(query)).first()


async def list_plans(
    session: AsyncSession, *, committees: set[uuid.UUID] | None, committee_id: uuid.UUID | None, year: int | None,
    after: tuple[int, uuid.UUID] | None, limit: int,
) -> list:
    table = follow_up_plans
    query = select(table).order_by(table.c.year, table.c.id).limit(limit + 1)
    if committees is not None:
        query = query.where(table.c.committee_id.in_(committees))
    if committee_id is not None:
        query = query.where(table.c.committee_id == committee_id)
    if year is not None:
        query = query.where(table.c.year == year)
    if after is not None:
        query = query.where((table.c.year > after[0]) | ((table.c.year == after[0]) & (table.c.id > after[1])))
    return list(await session.execute(query))


async def insert_plan(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(follow_up_plans).values(**values))


async def update_plan(session: AsyncSession, plan_id: uuid.UUID, values: dict[str, Any]) -> None:
    await session.execute(update(follow_up_plans).where(follow_up_plans.c.id == plan_id).values(**values))


async def items_of(session: AsyncSession, plan_id: uuid.UUID) -> list:
    """The plan's items with their contract's columns, by rank."""
    query = (
        select(follow_up_plan_items, contracts.c.reference.label("contract_reference"), contracts.c.provider_unit_id,
               contracts.c.provider_kind)
        .join(contracts, contracts.c.id == follow_up_plan_items.c.contract_id)
        .where(follow_up_plan_items.c.plan_id == plan_id)
        .order_by(follow_up_plan_items.c.rank)
    )
    return list(await session.execute(query))


async def get_item(session: AsyncSession, item_id: uuid.UUID):
    return (await session.execute(select(follow_up_plan_items).where(follow_up_plan_items.c.id == item_id))).first()


async def replace_items(session: AsyncSession, plan_id: uuid.UUID, items: list[dict[str, Any]]) -> None:
    await session.execute(delete(follow_up_plan_items).where(follow_up_plan_items.c.plan_id == plan_id))
    if items:
        await session.execute(insert(follow_up_plan_items), items)


async def update_item(session: AsyncSession, item_id: uuid.UUID, values: dict[str, Any]) -> None:
    await session.execute(update(follow_up_plan_items).where(follow_up_plan_items.c.id == item_id).values(**values))


async def contracts_in_year(session: AsyncSession, *, committee_id: uuid.UUID, year: int) -> list:
    """The committee's active contracts whose period touches the year."""
    query = select(contracts).where(
        contracts.c.committee_id == committee_id, contracts.c.status == "active",
        contracts.c.valid_from <= date(year, 12, 31), contracts.c.valid_to >= date(year, 1, 1),
    )
    return list(await session.execute(query))


async def finding_counts(session: AsyncSession, *, contract_ids: list[uuid.UUID], year: int) -> dict[uuid.UUID, Any]:
    """Per contract, of the findings from its follow-ups in ``year``: not resolved, serious, escalated."""
    findings, follow_ups = contract_findings, contract_follow_ups
    query = (
        select(
            findings.c.contract_id,
            func.count().filter(findings.c.status != "resolved").label("open_findings"),
            func.count().filter(findings.c.severity == "serious").label("serious_findings"),
            func.count().filter(findings.c.escalation.is_not(None)).label("escalations"),
        )
        .join(follow_ups, follow_ups.c.id == findings.c.follow_up_id)
        .where(findings.c.contract_id.in_(contract_ids),
               follow_ups.c.performed_on.between(date(year, 1, 1), date(year, 12, 31)))
        .group_by(findings.c.contract_id)
    )
    return {row.contract_id: row for row in await session.execute(query)}


async def lex_sarah_count(session: AsyncSession, *, unit_id: uuid.UUID, year: int, as_of: date) -> int:
    """How many lex Sarah reports were made in ``year`` at the unit or below it: a count, never a case's contents."""
    tree = subtree_cte(org_tables, root_id=unit_id, as_of=as_of)
    query = select(func.count()).select_from(cases).where(
        cases.c.unit_id.in_(select(tree.c.unit_id)) | (cases.c.unit_id == unit_id),
        cases.c.reported_on.between(date(year, 1, 1), date(year, 12, 31)),
    )
    return await session.scalar(query) or 0


async def follow_ups_in_year(session: AsyncSession, *, contract_ids: list[uuid.UUID], year: int) -> list:
    table = contract_follow_ups
    query = select(table.c.id, table.c.contract_id, table.c.type).where(
        table.c.contract_id.in_(contract_ids), table.c.performed_on.between(date(year, 1, 1), date(year, 12, 31)),
    ).order_by(table.c.performed_on, table.c.id)
    return list(await session.execute(query))
