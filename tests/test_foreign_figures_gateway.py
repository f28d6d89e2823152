"""Other services' figures reach goals through the platform: every process running, events through
each producer's real outbox, relay and Redis stream into goals' worker, read through the gateway.

(a) audit's lex Sarah yearly summary appears for the committee in goals, the newest publication winning.
"""

import os
import uuid

import httpx
import pytest
from platform_support import unit_in, wait_until


@pytest.fixture(scope="module")
def org(request, gateway_url, api_key):
    """A committee → administration → department → unit of its own, known to every read model; ``org.person(...)``
    mints a staff client."""
    if os.environ.get("QM_GATEWAY_URL"):
        pytest.skip("minting tokens for several people needs the local stack")
    stack = request.getfixturevalue("stack")
    clients: list[httpx.Client] = []
    with httpx.Client(base_url=gateway_url, headers={"x-api-key": api_key}, timeout=30) as keyed:
        city = keyed.get("/goals/v1/organisation-units", params={"type": "city"}).json()["items"]
        parent = city[0]["id"] if city else keyed.post("/goals/v1/organisation-units", json={
            "code": "STHLM", "name": "Stockholms stad", "type": "city", "effective_date": "2010-01-01"}).json()["id"]
        suffix, units = uuid.uuid4().hex[:5].upper(), {}
        for name, code, unit_type in (("committee", f"SDN-FF{suffix}", "district_committee"),
                                      ("administration", f"SDF-FF{suffix}", "administration"),
                                      ("department", f"SDF-FF{suffix}-AOF", "department"),
                                      ("unit", f"SDF-FF{suffix}-AOF-1", "unit")):
            created = keyed.post("/goals/v1/organisation-units", json={
                "code": code, "name": f"{name} {suffix}", "type": unit_type, "parent_id": parent, "effective_date": "2014-01-01"})
            assert created.status_code == 201, created.text
            units[name] = parent = created.json()["id"]
        for service in ("audit", "feedback", "awards"):
            wait_until(lambda service=service: unit_in(keyed, service, units["unit"]), what=f"the unit in {service}'s read model")

    class Org:
        ids = units

        @staticmethod
        def person(roles: list[str], sub: str, at: str | None = "committee") -> httpx.Client:
            token = stack.mint_token(roles, org=[units[at]] if at else [], sub=sub, ttl=3600)
            clients.append(httpx.Client(base_url=gateway_url, headers={"authorization": f"Bearer {token}"}, timeout=30))
            return clients[-1]

    yield Org
    for client in clients:
        client.close()


def _summary_in_goals(client: httpx.Client, committee: str, year: int, revision: int):
    response = client.get(f"/goals/v1/committees/{committee}/lex-sarah-summary", params={"year": year})
    return response.json() if response.status_code == 200 and response.json()["revision"] >= revision else None


def test_audits_lex_sarah_summary_appears_for_the_committee_in_goals(org):
    committee, department = org.ids["committee"], org.ids["department"]
    staff = org.person(["unit_manager"], "ff-underskoterska", at="department")
    officer, controller = org.person(["lex_sarah_officer"], "ff-lex-sarah"), org.person(["controller"], "ff-controller")
    outsider = org.person(["controller"], "ff-other-controller", at=None)

    def report(day: str) -> None:
        created = staff.post("/audit/v1/lex-sarah/reports", json={
            "unit_id": department, "area": "elderly_care", "occurred_on": day, "reported_on": day,
            "description": "Brukaren fick inte sin kvällsmedicin."})
        assert created.status_code == 201, created.text

    def publish() -> dict:
        published = officer.post("/audit/v1/lex-sarah/yearly-summaries", json={"committee_id": committee, "year": 2014})
        assert published.status_code == 201, published.text
        return published.json()

    report("2014-03-03")
    report("2014-05-05")
    first = publish()
    assert (first["revision"], first["reports"]) == (1, 2)
    shown = wait_until(lambda: _summary_in_goals(controller, committee, 2014, 1), what="the summary in goals")
    assert shown == first  # the figures as audit published them, nothing recomputed in goals

    report("2014-09-09")  # a third case, published again: goals shows the newer revision
    second = publish()
    shown = wait_until(lambda: _summary_in_goals(controller, committee, 2014, 2), what="the second publication in goals")
    assert (shown["revision"], shown["reports"], shown["serious"]) == (2, 3, 0)
    assert [(a["area"], a["reports"]) for a in shown["by_area"]] == [("elderly_care", 3)]
    assert shown == second

    # Outside the committee's scope: a problem document; another year: nothing published, 404.
    refused = outsider.get(f"/goals/v1/committees/{committee}/lex-sarah-summary", params={"year": 2014})
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/problem+json")
    assert controller.get(f"/goals/v1/committees/{committee}/lex-sarah-summary", params={"year": 2015}).status_code == 404


def test_the_merged_openapi_document_has_goals_foreign_figures(gateway_url):
    paths = httpx.get(f"{gateway_url}/openapi.json", timeout=30).json()["paths"]
    for path in ("/goals/v1/organisation-units/{unit_id}/complaint-figures", "/goals/v1/organisation-units/{unit_id}/quality-overview",
                 "/goals/v1/committees/{committee_id}/lex-sarah-summary", "/goals/v1/committees/{committee_id}/award-results",
                 "/goals/v1/committees/{committee_id}/good-examples"):
        assert path in paths, path
    assert "klagomålsstatistik" in paths["/goals/v1/organisation-units/{unit_id}/complaint-figures"]["get"]["description"].lower()
    assert "goda exempel" in paths["/goals/v1/committees/{committee_id}/good-examples"]["get"]["description"].lower()
