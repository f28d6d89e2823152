"""Rules of categories and routing: codes are city-wide; a route names a unit of that committee."""

import uuid

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.orgtree import stockholm_today
from servicekit.problems import ProblemError

from feedback import access, organisation
from feedback.categories import repository
from feedback.categories.schemas import Category, CategoryChange, CategoryCreate, Route


def render_category(row: Row) -> Category:
    return Category(
        code=row.code, name_sv=row.name_sv, description_sv=row.description_sv, group_sv=row.group_sv,
        keywords=[word for word in row.keywords.split(",") if word], active=row.active, revision=row.revision,
    )


def check_active(code: str, *, active: bool | None) -> None:
    """``active``: the category's flag (None: no such category)."""
    if not active:
        raise ProblemError(422, f"No active category {code!r}.", kind="unknown-category", category_code=code)


async def require_active_category(session: AsyncSession, *, code: str) -> Row:
    row = await repository.get_category(session, code=code)
    check_active(code, active=row.active if row is not None else None)
    return row


async def get_category(session: AsyncSession, *, code: str, lock: bool = False) -> Row:
    row = await repository.get_category(session, code=code, lock=lock)
    if row is None:
        raise ProblemError(404, f"No category {code!r}.", kind="category-not-found")
    return row


async def list_categories(session: AsyncSession, *, active_only: bool = False) -> list[Category]:
    return [render_category(row) for row in await repository.list_categories(session, active_only=active_only)]


def _keywords(words: list[str]) -> str:
    cleaned = [word.strip().replace(",", " ") for word in words if word.strip()]
    return ",".join(cleaned)[:500]


async def create_category(session: AsyncSession, *, principal: Principal, data: CategoryCreate) -> Category:
    access.require_admin(principal)
    values = data.model_dump(exclude={"keywords"}) | {"keywords": _keywords(data.keywords)}
    if not await repository.insert_category(session, values=values):
        raise ProblemError(422, f"Category {data.code!r} exists already.", kind="category-exists")
    return render_category(await repository.get_category(session, code=data.code))


async def change_category(session: AsyncSession, *, principal: Principal, row: Row, change: CategoryChange) -> Category:
    access.require_admin(principal)
    values = {name: value for name, value in change.model_dump(exclude_unset=True).items() if value is not None}
    if "keywords" in values:
        values["keywords"] = _keywords(values["keywords"])
    if not values:
        raise ProblemError(422, "Nothing to change.", kind="no-change")
    await repository.update_category(session, code=row.code, values=values | {"revision": row.revision + 1})
    return render_category(await repository.get_category(session, code=row.code))


async def committee_lineage(session: AsyncSession, *, committee_id: uuid.UUID) -> list[uuid.UUID]:
    return (await organisation.require_committee(session, committee_id=committee_id, on=stockholm_today())).lineage


async def set_route(
    session: AsyncSession, *, principal: Principal, committee_id: uuid.UUID, category_code: str, unit_id: uuid.UUID
) -> Route:
    today = stockholm_today()
    committee = await organisation.require_committee(session, committee_id=committee_id, on=today)
    access.require_configure(principal, committee_lineage=committee.lineage)
    await require_active_category(session, code=category_code)
    unit = await organisation.require_place(session, unit_id=unit_id, on=today)
    if unit.committee_id != committee_id:
        raise ProblemError(422, "The unit does not belong to this committee.", kind="unit-outside-committee")
    row = await repository.set_route(
        session, committee_id=committee_id, category_code=category_code, unit_id=unit_id, by=principal.subject
    )
    return Route.model_validate(row, from_attributes=True)


async def delete_route(session: AsyncSession, *, principal: Principal, committee_id: uuid.UUID, category_code: str) -> None:
    lineage = await committee_lineage(session, committee_id=committee_id)
    access.require_configure(principal, committee_lineage=lineage)
    if not await repository.delete_route(session, committee_id=committee_id, category_code=category_code):
        raise ProblemError(404, "This committee has no route for that category.", kind="route-not-found")


async def list_routes(session: AsyncSession, *, committee_id: uuid.UUID) -> list[Route]:
    await committee_lineage(session, committee_id=committee_id)
    return [Route.model_validate(row, from_attributes=True) for row in await repository.routes_of(session, committee_id=committee_id)]
