"""Goals owns the organisation tree; feedback, audit and awards follow it through events."""

import subprocess
import sys
import time
import uuid

import httpx
import pytest
from platform_support import READ_MODELS, count_units, unit_in, wait_until


@pytest.fixture(scope="module")
def client(gateway_url, api_key):
    with httpx.Client(base_url=gateway_url, headers={"x-api-key": api_key}, timeout=30) as http:
        yield http


@pytest.fixture(scope="module")
def city(client) -> dict:
    """The city root: there is exactly one, so find it or create it."""
    found = client.get("/goals/v1/organisation-units", params={"type": "city"}).json()["items"]
    if found:
        return found[0]
    response = client.post(
        "/goals/v1/organisation-units",
        json={"code": "STHLM", "name": "Stockholms stad", "type": "city", "effective_date": "2010-01-01"},
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_unit_created_in_goals_is_read_back_from_every_service(client, city):
    code = f"SDN-{uuid.uuid4().hex[:6].upper()}"
    created = client.post(
        "/goals/v1/organisation-units",
        json={"code": code, "name": "Spånga-Tensta stadsdelsnämnd", "type": "district_committee",
              "parent_id": city["id"], "effective_date": "2014-01-01"},
        headers={"idempotency-key": code},
    )
    assert created.status_code == 201, created.text
    unit = created.json()
    assert created.headers["location"].endswith(unit["id"])
    for service in READ_MODELS:
        seen = wait_until(lambda s=service: unit_in(client, s, unit["id"]), what=f"unit in {service}")
        assert (seen["code"], seen["name"], seen["parent_id"]) == (code, "Spånga-Tensta stadsdelsnämnd", city["id"])


def test_a_dated_rename_reaches_the_read_models_without_rewriting_history(client, city):
    code = f"ADM-{uuid.uuid4().hex[:6].upper()}"
    committee = client.post(
        "/goals/v1/organisation-units",
        json={"code": "N" + code, "name": "Kulturnämnden", "type": "specialist_committee", "parent_id": city["id"],
              "effective_date": "2012-01-01"},
    ).json()
    created = client.post(
        "/goals/v1/organisation-units",
        json={"code": code, "name": "Kulturförvaltningen", "type": "administration", "parent_id": committee["id"],
              "effective_date": "2012-01-01"},
    )
    unit = created.json()
    renamed = client.patch(
        f"/goals/v1/organisation-units/{unit['id']}",
        json={"effective_date": "2015-01-01", "name": "Kulturförvaltningen (ny)"},
        headers={"if-match": created.headers["etag"]},
    )
    assert renamed.status_code == 200, renamed.text
    for service in READ_MODELS:
        after = wait_until(
            lambda s=service: (u := unit_in(client, s, unit["id"], as_of="2016-01-01")) and u["revision"] == 2 and u,
            what=f"rename in {service}",
        )
        before = unit_in(client, service, unit["id"], as_of="2013-06-30")
        assert after["name"] == "Kulturförvaltningen (ny)"
        assert before["name"] == "Kulturförvaltningen"


def test_invalid_parent_is_refused_and_nothing_propagates(client, city):
    before = count_units(client, "goals")
    response = client.post(
        "/goals/v1/organisation-units",
        json={"code": "BAD-PARENT", "name": "Förskolan Fel", "type": "unit", "parent_id": city["id"]},
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert count_units(client, "goals") == before


def test_a_read_model_rebuilds_from_zero_by_replay(client, city, stack):
    """Empty feedback's read model and inbox, replay goals' outbox, and get the same tree back."""
    import asyncpg
    import asyncio

    expected = count_units(client, "goals", as_of="2016-01-01")
    wait_until(lambda: count_units(client, "feedback", as_of="2016-01-01") == expected, what="feedback caught up")

    async def wipe() -> None:
        connection = await asyncpg.connect(stack.database_url("feedback"))
        try:
            await connection.execute("TRUNCATE org_unit_versions, org_units, processed_events")
        finally:
            await connection.close()

    asyncio.run(wipe())
    assert count_units(client, "feedback", as_of="2016-01-01") == 0
    replay = subprocess.run(
        [sys.executable, "-m", "goals", "replay", "--since", "2000-01-01T00:00:00+00:00"],
        env=stack.process_env("goals"), capture_output=True, text=True, timeout=120,
    )
    assert replay.returncode == 0, replay.stderr
    started = time.monotonic()
    wait_until(lambda: count_units(client, "feedback", as_of="2016-01-01") == expected, timeout=60,
               what="feedback rebuilt")
    print(f"feedback read model rebuilt from {replay.stdout.strip()!r} in {time.monotonic() - started:.2f} s")
