"""docker-compose.yml: valid for Debian's docker-compose, and the same topology as devstack.

No Docker engine runs on the development machines or in CI, so the file is validated with
`docker-compose config -q` (CI installs Debian's docker-compose; locally, a missing binary fails
the test unless QM_SKIP_COMPOSE=1) and its structure is checked against devstack's topology.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from devstack.config import SERVICES

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
LONG_RUNNING = ["postgres", "redis", "gateway", *(f"{s}-{k}" for s in SERVICES for k in ("api", "worker"))]
ONE_SHOTS = ["keys", "gateway-migrate", *(f"{s}-migrate" for s in SERVICES)]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def test_docker_compose_config_is_valid():
    exe = shutil.which("docker-compose")
    if exe is None:
        if os.environ.get("QM_SKIP_COMPOSE") == "1":
            pytest.skip("docker-compose is not installed and QM_SKIP_COMPOSE=1")
        pytest.fail(
            "docker-compose is not installed, so docker-compose.yml cannot be validated: "
            "`apt-get install docker-compose` (.ci/run does), or set QM_SKIP_COMPOSE=1 to skip this check"
        )
    result = subprocess.run(
        [exe, "-f", str(COMPOSE_FILE), "config", "-q"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "COMPOSE_PROJECT_NAME": "qm"},
    )
    assert result.returncode == 0, f"docker-compose config -q failed:\n{result.stdout}\n{result.stderr}"


def test_topology_matches_devstack(compose):
    assert set(compose["services"]) == set(LONG_RUNNING) | set(ONE_SHOTS)


def test_only_the_gateway_publishes_a_port(compose):
    published = {name for name, svc in compose["services"].items() if svc.get("ports")}
    assert published == {"gateway"}
    assert any(str(p).endswith(":8000") for p in compose["services"]["gateway"]["ports"])


def test_long_running_containers_have_healthchecks(compose):
    for name in LONG_RUNNING:
        svc = compose["services"][name]
        assert svc.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
        assert svc.get("restart") == "unless-stopped", name
    for name in ONE_SHOTS:
        assert compose["services"][name].get("restart") == "no", name


def test_processes_wait_for_migrations_and_healthy_servers(compose):
    services = compose["services"]
    for svc in SERVICES:
        assert services[f"{svc}-migrate"]["command"] == ["python", "-m", svc, "migrate"]
        for kind in ("api", "worker"):
            spec = services[f"{svc}-{kind}"]
            assert spec["command"] == ["python", "-m", svc, kind]
            deps = spec["depends_on"]
            assert deps[f"{svc}-migrate"]["condition"] == "service_completed_successfully"
            assert deps["keys"]["condition"] == "service_completed_successfully"
            assert deps["postgres"]["condition"] == "service_healthy"
            assert deps["redis"]["condition"] == "service_healthy"
            env = spec["environment"]
            prefix = svc.upper() + "_"
            assert env[prefix + "DATABASE_URL"].endswith(f"/qm_{svc}")
            assert env[prefix + "STREAM_PREFIX"] == "qm:"
    gateway = services["gateway"]
    assert gateway["depends_on"]["gateway-migrate"]["condition"] == "service_completed_successfully"
    for svc in SERVICES:
        assert gateway["environment"][f"GATEWAY_UPSTREAM_{svc.upper()}"] == f"http://{svc}-api:8000"


def test_private_keys_stay_with_the_gateway(compose):
    services = compose["services"]
    for name, spec in services.items():
        volumes = [str(v) for v in spec.get("volumes", [])]
        if any(v.startswith("gateway-keys:") for v in volumes):
            assert name in ("keys", "gateway"), f"{name} must not see the gateway's private keys"
        if name != "keys":
            assert all(v.endswith(":ro") for v in volumes if v.split(":")[0] in ("gateway-keys", "public-keys")), name


def test_redis_appends_and_postgres_creates_every_database(compose):
    command = compose["services"]["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    init = next(v for v in compose["services"]["postgres"]["volumes"] if "docker-entrypoint-initdb.d" in v)
    sql = (ROOT / init.split(":")[0]).read_text()
    for name in ("gateway", *SERVICES):
        assert f"CREATE DATABASE qm_{name};" in sql


def test_service_dockerfiles_exist():
    for svc in SERVICES:
        text = (ROOT / "services" / svc / "Dockerfile").read_text()
        assert text.startswith("#") and "FROM python:3.11-slim" in text
        assert "USER qm" in text
        assert "-c constraints.txt" in text


@pytest.mark.stack
def test_devstack_runs_the_compose_topology(stack, compose):
    """The local stack runs one process per long-running compose container, each one up."""
    import urllib.request

    expected = {name for name in LONG_RUNNING if name not in ("postgres", "redis")}
    assert set(stack.process_names) == expected
    for name in expected:
        assert stack.is_running(name), stack.log_tail(name)
    for component in ("gateway", *SERVICES):
        url = (stack.gateway_url if component == "gateway" else stack.service_url(component)) + "/readyz"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200, url
        env = stack.env_for(component)
        prefix = component.upper() + "_"
        assert env[prefix + "STREAM_PREFIX"] == stack.stream_prefix
        assert env[prefix + "DATABASE_URL"].endswith("/" + stack.databases[component])
    assert stack.stream_prefix.startswith("qmt") and stack.databases["goals"].startswith("qmt_")
