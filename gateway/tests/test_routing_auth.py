"""Routing by prefix and authentication at the edge (API keys and staff tokens)."""

import asyncio
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from gateway.tokens import load_private_key, mint_staff_token, public_jwk

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _get(http, url, **kwargs):
    async with http.get(url, **kwargs) as response:
        return response.status, response.headers, await response.read()


@pytest.mark.parametrize(("path", "service"), [
    ("/goals/v1/units", "goals"),
    ("/feedback/v1/cases", "feedback"),
    ("/open311/v2/services.json", "feedback"),
    ("/audit/v1/reviews?year=2025", "audit"),
])
async def test_routes_by_prefix_and_forwards_path_unchanged(gw_url, gw_keys, gw_http, path, service):
    _, key = await gw_keys([f"{service}:read"])
    status, _, body = await _get(gw_http, gw_url + path, headers={"X-API-Key": key})
    assert status == 200
    echoed = json.loads(body)
    assert echoed["service"] == service
    assert echoed["path"] + ("?" + echoed["query"] if echoed["query"] else "") == path


@pytest.mark.parametrize("path", ["/", "/goals", "/goals/v2/units", "/unknown/v1/x", "/healthzz"])
async def test_unknown_paths_are_404_problems(gw_url, gw_keys, gw_http, path):
    _, key = await gw_keys(["goals:read"])
    status, headers, body = await _get(gw_http, gw_url + path, headers={"X-API-Key": key})
    assert status == 404
    assert headers["Content-Type"] == "application/problem+json"
    assert json.loads(body)["status"] == 404


@pytest.mark.parametrize("headers", [
    {},
    {"X-API-Key": "not-a-key"},
    {"X-API-Key": "qm_0123456789abcdef_" + "A" * 43},
    {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer not.a.jwt"},
])
async def test_missing_or_wrong_credentials_are_401_with_challenge(gw_url, gw_http, headers):
    status, response_headers, body = await _get(gw_http, gw_url + "/goals/v1/units", headers=headers)
    assert status == 401
    assert response_headers["Content-Type"] == "application/problem+json"
    assert "Bearer" in response_headers["WWW-Authenticate"]
    assert json.loads(body)["type"].endswith("/unauthenticated")


async def test_wrong_secret_for_a_real_key_id_is_401(gw_url, gw_keys, gw_http):
    key_id, key = await gw_keys(["goals:read"])
    forged = f"qm_{key_id}_{'B' * 43}"
    assert forged != key
    status, _, _ = await _get(gw_http, gw_url + "/goals/v1/units", headers={"X-API-Key": forged})
    assert status == 401


async def test_revoked_key_is_401_and_revocation_bites_within_the_cache_ttl(gw_launch, gw_keys, gw_http):
    url = await gw_launch(key_cache_seconds=0.3)
    key_id, key = await gw_keys(["goals:read"])
    assert (await _get(gw_http, url + "/goals/v1/units", headers={"X-API-Key": key}))[0] == 200
    await gw_keys.repository.revoke(key_id)
    await asyncio.sleep(0.5)
    status, _, body = await _get(gw_http, url + "/goals/v1/units", headers={"X-API-Key": key})
    assert status == 401
    assert "revoked" in json.loads(body)["detail"]


async def test_rotated_key_works_alongside_its_successor_during_grace(gw_url, gw_keys, gw_http):
    from datetime import timedelta

    key_id, key = await gw_keys(["goals:read"])
    new, successor, old = await gw_keys.repository.rotate(key_id, timedelta(seconds=60))
    assert new.rotated_from == key_id and old.revoked_at is not None
    for presented in (key, successor):
        assert (await _get(gw_http, gw_url + "/goals/v1/units", headers={"X-API-Key": presented}))[0] == 200


async def test_both_credentials_at_once_are_refused(gw_url, gw_keys, gw_keyset, gw_http):
    _, key = await gw_keys(["goals:read"])
    token = _token(gw_keyset, roles=["admin"])
    status, _, _ = await _get(gw_http, gw_url + "/goals/v1/units",
                              headers={"X-API-Key": key, "Authorization": f"Bearer {token}"})
    assert status == 401


@pytest.mark.parametrize(("scopes", "method", "path", "expected"), [
    (["goals:read"], "GET", "/goals/v1/units", 200),
    (["goals:read"], "HEAD", "/goals/v1/units", 200),
    (["goals:read"], "POST", "/goals/v1/units", 403),
    (["goals:write"], "GET", "/goals/v1/units", 403),
    (["goals:write"], "PATCH", "/goals/v1/units/1", 200),
    (["goals:read", "goals:write"], "DELETE", "/goals/v1/units/1", 200),
    (["goals:read"], "GET", "/audit/v1/reviews", 403),
    (["feedback:submit"], "POST", "/open311/v2/requests.json", 200),
    (["feedback:submit"], "POST", "/feedback/v1/cases", 200),
    (["feedback:submit"], "GET", "/feedback/v1/cases", 403),
    (["feedback:submit"], "PUT", "/feedback/v1/cases/1", 403),
])
async def test_key_scopes_cover_service_and_method(gw_url, gw_keys, gw_http, scopes, method, path, expected):
    _, key = await gw_keys(scopes, actor="portal")
    async with gw_http.request(method, gw_url + path, headers={"X-API-Key": key}) as response:
        assert response.status == expected
        if expected == 403:
            assert response.headers["Content-Type"] == "application/problem+json"
            assert (await response.json(content_type=None))["type"].endswith("/insufficient-scope")


def _token(keyset, *, roles, org=(), ttl=300, sub="staff-1", issuer="qm-dev", key=None) -> str:
    signing = key or load_private_key(str(keyset / "token_signing.pem"))
    return mint_staff_token(signing, subject=sub, roles=list(roles), org=list(org), issuer=issuer, ttl_seconds=ttl)


async def test_staff_token_passes_with_roles_and_org_in_the_assertion(gw_url, gw_keyset, gw_http):
    token = _token(gw_keyset, roles=["unit_manager", "not_a_role"], org=["unit-7"], sub="anna")
    status, _, body = await _get(gw_http, gw_url + "/audit/v1/reviews", headers={"Authorization": f"Bearer {token}"})
    assert status == 200
    principal = json.loads(body)["principal"]
    assert principal == {"subject": "anna", "actor_kind": "staff", "roles": ["unit_manager"],
                         "org_scope": ["unit-7"], "key_scopes": [], "request_id": None}


async def test_expired_token_is_401(gw_url, gw_keyset, gw_http):
    signing = load_private_key(str(gw_keyset / "token_signing.pem"))
    jwk = public_jwk(signing.public_key())
    now = int(time.time())
    token = jwt.encode({"iss": "qm-dev", "sub": "anna", "roles": ["admin"], "iat": now - 600, "exp": now - 120},
                       signing, algorithm="EdDSA", headers={"kid": jwk["kid"]})
    status, headers, body = await _get(gw_http, gw_url + "/goals/v1/units", headers={"Authorization": f"Bearer {token}"})
    assert status == 401
    assert 'error="invalid_token"' in headers["WWW-Authenticate"]
    assert "expired" in json.loads(body)["detail"]


@pytest.mark.parametrize("variant", ["foreign key", "wrong issuer", "no exp"])
async def test_tokens_not_from_our_issuer_are_401(gw_url, gw_keyset, gw_http, variant):
    signing = load_private_key(str(gw_keyset / "token_signing.pem"))
    kid = public_jwk(signing.public_key())["kid"]
    now = int(time.time())
    claims = {"iss": "qm-dev", "sub": "mallory", "roles": ["admin"], "iat": now, "exp": now + 300}
    if variant == "foreign key":
        signing = ed25519.Ed25519PrivateKey.generate()  # claims the trusted kid, signed by another key
    elif variant == "wrong issuer":
        claims["iss"] = "someone-else"
    else:
        del claims["exp"]
    token = jwt.encode(claims, signing, algorithm="EdDSA", headers={"kid": kid})
    status, _, _ = await _get(gw_http, gw_url + "/goals/v1/units", headers={"Authorization": f"Bearer {token}"})
    assert status == 401


async def test_token_signed_by_a_rotated_in_key_verifies_by_kid(gw_launch, gw_keyset, gw_http, tmp_path):
    new_key = ed25519.Ed25519PrivateKey.generate()
    jwks = json.loads((gw_keyset / "token_jwks.json").read_text())
    jwks["keys"].append(public_jwk(new_key.public_key()))
    (tmp_path / "jwks.json").write_text(json.dumps(jwks))
    url = await gw_launch(token_jwks_file=str(tmp_path / "jwks.json"))
    for token in (_token(gw_keyset, roles=["admin"]), _token(gw_keyset, roles=["admin"], key=new_key)):
        status, _, _ = await _get(gw_http, url + "/goals/v1/units", headers={"Authorization": f"Bearer {token}"})
        assert status == 200


async def test_oidc_issuer_tokens_verify_against_its_fetched_jwks(gw_launch, gw_keyset, gw_http, gw_port):
    from aiohttp import web

    from gateway.tokens import mint_staff_token

    idp_key = ed25519.Ed25519PrivateKey.generate()
    fetches = []

    async def jwks(request):
        fetches.append(request.path)
        return web.json_response({"keys": [public_jwk(idp_key.public_key())]})

    app = web.Application()
    app.router.add_get("/jwks", jwks)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", gw_port).start()
    try:
        url = await gw_launch(oidc_jwks_url=f"http://127.0.0.1:{gw_port}/jwks", oidc_issuer="https://idp.example")
        token = mint_staff_token(idp_key, subject="oidc-user", roles=["jury"], org=[], issuer="https://idp.example",
                                 ttl_seconds=300)
        status, _, body = await _get(gw_http, url + "/goals/v1/x", headers={"Authorization": f"Bearer {token}"})
        assert status == 200
        assert json.loads(body)["principal"]["roles"] == ["jury"]
        # Our own dev tokens still verify against the JWKS file, and a token from the IdP's key
        # claiming another issuer does not.
        assert (await _get(gw_http, url + "/goals/v1/x",
                           headers={"Authorization": f"Bearer {_token(gw_keyset, roles=['admin'])}"}))[0] == 200
        forged = mint_staff_token(idp_key, subject="x", roles=["admin"], org=[], issuer="qm-dev", ttl_seconds=300)
        assert (await _get(gw_http, url + "/goals/v1/x", headers={"Authorization": f"Bearer {forged}"}))[0] == 401
        assert fetches == ["/jwks"]  # fetched once, then cached
    finally:
        await runner.cleanup()
