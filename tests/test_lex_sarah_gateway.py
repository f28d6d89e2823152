"""Lex Sarah through the gateway: a staff member reports, only the committee's officer reads the case,
admin does not, the yearly summary counts it, and the operations are in the merged OpenAPI document.
"""

import os
import uuid

import httpx
import pytest
from platform_support import unit_in, wait_until


@pytest.fixture(scope="module")
def people(request, gateway_url, api_key):
    if os.environ.get("QM_GATEWAY_URL"):
        pytest.skip("minting tokens for several people needs the local stack")
    stack = request.getfixturevalue("stack")
    with httpx.Client(base_url=gateway_url, headers={"x-api-key": api_key}, timeout=30) as keyed:
        city = keyed.get("/goals/v1/organisation-units", params={"type": "city"}).json()["items"]
        parent = city[0]["id"] if city else keyed.post("/goals/v1/organisation-units", json={
            "code": "STHLM", "name": "Stockholms stad", "type": "city", "effective_date": "2010-01-01"}).json()["id"]
        suffix, units = uuid.uuid4().hex[:5].upper(), {}
        for name, code, unit_type in (("committee", f"SDN-{suffix}", "district_committee"),
                                      ("administration", f"SDF-{suffix}", "administration"),
                                      ("elderly", f"SDF-{suffix}-AOF", "department")):
            created = keyed.post("/goals/v1/organisation-units", json={
                "code": code, "name": f"{name} {suffix}", "type": unit_type, "parent_id": parent, "effective_date": "2014-01-01"})
            assert created.status_code == 201, created.text
            units[name] = parent = created.json()["id"]
        wait_until(lambda: unit_in(keyed, "audit", units["elderly"]), what="the department in audit's read model")
    clients: list[httpx.Client] = []

    def person(roles: list[str], sub: str, org: str | None = "committee") -> httpx.Client:
        token = stack.mint_token(roles, org=[units[org]] if org else [], sub=sub, ttl=3600)
        clients.append(httpx.Client(base_url=gateway_url, headers={"authorization": f"Bearer {token}"}, timeout=30))
        return clients[-1]

    person.units = units
    yield person
    for client in clients:
        client.close()


def test_a_report_is_read_only_by_the_committees_officer_and_counted_in_the_summary(people, gateway_url):
    units = people.units
    staff = people(["unit_manager"], "gw-underskoterska", org="elderly")
    officer, admin = people(["lex_sarah_officer"], "gw-lex-sarah"), people(["admin"], "gw-admin", org=None)
    report = staff.post("/audit/v1/lex-sarah/reports", json={
        "unit_id": units["elderly"], "area": "elderly_care", "occurred_on": "2014-05-05", "reported_on": "2014-05-05",
        "description": "Brukare fick inte sin kvällsmedicin."})
    assert report.status_code == 201, report.text
    path = f"/audit/v1/lex-sarah/cases/{report.json()['id']}"
    assert admin.get(path).status_code == 403
    assert staff.get(path).status_code == 403
    case = officer.get(path)
    assert case.status_code == 200 and case.json()["status"] == "reported"
    summary = officer.get("/audit/v1/lex-sarah/yearly-summary", params={"committee_id": units["committee"], "year": 2014}).json()
    assert (summary["reports"], summary["serious"]) == (1, 0)
    document = httpx.get(f"{gateway_url}/openapi.json", timeout=30).json()
    assert "/audit/v1/lex-sarah/cases/{case_id}/seriousness-decision" in document["paths"]
