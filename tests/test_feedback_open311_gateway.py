"""Feedback through the real gateway: Open311 as FixMyStreet speaks it, the resident's token,
and the canary contact detail that never reaches Redis.

- discovery, services, a form-encoded POST with ``api_key`` in the body, and GET of that request,
  in JSON and XML, the GETs without any credentials (the anonymous actor);
- the public ``georeport`` client reading services, a definition and requests through the gateway;
- the gateway's own 401 on an Open311 POST without a key, in the spec's XML;
- the resident reading their case anonymously with the token from the registration;
- the contact detail planted in the POST is absent from every entry of feedback's event stream.
"""

import uuid
from urllib.parse import urlencode

import defusedxml.ElementTree as SafeXML
import httpx
import pytest
import redis as redis_lib
from georeport import GeoReport
from platform_support import unit_in, wait_until

CANARY = f"kanarie-{uuid.uuid4().hex[:10]}@example.se"
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def admin(gateway_url, admin_token):
    with httpx.Client(base_url=gateway_url, headers={"authorization": f"Bearer {admin_token}"}, timeout=30) as http:
        yield http


@pytest.fixture(scope="module")
def anyone(gateway_url):
    with httpx.Client(base_url=gateway_url, timeout=30) as http:
        yield http


@pytest.fixture(scope="module")
def portal_key(stack) -> str:
    return stack.create_api_key(["feedback:submit"], actor="portal", name="tests-feedback-portal")


@pytest.fixture(scope="module")
def unit(system) -> dict:
    """A committee and a unit in goals, once they have reached feedback's read model."""
    found = system.get("/goals/v1/organisation-units", params={"type": "city"}).json()["items"]
    city = found[0] if found else system.post("/goals/v1/organisation-units", json={
        "code": "STHLM", "name": "Stockholms stad", "type": "city", "effective_date": "2010-01-01"}).json()
    suffix = uuid.uuid4().hex[:6].upper()

    def create(code, name, unit_type, parent) -> dict:
        response = system.post("/goals/v1/organisation-units", json={
            "code": code, "name": name, "type": unit_type, "parent_id": parent["id"], "effective_date": "2015-01-01"})
        assert response.status_code == 201, response.text
        return response.json()

    committee = create(f"SDN-F{suffix}", "Spånga-Tensta stadsdelsnämnd", "district_committee", city)
    administration = create(f"SDF-F{suffix}", "Spånga-Tensta stadsdelsförvaltning", "administration", committee)
    park = create(f"PARK-{suffix}", "Parkenheten", "unit", administration)
    wait_until(lambda: unit_in(system, "feedback", park["id"]), what="unit in feedback")
    return park


@pytest.fixture(scope="module")
def category(admin) -> str:
    code = f"park-{uuid.uuid4().hex[:6]}"
    created = admin.post("/feedback/v1/categories", json={"code": code, "name_sv": "Parker", "group_sv": "Stadsmiljö"})
    assert created.status_code == 201, created.text
    return code


def test_open311_through_the_gateway_in_json_and_xml(anyone, portal_key, unit, category, stack):
    discovery = anyone.get("/open311/v2/discovery.xml")
    services = anyone.get("/open311/v2/services.json")
    assert discovery.status_code == 200 and SafeXML.fromstring(discovery.content).tag == "discovery"
    assert category in {service["service_code"] for service in services.json()}
    # The categories are public on /feedback/v1 too (a portal lists them before anyone signs in).
    listed = anyone.get("/feedback/v1/categories")
    assert listed.status_code == 200 and category in {item["code"] for item in listed.json()}
    assert anyone.get(f"/feedback/v1/categories/{category}").json()["name_sv"] == "Parker"

    body = urlencode({
        "api_key": portal_key, "service_code": category, "service_object_id": unit["id"], "lat": "59.38", "long": "17.90",
        "description": "Trasig gunga", "email": CANARY, "first_name": "Kim",
    }).encode()
    created = anyone.post("/open311/v2/requests.xml", content=body, headers=FORM)
    assert created.status_code == 201, created.text
    number = SafeXML.fromstring(created.content).find("request/service_request_id").text

    as_json = anyone.get(f"/open311/v2/requests/{number}.json")
    as_xml = anyone.get(f"/open311/v2/requests/{number}.xml")
    assert as_json.status_code == as_xml.status_code == 200
    assert as_json.json()[0]["agency_responsible"] == "Parkenheten" and as_json.json()[0]["status"] == "open"
    assert SafeXML.fromstring(as_xml.content).find("request/service_request_id").text == number
    assert CANARY not in as_json.text + as_xml.text and "Trasig gunga" not in as_json.text

    no_key = anyone.post("/open311/v2/requests.xml", content=urlencode({"service_code": category}).encode(), headers=FORM)
    assert no_key.status_code == 401
    [error] = SafeXML.fromstring(no_key.content)
    assert error.tag == "error" and error.find("code").text == "401"

    # The planted contact detail never reaches the event stream (outbox → relay → Redis).
    client = redis_lib.Redis.from_url(stack.redis_url)
    stream = f"{stack.stream_prefix}feedback.events"

    def received() -> list:
        entries = client.xrange(stream)
        return entries if any(number.encode() in fields[b"event"] for _, fields in entries) else []

    entries = wait_until(received, what="feedback.case.received on the stream")
    assert all(CANARY.encode() not in fields[b"event"] and b"Trasig gunga" not in fields[b"event"] for _, fields in entries)


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_the_georeport_client_reads_through_the_gateway(gateway_url, anyone, portal_key, unit, category, output_format):
    created = anyone.post("/open311/v2/requests.json", content=urlencode({
        "api_key": portal_key, "service_code": category, "service_object_id": unit["id"], "description": "Skräp"}).encode(),
        headers=FORM)
    assert created.status_code == 201, created.text
    number = created.json()[0]["service_request_id"]
    client = GeoReport(f"{gateway_url}/open311/v2", jurisdiction="stockholm.se", output_format=output_format)
    assert category in {service["service_code"] for service in _as_list(client.get_service_list())}
    assert client.get_service_definition(category)["service_code"] == category
    assert number in {request["service_request_id"] for request in _as_list(client.get_service_requests(service_code=category))}
    assert client.get_service_request(number)["service_request_id"] == number


def _as_list(found):
    return found if isinstance(found, list) else [found]  # xmltodict gives a single element as a dict


def test_the_resident_reads_their_case_with_the_token_alone(gateway_url, anyone, portal_key, unit, category):
    with httpx.Client(base_url=gateway_url, headers={"x-api-key": portal_key}, timeout=30) as portal:
        created = portal.post("/feedback/v1/cases", json={
            "kind": "question", "channel": "portal", "category_code": category, "unit_id": unit["id"],
            "description": "När töms papperskorgarna?", "privacy": "anonymous"})
    assert created.status_code == 201, created.text
    number, token = created.json()["registration_number"], created.headers["case-token"]
    mine = anyone.get(f"/feedback/v1/my-cases/{number}", headers={"Case-Token": token})
    wrong = anyone.get(f"/feedback/v1/my-cases/{number}", headers={"Case-Token": "x" + token[1:]})
    assert mine.status_code == 200 and mine.json()["status"] == "received"
    assert wrong.status_code == 404
