"""What reaches a service: identity headers stripped, the gateway's assertion, request IDs, CORS."""

import json

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="session")

FORGED = {
    "X-Internal-Assertion": "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
    "X-Roles": "admin",
    "X-Principal-Id": "admin",
    "X-Principal-Roles": "admin",
    "X-User-Id": "root",
    "X-Forwarded-User": "root",
    "X-Auth-Request-User": "root",
    "X-Org-Scope": "city",
    "X-Forwarded-For": "10.0.0.1",
}


async def test_forged_identity_headers_are_stripped_and_only_our_assertion_arrives(gw_url, gw_keys, gw_http):
    key_id, key = await gw_keys(["goals:read"], actor="portal", org=["unit-3", "unit-4"])
    async with gw_http.get(gw_url + "/goals/v1/units", headers={"X-API-Key": key, **FORGED, "X-Custom": "kept"}) as r:
        assert r.status == 200
        echoed = await r.json()
    names = [name for name, _ in echoed["header_list"]]
    for forged in FORGED:
        if forged.lower() not in ("x-internal-assertion", "x-forwarded-for"):
            assert forged.lower() not in names
    assert names.count("x-internal-assertion") == 1
    assert echoed["headers"]["x-internal-assertion"] != FORGED["X-Internal-Assertion"]
    assert echoed["headers"]["x-forwarded-for"] == "127.0.0.1"
    assert "x-api-key" not in names and "authorization" not in names
    assert echoed["headers"]["x-custom"] == "kept"
    assert echoed["principal"] == {
        "subject": key_id, "actor_kind": "portal", "roles": [], "org_scope": ["unit-3", "unit-4"],
        "key_scopes": ["goals:read"], "request_id": None,
    }


async def test_assertion_audience_is_the_target_service(gw_url, gw_keys, gw_http):
    # The fake upstreams verify with audience = their own name; a goals assertion replayed to
    # audit would be refused there (401 from the upstream).
    _, key = await gw_keys(["goals:read", "audit:read"])
    for path in ("/goals/v1/x", "/audit/v1/x"):
        async with gw_http.get(gw_url + path, headers={"X-API-Key": key}) as r:
            assert r.status == 200


async def test_connection_listed_headers_are_hop_by_hop(gw_url, gw_keys, gw_raw):
    _, key = await gw_keys(["goals:read"])
    status, _, body = await gw_raw(gw_url, (
        f"GET /goals/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: {key}\r\nConnection: close, X-Secret-Hop\r\n"
        "X-Secret-Hop: 1\r\n\r\n"
    ).encode())
    assert status == 200
    assert "x-secret-hop" not in json.loads(body)["headers"]


async def test_sane_request_id_is_echoed_and_forwarded(gw_url, gw_keys, gw_http):
    _, key = await gw_keys(["goals:read"])
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    headers = {"X-API-Key": key, "X-Request-ID": "client-req.42_A", "traceparent": traceparent, "tracestate": "a=1"}
    async with gw_http.get(gw_url + "/goals/v1/x", headers=headers) as r:
        assert r.headers["X-Request-ID"] == "client-req.42_A"
        echoed = (await r.json())["headers"]
    assert echoed["x-request-id"] == "client-req.42_A"
    assert echoed["traceparent"] == traceparent
    assert echoed["tracestate"] == "a=1"


@pytest.mark.parametrize("sent", ["x" * 129, "has space", "semi;colon", ""])
async def test_insane_request_id_is_replaced(gw_url, gw_keys, gw_http, sent):
    _, key = await gw_keys(["goals:read"])
    async with gw_http.get(gw_url + "/goals/v1/x", headers={"X-API-Key": key, "X-Request-ID": sent,
                                                            "traceparent": "garbage", "tracestate": "a=1"}) as r:
        generated = r.headers["X-Request-ID"]
        echoed = (await r.json())["headers"]
    assert generated != sent and len(generated) == 32
    assert echoed["x-request-id"] == generated
    assert echoed["traceparent"].startswith("00-") and len(echoed["traceparent"]) == 55
    assert "tracestate" not in echoed  # belongs to the client's (invalid) trace


async def test_problem_documents_carry_the_request_id(gw_url, gw_http):
    async with gw_http.get(gw_url + "/goals/v1/x", headers={"X-Request-ID": "abc-123"}) as r:
        assert r.status == 401
        assert r.headers["X-Request-ID"] == "abc-123"
        assert (await r.json(content_type=None))["request_id"] == "abc-123"


async def test_cors_preflight_is_answered_without_auth(gw_url, gw_http):
    headers = {"Origin": "https://portal.example.se", "Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "x-api-key, content-type"}
    async with gw_http.options(gw_url + "/feedback/v1/cases", headers=headers) as r:
        assert r.status == 204
        assert r.headers["Access-Control-Allow-Origin"] == "https://portal.example.se"
        assert "POST" in r.headers["Access-Control-Allow-Methods"]
        assert r.headers["Access-Control-Allow-Headers"] == "x-api-key, content-type"


async def test_cors_preflight_from_unknown_origin_is_refused(gw_url, gw_http):
    headers = {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    async with gw_http.options(gw_url + "/goals/v1/units", headers=headers) as r:
        assert r.status == 403
        assert "Access-Control-Allow-Origin" not in r.headers


async def test_cors_headers_on_proxied_and_error_responses(gw_url, gw_keys, gw_http):
    _, key = await gw_keys(["goals:read"])
    origin = {"Origin": "https://portal.example.se"}
    async with gw_http.get(gw_url + "/goals/v1/x", headers={"X-API-Key": key, **origin}) as r:
        assert r.status == 200
        assert r.headers["Access-Control-Allow-Origin"] == "https://portal.example.se"
        assert "X-Request-ID" in r.headers["Access-Control-Expose-Headers"]
    async with gw_http.get(gw_url + "/goals/v1/x", headers=origin) as r:
        assert r.status == 401
        assert r.headers["Access-Control-Allow-Origin"] == "https://portal.example.se"
    async with gw_http.get(gw_url + "/goals/v1/x", headers={"X-API-Key": key, "Origin": "https://evil.example"}) as r:
        assert "Access-Control-Allow-Origin" not in r.headers


async def test_wildcard_cors(gw_launch, gw_http):
    url = await gw_launch(cors_origins="*")
    headers = {"Origin": "https://anything.example", "Access-Control-Request-Method": "GET"}
    async with gw_http.options(url + "/goals/v1/units", headers=headers) as r:
        assert r.status == 204
        assert r.headers["Access-Control-Allow-Origin"] == "*"
