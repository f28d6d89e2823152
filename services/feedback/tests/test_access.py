"""Who may call what: every operation of the OpenAPI document, as every kind of caller.

The policy table names, for each operation (method and path as the OpenAPI document lists
them), the callers allowed; the test fails if an operation is missing from the table. Each
call is made on fresh resources the caller could act on if allowed, so "allowed" means a 2xx
answer and "refused" a 401, 403 or (for cases outside one's scope, which do not exist for the
caller) a 404. Scopes: "in" is Spånga-Tensta (the unit's chain), "out" is Bromma.
"""

import uuid
from urllib.parse import urlencode

from sqlalchemy import select

from feedback.models import cases

EVERYONE = frozenset({
    "admin", "city_controller", "handler_in", "handler_out", "manager_in", "manager_out", "controller_in",
    "controller_out", "committee_in", "auditor_in", "system_write", "system_read", "portal", "anonymous",
})
STAFF = EVERYONE - {"system_write", "system_read", "portal", "anonymous"}
READERS = STAFF | {"system_write", "system_read"}  # any staff role or a feedback read/write key
REGISTRARS = {"admin", "handler_in", "handler_out", "manager_in", "manager_out", "controller_in", "controller_out",
              "system_write", "portal"}
CASE_READERS = {"admin", "city_controller", "handler_in", "manager_in", "controller_in", "committee_in",
                "system_write", "system_read"}
HANDLERS = {"admin", "handler_in", "manager_in"}
CONFIGURERS = {"admin", "controller_in", "committee_in"}
P = "/feedback/v1"
O = "/open311/v2"
FORM = {"content-type": "application/x-www-form-urlencoded"}

POLICY = {
    ("GET", f"{P}/categories"): EVERYONE,
    ("POST", f"{P}/categories"): {"admin"},
    ("GET", f"{P}/categories/{{code}}"): EVERYONE,
    ("PATCH", f"{P}/categories/{{code}}"): {"admin"},
    ("GET", f"{P}/committees/{{committee_id}}/category-routes"): READERS,
    ("PUT", f"{P}/committees/{{committee_id}}/category-routes/{{code}}"): CONFIGURERS,
    ("DELETE", f"{P}/committees/{{committee_id}}/category-routes/{{code}}"): CONFIGURERS,
    ("GET", f"{P}/committees/{{committee_id}}/deadline-rules"): READERS,
    ("PUT", f"{P}/committees/{{committee_id}}/deadline-rules/{{category_code}}"): CONFIGURERS,
    ("GET", f"{P}/units/{{unit_id}}/escalations"): {"admin", "city_controller", "manager_in", "controller_in", "committee_in"},
    ("POST", f"{P}/cases"): REGISTRARS,
    # A staff role without feedback rights (the auditor) reads the organisation tree, not cases.
    ("GET", f"{P}/cases"): (READERS | {"portal"}) - {"auditor_in"},
    ("GET", f"{P}/cases/{{case_id}}"): CASE_READERS,
    ("POST", f"{P}/cases/{{case_id}}/transitions"): HANDLERS,
    ("POST", f"{P}/cases/{{case_id}}/transfer"): HANDLERS,
    ("POST", f"{P}/cases/{{case_id}}/redactions"): HANDLERS,
    ("GET", f"{P}/cases/{{case_id}}/redactions"): CASE_READERS,
    ("PUT", f"{P}/cases/{{case_id}}/legal-hold"): HANDLERS | {"controller_in", "committee_in"},
    ("GET", f"{P}/cases/{{case_id}}/contact"): HANDLERS,
    ("GET", f"{P}/my-case"): EVERYONE,  # the token is the credential
    ("POST", f"{P}/my-case/rating"): EVERYONE,
    ("GET", f"{P}/organisation-units"): READERS,
    ("GET", f"{P}/organisation-units/{{unit_id}}"): READERS,
    ("GET", f"{P}/organisation-units/{{unit_id}}/subtree"): READERS,
    ("GET", f"{O}/discovery.{{format}}"): EVERYONE,
    ("GET", f"{O}/services.{{format}}"): EVERYONE,
    ("GET", f"{O}/services/{{service_code}}.{{format}}"): EVERYONE,
    ("POST", f"{O}/requests.{{format}}"): REGISTRARS,
    ("GET", f"{O}/requests.{{format}}"): EVERYONE,
    ("GET", f"{O}/requests/{{service_request_id}}.{{format}}"): EVERYONE,
    ("GET", f"{O}/tokens/{{token}}.{{format}}"): EVERYONE,
}


def callers(api, org) -> dict:
    spt, bro = org["FSK-UGGLAN"], org["BRO-PARK"]
    staff = api.harness.client
    return {
        "admin": staff(roles=["admin"], subject="c-admin"),
        "city_controller": staff(roles=["city_controller"], subject="c-city"),
        "handler_in": staff(roles=["feedback_handler"], org=[spt], subject="c-h-in"),
        "handler_out": staff(roles=["feedback_handler"], org=[bro], subject="c-h-out"),
        "manager_in": staff(roles=["unit_manager"], org=[spt], subject="c-m-in"),
        "manager_out": staff(roles=["unit_manager"], org=[bro], subject="c-m-out"),
        "controller_in": staff(roles=["controller"], org=[org["SDN-SPT"]], subject="c-c-in"),
        "controller_out": staff(roles=["controller"], org=[org["SDN-BRO"]], subject="c-c-out"),
        "committee_in": staff(roles=["committee"], org=[org["SDN-SPT"]], subject="c-n-in"),
        "auditor_in": staff(roles=["internal_auditor"], org=[org["SDN-SPT"]], subject="c-a-in"),
        "system_write": staff(roles=[], actor="system", scopes=["feedback:write"], subject="c-sys-w"),
        "system_read": staff(roles=[], actor="system", scopes=["feedback:read"], subject="c-sys-r"),
        "portal": api.portal(subject="c-portal"),
        "anonymous": api.anonymous(),
    }


async def _case(api, org, *, steps=(), **overrides) -> tuple[dict, str, str]:
    """A fresh case at Ugglan (Spånga-Tensta): its receipt, token and current ETag."""
    created = await api.create(unit_id=str(org["FSK-UGGLAN"]), privacy="named", contact={"email": "a@example.se"}, **overrides)
    await api.walk(created.json()["id"], *steps)
    async with api.admin() as admin:
        etag = (await admin.get(f"{P}/cases/{created.json()['id']}")).headers["etag"]
    return created.json(), created.headers["case-token"], etag


def requests_for(api, org):
    """(method, path) → async call(client) on fresh resources."""
    committee, ugglan = org["SDN-SPT"], org["FSK-UGGLAN"]
    counter = iter(range(10_000))

    async def case_call(client, method, suffix, body=None, steps=(), etag=True):
        case, _, current = await _case(api, org, steps=steps)
        headers = {"If-Match": current} if etag else {}
        return await client.request(method, f"{P}/cases/{case['id']}{suffix}", json=body, headers=headers)

    async def route_then_delete(client):
        async with api.admin() as admin:
            await admin.put(f"{P}/committees/{committee}/category-routes/ovrigt", json={"unit_id": str(ugglan)})
        return await client.delete(f"{P}/committees/{committee}/category-routes/ovrigt")

    async def patch_category(client):
        async with api.admin() as admin:
            etag = (await admin.get(f"{P}/categories/ovrigt")).headers["etag"]
        return await client.patch(f"{P}/categories/ovrigt", json={"description_sv": f"Ändrad {next(counter)}"}, headers={"If-Match": etag})

    async def my_case(client, method, suffix, body=None, steps=()):
        _, token, _ = await _case(api, org, steps=steps)
        return await client.request(method, f"{P}/my-case{suffix}", json=body, headers={"Case-Token": token})

    async def open311_post(client):
        form = urlencode({"service_code": "park", "lat": "59.38", "long": "17.9", "description": "Skräp"}).encode()
        return await client.post(f"{O}/requests.json", content=form, headers=FORM)

    async def open311_one(client, kind):
        case, _, _ = await _case(api, org)
        if kind == "request":
            return await client.get(f"{O}/requests/{case['registration_number']}.xml")
        token = await api.harness.session.scalar(select(cases.c.open311_token).where(cases.c.id == uuid.UUID(case["id"])))
        return await client.get(f"{O}/tokens/{token}.xml")

    answered = ("acknowledged", "assigned", "in_progress", "answered")
    return {
        ("GET", f"{P}/categories"): lambda c: c.get(f"{P}/categories"),
        ("POST", f"{P}/categories"): lambda c: c.post(f"{P}/categories", json={"code": f"ny-{next(counter)}", "name_sv": "Ny"}),
        ("GET", f"{P}/categories/{{code}}"): lambda c: c.get(f"{P}/categories/park"),
        ("PATCH", f"{P}/categories/{{code}}"): patch_category,
        ("GET", f"{P}/committees/{{committee_id}}/category-routes"): lambda c: c.get(f"{P}/committees/{committee}/category-routes"),
        ("PUT", f"{P}/committees/{{committee_id}}/category-routes/{{code}}"):
            lambda c: c.put(f"{P}/committees/{committee}/category-routes/forskola", json={"unit_id": str(ugglan)}),
        ("DELETE", f"{P}/committees/{{committee_id}}/category-routes/{{code}}"): route_then_delete,
        ("GET", f"{P}/committees/{{committee_id}}/deadline-rules"): lambda c: c.get(f"{P}/committees/{committee}/deadline-rules"),
        ("PUT", f"{P}/committees/{{committee_id}}/deadline-rules/{{category_code}}"):
            lambda c: c.put(f"{P}/committees/{committee}/deadline-rules/*", json={"acknowledge_days": 2, "answer_days": 10}),
        ("GET", f"{P}/units/{{unit_id}}/escalations"): lambda c: c.get(f"{P}/units/{ugglan}/escalations"),
        ("POST", f"{P}/cases"): lambda c: c.post(f"{P}/cases", json={
            "kind": "praise", "channel": "phone", "category_code": "forskola", "unit_id": str(ugglan),
            "description": "Tack!", "privacy": "anonymous"}),
        ("GET", f"{P}/cases"): lambda c: c.get(f"{P}/cases"),
        ("GET", f"{P}/cases/{{case_id}}"): lambda c: case_call(c, "GET", "", etag=False),
        ("POST", f"{P}/cases/{{case_id}}/transitions"): lambda c: case_call(c, "POST", "/transitions", {"to": "acknowledged"}),
        ("POST", f"{P}/cases/{{case_id}}/transfer"):
            lambda c: case_call(c, "POST", "/transfer", {"unit_id": str(org["FSK-BJORKEN"]), "reason": "Fel förskola"}),
        ("POST", f"{P}/cases/{{case_id}}/redactions"):
            lambda c: case_call(c, "POST", "/redactions", {"field": "description", "reason": "Personuppgifter"}),
        ("GET", f"{P}/cases/{{case_id}}/redactions"): lambda c: case_call(c, "GET", "/redactions", etag=False),
        ("PUT", f"{P}/cases/{{case_id}}/legal-hold"): lambda c: case_call(c, "PUT", "/legal-hold", {"hold": True, "reason": "Tvist"}),
        ("GET", f"{P}/cases/{{case_id}}/contact"): lambda c: case_call(c, "GET", "/contact", etag=False),
        ("GET", f"{P}/my-case"): lambda c: my_case(c, "GET", ""),
        ("POST", f"{P}/my-case/rating"): lambda c: my_case(c, "POST", "/rating", {"rating": 5}, steps=answered),
        ("GET", f"{P}/organisation-units"): lambda c: c.get(f"{P}/organisation-units"),
        ("GET", f"{P}/organisation-units/{{unit_id}}"): lambda c: c.get(f"{P}/organisation-units/{ugglan}"),
        ("GET", f"{P}/organisation-units/{{unit_id}}/subtree"): lambda c: c.get(f"{P}/organisation-units/{committee}/subtree"),
        ("GET", f"{O}/discovery.{{format}}"): lambda c: c.get(f"{O}/discovery.xml"),
        ("GET", f"{O}/services.{{format}}"): lambda c: c.get(f"{O}/services.json"),
        ("GET", f"{O}/services/{{service_code}}.{{format}}"): lambda c: c.get(f"{O}/services/park.xml"),
        ("POST", f"{O}/requests.{{format}}"): open311_post,
        ("GET", f"{O}/requests.{{format}}"): lambda c: c.get(f"{O}/requests.json"),
        ("GET", f"{O}/requests/{{service_request_id}}.{{format}}"): lambda c: open311_one(c, "request"),
        ("GET", f"{O}/tokens/{{token}}.{{format}}"): lambda c: open311_one(c, "token"),
    }


async def test_every_operation_allows_exactly_its_policy(api, org, harness):
    async with harness.client(roles=["admin"]) as admin:
        document = (await admin.get(f"{P}/openapi.json")).json()
    operations = {(method.upper(), path) for path, item in document["paths"].items() for method in item
                  if not path.startswith(("/healthz", "/readyz", "/metrics"))}
    assert operations == set(POLICY), "every operation needs a policy entry (and every entry an operation)"
    calls = requests_for(api, org)
    who = callers(api, org)
    mismatches = {}
    try:
        for operation, allowed in POLICY.items():
            answered = {}
            for name, client in who.items():
                response = await calls[operation](client)
                assert response.status_code < 500, (operation, name, response.text)
                answered[name] = response.status_code
            granted = {name for name, status in answered.items() if status < 300}
            refused = {name for name, status in answered.items() if status in (401, 403, 404)}
            if granted != set(allowed) or granted | refused != set(answered):
                mismatches[operation] = {name: status for name, status in answered.items()
                                         if (status < 300) != (name in allowed) or name not in granted | refused}
    finally:
        for client in who.values():
            await client.aclose()
    assert mismatches == {}


async def test_public_operations_are_marked_as_needing_no_credentials(harness):
    async with harness.client(roles=["admin"]) as admin:
        document = (await admin.get(f"{P}/openapi.json")).json()
    public = {(method.upper(), path) for path, item in document["paths"].items() for method, op in item.items()
              if op.get("security") == []}
    assert public == {operation for operation, allowed in POLICY.items() if "anonymous" in allowed}
