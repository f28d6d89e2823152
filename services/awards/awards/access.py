"""Who may call what in awards (on top of servicekit's roles × organisation scope).

``award_admin`` runs rounds (admin always passes); any staff role or an ``awards:read`` key
reads rounds and rubrics; what a caller sees of applications, examiners and conflicts is
narrowed in the services (a unit its own, an examiner their assignments and themselves).
"""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request, Response
from pydantic import BaseModel
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.auth import CITY_WIDE_READ_ROLES, in_org_scope, require_access, service_reader
from servicekit.concurrency import locked_at_revision, set_etag
from servicekit.openapi import openapi_problems
from servicekit.orgtree import stockholm_today, unit_and_ancestor_ids

from awards.models import org_tables

ADMIN_ROLES = frozenset({"admin", "award_admin"})
award_admin = require_access(roles=("award_admin",))
# The examination's staff: the award office, examiners (narrowed to their teams in the services) and the jury.
examination_staff = require_access(roles=("award_admin", "examiner"))
jury_member = require_access(roles=("jury",))
jury_or_office = require_access(roles=("jury", "award_admin"))
# Steps the award office takes, which a system key (awards:write) may also import with the earlier day they were taken.
office_or_import = require_access(roles=("award_admin",), key_scopes=("awards:write",))
reader = service_reader


def is_award_admin(principal: Principal) -> bool:
    return principal.actor_kind == "staff" and bool(principal.roles & ADMIN_ROLES)


def is_award_import(principal: Principal) -> bool:
    """A system key with awards:write for the whole city: an import of the award office's records of a past round
    (as feedback takes a case's earlier steps only from a system key), never a person's step taken here."""
    return principal.actor_kind == "system" and not principal.org_scope and "awards:write" in principal.key_scopes


def reads_everything(principal: Principal) -> bool:
    """Award administrators, city-wide readers and system keys (with awards:read) see all applications."""
    if is_award_admin(principal) or (principal.actor_kind == "staff" and principal.roles & CITY_WIDE_READ_ROLES):
        return True
    return principal.actor_kind == "system" and not principal.org_scope and bool(principal.key_scopes & {"awards:read", "awards:write"})


async def unit_in_scope(session: AsyncSession, principal: Principal, unit_id) -> bool:
    chain = await unit_and_ancestor_ids(session, org_tables, unit_id=unit_id, as_of=stockholm_today())
    return bool(principal.org_scope) and in_org_scope(principal, [str(u) for u in chain] or [str(unit_id)])


@dataclass(frozen=True)
class Revisioned:
    """A resource read and changed by revision (feedback reports, good examples): each change locks the row the caller
    may see and requires If-Match on its revision; every answer carries the revision as ETag."""

    visible: Callable[..., Awaitable[Row]]  # (session, principal, id, lock=...) → the row, or the resource's 404
    render: Callable[[AsyncSession, Row], Awaitable[BaseModel]]

    async def locked(self, session: AsyncSession, principal: Principal, resource_id: uuid.UUID, request: Request) -> Row:
        return await locked_at_revision(request, self.visible, session, principal, resource_id)

    async def answer(self, session: AsyncSession, response: Response, row: Row) -> BaseModel:
        set_etag(response, row.revision)
        return await self.render(session, row)


_DESCRIPTIONS = {
    400: "Bad cursor or Idempotency-Key.",
    403: "Not allowed for this role, scope or key.",
    404: "Not found (or not visible to the caller).",
    409: "Not in this phase or state (locked, closed, backwards, conditions unmet).",
    412: "If-Match names an older revision.",
    422: "Invalid input or a rule is broken.",
    428: "If-Match is missing.",
}


def problems(*statuses: int) -> dict:
    return openapi_problems(_DESCRIPTIONS, *statuses)
