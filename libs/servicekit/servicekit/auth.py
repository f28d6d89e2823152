"""Authorisation: roles × organisation scope for staff, key scopes for systems and portals.

The gateway authenticates; the service decides. ``Principal`` comes from the verified internal
assertion. A staff member's organisation scope is a set of unit ids and includes every unit
below them, so checking a unit needs that unit's ancestors (see ``in_org_scope``).

Actors: ``staff`` (a person with roles), ``system`` and ``portal`` (API keys with scopes), and
``anonymous``: a caller without credentials, which the gateway lets through only to the paths it
lists as public (Open311's GETs, a resident's own case by token) and asserts with no roles, no
scopes and no organisation scope. servicekit accepts an anonymous principal only on an operation
that declares itself public, by depending on ``PublicPrincipal`` (or ``public`` in its
``dependencies``); every other use of ``CurrentPrincipal`` answers it 401. ``anonymous`` and
``portal`` never count as city-wide readers: ``in_org_scope`` is always False for them, so a
public operation shows them only what is public or what they submitted themselves.
"""

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant

from servicekit.assertion import ANONYMOUS_ACTOR as ANONYMOUS
from servicekit.assertion import Principal
from servicekit.problems import ProblemError

# Roles whose holders read everything in the city regardless of organisation scope.
CITY_WIDE_READ_ROLES = frozenset({"admin", "city_controller"})
# Actors that see only what is public or what they submitted themselves, never a whole city's data.
PUBLIC_ACTORS = frozenset({ANONYMOUS, "portal"})


# Dependencies here are ``async def`` on purpose: FastAPI runs a plain ``def`` dependency in a
# worker thread, a hand-off that cost more than the whole of a small request.
async def get_principal(request: Request) -> Principal:
    principal = getattr(request.state, "principal", None)
    if principal is None:  # only reachable on the open paths, which never ask for it
        raise ProblemError(401, "Not authenticated.", kind="unauthenticated")
    if principal.actor_kind == ANONYMOUS and not is_public_route(request.scope.get("route")):
        raise ProblemError(401, "This operation needs credentials: an API key or a bearer token.",
                           kind="unauthenticated")
    return principal


async def get_public_principal(request: Request) -> Principal:
    """The caller of a public operation: anyone the gateway let through, ``anonymous`` included."""
    principal = getattr(request.state, "principal", None)
    if principal is None:
        raise ProblemError(401, "Not authenticated.", kind="unauthenticated")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
# An endpoint parameter that makes its operation public (callable without credentials).
PublicPrincipal = Annotated[Principal, Depends(get_public_principal)]
# The same for ``dependencies=[public]`` when the endpoint does not need the principal itself.
public = Depends(get_public_principal)


def is_public_route(route) -> bool:
    """True when the route's dependencies include ``get_public_principal`` (at any depth).

    Worked out once per route and remembered on it.
    """
    if route is None:
        return False
    known = getattr(route, "qm_public", None)
    if known is None:
        dependant = getattr(route, "dependant", None)
        known = dependant is not None and _depends_on(dependant, get_public_principal)
        route.qm_public = known
    return known


def _depends_on(dependant: Dependant, call) -> bool:
    return any(sub.call is call or _depends_on(sub, call) for sub in dependant.dependencies)


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


def is_city_wide_reader(principal: Principal) -> bool:
    """Reads the whole city regardless of organisation scope: ``admin`` and ``city_controller``
    staff, and a ``system`` key without organisation scope. Never ``anonymous`` or ``portal``."""
    if principal.actor_kind == "staff":
        return not principal.roles.isdisjoint(CITY_WIDE_READ_ROLES)
    return principal.actor_kind == "system" and not principal.org_scope


def in_org_scope(principal: Principal, unit_and_ancestors: Iterable[str]) -> bool:
    """True when the principal may act on a unit whose id and ancestors' ids are given.

    Always False for ``anonymous`` and ``portal`` callers: what they may see is decided by the
    public operation itself (public fields, what they submitted), never by organisation scope.
    """
    if principal.actor_kind in PUBLIC_ACTORS:
        return False
    if is_city_wide_reader(principal):
        return True
    return not principal.org_scope.isdisjoint(unit_and_ancestors)
