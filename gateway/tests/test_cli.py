"""``python -m gateway``: the command line other parts of the platform script against."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

IN_SESSION_LOOP = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="session")
def gw_cli_env(gw_settings):
    settings = gw_settings()
    env = {key: value for key, value in os.environ.items() if not key.startswith("GATEWAY_")}
    for name in ("database_url", "redis_url", "stream_prefix", "assertion_private_key_file", "token_jwks_file",
                 "token_signing_key_file", "upstream_goals", "upstream_feedback", "upstream_audit",
                 "upstream_awards"):
        env[f"GATEWAY_{name.upper()}"] = str(getattr(settings, name))
    return env


def gateway_cli(env, *args, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "gateway", *args], env=env, capture_output=True, text=True,
                            timeout=60)
    if check:
        assert result.returncode == 0, result.stderr
    return result


async def _get(http, url, headers):
    async with http.get(url, headers=headers) as response:
        return response.status, await response.read()


def test_genkeys_writes_a_key_set_once(tmp_path):
    first = gateway_cli({**os.environ}, "genkeys", str(tmp_path))
    names = {"assertion_private.pem", "assertion_public.pem", "token_signing.pem", "token_jwks.json"}
    assert {p.name for p in tmp_path.iterdir()} == names
    assert len(first.stdout.splitlines()) == 4
    before = {name: (tmp_path / name).read_bytes() for name in names}
    second = gateway_cli({**os.environ}, "genkeys", str(tmp_path))
    assert second.stdout == ""
    assert {name: (tmp_path / name).read_bytes() for name in names} == before
    jwks = json.loads(before["token_jwks.json"])
    assert jwks["keys"][0]["kid"] and jwks["keys"][0]["alg"] == "EdDSA"
    assert oct((tmp_path / "token_signing.pem").stat().st_mode & 0o777) == "0o600"


@IN_SESSION_LOOP
async def test_keys_create_list_revoke_rotate(gw_cli_env, gw_url, gw_http):
    created = gateway_cli(gw_cli_env, "keys", "create", "--name", "portal one", "--scopes", "feedback:submit,goals:read",
                          "--actor", "portal", "--org", "unit-1,unit-2")
    key = created.stdout.strip().splitlines()[-1]
    key_id = key.split("_")[1]
    assert (await _get(gw_http, gw_url + "/goals/v1/x", {"X-API-Key": key}))[0] == 200

    listing = gateway_cli(gw_cli_env, "keys", "list").stdout
    row = next(line for line in listing.splitlines() if line.startswith(key_id))
    assert "portal one" in row and "feedback:submit,goals:read" in row and "unit-1,unit-2" in row
    assert key.split("_", 2)[2] not in listing  # never the secret

    rotated = gateway_cli(gw_cli_env, "keys", "rotate", key_id, "--grace", "0")
    successor = rotated.stdout.strip().splitlines()[-1]
    assert successor != key
    assert (await _get(gw_http, gw_url + "/goals/v1/x", {"X-API-Key": successor}))[0] == 200

    successor_id = successor.split("_")[1]
    gateway_cli(gw_cli_env, "keys", "revoke", successor_id)
    assert gateway_cli(gw_cli_env, "keys", "revoke", "0000000000000000", check=False).returncode == 1
    bad = gateway_cli(gw_cli_env, "keys", "create", "--name", "x", "--scopes", "goals:admin", "--actor", "system",
                      check=False)
    assert bad.returncode == 2 and "unknown scope" in bad.stderr


def test_keys_create_with_a_rate_limit(gw_cli_env):
    created = gateway_cli(gw_cli_env, "keys", "create", "--name", "bulk import", "--scopes", "goals:write",
                          "--actor", "system", "--rate-limit", "120")
    key_id = created.stdout.strip().splitlines()[-1].split("_")[1]
    assert "rate_limit=120/min" in created.stdout
    listing = gateway_cli(gw_cli_env, "keys", "list").stdout.splitlines()
    header, row = listing[0].split("\t"), next(line for line in listing if line.startswith(key_id)).split("\t")
    assert row[header.index("rate_limit_per_minute")] == "120"
    bad = gateway_cli(gw_cli_env, "keys", "create", "--name", "x", "--scopes", "goals:read", "--actor", "system",
                      "--rate-limit", "0", check=False)
    assert bad.returncode == 2 and "rate limit" in bad.stderr


@IN_SESSION_LOOP
async def test_token_mints_a_staff_token_the_gateway_accepts(gw_cli_env, gw_url, gw_http):
    result = gateway_cli(gw_cli_env, "token", "--sub", "eva", "--roles", "controller,examiner", "--org", "adm-3",
                         "--ttl", "120")
    token = result.stdout.strip().splitlines()[-1]
    status, body = await _get(gw_http, gw_url + "/goals/v1/x", {"Authorization": f"Bearer {token}"})
    assert status == 200
    principal = json.loads(body)["principal"]
    assert principal["subject"] == "eva" and principal["roles"] == ["controller", "examiner"]
    assert principal["org_scope"] == ["adm-3"] and principal["actor_kind"] == "staff"


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gateway did not come up")


@IN_SESSION_LOOP
async def test_api_serves_with_several_workers_and_stops_on_sigterm(gw_cli_env, gw_keys, gw_http, gw_port):
    env = {**gw_cli_env, "GATEWAY_WORKERS": "2", "GATEWAY_SHUTDOWN_GRACE_SECONDS": "2", "GATEWAY_PORT": str(gw_port)}
    url = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    process = subprocess.Popen([sys.executable, "-m", "gateway", "api"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        await asyncio.to_thread(_wait_healthy, url, process)
        _, key = await gw_keys(["goals:read"])
        for _ in range(6):  # new connections, so both workers likely serve some
            async with gw_http.get(url + "/goals/v1/x", headers={"X-API-Key": key, "Connection": "close"}) as r:
                assert r.status == 200
        # Samples of all workers are added up, whichever worker answers the scrape (the other
        # worker's within a second).
        for _ in range(30):
            status, body = await _get(gw_http, url + "/metrics", {})
            assert status == 200
            # A worker that served none of the six may answer before the other's snapshot lands.
            line = next((line for line in body.decode().splitlines()
                         if line.startswith('gateway_requests_total{status="200",upstream="goals"}')), None)
            if line is not None and float(line.split()[-1]) == 6.0:
                break
            await asyncio.sleep(0.2)
        else:
            raise AssertionError(f"metrics never added up to 6: {line}")
        second = gateway_cli(env, "api", check=False)  # the port is taken: refuse, do not share it
        assert second.returncode != 0 and "already in use" in second.stderr
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            returncode = await asyncio.to_thread(process.wait, 20)
        finally:
            if process.poll() is None:
                process.kill()
    assert returncode == 0
    logs = process.stderr.read()
    first_log = next(line for line in logs.splitlines() if line.startswith("{"))
    assert json.loads(first_log)["service"] == "gateway"
