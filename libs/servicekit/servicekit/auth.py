"""Authorisation: roles × organisation scope for staff, key scopes for systems and portals.

The gateway authenticates; the service decides. ``Principal`` comes from the verified internal
assertion. A staff member's organisation scope is a set of unit ids and includes every unit
below them, so checking a unit needs that unit's ancestors (see ``in_org_scope``).
"""

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Request

from servicekit.assertion import Principal
from servicekit.problems import ProblemError

# Roles whose holders read everything in the city regardless of organisation scope.
CITY_WIDE_READ_ROLES = frozenset({"admin", "city_controller"})


# Dependencies here are ``async def`` on purpose: FastAPI runs a plain ``def`` dependency in a
# worker thread, a hand-off that cost more than the whole of a small request.
async def get_principal(request: Request) -> Principal:
    principal = getattr(request.state, "principal", None)
    if principal is None:  # only reachable on the open paths, which never ask for it
        raise ProblemError(401, "Not authenticated.", kind="unauthenticated")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_access(*, roles: Iterable[str] = (), key_scopes: Iterable[str] = ()):
    """Dependency: staff need one of ``roles`` (admin always passes); API-key callers one of ``key_scopes``."""
    allowed_roles = frozenset(roles) | {"admin"}
    allowed_scopes = frozenset(key_scopes)

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.actor_kind == "staff":
            if principal.roles & allowed_roles:
                return principal
        elif principal.key_scopes & allowed_scopes:
            return principal
        raise ProblemError(403, "Your role or key scope does not allow this.", kind="forbidden")

    return Depends(check)


async def _require_service_reader(request: Request, principal: CurrentPrincipal) -> Principal:
    """Any staff role, or a key with ``<service>:read`` or ``:write`` for this service."""
    service = request.app.state.settings.service_name
    if principal.actor_kind == "staff" and principal.roles:
        return principal
    if principal.key_scopes & {f"{service}:read", f"{service}:write"}:
        return principal
    raise ProblemError(403, "Reading this needs a staff role or a read scope for this service.", kind="forbidden")


# Dependency for what any authenticated caller of the service may read (e.g. the organisation tree).
service_reader = Depends(_require_service_reader)


def in_org_scope(principal: Principal, unit_and_ancestors: Iterable[str]) -> bool:
    """True when the principal may act on a unit whose id and ancestors' ids are given."""
    if principal.roles & CITY_WIDE_READ_ROLES:
        return True
    if principal.actor_kind != "staff" and not principal.org_scope:
        return True  # a system key without organisation scope serves the whole city
    return not principal.org_scope.isdisjoint(unit_and_ancestors)
