"""SQL of quality guarantees: the guarantee (unit, year, revision) and its versions."""

import uuid
from datetime import date

from contracts.guarantees import QualityGuaranteeState
from sqlalchemy import ColumnElement, Row, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.problems import ProblemError

from goals.models import org_tables, quality_guarantee_versions, quality_guarantees

GUARANTEES, VERSIONS = quality_guarantees, quality_guarantee_versions
ORG_VERSIONS = org_tables.versions
_CONTENT = ("status", "business_idea", "promises", "feedback_routine", "contact_channel", "adopted_by",
            "published_at", "withdrawn_at", "withdrawal_reason")


def _state(guarantee: Row, version: Row) -> QualityGuaranteeState:
    return QualityGuaranteeState(
        id=guarantee.id, unit_id=guarantee.unit_id, year=guarantee.year, revision=guarantee.revision,
        version=version.version, **{name: getattr(version, name) for name in _CONTENT},
    )


async def load(session: AsyncSession, *, guarantee_id: uuid.UUID, lock: bool = False) -> list[QualityGuaranteeState]:
    """All versions of a guarantee, oldest first (empty when there is no such guarantee)."""
    query = select(GUARANTEES).where(GUARANTEES.c.id == guarantee_id)
    guarantee = (await session.execute(query.with_for_update() if lock else query)).first()
    if guarantee is None:
        return []
    versions = await session.execute(select(VERSIONS).where(VERSIONS.c.guarantee_id == guarantee_id).order_by(VERSIONS.c.version))
    return [_state(guarantee, version) for version in versions]


async def find_id(session: AsyncSession, *, unit_id: uuid.UUID, year: int) -> uuid.UUID | None:
    return await session.scalar(select(GUARANTEES.c.id).where(GUARANTEES.c.unit_id == unit_id, GUARANTEES.c.year == year))


async def insert_guarantee(session: AsyncSession, *, state: QualityGuaranteeState, authors: list[str]) -> None:
    try:
        async with session.begin_nested():
            await session.execute(insert(GUARANTEES).values(id=state.id, unit_id=state.unit_id, year=state.year, revision=state.revision))
    except IntegrityError:  # a guarantee for the unit and year was created at the same moment
        raise ProblemError(
            422, f"The unit already has a quality guarantee for {state.year}; change that one.", kind="guarantee-exists",
        ) from None
    await insert_version(session, state=state, authors=authors)


async def insert_version(session: AsyncSession, *, state: QualityGuaranteeState, authors: list[str]) -> None:
    await session.execute(insert(VERSIONS).values(guarantee_id=state.id, version=state.version, authors=authors, **_content(state)))


async def update_version(session: AsyncSession, *, state: QualityGuaranteeState, add_author: str | None = None) -> None:
    values = {**_content(state), "updated_at": func.now()}
    if add_author is not None:
        values["authors"] = func.array_append(func.array_remove(VERSIONS.c.authors, add_author), add_author)
    await session.execute(
        update(VERSIONS).where(VERSIONS.c.guarantee_id == state.id, VERSIONS.c.version == state.version).values(**values)
    )


async def set_revision(session: AsyncSession, *, guarantee_id: uuid.UUID, revision: int) -> None:
    await session.execute(update(GUARANTEES).where(GUARANTEES.c.id == guarantee_id).values(revision=revision, updated_at=func.now()))


async def authors(session: AsyncSession, *, guarantee_id: uuid.UUID, version: int) -> list[str]:
    return list(await session.scalar(
        select(VERSIONS.c.authors).where(VERSIONS.c.guarantee_id == guarantee_id, VERSIONS.c.version == version)
    ))


def _content(state: QualityGuaranteeState) -> dict:
    dumped = state.model_dump(mode="json")
    values = {name: dumped[name] for name in _CONTENT}
    # timestamps as datetimes for the DateTime columns, JSON for the JSONB ones
    for name in ("published_at", "withdrawn_at"):
        values[name] = getattr(state, name)
    return values


async def list_latest(
    session: AsyncSession, *, where: list[ColumnElement[bool]], after: tuple[int, uuid.UUID] | None, limit: int,
) -> list[QualityGuaranteeState]:
    """The newest version of each guarantee matching ``where``, newest year first then by id."""
    newest = (
        select(VERSIONS.c.guarantee_id, func.max(VERSIONS.c.version).label("version"))
        .group_by(VERSIONS.c.guarantee_id).subquery()
    )
    return await _page(session, newest, where, after, limit)


async def list_published(
    session: AsyncSession, *, where: list[ColumnElement[bool]], after: tuple[int, uuid.UUID] | None, limit: int,
) -> list[QualityGuaranteeState]:
    published = select(VERSIONS.c.guarantee_id, VERSIONS.c.version).where(VERSIONS.c.status == "published").subquery()
    return await _page(session, published, where, after, limit)


async def _page(session, chosen, where, after, limit) -> list[QualityGuaranteeState]:
    clauses = list(where)
    if after is not None:
        year, guarantee_id = after
        clauses.append(or_(GUARANTEES.c.year < year, and_(GUARANTEES.c.year == year, GUARANTEES.c.id > guarantee_id)))
    query = (
        select(GUARANTEES, VERSIONS)
        .join(chosen, chosen.c.guarantee_id == GUARANTEES.c.id)
        .join(VERSIONS, and_(VERSIONS.c.guarantee_id == chosen.c.guarantee_id, VERSIONS.c.version == chosen.c.version))
        .where(*clauses)
        .order_by(GUARANTEES.c.year.desc(), GUARANTEES.c.id)
        .limit(limit)
    )
    rows = await session.execute(query)
    return [_state(row, row) for row in rows]


async def unit_names(session: AsyncSession, *, unit_ids: set[uuid.UUID], as_of: date) -> dict[uuid.UUID, tuple[str, str]]:
    """Code and name of each unit as of a date: its version then, its last one when closed, its first when not yet begun."""
    if not unit_ids:
        return {}
    rows = await session.execute(
        select(ORG_VERSIONS.c.unit_id, ORG_VERSIONS.c.valid_from, ORG_VERSIONS.c.code, ORG_VERSIONS.c.name)
        .where(ORG_VERSIONS.c.unit_id.in_(unit_ids))
        .order_by(ORG_VERSIONS.c.unit_id, ORG_VERSIONS.c.valid_from)
    )
    names: dict[uuid.UUID, tuple[str, str]] = {}
    for unit_id, valid_from, code, name in rows:
        if unit_id not in names or valid_from <= as_of:
            names[unit_id] = (code, name)
    return names
