"""Access tests generated from a service's OpenAPI document.

ARCHITECTURE.md: every service has "an access test generated from the service's OpenAPI document
[that] calls every operation as each role, in and out of scope, and as a system key, a portal key
and no one, and asserts the allowed set". ``check_access`` does exactly that: it lists every
operation of the app's OpenAPI document, calls each one as each caller and compares what
happened with the policy, then fails once, listing every mismatch.

The test supplies three things:

- **callers**: name → ``Caller``; ``standard_callers`` builds the usual matrix: ``<role>:in`` and
  ``<role>:out`` for every role (scope rooted at the given in-scope / out-of-scope units),
  ``system:read`` / ``system:write`` (keys with ``<svc>:read`` / ``<svc>:write``), ``portal`` (a
  portal key), ``anonymous`` (the anonymous actor: signed, no scope) and ``nobody`` (no
  assertion at all). Add or replace entries as the service needs (a key limited to a unit, ...).
- **policy**: operationId → the caller names allowed. Every operation of the document needs a row
  (a new endpoint cannot escape the test), every row must name an operation, every name a caller.
- **requests**: ``path_params`` fills ``{name}`` in every path with real ids from fixtures;
  ``calls`` gives an operation its body, query, headers (``If-Match``) or its own path values.
  An operation whose document requires a body must get one: a request that fails validation
  says nothing about authorisation (the scope check in the service layer runs after validation).

A call is **denied** when it answers 401 or 403, and also 404 for the operations in
``not_found_denies`` (``True``: all of them), where the service hides what is out of scope.
Anything else counts as allowed (a 409, 412 or 422 comes after the access check); a 5xx is always
reported. Each call runs in a savepoint rolled back afterwards, so every caller meets the
fixtures' state: one caller's successful close does not turn the next caller's into a 404.

Example (services/goals/tests/test_access_organisation.py)::

    from servicekit.testing.access import Call, check_access, in_and_out, standard_callers

    async def test_every_operation_admits_exactly_its_callers(harness, tree):
        callers = standard_callers("goals", in_scope=(tree.ids["SDF-SPT"],), out_of_scope=(tree.ids["SDN-BRO"],))
        staff = {name for name, caller in callers.items() if caller.actor == "staff" and caller.roles}
        readers = staff | {"system:read", "system:write"}
        await check_access(
            harness, callers=callers,
            policy={
                "list_organisation_units_goals_v1_organisation_units_get": readers,
                "create_organisation_unit_goals_v1_organisation_units_post": in_and_out("admin") | {"system:write"},
                ...
            },
            path_params={"unit_id": tree.ids["SDF-SPT"]},
            calls={"create_organisation_unit_goals_v1_organisation_units_post": Call(json={...})},
        )

It returns the statuses (operationId → caller → status) for any further assertion.

To start a service's policy table: ``python -P -m servicekit.testing.access goals`` prints one
row per operation of the service's document, to fill in.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Collection, Iterable, Mapping
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import httpx

from servicekit.inprocess import AssertionSigner, import_object

# Every role id ARCHITECTURE.md names; the default matrix covers them all, so no role is forgotten.
ALL_ROLES: tuple[str, ...] = (
    "admin", "city_controller", "committee", "controller", "unit_manager", "feedback_handler",
    "internal_auditor", "lex_sarah_officer", "award_admin", "examiner", "jury",
)
DENIED = frozenset({401, 403})
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})
_PATH_PARAM = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class Caller:
    """A principal as the gateway asserts it; ``asserted=False`` sends no assertion at all."""

    roles: tuple[str, ...] = ()
    org: tuple[object, ...] = ()
    actor: str = "staff"
    scopes: tuple[str, ...] = ()
    subject: str = "access-test"
    asserted: bool = True


def staff(*roles: str, org: Iterable[object] = (), subject: str = "access-test-staff") -> Caller:
    return Caller(roles=roles, org=tuple(org), subject=subject)


def system_key(*scopes: str, org: Iterable[object] = (), subject: str = "access-test-system-key") -> Caller:
    return Caller(actor="system", scopes=scopes, org=tuple(org), subject=subject)


def portal_key(*scopes: str, subject: str = "access-test-portal-key") -> Caller:
    return Caller(actor="portal", scopes=scopes, subject=subject)


ANONYMOUS = Caller(actor="anonymous", subject="anonymous")
NOBODY = Caller(asserted=False)


def standard_callers(
    service: str,
    *,
    in_scope: Iterable[object],
    out_of_scope: Iterable[object],
    roles: Iterable[str] = ALL_ROLES,
    portal_scopes: Iterable[str] = (),
) -> dict[str, Caller]:
    """Each role in and out of scope, a read and a write key, a portal key, the anonymous actor, nobody."""
    inside, outside = tuple(in_scope), tuple(out_of_scope)
    callers: dict[str, Caller] = {}
    for role in roles:
        callers[f"{role}:in"] = staff(role, org=inside, subject=f"{role}-in")
        callers[f"{role}:out"] = staff(role, org=outside, subject=f"{role}-out")
    callers["system:read"] = system_key(f"{service}:read", subject="key-read")
    callers["system:write"] = system_key(f"{service}:write", subject="key-write")
    callers["portal"] = portal_key(*portal_scopes)
    callers["anonymous"] = ANONYMOUS
    callers["nobody"] = NOBODY
    return callers


def in_and_out(*roles: str) -> set[str]:
    """The caller names of ``roles`` both in and out of scope (roles that pass regardless of scope)."""
    return {f"{role}:{where}" for role in roles for where in ("in", "out")}


@dataclass(frozen=True)
class Call:
    """What one operation needs beyond its path: body, query, headers, its own path values."""

    json: Any = None
    params: Mapping[str, Any] | None = None
    headers: Mapping[str, str] | None = None
    path_params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str  # the template, e.g. /goals/v1/organisation-units/{unit_id}
    operation_id: str
    needs_body: bool

    def url(self, values: Mapping[str, object]) -> str:
        def fill(match: re.Match) -> str:
            name = match.group(1)
            if name not in values:
                raise KeyError(name)
            return str(values[name])

        return _PATH_PARAM.sub(fill, self.path)


def operations(openapi: Mapping[str, Any]) -> list[Operation]:
    """Every operation of an OpenAPI document, in document order."""
    found = []
    for path, item in openapi.get("paths", {}).items():
        for method, spec in item.items():
            if method not in HTTP_METHODS:
                continue
            found.append(Operation(
                method=method.upper(), path=path, operation_id=spec.get("operationId") or f"{method.upper()} {path}",
                needs_body=bool(spec.get("requestBody", {}).get("required")),
            ))
    return found


class AccessPolicyViolation(AssertionError):
    pass


async def check_access(
    api,
    *,
    callers: Mapping[str, Caller],
    policy: Mapping[str, Collection[str]],
    path_params: Mapping[str, object] | None = None,
    calls: Mapping[str, Call] | None = None,
    not_found_denies: bool | Collection[str] = False,
    only: Callable[[Operation], bool] | None = None,
) -> dict[str, dict[str, int]]:
    """Call every operation of ``api.app``'s OpenAPI document as every caller; fail on any mismatch.

    ``api`` is the service harness (anything with ``app``, ``client(...)`` and
    ``anonymous_client()``; with ``rolled_back()`` every call is undone afterwards). ``only`` splits
    a service's document over several tests (each concern its own policy): the operations it
    accepts; the tests together must still cover every operation.
    """
    path_params = path_params or {}
    calls = calls or {}
    ops = [op for op in operations(api.app.openapi()) if only is None or only(op)]
    _check_tables(ops, callers, policy, calls, not_found_denies)
    hides = {op.operation_id for op in ops} if not_found_denies is True else set(not_found_denies or ())

    statuses: dict[str, dict[str, int]] = {}
    mismatches: list[str] = []
    clients = {name: _client_for(api, caller) for name, caller in callers.items()}
    try:
        for op in ops:
            call = calls.get(op.operation_id, Call())
            try:
                url = op.url({**path_params, **call.path_params})
            except KeyError as missing:
                raise AccessPolicyViolation(
                    f"{op.method} {op.path} ({op.operation_id}): no value for path parameter {missing}; "
                    "give it in path_params or in the operation's Call"
                ) from None
            if op.needs_body and call.json is None:
                raise AccessPolicyViolation(
                    f"{op.method} {op.path} ({op.operation_id}) requires a body: give a valid one in its Call"
                )
            denied_statuses = DENIED | {404} if op.operation_id in hides else DENIED
            allowed = set(policy[op.operation_id])
            for name, client in clients.items():
                async with _undone(api):
                    response = await client.request(
                        op.method, url, json=call.json, params=call.params, headers=call.headers,
                    )
                status = response.status_code
                statuses.setdefault(op.operation_id, {})[name] = status
                expected = "allowed" if name in allowed else "denied"
                got = "denied" if status in denied_statuses else "allowed"
                if status >= 500:
                    mismatches.append(f"{op.method} {url} ({op.operation_id}) as {name}: server error {status}")
                elif expected != got:
                    mismatches.append(
                        f"{op.method} {url} ({op.operation_id}) as {name}: expected {expected}, got {status} "
                        f"{response.text[:160]}"
                    )
    finally:
        for client in clients.values():
            await client.aclose()
    if mismatches:
        total = sum(len(per_caller) for per_caller in statuses.values())
        raise AccessPolicyViolation(
            f"access differs from the policy in {len(mismatches)} of {total} calls:\n  " + "\n  ".join(mismatches)
        )
    return statuses


def _check_tables(ops, callers, policy, calls, not_found_denies) -> None:
    """The tables must match the document exactly: every operation covered, no stale rows, no typos."""
    ids = {op.operation_id for op in ops}
    problems = [f"operation {op} has no policy row" for op in sorted(ids - set(policy))]
    problems += [f"policy row {op!r} names no operation of the document" for op in sorted(set(policy) - ids)]
    problems += [f"calls entry {op!r} names no operation of the document" for op in sorted(set(calls) - ids)]
    if not isinstance(not_found_denies, bool):
        problems += [f"not_found_denies names no operation: {op!r}" for op in sorted(set(not_found_denies) - ids)]
    for op, names in policy.items():
        problems += [f"policy row {op!r} names an unknown caller {name!r}" for name in sorted(set(names) - set(callers))]
    if problems:
        raise AccessPolicyViolation("the access tables do not match the OpenAPI document:\n  " + "\n  ".join(problems))


def _client_for(api, caller: Caller) -> httpx.AsyncClient:
    if not caller.asserted:
        return api.anonymous_client()
    return api.client(roles=caller.roles, org=caller.org, actor=caller.actor, scopes=caller.scopes, subject=caller.subject)


def _undone(api) -> AbstractAsyncContextManager:
    rolled_back = getattr(api, "rolled_back", None)
    return rolled_back() if rolled_back is not None else nullcontext()


def policy_skeleton(service_name: str) -> str:
    """A policy table with one empty row per operation of the service's OpenAPI document."""
    service = import_object(f"{service_name}.definition:SERVICE")
    # Building the app needs a public key; no request is made, so any key will do.
    os.environ.setdefault(service.name.upper() + "_ASSERTION_PUBLIC_KEY", AssertionSigner().public_key_pem())
    rows = [
        f"    {op.operation_id!r}: set(),  # {op.method} {op.path}"
        for op in operations(import_object(service.app_factory)().openapi())
    ]
    return "POLICY = {\n" + "\n".join(rows) + "\n}"


if __name__ == "__main__":
    print(policy_skeleton(sys.argv[1]))
