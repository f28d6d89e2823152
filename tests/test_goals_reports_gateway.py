"""A committee's report submitted and downloaded as XLSX through the gateway, with staff tokens as the city issues them.

The data is one unit's 2016 budget table (mkr): costs 5.2 / 5.0 → deviation 0.2, imported by a system key.
"""

import hashlib
import io
import uuid

import httpx
import openpyxl
import pytest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def key_client(gateway_url, api_key):
    with httpx.Client(base_url=gateway_url, headers={"x-api-key": api_key}, timeout=30) as http:
        yield http


def _unit(client, *, code: str, name: str, type: str, parent_id: str | None) -> str:
    response = client.post("/goals/v1/organisation-units", json={
        "code": code, "name": name, "type": type, "parent_id": parent_id, "effective_date": "2016-01-01",
    })
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _staff(gateway_url, stack, roles, org, sub) -> httpx.Client:
    token = stack.mint_token(roles, org=org, sub=sub)
    return httpx.Client(base_url=gateway_url, headers={"authorization": f"Bearer {token}"}, timeout=30)


def test_a_committee_submits_its_report_and_it_downloads_as_xlsx_through_the_gateway(gateway_url, stack, key_client):
    tag = uuid.uuid4().hex[:6].upper()
    cities = key_client.get("/goals/v1/organisation-units", params={"type": "city"}).json()["items"]
    city = cities[0]["id"] if cities else _unit(key_client, code="STHLM", name="Stockholms stad", type="city", parent_id=None)
    committee = _unit(key_client, code=f"SDN-{tag}", name="Spånga-Tensta stadsdelsnämnd", type="district_committee", parent_id=city)
    other = _unit(key_client, code=f"SDN-{tag}-B", name="Bromma stadsdelsnämnd", type="district_committee", parent_id=city)
    administration = _unit(key_client, code=f"SDF-{tag}", name="Spånga-Tensta stadsdelsförvaltning", type="administration",
                           parent_id=committee)
    unit = _unit(key_client, code=f"SDF-{tag}-VU", name="Enheten för verksamhetsutveckling", type="unit", parent_id=administration)
    imported = key_client.post("/goals/v1/budget-figures/imports", json={"items": [{
        "unit_id": unit, "year": 2016, "amount_unit": "mkr", "lines": {"costs": {"budget": 5.2, "outcome": 5.0}},
    }]})
    assert imported.status_code == 200, imported.text
    reports = f"/goals/v1/committees/{committee}/reports"

    with (
        _staff(gateway_url, stack, ["committee"], [committee], "gw-namnd") as member,
        _staff(gateway_url, stack, ["controller"], [committee], "gw-controller") as controller,
        _staff(gateway_url, stack, ["controller"], [other], "gw-controller-b") as outsider,
    ):
        live = controller.get(f"{reports}/live", params={"period": "2016-T1"}, headers={"accept": XLSX})
        assert live.status_code == 200 and live.headers["content-type"] == XLSX
        assert outsider.get(f"{reports}/live", params={"period": "2016-T1"}).status_code == 403

        submitted = member.post(reports, json={"period": "2016-T1"}, headers={"idempotency-key": f"tr1-{tag}"})
        assert submitted.status_code == 201, submitted.text
        report = submitted.json()
        replayed = member.post(reports, json={"period": "2016-T1"}, headers={"idempotency-key": f"tr1-{tag}"})
        assert replayed.status_code == 201 and replayed.json()["id"] == report["id"]  # the stored reply, not a second snapshot
        assert member.post(reports, json={"period": "2016-T1"}).status_code == 409

        stored = controller.get(f"/goals/v1/reports/{report['id']}/document")
        assert hashlib.sha256(stored.content).hexdigest() == report["sha256"]
        download = controller.get(f"/goals/v1/reports/{report['id']}/document", params={"format": "xlsx"})
        assert download.status_code == 200 and download.headers["content-type"] == XLSX
        assert "attachment" in download.headers["content-disposition"]
        assert outsider.get(f"/goals/v1/reports/{report['id']}/document", params={"format": "xlsx"}).status_code == 403

    book = openpyxl.load_workbook(io.BytesIO(download.content))
    summary = {row[0]: row[1] for row in book["Sammanfattning"].iter_rows(min_row=2, values_only=True)}
    assert (summary["Diarienummer"], summary["SHA-256"], summary["Period"]) == (report["registration_number"], report["sha256"], "2016-T1")
    budget = [row[4:] for row in book["Budget"].iter_rows(min_row=2, values_only=True)]
    assert budget == [("Kostnader", 5.2, 5, 0.2)] and stored.json()["budget"][0]["lines"][0]["deviation"] == 0.2


def test_the_merged_openapi_document_describes_the_annual_wheel_and_reports_in_swedish_terms(gateway_url):
    paths = httpx.get(f"{gateway_url}/openapi.json", timeout=30).json()["paths"]

    for path, method, term in (
        ("/goals/v1/committees/{committee_id}/reports/live", "get", "verksamhetsberättelse"),
        ("/goals/v1/committees/{committee_id}/reports", "post", "Lämna in"),
        ("/goals/v1/reports/{report_id}/document", "get", "lämnades in"),
        ("/goals/v1/committees/{committee_id}/annual-wheel/{period}", "put", "årshjulet"),
        ("/goals/v1/committees/{committee_id}/due", "get", "återstår"),
    ):
        assert term in paths[path][method]["description"], path
