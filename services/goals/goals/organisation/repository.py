"""SQL of the organisation tree's write model."""

import uuid
from datetime import date

from contracts.organisation import OrganisationUnitState, OrganisationUnitType
from sqlalchemy import Row, all_, exists, func, insert, literal, or_, select, text, update
from sqlalchemy.dialects.postgresql import DATERANGE, UUID, array, distinct_on
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree import get_unit_state, replace_versions
from servicekit.problems import ProblemError

from goals.models import org_tables

UNITS, VERSIONS = org_tables.units, org_tables.versions
# Serialises moves, so two concurrent moves cannot each pass the cycle check and form a cycle.
MOVE_LOCK_KEY = 0x51_4D_4D_4F_56_45  # "QMMOVE"


async def lock_unit(session: AsyncSession, *, unit_id: uuid.UUID, shared: bool = False) -> OrganisationUnitState | None:
    """Read a unit and lock its row: FOR UPDATE to change it, FOR SHARE to attach a child to it.

    A closure holds FOR UPDATE while it checks for children, and attaching a child holds
    FOR SHARE on the parent, so a unit can never close under a child created at the same moment.
    """
    return await get_unit_state(session, org_tables, unit_id=unit_id, lock="share" if shared else "update")


async def lock_moves(session: AsyncSession) -> None:
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MOVE_LOCK_KEY})


async def city_exists(session: AsyncSession) -> bool:
    return bool(await session.scalar(select(exists().where(VERSIONS.c.type == OrganisationUnitType.city.value))))


async def is_below(session: AsyncSession, *, unit_id: uuid.UUID, ancestor_id: uuid.UUID, from_date: date) -> bool:
    """Whether ``unit_id`` is ``ancestor_id`` or below it on any day from ``from_date`` on.

    Walks up the stored versions, narrowing the period to the days each step holds, so future
    moves already recorded count as well as today's tree.
    """
    start = literal(unit_id, UUID)
    up = select(
        start.label("unit_id"),
        func.daterange(from_date, None, type_=DATERANGE).label("period"),
        array([start]).label("id_path"),
    ).cte("up", recursive=True)
    step = VERSIONS.alias("step")
    step_period = func.daterange(step.c.valid_from, step.c.valid_to, type_=DATERANGE)
    up = up.union_all(
        select(
            step.c.parent_id,
            up.c.period.op("*", return_type=DATERANGE)(step_period),
            func.array_append(up.c.id_path, step.c.parent_id),
        ).where(
            step.c.unit_id == up.c.unit_id,
            step.c.parent_id.is_not(None),
            up.c.period.op("&&")(step_period),
            step.c.parent_id != all_(up.c.id_path),
        )
    )
    return bool(await session.scalar(select(exists().where(up.c.unit_id == ancestor_id))))


async def open_children(session: AsyncSession, *, unit_id: uuid.UUID, from_date: date, limit: int = 20) -> list[Row]:
    """Units that sit under ``unit_id`` on some day from ``from_date`` on (id, code, name)."""
    query = (
        select(VERSIONS.c.unit_id, VERSIONS.c.code, VERSIONS.c.name)
        .ext(distinct_on(VERSIONS.c.unit_id))
        .where(VERSIONS.c.parent_id == unit_id, or_(VERSIONS.c.valid_to.is_(None), VERSIONS.c.valid_to > from_date))
        .order_by(VERSIONS.c.unit_id, VERSIONS.c.valid_from.desc())
        .limit(limit)
    )
    return list(await session.execute(query))


async def insert_unit(session: AsyncSession, *, state: OrganisationUnitState) -> None:
    await session.execute(insert(UNITS).values(id=state.id, revision=state.revision))
    await _store_versions(session, state, new=True)


async def save_unit(session: AsyncSession, *, state: OrganisationUnitState) -> None:
    await session.execute(update(UNITS).where(UNITS.c.id == state.id).values(revision=state.revision))
    await _store_versions(session, state, new=False)


async def _store_versions(session: AsyncSession, state: OrganisationUnitState, *, new: bool) -> None:
    try:
        await replace_versions(session, org_tables, state, new=new)
    except IntegrityError as exc:
        # The exclusion constraint is the authority on codes, also between concurrent requests.
        if getattr(exc.orig.__cause__, "constraint_name", None) != "ex_org_unit_versions_code":
            raise
        code = state.versions[-1].code  # earlier versions were stored before, so the newest one clashed
        raise ProblemError(
            422, f"Code {code} is used by another organisation unit in that period; a code is free again once its holder is closed.",
            kind="code-in-use", code=code,
        ) from None
