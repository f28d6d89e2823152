"""SQL of the good-examples bank: consents, examples with Swedish full-text search (GIN), uptake."""

import uuid
from datetime import date
from functools import cache

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    Text,
    and_,
    any_,
    bindparam,
    case,
    func,
    insert,
    literal_column,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from awards.models import applications, jury_awards, org_tables
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


def _unit_name(unit_id: ColumnElement, today: date) -> ColumnElement:
    """The unit's name as ``servicekit.orgtree.render_unit`` shows it on ``today``, from the read model: the version in
    effect, else the first while the unit is still planned, else the last; NULL for a unit the read model lacks."""
    versions, others = org_tables.versions, org_tables.versions.alias("other_versions")
    first_from = select(func.min(others.c.valid_from)).where(others.c.unit_id == unit_id).correlate_except(others).scalar_subquery()
    in_effect = and_(versions.c.valid_from <= today, or_(versions.c.valid_to.is_(None), versions.c.valid_to > today))
    planned = first_from > today
    return (
        select(versions.c.name).where(versions.c.unit_id == unit_id)
        .order_by(in_effect.desc(), case((planned, versions.c.valid_from)).asc().nulls_last(), versions.c.valid_from.desc())
        .limit(1).correlate_except(versions).scalar_subquery()
    )


def _order(columns, rank: ColumnElement | None) -> list:
    """Best ranked first when searched; else the newest published first."""
    if rank is not None:
        return [rank.desc(), columns.published_at.desc().nulls_last(), columns.id]
    return [columns.published_at.desc().nulls_last(), columns.created_at.desc(), columns.id]


SEARCH_FILTERS = {
    "year": lambda value: examples.c.year == value, "unit_id": lambda value: examples.c.unit_id == value,
    "committee_id": lambda value: examples.c.committee_id == value, "round_id": lambda value: examples.c.round_id == value,
    "kind": lambda value: examples.c.kind == value,
    "area": lambda value: type_coerce(value, examples.c.areas.type.item_type) == any_(examples.c.areas),
    "lens": lambda value: type_coerce(value, examples.c.lenses.type.item_type) == any_(examples.c.lenses),
}


@cache
def _search_statement(*, searched: bool, one_status: bool, filters: tuple[str, ...]) -> Select:
    """The search's statement for one combination of filters, built once (its values are bound parameters)."""
    statuses = bindparam("statuses", expanding=not one_status)
    conditions = [examples.c.status == statuses if one_status else examples.c.status.in_(statuses)]
    conditions += [SEARCH_FILTERS[name](bindparam(name)) for name in filters]
    if searched:
        # A subquery (an InitPlan): the query is parsed once per search, not for every matched row's rank in the
        # prepared statement's generic plan. The planner does not see its words either, so it estimates few matches
        # and always takes the GIN index: with the words as a constant it priced the index's heap visits for words in
        # many examples (2,000 of the bench's 10,000) above testing every row's tsvector, and scanned the table or
        # the status index (up to 10 ms a search against 4 ms; the old SET LOCAL enable_seqscan = off still left
        # the status index).
        query_ts = select(func.websearch_to_tsquery(SEARCH_CONFIG, bindparam("q", type_=Text))).scalar_subquery()
        rank = func.ts_rank(examples.c.search, query_ts).label("rank")
        conditions.append(examples.c.search.op("@@")(query_ts))
    else:
        rank = literal_column("NULL::real").label("rank")
    page = (
        select(*EXAMPLE_COLUMNS, rank).where(and_(*conditions)).order_by(*_order(examples.c, rank if searched else None))
        .offset(bindparam("offset")).limit(bindparam("limit")).subquery("page")
    )
    uptake_count = select(func.count()).select_from(uptakes).where(uptakes.c.example_id == page.c.id).scalar_subquery()
    return (
        select(page, uptake_count.label("uptake_count"), _unit_name(page.c.unit_id, bindparam("today")).label("unit_name"))
        .order_by(*_order(page.c, page.c.rank if searched else None))
    )


async def search(
    session: AsyncSession, *, q: str | None, statuses: list[str], offset: int, limit: int, today: date, **filters,
) -> list[Row]:
    """One page (and one row more) of the examples matching the filters (``SEARCH_FILTERS``: None for any), in one
    statement; with ``q`` only those matching it (Swedish stemming), best ranked first. Each row carries its ``rank``
    (NULL without ``q``), its ``uptake_count`` and its unit's ``unit_name`` on ``today``, for the page's rows only."""
    given = {name: value for name, value in filters.items() if value is not None}
    params = {"statuses": statuses[0] if len(statuses) == 1 else statuses, "offset": offset, "limit": limit + 1,
              "today": today, **given}
    if q:
        params["q"] = q
    statement = _search_statement(searched=bool(q), one_status=len(statuses) == 1, filters=tuple(sorted(given)))
    return list(await session.execute(statement, params))


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


