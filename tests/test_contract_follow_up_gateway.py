"""Contract follow-up through the gateway: a contract with a contractor → a night visit → a serious finding →
the provider's action plan → the re-check finds it remaining → escalation, listed for the administration's
internal auditors and published on audit's stream; the next year's follow-up plan ranks the contract by
it. And the demo's 2014 follow-up year (seed 004) read through the gateway, with the lex Sarah year beside it.
"""

import asyncio
import json
import os
import uuid

import httpx
import pytest
import redis
from contracts.organisation import OrganisationUnitType
from platform_support import unit_in, wait_until

from servicekit.events.envelope import ENVELOPE_FIELD

from audit.definition import SERVICE as AUDIT
from goals.demo import CITY_CODE, SEED_PRESCHOOL, SEED_PROVIDERS, UnitSpec, load_units, seed_committee


@pytest.fixture(scope="module")
def keyed(gateway_url, api_key):
    with httpx.Client(base_url=gateway_url, headers={"x-api-key": api_key}, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def stack_or_skip(request):
    if os.environ.get("QM_GATEWAY_URL"):
        pytest.skip("minting tokens for several people needs the local stack")
    return request.getfixturevalue("stack")


@pytest.fixture(scope="module")
def person(stack_or_skip, gateway_url):
    clients: list[httpx.Client] = []

    def make(roles: list[str], sub: str, org: list[str]) -> httpx.Client:
        token = stack_or_skip.mint_token(roles, org=org, sub=sub, ttl=3600)
        clients.append(httpx.Client(base_url=gateway_url, headers={"authorization": f"Bearer {token}"}, timeout=30))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


def _created(response: httpx.Response, status: int = 201) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def _etag(client: httpx.Client, path: str) -> dict:
    return {"if-match": client.get(path).headers["etag"]}


def test_a_contract_follow_up_runs_to_an_escalation_and_the_next_plan_ranks_it(keyed, person, stack_or_skip, gateway_url):
    city = keyed.get("/goals/v1/organisation-units", params={"type": "city"}).json()["items"]
    parent = city[0]["id"] if city else _created(keyed.post("/goals/v1/organisation-units", json={
        "code": "STHLM", "name": "Stockholms stad", "type": "city", "effective_date": "2010-01-01"}))["id"]
    suffix, units = uuid.uuid4().hex[:5].upper(), {}
    for name, code, unit_type in (("committee", f"SDN-{suffix}", "district_committee"),
                                  ("administration", f"SDF-{suffix}", "administration"),
                                  ("elderly", f"SDF-{suffix}-AOF", "department"),
                                  ("contractor", f"SDF-{suffix}-AOF-E1", "contractor")):
        units[name] = parent = _created(keyed.post("/goals/v1/organisation-units", json={
            "code": code, "name": f"{name} {suffix}", "type": unit_type, "parent_id": parent, "effective_date": "2014-01-01"}))["id"]
    wait_until(lambda: unit_in(keyed, "audit", units["contractor"]), what="the contractor in audit's read model")
    auditor = person(["internal_auditor"], "gw-avtalsuppfoljare", [units["administration"]])
    committee = person(["committee"], "gw-namnd", [units["committee"]])

    contract = _created(auditor.post("/audit/v1/contracts", json={
        "reference": f"SDN {suffix}/1", "title": "Drift av vård- och omsorgsboende", "provider_unit_id": units["contractor"],
        "valid_from": "2014-01-01", "valid_to": "2016-12-31", "places": 50, "annual_value_sek": 30_000_000, "night_operations": True,
        "quality_follow_up": "Årlig uppföljning: dokumentgranskning, besök och brukarundersökning.",
        "requirements": [{"code": "4.2", "category": "staffing", "description": "Två undersköterskor nattetid."},
                         {"code": "4.3", "category": "complaint_routine", "description": "Rutin för klagomål."}]}))
    assert (contract["committee_id"], contract["administration_id"]) == (units["committee"], units["administration"])
    night = _created(auditor.post(f"/audit/v1/contracts/{contract['id']}/follow-ups", json={
        "type": "night_visit", "performed_on": "2014-11-05", "summary": "Oanmäld nattillsyn."}))
    assert night["kind"] == "contract"
    outside = auditor.post(f"/audit/v1/contracts/{contract['id']}/follow-ups", json={
        "type": "visit", "performed_on": "2017-01-01", "summary": "Efter avtalstiden."})
    assert outside.status_code == 422 and outside.headers["content-type"] == "application/problem+json"
    finding = _created(auditor.post(f"/audit/v1/contract-follow-ups/{night['id']}/findings", json={
        "requirement_id": contract["requirements"][0]["id"], "severity": "serious", "description": "En undersköterska i tjänst."}))
    path = f"/audit/v1/contract-findings/{finding['id']}"
    _created(auditor.put(f"{path}/action-plan", headers=_etag(auditor, path), json={
        "action": "Två undersköterskor varje natt.", "deadline": "2014-12-10", "submitted_on": "2014-11-20"}), 200)
    remaining = _created(auditor.post(f"{path}/recheck", headers=_etag(auditor, path), json={
        "rechecked_on": "2014-12-15", "resolved": False, "note": "Kvarstår."}), 200)
    assert remaining["status"] == "remaining"
    escalated = _created(auditor.post(f"{path}/escalation", headers=_etag(auditor, path), json={
        "escalated_on": "2014-12-18", "reason": "Risk för de boendes säkerhet."}), 200)
    assert escalated["escalation"]["escalated_on"] == "2014-12-18"

    listed = auditor.get("/audit/v1/contract-escalations").json()["items"]
    assert [e["finding"]["id"] for e in listed] == [finding["id"]]
    stream = f"{stack_or_skip.stream_prefix}audit.events"
    with redis.Redis.from_url(stack_or_skip.redis_url, decode_responses=True) as client:
        def published():
            for _, fields in client.xrange(stream):
                envelope = json.loads(fields[ENVELOPE_FIELD.decode()])
                if envelope["type"] == "audit.contract.deficiency-escalated" and envelope["subject"] == finding["id"]:
                    return envelope
            return None

        event = wait_until(published, timeout=30, interval=0.3, what="the escalation on audit's stream")
    assert event["data"]["administration_id"] == units["administration"] and event["data"]["requirement_code"] == "4.2"

    # The 2015 plan: 1 open × 2 + 1 serious × 3 + 1 escalated × 5 + 50 places × 0.02 + 30 MSEK × 0.05 = 12.5,
    # from 12 the night visit too.
    plan = _created(auditor.post("/audit/v1/follow-up-plans", json={"committee_id": units["committee"], "year": 2015}))
    (item,) = plan["items"]
    assert item["score"] == 12.5
    assert item["proposed_types"] == ["document_review", "visit", "unannounced_visit", "night_visit", "user_survey"]
    plan_path = f"/audit/v1/follow-up-plans/{plan['id']}"
    without_decision = committee.post(f"{plan_path}/adoption", headers=_etag(committee, plan_path), json={})
    assert without_decision.status_code == 422
    adopted = _created(committee.post(f"{plan_path}/adoption", headers=_etag(committee, plan_path), json={
        "reference": f"SDN {suffix}/9 § 3", "decided_on": "2014-12-11", "body_id": units["committee"]}), 200)
    assert adopted["status"] == "adopted" and adopted["decision"]["recorded_by"] == "gw-namnd"
    document = httpx.get(f"{gateway_url}/openapi.json", timeout=30).json()
    assert {"/audit/v1/follow-up-plans/{plan_id}/adoption", "/audit/v1/follow-up-risk-weights"} <= set(document["paths"])


def test_the_demos_2014_follow_up_year_reads_through_the_gateway(keyed, person, stack_or_skip, monkeypatch):
    """Spånga-Tensta's units through goals, then audit's lex Sarah and follow-up demos on the stack's database."""
    T = OrganisationUnitType
    specs = [UnitSpec(CITY_CODE, "Stockholms stad", T.city, None), *seed_committee(), SEED_PRESCHOOL, *SEED_PROVIDERS,
             UnitSpec("FN-ALN", "Äldrenämnden", T.specialist_committee, CITY_CODE),
             UnitSpec("FV-ALN", "Äldreförvaltningen", T.administration, "FN-ALN")]

    async def load_tree():
        async with httpx.AsyncClient(base_url=keyed.base_url, headers={"x-api-key": keyed.headers["x-api-key"]}, timeout=30) as c:
            return await load_units(c, specs)

    tree = asyncio.run(load_tree())
    for spec in specs:
        wait_until(lambda u=str(tree.ids[spec.code]): unit_in(keyed, "audit", u), timeout=60, what=f"{spec.code} in audit")
    for key, value in stack_or_skip.env_for("audit").items():
        monkeypatch.setenv(key, value)

    async def load_demo():
        from servicekit.inprocess import open_service_app

        from audit.follow_up_plans.demo import load as load_follow_up_year
        from audit.lex_sarah.demo import load as load_lex_sarah

        async with open_service_app(AUDIT) as api:
            await load_lex_sarah(api)
            await load_follow_up_year(api)

    asyncio.run(load_demo())
    committee_id = str(tree.ids["SDN-SPT"])
    reader = person(["committee"], "gw-namndsekreterare", [committee_id])
    plans = {p["year"]: p for p in reader.get("/audit/v1/follow-up-plans", params={"committee_id": committee_id}).json()["items"]}
    plan = plans[2014]
    assert plan["status"] == "adopted" and plan["decision"]["reference"] == "SDN 2013/398 § 12"
    # Seed 004: 26 verksamhetsuppföljningar, fyra uppföljningar av entreprenadavtal, one night at four care homes.
    assert plan["summary"]["by_kind"] == {"operations": 26, "contract": 4}
    assert plan["summary"]["by_type"]["night_visit"] == 4
    escalated = [i for i in plans[2015]["items"] if any(p["factor"] == "escalations" and p["value"] == 1
                                                          for p in i["explanation"])]
    assert len(escalated) == 2
    elderly_care = person(["internal_auditor"], "gw-aldreforvaltningen", [str(tree.ids["FV-ALN"])])
    reported = [e for e in elderly_care.get("/audit/v1/contract-escalations", params={"limit": 100}).json()["items"]
                if e["committee_id"] == committee_id]
    assert sorted(e["contract_reference"] for e in reported) == ["SDN 2012/118", "SDN 2012/119"]
    lex = reader.get("/audit/v1/lex-sarah/yearly-summary", params={"committee_id": committee_id, "year": 2014}).json()
    assert (lex["reports"], lex["serious"]) == (19, 0)
