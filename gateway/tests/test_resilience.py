"""Upstream failures: 502/503/504 problems, retries for idempotent methods only, circuit breaker."""

import asyncio
import json

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _call(http, method, url, key):
    async with http.request(method, url, headers={"X-API-Key": key}) as response:
        return response.status, response.headers, await response.read()


async def test_upstream_down_is_502_problem_then_circuit_opens_with_retry_after(gw_launch, gw_keys, gw_http):
    url = await gw_launch(circuit_failure_threshold=3, circuit_reset_seconds=30, upstream_retries=0)
    _, key = await gw_keys(["awards:read"])
    for _ in range(3):
        status, headers, body = await _call(gw_http, "GET", url + "/awards/v1/rounds", key)
        assert status == 502
        assert headers["Content-Type"] == "application/problem+json"
        assert json.loads(body)["type"].endswith("/bad-gateway")
    status, headers, body = await _call(gw_http, "GET", url + "/awards/v1/rounds", key)
    assert status == 503
    assert 1 <= int(headers["Retry-After"]) <= 30
    assert json.loads(body)["type"].endswith("/upstream-unavailable")


async def test_timeout_is_504(gw_launch, gw_keys, gw_http):
    url = await gw_launch(upstream_timeout_seconds=0.3)
    _, key = await gw_keys(["goals:read"])
    status, headers, body = await _call(gw_http, "GET", url + "/goals/v1/slow?seconds=1.5", key)
    assert status == 504
    assert json.loads(body)["type"].endswith("/upstream-timeout")


async def test_idempotent_methods_are_retried_and_others_are_not(gw_launch, gw_keys, gw_http, gw_drop_server):
    # The drop server accepts and closes without a byte: nothing came back, so an idempotent
    # request may go again; a POST must not (the service might have acted on it).
    url = await gw_launch(upstream_goals=gw_drop_server.url, upstream_retries=2, circuit_failure_threshold=100)
    _, key = await gw_keys(["goals:read", "goals:write"])
    for method, attempts in (("GET", 3), ("PUT", 3), ("DELETE", 3), ("POST", 1), ("PATCH", 1)):
        before = gw_drop_server.connections
        status, _, _ = await _call(gw_http, method, url + "/goals/v1/units/1", key)
        assert status == 502
        assert gw_drop_server.connections - before == attempts, method


async def test_circuit_half_opens_after_cool_down_and_closes_on_success(gw_launch, gw_keys, gw_http,
                                                                         gw_spawn_upstream, gw_port):
    url = await gw_launch(upstream_awards=f"http://127.0.0.1:{gw_port}", circuit_failure_threshold=2,
                          circuit_reset_seconds=0.5, upstream_retries=0)
    _, key = await gw_keys(["awards:read"])
    statuses = [(await _call(gw_http, "GET", url + "/awards/v1/rounds", key))[0] for _ in range(3)]
    assert statuses == [502, 502, 503]
    await gw_spawn_upstream("awards", ("awards/v1",), port=gw_port)  # the service comes back
    assert (await _call(gw_http, "GET", url + "/awards/v1/rounds", key))[0] == 503  # still cooling down
    await asyncio.sleep(0.6)
    statuses = [(await _call(gw_http, "GET", url + "/awards/v1/rounds", key))[0] for _ in range(3)]
    assert statuses == [200, 200, 200]


async def test_failed_half_open_probe_opens_the_circuit_again(gw_launch, gw_keys, gw_http, gw_port):
    url = await gw_launch(upstream_awards=f"http://127.0.0.1:{gw_port}", circuit_failure_threshold=1,
                          circuit_reset_seconds=0.3, upstream_retries=0)
    _, key = await gw_keys(["awards:read"])
    assert (await _call(gw_http, "GET", url + "/awards/v1/rounds", key))[0] == 502
    assert (await _call(gw_http, "GET", url + "/awards/v1/rounds", key))[0] == 503
    await asyncio.sleep(0.4)
    assert (await _call(gw_http, "GET", url + "/awards/v1/rounds", key))[0] == 502  # the probe
    assert (await _call(gw_http, "GET", url + "/awards/v1/rounds", key))[0] == 503


async def test_upstream_5xx_is_relayed_and_does_not_trip_the_circuit(gw_launch, gw_keys, gw_http):
    url = await gw_launch(circuit_failure_threshold=2)
    _, key = await gw_keys(["goals:read"])
    for _ in range(4):
        status, _, _ = await _call(gw_http, "GET", url + "/goals/v1/status/500", key)
        assert status == 500
    assert (await _call(gw_http, "GET", url + "/goals/v1/x", key))[0] == 200


async def test_small_body_that_stalls_is_504_before_anything_is_sent(gw_launch, gw_keys, gw_http):
    url = await gw_launch(upstream_timeout_seconds=0.3)
    _, key = await gw_keys(["goals:read"])
    status, headers, body = await _call(gw_http, "GET", url + "/goals/v1/stall?seconds=1.5", key)
    assert status == 504
    assert json.loads(body)["type"].endswith("/upstream-timeout")


async def test_streamed_body_that_stalls_cuts_the_connection(gw_launch, gw_keys, gw_http):
    import aiohttp

    url = await gw_launch(upstream_timeout_seconds=0.3)
    _, key = await gw_keys(["goals:read"])
    async with gw_http.get(url + "/goals/v1/big?size=500000&stall=1.5", headers={"X-API-Key": key}) as response:
        assert response.status == 200
        with pytest.raises(aiohttp.ClientPayloadError):
            await response.read()
    # The gateway still serves.
    assert (await _call(gw_http, "GET", url + "/goals/v1/x", key))[0] == 200
