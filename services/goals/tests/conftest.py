import uuid
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
from contracts.organisation import OrganisationUnitType
from sqlalchemy import func, select

from servicekit.tables import OutboxEvent
from servicekit.testing.harness import service_fixtures

from goals.definition import SERVICE
from goals.demo import CITY_CODE, DemoTree, UnitSpec, load_units, seed_committee

service_db, harness = service_fixtures(SERVICE)

UNITS = "/goals/v1/organisation-units"
START = date(2015, 1, 1)


def _json(body: dict) -> dict:
    return {key: str(value) if isinstance(value, uuid.UUID | date) else value for key, value in body.items()}


@dataclass
class OrgApi:
    """The organisation endpoints as an admin calls them; each call asserts the status it expects."""

    client: httpx.AsyncClient

    async def create(self, *, expect: int = 201, **body) -> dict:
        body.setdefault("effective_date", START)
        response = await self.client.post(UNITS, json=_json(body))
        assert response.status_code == expect, response.text
        return response.json()

    async def read(self, unit_id, *, as_of: date | None = None, expect: int = 200) -> httpx.Response:
        response = await self.client.get(f"{UNITS}/{unit_id}", params={"as_of": as_of.isoformat()} if as_of else {})
        assert response.status_code == expect, response.text
        return response

    async def change(self, unit_id, *, expect: int = 200, **body) -> dict:
        etag = (await self.read(unit_id)).headers["etag"]
        response = await self.client.patch(f"{UNITS}/{unit_id}", json=_json(body), headers={"if-match": etag})
        assert response.status_code == expect, response.text
        return response.json()

    async def close(self, unit_id, effective_date: date, *, expect: int = 200) -> dict:
        etag = (await self.read(unit_id)).headers["etag"]
        response = await self.client.post(
            f"{UNITS}/{unit_id}/closure", json={"effective_date": effective_date.isoformat()}, headers={"if-match": etag}
        )
        assert response.status_code == expect, response.text
        return response.json()

    async def subtree(self, unit_id, *, as_of: date, **params) -> list[dict]:
        response = await self.client.get(f"{UNITS}/{unit_id}/subtree", params={"as_of": as_of.isoformat(), **params})
        assert response.status_code == 200, response.text
        return response.json()["items"]


@pytest.fixture
async def admin(harness):
    async with harness.client(roles=("admin",), subject="admin-1") as client:
        yield client


@pytest.fixture
def api(admin) -> OrgApi:
    return OrgApi(admin)


@pytest.fixture
async def tree(admin) -> DemoTree:
    """Stockholms stad and Spånga-Tensta as seed 004 names it, all from 2015-01-01."""
    return await load_units(admin, [UnitSpec(CITY_CODE, "Stockholms stad", OrganisationUnitType.city, None), *seed_committee()])


@pytest.fixture
def outbox_count(harness):
    async def count(subject=None) -> int:
        query = select(func.count()).select_from(OutboxEvent)
        if subject is not None:
            query = query.where(OutboxEvent.subject == str(subject))
        return await harness.session.scalar(query)

    return count
