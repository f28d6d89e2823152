"""SQL of the jury's shortlist and decision, and the names blinded in its views."""

import uuid

from sqlalchemy import Row, insert, select
from sqlalchemy.dialects.postgresql import insert as upsert_into
from sqlalchemy.ext.asyncio import AsyncSession

from awards.models import award_winners, blinding_terms, jury_awards, jury_decisions, jury_shortlists


async def get_shortlist(session: AsyncSession, *, round_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = select(jury_shortlists).where(jury_shortlists.c.round_id == round_id)
    return (await session.execute(query.with_for_update() if lock else query)).one_or_none()


async def save_shortlist(session: AsyncSession, **values) -> Row:
    statement = upsert_into(jury_shortlists).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[jury_shortlists.c.round_id], set_={key: statement.excluded[key] for key in values if key != "round_id"},
    )
    return (await session.execute(statement.returning(jury_shortlists))).one()


async def get_decision(session: AsyncSession, *, round_id: uuid.UUID) -> Row | None:
    return (await session.execute(select(jury_decisions).where(jury_decisions.c.round_id == round_id))).one_or_none()


async def insert_decision(session: AsyncSession, *, awards: list[dict], **values) -> Row:
    row = (await session.execute(insert(jury_decisions).values(**values).returning(jury_decisions))).one()
    if awards:
        await session.execute(insert(jury_awards), [{"round_id": values["round_id"], **award} for award in awards])
    return row


async def awards_of(session: AsyncSession, *, round_id: uuid.UUID) -> list[Row]:
    query = select(jury_awards).where(jury_awards.c.round_id == round_id).order_by(jury_awards.c.placement.desc(), jury_awards.c.application_id)
    return list(await session.execute(query))


async def get_blinding_terms(session: AsyncSession, *, application_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, list[str]]]:
    """Application id → {"people": [...], "places": [...], "organisations": [...]}."""
    if not application_ids:
        return {}
    rows = await session.execute(select(blinding_terms).where(blinding_terms.c.application_id.in_(application_ids)))
    return {row.application_id: {"people": list(row.people), "places": list(row.places), "organisations": list(row.organisations)}
            for row in rows}


async def save_blinding_terms(session: AsyncSession, **values) -> Row:
    statement = upsert_into(blinding_terms).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[blinding_terms.c.application_id], set_={key: statement.excluded[key] for key in values if key != "application_id"},
    )
    return (await session.execute(statement.returning(blinding_terms))).one()


async def record_winner(session: AsyncSession, *, prize: str, year: int, unit_id: uuid.UUID, decision: dict) -> None:
    """The winner register read by the not_recent_winner eligibility rule; an existing entry is kept."""
    await session.execute(
        upsert_into(award_winners).values(prize=prize, year=year, unit_id=unit_id, decision=decision).on_conflict_do_nothing()
    )
