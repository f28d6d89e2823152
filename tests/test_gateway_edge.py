"""The edge, tested on the real platform: credentials, forged identity, limits, failures, docs."""

import json
import subprocess
import sys
import time

import httpx
import jwt
import pytest
from servicekit.assertion import mint_assertion
from servicekit.testing.keys import signing_key_for_tests

from devstack.config import SERVICES

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def http(gateway_url):
    with httpx.Client(base_url=gateway_url, timeout=15) as client:
        yield client


def test_missing_wrong_and_expired_credentials_are_refused(http, stack, api_key):
    missing = http.get("/goals/v1/organisation-units")
    wrong_key = http.get("/goals/v1/organisation-units", headers={"x-api-key": api_key[:-4] + "abcd"})
    garbage_token = http.get("/goals/v1/organisation-units", headers={"authorization": "Bearer not.a.jwt"})
    expired = stack.mint_token(["admin"], sub="expired", ttl=1)
    time.sleep(2.5)
    expired_response = http.get("/goals/v1/organisation-units", headers={"authorization": f"Bearer {expired}"})
    good = http.get("/goals/v1/organisation-units", headers={"x-api-key": api_key})
    for response in (missing, wrong_key, garbage_token, expired_response):
        assert response.status_code == 401, response.text
        assert response.headers["content-type"].startswith(PROBLEM)
    assert good.status_code == 200


def test_a_token_signed_by_someone_else_is_refused(http, stack):
    jwks = json.loads((stack.keys_dir / "token_jwks.json").read_text())
    forged = jwt.encode(
        {"sub": "mallory", "roles": ["admin"], "iss": "qm-dev", "exp": int(time.time()) + 600},
        signing_key_for_tests(), algorithm="EdDSA", headers={"kid": jwks["keys"][0]["kid"]},
    )
    response = http.get("/goals/v1/organisation-units", headers={"authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_forged_identity_headers_are_stripped(http, stack):
    read_only = stack.create_api_key(["goals:read"], actor="system", name="read-only")
    forged_assertion = mint_assertion(
        signing_key_for_tests(), audience="goals", subject="mallory", actor_kind="staff", roles=["admin"]
    )
    response = http.post(
        "/goals/v1/organisation-units",
        json={"code": "FORGED", "name": "Forged unit", "type": "city"},
        headers={"x-api-key": read_only, "x-internal-assertion": forged_assertion, "x-roles": "admin",
                 "x-user-id": "admin", "x-principal": "admin"},
    )
    assert response.status_code == 403, response.text
    listing = http.get("/goals/v1/organisation-units", params={"code": "FORGED"}, headers={"x-api-key": read_only})
    assert listing.json()["items"] == []


def test_a_key_without_the_service_scope_is_forbidden(http, stack):
    goals_only = stack.create_api_key(["goals:read"], actor="system", name="goals-only")
    response = http.get("/audit/v1/organisation-units", headers={"x-api-key": goals_only})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith(PROBLEM)


def test_services_refuse_calls_that_bypass_the_gateway(stack):
    for service in SERVICES:
        base = stack.service_url(service)
        bare = httpx.get(f"{base}/{service}/v1/organisation-units")
        forged = httpx.get(f"{base}/{service}/v1/organisation-units", headers={"x-internal-assertion": mint_assertion(
            signing_key_for_tests(), audience=service, subject="mallory", actor_kind="staff", roles=["admin"])})
        health = httpx.get(f"{base}/healthz")
        assert bare.status_code == 401 and bare.headers["content-type"].startswith(PROBLEM), service
        assert forged.status_code == 401, service
        assert health.status_code == 200, service


def test_request_id_is_echoed(http, api_key):
    response = http.get("/feedback/v1/organisation-units", headers={"x-api-key": api_key, "x-request-id": "trace-me-42"})
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "trace-me-42"


def test_an_upstream_that_is_down_gives_a_problem_and_degrades_readiness(http, stack, api_key):
    stack.stop_process("awards-api")
    try:
        response = http.get("/awards/v1/organisation-units", headers={"x-api-key": api_key})
        ready = http.get("/readyz")
        other = http.get("/goals/v1/organisation-units", headers={"x-api-key": api_key})
    finally:
        stack.start_process("awards-api")
    assert response.status_code in (502, 503), response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert ready.status_code == 200
    assert "awards" in ready.text and "down" in ready.text.lower()
    assert other.status_code == 200


def test_merged_openapi_document_and_docs_page(http):
    document = http.get("/openapi.json")
    docs = http.get("/docs")
    assert document.status_code == 200
    paths = document.json()["paths"]
    for service in SERVICES:
        assert f"/{service}/v1/organisation-units" in paths, service
    assert "/goals/v1/unit-types" in paths
    assert docs.status_code == 200 and "openapi.json" in docs.text


def test_rate_limit_answers_429_with_retry_after(stack, api_key):
    """A second gateway process on the same database and Redis, with a limit of 5 a minute."""
    from servicekit.infra import free_port

    port = free_port()
    env = stack.process_env("gateway") | {"GATEWAY_PORT": str(port), "GATEWAY_WORKERS": "1",
                                          "GATEWAY_RATE_LIMIT_PER_MINUTE": "5", "GATEWAY_STREAM_PREFIX": stack.stream_prefix + "rl:"}
    process = subprocess.Popen([sys.executable, "-m", "gateway", "api"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "second gateway did not start"
            time.sleep(0.2)
        statuses = [httpx.get(f"{base}/goals/v1/unit-types", headers={"x-api-key": api_key}) for _ in range(12)]
    finally:
        process.terminate()
        process.wait(10)
    limited = [r for r in statuses if r.status_code == 429]
    assert statuses[0].status_code == 200
    assert limited, [r.status_code for r in statuses]
    assert int(limited[0].headers["retry-after"]) >= 1
    assert limited[0].headers["content-type"].startswith(PROBLEM)
