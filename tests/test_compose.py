"""docker-compose.yml: valid by the Compose Specification, and the same topology as devstack.

No Docker engine runs on the development machines or in CI, and a fresh machine has no
docker-compose either: the file is validated against the Compose Specification's JSON schema
plus its cross-references (``devstack.compose_check``), which must reject broken copies of it,
and by ``docker-compose config -q`` as well where that binary is installed (CI installs it).
Its structure is then checked against devstack's topology.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from devstack.compose_check import docker_compose_problems, problems
from devstack.config import SERVICES

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
LONG_RUNNING = ["postgres", "redis", "gateway", *(f"{s}-{k}" for s in SERVICES for k in ("api", "worker"))]
ONE_SHOTS = ["keys", "gateway-migrate", *(f"{s}-{k}" for s in SERVICES for k in ("migrate", "demo")), "goals-demo-finish"]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def test_the_compose_file_is_valid_by_the_compose_specification():
    assert problems(COMPOSE_FILE.read_text()) == []


# Each breakage as (what, text to replace, replacement, what the report must say).
BREAKAGES = [
    ("a misspelt service key", "    healthcheck: *api-healthcheck\n    depends_on: &goals-deps",
     "    healtcheck: *api-healthcheck\n    depends_on: &goals-deps", "'healtcheck' was unexpected"),
    ("an unknown top-level key", "\nvolumes:\n  postgres-data:", "\nvolume:\n  postgres-data:", "(top level): 'volume' does not match"),
    ("a wrong type", "      retries: 20\n", "      retries: [20]\n", "healthcheck.retries: [20] is not of type"),
    ("an unknown depends_on condition", "      gateway-migrate:\n        condition: service_completed_successfully",
     "      gateway-migrate:\n        condition: service_finished", "services.gateway.depends_on"),
    ("a dependency on a missing service", "      goals-migrate:\n        condition", "      goals-migrat:\n        condition",
     "services.goals-api.depends_on: no service 'goals-migrat'"),
    ("an undeclared named volume", "- redis-data:/data", "- redis-dat:/data", "named volume 'redis-dat' is not declared"),
    ("a broken interpolation", "${POSTGRES_PASSWORD:-qm-dev-only}\n", "${POSTGRES_PASSWORD:-qm-dev-only\n",
     "POSTGRES_PASSWORD: invalid interpolation"),
    ("broken YAML", "services:\n  postgres:", "services:\n  - postgres\n  postgres: [", "not YAML"),
]


@pytest.mark.parametrize(("breakage", "old", "new", "reported"), BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_a_broken_copy_is_rejected(breakage, old, new, reported, tmp_path):
    text = COMPOSE_FILE.read_text()
    assert old in text, f"the file no longer contains the text {breakage} replaces"
    broken = text.replace(old, new, 1)

    found = problems(broken)

    assert any(reported in problem for problem in found), found
    if shutil.which("docker-compose"):  # and it is a real breakage: docker-compose refuses it too
        copy = tmp_path / "docker-compose.yml"
        copy.write_text(broken)
        assert docker_compose_problems(copy)


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose is not installed (the schema check above ran)")
def test_docker_compose_accepts_the_file():
    assert docker_compose_problems(COMPOSE_FILE) == []


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


def test_demos_run_once_migrated_with_their_worker_goals_first(compose):
    """As `make run` loads first-start content: goals, then feedback, audit, awards in turn."""
    services = compose["services"]
    previous = None
    for svc in SERVICES:
        spec = services[f"{svc}-demo"]
        assert spec["command"] == ["python", "-m", svc, "demo"]
        deps = spec["depends_on"]
        assert deps[f"{svc}-migrate"]["condition"] == "service_completed_successfully"
        assert deps[f"{svc}-worker"]["condition"] == "service_started"  # its consumers apply what came before
        assert spec["environment"][svc.upper() + "_DATABASE_URL"].endswith(f"/qm_{svc}")
        assert "QM_DEMO" in spec["environment"]
        if previous:
            assert deps[f"{previous}-demo"]["condition"] == "service_completed_successfully"
        previous = svc
    # goals' second hook (demo --finish: the 2014 annual report, once audit's lex Sarah summary is there) comes last.
    finish = services["goals-demo-finish"]
    assert finish["command"] == ["python", "-m", "goals", "demo", "--finish"]
    assert finish["depends_on"][f"{SERVICES[-1]}-demo"]["condition"] == "service_completed_successfully"
    assert finish["depends_on"]["goals-worker"]["condition"] == "service_started" and "QM_DEMO" in finish["environment"]


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


def test_sealing_keys_are_made_per_installation_and_mounted_by_their_service_alone(compose):
    services = compose["services"]
    keys_command = " ".join(services["keys"]["command"])
    assert "servicekit.secrets /feedback-secrets contact_keys resident_token_key" in keys_command
    assert "servicekit.secrets /audit-secrets lex_sarah_reporter_keys" in keys_command
    for owner, settings in (("feedback", ("CONTACT_KEYS", "RESIDENT_TOKEN_KEY")), ("audit", ("LEX_SARAH_REPORTER_KEYS",))):
        for name, spec in services.items():
            mounts = [str(v) for v in spec.get("volumes", []) if str(v).startswith(f"{owner}-secrets:")]
            if name == "keys":
                assert mounts == [f"{owner}-secrets:/{owner}-secrets"]
                continue
            environment = spec.get("environment", {})
            if name.split("-")[0] != owner:
                assert not mounts, f"{name} must not see {owner}'s sealing keys"
                continue
            if name.endswith("-migrate"):
                continue
            # Every container of the service that seals or opens reads the files from its read-only mount.
            assert mounts == [f"{owner}-secrets:/secrets:ro"], name
            for setting in settings:
                assert environment[f"{owner.upper()}_{setting}_FILE"].startswith("/secrets/"), (name, setting)
