"""Who reads lex Sarah cases: the `lex_sarah_officer`s of the committee concerned, nobody else.

This is deliberately stricter than ``audit.access`` and servicekit's scope helpers, which let
``admin``, ``city_controller`` and unscoped system keys through: here no role but
``lex_sarah_officer`` counts, no key counts, and an officer's organisation scope counts only for
the committee it lies in (an officer at Spånga-Tensta's administration is that committee's
officer; one scoped at the city as a whole is no committee's officer).
"""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.orgtree import stockholm_today
from servicekit.problems import ProblemError

from audit.access import committee_of

OFFICER = "lex_sarah_officer"


async def officer_committees(session: AsyncSession, principal: Principal) -> set[uuid.UUID]:
    """The committees whose lex Sarah officer the principal is (empty for anyone else)."""
    if principal.actor_kind != "staff" or OFFICER not in principal.roles:
        return set()
    committees = set()
    for unit in principal.org_scope:
        try:
            unit_id = uuid.UUID(unit)
        except ValueError:
            continue
        committee = await committee_of(session, unit_id=unit_id, as_of=stockholm_today())
        if committee is not None:
            committees.add(committee)
    return committees


async def is_officer_of(session: AsyncSession, principal: Principal, committee_id: uuid.UUID) -> bool:
    return committee_id in await officer_committees(session, principal)


async def require_officer_of(session: AsyncSession, principal: Principal, committee_id: uuid.UUID) -> None:
    if not await is_officer_of(session, principal, committee_id):
        raise ProblemError(
            403, "Only the lex Sarah officers of the committee concerned may do this.", kind="not-lex-sarah-officer",
        )
