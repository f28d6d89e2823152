"""Reading the organisation tree as of a date; the same queries serve goals and every read model."""

import uuid
from collections import defaultdict
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from contracts.organisation import OrganisationUnitState, OrganisationUnitType, OrganisationUnitVersion
from sqlalchemy import ColumnElement, Integer, Table, Text, all_, and_, cast, func, literal, or_, select, tuple_
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree.schemas import OrganisationUnit, SubtreeNode, render_unit
from servicekit.orgtree.tables import OrgTables
from servicekit.pagination import Page, PageParams, build_page
from servicekit.problems import ProblemError

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def stockholm_today() -> date:
    """The default ``as_of``: a unit's day turns at midnight in Stockholm, not in UTC."""
    return datetime.now(STOCKHOLM).date()


def in_effect(versions: Table, as_of: date) -> ColumnElement[bool]:
    return and_(versions.c.valid_from <= as_of, or_(versions.c.valid_to.is_(None), versions.c.valid_to > as_of))


async def load_states(
    session: AsyncSession, tables: OrgTables, unit_ids: list[uuid.UUID], *, lock: Literal["update", "share"] | None = None
) -> dict[uuid.UUID, OrganisationUnitState]:
    """Full states (revision and every version) of the given units; unknown ids are absent.

    ``lock`` also locks the units' rows (FOR UPDATE or FOR SHARE) in the same round trip.
    """
    if not unit_ids:
        return {}
    units, versions = tables.units, tables.versions
    query = (
        select(units.c.id, units.c.revision, versions)
        .join(versions, versions.c.unit_id == units.c.id)
        .where(units.c.id.in_(unit_ids))
        .order_by(versions.c.unit_id, versions.c.valid_from)
    )
    if lock is not None:
        query = query.with_for_update(of=units, read=lock == "share")
    rows = await session.execute(query)
    revisions: dict[uuid.UUID, int] = {}
    history: dict[uuid.UUID, list[OrganisationUnitVersion]] = defaultdict(list)
    for row in rows:
        revisions[row.id] = row.revision
        history[row.id].append(
            OrganisationUnitVersion(
                valid_from=row.valid_from, valid_to=row.valid_to, code=row.code, name=row.name,
                type=row.type, parent_id=row.parent_id,
            )
        )
    return {unit_id: OrganisationUnitState(id=unit_id, revision=revisions[unit_id], versions=history[unit_id]) for unit_id in revisions}


async def get_unit_state(
    session: AsyncSession, tables: OrgTables, *, unit_id: uuid.UUID, lock: Literal["update", "share"] | None = None
) -> OrganisationUnitState | None:
    return (await load_states(session, tables, [unit_id], lock=lock)).get(unit_id)


async def get_unit(session: AsyncSession, tables: OrgTables, *, unit_id: uuid.UUID, as_of: date) -> OrganisationUnit | None:
    state = await get_unit_state(session, tables, unit_id=unit_id)
    return render_unit(state, as_of) if state else None


def subtree_cte(tables: OrgTables, *, root_id: uuid.UUID, as_of: date, max_depth: int | None = None):
    """Recursive CTE of the units at and below ``root_id`` as of a date.

    The id path guards against cycles: goals never stores one, but a read model applying events
    out of order can hold one for a moment, and the query must still end. Codes go into the path
    as text: ``ARRAY[code]`` would be ``varchar(50)[]`` while ``array_append`` yields
    ``varchar[]``, and PostgreSQL refuses a recursive term whose types differ.
    """
    versions = tables.versions
    top = (
        select(
            versions.c.unit_id, versions.c.parent_id, versions.c.code, versions.c.name, versions.c.type,
            versions.c.valid_from, versions.c.valid_to, literal(0, Integer).label("depth"),
            array([versions.c.unit_id]).label("id_path"), array([cast(versions.c.code, Text)]).label("code_path"),
        )
        .where(versions.c.unit_id == root_id, in_effect(versions, as_of))
        .cte("subtree", recursive=True)
    )
    child = versions.alias("child")
    step = select(
        child.c.unit_id, child.c.parent_id, child.c.code, child.c.name, child.c.type,
        child.c.valid_from, child.c.valid_to, top.c.depth + 1,
        func.array_append(top.c.id_path, child.c.unit_id), func.array_append(top.c.code_path, cast(child.c.code, Text)),
    ).where(child.c.parent_id == top.c.unit_id, in_effect(child, as_of), child.c.unit_id != all_(top.c.id_path))
    if max_depth is not None:
        step = step.where(top.c.depth < max_depth)
    return top.union_all(step)


async def subtree(
    session: AsyncSession, tables: OrgTables, *, root_id: uuid.UUID, as_of: date, max_depth: int | None = None
) -> list[SubtreeNode]:
    """The root and everything below it as of a date, depth-first; empty when the root is not in effect."""
    tree = subtree_cte(tables, root_id=root_id, as_of=as_of, max_depth=max_depth)
    rows = await session.execute(select(tree).order_by(tree.c.code_path))
    return [
        SubtreeNode(
            id=row.unit_id, code=row.code, name=row.name, type=row.type, parent_id=row.parent_id,
            valid_from=row.valid_from, valid_to=row.valid_to, depth=row.depth,
        )
        for row in rows
    ]


async def unit_and_ancestor_ids(session: AsyncSession, tables: OrgTables, *, unit_id: uuid.UUID, as_of: date) -> list[uuid.UUID]:
    """The unit's id followed by its ancestors' up to the root, as of a date (for ``in_org_scope``).

    Empty when the unit is not in effect at the date.
    """
    versions = tables.versions
    up = (
        select(versions.c.unit_id, versions.c.parent_id, literal(0, Integer).label("depth"), array([versions.c.unit_id]).label("id_path"))
        .where(versions.c.unit_id == unit_id, in_effect(versions, as_of))
        .cte("ancestors", recursive=True)
    )
    parent = versions.alias("parent")
    up = up.union_all(
        select(parent.c.unit_id, parent.c.parent_id, up.c.depth + 1, func.array_append(up.c.id_path, parent.c.unit_id))
        .where(parent.c.unit_id == up.c.parent_id, in_effect(parent, as_of), parent.c.unit_id != all_(up.c.id_path))
    )
    return list(await session.scalars(select(up.c.unit_id).order_by(up.c.depth)))


def _list_position(params: PageParams, as_of: date | None) -> tuple[date, tuple[str, uuid.UUID] | None]:
    """A cursor pins the date its first page was read at, so a walk never mixes two days' trees."""
    if params.cursor is None:
        return as_of or stockholm_today(), None
    try:
        pinned = date.fromisoformat(params.cursor["as_of"])
        after = (str(params.cursor["code"]), uuid.UUID(params.cursor["id"]))
    except (KeyError, TypeError, ValueError):
        raise ProblemError(400, "The cursor is not one this API issued.", kind="invalid-cursor") from None
    if as_of is not None and as_of != pinned:
        raise ProblemError(400, "The cursor belongs to another as_of; omit as_of or start again.", kind="invalid-cursor")
    return pinned, after


async def list_units(
    session: AsyncSession,
    tables: OrgTables,
    *,
    params: PageParams,
    as_of: date | None = None,
    types: list[OrganisationUnitType] | None = None,
    parent_id: uuid.UUID | None = None,
    code: str | None = None,
    within: uuid.UUID | None = None,
) -> Page[OrganisationUnit]:
    """Units in effect at ``as_of`` (default today in Stockholm), in code order."""
    as_of, after = _list_position(params, as_of)
    versions = tables.versions
    query = select(versions.c.unit_id, versions.c.code).where(in_effect(versions, as_of))
    if types:
        query = query.where(versions.c.type.in_([str(unit_type) for unit_type in types]))
    if parent_id is not None:
        query = query.where(versions.c.parent_id == parent_id)
    if code is not None:
        query = query.where(versions.c.code == code)
    if within is not None:
        tree = subtree_cte(tables, root_id=within, as_of=as_of)
        query = query.where(versions.c.unit_id.in_(select(tree.c.unit_id)))
    if after is not None:
        query = query.where(tuple_(versions.c.code, versions.c.unit_id) > tuple_(*after))
    rows = (await session.execute(query.order_by(versions.c.code, versions.c.unit_id).limit(params.limit + 1))).all()
    rows, next_cursor = build_page(
        rows, params, lambda row: {"as_of": as_of.isoformat(), "code": row.code, "id": str(row.unit_id)}
    )
    states = await load_states(session, tables, [row.unit_id for row in rows])
    return Page[OrganisationUnit](items=[render_unit(states[row.unit_id], as_of) for row in rows], next_cursor=next_cursor)
