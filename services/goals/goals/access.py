"""Who may act on which organisation unit's goals, plans, commitments and follow-ups.

Roles come from the token (ARCHITECTURE.md "Who may do what"); the organisation scope includes
every unit below its roots. A unit's lineage is read as of a day in the year concerned, so a
2014 plan is judged by the 2014 tree even after a reorganisation.
"""

import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, false, func, literal, or_, select
from sqlalchemy.dialects.postgresql import UUID, array
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.auth import CITY_WIDE_READ_ROLES, CurrentPrincipal, in_org_scope
from servicekit.orgtree import unit_and_ancestor_ids
from servicekit.problems import ProblemError

from goals.models import org_tables

VERSIONS = org_tables.versions
READ_SCOPES = frozenset({"goals:read", "goals:write"})


def forbidden(detail: str = "Your role or key scope does not allow this.") -> ProblemError:
    return ProblemError(403, detail, kind="forbidden")


def require_staff_role(principal: Principal, roles: Iterable[str]) -> None:
    """403 unless a staff member holds one of ``roles`` (admin always passes). Keys never pass."""
    if principal.actor_kind != "staff" or not principal.roles & (frozenset(roles) | {"admin"}):
        raise forbidden()


def require_reader(principal: Principal) -> None:
    """Any staff role, or a system key with a goals scope. Never a portal key: the gateway lets a
    portal key with goals:read reach goals, and portals read published quality guarantees only."""
    if principal.actor_kind == "staff" and principal.roles:
        return
    if principal.actor_kind == "system" and principal.key_scopes & READ_SCOPES:
        return
    raise forbidden("Reading this needs a staff role or a goals read scope.")


def require_recorder(principal: Principal) -> None:
    """Admin, or a system key with goals:write: recording imported data (indicator values, budget figures)."""
    if principal.actor_kind == "staff" and "admin" in principal.roles:
        return
    if principal.actor_kind == "system" and "goals:write" in principal.key_scopes:
        return
    raise forbidden("Importing needs the admin role or a system key with goals:write.")


def is_import(principal: Principal) -> bool:
    """A system key with goals:write for the whole city: the import of an earlier register's records with the days
    they were made there (a past follow-up), never a person's step taken here (as feedback and awards take past days)."""
    return principal.actor_kind == "system" and not principal.org_scope and "goals:write" in principal.key_scopes


async def refuse_portal(principal: CurrentPrincipal) -> None:
    """Router dependency for the reads goals mounts from servicekit (the organisation tree), which
    pass any key with a goals scope, portals' included."""
    if principal.actor_kind == "portal":
        raise forbidden("Portals read published quality guarantees only.")


async def last_day_in_years(session: AsyncSession, *, unit_id: uuid.UUID, from_year: int, to_year: int) -> date | None:
    """The last day of ``from_year``–``to_year`` on which the unit is in effect; None when it is in effect on none."""
    start, end = date(from_year, 1, 1), date(to_year + 1, 1, 1)
    period_end = func.least(func.coalesce(VERSIONS.c.valid_to, end), end)
    last_end = await session.scalar(
        select(func.max(period_end)).where(
            VERSIONS.c.unit_id == unit_id,
            VERSIONS.c.valid_from < end,
            or_(VERSIONS.c.valid_to.is_(None), VERSIONS.c.valid_to > start),
        )
    )
    return None if last_end is None else date.fromordinal(last_end.toordinal() - 1)


async def unit_lineage(session: AsyncSession, *, unit_id: uuid.UUID, year: int, to_year: int | None = None) -> list[uuid.UUID]:
    """The unit and its ancestors on its last day in ``year`` (or ``year``–``to_year``); 422 when not in effect then."""
    to_year = year if to_year is None else to_year
    day = await last_day_in_years(session, unit_id=unit_id, from_year=year, to_year=to_year)
    if day is None:
        span = str(year) if to_year == year else f"{year}–{to_year}"
        raise ProblemError(
            422, f"Organisation unit {unit_id} is not in effect in {span}.", kind="unit-not-in-effect", unit_id=str(unit_id),
        )
    return await unit_and_ancestor_ids(session, org_tables, unit_id=unit_id, as_of=day)


def in_scope(principal: Principal, lineage: Iterable[uuid.UUID]) -> bool:
    return in_org_scope(principal, [str(unit) for unit in lineage])


async def require_unit_access(
    session: AsyncSession, principal: Principal, *, unit_id: uuid.UUID, year: int, roles: Iterable[str] | None,
    to_year: int | None = None,
) -> list[uuid.UUID]:
    """Role (``None``: any reader) and organisation scope on a unit in a year (or span); returns its lineage."""
    if roles is None:
        require_reader(principal)
    else:
        require_staff_role(principal, roles)
    lineage = await unit_lineage(session, unit_id=unit_id, year=year, to_year=to_year)
    if not in_scope(principal, lineage):
        raise ProblemError(403, "The organisation unit is outside your organisation scope.", kind="out-of-scope")
    return lineage


def units_below(roots: Iterable[uuid.UUID | str]) -> Select:
    """Ids of the roots and every unit that sat below one of them at any time (recursive, cycle-safe)."""
    seed = select(func.unnest(array([literal(uuid.UUID(str(root)), UUID) for root in roots])).label("unit_id"))
    below = seed.cte("below", recursive=True)
    below = below.union(select(VERSIONS.c.unit_id).where(VERSIONS.c.parent_id == below.c.unit_id))
    return select(below.c.unit_id)


def scope_filter(principal: Principal, unit_column: ColumnElement, *, within: uuid.UUID | None) -> ColumnElement[bool] | None:
    """WHERE clause restricting a list to the caller's scope and to ``within``; None: no restriction."""
    clauses = []
    city_wide = bool(principal.roles & CITY_WIDE_READ_ROLES) or (principal.actor_kind != "staff" and not principal.org_scope)
    if not city_wide:
        if not principal.org_scope:
            return false()  # a scoped role without a scope sees nothing
        clauses.append(unit_column.in_(units_below(principal.org_scope)))
    if within is not None:
        clauses.append(unit_column.in_(units_below([within])))
    return and_(*clauses) if clauses else None



def list_filters(
    principal: Principal, unit_column: ColumnElement, *, within: uuid.UUID | None, equal: dict[ColumnElement, object]
) -> list[ColumnElement[bool]]:
    """WHERE clauses of a list: the caller's scope and ``within``, then each filter given (None: not filtered)."""
    scoped = scope_filter(principal, unit_column, within=within)
    clauses = [] if scoped is None else [scoped]
    return clauses + [column == value for column, value in equal.items() if value is not None]
