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
    return await load_units(
        admin, [UnitSpec(CITY_CODE, "Stockholms stad", OrganisationUnitType.city, None), *seed_committee()], effective_date=START
    )


@pytest.fixture
def outbox_count(harness):
    async def count(subject=None) -> int:
        query = select(func.count()).select_from(OutboxEvent)
        if subject is not None:
            query = query.where(OutboxEvent.subject == str(subject))
        return await harness.session.scalar(query)

    return count


GOALS = "/goals/v1/goals"


@dataclass(frozen=True)
class GoalChain:
    """Vision → inriktningsmål → KF:s mål för verksamhetsområdet → nämndmål 2015 of Spånga-Tensta."""

    vision: dict
    direction: dict
    area: dict
    committee: dict


async def _create_goal(client: httpx.AsyncClient, *, expect: int = 201, **body) -> dict:
    response = await client.post(GOALS, json=_json(body))
    assert response.status_code == expect, response.text
    return response.json()


@pytest.fixture
def create_goal():
    """``await create_goal(client, expect=201, **body)`` posts a goal and asserts the status."""
    return _create_goal


@pytest.fixture
async def committee(harness, tree):
    """A member of Spånga-Tensta stadsdelsnämnd (the committee role, scoped to the committee)."""
    async with harness.client(roles=("committee",), org=(tree.ids["SDN-SPT"],), subject="committee-1") as client:
        yield client


@pytest.fixture
async def chain(admin, committee, tree, create_goal) -> GoalChain:
    city, spt = tree.ids[CITY_CODE], tree.ids["SDN-SPT"]
    vision = await create_goal(admin, level="vision", unit_id=city, from_year=2007, to_year=2030, title="Ett Stockholm i världsklass")
    direction = await create_goal(
        admin, level="direction_goal", unit_id=city, from_year=2015, to_year=2018, parent_id=vision["id"],
        title="Ett ekonomiskt hållbart Stockholm",
    )
    area = await create_goal(
        admin, level="area_goal", unit_id=city, from_year=2015, to_year=2018, parent_id=direction["id"],
        title="Stockholms stads verksamheter är effektiva och håller hög kvalitet",
    )
    goal = await create_goal(
        committee, level="committee_goal", unit_id=spt, from_year=2015, parent_id=area["id"],
        title="Planering, stöd, styrning och uppföljning ökar effektiviteten och skapar en hållbar kvalitet",
    )
    return GoalChain(vision=vision, direction=direction, area=area, committee=goal)


@pytest.fixture
async def sick_leave_indicator(harness) -> uuid.UUID:
    """An indicator definition, written straight into the table (its API belongs to the indicators package)."""
    from goals.models import indicators

    indicator_id = uuid.uuid4()
    await harness.session.execute(
        indicators.insert().values(
            id=indicator_id, revision=1, code="SJUKFRANVARO", title="Sjukfrånvaro", unit_of_measure="procent",
            polarity="lower_is_better", source="internal", by_gender=True, decimals=1, measures_volume=False,
        )
    )
    return indicator_id


@pytest.fixture
async def manager(harness, tree):
    """The manager (enhetschef) of Enheten för verksamhetsutveckling."""
    async with harness.client(roles=("unit_manager",), org=(tree.ids["SDF-SPT-STAB-VU"],), subject="manager-vu") as client:
        yield client


@pytest.fixture
async def controller(harness, tree):
    """A business controller (verksamhetscontroller) of Spånga-Tensta."""
    async with harness.client(roles=("controller",), org=(tree.ids["SDN-SPT"],), subject="controller-1") as client:
        yield client


@pytest.fixture
def full_commitment(tree, chain, sick_leave_indicator):
    """A complete commitment body of seed 004 §6.2 ("Arbetsmiljön är god"), for the unit's 2015 plan."""

    def body(plan_id, **overrides) -> dict:
        return {
            "business_plan_id": str(plan_id),
            "title": "Arbetsmiljön är god",
            "description": "Medarbetarna har en god arbetsmiljö.",
            "committee_goal_id": chain.committee["id"],
            "expected_result": {
                "type": "target_value", "description": "Sjukfrånvaron är lägre än 2 procent.",
                "indicator_id": str(sick_leave_indicator), "comparison": "less_than", "target": 2,
            },
            "ways_of_working": {"plan": "Enheten tar fram en verksamhetsplan.", "follow_up": "Veckomöten och APT."},
            "resource_use": "Medarbetarnas tid på veckomöten.",
            "follow_up_plan": {"what": "AMI och sjukfrånvaro", "when": "juni och december", "how": "Medarbetarenkäten", "who": "Enhetschefen"},
            "responsible": {"subject_id": "manager-vu", "unit_id": str(tree.ids["SDF-SPT-STAB-VU"])},
        } | overrides

    return body


@pytest.fixture
async def plan(manager, tree) -> dict:
    response = await manager.post("/goals/v1/business-plans", json={"unit_id": str(tree.ids["SDF-SPT-STAB-VU"]), "year": 2015})
    assert response.status_code == 201, response.text
    return response.json()


class Workflow:
    """Moves a commitment through its workflow with fresh ETags, asserting each step."""

    def __init__(self, manager, controller, committee, tree) -> None:
        self.manager, self.controller, self.committee, self.tree = manager, controller, committee, tree

    @staticmethod
    async def etag(client, path: str) -> str:
        response = await client.get(path)
        assert response.status_code == 200, response.text
        return response.headers["etag"]

    async def act(self, client, path: str, body: dict | None = None, *, expect: int = 200, etag_of: str | None = None) -> dict:
        etag = await self.etag(client, etag_of or path.rsplit("/", 1)[0])
        response = await client.post(path, json=body, headers={"if-match": etag})
        assert response.status_code == expect, response.text
        return response.json()

    def decision(self, decided_on: str, reference: str = "SDN 2015/12 § 7") -> dict:
        return {"reference": reference, "decided_on": decided_on, "body_id": str(self.tree.ids["SDN-SPT"])}

    async def create(self, body: dict) -> dict:
        response = await self.manager.post("/goals/v1/commitments", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    async def approve(self, commitment_id) -> dict:
        path = f"/goals/v1/commitments/{commitment_id}"
        await self.act(self.manager, f"{path}/submission")
        return await self.act(self.controller, f"{path}/assessment", {"outcome": "approved"})

    async def adopt_plan(self, plan_id, decided_on: str = "2014-12-15", *, expect: int = 200) -> dict:
        return await self.act(
            self.committee, f"/goals/v1/business-plans/{plan_id}/adoption", {"decision": self.decision(decided_on)}, expect=expect,
        )


@pytest.fixture
def workflow(manager, controller, committee, tree) -> Workflow:
    return Workflow(manager, controller, committee, tree)
