"""Through the gateway: a portal key reads a unit's and a committee's published quality guarantee
and is refused every other goals read."""

import uuid

import httpx
import pytest


@pytest.fixture(scope="module")
def admin(gateway_url, api_key):
    with httpx.Client(base_url=gateway_url, headers={"x-api-key": api_key}, timeout=30) as http:
        yield http


def _unit(admin: httpx.Client, **body) -> dict:
    response = admin.post("/goals/v1/organisation-units", json={"effective_date": "2014-01-01", **body})
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture(scope="module")
def preschool(admin) -> dict:
    """A committee, its administration and a preschool of its own, so the test needs nobody else's data."""
    city = admin.get("/goals/v1/organisation-units", params={"type": "city"}).json()["items"]
    if not city:
        city = [_unit(admin, code="STHLM", name="Stockholms stad", type="city", effective_date="2010-01-01")]
    suffix = uuid.uuid4().hex[:6].upper()
    committee = _unit(admin, code=f"SDN-{suffix}", name="Spånga-Tensta stadsdelsnämnd", type="district_committee", parent_id=city[0]["id"])
    administration = _unit(admin, code=f"SDF-{suffix}", name="Spånga-Tensta stadsdelsförvaltning", type="administration", parent_id=committee["id"])
    unit = _unit(admin, code=f"SDF-{suffix}-FSK-01", name="Förskolan Tenstaparken", type="unit", parent_id=administration["id"])
    return {"committee": committee, "unit": unit}


def _client(gateway_url: str, **headers) -> httpx.Client:
    return httpx.Client(base_url=gateway_url, headers=headers, timeout=30)


def test_a_portal_reads_the_published_guarantee_and_nothing_else(stack, gateway_url, preschool):
    unit_id, committee_id = preschool["unit"]["id"], preschool["committee"]["id"]
    manager = _client(gateway_url, authorization=f"Bearer {stack.mint_token(['unit_manager'], org=unit_id, sub='chef-fsk')}")
    committee = _client(gateway_url, authorization=f"Bearer {stack.mint_token(['committee'], org=committee_id, sub='sekreterare')}")
    portal = _client(gateway_url, **{"x-api-key": stack.create_api_key(["goals:read", "feedback:submit"], actor="portal", name="tests-portal")})
    with manager, committee, portal:
        created = manager.post("/goals/v1/quality-guarantees", json={
            "unit_id": unit_id, "year": 2015, "business_idea": "En trygg och lärorik förskola.",
            "promises": [{"text": "Du erbjuds ett utvecklingssamtal minst en gång per år."}],
            "feedback_routine": "Lämna synpunkter via stadens e-tjänst; du får svar inom tio arbetsdagar.",
            "contact_channel": {"description": "Förskolans expedition", "phone": "08-508 00 508"},
        })
        assert created.status_code == 201, created.text
        path = f"/goals/v1/quality-guarantees/{created.json()['id']}"
        adopted = committee.post(f"{path}/adoption", headers={"if-match": created.headers["etag"]}, json={
            "decision": {"reference": "SDN 2014/12 § 5", "decided_on": "2014-12-11", "body_id": committee_id},
        })
        assert adopted.status_code == 200, adopted.text
        published = manager.post(f"{path}/publication", headers={"if-match": adopted.headers["etag"]})
        assert published.status_code == 200, published.text
        promise_id = published.json()["promises"][0]["id"]

        by_unit = portal.get("/goals/v1/published-quality-guarantees", params={"unit_id": unit_id})
        by_committee = portal.get("/goals/v1/published-quality-guarantees", params={"committee_id": committee_id})
        one = portal.get(f"/goals/v1/published-quality-guarantees/{created.json()['id']}")
        assert by_unit.status_code == by_committee.status_code == one.status_code == 200, by_unit.text
        assert [g["promises"][0]["id"] for g in by_unit.json()["items"]] == [promise_id]
        assert [g["unit_name"] for g in by_committee.json()["items"]] == ["Förskolan Tenstaparken"]
        assert "sekreterare" not in one.text and "chef-fsk" not in one.text

        refused = {
            path: portal.get(path).status_code,
            "/goals/v1/quality-guarantees": portal.get("/goals/v1/quality-guarantees").status_code,
            "/goals/v1/budget-figures": portal.get("/goals/v1/budget-figures").status_code,
            "/goals/v1/indicators": portal.get("/goals/v1/indicators").status_code,
            "/goals/v1/indicator-values": portal.get("/goals/v1/indicator-values").status_code,
            "/goals/v1/organisation-units": portal.get("/goals/v1/organisation-units").status_code,
            f"{path}/withdrawal": portal.post(f"{path}/withdrawal", json={"reason": "x"}, headers={"if-match": '"1"'}).status_code,
        }
        assert refused == dict.fromkeys(refused, 403)
