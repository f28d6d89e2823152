"""Audit ↔ goals through the gateway: an unresolved finding becomes a proposed commitment in the unit's
next plan, audit shows that commitment, and audit's log heads are anchored in goals and checked.
"""

import os
import uuid

import httpx
import pytest
from platform_support import unit_in, wait_until


@pytest.fixture(scope="module")
def key_client(gateway_url, api_key):
    with httpx.Client(base_url=gateway_url, headers={"x-api-key": api_key}, timeout=30) as http:
        yield http


@pytest.fixture(scope="module")
def units(key_client) -> dict[str, str]:
    """A committee with an administration and two departments, from 2014, read back by audit."""
    city = key_client.get("/goals/v1/organisation-units", params={"type": "city"}).json()["items"]
    if not city:
        city = [key_client.post("/goals/v1/organisation-units", json={
            "code": "STHLM", "name": "Stockholms stad", "type": "city", "effective_date": "2010-01-01"}).json()]
    suffix = uuid.uuid4().hex[:5].upper()
    ids = {"city": city[0]["id"]}
    for name, code, unit_type, parent in (
        ("committee", f"SDN-{suffix}", "district_committee", "city"),
        ("administration", f"SDF-{suffix}", "administration", "committee"),
        ("elderly", f"SDF-{suffix}-AOF", "department", "administration"),
        ("staff", f"SDF-{suffix}-STAB", "department", "administration"),
    ):
        created = key_client.post("/goals/v1/organisation-units", json={
            "code": code, "name": f"{name} {suffix}", "type": unit_type, "parent_id": ids[parent], "effective_date": "2014-01-01"})
        assert created.status_code == 201, created.text
        ids[name] = created.json()["id"]
    for unit_id in ids.values():
        wait_until(lambda u=unit_id: unit_in(key_client, "audit", u), what="unit in audit's read model")
    return ids


@pytest.fixture(scope="module")
def person(request, gateway_url, units):
    """Staff clients as distinct people (a plan's requester and its approver are two people)."""
    if os.environ.get("QM_GATEWAY_URL"):
        pytest.skip("minting tokens for several people needs the local stack")
    stack = request.getfixturevalue("stack")
    clients: list[httpx.Client] = []

    def make(roles: list[str], sub: str, org: str | None = "committee") -> httpx.Client:
        token = stack.mint_token(roles, org=[units[org]] if org else [], sub=sub, ttl=3600)
        client = httpx.Client(base_url=gateway_url, headers={"authorization": f"Bearer {token}"}, timeout=30)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def call(client: httpx.Client, method: str, path: str, *, expect: int = 200, etag_of: str | None = None, **kwargs) -> dict:
    headers = kwargs.pop("headers", {})
    if etag_of is not None:
        headers["if-match"] = client.get(etag_of).headers["etag"]
    response = client.request(method, path, headers=headers, **kwargs)
    assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
    return response.json()


def test_an_unresolved_finding_is_proposed_in_goals_and_audit_shows_the_proposal(person, units):
    auditor = person(["internal_auditor"], "auditor-a")
    committee = person(["committee"], "namnd-1")
    admin = person(["admin"], "admin-1", org=None)
    plan = call(auditor, "POST", "/audit/v1/control-plans", json={"committee_id": units["committee"], "year": 2014}, expect=201)
    path = f"/audit/v1/control-plans/{plan['id']}"
    plan = call(auditor, "POST", f"{path}/items", expect=201, etag_of=path, json={
        "control_object": "Läkemedelshantering", "method": "Granskning av signeringslistor", "sample": "Två boenden",
        "frequency": "en gång per år", "responsible_unit_id": units["elderly"], "reviewer_subject": "auditor-a",
        "reviewer_unit_id": units["staff"],
    })
    call(auditor, "POST", f"{path}/adoption-request", etag_of=path)
    call(committee, "POST", f"{path}/adoption", etag_of=path,
         json={"reference": "SDN 2013/1 § 1", "decided_on": "2013-12-12", "body_id": units["committee"]})
    review = call(auditor, "POST", "/audit/v1/reviews", expect=201, json={
        "item_id": plan["items"][0]["id"], "performed_on": "2014-09-16", "sample": "Två boenden, en vecka",
        "result": "deficiencies", "summary": "Signeringar saknas.",
    })
    finding = call(auditor, "POST", f"/audit/v1/reviews/{review['id']}/findings", expect=201, json={
        "severity": "high", "description": "Läkemedel ges utan signering.", "root_cause": "Rutinen följs inte kvällstid.",
    })
    fpath = f"/audit/v1/findings/{finding['id']}"
    call(auditor, "POST", f"{fpath}/action-plan", expect=201, etag_of=fpath, json={
        "action": "Ny signeringsrutin", "owner_subject": "chef-aof", "owner_unit_id": units["elderly"], "deadline": "2015-02-28",
    })
    # 1 October 2015: the plans for 2016 are prepared and the action's effect is still not verified.
    call(admin, "POST", "/audit/v1/carry-over-checks", json={"as_of": "2015-10-01"})
    assert call(auditor, "GET", fpath)["unresolved_on"] == "2015-10-01"

    def proposed_in_goals():
        items = call(admin, "GET", "/goals/v1/commitments", params={"unit_id": units["elderly"], "year": 2016})["items"]
        return next((c for c in items if c["proposed_from_finding_id"] == finding["id"]), None)

    commitment = wait_until(proposed_in_goals, what="the proposed commitment in goals")
    assert commitment["status"] == "draft" and commitment["year"] == 2016
    assert "Läkemedel ges utan signering." in commitment["version"]["title"]

    shown = wait_until(lambda: call(auditor, "GET", fpath)["proposed_commitments"], what="the proposal shown in audit")
    assert [(c["commitment_id"], c["year"], c["status"]) for c in shown] == [(commitment["id"], 2016, "draft")]


def test_the_audit_logs_head_is_anchored_in_goals_and_verification_checks_against_it(person):
    admin = person(["admin"], "admin-1", org=None)
    auditor = person(["internal_auditor"], "auditor-a")
    call(auditor, "POST", "/audit/v1/control-plans", json={"committee_id": "00000000-0000-4000-8000-000000000000", "year": 2014},
         expect=422)  # a refused attempt: it is in the log too, so the head moves
    published = call(admin, "POST", "/audit/v1/audit-log/head-publications")
    assert published["published"]

    def anchored():
        heads = call(auditor, "GET", "/goals/v1/audit-log-heads", params={"limit": 500})["items"]
        return heads if any(h["sequence"] == published["sequence"] for h in heads) else None

    heads = wait_until(anchored, what="the head anchored in goals")
    assert {"sequence": published["sequence"], "hash": published["hash"]} in [
        {"sequence": h["sequence"], "hash": h["hash"]} for h in heads
    ]
    result = call(auditor, "POST", "/audit/v1/audit-log/verification",
                  json={"anchored_heads": [{"sequence": h["sequence"], "hash": h["hash"]} for h in heads]})
    assert result["intact"] and result["anchored_heads_checked"] == len(heads)
