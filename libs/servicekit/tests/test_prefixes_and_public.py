"""A second prefix with its own error format, the anonymous actor, public operations in OpenAPI."""

import xml.etree.ElementTree as ET

from servicekit.assertion import Principal
from servicekit.auth import in_org_scope, is_city_wide_reader


def _anonymous(harness):
    return harness.client(actor="anonymous", roles=(), scopes=(), subject="anonymous")


def _xml_error(response) -> tuple[int, str]:
    root = ET.fromstring(response.content)
    assert root.tag == "errors"
    (error,) = root.findall("error")
    return int(error.findtext("code")), error.findtext("description")


async def test_validation_error_under_the_extra_prefix_is_the_renderers_400_json(harness):
    async with harness.client() as client:
        response = await client.get("/open311/v2/requests.json", params={"start_date": "1999"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    (error,) = response.json()
    assert error["code"] == 400
    assert "query.start_date" in error["description"]


async def test_validation_error_under_the_extra_prefix_in_xml(harness):
    async with harness.client() as client:
        response = await client.get("/open311/v2/requests.xml", params={"start_date": "not-a-year"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/xml")
    code, description = _xml_error(response)
    assert code == 400 and "start_date" in description


async def test_problem_error_raised_by_a_route_under_the_prefix_is_rendered_by_it(harness):
    async with harness.client() as client:
        response = await client.get("/open311/v2/requests/7.xml")
        found = await client.get("/open311/v2/requests/1.json")
    assert response.status_code == 404
    assert _xml_error(response) == (404, "No request 7.")
    assert found.status_code == 200 and found.json()["service_request_id"] == "1"


async def test_unknown_path_and_method_under_the_prefix_use_its_format(harness):
    async with harness.client() as client:
        unknown = await client.get("/open311/v2/no-such-thing.json")
        wrong_method = await client.delete("/open311/v2/requests.json")
    assert unknown.status_code == 404 and unknown.json()[0]["code"] == 404
    assert wrong_method.status_code == 405 and wrong_method.json()[0]["code"] == 405
    assert "GET" in wrong_method.headers["allow"]


async def test_unhandled_error_under_the_prefix_is_a_500_in_its_format_without_internals(harness):
    async with harness.client() as client:
        response = await client.get("/open311/v2/crash.json")
    assert response.status_code == 500
    assert response.json()[0]["code"] == 500
    assert "070-123" not in response.text and "RuntimeError" not in response.text


async def test_missing_assertion_under_the_prefix_is_a_401_in_its_format(harness):
    async with harness.anonymous_client() as client:
        response = await client.get("/open311/v2/requests/1.xml")
    assert response.status_code == 401
    assert _xml_error(response)[0] == 401
    assert response.headers["x-request-id"]


async def test_the_main_prefix_keeps_rfc_9457(harness):
    async with harness.client() as client:
        invalid = await client.post("/sample/v1/notes", json={"title": ""})
        unknown = await client.get("/sample/v1/no-such-thing")
        # A prefix only matches whole segments: /open311/v2x is not under /open311/v2.
        lookalike = await client.get("/open311/v2x/requests.json")
    assert invalid.status_code == 422 and invalid.headers["content-type"] == "application/problem+json"
    assert invalid.json()["errors"][0]["location"] == ["body", "title"]
    assert unknown.status_code == 404 and unknown.headers["content-type"] == "application/problem+json"
    assert lookalike.status_code == 404 and lookalike.headers["content-type"] == "application/problem+json"


async def test_anonymous_is_accepted_only_by_public_operations(harness):
    async with _anonymous(harness) as anonymous:
        public_view = await anonymous.get("/open311/v2/requests/1.json")
        public_count = await anonymous.get("/sample/v1/public-notes/count")
        listing = await anonymous.get("/sample/v1/notes")
        whoami = await anonymous.get("/sample/v1/whoami")
        post = await anonymous.post("/open311/v2/requests.json")
    assert public_view.status_code == 200 and public_view.json()["seen_by"] == "anonymous"
    assert public_count.status_code == 200
    # Non-public operations: whether they check roles (require_access) or only ask who is calling.
    assert listing.status_code == 401 and listing.headers["content-type"] == "application/problem+json"
    assert whoami.status_code == 401
    assert post.status_code == 401 and post.json()[0]["code"] == 401


async def test_a_key_on_a_public_operation_is_passed_as_itself(harness):
    async with harness.client(actor="portal", roles=(), scopes=("feedback:submit",), subject="key-1") as portal:
        response = await portal.get("/open311/v2/requests/1.json")
        whoami = await portal.get("/sample/v1/whoami")
    assert response.json()["seen_by"] == "portal" and response.json()["holding"] == ["feedback:submit"]
    assert whoami.json() == {"actor": "portal"}


async def test_an_anonymous_assertion_carries_no_roles_or_scopes_whatever_it_claims(harness):
    async with harness.client(actor="anonymous", roles=["admin"], scopes=["sample:read"], org=["u1"]) as claims_much:
        listing = await claims_much.get("/sample/v1/notes")
        public_view = await claims_much.get("/open311/v2/requests/1.json")
    assert listing.status_code == 401
    assert public_view.status_code == 200 and public_view.json()["seen_by"] == "anonymous"
    assert public_view.json()["holding"] == []


def test_anonymous_and_portal_never_read_the_whole_city():
    def principal(actor, roles=(), org=()):
        return Principal(subject="p", actor_kind=actor, roles=frozenset(roles), org_scope=frozenset(org))

    chain = {"unit-1", "sdf-1", "city"}
    assert not in_org_scope(principal("anonymous"), chain)
    assert not in_org_scope(principal("portal"), chain)
    # A portal key limited to a unit still does not read that unit's data through org scope.
    assert not in_org_scope(principal("portal", org=["unit-1"]), chain)
    assert not is_city_wide_reader(principal("portal")) and not is_city_wide_reader(principal("anonymous"))
    assert in_org_scope(principal("system"), chain) and is_city_wide_reader(principal("system"))
    assert not in_org_scope(principal("system", org=["other"]), chain)
    assert in_org_scope(principal("staff", roles=["city_controller"]), chain)
    assert in_org_scope(principal("staff", roles=["controller"], org=["sdf-1"]), chain)
    assert not in_org_scope(principal("staff", roles=["controller"], org=["other"]), chain)


async def test_openapi_marks_public_operations_and_the_prefixs_errors(harness):
    async with harness.client() as client:
        document = (await client.get("/sample/v1/openapi.json")).json()
    paths = document["paths"]
    assert paths["/open311/v2/requests/{request_id}.{format}"]["get"]["security"] == []
    assert paths["/open311/v2/requests.{format}"]["get"]["security"] == []
    assert paths["/sample/v1/public-notes/count"]["get"]["security"] == []
    assert "security" not in paths["/open311/v2/requests.{format}"]["post"]
    assert "security" not in paths["/sample/v1/notes"]["get"]
    georeport_list = paths["/open311/v2/requests.{format}"]["get"]["responses"]
    assert "422" not in georeport_list
    assert georeport_list["default"]["description"] == "GeoReport v2 error list."
    assert paths["/sample/v1/notes"]["post"]["responses"]["422"]["content"]["application/problem+json"]
