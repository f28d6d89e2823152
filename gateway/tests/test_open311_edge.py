"""Open311 at the edge: public paths as the anonymous actor, api_key as GeoReport v2 clients send
it, the spec's error format for the gateway's own errors, client addresses behind proxies."""

import asyncio
import hashlib
import json
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from .conftest import read_response

pytestmark = pytest.mark.asyncio(loop_scope="session")

FORM = "application/x-www-form-urlencoded"


async def _call(http, method, url, headers=None, data=None):
    async with http.request(method, url, headers=headers or {}, data=data) as response:
        return response.status, response.headers, await response.read()


def _json_error(headers, body) -> tuple[int, str]:
    """The GeoReport v2 JSON error list, asserted to be exactly one error."""
    assert headers["Content-Type"].startswith("application/json")
    (error,) = json.loads(body)
    assert set(error) == {"code", "description"}
    return error["code"], error["description"]


def _xml_error(headers, body) -> tuple[int, str]:
    assert headers["Content-Type"].startswith("text/xml")
    root = ET.fromstring(body)
    assert root.tag == "errors"
    (error,) = list(root)
    assert error.tag == "error" and [child.tag for child in error] == ["code", "description"]
    return int(error.findtext("code")), error.findtext("description")


# --- public paths ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/open311/v2/discovery.json", "/open311/v2/services.xml", "/open311/v2/services/011.json",
    "/open311/v2/requests.json?status=open", "/open311/v2/requests/SYN-2026-000123.xml",
    "/open311/v2/tokens/abc123.json",
])
async def test_open311_gets_without_credentials_go_through_as_anonymous(gw_url, gw_http, path):
    status, _, body = await _call(gw_http, "GET", gw_url + path)
    assert status == 200
    echoed = json.loads(body)
    assert echoed["path"] == path.partition("?")[0]
    assert echoed["principal"] == {"subject": "anonymous", "actor_kind": "anonymous", "roles": [],
                                   "org_scope": [], "key_scopes": [], "request_id": None}


async def test_head_is_public_where_get_is(gw_url, gw_http):
    status, _, _ = await _call(gw_http, "HEAD", gw_url + "/open311/v2/services.json")
    assert status == 200


async def test_residents_own_case_operations_are_public_with_their_token_forwarded(gw_url, gw_http):
    token = {"Case-Token": "resident-secret-token"}
    read = await _call(gw_http, "GET", gw_url + "/feedback/v1/my-cases/SYN-2026-000123", token)
    rate = await _call(gw_http, "POST", gw_url + "/feedback/v1/my-cases/SYN-2026-000123/rating", token,
                       data=b'{"rating": 4}')
    for status, _, body in (read, rate):
        assert status == 200
        echoed = json.loads(body)
        assert echoed["principal"]["actor_kind"] == "anonymous"
        assert echoed["headers"]["case-token"] == "resident-secret-token"


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/feedback/v1/cases"),
    ("GET", "/feedback/v1/my-cases"),
    ("GET", "/feedback/v1/my-cases/SYN-2026-000123/contacts"),  # * is one segment
    ("POST", "/feedback/v1/my-cases/SYN-2026-000123"),
    ("GET", "/goals/v1/units"),
])
async def test_other_paths_still_need_credentials(gw_url, gw_http, method, path):
    status, headers, body = await _call(gw_http, method, gw_url + path)
    assert status == 401
    assert headers["Content-Type"] == "application/problem+json"
    assert "Bearer" in headers["WWW-Authenticate"]


async def test_open311_post_without_a_key_is_the_specs_401_in_json_and_xml(gw_url, gw_http):
    as_json = await _call(gw_http, "POST", gw_url + "/open311/v2/requests.json", {"Content-Type": FORM},
                          data=b"service_code=011&lat=59.4&long=17.9")
    as_xml = await _call(gw_http, "POST", gw_url + "/open311/v2/requests.xml", {"Content-Type": FORM},
                         data=b"service_code=011&lat=59.4&long=17.9")
    assert as_json[0] == as_xml[0] == 401
    assert _json_error(as_json[1], as_json[2])[0] == 401
    code, description = _xml_error(as_xml[1], as_xml[2])
    assert code == 401 and "api_key" in description
    assert "ApiKey" in as_xml[1]["WWW-Authenticate"]


async def test_a_submit_only_key_gets_the_public_view_as_itself_not_a_403(gw_url, gw_keys, gw_http):
    key_id, key = await gw_keys(["feedback:submit"], actor="portal")
    status, _, body = await _call(gw_http, "GET", gw_url + "/open311/v2/requests.json", {"X-API-Key": key})
    assert status == 200
    principal = json.loads(body)["principal"]
    assert principal["subject"] == key_id and principal["actor_kind"] == "portal"
    assert principal["key_scopes"] == ["feedback:submit"]
    # Off the public paths its scopes still decide.
    status, headers, _ = await _call(gw_http, "GET", gw_url + "/feedback/v1/cases", {"X-API-Key": key})
    assert status == 403 and headers["Content-Type"] == "application/problem+json"


async def test_a_wrong_key_on_a_public_path_is_refused_not_treated_as_anonymous(gw_url, gw_http):
    status, headers, body = await _call(gw_http, "GET", gw_url + "/open311/v2/services.xml",
                                        {"X-API-Key": "qm_0123456789abcdef_" + "A" * 43})
    assert status == 401
    assert _xml_error(headers, body)[0] == 401


async def test_open311_post_beyond_the_keys_scopes_is_the_specs_403(gw_url, gw_keys, gw_http):
    _, key = await gw_keys(["goals:read"])
    status, headers, body = await _call(gw_http, "POST", gw_url + f"/open311/v2/requests.xml?api_key={key}",
                                        {"Content-Type": FORM}, data=b"service_code=011")
    assert status == 403
    code, description = _xml_error(headers, body)
    assert code == 403 and "scopes" in description


async def test_public_paths_are_a_setting(gw_launch, gw_http):
    url = await gw_launch(public_paths="GET /goals/v1/guarantees/*")
    opened = await _call(gw_http, "GET", url + "/goals/v1/guarantees/g-1")
    closed = await _call(gw_http, "GET", url + "/open311/v2/services.json")
    assert opened[0] == 200 and json.loads(opened[2])["principal"]["actor_kind"] == "anonymous"
    assert closed[0] == 401 and _json_error(closed[1], closed[2])[0] == 401


async def test_a_public_path_outside_every_service_is_refused_at_start(gw_settings):
    from gateway.app import Gateway

    gateway = Gateway(gw_settings(public_paths="GET /nowhere/v1/**"))
    with pytest.raises(ValueError, match="nowhere/v1"):
        await gateway.start()
    await gateway.stop()


# --- api_key in the query and the form body ---------------------------------------------------

async def test_api_key_in_the_query_authenticates_and_is_not_forwarded(gw_url, gw_keys, gw_http):
    key_id, key = await gw_keys(["feedback:read"])
    status, _, body = await _call(gw_http, "GET", gw_url + f"/open311/v2/requests.json?status=open&api_key={key}&service_code=011")
    assert status == 200
    echoed = json.loads(body)
    assert echoed["principal"]["subject"] == key_id
    assert echoed["query"] == "status=open&service_code=011"
    assert key not in json.dumps(echoed)


async def test_api_key_in_a_form_body_authenticates_and_is_cut_out_of_the_forwarded_body(gw_url, gw_keys, gw_http, gw_upstreams):
    key_id, key = await gw_keys(["feedback:submit"], actor="portal")
    sent = f"service_code=011&api_key={key}&description=Trasig+gatlykta+p%C3%A5+Sp%C3%A5nga+torg&lat=59.38".encode()
    expected = b"service_code=011&description=Trasig+gatlykta+p%C3%A5+Sp%C3%A5nga+torg&lat=59.38"
    status, _, body = await _call(gw_http, "POST", gw_url + "/open311/v2/requests.json",
                                  {"Content-Type": FORM + "; charset=utf-8"}, data=sent)
    assert status == 200
    echoed = json.loads(body)
    assert echoed["principal"]["subject"] == key_id and echoed["principal"]["actor_kind"] == "portal"
    assert echoed["body_length"] == len(expected) and echoed["headers"]["content-length"] == str(len(expected))
    assert echoed["body_sha"] == hashlib.sha256(expected).hexdigest()
    assert key.encode() not in gw_upstreams["feedback"].last_body


async def test_form_body_with_only_an_api_key_forwards_an_empty_body(gw_url, gw_keys, gw_http):
    _, key = await gw_keys(["feedback:submit"], actor="portal")
    status, _, body = await _call(gw_http, "POST", gw_url + "/open311/v2/requests.json", {"Content-Type": FORM},
                                  data=f"api_key={key}".encode())
    assert status == 200
    assert json.loads(body)["body_length"] == 0


async def test_a_non_form_body_is_streamed_untouched(gw_url, gw_keys, gw_http):
    _, key = await gw_keys(["feedback:submit"], actor="portal")
    payload = b'{"api_key": "stays", "service_code": "011"}'
    status, _, body = await _call(gw_http, "POST", gw_url + "/open311/v2/requests.json",
                                  {"Content-Type": "application/json", "X-API-Key": key}, data=payload)
    assert status == 200
    assert json.loads(body)["body_sha"] == hashlib.sha256(payload).hexdigest()


async def test_expect_100_continue_on_a_form_post(gw_url, gw_keys, gw_upstreams):
    key_id, key = await gw_keys(["feedback:submit"], actor="portal")
    form = f"api_key={key}&service_code=011&description=Klotter".encode()
    parts = urlsplit(gw_url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        writer.write(b"POST /open311/v2/requests.xml HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(form))
        await writer.drain()
        interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        assert interim.startswith(b"HTTP/1.1 100 Continue")
        writer.write(form)
        await writer.drain()
        status, headers, body = await read_response(reader)
    finally:
        writer.close()
    assert status == 200
    echoed = json.loads(body)
    assert echoed["principal"]["subject"] == key_id
    assert gw_upstreams["feedback"].last_body == b"service_code=011&description=Klotter"


async def test_a_chunked_form_body_is_read_and_forwarded_with_a_length(gw_url, gw_keys, gw_raw, gw_upstreams):
    key_id, key = await gw_keys(["feedback:submit"], actor="portal")
    first, second = b"service_code=011&api_", f"key={key}&description=Hål+i+vägen".encode()
    request = (b"POST /open311/v2/requests.json HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
               b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
               + b"%x\r\n%b\r\n" % (len(first), first) + b"%x\r\n%b\r\n" % (len(second), second) + b"0\r\n\r\n")
    status, _, body = await gw_raw(gw_url, request)
    assert status == 200
    echoed = json.loads(body)
    assert echoed["principal"]["subject"] == key_id
    assert "transfer-encoding" not in echoed["headers"]
    assert gw_upstreams["feedback"].last_body == "service_code=011&description=Hål+i+vägen".encode()


async def test_form_bodies_are_bounded(gw_launch, gw_keys, gw_http, gw_raw):
    url = await gw_launch(form_max_bytes=1000)
    _, key = await gw_keys(["feedback:submit"], actor="portal")
    form = f"api_key={key}&description=".encode() + b"x" * 1000
    status, headers, body = await _call(gw_http, "POST", url + "/open311/v2/requests.xml", {"Content-Type": FORM}, data=form)
    assert status == 413 and _xml_error(headers, body)[0] == 413
    # Without a declared length the limit bites while reading.
    chunked = (b"POST /open311/v2/requests.json HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
               b"Content-Type: application/x-www-form-urlencoded\r\n\r\n" + (b"200\r\n" + b"y" * 512 + b"\r\n") * 3
               + b"0\r\n\r\n")
    status, headers, body = await gw_raw(url, chunked)
    assert status == 413
    assert json.loads(body) == [{"code": 413, "description": "The form body exceeds 1000 bytes."}]


async def test_api_key_given_twice_or_differently_is_refused(gw_url, gw_keys, gw_http):
    _, key = await gw_keys(["feedback:read"])
    _, other = await gw_keys(["feedback:read"])
    twice = await _call(gw_http, "GET", gw_url + f"/open311/v2/requests.json?api_key={key}&api_key={key}")
    differing = await _call(gw_http, "GET", gw_url + f"/open311/v2/requests.xml?api_key={key}", {"X-API-Key": other})
    same = await _call(gw_http, "GET", gw_url + f"/open311/v2/requests.json?api_key={key}", {"X-API-Key": key})
    assert twice[0] == 400 and _json_error(twice[1], twice[2])[0] == 400
    assert differing[0] == 401 and _xml_error(differing[1], differing[2])[0] == 401
    assert same[0] == 200


async def test_an_empty_api_key_counts_as_none(gw_url, gw_http):
    status, _, body = await _call(gw_http, "GET", gw_url + "/open311/v2/services.json?api_key=&jurisdiction_id=stockholm.se")
    assert status == 200
    echoed = json.loads(body)
    assert echoed["principal"]["actor_kind"] == "anonymous"
    assert echoed["query"] == "jurisdiction_id=stockholm.se"


async def test_api_key_outside_open311_is_not_a_credential(gw_url, gw_keys, gw_http):
    _, key = await gw_keys(["feedback:read"])
    status, headers, _ = await _call(gw_http, "GET", gw_url + f"/feedback/v1/cases?api_key={key}")
    assert status == 401 and headers["Content-Type"] == "application/problem+json"


# --- the spec's error format for the gateway's own errors --------------------------------------

async def test_bad_path_is_the_specs_400(gw_url, gw_raw):
    status, headers, body = await gw_raw(gw_url, b"GET /open311/v2/%2e%2e/goals.xml HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 400
    assert headers["content-type"].startswith("text/xml")
    assert ET.fromstring(body).findtext("error/code") == "400"


async def test_anonymous_callers_are_limited_per_address_with_the_specs_429(gw_launch, gw_keys, gw_http, gw_redis_prefix):
    url = await gw_launch(anonymous_rate_limit_per_minute=60, anonymous_rate_limit_burst=2,
                          stream_prefix=gw_redis_prefix + "anonymous-429:")
    statuses = [(await _call(gw_http, "GET", url + "/open311/v2/services.json"))[0] for _ in range(2)]
    status, headers, body = await _call(gw_http, "GET", url + "/open311/v2/services.xml")
    assert statuses == [200, 200] and status == 429
    assert _xml_error(headers, body)[0] == 429 and int(headers["Retry-After"]) >= 1
    # A key has its own allowance (the global one), apart from the address's.
    _, key = await gw_keys(["feedback:read"])
    assert (await _call(gw_http, "GET", url + f"/open311/v2/services.json?api_key={key}"))[0] == 200


async def test_behind_a_trusted_proxy_the_forwarded_client_is_limited(gw_launch, gw_http, gw_redis_prefix):
    url = await gw_launch(anonymous_rate_limit_per_minute=60, anonymous_rate_limit_burst=1, trusted_proxies="127.0.0.0/8",
                          stream_prefix=gw_redis_prefix + "trusted-proxy:")
    services = url + "/open311/v2/services.json"
    first = await _call(gw_http, "GET", services, {"X-Forwarded-For": "203.0.113.5"})
    again = await _call(gw_http, "GET", services, {"X-Forwarded-For": "203.0.113.5"})
    # What the client wrote itself (left of the address the proxy appended) changes nothing.
    spoofed = await _call(gw_http, "GET", services, {"X-Forwarded-For": "198.51.100.77, 203.0.113.5"})
    other = await _call(gw_http, "GET", services, {"X-Forwarded-For": "203.0.113.6"})
    assert [first[0], again[0], spoofed[0], other[0]] == [200, 429, 429, 200]
    assert "x-forwarded-for" in json.loads(first[2])["headers"]  # the gateway's own: the peer
    assert json.loads(first[2])["headers"]["x-forwarded-for"] == "127.0.0.1"


async def test_without_trusted_proxies_x_forwarded_for_is_ignored(gw_launch, gw_http, gw_redis_prefix):
    url = await gw_launch(anonymous_rate_limit_per_minute=60, anonymous_rate_limit_burst=1,
                          stream_prefix=gw_redis_prefix + "untrusted-proxy:")
    services = url + "/open311/v2/services.json"
    first = await _call(gw_http, "GET", services, {"X-Forwarded-For": "203.0.113.8"})
    other = await _call(gw_http, "GET", services, {"X-Forwarded-For": "203.0.113.9"})
    assert [first[0], other[0]] == [200, 429]


async def test_upstream_failures_are_the_specs_502_and_504(gw_launch, gw_http, gw_port):
    down = await gw_launch(upstream_feedback=f"http://127.0.0.1:{gw_port}", upstream_retries=0)
    status, headers, body = await _call(gw_http, "GET", down + "/open311/v2/services.xml")
    assert status == 502 and _xml_error(headers, body)[0] == 502
    slow = await gw_launch(upstream_timeout_seconds=0.3)
    status, headers, body = await _call(gw_http, "GET", slow + "/open311/v2/slow.json?seconds=1.5")
    assert status == 504 and _json_error(headers, body)[0] == 504


async def test_open_circuit_is_the_specs_503(gw_launch, gw_http, gw_port):
    url = await gw_launch(upstream_feedback=f"http://127.0.0.1:{gw_port}", upstream_retries=0,
                          circuit_failure_threshold=1, circuit_reset_seconds=30)
    assert (await _call(gw_http, "GET", url + "/open311/v2/services.json"))[0] == 502
    status, headers, body = await _call(gw_http, "GET", url + "/open311/v2/services.json")
    assert status == 503 and _json_error(headers, body)[0] == 503 and int(headers["Retry-After"]) >= 1


async def test_a_path_without_a_format_suffix_gets_json(gw_url, gw_http):
    status, headers, body = await _call(gw_http, "POST", gw_url + "/open311/v2/requests")
    assert status == 401 and _json_error(headers, body)[0] == 401


async def test_the_services_own_errors_pass_through_unchanged(gw_url, gw_http):
    status, headers, body = await _call(gw_http, "GET", gw_url + "/open311/v2/status/404.xml")
    assert status == 404 and json.loads(body) == {"status": "as asked"}  # the service's body, not ours


async def test_merged_openapi_keeps_public_operations_open(gw_url, gw_http):
    _, _, body = await _call(gw_http, "GET", gw_url + "/openapi.json")
    paths = json.loads(body)["paths"]
    assert paths["/open311/v2/items"]["get"]["security"] == []
    assert "security" not in paths["/feedback/v1/items"]["get"]  # the service's own scheme is dropped
