"""Who may see and change internal-control data: roles × the committee concerned.

Internal-control data belongs to a committee (nämnd): its plan, and the analyses, reviews and
findings of the units below it. Staff in the roles an operation allows reach it when their
organisation scope covers the record's unit (the ordinary rule: a scope includes the units below
it) or lies inside the record's committee (an internal auditor or controller at the
administration or a department works on the committee's plan). ``admin`` and
``city_controller`` pass everywhere; a system key without organisation scope serves the city.
The owner of an action plan is reached by the narrower rule only: their unit, nothing wider.
"""

import uuid
from datetime import date

from contracts.organisation import OrganisationUnitType
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.auth import in_org_scope, is_city_wide_reader
from servicekit.orgtree import in_effect, stockholm_today, subtree_cte, unit_and_ancestor_ids
from servicekit.problems import ProblemError

from audit.models import org_tables

COMMITTEE_TYPES = (
    OrganisationUnitType.district_committee.value,
    OrganisationUnitType.specialist_committee.value,
    OrganisationUnitType.company_board.value,
)
VERSIONS = org_tables.versions


def _whole_city(principal: Principal) -> bool:
    return is_city_wide_reader(principal)


async def committee_of(session: AsyncSession, *, unit_id: uuid.UUID, as_of: date) -> uuid.UUID | None:
    """The committee at or above a unit on a date (None when the unit is not under one then)."""
    chain = await unit_and_ancestor_ids(session, org_tables, unit_id=unit_id, as_of=as_of)
    if not chain:
        return None
    rows = await session.execute(
        select(VERSIONS.c.unit_id).where(
            VERSIONS.c.unit_id.in_(chain), in_effect(VERSIONS, as_of), VERSIONS.c.type.in_(COMMITTEE_TYPES)
        )
    )
    found = {row.unit_id for row in rows}
    return next((unit for unit in chain if unit in found), None)


async def require_committee(session: AsyncSession, *, unit_id: uuid.UUID, as_of: date) -> uuid.UUID:
    committee = await committee_of(session, unit_id=unit_id, as_of=as_of)
    if committee is None:
        raise ProblemError(
            422, f"Organisation unit {unit_id} is not in effect under a committee on {as_of}.", kind="unit-not-in-effect",
        )
    return committee


async def _scope_committees(session: AsyncSession, principal: Principal) -> set[uuid.UUID]:
    today = stockholm_today()
    committees = set()
    for unit in principal.org_scope:
        try:
            unit_id = uuid.UUID(unit)
        except ValueError:
            continue
        committee = await committee_of(session, unit_id=unit_id, as_of=today)
        if committee is not None:
            committees.add(committee)
    return committees


async def may_reach(
    session: AsyncSession, principal: Principal, *, committee_id: uuid.UUID, unit_id: uuid.UUID | None = None
) -> bool:
    if _whole_city(principal):
        return True
    today = stockholm_today()
    chain = await unit_and_ancestor_ids(session, org_tables, unit_id=unit_id or committee_id, as_of=today)
    if not chain and unit_id is not None:
        chain = await unit_and_ancestor_ids(session, org_tables, unit_id=committee_id, as_of=today)
    if in_org_scope(principal, [str(unit) for unit in chain]):
        return True
    if principal.actor_kind != "staff":
        return False  # a key limited to a scope, or a portal: the ordinary rule only
    return committee_id in await _scope_committees(session, principal)


async def require_reach(
    session: AsyncSession, principal: Principal, *, committee_id: uuid.UUID, unit_id: uuid.UUID | None = None
) -> None:
    if not await may_reach(session, principal, committee_id=committee_id, unit_id=unit_id):
        raise ProblemError(403, "This belongs to a committee outside your organisation scope.", kind="out-of-scope")


async def in_unit_scope(session: AsyncSession, principal: Principal, *, unit_id: uuid.UUID) -> bool:
    """The narrow rule: the principal's scope covers the unit itself (e.g. an action plan's owner)."""
    if _whole_city(principal):
        return True
    chain = await unit_and_ancestor_ids(session, org_tables, unit_id=unit_id, as_of=stockholm_today())
    return in_org_scope(principal, [str(unit) for unit in chain])


async def require_unit_scope(session: AsyncSession, principal: Principal, *, unit_id: uuid.UUID) -> None:
    if not await in_unit_scope(session, principal, unit_id=unit_id):
        raise ProblemError(403, "This unit is outside your organisation scope.", kind="out-of-scope")


async def units_in_scope(session: AsyncSession, principal: Principal) -> set[uuid.UUID]:
    """Every unit at or below the principal's scope today (for lists filtered by the narrow rule)."""
    units: set[uuid.UUID] = set()
    for unit in principal.org_scope:
        try:
            root = uuid.UUID(unit)
        except ValueError:
            continue
        tree = subtree_cte(org_tables, root_id=root, as_of=stockholm_today())
        units.update(row.unit_id for row in await session.execute(select(tree.c.unit_id)))
    return units


async def visible_committees(session: AsyncSession, principal: Principal) -> set[uuid.UUID] | None:
    """Committees whose data a list may show the principal; None means every committee."""
    if _whole_city(principal):
        return None
    committees = await _scope_committees(session, principal)
    today = stockholm_today()
    for unit in principal.org_scope:
        try:
            root = uuid.UUID(unit)
        except ValueError:
            continue
        tree = subtree_cte(org_tables, root_id=root, as_of=today, max_depth=2)
        rows = await session.execute(select(tree.c.unit_id).where(tree.c.type.in_(COMMITTEE_TYPES)))
        committees.update(row.unit_id for row in rows)
    return committees


def require_role(principal: Principal, *roles: str) -> None:
    """Within an operation several roles may act, each on its own part (e.g. an action plan's fields)."""
    if principal.actor_kind == "staff" and principal.roles & ({"admin", *roles}):
        return
    raise ProblemError(403, "Your role does not allow this.", kind="forbidden")


def require_other_person(principal: Principal, requested_by: str | None, what: str) -> None:
    """Nobody approves what they themselves requested (fyraögonsprincipen)."""
    if requested_by is not None and requested_by == principal.subject:
        raise ProblemError(
            403, f"You requested {what} yourself; another person must approve it.", kind="own-request",
        )


async def recorded_date(session: AsyncSession, *, unit_ids: list[uuid.UUID], on: date) -> date:
    """``on``, or the day the tree's recorded history of these units begins if that is later.

    The organisation tree was loaded with a start date (goals' demo: 2015-01-01) while the units
    existed before it; a day before a unit's first recorded version is read as that version.
    """
    first = await session.scalar(
        select(func.min(VERSIONS.c.valid_from)).where(VERSIONS.c.unit_id.in_(unit_ids)).group_by(VERSIONS.c.unit_id)
        .order_by(func.min(VERSIONS.c.valid_from).desc()).limit(1)
    )
    return max(on, first) if first else on
