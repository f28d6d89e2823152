"""Open311 GeoReport v2: shapes and element names in JSON and XML, errors in the spec's format,
the public view, a POST client written from the spec, and the public ``georeport`` client."""

import asyncio
import contextlib
from urllib.parse import urlencode

import defusedxml.ElementTree as SafeXML
import pytest
import uvicorn
from georeport import GeoReport
from sqlalchemy import func, select

from servicekit.testing.keys import signer_for_tests

from feedback.models import cases

BASE = "/open311/v2"
CANARY_EMAIL = "open311-canary-4711@example.se"


def spec_post_body(**fields) -> bytes:
    """A GeoReport v2 "POST Service Request" body as the spec describes it: form-encoded
    parameters, attributes as attribute[code]=value."""
    attributes = fields.pop("attributes", {})
    pairs = [(name, value) for name, value in fields.items()]
    pairs += [(f"attribute[{code}]", value) for code, value in attributes.items()]
    return urlencode(pairs).encode()


FORM = {"content-type": "application/x-www-form-urlencoded"}


def children(element) -> list[str]:
    return [child.tag for child in element]


async def test_discovery_services_and_definitions_have_the_specs_shapes(api):
    async with api.anonymous() as anyone:
        discovery_json = (await anyone.get(f"{BASE}/discovery.json")).json()
        discovery_xml = SafeXML.fromstring((await anyone.get(f"{BASE}/discovery.xml")).content)
        services_json = (await anyone.get(f"{BASE}/services.json")).json()
        services = await anyone.get(f"{BASE}/services.xml")
        definition_json = (await anyone.get(f"{BASE}/services/park.json")).json()
        definition_xml = SafeXML.fromstring((await anyone.get(f"{BASE}/services/park.xml")).content)
    assert set(discovery_json) == {"changeset", "contact", "key_service", "endpoints"}
    assert discovery_json["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(discovery_json["endpoints"][0]["formats"]) == {"text/xml", "application/json"}
    assert discovery_xml.tag == "discovery"
    assert [e.tag for e in discovery_xml.find("endpoints")] == ["endpoint"]
    assert [f.text for f in discovery_xml.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]

    assert services.headers["content-type"].startswith("text/xml")
    assert services.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    park = next(s for s in services_json if s["service_code"] == "park")
    assert park == {"service_code": "park", "service_name": "Parker och grönområden", "description": "Skötsel av parker",
                    "metadata": True, "type": "realtime", "keywords": "park, lekplats", "group": "Stadsmiljö"}
    root = SafeXML.fromstring(services.content)
    assert root.tag == "services" and set(children(root)) == {"service"}
    assert children(root[0]) == ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]

    assert definition_json["service_code"] == "park"
    kind = definition_json["attributes"][0]
    assert set(kind) == {"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"}
    assert kind["datatype"] == "singlevaluelist" and {v["key"] for v in kind["values"]} == {"complaint", "suggestion", "praise", "question"}
    assert definition_xml.tag == "service_definition"
    assert children(definition_xml) == ["service_code", "attributes"]
    attribute = definition_xml.find("attributes/attribute")
    assert attribute.find("variable").text == "true" and [v.tag for v in attribute.find("values")][:1] == ["value"]
    assert children(attribute.find("values/value")) == ["key", "name"]


async def test_a_form_encoded_post_registers_a_case_and_the_public_view_hides_the_text(api, org, harness):
    body = spec_post_body(
        service_code="park", lat="59.3867", long="17.9025", address_string="Spånga torg 1",
        description="Trasig gunga på lekplatsen", email=CANARY_EMAIL, first_name="Kim", last_name="Berg",
        attributes={"kind": "suggestion"},
    )
    async with api.portal() as portal:
        created_json = await portal.post(f"{BASE}/requests.json", content=body, headers=FORM)
        created_xml = await portal.post(f"{BASE}/requests.xml", content=spec_post_body(
            service_code="forskola", service_object_id=str(org["FSK-UGGLAN"]), description="Bra mat!",
            attributes={"kind": "praise"}), headers=FORM)
    assert created_json.status_code == 201, created_json.text
    [receipt] = created_json.json()
    assert set(receipt) == {"service_request_id", "token", "service_notice", "account_id"}
    xml_receipt = SafeXML.fromstring(created_xml.content)
    assert xml_receipt.tag == "service_requests" and children(xml_receipt[0]) == ["service_request_id", "token", "service_notice", "account_id"]
    number = receipt["service_request_id"]

    async with api.anonymous() as anyone:
        one_json = (await anyone.get(f"{BASE}/requests/{number}.json")).json()
        one_xml = await anyone.get(f"{BASE}/requests/{number}.xml")
        token = (await anyone.get(f"{BASE}/tokens/{receipt['token']}.json")).json()
        listed = (await anyone.get(f"{BASE}/requests.json", params={"service_code": "park", "status": "open"})).json()
        closed = (await anyone.get(f"{BASE}/requests.json", params={"status": "closed"})).json()
    [public] = one_json
    assert public["service_request_id"] == number and public["status"] == "open" and public["status_notes"] == "Mottagen"
    assert public["service_code"] == "park" and public["service_name"] == "Parker och grönområden"
    assert (public["lat"], public["long"], public["address"]) == (59.3867, 17.9025, "Spånga torg 1")
    assert public["agency_responsible"] == "Stockholms stad"  # nobody routes parks yet: the central intake
    assert "description" not in public and "media_url" not in public
    for leaked in ("Trasig gunga", CANARY_EMAIL, "Kim", "Berg"):
        assert leaked not in one_xml.text and leaked not in str(one_json)
    request_xml = SafeXML.fromstring(one_xml.content).find("request")
    assert children(request_xml) == [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "agency_responsible",
        "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id",
        "zipcode", "lat", "long",
    ]
    assert token == [{"service_request_id": number, "token": receipt["token"]}]
    assert [r["service_request_id"] for r in listed] == [number]
    assert closed == []

    async with api.admin() as admin:
        case = (await admin.get("/feedback/v1/cases", params={"channel": "open311", "category_code": "park"})).json()["items"][0]
        contact = (await admin.get(f"/feedback/v1/cases/{case['id']}/contact")).json()
        praise = (await admin.get("/feedback/v1/cases", params={"kind": "praise"})).json()["items"][0]
    assert case["kind"] == "suggestion" and case["privacy"] == "named"
    assert contact["email"] == CANARY_EMAIL and contact["name"] == "Kim Berg"
    assert praise["unit_id"] == str(org["FSK-UGGLAN"]) and praise["privacy"] == "anonymous"


@pytest.mark.parametrize("suffix", ["json", "xml"])
async def test_errors_are_in_the_specs_format_and_change_nothing(api, harness, suffix):
    def parse(response) -> list[dict]:
        if suffix == "json":
            return response.json()
        root = SafeXML.fromstring(response.content)
        assert root.tag == "errors"
        return [{"code": int(e.find("code").text), "description": e.find("description").text} for e in root]

    async with api.portal() as portal, api.anonymous() as anyone:
        responses = {
            "no service": await portal.post(f"{BASE}/requests.{suffix}", content=spec_post_body(lat="59.3", long="17.9", description="x"), headers=FORM),
            "unknown service": await portal.post(f"{BASE}/requests.{suffix}", content=spec_post_body(service_code="nope", lat="59.3", long="17.9", description="x"), headers=FORM),
            "no location": await portal.post(f"{BASE}/requests.{suffix}", content=spec_post_body(service_code="park", description="x"), headers=FORM),
            "bad lat": await portal.post(f"{BASE}/requests.{suffix}", content=spec_post_body(service_code="park", lat="north", long="17.9", description="x"), headers=FORM),
            "bad email": await portal.post(f"{BASE}/requests.{suffix}", content=spec_post_body(service_code="park", lat="59.3", long="17.9", description="x", email="not-an-address"), headers=FORM),
            "too long": await portal.post(f"{BASE}/requests.{suffix}", content=spec_post_body(service_code="park", lat="59.3", long="17.9", description="x" * 5000), headers=FORM),
            "json body": await portal.post(f"{BASE}/requests.{suffix}", json={"service_code": "park"}),
            "xml body": await portal.post(f"{BASE}/requests.{suffix}", content=b"<!DOCTYPE x [<!ENTITY a 'a'>]><x>&a;</x>", headers={"content-type": "text/xml"}),
            "bad utf-8": await portal.post(f"{BASE}/requests.{suffix}", content=b"service_code=%ff%fe", headers=FORM),
            "bad attribute": await portal.post(f"{BASE}/requests.{suffix}", content=spec_post_body(service_code="park", lat="1", long="1", description="x", attributes={"kind": "rant"}), headers=FORM),
            "bad status": await anyone.get(f"{BASE}/requests.{suffix}", params={"status": "pending"}),
            "bad date": await anyone.get(f"{BASE}/requests.{suffix}", params={"start_date": "yesterday"}),
            "wide span": await anyone.get(f"{BASE}/requests.{suffix}", params={"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}),
            "no request": await anyone.get(f"{BASE}/requests/SYN-1999-000001.{suffix}"),
            "no service definition": await anyone.get(f"{BASE}/services/nope.{suffix}"),
            "other jurisdiction": await anyone.get(f"{BASE}/services.{suffix}", params={"jurisdiction_id": "helsinki.fi"}),
            "anonymous post": await anyone.post(f"{BASE}/requests.{suffix}", content=spec_post_body(service_code="park", lat="1", long="1", description="x"), headers=FORM),
        }
    expected = {name: 400 for name in responses} | {
        "no request": 404, "no service definition": 404, "other jurisdiction": 404, "anonymous post": 401,
    }
    assert {name: r.status_code for name, r in responses.items()} == expected
    for name, response in responses.items():
        [error] = parse(response)
        assert error["code"] == response.status_code and error["description"], name
    assert "not-an-address" not in responses["bad email"].text
    assert await harness.session.scalar(select(func.count()).select_from(cases)) == 0


@contextlib.asynccontextmanager
async def served_anonymously(harness):
    """The service on a local port, each request carrying an anonymous caller's assertion, as
    the gateway forwards a public Open311 GET (a stand-in for the gateway, for an outside client)."""
    app = harness.app

    async def with_assertion(scope, receive, send):
        if scope["type"] == "http":
            header = signer_for_tests().headers("feedback", roles=(), org=(), actor="anonymous", scopes=(), subject="anonymous")
            scope = {**scope, "headers": [*scope["headers"], *((k.encode(), v.encode()) for k, v in header.items())]}
        await app(scope, receive, send)

    server = uvicorn.Server(uvicorn.Config(with_assertion, host="127.0.0.1", port=0, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/open311/v2"
    finally:
        server.should_exit = True
        await task


@pytest.mark.parametrize("output_format", ["json", "xml"])
async def test_the_public_georeport_client_reads_services_definitions_and_requests(api, org, harness, output_format):
    async with api.portal() as portal:
        for description in ("Nedskräpat", "Trasig bänk"):
            created = await portal.post(f"{BASE}/requests.json", content=spec_post_body(
                service_code="park", lat="59.38", long="17.90", description=description), headers=FORM)
            assert created.status_code == 201
    number = created.json()[0]["service_request_id"]
    async with served_anonymously(harness) as root:
        client = GeoReport(root, jurisdiction="stockholm.se", output_format=output_format)
        services = await asyncio.to_thread(client.get_service_list)
        definition = await asyncio.to_thread(client.get_service_definition, "park")
        requests = await asyncio.to_thread(client.get_service_requests, service_code="park", status="open")
        one = await asyncio.to_thread(client.get_service_request, number)
    assert {s["service_code"] for s in services} == {"forskola", "park", "ovrigt"}
    assert definition["service_code"] == "park"
    assert len(requests) == 2 and {r["service_code"] for r in requests} == {"park"}
    assert one["service_request_id"] == number and one["status"] == "open"


async def test_a_retried_open311_post_makes_one_request(api, harness):
    body = spec_post_body(service_code="park", lat="59.38", long="17.90", description="Nedskräpat")
    headers = FORM | {"Idempotency-Key": "fms-retry-1"}
    async with api.portal() as portal:
        first = await portal.post(f"{BASE}/requests.xml", content=body, headers=headers)
        again = await portal.post(f"{BASE}/requests.xml", content=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true" and again.content == first.content
    assert await harness.session.scalar(select(func.count()).select_from(cases)) == 1
