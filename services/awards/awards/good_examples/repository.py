"""SQL of the good-examples bank: consents, examples with Swedish full-text search (GIN), uptake."""

import uuid

from sqlalchemy import Row, and_, any_, func, insert, literal_column, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from awards.models import applications, jury_awards
from awards.models import good_example_consents as consents
from awards.models import good_example_uptakes as uptakes
from awards.models import good_examples as examples

SEARCH_CONFIG = literal_column("'swedish'::regconfig")
EXAMPLE_COLUMNS = [column for column in examples.c if column.name != "search"]


async def insert_consent(session: AsyncSession, **values) -> Row:
    return (await session.execute(insert(consents).values(**values).returning(consents))).one()


async def list_consents(session: AsyncSession, *, round_id: uuid.UUID, unit_ids: list[uuid.UUID] | None) -> list[Row]:
    query = select(consents).where(consents.c.round_id == round_id)
    if unit_ids is not None:
        query = query.where(consents.c.unit_id.in_(unit_ids))
    return list((await session.execute(query.order_by(consents.c.unit_id, consents.c.recorded_at, consents.c.id))).all())


async def current_consent(session: AsyncSession, *, round_id: uuid.UUID, unit_id: uuid.UUID) -> Row | None:
    """The unit's latest decision in the round (the one that counts)."""
    return (await session.execute(
        select(consents).where(consents.c.round_id == round_id, consents.c.unit_id == unit_id)
        .order_by(consents.c.recorded_at.desc(), consents.c.id.desc()).limit(1)
    )).one_or_none()


async def units_with_consent_decision(session: AsyncSession, *, round_id: uuid.UUID) -> set[uuid.UUID]:
    rows = await session.execute(select(consents.c.unit_id).where(consents.c.round_id == round_id).distinct())
    return {row.unit_id for row in rows}


async def awarded_units(session: AsyncSession, *, round_id: uuid.UUID) -> set[uuid.UUID]:
    """Units whose applications the jury awarded in the round (winners and honourable mentions)."""
    rows = await session.execute(
        select(applications.c.unit_id).join(jury_awards, jury_awards.c.application_id == applications.c.id)
        .where(jury_awards.c.round_id == round_id)
    )
    return {row.unit_id for row in rows}


async def insert_example(session: AsyncSession, **values) -> Row:
    return (await session.execute(insert(examples).values(**values).returning(*EXAMPLE_COLUMNS))).one()


async def get_example(session: AsyncSession, *, example_id: uuid.UUID, lock: bool = False) -> Row | None:
    query = select(*EXAMPLE_COLUMNS).where(examples.c.id == example_id)
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).one_or_none()


async def update_example(session: AsyncSession, *, example_id: uuid.UUID, **values) -> Row:
    return (await session.execute(
        update(examples).where(examples.c.id == example_id).values(**values).returning(*EXAMPLE_COLUMNS)
    )).one()


async def published_of_unit(session: AsyncSession, *, round_id: uuid.UUID, unit_id: uuid.UUID) -> list[Row]:
    return list((await session.execute(
        select(*EXAMPLE_COLUMNS).where(examples.c.round_id == round_id, examples.c.unit_id == unit_id,
                                       examples.c.status == "published").with_for_update()
    )).all())


async def count_published(session: AsyncSession, *, round_id: uuid.UUID) -> int:
    return await session.scalar(
        select(func.count()).select_from(examples).where(examples.c.round_id == round_id, examples.c.status == "published")
    )


async def search(
    session: AsyncSession, *, q: str | None, statuses: list[str], area: str | None, lens: str | None, year: int | None,
    unit_id: uuid.UUID | None, committee_id: uuid.UUID | None, round_id: uuid.UUID | None, kind: str | None,
    offset: int, limit: int,
) -> list[tuple[Row, float | None]]:
    """Examples matching the filters; with ``q`` only those matching it (Swedish stemming), best ranked first."""
    conditions = [examples.c.status.in_(statuses)]
    for column, value in ((examples.c.year, year), (examples.c.unit_id, unit_id), (examples.c.committee_id, committee_id),
                          (examples.c.round_id, round_id), (examples.c.kind, kind)):
        if value is not None:
            conditions.append(column == value)
    if area is not None:
        conditions.append(any_(examples.c.areas) == area)
    if lens is not None:
        conditions.append(any_(examples.c.lenses) == lens)
    if q:
        # The planner prices the GIN index too high for words in many examples and scans the whole table,
        # testing every tsvector (measured: ~5× slower than the bitmap scan); this transaction uses the index.
        await session.execute(text("SET LOCAL enable_seqscan = off"))
        query_ts = func.websearch_to_tsquery(SEARCH_CONFIG, q)
        rank = func.ts_rank(examples.c.search, query_ts).label("rank")
        conditions.append(examples.c.search.op("@@")(query_ts))
        order = [rank.desc(), examples.c.published_at.desc().nulls_last(), examples.c.id]
    else:
        rank = literal_column("NULL::real").label("rank")
        order = [examples.c.published_at.desc().nulls_last(), examples.c.created_at.desc(), examples.c.id]
    rows = await session.execute(
        select(*EXAMPLE_COLUMNS, rank).where(and_(*conditions)).order_by(*order).offset(offset).limit(limit + 1)
    )
    return [(row, row.rank) for row in rows]


async def uptake_counts(session: AsyncSession, *, example_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not example_ids:
        return {}
    rows = await session.execute(
        select(uptakes.c.example_id, func.count()).where(uptakes.c.example_id.in_(example_ids)).group_by(uptakes.c.example_id)
    )
    return {example_id: count for example_id, count in rows}


async def record_uptake(session: AsyncSession, **values) -> tuple[Row, bool]:
    """(the uptake, True when new); a unit's second record of the same example changes nothing."""
    inserted = (await session.execute(
        pg_insert(uptakes).values(**values).on_conflict_do_nothing(index_elements=["example_id", "unit_id"]).returning(uptakes)
    )).one_or_none()
    if inserted is not None:
        return inserted, True
    existing = (await session.execute(
        select(uptakes).where(uptakes.c.example_id == values["example_id"], uptakes.c.unit_id == values["unit_id"])
    )).one()
    return existing, False


async def list_uptakes(session: AsyncSession, *, example_id: uuid.UUID) -> list[Row]:
    return list((await session.execute(
        select(uptakes).where(uptakes.c.example_id == example_id).order_by(uptakes.c.recorded_at, uptakes.c.unit_id)
    )).all())


