"""Bodies stream both ways; HTTP/1.1 details (HEAD, pipelining, limits)."""

import hashlib
import os

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_large_request_body_streams_to_the_service(gw_url, gw_keys, gw_http):
    _, key = await gw_keys(["goals:write"])
    payload = os.urandom(5 * 1024 * 1024)

    async def chunks():  # chunked upload: the gateway cannot know the length up front
        for start in range(0, len(payload), 256 * 1024):
            yield payload[start:start + 256 * 1024]

    for data in (payload, chunks()):
        async with gw_http.post(gw_url + "/goals/v1/attachments", data=data, headers={"X-API-Key": key}) as r:
            assert r.status == 200
            echoed = await r.json()
        assert echoed["body_length"] == len(payload)
        assert echoed["body_sha"] == hashlib.sha256(payload).hexdigest()


async def test_large_response_streams_back(gw_url, gw_keys, gw_http):
    _, key = await gw_keys(["goals:read"])
    size = 3 * 1024 * 1024 + 17
    async with gw_http.get(gw_url + f"/goals/v1/big?size={size}", headers={"X-API-Key": key}) as r:
        assert r.status == 200
        assert r.headers["Transfer-Encoding"] == "chunked"
        assert "X-Request-ID" in r.headers
        body = await r.read()
    assert len(body) == size


async def test_body_over_the_limit_is_413(gw_launch, gw_keys, gw_http):
    url = await gw_launch(max_body_bytes=1000)
    _, key = await gw_keys(["goals:write"])
    async with gw_http.post(url + "/goals/v1/x", data=b"x" * 1001, headers={"X-API-Key": key}) as r:
        assert r.status == 413

    async def chunks():
        for _ in range(10):
            yield b"y" * 500

    async with gw_http.post(url + "/goals/v1/x", data=chunks(), headers={"X-API-Key": key}) as r:
        assert r.status == 413


async def test_head_has_no_body_and_keeps_the_connection_usable(gw_url, gw_keys, gw_raw):
    _, key = await gw_keys(["goals:read"])
    request = f"HEAD /goals/v1/x HTTP/1.1\r\nHost: gw\r\nX-API-Key: {key}\r\n\r\n".encode()
    follow_up = f"GET /goals/v1/after-head HTTP/1.1\r\nHost: gw\r\nX-API-Key: {key}\r\n\r\n".encode()
    status, headers, body = await gw_raw(gw_url, request + follow_up, responses=2, head_first=True)
    assert status == 200
    assert b"/goals/v1/after-head" in body


async def test_pipelined_requests_are_answered_in_order(gw_url, gw_keys, gw_raw):
    _, key = await gw_keys(["goals:read", "audit:read"])
    requests = b"".join(
        f"GET /{path} HTTP/1.1\r\nHost: gw\r\nX-API-Key: {key}\r\nX-Request-ID: r{i}\r\n\r\n".encode()
        for i, path in enumerate(["goals/v1/slow?seconds=0.2", "audit/v1/b", "healthz", "goals/v1/d"])
    )
    status, headers, body = await gw_raw(gw_url, requests, responses=4)
    assert status == 200
    assert headers["x-request-id"] == "r3"
    assert b"/goals/v1/d" in body


async def test_http10_client_without_keep_alive(gw_url, gw_keys, gw_raw):
    _, key = await gw_keys(["goals:read"])
    status, headers, body = await gw_raw(gw_url, f"GET /goals/v1/x HTTP/1.0\r\nX-API-Key: {key}\r\n\r\n".encode())
    assert status == 200
    assert headers["connection"] == "close"
    assert b'"path":"/goals/v1/x"' in body.replace(b" ", b"")


@pytest.mark.parametrize("target", ["/goals/v1/../../audit/v1/x", "/goals/v1/%2e%2e/x", "/goals/v1/a%2Fb"])
async def test_paths_that_could_escape_their_prefix_are_400(gw_url, gw_keys, gw_raw, target):
    _, key = await gw_keys(["goals:read"])
    status, headers, _ = await gw_raw(gw_url, f"GET {target} HTTP/1.1\r\nHost: gw\r\nX-API-Key: {key}\r\n\r\n".encode())
    assert status == 400
    assert headers["content-type"] == "application/problem+json"


async def test_malformed_request_is_400_problem(gw_url, gw_raw):
    status, headers, _ = await gw_raw(gw_url, b"GET /goals/v1/x HTTP/1.1\r\nBad Header Line\r\n\r\n")
    assert status == 400
    assert headers["content-type"] == "application/problem+json"


async def test_oversized_request_head_is_431(gw_url, gw_raw):
    head = b"GET /goals/v1/x HTTP/1.1\r\n" + b"X-Filler: " + b"a" * 70_000 + b"\r\n\r\n"
    status, headers, _ = await gw_raw(gw_url, head)
    assert status == 431
    assert headers["connection"] == "close"


async def test_early_refusal_of_a_large_upload_reaches_the_client(gw_url, gw_http):
    # Refused before the body is read: the gateway must not reset the connection under the
    # client's feet (which could destroy the answer) but close it gracefully.
    payload = os.urandom(8 * 1024 * 1024)
    for _ in range(3):
        async with gw_http.post(gw_url + "/goals/v1/attachments", data=payload) as r:
            assert r.status == 401
            assert r.headers["Connection"] == "close"
            assert (await r.json(content_type=None))["status"] == 401
