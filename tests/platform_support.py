"""Helpers for the cross-service tests: polling the read models through the gateway."""

import itertools
import time

import httpx

READ_MODELS = ("feedback", "audit", "awards")


def wait_until(predicate, *, timeout: float = 30.0, interval: float = 0.1, what: str = "condition"):
    """Poll until ``predicate()`` returns something truthy; propagation is asynchronous by design."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout} s")
        time.sleep(interval)


def unit_in(client: httpx.Client, service: str, unit_id: str, **params) -> dict | None:
    response = client.get(f"/{service}/v1/organisation-units/{unit_id}", params=params)
    return response.json() if response.status_code == 200 else None


def count_units(client: httpx.Client, service: str, **params) -> int:
    total, cursor = 0, None
    while True:
        page = client.get(
            f"/{service}/v1/organisation-units", params={"limit": 500, **params, **({"cursor": cursor} if cursor else {})}
        ).json()
        total += len(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return total


def city_id(client: httpx.Client) -> str:
    """The city's id in goals (Stockholms stad), created when the platform has none yet."""
    cities = client.get("/goals/v1/organisation-units", params={"type": "city"}).json()["items"]
    if cities:
        return cities[0]["id"]
    created = client.post("/goals/v1/organisation-units", json={
        "code": "STHLM", "name": "Stockholms stad", "type": "city", "effective_date": "2010-01-01"})
    assert created.status_code == 201, created.text
    return created.json()["id"]


def create_units(client: httpx.Client, specs, *, effective_date: str) -> dict[str, str]:
    """Create units in goals from (key, code, type, parent key) rows, parents first ("city": the city); key → id."""
    ids = {"city": city_id(client)}
    for key, code, unit_type, parent in specs:
        created = client.post("/goals/v1/organisation-units", json={
            "code": code, "name": f"{key} {code}", "type": unit_type, "parent_id": ids[parent], "effective_date": effective_date})
        assert created.status_code == 201, created.text
        ids[key] = created.json()["id"]
    return ids


_round_years = itertools.count(2040)


def next_round_year() -> int:
    """A year no other test's award round uses in this session: a prize has one round per year,
    and the cross-service tests share one platform (random years collided now and then)."""
    return next(_round_years)
