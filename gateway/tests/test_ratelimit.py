"""Rate limits per principal, shared through Redis; failing open without Redis."""

import asyncio

import pytest

from gateway.tokens import load_private_key, mint_staff_token

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _status(http, url, headers):
    async with http.get(url, headers=headers) as response:
        return response.status, response.headers, await response.read()


async def test_requests_past_the_limit_are_429_with_retry_after(gw_launch, gw_keys, gw_http):
    url = await gw_launch(rate_limit_per_minute=60, rate_limit_burst=3)
    _, key = await gw_keys(["goals:read"])
    _, other = await gw_keys(["goals:read"])
    statuses = [(await _status(gw_http, url + "/goals/v1/x", {"X-API-Key": key}))[0] for _ in range(3)]
    assert statuses == [200, 200, 200]
    status, headers, body = await _status(gw_http, url + "/goals/v1/x", {"X-API-Key": key})
    assert status == 429
    assert headers["Content-Type"] == "application/problem+json"
    assert int(headers["Retry-After"]) >= 1
    # Another principal has its own allowance.
    assert (await _status(gw_http, url + "/goals/v1/x", {"X-API-Key": other}))[0] == 200


async def test_limit_is_shared_by_gateway_instances(gw_launch, gw_keys, gw_http):
    # Two gateways (as two workers would) draw on one allowance in Redis.
    first = await gw_launch(rate_limit_per_minute=60, rate_limit_burst=4)
    second = await gw_launch(rate_limit_per_minute=60, rate_limit_burst=4)
    _, key = await gw_keys(["goals:read"])
    statuses = [(await _status(gw_http, url + "/goals/v1/x", {"X-API-Key": key}))[0]
                for url in (first, second, first, second, first, second)]
    assert statuses.count(200) == 4 and statuses.count(429) == 2


async def test_staff_tokens_are_limited_per_subject(gw_launch, gw_keyset, gw_http):
    url = await gw_launch(rate_limit_per_minute=60, rate_limit_burst=2)
    signing = load_private_key(str(gw_keyset / "token_signing.pem"))
    tokens = [mint_staff_token(signing, subject="busy-bee", roles=["admin"], org=[], issuer="qm-dev",
                               ttl_seconds=300 + i) for i in range(3)]  # distinct tokens, one subject
    statuses = [(await _status(gw_http, url + "/goals/v1/x", {"Authorization": f"Bearer {t}"}))[0] for t in tokens]
    assert statuses == [200, 200, 429]


async def test_allowance_refills_over_time(gw_launch, gw_keys, gw_http):
    url = await gw_launch(rate_limit_per_minute=600, rate_limit_burst=1)  # one every 0.1 s
    _, key = await gw_keys(["goals:read"])
    assert (await _status(gw_http, url + "/goals/v1/x", {"X-API-Key": key}))[0] == 200
    assert (await _status(gw_http, url + "/goals/v1/x", {"X-API-Key": key}))[0] == 429
    await asyncio.sleep(0.15)
    assert (await _status(gw_http, url + "/goals/v1/x", {"X-API-Key": key}))[0] == 200


async def test_redis_down_fails_open(gw_launch, gw_keys, gw_http, gw_port):
    url = await gw_launch(redis_url=f"redis://127.0.0.1:{gw_port}/0", rate_limit_per_minute=60, rate_limit_burst=1)
    _, key = await gw_keys(["goals:read"])
    statuses = [(await _status(gw_http, url + "/goals/v1/x", {"X-API-Key": key}))[0] for _ in range(3)]
    assert statuses == [200, 200, 200]
    status, _, body = await _status(gw_http, url + "/readyz", {})
    assert status == 503 and b'"redis":"down"' in body


async def test_a_key_with_its_own_limit_is_held_to_it(gw_launch, gw_keys, gw_http, gw_redis_prefix):
    url = await gw_launch(stream_prefix=gw_redis_prefix + "key-limit:")  # the global limit: 600000/min
    _, limited = await gw_keys(["goals:read"], rate_limit=60)  # burst: a tenth, 6
    _, unlimited = await gw_keys(["goals:read"])
    statuses = [(await _status(gw_http, url + "/goals/v1/x", {"X-API-Key": limited}))[0] for _ in range(7)]
    assert statuses == [200] * 6 + [429]
    assert [(await _status(gw_http, url + "/goals/v1/x", {"X-API-Key": unlimited}))[0] for _ in range(7)] == [200] * 7


async def test_a_keys_own_limit_may_be_above_the_global_one(gw_launch, gw_keys, gw_http, gw_redis_prefix):
    url = await gw_launch(rate_limit_per_minute=60, rate_limit_burst=2, stream_prefix=gw_redis_prefix + "key-above:")
    _, bulk = await gw_keys(["goals:read"], rate_limit=6000)  # burst 600
    _, ordinary = await gw_keys(["goals:read"])
    assert [(await _status(gw_http, url + "/goals/v1/x", {"X-API-Key": bulk}))[0] for _ in range(5)] == [200] * 5
    assert [(await _status(gw_http, url + "/goals/v1/x", {"X-API-Key": ordinary}))[0] for _ in range(3)] == [200, 200, 429]


async def test_a_rotated_key_keeps_its_limit(gw_keys):
    from datetime import timedelta

    key_id, _ = await gw_keys(["goals:read"], rate_limit=120)
    new, _, _ = await gw_keys.repository.rotate(key_id, timedelta(0))
    assert new.rate_limit_per_minute == 120
